//! Acting for many users (`Client::as_user`) against a loopback server that
//! registers sessions and counts every request it gets.
//!
//! `cargo bench -p generated-client --bench sessions` prints:
//! - `sessions/requests`: 10,000 users, one getPost each, 100 at a time
//!   over one client (one connection pool): the requests the server got, by
//!   kind. Asserts calls + one registration per user, nothing more.
//! - `sessions/memory`: the live heap bytes 10,000 more cached users add
//!   (a counting allocator), per user, with the lengths of the user id and
//!   the token the server issues.
//! - `sessions/cached_handle`: the cost of `as_user(id)` plus the token
//!   lookup for a cached user, median of `ROUNDS` rounds of 100,000.
//! - `sessions/revoked`: 100 concurrent calls for one user whose token the
//!   server has revoked: the renewals made. Asserts exactly one.
//!
//! Under `cargo test --benches`: 100 users, 1,000 lookups, once.

use std::alloc::{GlobalAlloc, Layout, System};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use generated_client::Client;

/// Counts live heap bytes.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let pointer = unsafe { System.alloc(layout) };
        if !pointer.is_null() {
            LIVE.fetch_add(layout.size(), Ordering::Relaxed);
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

const USERS: usize = 10_000;
const LOOKUPS: usize = 100_000;
const ROUNDS: usize = 15;
/// The length of the access tokens the server issues (a JWT's order).
const TOKEN_LENGTH: usize = 300;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--list") {
        return;
    }
    let benchmarking = args.iter().any(|a| a == "--bench");
    let (users, lookups, rounds) = if benchmarking {
        (USERS, LOOKUPS, ROUNDS)
    } else {
        (100, 1_000, 1)
    };
    let service = Service::start();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let client = Client::builder()
        .base_url(&service.url)
        .api_key("bench-api-key")
        .session_cache_capacity(2 * users)
        .build()
        .expect("valid settings");
    let ids: Vec<String> = (0..2 * users).map(|n| format!("user-{n:08}")).collect();

    runtime.block_on(async {
        // 1. One call per user.
        call_each(&client, &ids[..users]).await;
        let counts = service.counts();
        println!(
            "sessions/requests: {users} users, one getPost each, 100 at a time, one client: \
             {} requests = {} getPost + {} registerSession (other: {})",
            counts.total, counts.calls, counts.registrations, counts.other
        );
        assert_eq!(counts.calls, users);
        assert_eq!(counts.registrations, users, "one registration per user");
        assert_eq!(counts.total, 2 * users, "nothing more");

        // 2. The bytes a cached user holds: as many users again.
        let before = LIVE.load(Ordering::Relaxed);
        call_each(&client, &ids[users..]).await;
        let grown = LIVE.load(Ordering::Relaxed).saturating_sub(before);
        assert_eq!(
            client.session_stats().map(|s| s.cached_users()),
            Some(2 * users)
        );
        println!(
            "sessions/memory: {users} more cached users add {:.1} KiB = {} bytes a user \
             (user id {} bytes, token {} bytes)",
            grown as f64 / 1024.0,
            grown / users,
            ids[0].len(),
            TOKEN_LENGTH,
        );

        // 3. A cached handle: as_user, and the token lookup (through the
        // user's TokenSource, which also copies the token out as a String:
        // a call's own lookup does less).
        let sources: Vec<_> = ids[..users]
            .iter()
            .map(|id| client.session_token_source(id.as_str()).expect("sessions"))
            .collect();
        let (mut handles, mut lookups_ns) = (Vec::new(), Vec::new());
        for _ in 0..rounds {
            let started = Instant::now();
            for n in 0..lookups {
                std::hint::black_box(client.as_user(ids[n % users].as_str()));
            }
            handles.push(started.elapsed().as_secs_f64() * 1e9 / lookups as f64);
            let started = Instant::now();
            for n in 0..lookups {
                let token = sources[n % users].token(None).await.expect("a cached token");
                assert_eq!(token.len(), TOKEN_LENGTH);
            }
            lookups_ns.push(started.elapsed().as_secs_f64() * 1e9 / lookups as f64);
        }
        let before = service.counts();
        assert_eq!(before.registrations, 2 * users, "the lookups were all cached");
        let (handle, lookup) = (median(handles), median(lookups_ns));
        println!(
            "sessions/cached_handle: median of {rounds} rounds of {lookups}: as_user {handle:.0} ns \
             + token lookup of a cached user {lookup:.0} ns = {:.0} ns",
            handle + lookup
        );

        // 4. A revoked token, 100 calls at once (registrations now take 50 ms,
        // so that the calls overlap the renewal).
        service.revoke(&ids[0]);
        service.state.lock().expect("the state").slow_registrations = true;
        let handle = client.as_user(ids[0].as_str());
        let tasks: Vec<_> = (0..100)
            .map(|_| {
                let handle = handle.clone();
                tokio::spawn(async move { handle.get_post().post_id("p1").send().await })
            })
            .collect();
        for task in tasks {
            task.await
                .expect("the task")
                .expect("the call succeeds after renewal");
        }
        let after = service.counts();
        let renewals = after.registrations - before.registrations;
        println!(
            "sessions/revoked: 100 concurrent calls for one user whose token was revoked: \
             {} refused (401), {renewals} renewal, {} getPost in all",
            after.refused - before.refused,
            after.calls - before.calls,
        );
        assert_eq!(renewals, 1, "exactly one renewal");
    });
}

/// getPost as each of `ids`, 100 calls at a time.
async fn call_each(client: &Client, ids: &[String]) {
    for batch in ids.chunks(100) {
        let tasks: Vec<_> = batch
            .iter()
            .map(|id| {
                let handle = client.as_user(id.as_str());
                tokio::spawn(async move { handle.get_post().post_id("p1").send().await })
            })
            .collect();
        for task in tasks {
            task.await.expect("the task").expect("the call succeeds");
        }
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// What the server got.
#[derive(Clone, Copy, Default)]
struct Counts {
    total: usize,
    calls: usize,
    refused: usize,
    registrations: usize,
    other: usize,
}

/// The server's state, kept small so that the live bytes measured are the
/// client's: tokens are `<user>-<n>-xxx...`, valid unless revoked; a user's
/// tokens issued up to a revocation are revoked.
#[derive(Default)]
struct State {
    /// User -> the last `n` issued when its tokens were revoked.
    revoked_up_to: HashMap<String, usize>,
    issued: usize,
    slow_registrations: bool,
    counts: Counts,
}

/// A loopback server for registerSession and getPost.
struct Service {
    url: String,
    state: Arc<Mutex<State>>,
}

impl Service {
    fn start() -> Service {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        let url = format!("http://{}", listener.local_addr().expect("an address"));
        let state = Arc::new(Mutex::new(State::default()));
        let shared = state.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let state = shared.clone();
                std::thread::spawn(move || {
                    let _ = connection(stream, &state);
                });
            }
        });
        Service { url, state }
    }

    fn counts(&self) -> Counts {
        self.state.lock().expect("the state").counts
    }

    /// Revokes every token `user_id` has been issued.
    fn revoke(&self, user_id: &str) {
        let mut state = self.state.lock().expect("the state");
        let issued = state.issued;
        state.revoked_up_to.insert(user_id.to_owned(), issued);
    }
}

fn connection(stream: TcpStream, state: &Mutex<State>) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut writer = stream;
    let mut line = String::with_capacity(512);
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let request_line = line.trim_end().to_owned();
        let mut length = 0;
        let mut authorization = String::new();
        loop {
            line.clear();
            reader.read_line(&mut line)?;
            if line == "\r\n" || line.is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                match name.to_ascii_lowercase().as_str() {
                    "content-length" => length = value.trim().parse().unwrap_or(0),
                    "authorization" => authorization = value.trim().to_owned(),
                    _ => {}
                }
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body)?;
        let (status, answer) = answer(state, &request_line, &authorization, &body);
        let mut bytes = format!(
            "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
            answer.len()
        )
        .into_bytes();
        bytes.extend_from_slice(answer.as_bytes());
        writer.write_all(&bytes)?;
    }
}

const POST: &str = r#"{"posts":[{"postId":"p1","data":{"text":"hello"},"dataType":"text"}],"postChildren":[],"users":[],"files":[],"communities":[],"categories":[],"comments":[],"communityUsers":[]}"#;

fn answer(
    state: &Mutex<State>,
    request_line: &str,
    authorization: &str,
    body: &[u8],
) -> (&'static str, String) {
    let mut state = state.lock().expect("the state");
    state.counts.total += 1;
    if request_line.starts_with("POST /api/v4/sessions ") {
        state.counts.registrations += 1;
        let user_id = serde_json::from_slice::<serde_json::Value>(body)
            .ok()
            .and_then(|v| v["userId"].as_str().map(str::to_owned))
            .unwrap_or_default();
        state.issued += 1;
        let mut token = format!("{user_id}-{}-", state.issued);
        token.extend(std::iter::repeat_n(
            'x',
            TOKEN_LENGTH.saturating_sub(token.len()),
        ));
        let answer = serde_json::json!({
            "accessToken": token, "expiresAt": "2099-01-01T00:00:00Z", "users": [], "files": []
        });
        return ("200 OK", answer.to_string());
    }
    if request_line.starts_with("GET /api/v3/posts/p1 ") {
        state.counts.calls += 1;
        let token = authorization.strip_prefix("Bearer ").unwrap_or_default();
        let mut parts = token.splitn(3, '-');
        let (user, n) = match (parts.next(), parts.next(), parts.next()) {
            (Some(prefix), Some(id), Some(rest)) => (
                format!("{prefix}-{id}"),
                rest.split('-').next().and_then(|n| n.parse::<usize>().ok()),
            ),
            _ => (String::new(), None),
        };
        let revoked = state
            .revoked_up_to
            .get(&user)
            .is_some_and(|up_to| n.is_none_or(|n| n <= *up_to));
        if n.is_some() && !revoked {
            return ("200 OK", POST.to_owned());
        }
        state.counts.refused += 1;
        return (
            "401 Unauthorized",
            r#"{"status":"error","code":400100,"message":"Unauthorized"}"#.to_owned(),
        );
    }
    state.counts.other += 1;
    (
        "404 Not Found",
        r#"{"status":"error","code":400400}"#.to_owned(),
    )
}
