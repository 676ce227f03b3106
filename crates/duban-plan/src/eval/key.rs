//! The answer-key file (`corpus-expected/v1`, see `shared/corpus/PATTERNS.md` §11), read with serde.
//!
//! Only the fields the scorer uses are declared; every other field (`notes`, `*_byte`, `cue`,
//! `indicator`, `deadline`, …) is ignored, so keys may grow without breaking the scorer. Fields that
//! a key may write as `null` are read as their default.

use serde::{Deserialize, Deserializer};

/// The schema name the scorer understands.
pub const SCHEMA: &str = "corpus-expected/v1";

/// One document's answer key.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct AnswerKey {
    /// `corpus-expected/v1`; hand-made keys may leave it out.
    #[serde(default, deserialize_with = "nullable")]
    pub schema: String,
    /// The document's id (`002`, `seed`).
    #[serde(default, deserialize_with = "nullable")]
    pub doc: String,
    /// The document's path, relative to a folder above the key (`docs/002.txt`, `plans/000_….txt`).
    #[serde(default, deserialize_with = "nullable")]
    pub file: String,
    /// The plan's title, raw (pinyin included).
    #[serde(default, deserialize_with = "nullable")]
    pub title: String,
    /// The title without pinyin annotations, when the raw one has them.
    #[serde(default)]
    pub title_clean: Option<String>,
    /// The year the plan is for; `None` when the key does not know it.
    #[serde(default)]
    pub doc_year: Option<i32>,
    /// The outline tree.
    #[serde(default, deserialize_with = "nullable")]
    pub outline: Vec<KeyNode>,
    /// Every target the importer should find (or may find, when `optional`).
    #[serde(default, deserialize_with = "nullable")]
    pub targets: Vec<KeyTarget>,
    /// Text with numbers that is not a target.
    #[serde(default, deserialize_with = "nullable")]
    pub non_targets: Vec<KeySpan>,
}

/// One node of the key's outline.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct KeyNode {
    /// `section`, `item`, `subitem`, `bullet` or `row`.
    #[serde(default, deserialize_with = "nullable")]
    pub kind: String,
    /// Depth, 1 at the top.
    #[serde(default)]
    pub level: u8,
    /// The marker exactly as printed.
    #[serde(default, deserialize_with = "nullable")]
    pub marker: String,
    /// The number the marker stands for.
    #[serde(default)]
    pub ordinal: Option<u32>,
    /// The run-in title, raw.
    #[serde(default, deserialize_with = "nullable")]
    pub title: String,
    /// The title without pinyin annotations, when the raw one has them.
    #[serde(default)]
    pub title_clean: Option<String>,
    /// Code-point offset where the marker begins.
    #[serde(default)]
    pub marker_start: usize,
    /// Child nodes.
    #[serde(default, deserialize_with = "nullable")]
    pub children: Vec<KeyNode>,
}

impl KeyNode {
    /// The title to compare with the importer's (pinyin removed when the key says how).
    pub fn scored_title(&self) -> &str {
        self.title_clean.as_deref().unwrap_or(&self.title)
    }
}

/// One target of the key.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct KeyTarget {
    /// `T01`, `T02`, …
    #[serde(default, deserialize_with = "nullable")]
    pub id: String,
    /// Markers of the node holding the target.
    #[serde(default, deserialize_with = "nullable")]
    pub node_path: Vec<String>,
    /// The minimal text holding the target, raw.
    #[serde(default, deserialize_with = "nullable")]
    pub span: String,
    /// Code-point start of `span`.
    #[serde(default)]
    pub start: usize,
    /// Code-point end of `span` (exclusive).
    #[serde(default)]
    pub end: usize,
    /// The value (lower bound of a range); `None` when masked or absent.
    #[serde(default)]
    pub value: Option<f64>,
    /// The upper bound of a range.
    #[serde(default)]
    pub value_max: Option<f64>,
    /// The unit as printed (may be traditional: `萬平方米`).
    #[serde(default, deserialize_with = "nullable")]
    pub unit: String,
    /// `>=`, `<=`, `=`, `~`, `range` or `>`.
    #[serde(default, deserialize_with = "nullable")]
    pub comparison: String,
    /// Other comparison codes to accept.
    #[serde(default, deserialize_with = "nullable")]
    pub comparison_also_ok: Vec<String>,
    /// Defensible but not required: neither counted against recall nor as a false positive.
    #[serde(default, deserialize_with = "nullable")]
    pub optional: bool,
}

/// A span of the document: a non-target.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct KeySpan {
    /// The text, raw.
    #[serde(default, deserialize_with = "nullable")]
    pub span: String,
    /// Code-point start.
    #[serde(default)]
    pub start: usize,
    /// Code-point end (exclusive).
    #[serde(default)]
    pub end: usize,
}

/// Reads an answer key. Fails on invalid JSON, on a shape that does not fit, and on a `schema`
/// other than [`SCHEMA`] (a missing `schema` is accepted for hand-made keys).
pub fn parse_key(json: &str) -> Result<AnswerKey, String> {
    let key: AnswerKey = serde_json::from_str(json)
        .map_err(|e| format!("不是有效的答案文件 not an answer key: {e}"))?;
    if !key.schema.is_empty() && key.schema != SCHEMA {
        return Err(format!(
            "不支持的答案格式 unsupported answer-key schema {:?} (expected {SCHEMA:?})",
            key.schema
        ));
    }
    Ok(key)
}

/// Reads `null` as the type's default.
fn nullable<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}
