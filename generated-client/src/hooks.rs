//! What the generated client runs around every request (progenitor's
//! `ClientHooks`): validation before sending, retries, and turning a non-JSON
//! error page into a typed error.

use bytes::Bytes;
use progenitor_client::{ClientHooks, ClientInfo, Error, OperationInfo};
use reqwest::header::CONTENT_TYPE;

use crate::{Client, RetryPolicy};

/// The state every [`Client`] carries besides its `reqwest::Client` and base
/// URL. Built by [`ClientBuilder`](crate::ClientBuilder).
#[derive(Clone, Debug)]
pub struct ClientState {
    /// When and how to retry.
    pub retry: RetryPolicy,
    /// Whether request bodies are checked before sending
    /// ([`ClientBuilder::validate_requests`](crate::ClientBuilder::validate_requests)).
    pub validate_requests: bool,
}

impl Default for ClientState {
    fn default() -> Self {
        ClientState {
            retry: RetryPolicy::default(),
            validate_requests: true,
        }
    }
}

impl ClientHooks<ClientState> for Client {
    /// Refuses a request body that breaks a documented constraint, before
    /// anything is sent.
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), Error<E>> {
        if !self.inner().validate_requests {
            return Ok(());
        }
        let Some(bytes) = request.body().and_then(reqwest::Body::as_bytes) else {
            return Ok(());
        };
        crate::validation::check_request_json(info.operation_id, bytes)
            .map_err(|violations| Error::InvalidRequest(violations.to_string()))
    }

    /// Sends the request, retrying as [`RetryPolicy`] says.
    async fn exec(
        &self,
        request: reqwest::Request,
        _info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let policy = &self.inner().retry;
        let mut pending = request;
        let mut attempt = 0;
        loop {
            let spare = if attempt < policy.max_retries {
                pending.try_clone()
            } else {
                None
            };
            let result = self.client().execute(pending).await;
            let wait = match (&result, spare) {
                (Ok(response), Some(spare)) if policy.is_retryable_status(response.status()) => {
                    Some((policy.delay(attempt, Some(response.headers())), spare))
                }
                (Err(error), Some(spare)) if policy.is_retryable_error(error) => {
                    Some((policy.delay(attempt, None), spare))
                }
                _ => None,
            };
            let Some((wait, spare)) = wait else {
                return match result {
                    Ok(response) => Ok(json_error_body(response).await),
                    Err(error) => Err(error.without_url()),
                };
            };
            tokio::time::sleep(wait).await;
            pending = spare;
            attempt += 1;
        }
    }
}

/// An error status whose body is not a JSON object (an HTML page from a
/// proxy, say) would fail to decode as the error body. Such a body is replaced
/// with a JSON error body with no `code` whose `message` holds the status, the
/// content type and a short excerpt of what came back, so the caller still
/// gets `Error::ErrorResponse` with the real status and headers.
async fn json_error_body(response: reqwest::Response) -> reqwest::Response {
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let headers = response.headers().clone();
    let version = response.version();
    let bytes = response.bytes().await.unwrap_or_default();
    let is_object =
        serde_json::from_slice::<serde_json::Value>(&bytes).is_ok_and(|value| value.is_object());
    let body = if is_object {
        bytes
    } else {
        let content_type = headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("no content type");
        let message = format!(
            "HTTP {status} with a non-JSON body ({content_type}): {}",
            crate::decode::excerpt(&bytes)
        );
        Bytes::from(serde_json::json!({ "message": message }).to_string())
    };
    let mut rebuilt = http::Response::new(body);
    *rebuilt.status_mut() = status;
    *rebuilt.version_mut() = version;
    *rebuilt.headers_mut() = headers;
    if !is_object {
        rebuilt.headers_mut().insert(
            CONTENT_TYPE,
            http::HeaderValue::from_static("application/json"),
        );
        rebuilt.headers_mut().remove(http::header::CONTENT_LENGTH);
    }
    reqwest::Response::from(rebuilt)
}
