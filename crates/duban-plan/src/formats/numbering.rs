//! Word automatic numbering: the markers (`一、` `（一）` `1.` `①` …) that Word draws in front of
//! a paragraph but does not store in its text.
//!
//! Owns the reading of `word/numbering.xml` (abstract definitions, levels, instances with their
//! start overrides) and of the numbering parts of `word/styles.xml` (paragraph styles that carry
//! a list, numbering styles that an abstract definition links to), the counters, and the number
//! formats. The importer's outline stage recognises section numbers in text, so a .docx whose
//! sections are numbered automatically must get its markers back here, counted as Word counts
//! them. Counters are kept per numbering instance (`w:num`) and level; a level restarts when a
//! shallower one advances (or as `w:lvlRestart` says); `w:start` and `w:startOverride` set the
//! first value.

use std::collections::HashMap;

use crate::ImportError;

use super::xml::{self, Node};

/// Word has nine list levels (0–8).
const LEVELS: usize = 9;

/// One level of an abstract numbering definition.
#[derive(Debug, Clone, Default)]
struct Level {
    start: Option<u32>,
    format: Option<String>,
    text: Option<String>,
    legal: bool,
    restart: Option<u32>,
    style: Option<String>,
}

#[derive(Debug, Clone, Default)]
struct AbstractNum {
    levels: [Option<Level>; LEVELS],
    /// The definition lives in the numbering style of this name.
    num_style_link: Option<String>,
}

#[derive(Debug, Clone, Default)]
struct LevelOverride {
    start: Option<u32>,
    level: Option<Level>,
}

#[derive(Debug, Clone, Default)]
struct Num {
    abstract_id: Option<u32>,
    overrides: [Option<LevelOverride>; LEVELS],
}

#[derive(Debug, Clone, Default)]
struct Style {
    based_on: Option<String>,
    num_id: Option<u32>,
    level: Option<u8>,
}

/// The numbering definitions, the styles that refer to them, and the running counters.
#[derive(Debug, Default)]
pub(crate) struct Numbering {
    abstracts: HashMap<u32, AbstractNum>,
    nums: HashMap<u32, Num>,
    styles: HashMap<String, Style>,
    default_style: Option<String>,
    counters: HashMap<u32, [Option<u32>; LEVELS]>,
}

/// A paragraph's own numbering properties (`w:pPr/w:numPr`) and style.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ParaNumbering {
    /// `w:numId` (0 = numbering explicitly removed).
    pub num_id: Option<u32>,
    /// `w:ilvl`.
    pub level: Option<u8>,
    /// `w:pStyle`.
    pub style: Option<String>,
}

impl Numbering {
    /// Reads the numbering and styles parts (either may be absent).
    pub(crate) fn parse(
        numbering: Option<&[u8]>,
        styles: Option<&[u8]>,
    ) -> Result<Self, ImportError> {
        let mut this = Numbering::default();
        if let Some(bytes) = numbering {
            this.parse_numbering(bytes)?;
        }
        if let Some(bytes) = styles {
            this.parse_styles(bytes)?;
        }
        Ok(this)
    }

    fn parse_numbering(&mut self, bytes: &[u8]) -> Result<(), ImportError> {
        let mut stack: Vec<Vec<u8>> = Vec::new();
        let mut abstract_num: Option<(u32, AbstractNum)> = None;
        let mut num: Option<(u32, Num)> = None;
        let mut override_level: Option<(usize, LevelOverride)> = None;
        let mut level: Option<(usize, Level)> = None;
        let mut finished_abstracts = Vec::new();
        let mut finished_nums = Vec::new();
        xml::walk(bytes, "word/numbering.xml", "docx", |node| match node {
            Node::Open { local, element } => {
                match local {
                    b"abstractNum" => {
                        abstract_num = xml::attr_u32(element, b"abstractNumId")
                            .map(|id| (id, AbstractNum::default()));
                    }
                    b"num" => {
                        num = xml::attr_u32(element, b"numId").map(|id| (id, Num::default()));
                    }
                    b"lvlOverride" => {
                        override_level =
                            level_index(element).map(|i| (i, LevelOverride::default()));
                    }
                    b"lvl" => level = level_index(element).map(|i| (i, Level::default())),
                    _ => {}
                }
                if let Some((_, lvl)) = level.as_mut() {
                    match local {
                        b"start" => lvl.start = xml::attr_u32(element, b"val"),
                        // Word 2010 writes `custom` formats in an mc:Choice followed by a
                        // standard fallback; the fallback is the one we can draw.
                        b"numFmt" => match xml::attr(element, b"val") {
                            Some(f) if f != "custom" => lvl.format = Some(f),
                            _ => {}
                        },
                        b"lvlText" => lvl.text = xml::attr(element, b"val"),
                        b"isLgl" => lvl.legal = xml::on_off(element),
                        b"lvlRestart" => lvl.restart = xml::attr_u32(element, b"val"),
                        b"pStyle" => lvl.style = xml::attr(element, b"val"),
                        _ => {}
                    }
                } else if local == b"abstractNumId"
                    && let Some((_, n)) = num.as_mut()
                {
                    n.abstract_id = xml::attr_u32(element, b"val");
                } else if local == b"startOverride"
                    && let Some((_, o)) = override_level.as_mut()
                {
                    o.start = xml::attr_u32(element, b"val");
                } else if local == b"numStyleLink"
                    && let Some((_, a)) = abstract_num.as_mut()
                {
                    a.num_style_link = xml::attr(element, b"val");
                }
                stack.push(local.to_vec());
            }
            Node::Close => match stack.pop().as_deref() {
                Some(b"lvl") => {
                    if let Some((i, lvl)) = level.take() {
                        if let Some((_, o)) = override_level.as_mut() {
                            o.level = Some(lvl);
                        } else if let Some((_, a)) = abstract_num.as_mut() {
                            a.levels[i] = Some(lvl);
                        }
                    }
                }
                Some(b"lvlOverride") => {
                    if let (Some((i, o)), Some((_, n))) = (override_level.take(), num.as_mut()) {
                        n.overrides[i] = Some(o);
                    }
                }
                Some(b"abstractNum") => finished_abstracts.extend(abstract_num.take()),
                Some(b"num") => finished_nums.extend(num.take()),
                _ => {}
            },
            Node::Text(_) => {}
        })?;
        self.abstracts.extend(finished_abstracts);
        self.nums.extend(finished_nums);
        Ok(())
    }

    fn parse_styles(&mut self, bytes: &[u8]) -> Result<(), ImportError> {
        let mut depth = 0usize;
        let mut current: Option<(usize, String, Style)> = None;
        let mut finished = Vec::new();
        let mut default_style = None;
        xml::walk(bytes, "word/styles.xml", "docx", |node| match node {
            Node::Open { local, element } => {
                depth += 1;
                if local == b"style" {
                    let kind = xml::attr(element, b"type");
                    if let Some(id) = xml::attr(element, b"styleId") {
                        if kind.as_deref() == Some("paragraph")
                            && xml::attr(element, b"default")
                                .as_deref()
                                .is_some_and(|d| d == "1" || d == "true")
                        {
                            default_style = Some(id.clone());
                        }
                        current = Some((depth, id, Style::default()));
                    }
                } else if let Some((_, _, style)) = current.as_mut() {
                    match local {
                        b"basedOn" => style.based_on = xml::attr(element, b"val"),
                        b"numId" => style.num_id = xml::attr_u32(element, b"val"),
                        b"ilvl" => {
                            style.level =
                                xml::attr_u32(element, b"val").and_then(|v| u8::try_from(v).ok());
                        }
                        _ => {}
                    }
                }
            }
            Node::Close => {
                if current.as_ref().is_some_and(|(d, _, _)| *d == depth) {
                    finished.extend(current.take().map(|(_, id, style)| (id, style)));
                }
                depth = depth.saturating_sub(1);
            }
            Node::Text(_) => {}
        })?;
        self.styles.extend(finished);
        self.default_style = default_style;
        Ok(())
    }

    /// Advances the counters for a paragraph and returns its marker (with the space that
    /// separates it from the text when one is needed), or `None` for an unnumbered paragraph.
    pub(crate) fn marker(&mut self, para: &ParaNumbering) -> Option<String> {
        let style_id = para.style.clone().or_else(|| self.default_style.clone());
        let (style_num, style_level) = self.style_numbering(style_id.as_deref());
        let num_id = para.num_id.or(style_num)?;
        if num_id == 0 {
            return None;
        }
        let (num, abstract_num) = self.definition(num_id)?;
        let level = para
            .level
            .or(style_level)
            .or_else(|| {
                let id = style_id.as_deref()?;
                let i = abstract_num
                    .levels
                    .iter()
                    .position(|l| l.as_ref().and_then(|l| l.style.as_deref()) == Some(id))?;
                u8::try_from(i).ok()
            })
            .unwrap_or(0);
        let level = usize::from(level);
        if level >= LEVELS {
            return None;
        }
        let levels: [Option<Level>; LEVELS] = std::array::from_fn(|i| {
            num.overrides[i]
                .as_ref()
                .and_then(|o| o.level.clone())
                .or_else(|| abstract_num.levels[i].clone())
        });
        let starts: [u32; LEVELS] = std::array::from_fn(|i| {
            num.overrides[i]
                .as_ref()
                .and_then(|o| o.start)
                .or_else(|| levels[i].as_ref().and_then(|l| l.start))
                .unwrap_or(1)
        });
        let def = levels[level].clone()?;

        let counters = self.counters.entry(num_id).or_insert([None; LEVELS]);
        counters[level] = Some(match counters[level] {
            Some(v) => v.saturating_add(1),
            None => starts[level],
        });
        for (deeper, counter) in counters.iter_mut().enumerate().skip(level + 1) {
            let restarts = match levels[deeper].as_ref().and_then(|l| l.restart) {
                None => true,
                Some(0) => false,
                Some(after) => (level as u32) < after,
            };
            if restarts {
                *counter = None;
            }
        }
        let values: [u32; LEVELS] = std::array::from_fn(|i| counters[i].unwrap_or(starts[i]));

        let format = def.format.as_deref().unwrap_or("decimal");
        if format == "bullet" {
            return Some(bullet(def.text.as_deref().unwrap_or("")));
        }
        let template = def.text.unwrap_or_else(|| format!("%{}.", level + 1));
        let mut marker = String::new();
        let mut chars = template.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '%'
                && let Some(d) = chars.peek().and_then(|d| d.to_digit(10))
                && (1..=9).contains(&d)
            {
                chars.next();
                let i = d as usize - 1;
                let fmt = if def.legal {
                    "decimal"
                } else {
                    levels[i]
                        .as_ref()
                        .and_then(|l| l.format.as_deref())
                        .unwrap_or("decimal")
                };
                marker.push_str(&format_number(values[i], fmt));
            } else {
                marker.push(c);
            }
        }
        if marker.trim().is_empty() {
            return None;
        }
        // `第一章` / `1` need a space before the text; `一、` `（一）` `1.` do not.
        if marker.chars().last().is_some_and(char::is_alphanumeric) {
            marker.push(' ');
        }
        Some(marker)
    }

    /// The numbering a paragraph style carries, following `w:basedOn`.
    fn style_numbering(&self, style_id: Option<&str>) -> (Option<u32>, Option<u8>) {
        let (mut num_id, mut level) = (None, None);
        let mut id = style_id.map(str::to_string);
        for _ in 0..16 {
            let Some(style) = id.as_deref().and_then(|i| self.styles.get(i)) else {
                break;
            };
            num_id = num_id.or(style.num_id);
            level = level.or(style.level);
            id = style.based_on.clone();
        }
        (num_id, level)
    }

    /// The instance and its abstract definition, following a `w:numStyleLink` once.
    fn definition(&self, num_id: u32) -> Option<(Num, AbstractNum)> {
        let num = self.nums.get(&num_id)?;
        let abstract_num = self.abstracts.get(&num.abstract_id?)?;
        if abstract_num.levels.iter().all(Option::is_none)
            && let Some(link) = &abstract_num.num_style_link
        {
            let linked = self.styles.get(link)?.num_id?;
            let linked_num = self.nums.get(&linked)?;
            let linked_abstract = self.abstracts.get(&linked_num.abstract_id?)?;
            return Some((num.clone(), linked_abstract.clone()));
        }
        Some((num.clone(), abstract_num.clone()))
    }
}

fn level_index(element: &quick_xml::events::BytesStart<'_>) -> Option<usize> {
    xml::attr_u32(element, b"ilvl")
        .and_then(|i| usize::try_from(i).ok())
        .filter(|&i| i < LEVELS)
}

/// A bullet: `—— ` when Word draws a dash, `• ` for every other symbol (Symbol/Wingdings
/// glyphs are private-use characters that mean nothing outside their font).
fn bullet(text: &str) -> String {
    let text = text.trim();
    if !text.is_empty()
        && text
            .chars()
            .all(|c| matches!(c, '-' | '‐' | '‒' | '–' | '—' | '―' | '－' | '⁃' | '─'))
    {
        "—— ".to_string()
    } else {
        "• ".to_string()
    }
}

const DIGITS: [char; 10] = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/// Renders `n` in a Word number format (`w:numFmt`); unknown formats and values a format
/// cannot show fall back to decimal, as Word does.
pub(crate) fn format_number(n: u32, format: &str) -> String {
    let from = |base: u32, count: u32| {
        (1..=count)
            .contains(&n)
            .then(|| char::from_u32(base + n - 1))
            .flatten()
            .map(String::from)
    };
    let rendered = match format {
        "decimalZero" => Some(format!("{n:02}")),
        "decimalFullWidth" | "decimalFullWidth2" => Some(
            n.to_string()
                .chars()
                .filter_map(|d| char::from_u32(u32::from(d) - u32::from('0') + 0xFF10))
                .collect(),
        ),
        "chineseCounting"
        | "chineseCountingThousand"
        | "taiwaneseCounting"
        | "taiwaneseCountingThousand"
        | "japaneseCounting" => chinese(n, &DIGITS, ['十', '百', '千'], '〇'),
        "chineseLegalSimplified" => chinese(
            n,
            &['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'],
            ['拾', '佰', '仟'],
            '零',
        )
        .map(|s| {
            if (10..20).contains(&n) {
                format!("壹{s}")
            } else {
                s
            }
        }),
        "ideographLegalTraditional" => chinese(
            n,
            &['零', '壹', '貳', '參', '肆', '伍', '陸', '柒', '捌', '玖'],
            ['拾', '佰', '仟'],
            '零',
        )
        .map(|s| {
            if (10..20).contains(&n) {
                format!("壹{s}")
            } else {
                s
            }
        }),
        "ideographDigital" | "taiwaneseDigital" | "japaneseDigitalTenThousand" => Some(
            n.to_string()
                .chars()
                .filter_map(|d| d.to_digit(10).map(|d| DIGITS[d as usize]))
                .collect(),
        ),
        "ideographTraditional" => nth(n, "甲乙丙丁戊己庚辛壬癸"),
        "ideographZodiac" => nth(n, "子丑寅卯辰巳午未申酉戌亥"),
        "decimalEnclosedCircle" | "decimalEnclosedCircleChinese" => from(0x2460, 20),
        "decimalEnclosedParen" => from(0x2474, 20),
        "decimalEnclosedFullstop" => from(0x2488, 20),
        "ideographEnclosedCircle" => from(0x3280, 10),
        "lowerLetter" => letters(n, b'a'),
        "upperLetter" => letters(n, b'A'),
        "lowerRoman" => roman(n).map(|r| r.to_lowercase()),
        "upperRoman" => roman(n),
        "none" => Some(String::new()),
        _ => None,
    };
    rendered.unwrap_or_else(|| n.to_string())
}

/// Chinese counting: 一 … 十, 十一, 二十一, 一百零一, 一百一十, 一千零一十 (up to 9999); `zero` is
/// the numeral for 0 itself (a zero inside a number is always 零).
fn chinese(n: u32, digits: &[char; 10], units: [char; 3], zero: char) -> Option<String> {
    if n == 0 {
        return Some(zero.to_string());
    }
    if n >= 10_000 {
        return None;
    }
    if (10..20).contains(&n) {
        let mut s = units[0].to_string();
        if n > 10 {
            s.push(digits[(n - 10) as usize]);
        }
        return Some(s);
    }
    let parts = [
        (n / 1000, Some(units[2])),
        (n / 100 % 10, Some(units[1])),
        (n / 10 % 10, Some(units[0])),
        (n % 10, None),
    ];
    let mut s = String::new();
    let mut zero_pending = false;
    for (digit, unit) in parts {
        if digit == 0 {
            zero_pending = !s.is_empty();
            continue;
        }
        if zero_pending {
            s.push('零');
            zero_pending = false;
        }
        s.push(digits[digit as usize]);
        s.extend(unit);
    }
    Some(s)
}

fn nth(n: u32, symbols: &str) -> Option<String> {
    let index = usize::try_from(n.checked_sub(1)?).ok()?;
    symbols.chars().nth(index).map(String::from)
}

/// Word's letter numbering: a … z, aa … zz, aaa …
fn letters(n: u32, base: u8) -> Option<String> {
    let index = n.checked_sub(1)?;
    let letter = char::from(base + (index % 26) as u8);
    let repeat = (index / 26 + 1).min(100) as usize;
    Some(std::iter::repeat_n(letter, repeat).collect())
}

fn roman(n: u32) -> Option<String> {
    if n == 0 || n >= 4000 {
        return None;
    }
    const TABLE: [(u32, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut rest = n;
    let mut s = String::new();
    for (value, symbol) in TABLE {
        while rest >= value {
            s.push_str(symbol);
            rest -= value;
        }
    }
    Some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_counting_up_to_the_hundreds() {
        let cases = [
            (1, "一"),
            (9, "九"),
            (10, "十"),
            (11, "十一"),
            (20, "二十"),
            (21, "二十一"),
            (99, "九十九"),
            (100, "一百"),
            (101, "一百零一"),
            (110, "一百一十"),
            (1010, "一千零一十"),
        ];
        for (n, expected) in cases {
            assert_eq!(format_number(n, "chineseCounting"), expected, "{n}");
        }
    }

    #[test]
    fn other_formats() {
        assert_eq!(format_number(3, "ideographTraditional"), "丙");
        assert_eq!(format_number(11, "ideographTraditional"), "11");
        assert_eq!(format_number(3, "decimalEnclosedCircle"), "③");
        assert_eq!(format_number(21, "decimalEnclosedCircle"), "21");
        assert_eq!(format_number(28, "lowerLetter"), "bb");
        assert_eq!(format_number(14, "upperRoman"), "XIV");
        assert_eq!(format_number(12, "chineseLegalSimplified"), "壹拾贰");
        assert_eq!(format_number(12, "decimalFullWidth"), "１２");
        assert_eq!(format_number(7, "decimalZero"), "07");
    }

    #[test]
    fn bullets() {
        assert_eq!(bullet("—"), "—— ");
        assert_eq!(bullet("\u{f0b7}"), "• ");
        assert_eq!(bullet("●"), "• ");
    }
}
