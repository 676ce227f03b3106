//! Marker recognition: which character runs can open an outline node (`一、`, `（一）`, `1、`,
//! `1.`, `（1）`, `①`, `一是`, `——`, a bare `1` at a line start), and the number each stands for.
//!
//! This module only says what a marker *could* be at a position; whether it really opens a node
//! is decided by the sequence rules in the parent module.

/// The numbering family of a marker. Markers of one family form one list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Style {
    /// `一、`
    CnComma,
    /// `(一)` / `（一）`
    CnParen,
    /// `1、` `1.` `1．` and a bare `1` before the text: one family, since documents mix them.
    Digit,
    /// `(1)` / `（1）`
    DigitParen,
    /// `①`
    Circled,
    /// `一是`
    CnShi,
    /// `——`
    Dash,
}

impl Style {
    /// Conventional depth of the family in Chinese official documents: 一、 > （一） > 1. > （1） > ①.
    pub fn rank(self) -> u8 {
        match self {
            Style::CnComma => 0,
            Style::CnParen => 1,
            Style::Digit => 2,
            Style::DigitParen => 3,
            Style::Circled => 4,
            Style::CnShi | Style::Dash => 5,
        }
    }
}

/// A possible marker at a position of the normalised text.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// Family.
    pub style: Style,
    /// The number it stands for (1 for `——`).
    pub ordinal: u32,
    /// Cleaned index of the first char of the marker.
    pub start: usize,
    /// Cleaned index just after the marker.
    pub end: usize,
    /// True for a bare digit without punctuation (`1落实`): weaker evidence.
    pub bare: bool,
}

/// Value of a Chinese numeral digit.
pub fn cn_digit(c: char) -> Option<u32> {
    Some(match c {
        '〇' | '零' => 0,
        '一' => 1,
        '二' | '两' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

/// Parses a Chinese numeral of up to 99 (`十`, `十二`, `二十`, `二十三`) at `i`; returns the value
/// and the index after it.
pub fn parse_cn_number(s: &[char], i: usize) -> Option<(u32, usize)> {
    let c0 = *s.get(i)?;
    if c0 == '十' {
        if let Some(d) = s.get(i + 1).and_then(|&c| cn_digit(c)).filter(|&d| d > 0) {
            return Some((10 + d, i + 2));
        }
        return Some((10, i + 1));
    }
    let d0 = cn_digit(c0).filter(|&d| d > 0)?;
    if c0 == '两' {
        return None;
    }
    if s.get(i + 1) == Some(&'十') {
        if let Some(d1) = s.get(i + 2).and_then(|&c| cn_digit(c)).filter(|&d| d > 0) {
            return Some((d0 * 10 + d1, i + 3));
        }
        return Some((d0 * 10, i + 2));
    }
    Some((d0, i + 1))
}

fn parse_digits(s: &[char], i: usize) -> Option<(u32, usize)> {
    let mut j = i;
    let mut v: u32 = 0;
    while let Some(c) = s.get(j).filter(|c| c.is_ascii_digit()) {
        v = v
            .saturating_mul(10)
            .saturating_add(c.to_digit(10).unwrap_or(0));
        j += 1;
        if j - i > 3 {
            return None;
        }
    }
    (j > i).then_some((v, j))
}

/// True for CJK ideographs.
pub fn is_han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{3FFFF}')
}

/// Measure words and time words that turn a leading number into a quantity or a date.
fn is_quantity_char(c: char) -> bool {
    "年月日号个名所万亿元岁届次期批项条米级周天时分秒倍人间座家套台辆件篇部本册场支亩千百"
        .contains(c)
}

/// Chars that may directly follow a marker.
fn can_follow_marker(c: Option<char>) -> bool {
    match c {
        None => false,
        Some(c) => !matches!(
            c,
            ',' | '，' | '、' | '。' | ';' | '；' | ')' | '）' | '\n' | '\r' | '-' | '~' | '%'
        ),
    }
}

/// The marker candidate starting at `i` of the normalised text, if any.
pub fn candidate_at(s: &[char], i: usize) -> Option<Candidate> {
    let c = *s.get(i)?;
    let cand = |style, ordinal, end, bare| Candidate {
        style,
        ordinal,
        start: i,
        end,
        bare,
    };
    match c {
        '(' => {
            if let Some((n, j)) = parse_cn_number(s, i + 1)
                && s.get(j) == Some(&')')
                && can_follow_marker(s.get(j + 1).copied())
            {
                return Some(cand(Style::CnParen, n, j + 1, false));
            }
            if let Some((n, j)) = parse_digits(s, i + 1)
                && s.get(j) == Some(&')')
                && n > 0
                && can_follow_marker(s.get(j + 1).copied())
            {
                return Some(cand(Style::DigitParen, n, j + 1, false));
            }
            None
        }
        '①'..='⑳' => {
            let n = c as u32 - '①' as u32 + 1;
            can_follow_marker(s.get(i + 1).copied()).then(|| cand(Style::Circled, n, i + 1, false))
        }
        '—' => {
            if s.get(i + 1) == Some(&'—') && s.get(i + 2) != Some(&'—') {
                let next = s.get(i + 2).copied();
                if can_follow_marker(next) && next != Some(' ') || next == Some(' ') {
                    return Some(cand(Style::Dash, 1, i + 2, false));
                }
            }
            None
        }
        '0'..='9' => {
            let (n, j) = parse_digits(s, i)?;
            if n == 0 || n > 200 {
                return None;
            }
            let next = s.get(j).copied();
            match next {
                Some('、') => {
                    let after = s.get(j + 1).copied();
                    if after.is_some_and(|a| a.is_ascii_digit() || a == '月' || a == '日')
                        || !can_follow_marker(after)
                    {
                        return None;
                    }
                    Some(cand(Style::Digit, n, j + 1, false))
                }
                Some('.') => {
                    let after = s.get(j + 1).copied();
                    if after.is_some_and(|a| a.is_ascii_digit()) || !can_follow_marker(after) {
                        return None;
                    }
                    // `1.` followed by a space then digits is a decimal broken by PDF spacing.
                    Some(cand(Style::Digit, n, j + 1, false))
                }
                // `1)完善` / `1）完善`: a half bracket, read like `(1)`.
                Some(')') if n <= 60 && can_follow_marker(s.get(j + 1).copied()) => {
                    Some(cand(Style::DigitParen, n, j + 1, false))
                }
                Some(a) if is_han(a) && !is_quantity_char(a) && n <= 60 => {
                    Some(cand(Style::Digit, n, j, true))
                }
                _ => None,
            }
        }
        _ => {
            let (n, j) = parse_cn_number(s, i)?;
            match s.get(j) {
                Some('、') if can_follow_marker(s.get(j + 1).copied()) => {
                    Some(cand(Style::CnComma, n, j + 1, false))
                }
                // `一.指导思想` / `一．`: the same family, typed with a dot.
                Some('.') if s.get(j + 1).is_some_and(|&c| is_han(c)) => {
                    Some(cand(Style::CnComma, n, j + 1, false))
                }
                Some('是') if n <= 20 => {
                    let after = s.get(j + 1).copied();
                    // `一是一` / `一是要` are fine; `一是指` defines rather than enumerates.
                    if after.is_some_and(|a| is_han(a) || a == '“') && after != Some('指') {
                        Some(cand(Style::CnShi, n, j + 1, false))
                    } else {
                        None
                    }
                }
                _ => None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Option<(Style, u32, usize)> {
        let v: Vec<char> = s.chars().collect();
        candidate_at(&v, 0).map(|c| (c.style, c.ordinal, c.end))
    }

    #[test]
    fn chinese_numerals_parse_up_to_ninety_nine() {
        let v: Vec<char> = "十二、".chars().collect();
        assert_eq!(parse_cn_number(&v, 0), Some((12, 2)));
        let v: Vec<char> = "二十三".chars().collect();
        assert_eq!(parse_cn_number(&v, 0), Some((23, 3)));
        let v: Vec<char> = "二十、".chars().collect();
        assert_eq!(parse_cn_number(&v, 0), Some((20, 2)));
    }

    #[test]
    fn markers_of_every_family_are_recognised() {
        assert_eq!(at("一、指导思想"), Some((Style::CnComma, 1, 2)));
        assert_eq!(at("(三)加强"), Some((Style::CnParen, 3, 3)));
        assert_eq!(at("10、实施"), Some((Style::Digit, 10, 3)));
        assert_eq!(at("2.新建"), Some((Style::Digit, 2, 2)));
        assert_eq!(at("(1)完善"), Some((Style::DigitParen, 1, 3)));
        assert_eq!(at("③推进"), Some((Style::Circled, 3, 1)));
        assert_eq!(at("二是大力"), Some((Style::CnShi, 2, 2)));
        assert_eq!(at("——加强"), Some((Style::Dash, 1, 2)));
        assert_eq!(at("一.指导思想"), Some((Style::CnComma, 1, 2)));
        assert_eq!(at("2)完善"), Some((Style::DigitParen, 2, 2)));
        assert_eq!(at("1落实完善"), Some((Style::Digit, 1, 1)));
    }

    #[test]
    fn false_markers_are_refused() {
        assert_eq!(at("3、4月份"), None);
        assert_eq!(at("1.9万平方米"), None);
        assert_eq!(at("2007年,全市"), None);
        assert_eq!(at("2024327"), None);
        assert_eq!(at("(2017-2020年)"), None);
        assert_eq!(at("3-6岁"), None);
        assert_eq!(at("5所新建"), None);
        assert_eq!(at("一是指"), None);
    }
}
