//! Cleaned text → outline tree (sections → items → sub-items → bullets / table rows), plus the
//! plan's title and year.
//!
//! Offsets in the returned nodes are *cleaned* char indexes; [`Render`] maps them back to the
//! original text at the very end, so every stage in between works on one coordinate system.

use duban_core::plan::{Draft, Node, PlanImport, Target};

use crate::clean::{Cleaned, to_simplified};

mod head;
pub mod lines;
pub mod markers;
mod table;
mod tree;

/// The parsed outline, in cleaned coordinates.
#[derive(Debug, Clone, Default)]
pub struct Outline {
    /// The plan's title (cleaned text).
    pub title: String,
    /// The plan year.
    pub plan_year: Option<i32>,
    /// Cleaned index where the title ends (0 when there is none): the preamble starts there.
    pub title_end: usize,
    /// Top-level nodes.
    pub nodes: Vec<Node>,
    /// Task cells of table rows: `(row start, cell start, cell end)`, cleaned indexes.
    pub task_cells: Vec<(usize, usize, usize)>,
    /// Cleaned indexes of line breaks that only wrap text (PDF copies), sorted.
    pub soft_breaks: Vec<usize>,
}

/// Parses the outline.
pub fn parse(cleaned: &Cleaned) -> Outline {
    let lines = lines::Lines::new(&cleaned.norm);
    let tables = table::find_tables(cleaned, &lines);
    let (title, title_range) = head::find_title(cleaned, &lines);
    // A counter in front of the title line (see `head::find_title`) opens no node.
    let skip_before = title_range.map(|(s, _)| s);
    let nodes = tree::build(cleaned, &lines, &tables, skip_before);
    let plan_year = head::plan_year(cleaned, &title, title_range, nodes.first().map(|n| n.start));
    let task_cells = tables.iter().flat_map(table::Table::task_cells).collect();
    let soft_breaks = lines.soft_break_positions();
    Outline {
        title,
        plan_year,
        title_end: title_range.map_or(0, |(_, e)| e),
        nodes,
        task_cells,
        soft_breaks,
    }
}

/// Converts cleaned-coordinate results into the public shape: original offsets, and simplified
/// strings when asked.
pub struct Render<'a> {
    cleaned: &'a Cleaned,
    simplified: bool,
}

impl<'a> Render<'a> {
    /// A renderer over `cleaned`.
    pub fn new(cleaned: &'a Cleaned, simplified: bool) -> Self {
        Self {
            cleaned,
            simplified,
        }
    }

    /// A string as it should be shown.
    pub fn text(&self, s: String) -> String {
        if self.simplified {
            to_simplified(&s)
        } else {
            s
        }
    }

    fn opt(&self, s: &Option<String>) -> Option<String> {
        s.clone().map(|s| self.text(s))
    }

    /// Nodes with original offsets.
    pub fn nodes(&self, outline: &Outline) -> Vec<Node> {
        outline.nodes.iter().map(|n| self.node(n)).collect()
    }

    fn node(&self, n: &Node) -> Node {
        Node {
            path: n.path.iter().map(|p| self.text(p.clone())).collect(),
            marker: self.text(n.marker.clone()),
            ordinal: n.ordinal,
            level: n.level,
            kind: n.kind,
            title: self.text(n.title.clone()),
            start: self.cleaned.orig_start(n.start),
            end: self.cleaned.orig_end(n.end),
            title_end: self.cleaned.orig_end(n.title_end),
            lead_unit: self.opt(&n.lead_unit),
            co_units: n.co_units.iter().map(|u| self.text(u.clone())).collect(),
            leader: self.opt(&n.leader),
            due: self.opt(&n.due),
            children: n.children.iter().map(|c| self.node(c)).collect(),
        }
    }

    /// Targets with original offsets.
    pub fn targets(&self, found: &crate::targets::Found) -> Vec<Target> {
        found
            .targets
            .iter()
            .map(|t| {
                let mut t = t.clone();
                t.start = self.cleaned.orig_start(t.start);
                t.end = self.cleaned.orig_end(t.end);
                t.path = t.path.into_iter().map(|p| self.text(p)).collect();
                t.text = self.text(t.text);
                t.indicator = self.text(t.indicator);
                t.unit = self.text(t.unit);
                t
            })
            .collect()
    }

    /// Drafts with original offsets.
    pub fn drafts(&self, drafts: &[Draft]) -> Vec<Draft> {
        drafts
            .iter()
            .map(|d| {
                let mut d = d.clone();
                d.start = self.cleaned.orig_start(d.start);
                d.end = self.cleaned.orig_end(d.end);
                d.path = d.path.into_iter().map(|p| self.text(p)).collect();
                d.title = self.text(d.title);
                d.text = self.text(d.text);
                d.lead_unit = self.opt(&d.lead_unit);
                d.co_units = d.co_units.into_iter().map(|u| self.text(u)).collect();
                d.leader = self.opt(&d.leader);
                d.due = self.opt(&d.due);
                d
            })
            .collect()
    }
}

/// Keeps the import type in scope for doc links.
#[allow(dead_code)]
type _Doc = PlanImport;

/// Where a responsibility note (`（责任科室：…）`) starts inside `[from, to)`, if there is one.
pub fn tree_note_start(norm: &[char], from: usize, to: usize) -> Option<usize> {
    tree::responsibility_note(norm, from, to).map(|n| n.span.0)
}
