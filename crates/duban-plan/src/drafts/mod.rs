//! Task drafts: one per actionable sentence group of an item (or bullet, or table row), with its
//! targets and a lead unit suggested by editable keyword rules.

use duban_core::plan::Draft;

use crate::clean::Cleaned;
use crate::outline::Outline;
use crate::targets::Found;

/// Keyword → unit rules.
#[derive(Debug, Clone, Default)]
pub struct UnitRules {
    /// `(unit, keywords)` in priority order.
    pub rules: Vec<(String, Vec<String>)>,
}

/// Makes the drafts.
pub fn make(cleaned: &Cleaned, outline: &Outline, found: &Found, rules: &UnitRules) -> Vec<Draft> {
    let _ = (cleaned, outline, found, rules);
    Vec::new()
}
