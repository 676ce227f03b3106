//! Clean the decoded text before parsing, keeping a map back to the original.
//!
//! Removes pasted pinyin (`區(qū)`), other inline glosses (`[繁体:園]`, `{拼音:zhōng}`, `【ér】`,
//! `(读:èr)`), and web-page chrome lines; produces a width-folded, simplified twin of the text
//! for matching. Positions: `text`, `norm` and `orig` are indexed by the same cleaned char index.

pub mod annotations;
pub mod chrome;
pub mod script;
pub mod warnings;

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
        self.orig
            .get(i)
            .copied()
            .unwrap_or_else(|| self.orig.last().copied().unwrap_or(0))
    }

    /// Original offset just after cleaned char `end - 1` (for an exclusive cleaned end).
    pub fn orig_end(&self, end: usize) -> usize {
        if end == 0 {
            return self.orig_start(0);
        }
        self.orig
            .get(end - 1)
            .map(|o| o + 1)
            .unwrap_or_else(|| self.orig.last().copied().unwrap_or(0))
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

    /// Number of characters in the original text.
    pub fn original_len(&self) -> usize {
        self.orig.last().copied().unwrap_or(0)
    }

    /// The cleaned lines as `(start, end)` ranges of cleaned indices, `end` exclusive and before
    /// the newline. A text ending in a newline has an empty last line; an empty text has one
    /// empty line.
    pub fn line_ranges(&self) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut start = 0;
        for (i, &c) in self.text.iter().enumerate() {
            if c == '\n' {
                out.push((start, i));
                start = i + 1;
            }
        }
        out.push((start, self.text.len()));
        out
    }
}

/// Cleans `original`. Never fails: unknown shapes are left in place.
///
/// Steps: annotations are removed (see [`annotations`]), the normalised twin is built
/// ([`script::normalize`]), chrome lines are dropped with their newline (see [`chrome`], judged
/// on the normalised line), then the script is detected and warnings collected on what is left.
/// Newlines inside content are kept and no width is folded in `text`.
pub fn clean(original: &str) -> Cleaned {
    let chars: Vec<char> = original.chars().collect();
    let stripped = annotations::strip(&chars);
    let norm_all = script::normalize(&stripped.text);

    let len = stripped.text.len();
    let mut text = Vec::with_capacity(len);
    let mut norm = Vec::with_capacity(len);
    let mut orig = Vec::with_capacity(len + 1);
    let mut chrome_removed = Vec::new();
    let mut start = 0;
    while start < len {
        let end = stripped.text[start..]
            .iter()
            .position(|&c| c == '\n')
            .map_or(len, |k| start + k);
        // Through the newline, if there is one.
        let next = if end < len { end + 1 } else { len };
        if chrome::is_chrome(&norm_all[start..end]) {
            // The line as it was in the original, annotations included.
            let o_start = if start == 0 {
                0
            } else {
                stripped.orig[start - 1] + 1
            };
            let o_end = if end < len {
                stripped.orig[end]
            } else {
                chars.len()
            };
            let line: String = chars
                .get(o_start..o_end)
                .unwrap_or_default()
                .iter()
                .collect();
            chrome_removed.push(trim(&line).to_string());
        } else {
            text.extend_from_slice(&stripped.text[start..next]);
            norm.extend_from_slice(&norm_all[start..next]);
            orig.extend_from_slice(&stripped.orig[start..next]);
        }
        start = next;
    }
    orig.push(chars.len());

    let script = script::detect(&text);
    let mut warnings = Vec::new();
    if let Some(w) = warnings::spam_warning(&norm) {
        warnings.push(w);
    }
    if let Some(w) = warnings::mojibake_warning(&text) {
        warnings.push(w);
    }
    Cleaned {
        text,
        norm,
        orig,
        pinyin_removed: stripped.pinyin,
        annotations_removed: stripped.other,
        chrome_removed,
        script,
        warnings,
    }
}

/// Trims whitespace, including U+3000, U+00A0 and carriage returns, from both ends.
fn trim(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || c == '\u{FEFF}')
}

/// Converts text to simplified characters (for `--simplified` output), phrase aware, with OpenCC
/// `t2s`. Returns the text unchanged if the converter cannot be built.
pub fn to_simplified(text: &str) -> String {
    script::to_simplified(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHARED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared");

    fn read(rel: &str) -> String {
        let path = format!("{SHARED}/{rel}");
        match std::fs::read_to_string(&path) {
            Ok(s) => s,
            Err(e) => panic!("cannot read {path}: {e}"),
        }
    }

    /// The offset map invariants: lengths, strictly increasing, characters equal.
    fn check_map(original: &str, c: &Cleaned) {
        let chars: Vec<char> = original.chars().collect();
        assert_eq!(c.norm.len(), c.text.len());
        assert_eq!(c.orig.len(), c.text.len() + 1);
        assert_eq!(c.orig.last().copied(), Some(chars.len()));
        for i in 0..c.text.len() {
            assert!(c.orig[i] < chars.len());
            assert_eq!(c.text[i], chars[c.orig[i]], "at cleaned {i}");
            if i > 0 {
                assert!(c.orig[i - 1] < c.orig[i]);
            }
        }
    }

    fn text(c: &Cleaned) -> String {
        c.text.iter().collect()
    }

    #[test]
    fn empty_and_plain() {
        let c = clean("");
        check_map("", &c);
        assert!(c.text.is_empty());
        assert_eq!(c.orig, vec![0]);
        assert_eq!(c.script, Script::Simplified);
        let s = "一、指导思想\n1、加强管理。\n";
        let c = clean(s);
        check_map(s, &c);
        assert_eq!(text(&c), s);
        assert_eq!((c.pinyin_removed, c.annotations_removed), (0, 0));
        assert!(c.chrome_removed.is_empty() && c.warnings.is_empty());
    }

    #[test]
    fn pinyin_removed_with_map() {
        let s = "全區(qū)達(dá)到（dá）95%\n發（fā）展";
        let c = clean(s);
        check_map(s, &c);
        assert_eq!(text(&c), "全區達到95%\n發展");
        assert_eq!(c.norm_slice(0, 4), "全区达到");
        assert_eq!(c.pinyin_removed, 4);
        // 區 sits at original 1, 達 after the removed `(qū)`.
        assert_eq!(c.orig_start(1), 1);
        assert_eq!(c.orig_start(2), 6);
        assert_eq!(c.orig_end(3), 7);
    }

    #[test]
    fn norm_folds_width_and_script_only() {
        let s = "（一）目標：達到９０％　以上 A";
        let c = clean(s);
        check_map(s, &c);
        assert_eq!(text(&c), s, "text keeps width and script");
        assert_eq!(c.norm_slice(0, c.norm.len()), "(一)目标:达到90% 以上 A");
    }

    #[test]
    fn non_annotations_stay() {
        for s in [
            "網站(nws)",
            "計劃(2017-2020年)",
            "校長(科長)",
            "我們?cè)谑",
            "(此件主动公开)",
        ] {
            let c = clean(s);
            check_map(s, &c);
            assert_eq!(text(&c), s);
        }
        // `(读:èr)` is a gloss: removed, but not counted as pinyin.
        let c = clean("二(读:èr)、实施步骤");
        assert_eq!(text(&c), "二、实施步骤");
        assert_eq!((c.pinyin_removed, c.annotations_removed), (0, 1));
    }

    #[test]
    fn chrome_lines_dropped_with_newline() {
        let s = "某局工作意見\n時(shí)間:2022-09-08 08:27:51\n導(dǎo)語(yǔ):某文來源于網友上傳,不代表本站觀點。\n一、指導思想\n- 1 -\n內容";
        let c = clean(s);
        check_map(s, &c);
        assert_eq!(text(&c), "某局工作意見\n一、指導思想\n內容");
        assert_eq!(
            c.chrome_removed,
            vec![
                "時(shí)間:2022-09-08 08:27:51".to_string(),
                "導(dǎo)語(yǔ):某文來源于網友上傳,不代表本站觀點。".to_string(),
                "- 1 -".to_string()
            ]
        );
        // A chrome last line without a newline; CRLF lines.
        let s = "内容\r\n第 1 页 共 3 页\r\n更多内容\r\n评论功能已关闭";
        let c = clean(s);
        check_map(s, &c);
        assert_eq!(text(&c), "内容\r\n更多内容\r\n");
        assert_eq!(
            c.chrome_removed,
            vec!["第 1 页 共 3 页".to_string(), "评论功能已关闭".to_string()]
        );
    }

    #[test]
    fn full_width_chrome_labels() {
        let s = "時間：2022-09-08 08:27:51\n正文";
        let c = clean(s);
        assert_eq!(text(&c), "正文");
        assert_eq!(c.chrome_removed.len(), 1);
    }

    #[test]
    fn warnings() {
        let c = clean("华藏澳门新葡京寺村幼儿园,交澳門金沙付使用");
        assert_eq!(
            c.warnings,
            vec!["文中夹杂疑似广告文字（澳门新葡京、澳门金沙），请核对".to_string()]
        );
        let c = clean("(一)总体\n?。ㄒ唬┛傮w目標");
        assert_eq!(c.warnings.len(), 1);
        assert!(c.warnings[0].starts_with("部分文字疑似乱码"));
    }

    #[test]
    fn helpers() {
        let c = clean("ab\ncd\n");
        assert_eq!(c.line_ranges(), vec![(0, 2), (3, 5), (6, 6)]);
        assert_eq!(c.original_len(), 6);
        assert_eq!(c.slice(3, 5), "cd");
        assert_eq!(c.slice(5, 3), "");
        assert_eq!(c.orig_start(100), 6);
        assert_eq!(c.orig_end(0), 0);
        assert_eq!(c.orig_end(100), 6);
        assert_eq!(to_simplified("發展"), "发展");
    }

    #[test]
    fn sample_plan() {
        let s = read("plans/000_7c068f91f998bae7.txt");
        let c = clean(&s);
        check_map(&s, &c);
        assert_eq!(c.pinyin_removed, 779);
        assert_eq!(c.annotations_removed, 0);
        assert_eq!(c.chrome_removed.len(), 2, "{:?}", c.chrome_removed);
        assert!(c.chrome_removed[0].starts_with("時(shí)間:2022-09-08"));
        assert!(c.chrome_removed[1].starts_with("導(dǎo)語(yǔ):"));
        assert_eq!(c.script, Script::Traditional);
        assert!(c.warnings.is_empty(), "{:?}", c.warnings);
        let t = text(&c);
        assert!(!t.contains("(qū)") && !t.contains("時間:"));
        let norm = c.norm_slice(0, c.norm.len());
        assert!(norm.contains("达到") && !norm.contains("達到"));
        // Idempotent on its own output.
        let again = clean(&t);
        assert_eq!(again.text, c.text);
        assert_eq!((again.pinyin_removed, again.chrome_removed.len()), (0, 0));
    }

    #[test]
    fn corpus_documents() {
        let dir = format!("{SHARED}/corpus/docs");
        let mut names: Vec<String> = match std::fs::read_dir(&dir) {
            Ok(entries) => entries
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().to_string())
                .filter(|n| n.ends_with(".txt"))
                .collect(),
            Err(e) => panic!("cannot read {dir}: {e}"),
        };
        names.sort();
        assert!(names.len() >= 26);
        for name in &names {
            let s = read(&format!("corpus/docs/{name}"));
            let c = clean(&s);
            check_map(&s, &c);
            let doc = name.trim_end_matches(".txt");
            let expected_pinyin = match doc {
                "020" => 54,
                "021" => 50,
                "022" => 77,
                "035" => 98,
                _ => 0,
            };
            assert_eq!(c.pinyin_removed, expected_pinyin, "{doc}");
            let traditional = ["020", "021", "022", "023", "035"].contains(&doc);
            let script = if traditional {
                Script::Traditional
            } else {
                Script::Simplified
            };
            assert_eq!(c.script, script, "{doc}");
            let garbled = c.warnings.iter().any(|w| w.starts_with("部分文字疑似乱码"));
            assert_eq!(
                garbled,
                ["021", "022"].contains(&doc),
                "{doc}: {:?}",
                c.warnings
            );
            let spam = c
                .warnings
                .iter()
                .any(|w| w.starts_with("文中夹杂疑似广告文字"));
            assert_eq!(spam, doc == "025", "{doc}");
            if doc != "025" {
                assert_eq!(c.annotations_removed, 0, "{doc}");
            }
            let again = clean(&text(&c));
            assert_eq!(again.text, c.text, "{doc}: not idempotent");
        }
    }

    #[test]
    fn corpus_other_annotations() {
        let s = read("corpus/docs/025.txt");
        let c = clean(&s);
        assert!(c.annotations_removed > 0);
        let t = text(&c);
        for gone in [
            "【lián】",
            "[繁体:",
            "(繁体:",
            "《繁体:",
            "(繁:",
            "{拼音:",
            "{pinyin:",
            "(读:",
            "làng ",
            "chéng ",
        ] {
            assert!(!t.contains(gone), "{gone} left");
        }
        let before = s.matches("祁连路").count() + s.matches("祁连【lián】路").count();
        assert_eq!(t.matches("祁连路").count(), before);
        assert!(t.contains("古浪县") && t.contains("二、"));
    }

    #[test]
    fn corpus_chrome() {
        let c = clean(&read("corpus/docs/002.txt"));
        assert_eq!(c.chrome_removed.len(), 1);
        assert!(c.chrome_removed[0].starts_with("发布时间:"));
        let c = clean(&read("corpus/docs/026.txt"));
        assert_eq!(
            c.chrome_removed,
            vec!["- 格式:doc", "- 大小:33.00 KB", "- 文档页数:3"]
        );
        let c = clean(&read("corpus/docs/015.txt"));
        assert_eq!(c.chrome_removed.len(), 1);
        assert!(c.chrome_removed[0].contains("此处隐藏"));
        for doc in [
            "004", "005", "009", "014", "017", "020", "021", "022", "028", "029", "031", "036",
        ] {
            let c = clean(&read(&format!("corpus/docs/{doc}.txt")));
            assert!(c.chrome_removed.is_empty(), "{doc}: {:?}", c.chrome_removed);
        }
    }
}
