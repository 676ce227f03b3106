//! Target scoring: found targets are matched one to one to key targets, greedily in document order.
//!
//! A found target matches a key target when their `[start, end)` spans overlap, the values agree
//! (both missing, or equal within 1e-6; a key range also needs `value_max` to agree), the units
//! agree after [`normalize::unit`](super::normalize::unit), and the found comparison code is the
//! key's `comparison` or one of its `comparison_also_ok`. Among the key targets a found target
//! matches, a required one is taken before an optional one, then the one it overlaps most, then
//! the first; key targets sharing a span (one value for three indicators) each need their own
//! found target. A found target matched to an optional key target is neither a true nor a false
//! positive; optional key targets are not required.

use std::cmp::Reverse;

use duban_core::plan::Target;
use serde::Serialize;

use super::key::{KeySpan, KeyTarget};
use super::table::show_value;
use super::{TargetCounts, normalize};

/// A required key target the importer did not produce.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MissedTarget {
    /// The key's id (`T01`).
    pub id: String,
    /// The key's span, raw.
    pub span: String,
    /// Start of the span.
    pub start: usize,
    /// End of the span (exclusive).
    pub end: usize,
    /// The key's value.
    pub value: Option<f64>,
    /// The key's upper bound of a range.
    pub value_max: Option<f64>,
    /// The key's unit.
    pub unit: String,
    /// The key's comparison code.
    pub comparison: String,
    /// The first found target overlapping the span, and why it did not match, if there is one.
    pub nearest: Option<String>,
}

/// A found target that matches no key target.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FalsePositive {
    /// The importer's text of the target.
    pub text: String,
    /// Start in the original text.
    pub start: usize,
    /// End in the original text (exclusive).
    pub end: usize,
    /// The importer's value.
    pub value: Option<f64>,
    /// The importer's upper bound.
    pub value_max: Option<f64>,
    /// The importer's unit.
    pub unit: String,
    /// The importer's comparison code.
    pub comparison: String,
    /// The key's non-target this overlaps (its span), if any.
    pub non_target: Option<String>,
}

/// The target part of a document's score.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct TargetScore {
    pub(super) counts: TargetCounts,
    pub(super) missed: Vec<MissedTarget>,
    pub(super) false_positives: Vec<FalsePositive>,
}

/// Length of the intersection of two half-open spans (0 when they do not overlap).
fn overlap(a: (usize, usize), b: (usize, usize)) -> usize {
    a.1.min(b.1).saturating_sub(a.0.max(b.0))
}

fn same_number(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6
}

/// What disagrees between an overlapping found target and a key target (empty: they match).
fn differences(found: &Target, key: &KeyTarget) -> Vec<&'static str> {
    let mut diff = Vec::new();
    let value_ok = match (found.value, key.value) {
        (None, None) => true,
        (Some(a), Some(b)) => same_number(a, b),
        _ => false,
    };
    let max_ok = match (found.value_max, key.value_max) {
        (_, None) => true,
        (Some(a), Some(b)) => same_number(a, b),
        (None, Some(_)) => false,
    };
    if !(value_ok && max_ok) {
        diff.push("value");
    }
    if normalize::unit(&found.unit) != normalize::unit(&key.unit) {
        diff.push("unit");
    }
    let code = found.op.code();
    if code != key.comparison.trim() && !key.comparison_also_ok.iter().any(|c| c.trim() == code) {
        diff.push("comparison");
    }
    diff
}

/// Describes the first found target overlapping a missed key target.
fn nearest(
    key: &KeyTarget,
    found: &[&Target],
    taken_by: &[Option<usize>],
    keys: &[KeyTarget],
) -> Option<String> {
    let (i, f) = found
        .iter()
        .enumerate()
        .find(|(_, f)| overlap((f.start, f.end), (key.start, key.end)) > 0)?;
    let why = match taken_by[i] {
        Some(k) => format!("taken by {}", keys[k].id),
        None => format!("differs in {}", differences(f, key).join(", ")),
    };
    Some(format!(
        "found [{},{}) {:?} {} {} {} ({why})",
        f.start,
        f.end,
        f.text,
        show_value(f.value, f.value_max),
        f.unit,
        f.op.code()
    ))
}

/// Scores the importer's targets against the key's.
pub(super) fn score(keys: &[KeyTarget], non_targets: &[KeySpan], found: &[Target]) -> TargetScore {
    let mut key_order: Vec<usize> = (0..keys.len()).collect();
    key_order.sort_by_key(|&k| (keys[k].start, keys[k].end));
    let mut found_sorted: Vec<&Target> = found.iter().collect();
    found_sorted.sort_by_key(|f| (f.start, f.end));

    let mut key_used = vec![false; keys.len()];
    let mut taken_by: Vec<Option<usize>> = vec![None; found_sorted.len()];
    let mut counts = TargetCounts {
        found: found.len(),
        required: keys.iter().filter(|k| !k.optional).count(),
        optional: keys.iter().filter(|k| k.optional).count(),
        ..TargetCounts::default()
    };
    let mut false_positives = Vec::new();

    for (i, f) in found_sorted.iter().enumerate() {
        let best = key_order
            .iter()
            .enumerate()
            .filter(|&(_, &k)| !key_used[k])
            .map(|(rank, &k)| {
                (
                    rank,
                    k,
                    overlap((f.start, f.end), (keys[k].start, keys[k].end)),
                )
            })
            .filter(|&(_, k, shared)| shared > 0 && differences(f, &keys[k]).is_empty())
            .min_by_key(|&(rank, k, shared)| (keys[k].optional, Reverse(shared), rank));
        match best {
            Some((_, k, _)) => {
                key_used[k] = true;
                taken_by[i] = Some(k);
                if keys[k].optional {
                    counts.optional_matched += 1;
                } else {
                    counts.tp += 1;
                }
            }
            None => {
                let non_target = non_targets
                    .iter()
                    .find(|n| overlap((f.start, f.end), (n.start, n.end)) > 0)
                    .map(|n| n.span.clone());
                counts.fp += 1;
                if non_target.is_some() {
                    counts.fp_in_non_targets += 1;
                }
                false_positives.push(FalsePositive {
                    text: f.text.clone(),
                    start: f.start,
                    end: f.end,
                    value: f.value,
                    value_max: f.value_max,
                    unit: f.unit.clone(),
                    comparison: f.op.code().to_string(),
                    non_target,
                });
            }
        }
    }

    let missed = key_order
        .iter()
        .filter(|&&k| !key_used[k] && !keys[k].optional)
        .map(|&k| {
            let key = &keys[k];
            MissedTarget {
                id: key.id.clone(),
                span: key.span.clone(),
                start: key.start,
                end: key.end,
                value: key.value,
                value_max: key.value_max,
                unit: key.unit.clone(),
                comparison: key.comparison.clone(),
                nearest: nearest(key, &found_sorted, &taken_by, keys),
            }
        })
        .collect();
    TargetScore {
        counts,
        missed,
        false_positives,
    }
}
