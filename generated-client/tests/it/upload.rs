//! uploadFile: a multipart form of files (bytes, a path, a stream) and text
//! fields, against loopback servers that read the body as a multipart parser
//! does; files that cannot be read and fields beyond their limits are refused
//! before anything is sent; the array answer decodes tolerantly.

use std::convert::Infallible;

use bytes::Bytes;
use generated_client::upload::FilePart;
use generated_client::{Answer, ErrorKind};
use httpmock::MockServer;

use crate::support::{TOKEN, client, fixture_text};

/// One request as the server read it.
struct Recorded {
    request_line: String,
    headers: Vec<(String, String)>,
    body: Bytes,
}

impl Recorded {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// One part of a multipart body, as multer reads it.
#[derive(Debug, PartialEq)]
struct ReadPart {
    name: String,
    file_name: Option<String>,
    content_type: Option<String>,
    data: Bytes,
}

/// A loopback server that answers one request (with a `Content-Length`
/// body) with 200 and `answer`, and hands back the request as read.
async fn record_one(answer: String) -> (String, tokio::task::JoinHandle<Recorded>) {
    use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base_url = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let (stream, _) = listener.accept().await.unwrap();
        let mut reader = BufReader::new(stream);
        let mut request_line = String::new();
        reader.read_line(&mut request_line).await.unwrap();
        let mut headers = Vec::new();
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).await.unwrap();
            if line == "\r\n" || line.is_empty() {
                break;
            }
            let (name, value) = line.split_once(':').unwrap();
            headers.push((name.trim().to_owned(), value.trim().to_owned()));
        }
        let length: usize = headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
            .map(|(_, v)| v.parse().unwrap())
            .expect("the form's length is known, so the request has a Content-Length");
        let mut body = vec![0; length];
        reader.read_exact(&mut body).await.unwrap();
        let reply = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{answer}",
            answer.len()
        );
        reader.get_mut().write_all(reply.as_bytes()).await.unwrap();
        Recorded {
            request_line: request_line.trim_end().to_owned(),
            headers,
            body: Bytes::from(body),
        }
    });
    (base_url, task)
}

/// The parts of a multipart `body` sent with `content_type`, read by multer.
async fn parts(content_type: &str, body: Bytes) -> Vec<ReadPart> {
    let boundary = multer::parse_boundary(content_type).expect("a multipart content type");
    let stream = futures_util::stream::once(async move { Ok::<_, Infallible>(body) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    let mut read = Vec::new();
    while let Some(field) = multipart
        .next_field()
        .await
        .expect("a well-formed multipart body")
    {
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let content_type = field.content_type().map(ToString::to_string);
        let data = field.bytes().await.unwrap();
        read.push(ReadPart {
            name,
            file_name,
            content_type,
            data,
        });
    }
    read
}

fn client_for(base_url: &str) -> generated_client::Client {
    generated_client::Client::builder()
        .base_url(base_url)
        .bearer_token(TOKEN)
        .build()
        .unwrap()
}

/// Bytes, a path and a stream, each a `files` part with its file name and
/// content type (guessed from the name, or set), the text field a text part;
/// the request has a Content-Length, and the page's example answer decodes.
#[tokio::test]
async fn files_from_bytes_a_path_and_a_stream_are_parts_of_one_form() {
    let dir = tempfile::tempdir().unwrap();
    let photo = dir.path().join("photo.png");
    let photo_bytes: Vec<u8> = (0..70_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(&photo, &photo_bytes).unwrap();
    let chunks: Vec<Result<Vec<u8>, Infallible>> =
        vec![Ok(b"line one\n".to_vec()), Ok(b"line two\n".to_vec())];

    let (base_url, recorded) = record_one(fixture_text("uploadFile.response.json")).await;
    let answer = client_for(&base_url)
        .upload_file()
        .files([
            FilePart::bytes("id,name\n1,Ann\n", "report.csv"),
            FilePart::path(&photo),
            FilePart::stream(futures_util::stream::iter(chunks), "notes")
                .content_type("text/plain; charset=utf-8")
                .length(18),
        ])
        .body_map(|b| b.preferred_filename("Quarterly report é".to_owned()))
        .send()
        .await
        .unwrap()
        .into_inner();
    let recorded = recorded.await.unwrap();

    assert_eq!(recorded.request_line, "POST /api/v4/files HTTP/1.1");
    assert_eq!(
        recorded.header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    let content_type = recorded.header("content-type").unwrap().to_owned();
    assert!(
        content_type.starts_with("multipart/form-data; boundary="),
        "{content_type}"
    );
    let read = parts(&content_type, recorded.body.clone()).await;
    assert_eq!(
        read,
        [
            ReadPart {
                name: "preferredFilename".to_owned(),
                file_name: None,
                content_type: None,
                data: Bytes::from("Quarterly report é"),
            },
            ReadPart {
                name: "files".to_owned(),
                file_name: Some("report.csv".to_owned()),
                content_type: Some("text/csv".to_owned()),
                data: Bytes::from("id,name\n1,Ann\n"),
            },
            ReadPart {
                name: "files".to_owned(),
                file_name: Some("photo.png".to_owned()),
                content_type: Some("image/png".to_owned()),
                data: Bytes::from(photo_bytes),
            },
            ReadPart {
                name: "files".to_owned(),
                file_name: Some("notes".to_owned()),
                content_type: Some("text/plain; charset=utf-8".to_owned()),
                data: Bytes::from("line one\nline two\n"),
            },
        ]
    );

    assert_eq!(answer.len(), 1);
    assert!(answer.unfit().is_empty(), "{:?}", answer.unfit());
    let file = &answer[0];
    assert_eq!(file.file_id.as_deref(), Some("<string>"));
    let attributes = file.attributes.as_ref().unwrap();
    assert_eq!(attributes.size, Some(2107842));
    assert_eq!(attributes.mime_type.as_deref(), Some("application/pdf"));
}

/// A path that does not exist, a directory, and a content type that is not
/// one fail the call naming what is wrong; the server sees nothing.
#[tokio::test]
async fn files_that_cannot_be_sent_are_refused_naming_them() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|_, then| {
            then.status(200).body("[]");
        })
        .await;
    let client = client(&server);
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.pdf");
    let cases = [
        (
            FilePart::path(&missing),
            format!(
                "uploadFile: file `files`: the file `{}` cannot be read: No such file or directory",
                missing.display()
            ),
        ),
        (
            FilePart::path(dir.path()),
            format!(
                "uploadFile: file `files`: the file `{}` cannot be read: it is a directory",
                dir.path().display()
            ),
        ),
        (
            FilePart::bytes("x", "x.txt").content_type("not a type"),
            "uploadFile: file `files`: its content type `not a type` is not a media type"
                .to_owned(),
        ),
        (
            FilePart::bytes("x", "a.txt\r\nContent-Type: text/html"),
            "uploadFile: file `files`: its file name \"a.txt\\r\\nContent-Type: text/html\" \
             holds a line break or another control character"
                .to_owned(),
        ),
    ];
    for (part, expected) in cases {
        let error = client.upload_file().files([part]).send().await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidRequest, "{error:?}");
        let message = error.to_string();
        assert!(
            message.starts_with(&format!(
                "uploadFile: refused before sending: {}",
                &expected["uploadFile: ".len()..]
            )),
            "{message}"
        );
        assert!(message.ends_with("nothing was sent"), "{message}");
    }
    // The second of two files is named by its place.
    let error = client
        .upload_file()
        .files([FilePart::bytes("ok", "a.txt"), FilePart::path(&missing)])
        .send()
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("file `files` #2: the file"),
        "{error}"
    );
    mock.assert_calls_async(0).await;
}

/// The form's documented limits are checked like any body's: no file at all,
/// and a preferredFilename over 1024 characters, are refused, named, with
/// nothing sent; with request checks off, both are sent as they are.
#[tokio::test]
async fn the_forms_rules_are_checked_before_sending() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.path("/api/v4/files");
            then.status(200).body("[]");
        })
        .await;
    let error = client(&server)
        .upload_file()
        .body_map(|b| b.preferred_filename("n".repeat(1025)))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidRequest, "{error:?}");
    let violations = error
        .violations()
        .unwrap_or_else(|| panic!("not a list of broken rules: {error}"));
    assert_eq!(violations.operation(), "uploadFile");
    let paths: Vec<&str> = violations.iter().map(|v| v.path()).collect();
    let message = error.to_string();
    assert_eq!(paths, [".preferredFilename", ".files"], "{message}");
    assert!(message.contains("1024"), "{message}");
    mock.assert_calls_async(0).await;

    let unchecked = generated_client::Client::builder()
        .base_url(server.base_url())
        .bearer_token(TOKEN)
        .validate_requests(false)
        .build()
        .unwrap();
    let answer = unchecked
        .upload_file()
        .body_map(|b| b.preferred_filename("n".repeat(1025)))
        .send()
        .await
        .unwrap();
    assert!(answer.is_empty());
    mock.assert_calls_async(1).await;
}

/// A stream without a length is sent chunked, and arrives whole.
#[tokio::test]
async fn a_stream_of_unknown_length_is_sent_chunked() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.path("/api/v4/files")
                .header_missing("content-length")
                .body_includes(
                    "filename=\"log.txt\"\r\nContent-Type: text/plain\r\n\r\nabcdef\r\n",
                );
            then.status(200).body("[]");
        })
        .await;
    let chunks: Vec<Result<&'static [u8], Infallible>> = vec![Ok(b"abc"), Ok(b"def")];
    client(&server)
        .upload_file()
        .files([FilePart::stream(
            futures_util::stream::iter(chunks),
            "log.txt",
        )])
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
}

/// The array answer decodes tolerantly: an item that is not an object is
/// left out, a value that does not fit is left out of its item, and both
/// are kept in `unfit` with their JSON pointers.
#[tokio::test]
async fn the_array_answer_is_decoded_tolerantly() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|_, then| {
            then.status(200)
                .header("content-type", "application/json")
                .body(r#"[{"fileId": "f1", "attributes": {"size": "big"}}, 7, {"fileId": "f3"}]"#);
        })
        .await;
    let answer = client(&server)
        .upload_file()
        .files([FilePart::bytes("x", "x.txt")])
        .send()
        .await
        .unwrap()
        .into_inner();
    let ids: Vec<Option<&str>> = answer.iter().map(|f| f.file_id.as_deref()).collect();
    assert_eq!(ids, [Some("f1"), Some("f3")]);
    let unfit: Vec<(&str, &str)> = answer
        .unfit()
        .iter()
        .map(|u| (u.path.as_str(), u.expected))
        .collect();
    assert_eq!(
        unfit,
        [("/0/attributes/size", "integer"), ("/1", "object (File)")]
    );
}

/// An answer that is not an array is the unexpected response, its body kept.
#[tokio::test]
async fn an_answer_that_is_not_an_array_keeps_its_body() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|_, then| {
            then.status(200)
                .header("content-type", "application/json")
                .body(r#"{"files": []}"#);
        })
        .await;
    let error = client(&server)
        .upload_file()
        .files([FilePart::bytes("x", "x.txt")])
        .send()
        .await
        .unwrap_err();
    let unreadable = error.unreadable_body().expect("an unreadable body");
    assert_eq!(unreadable.status(), 200);
    assert_eq!(unreadable.excerpt(), r#"{"files": []}"#);
    assert!(
        unreadable.reason().contains("expected a JSON array"),
        "{}",
        unreadable.reason()
    );
}

/// A file part's Debug shows where its bytes come from, never the bytes.
#[test]
fn a_file_parts_debug_shows_no_content() {
    let part = FilePart::bytes("secret contents", "a.txt");
    let debug = format!("{part:?}");
    assert_eq!(
        debug,
        r#"FilePart { bytes: 15, file_name: Some("a.txt"), content_type: None }"#
    );
}
