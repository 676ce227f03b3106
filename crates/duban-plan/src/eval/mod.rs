//! Scores the importer against answer keys in the corpus-expected/v1 format
//! (`shared/corpus/PATTERNS.md` §11).
//!
//! Pure like the rest of the crate: the caller reads the key and the document, runs the importer
//! and hands both in; [`score`] compares one [`PlanImport`] with its [`AnswerKey`], and a
//! [`Report`] sums the documents (micro-averaged) and prints the table that `duban eval-import`
//! and the corpus tests both show. What counts as a match is documented in [`outline`] and
//! [`targets`]; markers, titles and units are compared after [`normalize`].

mod key;
pub mod normalize;
pub mod outline;
mod table;
pub mod targets;

use std::path::{Path, PathBuf};

use duban_core::plan::{Node, PlanImport, Target};
use serde::Serialize;

pub use key::{AnswerKey, KeyNode, KeySpan, KeyTarget, SCHEMA, parse_key};
pub use outline::{ExtraNode, MissedNode};
pub use targets::{FalsePositive, MissedTarget};

/// Matched, found and expected items of one kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Found items matched to a key item.
    pub matched: usize,
    /// Items the importer produced.
    pub found: usize,
    /// Items the key expects.
    pub expected: usize,
}

impl Counts {
    /// `matched / found`; 1.0 when nothing was found and nothing expected, 0.0 when nothing was
    /// found but something was expected.
    pub fn precision(&self) -> f64 {
        match self.found {
            0 if self.expected == 0 => 1.0,
            0 => 0.0,
            found => self.matched as f64 / found as f64,
        }
    }

    /// `matched / expected`; 1.0 when nothing is expected.
    pub fn recall(&self) -> f64 {
        match self.expected {
            0 => 1.0,
            expected => self.matched as f64 / expected as f64,
        }
    }

    /// The harmonic mean of precision and recall (0.0 when both are 0).
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }

    fn add(&mut self, other: Counts) {
        self.matched += other.matched;
        self.found += other.found;
        self.expected += other.expected;
    }
}

/// The target counts of one document or of several.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct TargetCounts {
    /// Targets the importer produced (all of them).
    pub found: usize,
    /// Found targets matched to a required key target.
    pub tp: usize,
    /// Found targets matched to no key target.
    pub fp: usize,
    /// Found targets matched to an optional key target (neither TP nor FP).
    pub optional_matched: usize,
    /// Required key targets.
    pub required: usize,
    /// Optional key targets.
    pub optional: usize,
    /// False positives that overlap a key non-target.
    pub fp_in_non_targets: usize,
}

impl TargetCounts {
    /// The scored part: TP over TP + FP found, against the required key targets.
    pub fn scored(&self) -> Counts {
        Counts {
            matched: self.tp,
            found: self.tp + self.fp,
            expected: self.required,
        }
    }

    /// `TP / (TP + FP)`, 1.0 when nothing was found and nothing is required.
    pub fn precision(&self) -> f64 {
        self.scored().precision()
    }

    /// `TP / required`, 1.0 when nothing is required.
    pub fn recall(&self) -> f64 {
        self.scored().recall()
    }

    fn add(&mut self, other: TargetCounts) {
        self.found += other.found;
        self.tp += other.tp;
        self.fp += other.fp;
        self.optional_matched += other.optional_matched;
        self.required += other.required;
        self.optional += other.optional;
        self.fp_in_non_targets += other.fp_in_non_targets;
    }
}

/// One document's score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DocScore {
    /// The key's document id.
    pub doc: String,
    /// Why the document could not be imported (it is then scored as if nothing was found).
    pub error: Option<String>,
    /// Outline nodes.
    pub outline: Counts,
    /// Targets.
    pub targets: TargetCounts,
    /// The key's plan year, when it knows one.
    pub year_expected: Option<i32>,
    /// The importer's plan year.
    pub year_found: Option<i32>,
    /// Whether the plan year is right; `None` when the key does not know it.
    pub year_ok: Option<bool>,
    /// The key's title (pinyin removed when the key says how).
    pub title_expected: String,
    /// The importer's title.
    pub title_found: String,
    /// Whether the titles agree after normalization.
    pub title_ok: bool,
    /// Key nodes not found, in key order.
    pub missed_nodes: Vec<MissedNode>,
    /// Found nodes matching no key node, in document order.
    pub extra_nodes: Vec<ExtraNode>,
    /// Required key targets not found, in document order.
    pub missed_targets: Vec<MissedTarget>,
    /// Found targets matching no key target, in document order.
    pub false_positives: Vec<FalsePositive>,
}

/// Scores one import against its key.
pub fn score(key: &AnswerKey, result: &PlanImport) -> DocScore {
    score_parts(
        key,
        &result.nodes,
        &result.targets,
        &result.title,
        result.plan_year,
        None,
    )
}

/// Scores a document the importer could not read: nothing found, `error` recorded.
pub fn score_failure(key: &AnswerKey, error: impl Into<String>) -> DocScore {
    score_parts(key, &[], &[], "", None, Some(error.into()))
}

fn score_parts(
    key: &AnswerKey,
    nodes: &[Node],
    found_targets: &[Target],
    title: &str,
    plan_year: Option<i32>,
    error: Option<String>,
) -> DocScore {
    let outline = outline::score(&key.outline, nodes);
    let targets = targets::score(&key.targets, &key.non_targets, found_targets);
    let title_expected = key.title_clean.clone().unwrap_or_else(|| key.title.clone());
    DocScore {
        doc: key.doc.clone(),
        error,
        outline: outline.counts,
        targets: targets.counts,
        year_expected: key.doc_year,
        year_found: plan_year,
        year_ok: key.doc_year.map(|year| plan_year == Some(year)),
        title_ok: normalize::title(&title_expected) == normalize::title(title),
        title_expected,
        title_found: title.to_string(),
        missed_nodes: outline.missed,
        extra_nodes: outline.extra,
        missed_targets: targets.missed,
        false_positives: targets.false_positives,
    }
}

/// Sums over documents: counts are added (micro-averaging), so a document weighs as much as it
/// has nodes and targets.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    /// Documents scored.
    pub documents: usize,
    /// Documents the importer could not read.
    pub failed: usize,
    /// Outline nodes.
    pub outline: Counts,
    /// Targets.
    pub targets: TargetCounts,
    /// Documents whose key knows the plan year.
    pub years_checked: usize,
    /// Of those, documents whose plan year is right.
    pub years_ok: usize,
    /// Documents whose title is right.
    pub titles_ok: usize,
}

impl Totals {
    /// Sums the documents' scores.
    pub fn of(documents: &[DocScore]) -> Totals {
        let mut totals = Totals {
            documents: documents.len(),
            ..Totals::default()
        };
        for doc in documents {
            totals.failed += usize::from(doc.error.is_some());
            totals.outline.add(doc.outline);
            totals.targets.add(doc.targets);
            totals.years_checked += usize::from(doc.year_ok.is_some());
            totals.years_ok += usize::from(doc.year_ok == Some(true));
            totals.titles_ok += usize::from(doc.title_ok);
        }
        totals
    }
}

/// The scores of a set of documents with their totals.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// One score per document, in the order given.
    pub documents: Vec<DocScore>,
    /// The sums.
    pub totals: Totals,
}

impl Report {
    /// Sums `documents` into a report.
    pub fn new(documents: Vec<DocScore>) -> Report {
        let totals = Totals::of(&documents);
        Report { documents, totals }
    }

    /// The per-document table with a TOTAL line; `verbose` lists misses and false positives under
    /// each document. Shared by `duban eval-import` and the corpus tests.
    pub fn table(&self, verbose: bool) -> String {
        table::render(self, verbose)
    }
}

/// Where a key's document may be, most likely first: its `file` field is relative to a folder
/// above the key (`corpus/` for `corpus/expected/002.json`, `shared/` for
/// `shared/plans/000_….expected.json`), so it is tried against the key's folder and each of its
/// ancestors. The caller takes the first that exists. An absolute `file` is the only candidate.
pub fn document_candidates(key_path: &Path, file: &str) -> Vec<PathBuf> {
    let file = Path::new(file);
    if file.is_absolute() {
        return vec![file.to_path_buf()];
    }
    key_path
        .ancestors()
        .skip(1)
        .map(|dir| dir.join(file))
        .collect()
}

#[cfg(test)]
mod tests;
