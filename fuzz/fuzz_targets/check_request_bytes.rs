//! Runs the client's pre-send check (`validation::check_request_json`) on
//! arbitrary bytes for every operation, and holds it to the check on a
//! `serde_json::Value` whenever the bytes are JSON without duplicate keys.

#![no_main]

use generated_client::validation::{check_request, check_request_json};
use libfuzzer_sys::fuzz_target;

const OPERATIONS: [&str; 5] = [
    "createPost",
    "createStory",
    "createMessage",
    "createChannel",
    "approvePost",
];

fuzz_target!(|data: &[u8]| {
    for operation in OPERATIONS {
        let from_bytes = check_request_json(operation, data);
        let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) else {
            assert_eq!(from_bytes, Ok(()), "bytes that are not JSON pass");
            continue;
        };
        // Re-encoding drops duplicate keys the way `Value` reads them.
        let canonical = serde_json::to_vec(&value).expect("a Value encodes");
        assert_eq!(
            check_request_json(operation, &canonical),
            check_request(operation, &value),
            "{operation}: the bytes check and the Value check disagree"
        );
        assert_eq!(from_bytes, check_request(operation, &value));
    }
});
