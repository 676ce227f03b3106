//! Units after a number: measure words, areas, money, rates; with 万/亿 normalised.

/// True when `/` at `i` opens a per-population unit (`10/10万`, `3/1000`).
pub fn is_per_population(norm: &[char], i: usize) -> bool {
    norm.get(i) == Some(&'/') && norm.get(i + 1).is_some_and(|c| c.is_ascii_digit())
}

/// Units, longest first so `万平方米` wins over `万`.
const UNITS: [&str; 69] = [
    "个百分点",
    "万平方米",
    "平方公里",
    "平方米",
    "项次",
    "公顷",
    "千瓦",
    "台套",
    "片",
    "吨",
    "所次",
    "场次",
    "班次",
    "学分",
    "万元",
    "亿元",
    "万人次",
    "人次",
    "万人",
    "万册",
    "公里",
    "千米",
    "学时",
    "课时",
    "小时",
    "%",
    "‰",
    "所",
    "名",
    "个",
    "人",
    "条",
    "项",
    "次",
    "台",
    "套",
    "间",
    "座",
    "家",
    "处",
    "栋",
    "亩",
    "米",
    "元",
    "万",
    "亿",
    "天",
    "册",
    "张",
    "班",
    "场",
    "支",
    "件",
    "部",
    "本",
    "篇",
    "门",
    "节",
    "批",
    "户",
    "位",
    "床",
    "辆",
    "块",
    "分",
    "倍",
    "届",
    "期",
    "园",
];

/// Units that make the number a time, date or age rather than a quantity.
const NOT_QUANTITY: [&str; 8] = ["年", "月", "日", "号", "岁", "时", "周", "届"];

/// The unit after the number at `i` (`""` when none), its length in chars, and the magnitude
/// normalisation when the unit carries 万/亿.
pub fn unit_after(
    norm: &[char],
    i: usize,
    end: usize,
) -> (String, usize, Option<(f64, &'static str)>) {
    let mut j = i;
    while j < end && norm[j] == ' ' {
        j += 1;
    }
    let spaces = j - i;
    // `10/10万`: a rate per population.
    if is_per_population(norm, j) {
        let mut k = j + 1;
        while k < end && norm[k].is_ascii_digit() {
            k += 1;
        }
        if k < end && matches!(norm[k], '万' | '千' | '百') {
            k += 1;
        }
        let unit: String = norm[j..k].iter().collect();
        return (unit, spaces + (k - j), None);
    }
    for w in NOT_QUANTITY {
        if let Some(n) = word_at(norm, j, norm.len(), w) {
            return (w.to_string(), spaces + n, None);
        }
    }
    for u in UNITS {
        if let Some(n) = word_at(norm, j, end, u) {
            let mag = match u {
                "万平方米" => Some((10_000.0, "平方米")),
                "万元" => Some((10_000.0, "元")),
                "亿元" => Some((100_000_000.0, "元")),
                "万人" => Some((10_000.0, "人")),
                "万人次" => Some((10_000.0, "人次")),
                "万册" => Some((10_000.0, "册")),
                "万" => Some((10_000.0, "")),
                "亿" => Some((100_000_000.0, "")),
                _ => None,
            };
            return (u.to_string(), spaces + n, mag);
        }
    }
    (String::new(), 0, None)
}

/// The length of `w` when it stands at `j` and ends by `end`; compares without allocating, as
/// this runs for every number of a document.
fn word_at(norm: &[char], j: usize, end: usize, w: &str) -> Option<usize> {
    let mut k = j;
    for c in w.chars() {
        if k >= end || norm.get(k) != Some(&c) {
            return None;
        }
        k += 1;
    }
    Some(k - j)
}

/// True when `unit` makes the number a time, date, age or edition.
pub fn is_time_or_age(unit: &str) -> bool {
    NOT_QUANTITY.contains(&unit) || unit == "届" || unit == "期"
}
