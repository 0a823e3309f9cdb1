//! uploadFile of a large file (100 MiB) against the same upload on raw
//! reqwest (`multipart::Part::file`), both to a loopback server that reads
//! and discards the body; and the resident memory each one grows by.
//!
//! `cargo bench -p generated-client --bench upload`:
//! - wall time: `ROUNDS` rounds (the `PAIRED_ROUNDS` variable sets it), each
//!   uploading once with each arm, the arm that goes first alternating;
//!   prints each arm's median and the median of the per-round ratios;
//! - memory: each arm in a process of its own (this binary run again with
//!   `--memory <arm>`), which uploads the file three times and prints how
//!   far its peak resident set (`VmHWM`) grew over its resident set before
//!   the first upload.
//!
//! Under `cargo test --benches` it uploads 1 MiB once with each arm.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::time::Instant;

use generated_client::Client;
use generated_client::upload::FilePart;
use reqwest::multipart::{Form, Part};

/// The large file's size.
const LARGE: u64 = 100 * 1024 * 1024;
/// The file's size under `cargo test --benches`.
const SMALL: u64 = 1024 * 1024;
/// Rounds of the paired comparison.
const ROUNDS: usize = 15;
/// Uploads a memory-measuring process makes.
const MEMORY_UPLOADS: usize = 3;
/// What the server answers: the page's example.
const ANSWER: &str = include_str!("../../spec/examples/uploadFile.response.json");

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Arm {
    Raw,
    Client,
}

impl Arm {
    fn name(self) -> &'static str {
        match self {
            Arm::Raw => "raw_reqwest",
            Arm::Client => "client_upload_file",
        }
    }

    fn parse(name: &str) -> Option<Arm> {
        [Arm::Raw, Arm::Client]
            .into_iter()
            .find(|a| a.name() == name)
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--list") {
        return;
    }
    if let Some(at) = args.iter().position(|a| a == "--memory") {
        let arm = args.get(at + 1).and_then(|name| Arm::parse(name));
        let file = args.get(at + 2);
        match (arm, file) {
            (Some(arm), Some(file)) => memory(arm, Path::new(file)),
            _ => {
                eprintln!("usage: upload --memory raw_reqwest|client_upload_file <file>");
                std::process::exit(2);
            }
        }
        return;
    }
    let benchmarking = args.iter().any(|a| a == "--bench");
    let (size, rounds) = if benchmarking {
        let rounds = std::env::var("PAIRED_ROUNDS")
            .ok()
            .and_then(|r| r.parse().ok())
            .filter(|r| *r > 0)
            .unwrap_or(ROUNDS);
        (LARGE, rounds)
    } else {
        (SMALL, 1)
    };
    let dir = tempfile::tempdir().expect("a temporary folder");
    let file = dir.path().join("large.bin");
    write_file(&file, size);
    paired(&file, size, rounds);
    if benchmarking {
        for arm in [Arm::Raw, Arm::Client] {
            let output = std::process::Command::new(std::env::current_exe().expect("this binary"))
                .args(["--memory", arm.name()])
                .arg(&file)
                .output()
                .expect("the memory run starts");
            print!("{}", String::from_utf8_lossy(&output.stdout));
            assert!(
                output.status.success(),
                "{}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
    }
}

/// A file of `size` bytes that do not repeat in short cycles.
fn write_file(path: &Path, size: u64) {
    let mut out =
        std::io::BufWriter::new(std::fs::File::create(path).expect("the file is created"));
    let mut state = 0x9E37_79B9_7F4A_7C15_u64;
    let mut written = 0;
    while written < size {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        out.write_all(&state.to_le_bytes())
            .expect("the file is written");
        written += 8;
    }
    out.flush().expect("the file is written");
}

/// Both arms, interleaved: prints each one's median and the ratios.
fn paired(file: &Path, size: u64, rounds: usize) {
    let url = Server::start();
    let runtime = runtime();
    let client = client(&url);
    let raw = reqwest::Client::new();
    let arms = [Arm::Raw, Arm::Client];
    let mut seconds: Vec<Vec<f64>> = vec![Vec::with_capacity(rounds); arms.len()];
    runtime.block_on(async {
        for arm in arms {
            upload(arm, &client, &raw, &url, file).await;
        }
        for round in 0..rounds {
            for offset in 0..arms.len() {
                let index = (round + offset) % arms.len();
                let started = Instant::now();
                upload(arms[index], &client, &raw, &url, file).await;
                seconds[index].push(started.elapsed().as_secs_f64());
            }
        }
    });
    let mib = size as f64 / (1024.0 * 1024.0);
    println!("upload/paired: {mib:.0} MiB, {rounds} rounds, interleaved");
    let raw_median = median(seconds[0].clone());
    for (arm, times) in arms.iter().zip(&seconds) {
        let ratios: Vec<f64> = times.iter().zip(&seconds[0]).map(|(t, r)| t / r).collect();
        let arm_median = median(times.clone());
        println!(
            "  {:<20} {:>9.1} ms {:>8.0} MiB/s {:>8.3} ratio of medians {:>8.3} median round ratio",
            arm.name(),
            arm_median * 1000.0,
            mib / arm_median,
            arm_median / raw_median,
            median(ratios),
        );
    }
}

/// One arm in this process: uploads [`MEMORY_UPLOADS`] times, prints the growth
/// of the peak resident set over the resident set before the first upload.
fn memory(arm: Arm, file: &Path) {
    let url = Server::start();
    let runtime = runtime();
    let client = client(&url);
    let raw = reqwest::Client::new();
    let before = status_kib("VmRSS");
    runtime.block_on(async {
        for _ in 0..MEMORY_UPLOADS {
            upload(arm, &client, &raw, &url, file).await;
        }
    });
    let peak = status_kib("VmHWM");
    let size = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
    println!(
        "upload/memory {:<20} {} uploads of {:.0} MiB: resident {:.1} MiB before, peak {:.1} MiB, growth {:.1} MiB",
        arm.name(),
        MEMORY_UPLOADS,
        size as f64 / (1024.0 * 1024.0),
        before as f64 / 1024.0,
        peak as f64 / 1024.0,
        (peak.saturating_sub(before)) as f64 / 1024.0,
    );
}

/// A field of `/proc/self/status`, in KiB (0 where there is none).
fn status_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status.lines().find_map(|line| {
                let value = line.strip_prefix(field)?.strip_prefix(':')?;
                value.trim().trim_end_matches("kB").trim().parse().ok()
            })
        })
        .unwrap_or(0)
}

async fn upload(arm: Arm, client: &Client, raw: &reqwest::Client, url: &str, file: &Path) {
    match arm {
        Arm::Raw => {
            let part = Part::file(file).await.expect("the file opens");
            let form = Form::new()
                .text("preferredFilename", "large")
                .part("files", part);
            let response = raw
                .post(format!("{url}/api/v4/files"))
                .bearer_auth("bench-token")
                .multipart(form)
                .send()
                .await
                .expect("the raw upload succeeds");
            let bytes = response.bytes().await.expect("the raw answer is read");
            let files: Vec<generated_client::types::File> =
                serde_json::from_slice(&bytes).expect("the raw answer decodes");
            assert_eq!(files.len(), 1);
        }
        Arm::Client => {
            let files = client
                .upload_file()
                .files([FilePart::path(file)])
                .body_map(|form| form.preferred_filename("large".to_owned()))
                .send()
                .await
                .expect("the client upload succeeds")
                .into_inner();
            assert_eq!(files.len(), 1);
        }
    }
}

fn client(url: &str) -> Client {
    Client::builder()
        .base_url(url)
        .bearer_token("bench-token")
        .build()
        .expect("valid settings")
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// A loopback HTTP/1.1 server on a thread of its own: reads each request's
/// head, reads and discards its `Content-Length` body in 256 KiB reads, and
/// answers [`ANSWER`], keeping the connection.
struct Server;

impl Server {
    fn start() -> String {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        let url = format!("http://{}", listener.local_addr().expect("an address"));
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                std::thread::spawn(move || {
                    let _ = serve(stream);
                });
            }
        });
        url
    }
}

fn serve(stream: TcpStream) -> std::io::Result<()> {
    let mut reader = BufReader::with_capacity(256 * 1024, stream.try_clone()?);
    let mut writer = stream;
    let mut sink = vec![0u8; 256 * 1024];
    loop {
        let mut length = 0usize;
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        loop {
            line.clear();
            reader.read_line(&mut line)?;
            if line == "\r\n" || line.is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':')
                && name.trim().eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().unwrap_or(0);
            }
        }
        while length > 0 {
            let want = length.min(sink.len());
            let read = reader.read(&mut sink[..want])?;
            if read == 0 {
                return Ok(());
            }
            length -= read;
        }
        write!(
            writer,
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{ANSWER}",
            ANSWER.len()
        )?;
    }
}
