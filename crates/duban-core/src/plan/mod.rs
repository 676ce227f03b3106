//! The imported plan: what the importer (`duban-plan`) produces from a 工作意见 and what later
//! stages (decomposition into tasks, the 任务分解表) consume.
//!
//! Field names here are a public contract: `duban import --json` serialises these types directly
//! and other tools read them, so fields may be added but never renamed.
//!
//! Offsets (`start`/`end`) are Unicode code-point offsets into the decoded original text, before
//! any cleaning, end exclusive, so a UI can highlight the exact source of every node and target.

use serde::{Deserialize, Serialize};

/// The whole result of importing one plan document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanImport {
    /// Where the text came from and how it was read.
    pub source: SourceInfo,
    /// What the cleaner removed.
    pub cleanup: Cleanup,
    /// The plan's own title (cleaned), empty when none was found.
    pub title: String,
    /// The year the plan is for, inferred from the title or the text.
    pub plan_year: Option<i32>,
    /// The outline tree: sections → items → sub-items → bullets / table rows.
    pub nodes: Vec<Node>,
    /// Every quantitative target, in document order.
    pub targets: Vec<Target>,
    /// One task draft per actionable sentence group.
    pub drafts: Vec<Draft>,
    /// Things a person should look at (masked numbers, suspected spam, garbled text…), in Chinese.
    pub warnings: Vec<String>,
}

/// How the document was read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceInfo {
    /// The file name as given.
    pub file: String,
    /// The container format.
    pub format: SourceFormat,
    /// The text encoding that was detected (`UTF-8`, `UTF-8 (BOM)`, `UTF-16LE`, `GB18030`…).
    pub encoding: String,
    /// Whether the text is written in simplified or traditional characters.
    pub script: Script,
}

/// The container format of a plan document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceFormat {
    /// Plain text in any common encoding.
    Txt,
    /// A Word document (Office Open XML).
    Docx,
    /// An Excel workbook (Office Open XML), usually a 任务分解表.
    Xlsx,
    /// Comma-separated values, usually a 任务分解表.
    Csv,
}

/// The script the document is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Script {
    /// 简体.
    Simplified,
    /// 繁體.
    Traditional,
    /// Both, in noticeable amounts.
    Mixed,
}

/// What the cleaner removed from the text before parsing.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Cleanup {
    /// Pasted pinyin annotations like `區(qū)` removed.
    pub pinyin_removed: usize,
    /// Other inline glosses removed (`[繁体:園]`, `{拼音:zhōng}`, `【ér】`, `(读:èr)`…).
    pub annotations_removed: usize,
    /// Whole lines (or line parts) of web-page chrome dropped, as they were in the original.
    pub chrome_removed: Vec<String>,
}

/// The kind of an outline node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NodeKind {
    /// Top level: `一、`.
    Section,
    /// Second level: `（一）` or `1、` under a section.
    Item,
    /// Third level and deeper numbered levels.
    Subitem,
    /// `一是` enumerations and `——` bullets.
    Bullet,
    /// A row of a task table.
    Row,
}

/// One node of the outline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Node {
    /// Markers from the root down to this node, e.g. `["三、", "2、"]`.
    pub path: Vec<String>,
    /// The marker exactly as printed (`一、`, `（一）`, `1.`, `——`, a row number).
    pub marker: String,
    /// The number the marker stands for, when it has one.
    pub ordinal: Option<u32>,
    /// Depth, 1 at the top.
    pub level: u8,
    /// What kind of node this is.
    pub kind: NodeKind,
    /// The run-in title (cleaned), without marker and closing `。`/`：`.
    pub title: String,
    /// Where the marker starts in the original text.
    pub start: usize,
    /// Where the node's text (title and body, not its children) ends in the original text.
    pub end: usize,
    /// Where the title ends in the original text.
    pub title_end: usize,
    /// The responsible unit named by the document itself (`（责任科室：…）`, a table column).
    pub lead_unit: Option<String>,
    /// Cooperating units named by the document.
    pub co_units: Vec<String>,
    /// The responsible leader named by the document.
    pub leader: Option<String>,
    /// The deadline named by the document (a table's 完成时限 column), as written.
    pub due: Option<String>,
    /// Child nodes.
    pub children: Vec<Node>,
}

/// How a target compares its indicator with the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Comparison {
    /// At least (`达到…以上`, `不低于`, `至少`).
    #[serde(rename = ">=")]
    AtLeast,
    /// At most (`控制在…以内`, `不超过`, `降至`).
    #[serde(rename = "<=")]
    AtMost,
    /// Exactly, or keep at (`保持`, counts after a verb).
    #[serde(rename = "=")]
    Equal,
    /// About (`左右`, `约`, `近`).
    #[serde(rename = "~")]
    About,
    /// From `value` to `value_max`.
    #[serde(rename = "range")]
    Range,
    /// A relative improvement over a baseline.
    #[serde(rename = ">")]
    MoreThan,
}

impl Comparison {
    /// The code used in JSON (`>=`, `<=`, `=`, `~`, `range`, `>`).
    pub fn code(self) -> &'static str {
        match self {
            Comparison::AtLeast => ">=",
            Comparison::AtMost => "<=",
            Comparison::Equal => "=",
            Comparison::About => "~",
            Comparison::Range => "range",
            Comparison::MoreThan => ">",
        }
    }
}

/// A value in a canonical unit (`1.9万平方米` → 19000 平方米, `1.84亿元` → 184000000 元).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Normalized {
    /// The value in the canonical unit.
    pub value: f64,
    /// The canonical unit.
    pub unit: String,
}

/// When a target or task is due.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Deadline {
    /// The year, when named or implied.
    pub year: Option<i32>,
    /// The month, when named.
    pub month: Option<u32>,
    /// The words of the document (`到2015年`, `6月底前`, `年底前`).
    pub text: String,
    /// ISO date of the last day it allows (`2015-12-31`), when a year is known.
    pub iso: Option<String>,
}

/// A quantitative target found in the plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Target {
    /// Markers of the node the target sits in.
    pub path: Vec<String>,
    /// The words of the target (cleaned): indicator, cue, number, unit.
    pub text: String,
    /// Start in the original text.
    pub start: usize,
    /// End in the original text.
    pub end: usize,
    /// What is measured; reconstructed with a parenthesised qualifier when the text elides it.
    pub indicator: String,
    /// How the indicator compares with the value.
    pub op: Comparison,
    /// The value as printed (lower bound of a range); `None` when masked or missing.
    pub value: Option<f64>,
    /// The upper bound of a range.
    pub value_max: Option<f64>,
    /// The unit as printed (or implied, see `unit_in_text`).
    pub unit: String,
    /// False when the unit is implied (a rate printed without `%`).
    pub unit_in_text: bool,
    /// The value in a canonical unit: 万/亿 multiplied out (`1.9万平方米` → 19000 平方米), other
    /// units as they are; `None` when the value is masked.
    pub normalized: Option<Normalized>,
    /// When the target is due.
    pub deadline: Option<Deadline>,
    /// The cue words (`达到…以上`, `不低于`, `新建`).
    pub cue: String,
    /// A hedge in front of the target (`力争`, `确保`, `争取`).
    pub hedge: Option<String>,
    /// True when the value counts per unit (`每个乡镇`, `各区县`).
    pub per_unit: bool,
    /// True when the number was masked or deleted by the source (`20**名`, `达到%`).
    pub masked: bool,
}

/// A first version of a task, for the supervisor to confirm.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    /// Markers of the node the draft comes from.
    pub path: Vec<String>,
    /// A short title (the node title, or the sentence's head).
    pub title: String,
    /// The sentence group the task stands for (cleaned).
    pub text: String,
    /// Start in the original text.
    pub start: usize,
    /// End in the original text.
    pub end: usize,
    /// The lead unit suggested by keyword rules.
    pub suggested_unit: Option<String>,
    /// Indexes into `PlanImport::targets`.
    pub targets: Vec<usize>,
    /// The lead unit named by the document (wins over the suggestion).
    pub lead_unit: Option<String>,
    /// Cooperating units named by the document.
    pub co_units: Vec<String>,
    /// The responsible leader named by the document.
    pub leader: Option<String>,
    /// The deadline named by the document, as written.
    pub due: Option<String>,
}

impl PlanImport {
    /// All nodes in document order (pre-order walk).
    pub fn walk_nodes(&self) -> Vec<&Node> {
        fn walk<'a>(nodes: &'a [Node], out: &mut Vec<&'a Node>) {
            for n in nodes {
                out.push(n);
                walk(&n.children, out);
            }
        }
        let mut out = Vec::new();
        walk(&self.nodes, &mut out);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comparison_serialises_as_its_code() {
        for op in [
            Comparison::AtLeast,
            Comparison::AtMost,
            Comparison::Equal,
            Comparison::About,
            Comparison::Range,
            Comparison::MoreThan,
        ] {
            let json = serde_json::to_string(&op).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", op.code()));
        }
    }
}
