//! How the scorer compares strings: markers, titles and units are folded to one form before they
//! are compared, so that width, spacing and script differences between the key and the importer
//! never count as errors. These rules belong to scoring only; the importer has its own cleaner.

use crate::clean::to_simplified;

/// Full-width ASCII to half-width (`（一）` → `(一)`, `１．` → `1.`), U+3000 to a space.
pub fn fold_width(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// Simplified script, folded width, no whitespace.
fn base(text: &str) -> String {
    to_simplified(text)
        .chars()
        .map(fold_width)
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// A marker as the scorer compares it: `（一）` and `(一)` are the same marker.
pub fn marker(text: &str) -> String {
    base(text)
}

/// A marker path as the scorer compares it.
pub fn path<S: AsRef<str>>(markers: &[S]) -> Vec<String> {
    markers.iter().map(|m| marker(m.as_ref())).collect()
}

/// A title as the scorer compares it: also without the closing punctuation, which the key leaves
/// out and an importer may keep.
pub fn title(text: &str) -> String {
    let mut t = base(text);
    while t.ends_with(['。', ':', ',', ';', '.', '、']) {
        t.pop();
    }
    t
}

/// A unit as the scorer compares it (`萬平方米` and `万平方米` are the same unit).
pub fn unit(text: &str) -> String {
    base(text).chars().map(simplify_unit_char).collect()
}

/// Traditional forms of the characters that make up units. Units are a small closed vocabulary,
/// so this table keeps unit comparison right whatever the general converter does.
fn simplify_unit_char(c: char) -> char {
    match c {
        '萬' => '万',
        '億' => '亿',
        '個' => '个',
        '項' => '项',
        '門' => '门',
        '場' => '场',
        '間' => '间',
        '張' => '张',
        '臺' | '檯' => '台',
        '輛' => '辆',
        '噸' => '吨',
        '畝' => '亩',
        '節' => '节',
        '屆' => '届',
        '隊' => '队',
        '樣' => '样',
        '條' => '条',
        '塊' => '块',
        '冊' => '册',
        '課' => '课',
        '學' => '学',
        '時' => '时',
        '級' => '级',
        '類' => '类',
        '種' => '种',
        '戶' => '户',
        '處' => '处',
        '棟' => '栋',
        '幣' => '币',
        _ => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_fold_full_width_and_spaces() {
        assert_eq!(marker("（一）"), "(一)");
        assert_eq!(marker("１．"), "1.");
        assert_eq!(marker(" 10、"), "10、");
    }

    #[test]
    fn titles_lose_spaces_and_closing_punctuation() {
        assert_eq!(title("加强 组织领导。"), "加强组织领导");
        assert_eq!(title("目标任务："), "目标任务");
        assert_eq!(title("建设中心，办好教育，"), "建设中心,办好教育");
    }

    #[test]
    fn units_compare_across_scripts() {
        assert_eq!(unit("萬平方米"), unit("万平方米"));
        assert_eq!(unit("億元"), "亿元");
        assert_eq!(unit("％"), "%");
    }
}
