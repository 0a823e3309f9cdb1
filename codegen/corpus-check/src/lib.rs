//! What codegen makes of every spec its corpus (`codegen/tests/corpus`)
//! accepts, compiled: one module per case. The tests round-trip an example
//! through each case's types, so "accepted" means "generates code that
//! compiles and reads and writes its bodies", not only "did not fail".
//!
//! The generated code leans on five items of the crate that includes it (see
//! codegen's `including_crate`): the decode, validation, list-stream and form runtimes, compiled
//! here from generated-client's own source files (their unit tests run here
//! too), and the client state, a unit here. Every case's `validation` module
//! hands its own tables to the one validation runtime.

#![allow(missing_docs)]

#[path = "../../../generated-client/src/decode.rs"]
#[allow(dead_code, unreachable_pub)]
mod decode;

#[path = "../../../generated-client/src/validate.rs"]
#[allow(dead_code, unreachable_pub)]
mod validate;

#[path = "../../../generated-client/src/paginate.rs"]
#[allow(dead_code, unreachable_pub)]
pub mod paginate;

#[path = "../../../generated-client/src/upload.rs"]
#[allow(dead_code, unreachable_pub)]
pub mod upload;

/// The call runtime the generated `send`s end in: here one attempt, and
/// the answer decoded (generated-client's `call.rs` adds the hooks, the
/// retries and the typed error; it needs that crate's whole client).
pub mod call {
    use crate::decode::AnswerBody;

    /// A decoded answer.
    #[derive(Debug)]
    pub struct Response<T> {
        body: T,
        status: reqwest::StatusCode,
    }

    impl<T> Response<T> {
        pub fn into_inner(self) -> T {
            self.body
        }

        pub fn status(&self) -> reqwest::StatusCode {
            self.status
        }
    }

    impl<T> std::ops::Deref for Response<T> {
        type Target = T;

        fn deref(&self) -> &T {
            &self.body
        }
    }

    /// Why a call failed, as text: the corpus checks only that its code
    /// compiles and its bodies round-trip.
    #[derive(Debug)]
    pub struct Error {
        pub operation: &'static str,
        pub status: Option<reqwest::StatusCode>,
        pub reason: String,
    }

    impl std::fmt::Display for Error {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "{}: {}", self.operation, self.reason)
        }
    }

    impl std::error::Error for Error {}

    pub(crate) trait IntoRefusal {
        fn into_refusal(self, operation: &'static str) -> Error;
    }

    impl<E: std::fmt::Display> IntoRefusal for E {
        fn into_refusal(self, operation: &'static str) -> Error {
            Error {
                operation,
                status: None,
                reason: self.to_string(),
            }
        }
    }

    pub(crate) fn or_refuse<T, E: IntoRefusal>(
        operation: &'static str,
        result: Result<T, E>,
    ) -> Result<T, Error> {
        result.map_err(|error| error.into_refusal(operation))
    }

    pub(crate) async fn send<T: AnswerBody>(
        http: &reqwest::Client,
        _state: &crate::hooks::ClientState,
        request: reqwest::Request,
        info: &progenitor_client::OperationInfo,
    ) -> Result<Response<T>, Error> {
        let operation = info.operation_id;
        let failed = |status, reason: String| Error {
            operation,
            status,
            reason,
        };
        let response = http
            .execute(request)
            .await
            .map_err(|e| failed(None, e.to_string()))?;
        let status = response.status();
        let body = response
            .bytes()
            .await
            .map_err(|e| failed(Some(status), e.to_string()))?;
        if !status.is_success() {
            return Err(failed(
                Some(status),
                String::from_utf8_lossy(&body).into_owned(),
            ));
        }
        T::from_body(&body)
            .map(|body| Response { body, status })
            .map_err(|reason| failed(Some(status), reason))
    }
}

/// The state progenitor's `Client` carries; the corpus clients need none.
pub mod hooks {
    /// No state.
    #[derive(Clone, Debug, Default)]
    pub struct ClientState;

    /// The corpus clients check every form before sending.
    impl crate::upload::FormSettings for ClientState {
        fn validates_requests(&self) -> bool {
            true
        }
    }
}

include!(concat!(env!("OUT_DIR"), "/cases.rs"));

#[cfg(test)]
mod tests;
