//! Decodes arbitrary bytes into `ErrorBody`, the body of every error answer,
//! and reads its typed error code.

#![no_main]

use generated_client::types::ErrorBody;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(body) = serde_json::from_slice::<ErrorBody>(data) else {
        return;
    };
    if let Some(code) = body.error_code() {
        assert_eq!(
            Some(code.code()),
            body.code,
            "the typed code keeps the number"
        );
    }
    let encoded = serde_json::to_vec(&body).expect("a decoded error body encodes");
    let again: ErrorBody = serde_json::from_slice(&encoded).expect("its own encoding decodes");
    assert_eq!(
        again, body,
        "a decode/encode/decode round trip changed the error body"
    );
});
