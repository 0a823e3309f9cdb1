//! The regional hosts of the service.

use std::fmt;
use std::str::FromStr;

/// A region of the service; each has its own host, and data does not move
/// between them: use the region your application was created in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Region {
    /// United States, `https://apix.us.amity.co`.
    #[default]
    Us,
    /// Europe, `https://apix.eu.amity.co`.
    Eu,
    /// Singapore, `https://apix.sg.amity.co`.
    Sg,
}

impl Region {
    /// Every region, in a fixed order.
    pub const ALL: [Region; 3] = [Region::Us, Region::Eu, Region::Sg];

    /// The region's base URL, without a trailing slash.
    pub fn base_url(self) -> &'static str {
        match self {
            Region::Us => "https://apix.us.amity.co",
            Region::Eu => "https://apix.eu.amity.co",
            Region::Sg => "https://apix.sg.amity.co",
        }
    }

    /// The short lowercase name: `us`, `eu` or `sg`.
    pub fn as_str(self) -> &'static str {
        match self {
            Region::Us => "us",
            Region::Eu => "eu",
            Region::Sg => "sg",
        }
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A region name that is not `us`, `eu` or `sg`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct UnknownRegion {
    name: String,
}

impl UnknownRegion {
    /// The name that was given.
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl fmt::Display for UnknownRegion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown region `{}`: expected one of us, eu, sg",
            self.name
        )
    }
}

impl std::error::Error for UnknownRegion {}

impl FromStr for Region {
    type Err = UnknownRegion;

    /// Parses `us`, `eu` or `sg`, in any case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "us" => Ok(Region::Us),
            "eu" => Ok(Region::Eu),
            "sg" => Ok(Region::Sg),
            _ => Err(UnknownRegion { name: s.to_owned() }),
        }
    }
}
