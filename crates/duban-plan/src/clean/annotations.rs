//! Inline annotations: pasted pinyin (`區(qū)`) and other glosses (`[繁体:園]`, `{拼音:zhōng}`,
//! `(读:èr)`, `【ér】`, bare `古浪làng 县`).
//!
//! The scanner copies characters to the output one by one and, whenever the character just
//! copied can end an annotation (a closing bracket, or a Han character after `syllable␠`),
//! checks the *output's* tail and drops the annotation from it. Because every check looks only
//! at the output, an annotation exposed by removing another one is found as well, and the output
//! never holds a removable annotation: stripping is idempotent. Each check looks back a bounded
//! number of characters, so the scan is linear.

use super::script::is_han;

/// The longest syllable, in base letters (`zhuang`).
const MAX_SYLLABLE_LETTERS: usize = 6;
/// The most characters a syllable may span, combining marks included.
const MAX_SYLLABLE_CHARS: usize = 10;
/// The most characters between the brackets of a labelled gloss (`繁体:園`, `pinyin:zhuàng`).
const MAX_GLOSS_CHARS: usize = 24;

/// Labels that open a gloss inside brackets; a colon (ASCII or full-width) follows.
const GLOSS_LABELS: &[&str] = &[
    "繁体", "繁體", "繁", "简体", "簡體", "拼音", "pinyin", "注音", "读", "讀",
];

/// The text with annotations removed, and where each kept character came from.
#[derive(Debug, Clone, Default)]
pub struct Stripped {
    /// Kept characters.
    pub text: Vec<char>,
    /// Original index of each kept character (strictly increasing).
    pub orig: Vec<usize>,
    /// Pinyin annotations removed (`區(qū)`).
    pub pinyin: usize,
    /// Other annotations removed.
    pub other: usize,
}

/// A lowercase vowel with a tone mark (precomposed), including the syllabic `ḿ ń ň ǹ`.
pub fn is_toned(c: char) -> bool {
    matches!(
        c,
        'ā' | 'á'
            | 'ǎ'
            | 'à'
            | 'ē'
            | 'é'
            | 'ě'
            | 'è'
            | 'ī'
            | 'í'
            | 'ǐ'
            | 'ì'
            | 'ō'
            | 'ó'
            | 'ǒ'
            | 'ò'
            | 'ū'
            | 'ú'
            | 'ǔ'
            | 'ù'
            | 'ǖ'
            | 'ǘ'
            | 'ǚ'
            | 'ǜ'
            | 'ḿ'
            | 'ń'
            | 'ň'
            | 'ǹ'
    )
}

/// A combining tone mark (macron, acute, caron, grave).
fn is_combining_tone(c: char) -> bool {
    matches!(c, '\u{0300}' | '\u{0301}' | '\u{0304}' | '\u{030C}')
}

/// A character that can be part of a pinyin syllable as pasted on web pages.
fn is_pinyin_char(c: char) -> bool {
    c.is_ascii_lowercase()
        || c == 'ü'
        || c == 'ê'
        || is_toned(c)
        || is_combining_tone(c)
        || c == '\u{0308}'
}

/// Whether `s` is one lowercase pinyin syllable with exactly one tone mark.
pub fn is_toned_syllable(s: &[char]) -> bool {
    if s.is_empty() || s.len() > MAX_SYLLABLE_CHARS {
        return false;
    }
    let mut letters = 0;
    let mut tones = 0;
    for (i, &c) in s.iter().enumerate() {
        if !is_pinyin_char(c) {
            return false;
        }
        if is_combining_tone(c) || c == '\u{0308}' {
            // A combining mark must follow a letter.
            if i == 0 {
                return false;
            }
            if is_combining_tone(c) {
                tones += 1;
            }
        } else {
            letters += 1;
            if is_toned(c) {
                tones += 1;
            }
        }
    }
    tones == 1 && (1..=MAX_SYLLABLE_LETTERS).contains(&letters)
}

/// The opening bracket that pairs with `close`, as a predicate on characters.
fn opener_for(close: char) -> Option<fn(char) -> bool> {
    match close {
        ')' | '）' => Some(|c| c == '(' || c == '（'),
        ']' | '］' => Some(|c| c == '[' || c == '［'),
        '}' | '｝' => Some(|c| c == '{' || c == '｛'),
        '》' => Some(|c| c == '《'),
        '】' => Some(|c| c == '【'),
        _ => None,
    }
}

/// Whether `c` is any bracket the glosses use.
fn is_bracket(c: char) -> bool {
    matches!(
        c,
        '(' | ')'
            | '（'
            | '）'
            | '['
            | ']'
            | '［'
            | '］'
            | '{'
            | '}'
            | '｛'
            | '｝'
            | '《'
            | '》'
            | '【'
            | '】'
    )
}

/// Whether `content` (between brackets) is a labelled gloss: a label, a colon, then something.
fn is_labelled_gloss(content: &[char]) -> bool {
    if content.len() > MAX_GLOSS_CHARS {
        return false;
    }
    for label in GLOSS_LABELS {
        let n = label.chars().count();
        if content.len() < n + 2 {
            continue;
        }
        let head = &content[..n];
        let matches_label = head
            .iter()
            .zip(label.chars())
            .all(|(&a, b)| a.to_ascii_lowercase() == b);
        if !matches_label || !matches!(content[n], ':' | '：') {
            continue;
        }
        let rest = &content[n + 1..];
        return rest.iter().any(|c| !c.is_whitespace())
            && rest
                .iter()
                .all(|&c| c != '\n' && c != '\r' && !is_bracket(c));
    }
    false
}

/// Removes annotations from `chars`.
pub fn strip(chars: &[char]) -> Stripped {
    let mut out = Stripped {
        text: Vec::with_capacity(chars.len()),
        orig: Vec::with_capacity(chars.len() + 1),
        pinyin: 0,
        other: 0,
    };
    for (i, &c) in chars.iter().enumerate() {
        out.text.push(c);
        out.orig.push(i);
        if let Some(opener) = opener_for(c) {
            reduce_bracket(&mut out, c, opener);
        } else if is_han(c) {
            reduce_bare(&mut out);
        }
    }
    out
}

/// Called after a closing bracket was copied: drops a pinyin annotation or gloss ending there.
fn reduce_bracket(out: &mut Stripped, close: char, opener: fn(char) -> bool) {
    let n = out.text.len();
    // Find the nearest opening bracket of the same kind on this line, within reach.
    let lo = n.saturating_sub(MAX_GLOSS_CHARS + 2);
    let mut open = None;
    for j in (lo..n - 1).rev() {
        let c = out.text[j];
        if c == '\n' {
            break;
        }
        if opener(c) {
            open = Some(j);
            break;
        }
    }
    let Some(j) = open else { return };
    let content = &out.text[j + 1..n - 1];
    let round = matches!(close, ')' | '）');
    if round && j > 0 && is_han(out.text[j - 1]) && is_toned_syllable(content) {
        // 區(qū)
        out.pinyin += 1;
    } else if (close == '】' && is_toned_syllable(content)) || is_labelled_gloss(content) {
        // 【ér】, [繁体:園], (读:èr), {pinyin:yuán}
        out.other += 1;
    } else {
        return;
    }
    out.text.truncate(j);
    out.orig.truncate(j);
}

/// Called after a Han character was copied: drops a bare syllable and the single space between
/// a Han character and this one (`古浪làng 县` → `古浪县`).
fn reduce_bare(out: &mut Stripped) {
    let n = out.text.len();
    if n < 4 || out.text[n - 2] != ' ' {
        return;
    }
    // The syllable runs back from n - 3 to just after a Han character.
    let mut j = n - 2;
    let lo = (n - 2).saturating_sub(MAX_SYLLABLE_CHARS + 1);
    while j > lo && is_pinyin_char(out.text[j - 1]) {
        j -= 1;
    }
    if j == 0 || j == n - 2 || !is_han(out.text[j - 1]) {
        return;
    }
    if !is_toned_syllable(&out.text[j..n - 2]) {
        return;
    }
    out.text.drain(j..n - 1);
    out.orig.drain(j..n - 1);
    out.other += 1;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(s: &str) -> (String, usize, usize) {
        let chars: Vec<char> = s.chars().collect();
        let st = strip(&chars);
        assert_eq!(st.text.len(), st.orig.len());
        for (k, &o) in st.orig.iter().enumerate() {
            assert_eq!(chars[o], st.text[k]);
            if k > 0 {
                assert!(st.orig[k - 1] < o);
            }
        }
        (st.text.iter().collect(), st.pinyin, st.other)
    }

    #[test]
    fn syllables() {
        let s = |x: &str| is_toned_syllable(&x.chars().collect::<Vec<_>>());
        assert!(s("qū"));
        assert!(s("zhuàng"));
        assert!(s("lüè"));
        assert!(s("ń"));
        assert!(s("ǹg"));
        assert!(s("qu\u{0304}"));
        assert!(!s("qu"));
        assert!(!s("nws"));
        assert!(!s("Qū"));
        assert!(!s("qūqū"));
        assert!(!s("zhuàngg"));
        assert!(!s(""));
        assert!(!s("\u{0304}a"));
    }

    #[test]
    fn pinyin_both_widths() {
        assert_eq!(run("全區(qū)教育"), ("全區教育".into(), 1, 0));
        assert_eq!(run("全區（qū）教育"), ("全區教育".into(), 1, 0));
        assert_eq!(run("全區(qū）教育"), ("全區教育".into(), 1, 0));
        assert_eq!(run("發(fā)展達(dá)到"), ("發展達到".into(), 2, 0));
        assert_eq!(run("學(xué)"), ("學".into(), 1, 0));
    }

    #[test]
    fn pinyin_non_annotations_stay() {
        for s in [
            "網站(nws)首頁",
            "計劃(2017-2020年)",
            "校長(科長)",
            "你好(qu)吗",
            "1(qū)",
            "(qū)開頭",
            "區(Qū)",
            "區( qū)",
            "區(qū qū)",
            "區(xuéxiào)",
            "我們?cè)谑",
            "區(qū",
            "區\n(qū)",
        ] {
            assert_eq!(run(s).0, s, "{s}");
            assert_eq!(run(s).1, 0, "{s}");
        }
        // (读:èr) is a gloss of the other family, not pinyin.
        assert_eq!(run("二(读:èr)、"), ("二、".into(), 0, 1));
    }

    #[test]
    fn chained_annotations_are_all_removed() {
        assert_eq!(run("區(qū)(qū)域"), ("區域".into(), 2, 0));
        assert_eq!(run("园[繁体:[繁体:園]]难"), ("园[繁体:]难".into(), 0, 1));
        assert_eq!(run("古浪là[繁:浪]ng 县"), ("古浪县".into(), 0, 2));
    }

    #[test]
    fn glosses() {
        assert_eq!(run("入园[繁体:園]难"), ("入园难".into(), 0, 1));
        assert_eq!(run("入园［繁體：園］难"), ("入园难".into(), 0, 1));
        assert_eq!(run("公办(繁体:辦)幼"), ("公办幼".into(), 0, 1));
        assert_eq!(run("公办（繁体：辦）幼"), ("公办幼".into(), 0, 1));
        assert_eq!(run("公办《繁体:辦》幼"), ("公办幼".into(), 0, 1));
        assert_eq!(run("中小学(繁:學)学位"), ("中小学学位".into(), 0, 1));
        assert_eq!(run("其中{拼音:zhōng}:"), ("其中:".into(), 0, 1));
        assert_eq!(run("园{pinyin:yuán}主体"), ("园主体".into(), 0, 1));
        assert_eq!(run("园{Pinyin:yuán}主体"), ("园主体".into(), 0, 1));
        assert_eq!(run("二(读:èr)、实施"), ("二、实施".into(), 0, 1));
        assert_eq!(run("二(讀：èr)、實施"), ("二、實施".into(), 0, 1));
        assert_eq!(run("幼儿【ér】园"), ("幼儿园".into(), 0, 1));
    }

    #[test]
    fn glosses_that_stay() {
        for s in [
            "【制定机关】杭州",
            "【ér园",
            "【er】",
            "[繁体:]",
            "(繁体:園\n)",
            "《繁体字教程》",
            "(读书)",
            "(注:本表数据)",
            "(责任科室:组干科、机关党委)",
        ] {
            assert_eq!(run(s).0, s, "{s}");
        }
    }

    #[test]
    fn bare_pinyin() {
        assert_eq!(run("古浪làng 县4所"), ("古浪县4所".into(), 0, 1));
        assert_eq!(run("城chéng 关"), ("城关".into(), 0, 1));
        // Two spaces, no following Han character, no tone, or not after Han: left alone.
        for s in [
            "城chéng  关",
            "城chéng 1",
            "城cheng 关",
            "城 chéng 关",
            "城chéng关",
            "城chéng ",
        ] {
            assert_eq!(run(s).0, s, "{s}");
        }
    }

    #[test]
    fn broken_annotations_do_not_crash() {
        for s in [
            "?cè)",
            ")",
            "(",
            "區(",
            "區)",
            "【",
            "】",
            "區(qū)(",
            " 县",
            "làng 县",
            "",
        ] {
            let _ = run(s);
        }
    }
}
