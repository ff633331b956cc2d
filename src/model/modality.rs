use std::fmt;
use std::str::FromStr;

/// How a relation holds, according to its source. A fixed vocabulary of the
/// tool, so that every dataset and every export reads it the same way.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum Modality {
    /// Stated as holding now, or in the events the source describes.
    Actual,
    /// A completed past fact.
    Historical,
    /// Put forward by someone; has not happened.
    Proposed,
    /// A conditional or speculative possibility.
    Hypothetical,
    /// The author's own prescription.
    Recommended,
}

impl Modality {
    pub const ALL: [Modality; 5] = [
        Modality::Actual,
        Modality::Historical,
        Modality::Proposed,
        Modality::Hypothetical,
        Modality::Recommended,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Modality::Actual => "actual",
            Modality::Historical => "historical",
            Modality::Proposed => "proposed",
            Modality::Hypothetical => "hypothetical",
            Modality::Recommended => "recommended",
        }
    }

    /// One line that says what the modality means, for legends and docs.
    pub fn definition(self) -> &'static str {
        match self {
            Modality::Actual => "stated as holding now or in the events described",
            Modality::Historical => "a completed past fact",
            Modality::Proposed => "put forward by someone, not happened",
            Modality::Hypothetical => "a conditional or speculative possibility",
            Modality::Recommended => "the author's own prescription",
        }
    }
}

impl fmt::Display for Modality {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error for a name that is not a modality.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown modality `{0}`")]
pub struct UnknownModality(pub String);

impl FromStr for Modality {
    type Err = UnknownModality;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Modality::ALL
            .into_iter()
            .find(|modality| modality.as_str() == name)
            .ok_or_else(|| UnknownModality(name.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_modality_parses_back_from_its_name() {
        for modality in Modality::ALL {
            assert_eq!(modality.as_str().parse::<Modality>(), Ok(modality));
        }
        assert!("Actual".parse::<Modality>().is_err());
    }
}
