//! A small HTTP/1.1 server on loopback for the outsider's tests: it reads
//! each request of a keep-alive connection (request line, headers, a
//! `Content-Length` body) and answers what a handler says. A request with a
//! body in another framing (`Transfer-Encoding`) is not read: the handler
//! is told (`Request::unread_framing`) and the connection is closed after
//! its answer.
//!
//! Each test binary uses a part of it.
#![allow(dead_code)]

use std::future::Future;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// One request as the server read it.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The `Transfer-Encoding` of a body the server did not read.
    pub unread_framing: Option<String>,
}

impl Request {
    /// The value of the header `name` (any case), if present.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What the server sends back.
pub struct Answer {
    pub status: u16,
    pub content_type: &'static str,
    pub body: String,
    /// Headers besides `content-type`, `content-length` and `connection`.
    pub headers: Vec<(&'static str, String)>,
}

impl Answer {
    /// `status` with `body` as `content_type`.
    pub fn new(status: u16, content_type: &'static str, body: impl Into<String>) -> Answer {
        Answer {
            status,
            content_type,
            body: body.into(),
            headers: Vec::new(),
        }
    }

    /// The answer with the header `name: value` too.
    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Answer {
        self.headers.push((name, value.into()));
        self
    }
}

/// Serves on a loopback port until the runtime ends, answering each
/// request with `handler`'s answer; returns the base URL.
pub async fn serve<H, Fut>(handler: H) -> String
where
    H: Fn(Request) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Answer> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(connection(stream, handler.clone()));
        }
    });
    base
}

/// Answers the requests of one connection, in order.
async fn connection<H, Fut>(stream: TcpStream, handler: H)
where
    H: Fn(Request) -> Fut,
    Fut: Future<Output = Answer>,
{
    let mut reader = BufReader::new(stream);
    while let Some(request) = read_request(&mut reader).await {
        let close = request.unread_framing.is_some()
            || request
                .header("connection")
                .is_some_and(|value| value.eq_ignore_ascii_case("close"));
        let answer = handler(request).await;
        let reason = match answer.status {
            200 => "OK",
            300 => "Multiple Choices",
            400 => "Bad Request",
            401 => "Unauthorized",
            403 => "Forbidden",
            404 => "Not Found",
            409 => "Conflict",
            429 => "Too Many Requests",
            500 => "Internal Server Error",
            502 => "Bad Gateway",
            503 => "Service Unavailable",
            _ => "Other",
        };
        let extra: String = answer
            .headers
            .iter()
            .map(|(name, value)| format!("{name}: {value}\r\n"))
            .collect();
        // One write: a head and a body written apart wait on Nagle's
        // algorithm and the client's delayed ACK.
        let mut reply = format!(
            "HTTP/1.1 {} {reason}\r\ncontent-type: {}\r\ncontent-length: {}\r\n{extra}{}\r\n",
            answer.status,
            answer.content_type,
            answer.body.len(),
            if close { "connection: close\r\n" } else { "" },
        )
        .into_bytes();
        reply.extend_from_slice(answer.body.as_bytes());
        if reader.get_mut().write_all(&reply).await.is_err() || close {
            return;
        }
    }
}

/// The next request of a connection; `None` at its end or on a request that
/// cannot be read. Public for the tests' servers that misbehave at the
/// socket level (read a request, then close or hold the connection).
pub async fn read_request(reader: &mut BufReader<TcpStream>) -> Option<Request> {
    let mut line = String::new();
    if reader.read_line(&mut line).await.ok()? == 0 {
        return None;
    }
    let mut parts = line.trim_end().splitn(3, ' ');
    let method = parts.next()?.to_owned();
    let target = parts.next()?.to_owned();
    let mut headers = Vec::new();
    let mut length = 0;
    let mut unread_framing = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).await.ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':')?;
        let value = value.trim();
        if name.eq_ignore_ascii_case("content-length") {
            length = value.parse().ok()?;
        }
        if name.eq_ignore_ascii_case("transfer-encoding") {
            unread_framing = Some(value.to_owned());
        }
        headers.push((name.to_owned(), value.to_owned()));
    }
    let mut body = vec![0; length];
    if unread_framing.is_none() {
        reader.read_exact(&mut body).await.ok()?;
    }
    Some(Request {
        method,
        target,
        headers,
        body,
        unread_framing,
    })
}
