//! A few public items of each kind, for the listing test.

mod private {
    /// Re-exported at the root.
    pub struct Reexported;

    impl Reexported {
        /// An inherent method of a re-exported struct.
        pub fn ping(&self) -> u8 {
            1
        }
    }
}

pub use private::Reexported;

/// A public module.
pub mod things {
    /// A struct with a public and a private field.
    #[derive(Clone, Debug)]
    pub struct Thing {
        /// Listed.
        pub name: String,
        hidden: u32,
    }

    impl Thing {
        /// Listed with its signature.
        pub fn with_limit(&self, limit: u32) -> Option<u32> {
            Some(limit.min(self.hidden))
        }

        fn not_listed(&self) {}
    }

    /// An enum and its variants.
    pub enum Kind {
        /// A unit variant.
        Plain,
        /// A tuple variant.
        Wrapped(u8),
    }

    /// A trait with an associated type and a method.
    pub trait Describe {
        /// An associated type.
        type Out;
        /// A trait method.
        fn describe(&self) -> Self::Out;
    }

    impl Describe for Thing {
        type Out = String;
        fn describe(&self) -> String {
            self.name.clone()
        }
    }
}

/// A constant.
pub const LIMIT: usize = 8;

/// A type alias.
pub type Name = String;

/// A function.
pub fn make(name: &str) -> things::Thing {
    let _ = private::Reexported.ping();
    things::Thing {
        name: name.to_owned(),
        hidden: 0,
    }
}

/// Only with the default feature `codegen`, which users turn off.
#[cfg(feature = "codegen")]
pub fn only_with_codegen() {}
