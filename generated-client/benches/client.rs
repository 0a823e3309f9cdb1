//! What the generated client costs at run time.
//!
//! - `client/create_post`: one `createPost` call through the client against a
//!   loopback HTTP/1.1 server, next to the fair baseline: a raw
//!   `reqwest::Client` sending the same request (same headers, same JSON body,
//!   same timeouts) and decoding the answer with
//!   `serde_json::from_slice::<types::CreatePostResponse>`. Both arms clone the
//!   body fixture per call. The client arm also runs the request validation
//!   hook (`validation::check_request_json`: one borrowing read of the body
//!   bytes and the `createPost` checks), timed alone in
//!   `client/request_validation`.
//! - `client/decode_envelope`: decoding a large `createPost` envelope (1,000
//!   posts with side-loaded users, files and comments) into
//!   `types::CreatePostResponse` next to decoding it into `serde_json::Value`.
//!
//! Run with `cargo bench -p generated-client --bench client`.

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group};
use generated_client::{Client, types};
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderValue};
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

/// Rounds of the paired comparison, and calls per arm in each round.
const PAIRED_ROUNDS: usize = 30;
const PAIRED_CALLS: usize = 200;

fn create_post_benches(c: &mut Criterion) {
    let setup = CreatePostSetup::start();
    let runtime = current_thread_runtime();
    // Every arm must succeed before any is timed.
    runtime.block_on(async {
        for arm in Arm::ALL {
            arm.call(&setup).await;
        }
    });

    let mut group = c.benchmark_group("client/create_post");
    group
        .sample_size(50)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    for arm in Arm::ALL {
        group.bench_function(arm.name(), |b| {
            b.to_async(&runtime).iter(|| arm.call(&setup));
        });
    }
    group.finish();

    let body_bytes = serde_json::to_vec(&setup.body).expect("the body serialises");
    let mut validation = c.benchmark_group("client/request_validation");
    validation
        .sample_size(50)
        .measurement_time(Duration::from_secs(2));
    validation.bench_function("check_create_post_bytes", |b| {
        b.iter(|| {
            generated_client::validation::check_request_json("createPost", &body_bytes)
                .expect("the example body is valid")
        });
    });
    validation.bench_function("parse_value_and_check_create_post", |b| {
        b.iter(|| {
            let value: Value = serde_json::from_slice(&body_bytes).expect("the body is JSON");
            generated_client::validation::check_request("createPost", &value)
                .expect("the example body is valid")
        });
    });
    validation.finish();
}

/// Criterion times the arms one after the other, so on a busy machine a
/// change of load between them shows up as a difference. This comparison
/// interleaves them instead: each round times [`PAIRED_CALLS`] calls of every
/// arm back to back (rotating which goes first) and the ratio to the raw arm
/// is taken within the round. Prints the median per-call time of each arm and
/// the median of the per-round ratios.
fn paired_comparison(rounds: usize, calls: usize) {
    let setup = CreatePostSetup::start();
    let runtime = current_thread_runtime();
    let mut per_call: Vec<Vec<f64>> = vec![Vec::with_capacity(rounds); Arm::ALL.len()];
    runtime.block_on(async {
        for _ in 0..calls {
            for arm in Arm::ALL {
                arm.call(&setup).await;
            }
        }
        for round in 0..rounds {
            for offset in 0..Arm::ALL.len() {
                let index = (round + offset) % Arm::ALL.len();
                let started = Instant::now();
                for _ in 0..calls {
                    black_box(Arm::ALL[index].call(&setup).await);
                }
                per_call[index].push(started.elapsed().as_secs_f64() * 1e6 / calls as f64);
            }
        }
    });
    println!("client/create_post_paired: {rounds} rounds x {calls} calls per arm, interleaved");
    let raw = &per_call[0];
    let raw_median = median(raw.clone());
    println!(
        "  {:<24} {:>14} {:>18} {:>20}",
        "arm", "median us/call", "ratio of medians", "median round ratio"
    );
    for (arm, times) in Arm::ALL.iter().zip(&per_call) {
        let ratios: Vec<f64> = times.iter().zip(raw).map(|(t, r)| t / r).collect();
        let arm_median = median(times.clone());
        println!(
            "  {:<24} {:>14.1} {:>18.3} {:>20.3}",
            arm.name(),
            arm_median,
            arm_median / raw_median,
            median(ratios),
        );
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let middle = values.len() / 2;
    if values.len().is_multiple_of(2) {
        (values[middle - 1] + values[middle]) / 2.0
    } else {
        values[middle]
    }
}

/// The loopback server, the clients, and the request body shared by the arms.
struct CreatePostSetup {
    body: types::CreatePostRequest,
    raw: reqwest::Client,
    raw_url: String,
    client_no_retries: Client,
    client_default_retries: Client,
    client_unvalidated: Client,
    _server: LoopbackServer,
}

impl CreatePostSetup {
    fn start() -> CreatePostSetup {
        let server = LoopbackServer::start(RESPONSE_EXAMPLE.as_bytes());
        let body = serde_json::from_str(REQUEST_EXAMPLE)
            .expect("createPost.request.json is a CreatePostRequest");
        let builder = || Client::builder().base_url(&server.url).bearer_token(TOKEN);
        CreatePostSetup {
            body,
            raw: raw_client(),
            raw_url: format!("{}/api/v4/posts", server.url),
            client_no_retries: builder().max_retries(0).build().expect("valid settings"),
            client_default_retries: builder().build().expect("valid settings"),
            client_unvalidated: builder()
                .max_retries(0)
                .validate_requests(false)
                .build()
                .expect("valid settings"),
            _server: server,
        }
    }
}

/// One way of making the `createPost` call.
#[derive(Clone, Copy)]
enum Arm {
    /// The fair baseline, see [`raw_create_post`].
    RawReqwest,
    /// The baseline plus the client's request validation done by hand: what
    /// the client adds besides validation is the gap between this arm and
    /// the client's.
    RawReqwestValidated,
    /// The generated client with `max_retries(0)`.
    ClientNoRetries,
    /// The generated client with the default [`generated_client::RetryPolicy`].
    ClientDefaultRetries,
    /// The generated client with `max_retries(0)` and
    /// `validate_requests(false)`: the wrapper alone, next to [`Arm::RawReqwest`].
    ClientUnvalidated,
}

impl Arm {
    /// The raw baseline first: ratios are taken to it.
    const ALL: [Arm; 5] = [
        Arm::RawReqwest,
        Arm::RawReqwestValidated,
        Arm::ClientNoRetries,
        Arm::ClientDefaultRetries,
        Arm::ClientUnvalidated,
    ];

    fn name(self) -> &'static str {
        match self {
            Arm::RawReqwest => "raw_reqwest",
            Arm::RawReqwestValidated => "raw_reqwest_validated",
            Arm::ClientNoRetries => "client_max_retries_0",
            Arm::ClientDefaultRetries => "client_default_retries",
            Arm::ClientUnvalidated => "client_unvalidated",
        }
    }

    async fn call(self, setup: &CreatePostSetup) -> types::CreatePostResponse {
        let client = match self {
            Arm::RawReqwest => {
                return raw_create_post(setup, Validation::Skip).await;
            }
            Arm::RawReqwestValidated => {
                return raw_create_post(setup, Validation::Run).await;
            }
            Arm::ClientNoRetries => &setup.client_no_retries,
            Arm::ClientDefaultRetries => &setup.client_default_retries,
            Arm::ClientUnvalidated => &setup.client_unvalidated,
        };
        client
            .create_post()
            .body(setup.body.clone())
            .send()
            .await
            .expect("the client call succeeds")
            .into_inner()
    }
}

fn decode_benches(c: &mut Criterion) {
    let envelope = large_envelope();
    let decoded: types::CreatePostResponse =
        serde_json::from_slice(&envelope).expect("the large envelope is a CreatePostResponse");
    assert_eq!(
        decoded.posts.map(|posts| posts.len()),
        Some(ENVELOPE_ENTRIES)
    );

    let mut group = c.benchmark_group("client/decode_envelope");
    group
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4))
        .throughput(Throughput::Bytes(envelope.len() as u64));
    group.bench_with_input(
        BenchmarkId::new("typed", "1000_posts"),
        &envelope,
        |b, bytes| {
            b.iter(|| serde_json::from_slice::<types::CreatePostResponse>(bytes).expect("decodes"));
        },
    );
    group.bench_with_input(
        BenchmarkId::new("value", "1000_posts"),
        &envelope,
        |b, bytes| {
            b.iter(|| serde_json::from_slice::<Value>(bytes).expect("decodes"));
        },
    );
    group.finish();
}

/// Whether [`raw_create_post`] checks the body as the client's `pre` hook does.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Validation {
    Skip,
    Run,
}

/// The raw baseline: the request the generated client sends, built by hand
/// (the body serialised once, as `RequestBuilder::json` does), and the same
/// typed decode of the answer.
async fn raw_create_post(
    setup: &CreatePostSetup,
    validation: Validation,
) -> types::CreatePostResponse {
    let body = setup.body.clone();
    let bytes = serde_json::to_vec(&body).expect("the body serialises");
    if validation == Validation::Run {
        generated_client::validation::check_request_json("createPost", &bytes)
            .expect("the example body is valid");
    }
    let response = setup
        .raw
        .post(&setup.raw_url)
        .header(ACCEPT, HeaderValue::from_static("application/json"))
        .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
        .header("api-version", HeaderValue::from_static("1.0.0"))
        .body(bytes)
        .send()
        .await
        .expect("the raw call succeeds");
    assert!(
        response.status().is_success(),
        "raw call: HTTP {}",
        response.status()
    );
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
        .user_agent(concat!(
            env!("CARGO_PKG_NAME"),
            "/",
            env!("CARGO_PKG_VERSION")
        ))
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
        let example = entries
            .first()
            .cloned()
            .unwrap_or_else(|| panic!("`{list}` is empty"));
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
                    let Ok((stream, _)) = listener.accept().await else {
                        continue;
                    };
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

/// Criterion's groups, then the paired comparison: in full under
/// `cargo bench` (unless a name filter excludes `client/create_post_paired`),
/// one round of one call under `cargo test --benches`, not at all for `--list`.
fn main() {
    benches();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let filters: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    let wanted = filters.is_empty()
        || filters
            .iter()
            .any(|f| "client/create_post_paired".contains(f.as_str()));
    let listing = args.iter().any(|a| a == "--list");
    let benchmarking = args.iter().any(|a| a == "--bench");
    if wanted && !listing {
        if benchmarking {
            paired_comparison(PAIRED_ROUNDS, PAIRED_CALLS);
        } else {
            paired_comparison(1, 1);
        }
    }
    Criterion::default().configure_from_args().final_summary();
}
