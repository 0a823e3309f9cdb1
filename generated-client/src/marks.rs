//! Headers the client adds to an error answer, so that what the client
//! learned while making the call travels with the error
//! (`Error::ErrorResponse` keeps the status, the headers and the body).
//!
//! The client removes any header of these names the answer came with before
//! adding its own, so none of them can come from the service or a proxy.
//! [`ErrorExt`](crate::ErrorExt) reads them for you.

/// How many attempts the call made, the last included: `1` when it was not
/// retried.
pub const ATTEMPTS: &str = "x-generated-client-attempts";

/// Present (`true`) when the body is not what the service sent: the answer
/// was not a JSON object (an HTML page from a proxy, an empty body), so the
/// client made an error body up whose `message` names the status, the
/// content type and an excerpt of what came.
pub const MADE_BODY: &str = "x-generated-client-made-body";

/// Present (`true`) when an earlier attempt of this call may have reached
/// the service (it failed with a 5xx or 408, or after the request was
/// written) and the call was retried.
pub const EARLIER_ATTEMPT_SENT: &str = "x-generated-client-earlier-attempt-sent";

/// The client-chosen id the request carried (`postId`, ...), when an earlier
/// attempt may have reached the service: with a 400900 answer, the item
/// with this id is the one the earlier attempt created.
pub const CLIENT_CHOSEN_ID: &str = "x-generated-client-chosen-id";

/// Every header name above.
pub const ALL: [&str; 4] = [ATTEMPTS, MADE_BODY, EARLIER_ATTEMPT_SENT, CLIENT_CHOSEN_ID];
