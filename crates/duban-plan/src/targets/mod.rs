//! Quantitative targets in the outline's text: comparison, value, range, unit, indicator,
//! deadline and hedge; with the false friends (ordinals, slogans, dates, achieved results)
//! rejected.

use duban_core::plan::Target;

use crate::clean::Cleaned;
use crate::outline::Outline;

/// Targets found, in cleaned coordinates, with warnings for a person.
#[derive(Debug, Clone, Default)]
pub struct Found {
    /// Targets in document order; offsets are cleaned char indexes.
    pub targets: Vec<Target>,
    /// Warnings (masked values…), in Chinese.
    pub warnings: Vec<String>,
}

/// Extracts targets from every node of the outline.
pub fn extract(cleaned: &Cleaned, outline: &Outline) -> Found {
    let _ = (cleaned, outline);
    Found::default()
}
