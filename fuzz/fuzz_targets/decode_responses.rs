//! Decodes arbitrary bytes into every response envelope of the client, the way
//! it decodes an answer (`serde_json::from_slice`), and checks that what
//! decodes re-encodes to JSON that decodes to the same value.

#![no_main]

use generated_client::types;
use libfuzzer_sys::fuzz_target;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Decodes `data` as `T`; when it decodes, the value must survive an
/// encode/decode round trip.
fn check<T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug>(data: &[u8]) {
    let Ok(decoded) = serde_json::from_slice::<T>(data) else {
        return;
    };
    let encoded = serde_json::to_vec(&decoded).expect("a decoded value encodes");
    let again: T = serde_json::from_slice(&encoded).expect("its own encoding decodes");
    assert_eq!(
        again, decoded,
        "a decode/encode/decode round trip changed the value"
    );
}

fuzz_target!(|data: &[u8]| {
    check::<types::CreatePostResponse>(data);
    check::<types::ApprovePostResponse>(data);
    check::<types::CreateStoryResponse>(data);
    check::<types::CreateMessageResponse>(data);
    check::<types::CreateChannelResponse>(data);
});
