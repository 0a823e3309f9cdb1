//! What the generated client costs at run time.
//!
//! - `client/create_post`: one `createPost` call through the client against a
//!   loopback HTTP/1.1 server, next to the fair baseline: a raw
//!   `reqwest::Client` sending the same request (same headers, same JSON body,
//!   same timeouts) and decoding the answer with
//!   `serde_json::from_slice::<types::CreatePostResponse>`. Both arms clone the
//!   body fixture per call. The client arm also runs the request validation
//!   hook (a JSON parse of the body and the `createPost` checks), timed alone in
//!   `client/request_validation`.
//! - `client/decode_envelope`: decoding a large `createPost` envelope (1,000
//!   posts with side-loaded users, files and comments) into
//!   `types::CreatePostResponse` next to decoding it into `serde_json::Value`.
//!
//! Run with `cargo bench -p generated-client --bench client`.

use std::sync::Arc;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use generated_client::{Client, types};
use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderMap, HeaderValue};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::runtime::Runtime;

const REQUEST_EXAMPLE: &str = include_str!("../../spec/examples/createPost.request.json");
const RESPONSE_EXAMPLE: &str = include_str!("../../spec/examples/createPost.response.json");

/// Entries per side-loaded list in the large envelope.
const ENVELOPE_ENTRIES: usize = 1_000;
/// The lists of the envelope that are grown to [`ENVELOPE_ENTRIES`] entries.
const ENVELOPE_LISTS: [&str; 4] = ["posts", "users", "files", "comments"];

const TOKEN: &str = "bench-token";

fn create_post_benches(c: &mut Criterion) {
    let server = LoopbackServer::start(RESPONSE_EXAMPLE.as_bytes());
    let runtime = current_thread_runtime();
    let body: types::CreatePostRequest =
        serde_json::from_str(REQUEST_EXAMPLE).expect("createPost.request.json is a CreatePostRequest");

    let client = |max_retries: Option<u32>| {
        let builder = Client::builder().base_url(&server.url).bearer_token(TOKEN);
        let builder = match max_retries {
            Some(n) => builder.max_retries(n),
            None => builder,
        };
        builder.build().expect("valid client settings")
    };
    let no_retries = client(Some(0));
    let default_retries = client(None);
    let raw = raw_client();
    let url = format!("{}/api/v4/posts", server.url);

    // Both arms must succeed before either is timed.
    runtime.block_on(async {
        no_retries.create_post().body(body.clone()).send().await.expect("the client call succeeds");
        raw_create_post(&raw, &url, &body).await;
    });

    let mut group = c.benchmark_group("client/create_post");
    group
        .sample_size(50)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    group.bench_function("raw_reqwest", |b| {
        b.to_async(&runtime).iter(|| raw_create_post(&raw, &url, &body));
    });
    group.bench_function("client_max_retries_0", |b| {
        b.to_async(&runtime).iter(|| async {
            no_retries.create_post().body(body.clone()).send().await.expect("the client call succeeds")
        });
    });
    group.bench_function("client_default_retries", |b| {
        b.to_async(&runtime).iter(|| async {
            default_retries
                .create_post()
                .body(body.clone())
                .send()
                .await
                .expect("the client call succeeds")
        });
    });
    group.finish();

    let body_bytes = serde_json::to_vec(&body).expect("the body serialises");
    let mut validation = c.benchmark_group("client/request_validation");
    validation.sample_size(50).measurement_time(Duration::from_secs(2));
    validation.bench_function("parse_and_check_create_post", |b| {
        b.iter(|| {
            let value: Value = serde_json::from_slice(&body_bytes).expect("the body is JSON");
            generated_client::validation::check_request("createPost", &value)
                .expect("the example body is valid")
        });
    });
    validation.finish();
}

fn decode_benches(c: &mut Criterion) {
    let envelope = large_envelope();
    let decoded: types::CreatePostResponse =
        serde_json::from_slice(&envelope).expect("the large envelope is a CreatePostResponse");
    assert_eq!(decoded.posts.len(), ENVELOPE_ENTRIES);

    let mut group = c.benchmark_group("client/decode_envelope");
    group
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4))
        .throughput(Throughput::Bytes(envelope.len() as u64));
    group.bench_with_input(BenchmarkId::new("typed", "1000_posts"), &envelope, |b, bytes| {
        b.iter(|| serde_json::from_slice::<types::CreatePostResponse>(bytes).expect("decodes"));
    });
    group.bench_with_input(BenchmarkId::new("value", "1000_posts"), &envelope, |b, bytes| {
        b.iter(|| serde_json::from_slice::<Value>(bytes).expect("decodes"));
    });
    group.finish();
}

/// The raw baseline: the request the generated client sends, built by hand,
/// and the same typed decode of the answer.
async fn raw_create_post(
    client: &reqwest::Client,
    url: &str,
    body: &types::CreatePostRequest,
) -> types::CreatePostResponse {
    let body = body.clone();
    let response = client
        .post(url)
        .header(ACCEPT, HeaderValue::from_static("application/json"))
        .header("api-version", HeaderValue::from_static("1.0.0"))
        .json(&body)
        .send()
        .await
        .expect("the raw call succeeds");
    assert!(response.status().is_success(), "raw call: HTTP {}", response.status());
    let bytes = response.bytes().await.expect("the raw answer is read");
    serde_json::from_slice(&bytes).expect("the raw answer decodes")
}

/// A `reqwest::Client` set up as `ClientBuilder::build` sets up its own with
/// the defaults: bearer token, user agent, 30 s timeout, 10 s connect timeout.
fn raw_client() -> reqwest::Client {
    let mut headers = HeaderMap::new();
    let mut authorization =
        HeaderValue::from_str(&format!("Bearer {TOKEN}")).expect("a valid header value");
    authorization.set_sensitive(true);
    headers.insert(AUTHORIZATION, authorization);
    reqwest::Client::builder()
        .default_headers(headers)
        .user_agent(concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")))
        .timeout(Duration::from_secs(30))
        .connect_timeout(Duration::from_secs(10))
        .build()
        .expect("reqwest builds a client")
}

/// `createPost.response.json` with each of [`ENVELOPE_LISTS`] grown to
/// [`ENVELOPE_ENTRIES`] copies of its example entry, each with distinct ids.
fn large_envelope() -> Vec<u8> {
    let mut envelope: Value = serde_json::from_str(RESPONSE_EXAMPLE).expect("the example is JSON");
    for list in ENVELOPE_LISTS {
        let entries = envelope[list]
            .as_array_mut()
            .unwrap_or_else(|| panic!("createPost.response.json has no `{list}` list"));
        let example = entries.first().cloned().unwrap_or_else(|| panic!("`{list}` is empty"));
        *entries = (0..ENVELOPE_ENTRIES)
            .map(|n| with_distinct_ids(&example, list, n))
            .collect();
    }
    serde_json::to_vec(&envelope).expect("the envelope serialises")
}

/// `entry` with every top-level string field named `_id` or `…Id` set to a
/// value unique to (`list`, `n`).
fn with_distinct_ids(entry: &Value, list: &str, n: usize) -> Value {
    let mut entry = entry.clone();
    if let Value::Object(fields) = &mut entry {
        for (key, value) in fields.iter_mut() {
            if value.is_string() && (key == "_id" || key.ends_with("Id")) {
                *value = Value::String(format!("{list}-{key}-{n}"));
            }
        }
    }
    entry
}

fn current_thread_runtime() -> Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime starts")
}

/// A minimal HTTP/1.1 server on 127.0.0.1, on its own thread and runtime, that
/// answers every request with `200 OK` and one fixed JSON body, keeping the
/// connection alive. It reads only what it needs: the headers and
/// `Content-Length` bytes of body.
struct LoopbackServer {
    url: String,
}

impl LoopbackServer {
    fn start(body: &[u8]) -> LoopbackServer {
        let mut response = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
            body.len()
        )
        .into_bytes();
        response.extend_from_slice(body);
        let response: Arc<[u8]> = response.into();

        let runtime = current_thread_runtime();
        let listener = runtime
            .block_on(TcpListener::bind("127.0.0.1:0"))
            .expect("a loopback port is free");
        let url = format!("http://{}", listener.local_addr().expect("a bound address"));
        std::thread::spawn(move || {
            runtime.block_on(async move {
                loop {
                    let Ok((stream, _)) = listener.accept().await else { continue };
                    tokio::spawn(serve_connection(stream, Arc::clone(&response)));
                }
            });
        });
        LoopbackServer { url }
    }
}

async fn serve_connection(mut stream: TcpStream, response: Arc<[u8]>) -> std::io::Result<()> {
    stream.set_nodelay(true)?;
    let mut buffer = Vec::with_capacity(16 * 1024);
    let mut chunk = vec![0u8; 16 * 1024];
    loop {
        let header_end = loop {
            if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                break at + 4;
            }
            let read = stream.read(&mut chunk).await?;
            if read == 0 {
                return Ok(());
            }
            buffer.extend_from_slice(&chunk[..read]);
        };
        let request_end = header_end + content_length(&buffer[..header_end]);
        while buffer.len() < request_end {
            let read = stream.read(&mut chunk).await?;
            if read == 0 {
                return Ok(());
            }
            buffer.extend_from_slice(&chunk[..read]);
        }
        buffer.drain(..request_end);
        stream.write_all(&response).await?;
    }
}

/// The `Content-Length` of a request head, 0 when absent.
fn content_length(head: &[u8]) -> usize {
    String::from_utf8_lossy(head)
        .lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.trim().parse().ok())
        .unwrap_or(0)
}

criterion_group!(benches, create_post_benches, decode_benches);
criterion_main!(benches);
