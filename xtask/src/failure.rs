//! How a failed task's error reaches the terminal: `error: <message>`, and a
//! spec with several problems as one line each, in file order, then the count
//! (`error: 3 problems in spec/openapi.yaml`), so the count is the last line
//! whatever the length of the list.

use std::fmt::Write;

/// What `cargo xtask` prints to stderr for `error` (ends with a newline).
/// When a [`codegen::Error::Problems`] is in its chain, every problem is one
/// line and the count line ends with the context around it (`: fix the spec
/// and run again`); any other error is `error: ` and its chain.
pub fn render(error: &anyhow::Error) -> String {
    let Some(codegen::Error::Problems(problems)) = error.downcast_ref::<codegen::Error>() else {
        return format!("error: {error:#}\n");
    };
    let mut text = String::new();
    for problem in problems.listed() {
        let _ = writeln!(text, "{problem}");
    }
    if problems.more() > 0 {
        let _ = writeln!(text, "and {} more", problems.more());
    }
    let context: Vec<String> = error
        .chain()
        .take_while(|cause| cause.downcast_ref::<codegen::Error>().is_none())
        .map(ToString::to_string)
        .collect();
    let _ = write!(text, "error: {}", problems.summary());
    for message in context {
        let _ = write!(text, ": {message}");
    }
    text.push('\n');
    text
}
