//! Script handling: traditional → simplified conversion, width folding and script detection.
//!
//! Whole texts are converted with OpenCC's `t2s` configuration ([`to_simplified`], phrase aware).
//! For the normalised twin of the cleaned text, which must keep the same length, characters are
//! converted one by one through a table built once from the same converter ([`norm_char`]). The
//! same table tells which characters are traditional-only and which are simplified-only, which
//! is what [`detect`] counts to name the document's script.

use std::sync::OnceLock;

use duban_core::plan::Script;
use ferrous_opencc::OpenCC;
use ferrous_opencc::config::BuiltinConfig;

/// First code point of the dense table (CJK Extension A).
const DENSE_LO: u32 = 0x3400;
/// Last code point of the dense table (end of the CJK Unified Ideographs block).
const DENSE_HI: u32 = 0x9FFF;
/// First CJK compatibility ideograph.
const COMPAT_LO: u32 = 0xF900;
/// Last CJK compatibility ideograph.
const COMPAT_HI: u32 = 0xFAFF;

/// The converter, built on first use. `None` if it cannot be built (never expected).
fn converter() -> Option<&'static OpenCC> {
    static CONVERTER: OnceLock<Option<OpenCC>> = OnceLock::new();
    CONVERTER
        .get_or_init(|| OpenCC::from_config(BuiltinConfig::T2s).ok())
        .as_ref()
}

/// Converts text to simplified characters with OpenCC `t2s` (phrase aware). Returns the text
/// unchanged if the converter cannot be built.
pub fn to_simplified(text: &str) -> String {
    match converter() {
        Some(c) => c.convert(text),
        None => text.to_string(),
    }
}

/// Per-character conversion table for the BMP Han ranges.
struct Table {
    /// Simplified form of each code point in `DENSE_LO..=DENSE_HI`.
    dense: Vec<char>,
    /// Simplified form of each code point in `COMPAT_LO..=COMPAT_HI`.
    compat: Vec<char>,
    /// Whether each code point in `DENSE_LO..=DENSE_HI` is a simplified-only character (the
    /// simplified form of some traditional character, and not itself usual in traditional text).
    simp_only: Vec<bool>,
}

/// The per-character table, built on first use from the converter.
fn table() -> Option<&'static Table> {
    static TABLE: OnceLock<Option<Table>> = OnceLock::new();
    TABLE.get_or_init(build_table).as_ref()
}

/// Index of `c` in the dense table.
fn dense_index(c: char) -> Option<usize> {
    let u = c as u32;
    (DENSE_LO..=DENSE_HI)
        .contains(&u)
        .then(|| (u - DENSE_LO) as usize)
}

/// Index of `c` in the compatibility table.
fn compat_index(c: char) -> Option<usize> {
    let u = c as u32;
    (COMPAT_LO..=COMPAT_HI)
        .contains(&u)
        .then(|| (u - COMPAT_LO) as usize)
}

/// Converts every code point of a range alone (one per line, so no phrase can match) and returns
/// the single-character results; a code point whose result is not a single character maps to
/// itself.
fn convert_range(conv: &OpenCC, lo: u32, hi: u32) -> Vec<char> {
    let ids: Vec<char> = (lo..=hi)
        .map(|u| char::from_u32(u).unwrap_or(' '))
        .collect();
    let mut input = String::with_capacity(ids.len() * 4);
    for &c in &ids {
        input.push(c);
        input.push('\n');
    }
    let output = conv.convert(&input);
    let pieces: Vec<&str> = output.split('\n').collect();
    if pieces.len() != ids.len() + 1 {
        return ids;
    }
    ids.iter()
        .zip(&pieces)
        .map(|(&c, piece)| {
            let mut it = piece.chars();
            match (it.next(), it.next()) {
                (Some(s), None) => s,
                _ => c,
            }
        })
        .collect()
}

/// Builds the table (about 28 000 code points, converted in two calls).
fn build_table() -> Option<Table> {
    let conv = converter()?;
    let dense = convert_range(conv, DENSE_LO, DENSE_HI);
    let compat = convert_range(conv, COMPAT_LO, COMPAT_HI);
    // A simplified-only character is the simplified form of some other character and cannot be
    // written in Big5, the traditional-script charset: 发 (發, 髮) is, 教 (敎, a variant) and
    // 干 (乾, 幹, itself a traditional character) are not.
    let mut simp_only = vec![false; dense.len()];
    let mut buf = [0u8; 4];
    for (i, &s) in dense.iter().enumerate() {
        let c = char::from_u32(DENSE_LO + i as u32).unwrap_or(s);
        if s == c {
            continue;
        }
        if let Some(j) = dense_index(s)
            && !simp_only[j]
        {
            let (_, _, unmappable) = encoding_rs::BIG5.encode(s.encode_utf8(&mut buf));
            simp_only[j] = unmappable;
        }
    }
    Some(Table {
        dense,
        compat,
        simp_only,
    })
}

/// Simplified form of one character (itself when it has none or the converter is unavailable).
pub fn simplify_char(c: char) -> char {
    simplify_with(table(), c)
}

/// [`simplify_char`] with the table already fetched.
fn simplify_with(table: Option<&Table>, c: char) -> char {
    let u = c as u32;
    if u < DENSE_LO {
        return c;
    }
    if let Some(i) = dense_index(c) {
        return table.and_then(|t| t.dense.get(i).copied()).unwrap_or(c);
    }
    if let Some(i) = compat_index(c) {
        return table.and_then(|t| t.compat.get(i).copied()).unwrap_or(c);
    }
    if u >= 0x20000 {
        // Rare: supplementary-plane ideographs are converted one at a time.
        if let Some(conv) = converter() {
            let mut buf = [0u8; 4];
            let out = conv.convert(c.encode_utf8(&mut buf));
            let mut it = out.chars();
            if let (Some(s), None) = (it.next(), it.next()) {
                return s;
            }
        }
    }
    c
}

/// Folds full-width ASCII (U+FF01–FF5E) to ASCII and U+3000 / U+00A0 to a space; other
/// characters are returned unchanged.
pub fn fold_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' | '\u{00A0}' => ' ',
        _ => c,
    }
}

/// The normalised form of one character: width folded, then simplified.
pub fn norm_char(c: char) -> char {
    let f = fold_width(c);
    if f != c { f } else { simplify_char(c) }
}

/// The normalised form of a text, character by character (same length).
pub fn normalize(text: &[char]) -> Vec<char> {
    let table = table();
    text.iter()
        .map(|&c| {
            let f = fold_width(c);
            if f != c { f } else { simplify_with(table, c) }
        })
        .collect()
}

/// Whether `c` is a Han ideograph (CJK Unified Ideographs and Extension A, compatibility
/// ideographs, and the supplementary ideographic planes).
pub fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3FFFF)
}

/// Counts behind a script decision.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScriptCounts {
    /// Han characters.
    pub han: usize,
    /// Han characters that t2s changes (traditional-only forms).
    pub traditional: usize,
    /// Han characters that only occur in simplified text.
    pub simplified: usize,
}

/// Counts Han, traditional-only and simplified-only characters of `text`.
pub fn count(text: &[char]) -> ScriptCounts {
    let mut n = ScriptCounts::default();
    let table = table();
    for &c in text {
        if !is_han(c) {
            continue;
        }
        n.han += 1;
        if simplify_with(table, c) != c {
            n.traditional += 1;
        } else if let (Some(t), Some(i)) = (table, dense_index(c))
            && t.simp_only.get(i).copied().unwrap_or(false)
        {
            n.simplified += 1;
        }
    }
    n
}

/// The script of a text, from its counts. Running text in either script has roughly a quarter of
/// its characters in script-specific forms; a few stray forms (a quoted name) do not count.
pub fn classify(n: ScriptCounts) -> Script {
    if n.han == 0 {
        return Script::Simplified;
    }
    let han = n.han as f64;
    let t = n.traditional as f64 / han;
    let s = n.simplified as f64 / han;
    let trad_noticeable = n.traditional >= 3 && t >= 0.02;
    let simp_noticeable = n.simplified >= 3 && s >= 0.02;
    match (trad_noticeable, simp_noticeable) {
        (false, _) => Script::Simplified,
        (true, false) => Script::Traditional,
        (true, true) => {
            // Both present: mixed unless one side is a small minority of the other.
            let (hi, lo) = if t >= s { (t, s) } else { (s, t) };
            if lo >= hi * 0.15 {
                Script::Mixed
            } else if t >= s {
                Script::Traditional
            } else {
                Script::Simplified
            }
        }
    }
}

/// The script of a text.
pub fn detect(text: &[char]) -> Script {
    classify(count(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn converts_whole_text() {
        assert_eq!(to_simplified("達到"), "达到");
        assert_eq!(to_simplified("教育局工作計劃"), "教育局工作计划");
        assert_eq!(to_simplified("abc 1%"), "abc 1%");
    }

    #[test]
    fn converts_single_chars() {
        assert_eq!(simplify_char('區'), '区');
        assert_eq!(simplify_char('達'), '达');
        assert_eq!(simplify_char('学'), '学');
        assert_eq!(simplify_char('a'), 'a');
    }

    #[test]
    fn folds_width() {
        assert_eq!(norm_char('（'), '(');
        assert_eq!(norm_char('：'), ':');
        assert_eq!(norm_char('１'), '1');
        assert_eq!(norm_char('％'), '%');
        assert_eq!(norm_char('\u{3000}'), ' ');
        assert_eq!(norm_char('\u{00A0}'), ' ');
        assert_eq!(norm_char('、'), '、');
        assert_eq!(norm_char('。'), '。');
        assert_eq!(norm_char('發'), '发');
    }

    #[test]
    fn han_ranges() {
        assert!(is_han('中'));
        assert!(is_han('\u{3400}'));
        assert!(is_han('\u{F900}'));
        assert!(is_han('\u{20000}'));
        assert!(!is_han('a'));
        assert!(!is_han('。'));
        assert!(!is_han('ㄒ'));
    }

    #[test]
    fn detects_scripts() {
        assert_eq!(
            detect(&chars("我们要加强学校管理,提高教育质量,实现发展目标。")),
            Script::Simplified
        );
        assert_eq!(
            detect(&chars("我們要加強學校管理,提高教育質量,實現發展目標。")),
            Script::Traditional
        );
        let mixed = "我們要加強學校管理,提高教育質量,實現發展目標。我们要加强学校管理,提高教育质量,实现发展目标。";
        assert_eq!(detect(&chars(mixed)), Script::Mixed);
        assert_eq!(detect(&chars("abc 123")), Script::Simplified);
        assert_eq!(detect(&[]), Script::Simplified);
    }

    #[test]
    fn stray_forms_do_not_flip_the_script() {
        let mut s = String::new();
        for _ in 0..10 {
            s.push_str("我们要加强学校管理,提高教育质量,实现发展目标。");
        }
        s.push_str("臺灣");
        assert_eq!(detect(&chars(&s)), Script::Simplified);
    }
}
