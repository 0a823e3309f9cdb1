//! queryUsers through `into_items()`: 10,000 users over 100 pages from a
//! loopback server, against a hand-written loop over raw reqwest and
//! serde_json that does the same (the same filters, each answer's
//! `paging.next` sent back as `options[token]`, the same answer type); and
//! the memory the stream holds.
//!
//! `cargo bench -p generated-client --bench pages`:
//! - wall time: `ROUNDS` rounds (the `PAIRED_ROUNDS` variable sets it), each
//!   reading every item once with each arm, the arm that goes first
//!   alternating; prints each arm's median and the median of the per-round
//!   ratios;
//! - memory, with a counting allocator: the bytes one decoded page holds,
//!   and the peak of live bytes while the stream is read (each item dropped
//!   as it comes) over the live bytes before it.
//!
//! Under `cargo test --benches`: 3 pages of 10, once.

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::{BufRead, BufReader, Write as _};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use generated_client::{Client, types};

/// Counts live heap bytes and their peak.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let pointer = unsafe { System.alloc(layout) };
        if !pointer.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        pointer
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        unsafe { System.dealloc(pointer, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const PAGES: usize = 100;
const PER_PAGE: usize = 100;
const ROUNDS: usize = 15;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--list") {
        return;
    }
    let benchmarking = args.iter().any(|a| a == "--bench");
    let (pages, per_page, rounds) = if benchmarking {
        let rounds = std::env::var("PAIRED_ROUNDS")
            .ok()
            .and_then(|r| r.parse().ok())
            .filter(|r| *r > 0)
            .unwrap_or(ROUNDS);
        (PAGES, PER_PAGE, rounds)
    } else {
        (3, 10, 1)
    };
    let bodies: Arc<Vec<String>> = Arc::new((0..pages).map(|n| page(n, pages, per_page)).collect());
    let url = serve(bodies.clone());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let client = Client::builder()
        .base_url(&url)
        .bearer_token("bench-token")
        .build()
        .expect("valid settings");
    let raw = reqwest::Client::new();
    let total = pages * per_page;

    runtime.block_on(async {
        // Warm both arms' connections and code.
        assert_eq!(by_stream(&client).await, total);
        assert_eq!(by_hand(&raw, &url).await, total);
        let mut seconds = [Vec::new(), Vec::new()];
        for round in 0..rounds {
            for offset in 0..2 {
                let arm = (round + offset) % 2;
                let started = Instant::now();
                let read = if arm == 0 {
                    by_hand(&raw, &url).await
                } else {
                    by_stream(&client).await
                };
                seconds[arm].push(started.elapsed().as_secs_f64());
                assert_eq!(read, total);
            }
        }
        println!("pages/paired: {total} items over {pages} pages, {rounds} rounds, interleaved");
        let raw_median = median(seconds[0].clone());
        for (name, times) in ["raw_reqwest_loop", "client_into_items"].iter().zip(&seconds) {
            let ratios: Vec<f64> = times.iter().zip(&seconds[0]).map(|(t, r)| t / r).collect();
            let arm_median = median(times.clone());
            println!(
                "  {:<18} {:>9.2} ms {:>8.3} ratio of medians {:>8.3} median round ratio",
                name,
                arm_median * 1000.0,
                arm_median / raw_median,
                median(ratios),
            );
        }

        // One decoded page's bytes.
        let before = LIVE.load(Ordering::Relaxed);
        let decoded: types::QueryUsersResponse =
            serde_json::from_str(&bodies[0]).expect("a page decodes");
        let page_bytes = LIVE.load(Ordering::Relaxed).saturating_sub(before);
        drop(decoded);
        // The stream, each item dropped as it comes.
        let before = LIVE.load(Ordering::Relaxed);
        PEAK.store(before, Ordering::Relaxed);
        assert_eq!(by_stream(&client).await, total);
        let growth = PEAK.load(Ordering::Relaxed).saturating_sub(before);
        println!(
            "pages/memory: one decoded page {:.1} KiB; peak growth while streaming {:.1} KiB = {:.2}x a page",
            page_bytes as f64 / 1024.0,
            growth as f64 / 1024.0,
            growth as f64 / page_bytes.max(1) as f64,
        );
    });
}

/// Every item through the client's stream; how many.
async fn by_stream(client: &Client) -> usize {
    let mut items = client
        .query_users()
        .keyword("bench")
        .options_limit(100)
        .into_items();
    let mut count = 0;
    while let Some(user) = items.next().await {
        std::hint::black_box(user.expect("a user"));
        count += 1;
    }
    count
}

/// The loop a user would write on raw reqwest; how many items.
async fn by_hand(raw: &reqwest::Client, url: &str) -> usize {
    let mut token: Option<String> = None;
    let mut count = 0;
    loop {
        // The tokens are `p1`, `p2`, ...: nothing to percent-encode.
        let address = match &token {
            Some(token) => format!(
                "{url}/api/v3/users?keyword=bench&options%5Blimit%5D=100&options%5Btoken%5D={token}"
            ),
            None => format!("{url}/api/v3/users?keyword=bench&options%5Blimit%5D=100"),
        };
        let response = raw
            .get(address)
            .bearer_auth("bench-token")
            .send()
            .await
            .expect("the raw call succeeds");
        let bytes = response.bytes().await.expect("the raw answer is read");
        let page: types::QueryUsersResponse =
            serde_json::from_slice(&bytes).expect("the raw answer decodes");
        for user in page.users.unwrap_or_default() {
            std::hint::black_box(user);
            count += 1;
        }
        match page.paging.and_then(|p| p.next) {
            Some(next) => token = Some(next),
            None => return count,
        }
    }
}

/// Page `n` of `pages`: `per_page` users and the next token (`p{n+1}`).
fn page(n: usize, pages: usize, per_page: usize) -> String {
    let users: Vec<serde_json::Value> = (0..per_page)
        .map(|i| {
            serde_json::json!({
                "userId": format!("user-{n}-{i}"),
                "displayName": format!("User {n}.{i}"),
                "description": "a user of the benchmark, with a sentence of text",
                "roles": ["member"],
                "flagCount": 0,
                "hashFlag": { "bits": 16, "hashes": 3, "hash": "0000" },
                "metadata": { "team": "bench", "level": i },
                "createdAt": "2023-11-07T05:31:56Z",
                "updatedAt": "2023-11-07T05:31:56Z",
                "isDeleted": false,
            })
        })
        .collect();
    let next = (n + 1 < pages).then(|| format!("p{}", n + 1));
    serde_json::json!({ "users": users, "files": [], "paging": { "next": next } }).to_string()
}

/// A loopback server answering `GET /api/v3/users?...options[token]=pN...`
/// with `bodies[N]` (page 0 without a token), keeping connections.
fn serve(bodies: Arc<Vec<String>>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    let url = format!("http://{}", listener.local_addr().expect("an address"));
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let bodies = bodies.clone();
            std::thread::spawn(move || {
                let _ = connection(stream, &bodies);
            });
        }
    });
    url
}

fn connection(stream: TcpStream, bodies: &[String]) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut writer = stream;
    let mut line = String::with_capacity(512);
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let index = line
            .split_once("options%5Btoken%5D=p")
            .and_then(|(_, rest)| {
                rest.split(|c: char| !c.is_ascii_digit())
                    .next()
                    .and_then(|n| n.parse::<usize>().ok())
            })
            .unwrap_or(0);
        loop {
            line.clear();
            reader.read_line(&mut line)?;
            if line == "\r\n" || line.is_empty() {
                break;
            }
        }
        let body = &bodies[index.min(bodies.len() - 1)];
        // One write: a head and a body written apart wait on Nagle's
        // algorithm and the client's delayed ACK (40 ms a response).
        let mut answer = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
            body.len()
        )
        .into_bytes();
        answer.extend_from_slice(body.as_bytes());
        writer.write_all(&answer)?;
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}
