//! Where codegen's time goes, step by step, on the real spec or a synthetic
//! one N times its size (the one `cargo bench -p codegen` uses).
//!
//! ```text
//! cargo run --release -p codegen --example phases -- [COPIES] [RUNS]
//! ```
//!
//! COPIES defaults to 50 and RUNS to 5. Prints the median wall time of each
//! step over the runs (after one unmeasured warm-up run) and its share of the
//! median total. Medians, because this machine is shared and noisy.

#[path = "../benches/support/scaled.rs"]
mod scaled;

use std::process::ExitCode;
use std::time::{Duration, Instant};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let (Some(copies), Some(runs)) = (
        number(args.next(), 50, "COPIES"),
        number(args.next(), 5, "RUNS"),
    ) else {
        return ExitCode::from(2);
    };
    let text = scaled::scaled_spec(&scaled::real_spec(), copies);
    scaled::check_scaled(&text, copies, &scaled::real_spec());

    let mut samples: Vec<Vec<(&'static str, Duration)>> = Vec::new();
    let mut output_bytes = 0;
    for run in 0..=runs {
        let started = Instant::now();
        let spec = match codegen::Spec::parse(&text, "synthetic") {
            Ok(spec) => spec,
            Err(error) => {
                eprintln!("error: {error}");
                return ExitCode::FAILURE;
            }
        };
        let mut steps = vec![("parse and check the spec", started.elapsed())];
        let (generated, timings) = match codegen::generate_timed(&spec) {
            Ok(result) => result,
            Err(error) => {
                eprintln!("error: {error}");
                return ExitCode::FAILURE;
            }
        };
        output_bytes = generated.code.len();
        drop((spec, generated));
        steps.extend(timings.steps);
        steps.push(("total (parse + generate + drop)", started.elapsed()));
        if run > 0 {
            samples.push(steps);
        }
    }

    println!(
        "codegen on a {copies}x spec ({} bytes in, {output_bytes} bytes out); median of {runs} runs",
        text.len()
    );
    let total = median(samples.iter().map(|s| s[s.len() - 1].1).collect());
    for (index, (step, _)) in samples[0].iter().enumerate() {
        let time = median(samples.iter().map(|s| s[index].1).collect());
        let share = time.as_secs_f64() / total.as_secs_f64() * 100.0;
        println!(
            "{step:>36}  {:>9.1} ms  {share:>5.1}%",
            time.as_secs_f64() * 1e3
        );
    }
    ExitCode::SUCCESS
}

fn number(arg: Option<String>, default: usize, name: &str) -> Option<usize> {
    match arg.map(|a| a.parse::<usize>()) {
        None => Some(default),
        Some(Ok(n)) if n > 0 => Some(n),
        _ => {
            eprintln!("error: {name} must be a positive whole number");
            None
        }
    }
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}
