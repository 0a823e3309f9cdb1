//! Request bodies, responses, and the media types and schemas they hold.

use codegen::document::{Resolved, escape, resolve};
use serde_json::Value;

use super::operations::Operation;
use super::{At, EMPTY, Scope, Walk, is_true, side_name};
use crate::diff::change::Kind;
use crate::diff::rules::{Condition, Side};

impl<'a> Walk<'a> {
    pub(super) fn request_body(&mut self, base: &Operation<'a>, new: &Operation<'a>) {
        let id = new.id.as_str();
        let root = format!("{id} request");
        let base_pointer = format!("{}/requestBody", base.pointer());
        let new_pointer = format!("{}/requestBody", new.pointer());
        let base_body = base
            .value
            .get("requestBody")
            .map(|value| resolve(self.base, value, &base_pointer));
        let new_body = new
            .value
            .get("requestBody")
            .map(|value| resolve(self.new, value, &new_pointer));
        let required = |body: &Resolved<'_>| is_true(body.value.get("required"));
        match (base_body, new_body) {
            (None, None) => {}
            (None, Some(new_body)) => {
                let required = required(&new_body);
                let message = if required {
                    "the operation now takes a required body: every call must set it"
                } else {
                    "the operation now takes an optional body"
                };
                self.push_at(
                    &At::new(Some(id), Side::Request, root),
                    Kind::RequestBodyAdded.when(Condition::required(required)),
                    message.to_owned(),
                );
            }
            (Some(_), None) => self.push_at(
                &At::new(Some(id), Side::Request, root),
                Kind::RequestBodyRemoved,
                "the operation no longer takes a body: code that sets one no longer compiles"
                    .to_owned(),
            ),
            (Some(base_body), Some(new_body)) => {
                match (required(&base_body), required(&new_body)) {
                    (false, true) => self.push_at(
                        &At::new(Some(id), Side::Request, root.clone()),
                        Kind::RequestBodyBecameRequired,
                        "the request body became required: every call must now set it".to_owned(),
                    ),
                    (true, false) => self.push_at(
                        &At::new(Some(id), Side::Request, root.clone()),
                        Kind::RequestBodyBecameOptional,
                        "the request body became optional".to_owned(),
                    ),
                    _ => {}
                }
                self.metadata(
                    &At::new(Some(id), Side::Request, root.clone()),
                    base_body.value,
                    new_body.value,
                    &["required", "content"],
                );
                self.content(Some(id), &root, Side::Request, &base_body, &new_body);
            }
        }
    }

    /// The media types of a request body or response, and their schemas.
    pub(super) fn content(
        &mut self,
        operation: Option<&str>,
        root: &str,
        side: Side,
        base: &Resolved<'a>,
        new: &Resolved<'a>,
    ) {
        let base_content = base.value.get("content").and_then(Value::as_object);
        let new_content = new.value.get("content").and_then(Value::as_object);
        let base_content = base_content.unwrap_or(&EMPTY);
        let new_content = new_content.unwrap_or(&EMPTY);
        let side_name = side_name(side);
        for (media, base_media) in base_content {
            let Some(new_media) = new_content.get(media) else {
                let consequence = match side {
                    Side::Response => "code that reads this body no longer compiles",
                    Side::Request | Side::Neither => "code that sends it no longer compiles",
                };
                self.push_at(
                    &At::new(operation, side, root.to_owned()),
                    Kind::MediaTypeRemoved,
                    format!("{side_name} media type `{media}` removed: {consequence}"),
                );
                continue;
            };
            let media_root = if media == "application/json" {
                root.to_owned()
            } else {
                format!("{root} ({media})")
            };
            self.metadata(
                &At::new(operation, side, media_root.clone()),
                base_media,
                new_media,
                &["schema"],
            );
            let scope = Scope {
                operation,
                side,
                root: media_root,
                separator: " ",
            };
            let media_pointer = |holder: &Resolved<'_>| {
                format!("{}/content/{}/schema", holder.pointer, escape(media))
            };
            let (base_pointer, new_pointer) = (media_pointer(base), media_pointer(new));
            match (base_media.get("schema"), new_media.get("schema")) {
                (Some(b), Some(n)) => {
                    self.schema(&scope, "", (b, &base_pointer), (n, &new_pointer))
                }
                (None, None) => {}
                _ => self.push(
                    &scope,
                    "",
                    Kind::TypeChanged,
                    format!("{side_name} body `{media}`: its schema was added or removed"),
                ),
            }
        }
        for media in new_content.keys() {
            if !base_content.contains_key(media) {
                self.push_at(
                    &At::new(operation, side, root.to_owned()),
                    Kind::MediaTypeAdded,
                    format!("{side_name} media type `{media}` added"),
                );
            }
        }
    }

    pub(super) fn responses(&mut self, base: &Operation<'a>, new: &Operation<'a>) {
        let id = new.id.as_str();
        let base_responses = base.value.get("responses").and_then(Value::as_object);
        let new_responses = new.value.get("responses").and_then(Value::as_object);
        let base_responses = base_responses.unwrap_or(&EMPTY);
        let new_responses = new_responses.unwrap_or(&EMPTY);
        let has_success = new_responses.keys().any(|s| s.starts_with('2'));
        let label = |status: &str| {
            let error = status.starts_with('4')
                || status.starts_with('5')
                || (status == "default" && has_success);
            if error { "error response" } else { "response" }
        };
        for (status, base_response) in base_responses {
            let root = format!("{id} {} {status}", label(status));
            if status.starts_with("x-") {
                if new_responses.get(status) != Some(base_response) {
                    self.push_at(
                        &At::new(Some(id), Side::Response, format!("{id} responses")),
                        Kind::MetadataChanged,
                        format!("`{status}` changed"),
                    );
                }
                continue;
            }
            let Some(new_response) = new_responses.get(status) else {
                self.push_at(
                    &At::new(Some(id), Side::Response, root),
                    Kind::ResponseStatusRemoved,
                    format!(
                        "status {status} no longer documented: if the service still sends it, the client reports an unexpected response"
                    ),
                );
                continue;
            };
            let base_pointer = format!("{}/responses/{}", base.pointer(), escape(status));
            let new_pointer = format!("{}/responses/{}", new.pointer(), escape(status));
            let base_response = resolve(self.base, base_response, &base_pointer);
            let new_response = resolve(self.new, new_response, &new_pointer);
            let key = (
                Some(id.to_owned()),
                Side::Response,
                base_response.pointer.clone(),
                new_response.pointer.clone(),
            );
            if !self.visited.insert(key) {
                continue;
            }
            self.metadata(
                &At::new(Some(id), Side::Response, root),
                base_response.value,
                new_response.value,
                &["content"],
            );
            let body_root = format!("{id} {}", label(status));
            self.content(
                Some(id),
                &body_root,
                Side::Response,
                &base_response,
                &new_response,
            );
        }
        for status in new_responses.keys() {
            if base_responses.contains_key(status) {
                continue;
            }
            if status.starts_with("x-") {
                self.push_at(
                    &At::new(Some(id), Side::Response, format!("{id} responses")),
                    Kind::MetadataChanged,
                    format!("`{status}` changed"),
                );
                continue;
            }
            self.push_at(
                &At::new(
                    Some(id),
                    Side::Response,
                    format!("{id} {} {status}", label(status)),
                ),
                Kind::ResponseStatusAdded,
                format!("status {status} added"),
            );
        }
    }
}
