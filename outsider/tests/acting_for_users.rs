//! Acting for users (`Client::as_user`) as a user's crate sees it, against a
//! stateful loopback service that behaves as social.plus does: it issues
//! auth tokens (secure mode) and access tokens, knows which tokens are live,
//! can revoke a user's token or refuse a user, and counts on its own side
//! what the client asked of it. Nothing on the client side sleeps: the
//! service's registrations take ~100 ms, so concurrent first calls overlap.
//!
//! The last test captures everything `tracing` sees on the client's thread
//! (every level, every span and field) during a whole flow in secure mode,
//! and checks that no key or token appears in it, nor in the `Display` and
//! `Debug` of the errors, the client, the builder and a handle.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use generated_client::{Client, ClientBuilder, Error, ErrorCode, ErrorKind, SessionStep};
use serde_json::{Value, json};

mod loopback;

use loopback::{Answer, Request};

/// Every secret holds this marker, so a leak of any of them is found.
const MARKER: &str = "s3cr3t";
const API_KEY: &str = "api-key-s3cr3t-7f3a";
const SERVER_KEY: &str = "server-key-s3cr3t-91c2";
/// How long the service takes to register a session.
const REGISTRATION_DELAY: Duration = Duration::from_millis(100);
const THIRTY_DAYS: Duration = Duration::from_secs(30 * 24 * 3600);

// ---------------------------------------------------------------------------
// The service.

/// What the service counts of getPost.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct GetPosts {
    /// Answered 200: the token was live.
    accepted: u64,
    /// Answered 401: the token was unknown or revoked.
    refused: u64,
}

#[derive(Default)]
struct State {
    /// registerSession requests per user (refused ones included).
    registrations: HashMap<String, u64>,
    /// createAuthToken requests per user.
    auth_token_requests: HashMap<String, u64>,
    /// The auth token last issued to each user.
    auth_tokens: HashMap<String, String>,
    /// Live access tokens, and whose they are.
    live: HashMap<String, String>,
    /// Each user's latest access token.
    current: HashMap<String, String>,
    /// Users whose registration is refused (globally banned).
    banned: HashSet<String>,
    /// Users every token of whom getPost refuses.
    distrusted: HashSet<String>,
    get_posts: GetPosts,
    /// Refusals still to hold at the gate, and the gate.
    gate: Option<(usize, Arc<tokio::sync::Barrier>)>,
    /// Every secret the service handed out.
    issued: Vec<String>,
    /// Whatever the client did that the service did not expect.
    complaints: Vec<String>,
}

/// A social.plus service with one network: its API key, and in secure mode
/// its server key.
struct Service {
    secure: bool,
    state: Mutex<State>,
}

impl Service {
    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap()
    }

    fn registrations(&self, user: &str) -> u64 {
        self.state().registrations.get(user).copied().unwrap_or(0)
    }

    fn auth_token_requests(&self, user: &str) -> u64 {
        self.state()
            .auth_token_requests
            .get(user)
            .copied()
            .unwrap_or(0)
    }

    fn get_posts(&self) -> GetPosts {
        self.state().get_posts
    }

    /// Revokes the user's current access token.
    fn revoke(&self, user: &str) {
        let mut state = self.state();
        let token = state.current.remove(user).expect("the user has a token");
        state.live.remove(&token);
    }

    /// Holds the answers of the next `refusals` refused getPosts until all
    /// of them have come (so each was sent before any renewal can end).
    fn hold_refusals(&self, refusals: usize) {
        self.state().gate = Some((refusals, Arc::new(tokio::sync::Barrier::new(refusals))));
    }

    /// Refuses the user's registrations from now on.
    fn ban(&self, user: &str) {
        self.state().banned.insert(user.to_owned());
    }

    /// Refuses every token of the user on getPost from now on.
    fn distrust(&self, user: &str) {
        self.state().distrusted.insert(user.to_owned());
    }

    fn issued(&self) -> Vec<String> {
        self.state().issued.clone()
    }

    fn complaints(&self) -> Vec<String> {
        self.state().complaints.clone()
    }

    fn complain(&self, complaint: String) -> Answer {
        self.state().complaints.push(complaint.clone());
        Answer::error(400, 400000, &complaint)
    }

    async fn answer(&self, request: &Request) -> Answer {
        let path = request.target.split('?').next().unwrap_or_default();
        match (request.method.as_str(), path) {
            ("POST", "/api/v4/authentication/token") => self.create_auth_token(request),
            ("POST", "/api/v4/sessions") => self.register_session(request).await,
            ("GET", path) if path.starts_with("/api/v3/posts/") => {
                self.get_post(request, path).await
            }
            (method, _) => self.complain(format!("unexpected {method} {}", request.target)),
        }
    }

    /// `POST /api/v4/authentication/token`: the user's auth token, as text.
    fn create_auth_token(&self, request: &Request) -> Answer {
        if !self.secure || request.header("x-server-key") != Some(SERVER_KEY) {
            self.state()
                .complaints
                .push("createAuthToken without the server key".to_owned());
            return Answer::error(401, 400100, "Invalid server key");
        }
        let body: Value = serde_json::from_slice(&request.body).unwrap_or_default();
        let Some(user) = body["userId"]
            .as_str()
            .filter(|_| body.as_object().unwrap().len() == 1)
        else {
            return self.complain(format!("createAuthToken body {body}"));
        };
        let mut state = self.state();
        let count = state
            .auth_token_requests
            .entry(user.to_owned())
            .or_default();
        *count += 1;
        let token = format!("{user}-auth-{MARKER}-{count}");
        state.auth_tokens.insert(user.to_owned(), token.clone());
        state.issued.push(token.clone());
        Answer::new(200, "text/plain; charset=utf-8", token)
    }

    /// `POST /api/v4/sessions`: a fresh access token, after a short delay.
    async fn register_session(&self, request: &Request) -> Answer {
        let body: Value = serde_json::from_slice(&request.body).unwrap_or_default();
        let Some(user) = body["userId"].as_str().map(str::to_owned) else {
            return self.complain(format!("registerSession body {body}"));
        };
        let number = {
            let mut state = self.state();
            let count = state.registrations.entry(user.clone()).or_default();
            *count += 1;
            let number = *count;
            if request.header("x-api-key") != Some(API_KEY) {
                state
                    .complaints
                    .push(format!("registerSession for {user} without the API key"));
                return Answer::error(401, 400100, "Invalid API key");
            }
            if body["deviceId"].as_str().is_none_or(str::is_empty) {
                state
                    .complaints
                    .push(format!("registerSession for {user} without a deviceId"));
            }
            let auth_token = body.get("authToken").and_then(Value::as_str);
            let expected = state.auth_tokens.get(&user).map(String::as_str);
            if self.secure && (auth_token.is_none() || auth_token != expected) {
                state
                    .complaints
                    .push(format!("registerSession for {user} without its auth token"));
                return Answer::error(401, 400100, "Invalid auth token");
            }
            if !self.secure && auth_token.is_some() {
                state
                    .complaints
                    .push(format!("registerSession for {user} with an auth token"));
            }
            number
        };
        tokio::time::sleep(REGISTRATION_DELAY).await;
        let mut state = self.state();
        if state.banned.contains(&user) {
            return Answer::error(403, 400312, "User is globally banned");
        }
        let access = format!("{user}-token-{MARKER}-{number}");
        let refresh = format!("{user}-refresh-{MARKER}-{number}");
        state.live.insert(access.clone(), user.clone());
        state.current.insert(user.clone(), access.clone());
        state.issued.extend([access.clone(), refresh.clone()]);
        let now = SystemTime::now();
        Answer::json(
            200,
            json!({
                "accessToken": access,
                "refreshToken": refresh,
                "issuedAt": rfc3339(now),
                "expiresAt": rfc3339(now + THIRTY_DAYS),
                "users": [{ "userId": user, "displayName": user }],
                "files": []
            }),
        )
    }

    /// `GET /api/v3/posts/{id}`: the example post for a live token.
    async fn get_post(&self, request: &Request, path: &str) -> Answer {
        if path != "/api/v3/posts/p1" {
            return self.complain(format!("getPost of {path}"));
        }
        let token = request
            .header("authorization")
            .and_then(|value| value.strip_prefix("Bearer "));
        let gate = {
            let mut state = self.state();
            let owner = token.and_then(|token| state.live.get(token));
            if owner.is_some_and(|user| !state.distrusted.contains(user)) {
                state.get_posts.accepted += 1;
                return Answer::new(200, "application/json", example("getPost.response.json"));
            }
            state.get_posts.refused += 1;
            let gate = state.gate.as_mut().map(|(left, gate)| {
                *left -= 1;
                (*left, gate.clone())
            });
            if gate.as_ref().is_some_and(|(left, _)| *left == 0) {
                state.gate = None;
            }
            gate.map(|(_, gate)| gate)
        };
        if let Some(gate) = gate
            && tokio::time::timeout(Duration::from_secs(10), gate.wait())
                .await
                .is_err()
        {
            self.state()
                .complaints
                .push("the refused getPosts did not all come before any was answered".to_owned());
        }
        Answer::error(401, 400100, "Unauthorized: the access token is invalid")
    }
}

/// The service's answers: JSON, or an error body.
trait Answers {
    fn json(status: u16, body: Value) -> Answer;
    fn error(status: u16, code: u32, message: &str) -> Answer;
}

impl Answers for Answer {
    fn json(status: u16, body: Value) -> Answer {
        Answer::new(status, "application/json", body.to_string())
    }

    fn error(status: u16, code: u32, message: &str) -> Answer {
        Answer::json(
            status,
            json!({ "status": "error", "code": code, "message": message }),
        )
    }
}

/// Starts the service on a loopback port (on the current runtime): its base
/// URL, and the service to ask what it counted.
async fn start(secure: bool) -> (String, Arc<Service>) {
    let service = Arc::new(Service {
        secure,
        state: Mutex::default(),
    });
    let serving = service.clone();
    let base = loopback::serve(move |request: Request| {
        let service = serving.clone();
        async move {
            match &request.unread_framing {
                Some(framing) => service.complain(format!(
                    "{} {} with transfer-encoding {framing}",
                    request.method, request.target
                )),
                None => service.answer(&request).await,
            }
        }
    })
    .await;
    (base, service)
}

fn example(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../spec/examples")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `time` as RFC 3339 in UTC, to the second.
fn rfc3339(time: SystemTime) -> String {
    let seconds = time.duration_since(UNIX_EPOCH).unwrap().as_secs() as i64;
    let (days, of_day) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        of_day / 3600,
        of_day % 3600 / 60,
        of_day % 60
    )
}

#[test]
fn the_service_writes_rfc3339_dates() {
    let at = |seconds: u64| rfc3339(UNIX_EPOCH + Duration::from_secs(seconds));
    assert_eq!(at(0), "1970-01-01T00:00:00Z");
    assert_eq!(at(1_700_000_000), "2023-11-14T22:13:20Z");
    assert_eq!(at(951_782_400), "2000-02-29T00:00:00Z");
    assert_eq!(at(4_107_542_399), "2100-02-28T23:59:59Z");
}

// ---------------------------------------------------------------------------
// The client.

fn builder(base: &str, secure: bool) -> ClientBuilder {
    let builder = Client::builder()
        .base_url(base)
        .api_key(API_KEY)
        .device_id("outsider-backend");
    if secure {
        builder.server_key(SERVER_KEY)
    } else {
        builder
    }
}

/// getPost of `p1`, checking the answer decoded whole.
async fn get_post(handle: &Client) -> Result<(), Error> {
    let answer = handle.get_post().post_id("p1").send().await?;
    assert!(answer.unfit.is_empty(), "{:?}", answer.unfit);
    Ok(())
}

/// Calls getPost as each of `users`, all at once; every outcome.
async fn all_at_once(client: &Client, users: &[String]) -> Vec<Result<(), String>> {
    let tasks: Vec<_> = users
        .iter()
        .map(|user| {
            let handle = client.as_user(user.clone());
            tokio::spawn(async move { get_post(&handle).await.map_err(|e| format!("{e:?}")) })
        })
        .collect();
    let mut outcomes = Vec::new();
    for task in tasks {
        outcomes.push(task.await.unwrap());
    }
    outcomes
}

// ---------------------------------------------------------------------------
// The tests.

async fn five_users_ten_calls_each(secure: bool) {
    let (base, service) = start(secure).await;
    let client = builder(&base, secure).build().unwrap();
    let users: Vec<String> = (0..5).map(|u| format!("user-{u}")).collect();
    let calls: Vec<String> = users
        .iter()
        .flat_map(|user| std::iter::repeat_n(user.clone(), 10))
        .collect();
    for outcome in all_at_once(&client, &calls).await {
        outcome.unwrap();
    }
    for user in &users {
        assert_eq!(service.registrations(user), 1, "{user}: one registration");
        assert_eq!(
            service.auth_token_requests(user),
            u64::from(secure),
            "{user}: auth tokens"
        );
    }
    assert_eq!(
        service.get_posts(),
        GetPosts {
            accepted: 50,
            refused: 0
        }
    );
    let stats = client.session_stats().unwrap();
    assert_eq!(stats.registrations(), 5);
    assert_eq!(stats.auth_tokens(), if secure { 5 } else { 0 });
    assert_eq!(stats.cached_users(), 5);
    assert_eq!(service.complaints(), Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_users_ten_concurrent_calls_each_make_five_registrations() {
    five_users_ten_calls_each(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_users_ten_concurrent_calls_each_in_secure_mode_make_five_of_each() {
    five_users_ten_calls_each(true).await;
}

async fn a_revoked_token_is_renewed_once(secure: bool) {
    let (base, service) = start(secure).await;
    let client = builder(&base, secure).build().unwrap();
    let users: Vec<String> = (0..3).map(|u| format!("user-{u}")).collect();
    for outcome in all_at_once(&client, &users).await {
        outcome.unwrap();
    }
    assert_eq!(service.get_posts().accepted, 3);

    service.revoke("user-1");
    service.hold_refusals(20);
    let calls = vec!["user-1".to_owned(); 20];
    for outcome in all_at_once(&client, &calls).await {
        outcome.unwrap();
    }
    assert_eq!(service.registrations("user-1"), 2, "exactly one renewal");
    assert_eq!(service.auth_token_requests("user-1"), 2 * u64::from(secure));
    for other in ["user-0", "user-2"] {
        assert_eq!(service.registrations(other), 1, "{other} untouched");
    }
    let get_posts = service.get_posts();
    assert_eq!(
        get_posts,
        GetPosts {
            accepted: 3 + 20,
            refused: 20
        },
        "each call was refused once, then renewed and accepted"
    );
    let stats = client.session_stats().unwrap();
    assert_eq!(stats.registrations(), 4);
    assert_eq!(stats.auth_tokens(), if secure { 4 } else { 0 });
    assert_eq!(service.complaints(), Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_token_is_renewed_once_for_twenty_concurrent_calls() {
    a_revoked_token_is_renewed_once(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_token_is_renewed_once_for_twenty_concurrent_calls_in_secure_mode() {
    a_revoked_token_is_renewed_once(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_user_fails_typed_before_sending_and_is_not_cached() {
    let (base, service) = start(true).await;
    service.ban("mallory");
    let client = builder(&base, true).build().unwrap();
    let mallory = client.as_user("mallory");

    let error = get_post(&mallory).await.unwrap_err();
    let session = error
        .session_error()
        .unwrap_or_else(|| panic!("a session error: {error:?}"));
    assert_eq!(session.user_id(), "mallory");
    assert_eq!(session.step(), SessionStep::RegisterSession);
    assert_eq!(session.status(), Some(403));
    assert_eq!(session.code(), Some(ErrorCode::GloballyBanned));
    assert_eq!(session.message(), "User is globally banned");
    // A refused session is its own kind, with the registration's answer;
    // the getPost itself was never sent.
    assert_eq!(error.kind(), ErrorKind::Session, "{error:?}");
    assert_eq!(error.operation(), "getPost");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(403));
    assert_eq!(error.code(), Some(ErrorCode::GloballyBanned));
    assert_eq!(error.message(), Some("User is globally banned"));
    assert!(!error.may_have_reached_service(), "{error:?}");
    assert_eq!(error.attempts(), 0, "{error:?}");
    assert!(!error.is_forbidden(), "the call was not refused: {error:?}");
    let source = std::error::Error::source(&error).expect("the session's error as source");
    assert!(
        source
            .downcast_ref::<generated_client::SessionError>()
            .is_some(),
        "{source:?}"
    );
    let text = session.to_string();
    assert!(
        text.contains("`mallory`") && text.contains("400312"),
        "{text}"
    );
    assert_eq!(service.registrations("mallory"), 1);
    assert_eq!(service.auth_token_requests("mallory"), 1);
    assert_eq!(
        service.get_posts(),
        GetPosts::default(),
        "no getPost was sent"
    );

    // Not cached: the next call tries once more, and only once.
    let error = get_post(&mallory).await.unwrap_err();
    assert_eq!(
        error.session_error().map(|s| s.user_id()),
        Some("mallory"),
        "{error:?}"
    );
    assert_eq!(service.registrations("mallory"), 2);
    assert_eq!(service.get_posts(), GetPosts::default());

    // Other users are served meanwhile.
    get_post(&client.as_user("alice")).await.unwrap();
    assert_eq!(service.get_posts().accepted, 1);
    assert_eq!(service.complaints(), Vec::<String>::new());
}

/// A whole flow in secure mode, as the client's thread sees it: first calls
/// at once, a revoked token renewed, a user whose every token is refused,
/// a refused user. Returns the `Display` and `Debug` of what a user would
/// print.
async fn whole_flow(base: &str, service: &Service) -> String {
    let builder = builder(base, true);
    let client = builder.clone().build().unwrap();
    let ana = client.as_user("ana");
    let ben = client.as_user("ben");
    let first = [&ana, &ana, &ana, &ben, &ben].map(get_post);
    for outcome in futures_util::future::join_all(first).await {
        outcome.unwrap();
    }

    service.revoke("ana");
    let again = [&ana, &ana, &ben].map(get_post);
    for outcome in futures_util::future::join_all(again).await {
        outcome.unwrap();
    }

    service.distrust("dora");
    let unauthorized = get_post(&client.as_user("dora")).await.unwrap_err();
    assert_eq!(
        unauthorized.kind(),
        ErrorKind::Unauthorized,
        "{unauthorized:?}"
    );

    service.ban("mallory");
    let refused = get_post(&client.as_user("mallory")).await.unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::Session, "{refused:?}");
    assert!(refused.session_error().is_some(), "{refused:?}");

    assert_eq!(service.registrations("ana"), 2);
    assert_eq!(service.registrations("ben"), 1);
    assert_eq!(service.registrations("dora"), 2, "renewed once after a 401");
    assert_eq!(service.registrations("mallory"), 1);
    assert_eq!(service.complaints(), Vec::<String>::new());

    format!(
        "{refused}\n{refused:?}\n{unauthorized}\n{unauthorized:?}\n{:?}\n{builder:?}\n{client:?}\n\
         {ana:?}\n{ana:#?}\n{:?}",
        refused.session_error(),
        client.session_stats(),
    )
}

#[test]
fn nothing_traced_or_shown_holds_a_key_or_token() {
    // The service runs on its own threads, so only the client's thread is
    // captured.
    let service_runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let (base, service) = service_runtime.block_on(start(true));

    let (lines, capture) = Capture::new();
    let client_runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    // tracing-core caches each callsite's interest for all threads, and
    // while one dispatcher only is registered it computes a callsite's
    // interest from the default of the thread that reaches it first: a
    // parallel test's thread (no subscriber) would disable that callsite
    // for this thread too. A second registered dispatcher makes it ask
    // every registered one; the rebuild fixes callsites reached before.
    let _second = tracing::Dispatch::new(tracing::subscriber::NoSubscriber::default());
    let guard = tracing::subscriber::set_default(capture);
    tracing::callsite::rebuild_interest_cache();
    let shown = client_runtime.block_on(whole_flow(&base, &service));
    drop(client_runtime);
    drop(guard);
    service_runtime.shutdown_background();

    let traced = lines.lock().unwrap().join("\n");
    for expected in [
        "registering a session",
        "user_id=ana",
        "user_id=dora",
        "user_id=mallory",
        "generated_client.call operation=getPost",
        "generated_client.call operation=createAuthToken",
        "generated_client.call operation=registerSession",
        "401: sending once more with a renewed token",
        "status=403",
    ] {
        assert!(
            traced.contains(expected),
            "{expected:?} is traced:\n{traced}"
        );
    }
    for expected in ["ana", "mallory"] {
        assert!(shown.contains(expected), "{expected:?} is shown:\n{shown}");
    }
    let issued = service.issued();
    // 2 auth tokens for ana, 1 for ben, 2 for dora, 1 for mallory; an
    // access and a refresh token per registration but mallory's.
    assert_eq!(issued.len(), 6 + 2 * 5, "{issued:?}");
    let secrets = [MARKER, API_KEY, SERVER_KEY]
        .into_iter()
        .chain(issued.iter().map(String::as_str));
    for secret in secrets {
        assert!(secret.contains(MARKER));
        for (what, text) in [("traced", &traced), ("shown", &shown)] {
            assert!(!text.contains(secret), "{secret} is {what}:\n{text}");
        }
    }
}

/// A `tracing` subscriber that keeps everything, at every level: each
/// span's level, target, name and fields, each value recorded later, each
/// event's level, target and fields (errors with their sources).
struct Capture {
    lines: Arc<Mutex<Vec<String>>>,
    next_id: AtomicU64,
}

impl Capture {
    fn new() -> (Arc<Mutex<Vec<String>>>, Capture) {
        let lines = Arc::new(Mutex::new(Vec::new()));
        let capture = Capture {
            lines: lines.clone(),
            next_id: AtomicU64::new(1),
        };
        (lines, capture)
    }

    fn keep(&self, head: String, record: impl FnOnce(&mut dyn tracing::field::Visit)) {
        let mut line = Line(head);
        record(&mut line);
        self.lines.lock().unwrap().push(line.0);
    }
}

/// One captured line, written by a field visitor.
struct Line(String);

impl tracing::field::Visit for Line {
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        let _ = write!(self.0, " {}={value}", field.name());
    }

    fn record_error(
        &mut self,
        field: &tracing::field::Field,
        value: &(dyn std::error::Error + 'static),
    ) {
        let _ = write!(self.0, " {}={value} ({value:?})", field.name());
        let mut source = value.source();
        while let Some(error) = source {
            let _ = write!(self.0, " caused by {error} ({error:?})");
            source = error.source();
        }
    }

    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.0, " {}={value:?}", field.name());
    }
}

impl tracing::Subscriber for Capture {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }

    fn max_level_hint(&self) -> Option<tracing::level_filters::LevelFilter> {
        Some(tracing::level_filters::LevelFilter::TRACE)
    }

    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let meta = span.metadata();
        let head = format!(
            "span#{id} {} {} {}",
            meta.level(),
            meta.target(),
            meta.name()
        );
        self.keep(head, |visit| span.record(visit));
        tracing::span::Id::from_u64(id)
    }

    fn record(&self, span: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        self.keep(format!("record span#{}", span.into_u64()), |visit| {
            values.record(visit)
        });
    }

    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}

    fn event(&self, event: &tracing::Event<'_>) {
        let meta = event.metadata();
        let head = format!("event {} {} {}", meta.level(), meta.target(), meta.name());
        self.keep(head, |visit| event.record(visit));
    }

    fn enter(&self, _: &tracing::span::Id) {}

    fn exit(&self, _: &tracing::span::Id) {}
}
