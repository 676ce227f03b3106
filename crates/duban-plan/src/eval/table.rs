//! The text of a [`Report`]: one line per document, a TOTAL line, and with `verbose` the misses
//! and false positives under each document. Written in one place so that the CLI and the tests'
//! failure messages read the same.

use std::fmt::Write;

use super::{DocScore, Report, TargetCounts};

/// Renders the report as text (each line ends with a newline).
pub(super) fn render(report: &Report, verbose: bool) -> String {
    let width = report
        .documents
        .iter()
        .map(|d| d.doc.chars().count())
        .max()
        .unwrap_or(0)
        .max(5);
    let mut out = String::new();
    for doc in &report.documents {
        document_line(&mut out, doc, width);
        if verbose {
            details(&mut out, doc);
        }
    }
    let t = &report.totals;
    let year = if t.years_checked == 0 {
        "year -".to_string()
    } else {
        format!("year {}/{} ok", t.years_ok, t.years_checked)
    };
    let _ = writeln!(
        out,
        "{:<width$}  outline P {:.2} R {:.2} F1 {:.2}  targets P {:.2} R {:.2} {}  {year}  titles {}/{} ok  [{} documents, {} failed]",
        "TOTAL",
        t.outline.precision(),
        t.outline.recall(),
        t.outline.f1(),
        t.targets.precision(),
        t.targets.recall(),
        target_counts(&t.targets),
        t.titles_ok,
        t.documents,
        t.documents,
        t.failed,
    );
    out
}

fn target_counts(t: &TargetCounts) -> String {
    let optional = if t.optional > 0 {
        format!(
            " (+{} optional, {} matched)",
            t.optional, t.optional_matched
        )
    } else {
        String::new()
    };
    format!(
        "(found {}, key {}{optional}, fp-in-nontargets {})",
        t.found, t.required, t.fp_in_non_targets
    )
}

fn document_line(out: &mut String, doc: &DocScore, width: usize) {
    let year = match (doc.year_ok, doc.year_found) {
        (None, _) => "year -".to_string(),
        (Some(true), _) => "year ok".to_string(),
        (Some(false), Some(found)) => {
            format!(
                "year WRONG (key {}, found {found})",
                show_year(doc.year_expected)
            )
        }
        (Some(false), None) => {
            format!(
                "year WRONG (key {}, found none)",
                show_year(doc.year_expected)
            )
        }
    };
    let _ = write!(
        out,
        "{:<width$}  outline P {:.2} R {:.2}  targets P {:.2} R {:.2} {}  {year}",
        doc.doc,
        doc.outline.precision(),
        doc.outline.recall(),
        doc.targets.precision(),
        doc.targets.recall(),
        target_counts(&doc.targets),
    );
    if let Some(error) = &doc.error {
        let _ = write!(out, "  IMPORT FAILED: {error}");
    }
    out.push('\n');
}

fn show_year(year: Option<i32>) -> String {
    year.map_or_else(|| "-".to_string(), |y| y.to_string())
}

fn details(out: &mut String, doc: &DocScore) {
    if !doc.title_ok {
        let _ = writeln!(
            out,
            "    title differs: key {:?}, found {:?}",
            doc.title_expected, doc.title_found
        );
    }
    for n in &doc.missed_nodes {
        let _ = write!(
            out,
            "    missed node     @{} {} {:?}",
            n.start,
            n.path.join(" "),
            n.title
        );
        if let Some(found) = &n.found_title {
            let _ = write!(out, " (found here: {found:?})");
        }
        out.push('\n');
    }
    for n in &doc.extra_nodes {
        let _ = writeln!(
            out,
            "    extra node      @{} {} {:?}",
            n.start,
            n.path.join(" "),
            n.title
        );
    }
    for t in &doc.missed_targets {
        let _ = write!(
            out,
            "    missed target   {} [{},{}) {:?} {} {} {}",
            t.id,
            t.start,
            t.end,
            t.span,
            show_value(t.value, t.value_max),
            t.unit,
            t.comparison
        );
        if let Some(nearest) = &t.nearest {
            let _ = write!(out, " — nearest {nearest}");
        }
        out.push('\n');
    }
    for f in &doc.false_positives {
        let _ = write!(
            out,
            "    false positive  [{},{}) {:?} {} {} {}",
            f.start,
            f.end,
            f.text,
            show_value(f.value, f.value_max),
            f.unit,
            f.comparison
        );
        if let Some(span) = &f.non_target {
            let _ = write!(out, " (in non-target {span:?})");
        }
        out.push('\n');
    }
}

/// A value as printed in the listing: `15`, `3-5`, `-` when missing.
pub(super) fn show_value(value: Option<f64>, value_max: Option<f64>) -> String {
    match (value, value_max) {
        (Some(v), Some(m)) => format!("{v}-{m}"),
        (Some(v), None) => v.to_string(),
        (None, _) => "-".to_string(),
    }
}
