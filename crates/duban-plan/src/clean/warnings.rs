//! Warnings about damage that cannot be removed by rule: advertising words spliced into the text
//! (`华藏澳门新葡京寺村`) and mis-decoded text (`?。ㄒ唬┛傮w`, U+FFFD, `锟斤拷`).

use super::annotations::is_toned_syllable;
use super::script::is_han;

/// Gambling-site words that re-publishing sites splice into texts (simplified, as in `norm`).
/// Longer words first, so that the longest match at a position is reported.
const SPAM_WORDS: &[&str] = &[
    "澳门新葡京",
    "澳门威尼斯人",
    "威尼斯人娱乐",
    "澳门金沙",
    "金沙娱乐",
    "金沙赌场",
    "澳门银河",
    "银河娱乐",
    "澳门赌场",
    "网上赌场",
    "永利皇宫",
    "皇冠体育",
    "真人娱乐",
    "新葡京",
    "葡京娱乐",
    "博彩",
    "百家乐",
    "时时彩",
    "六合彩",
    "娱乐城",
    "太阳城",
];

/// How many distinct spam words to quote in the warning.
const MAX_QUOTED: usize = 5;

/// The spam words found in `norm`, distinct, in order of first occurrence.
pub fn spam_words(norm: &[char]) -> Vec<&'static str> {
    let words: Vec<(&'static str, Vec<char>)> = SPAM_WORDS
        .iter()
        .map(|w| (*w, w.chars().collect()))
        .collect();
    let firsts: Vec<char> = words
        .iter()
        .filter_map(|(_, w)| w.first().copied())
        .collect();
    let mut found: Vec<&'static str> = Vec::new();
    let mut i = 0;
    while i < norm.len() {
        if firsts.contains(&norm[i])
            && let Some((word, w)) = words.iter().find(|(_, w)| norm[i..].starts_with(w))
        {
            if !found.contains(word) {
                found.push(word);
            }
            i += w.len();
            continue;
        }
        i += 1;
    }
    found
}

/// The warning for spliced advertising words, if any.
pub fn spam_warning(norm: &[char]) -> Option<String> {
    let found = spam_words(norm);
    if found.is_empty() {
        return None;
    }
    let quoted: Vec<&str> = found.iter().take(MAX_QUOTED).copied().collect();
    Some(format!(
        "文中夹杂疑似广告文字（{}），请核对",
        quoted.join("、")
    ))
}

/// Bopomofo, which mainland pages never use; GBK text decoded one byte off produces it.
fn is_bopomofo(c: char) -> bool {
    matches!(c as u32, 0x3105..=0x312F | 0x31A0..=0x31BF)
}

/// Han, CJK punctuation or full-width forms: the neighbours of mis-decoded bopomofo.
fn is_cjk_context(c: char) -> bool {
    is_han(c) || matches!(c as u32, 0x3000..=0x303F | 0xFF00..=0xFFEF)
}

/// Box-drawing corners and junctions (not the straight lines that draw tables).
fn is_box_junction(c: char) -> bool {
    matches!(c as u32, 0x250C..=0x254B | 0x2552..=0x257F)
}

/// Latin-1 letters that start a UTF-8 sequence read as Latin-1 / Windows-1252 (`ä¸­`).
fn is_mojibake_lead(c: char) -> bool {
    matches!(c as u32, 0xC2..=0xEF)
}

/// Continuation characters of UTF-8 read as Latin-1 / Windows-1252.
fn is_mojibake_cont(c: char) -> bool {
    matches!(c as u32, 0x80..=0xBF)
        || matches!(
            c,
            '€' | '‚' | 'ƒ' | '„' | '…' | '†' | '‡' | 'ˆ' | '‰' | 'Š' | '‹' | 'Œ' | 'Ž'
        )
        || matches!(
            c,
            '‘' | '’'
                | '“'
                | '”'
                | '•'
                | '–'
                | '—'
                | '˜'
                | '™'
                | 'š'
                | '›'
                | 'œ'
                | 'ž'
                | 'Ÿ'
        )
}

/// Where mis-decoded text seems to be, with a score: the warning is given for a score of 2 or
/// more, or for any sure sign (U+FFFD, `锟斤拷`).
fn mojibake(text: &[char]) -> Option<usize> {
    let mut score = 0usize;
    let mut first: Option<usize> = None;
    let mut latin = 0usize;
    let mut latin_first = None;
    let han = |k: Option<&char>| k.is_some_and(|&c| is_han(c));
    for (i, &c) in text.iter().enumerate() {
        let prev = i.checked_sub(1).and_then(|p| text.get(p));
        let next = text.get(i + 1);
        let mut hit = 0;
        if c == '\u{FFFD}' {
            return Some(i);
        }
        if c == '锟' && text.get(i + 1) == Some(&'斤') && text.get(i + 2) == Some(&'拷') {
            return Some(i);
        }
        if is_bopomofo(c)
            && (prev.is_some_and(|&p| is_cjk_context(p))
                || next.is_some_and(|&n| is_cjk_context(n)))
        {
            hit = 2;
        } else if is_box_junction(c) && han(prev) && han(next) {
            hit = 1;
        } else if matches!(c as u32, 0x2474..=0x2487) && han(prev) && han(next) {
            // ⑴…⒇ inside a word.
            hit = 1;
        } else if matches!(c as u32, 0xE000..=0xF8FF) && (han(prev) || han(next)) {
            // Private-use code points next to Han characters.
            hit = 1;
        } else if c == '?' && han(prev) {
            // `我們?cè)` : a broken pinyin annotation whose bracket was eaten by the decoder.
            let k = text[i + 1..]
                .iter()
                .take(11)
                .position(|&x| x == ')' || x == '）');
            if let Some(k) = k
                && k > 0
                && is_toned_syllable(&text[i + 1..i + 1 + k])
            {
                hit = 2;
            } else if han(next) {
                hit = 1;
            }
        } else if is_mojibake_lead(c) && next.is_some_and(|&n| is_mojibake_cont(n)) {
            latin += 1;
            latin_first.get_or_insert(i);
        }
        if hit > 0 {
            score += hit;
            first.get_or_insert(i);
        }
    }
    if latin >= 3 {
        score += 2;
        if first.is_none() {
            first = latin_first;
        }
    }
    if score >= 2 { first } else { None }
}

/// The warning for mis-decoded text, if any, quoting a few characters around the first sign.
pub fn mojibake_warning(text: &[char]) -> Option<String> {
    let at = mojibake(text)?;
    let lo = at.saturating_sub(4);
    let hi = (at + 6).min(text.len());
    let sample: String = text[lo..hi]
        .iter()
        .map(|&c| if c == '\n' { ' ' } else { c })
        .collect();
    Some(format!(
        "部分文字疑似乱码（如“{}”），可能是编码识别有误或原网页已损坏，请核对原文",
        sample.trim()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn spam() {
        let w = spam_warning(&chars(
            "华藏澳门新葡京寺村幼儿园,交澳门金沙付使用,再次澳门新葡京",
        ))
        .unwrap_or_default();
        assert_eq!(w, "文中夹杂疑似广告文字（澳门新葡京、澳门金沙），请核对");
        assert!(spam_warning(&chars("加强体育彩票公益金使用管理,远离网络赌博")).is_none());
        assert_eq!(spam_words(&chars("博彩")), vec!["博彩"]);
        assert!(spam_words(&chars("")).is_empty());
    }

    #[test]
    fn mojibake_signs() {
        assert!(mojibake_warning(&chars("?。ㄒ唬┛傮w目標")).is_some());
        assert!(mojibake_warning(&chars("我們?cè)谑 ⑹薪逃")).is_some());
        assert!(mojibake_warning(&chars("学校\u{FFFD}管理")).is_some());
        assert!(mojibake_warning(&chars("锟斤拷")).is_some());
        assert!(mojibake_warning(&chars("ä¸\u{AD}æ–‡æµ‹è¯•")).is_some());
    }

    #[test]
    fn clean_text_has_no_mojibake_warning() {
        for s in [
            "武威2021年新建哪些学校?一、目标任务",
            "武威2021年新建哪些学校?\n一、目标任务",
            "│学校│名称│\n├──┼──┤",
            "⑴加强管理",
            "二(读:èr)、实施步骤",
            "Café résumé",
            "",
        ] {
            assert!(mojibake_warning(&chars(s)).is_none(), "{s}");
        }
    }
}
