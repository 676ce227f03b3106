//! Deadlines near a target: `到2015年`, `至2020年底`, `2017年底前`, `年底前`, `6月底前`,
//! `9月份之前`, and a year that opens a line (`2007年,`) for every target on that line.

use duban_core::plan::Deadline;

fn digits_at(norm: &[char], i: usize, n: usize) -> Option<i32> {
    let d = norm.get(i..i + n)?;
    if d.iter().all(|c| c.is_ascii_digit()) && !norm.get(i + n).is_some_and(|c| c.is_ascii_digit())
    {
        d.iter().collect::<String>().parse().ok()
    } else {
        None
    }
}

/// `YYYY年,` at the start of a line (or sentence start): the year and the index after it.
pub fn line_leading_year(norm: &[char], s: usize, e: usize) -> Option<(i32, usize)> {
    let mut i = s;
    while i < e && norm[i].is_whitespace() {
        i += 1;
    }
    if s > 0 && norm[s - 1] != '\n' {
        return None;
    }
    let y = digits_at(norm, i, 4)?;
    if !(1990..=2099).contains(&y) || norm.get(i + 4) != Some(&'年') {
        return None;
    }
    matches!(norm.get(i + 5), Some(',' | '，' | '底' | '前')).then_some((y, i + 5))
}

fn month_end(month: u32) -> u32 {
    match month {
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The first deadline phrase in `[s, e)`.
pub fn find(norm: &[char], s: usize, e: usize) -> Option<Deadline> {
    let e = e.min(norm.len());
    let mut i = s;
    while i < e {
        let c = norm[i];
        if matches!(c, '到' | '至' | '在' | '于')
            && let Some(y) = digits_at(norm, i + 1, 4)
            && (1990..=2099).contains(&y)
            && norm.get(i + 5) == Some(&'年')
        {
            let mut j = i + 6;
            let mut month = None;
            if norm.get(j) == Some(&'底') {
                j += 1;
            } else if let Some(m) = digits_at(norm, j, 2).or_else(|| digits_at(norm, j, 1)) {
                let len = if m >= 10 { 2 } else { 1 };
                if (1..=12).contains(&m) && norm.get(j + len) == Some(&'月') {
                    month = Some(m as u32);
                    j += len + 1;
                }
            }
            if norm.get(j) == Some(&'前') {
                j += 1;
            }
            let text: String = norm[i..j.min(e)].iter().collect();
            let iso = match month {
                Some(m) => format!("{y}-{m:02}-{:02}", month_end(m)),
                None => format!("{y}-12-31"),
            };
            return Some(Deadline {
                year: Some(y),
                month,
                text,
                iso: Some(iso),
            });
        }
        // `2017年底前` / `2017年6月底前`.
        if let Some(y) = digits_at(norm, i, 4)
            && (1990..=2099).contains(&y)
            && norm.get(i + 4) == Some(&'年')
            && (i == 0 || !norm[i - 1].is_ascii_digit())
        {
            let tail: String = norm[i + 5..(i + 9).min(e.max(i + 5))].iter().collect();
            if tail.starts_with("底前") || tail.starts_with("年底") || tail.starts_with("前") {
                let len = 5 + if tail.starts_with("底前") { 2 } else { 1 };
                let text: String = norm[i..(i + len).min(e)].iter().collect();
                return Some(Deadline {
                    year: Some(y),
                    month: None,
                    text,
                    iso: Some(format!("{y}-12-31")),
                });
            }
        }
        if c == '年'
            && i + 2 < e
            && norm[i + 1] == '底'
            && (i == s || !norm[i - 1].is_ascii_digit())
        {
            let j = if norm.get(i + 2) == Some(&'前') {
                i + 3
            } else {
                i + 2
            };
            let text: String = norm[i..j.min(e)].iter().collect();
            return Some(Deadline {
                year: None,
                month: Some(12),
                text,
                iso: None,
            });
        }
        if let Some(m) = digits_at(norm, i, 2).or_else(|| digits_at(norm, i, 1)) {
            let len = if m >= 10 { 2 } else { 1 };
            let before_ok = i == 0
                || !norm[i - 1].is_ascii_digit() && norm[i - 1] != '年' && norm[i - 1] != '-';
            if before_ok && (1..=12).contains(&m) && norm.get(i + len) == Some(&'月') {
                let tail: String = norm[i + len + 1..(i + len + 4).min(e.max(i + len + 1))]
                    .iter()
                    .collect();
                if tail.starts_with("底前")
                    || tail.starts_with("前")
                    || tail.starts_with("份之前")
                    || tail.starts_with("份前")
                    || tail.starts_with("底")
                {
                    let extra = ["底前", "份之前", "份前", "前", "底"]
                        .iter()
                        .find(|w| tail.starts_with(*w))
                        .map_or(0, |w| w.chars().count());
                    let j = i + len + 1 + extra;
                    let text: String = norm[i..j.min(e)].iter().collect();
                    return Some(Deadline {
                        year: None,
                        month: Some(m as u32),
                        text,
                        iso: None,
                    });
                }
            }
        }
        i += 1;
    }
    None
}

/// Length of a deadline phrase that opens `t` (`年底前`, `6月底前`, `9月份之前`, `年内`), so that
/// it is not taken for part of an indicator.
pub fn leading_len(t: &[char]) -> Option<usize> {
    let words = |k: usize, ws: &[&str]| {
        ws.iter().find_map(|w| {
            let n = w.chars().count();
            (t.len() >= k + n && t[k..k + n].iter().copied().eq(w.chars())).then_some(k + n)
        })
    };
    if let Some(n) = words(0, &["年底前", "年底", "年内", "上半年", "下半年", "年中"])
    {
        return Some(n);
    }
    let digits = t.iter().take_while(|c| c.is_ascii_digit()).count();
    if (1..=2).contains(&digits) && t.get(digits) == Some(&'月') {
        return words(digits + 1, &["底前", "份之前", "份前", "底", "前"]);
    }
    None
}

/// Fills in the year of a deadline that names only a month (`6月底前`, `年底前`) from the plan
/// year, and its ISO date.
pub fn complete(d: &mut Deadline, plan_year: Option<i32>) {
    if d.year.is_none()
        && let (Some(y), Some(m)) = (plan_year, d.month)
    {
        d.year = Some(y);
        d.iso = Some(format!("{y}-{m:02}-{:02}", month_end(m)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first(s: &str) -> Option<Deadline> {
        let v: Vec<char> = s.chars().collect();
        find(&v, 0, v.len())
    }

    #[test]
    fn deadline_phrases_are_read_with_their_dates() {
        let d = first("到2025年底,覆盖率达到90%").unwrap();
        assert_eq!((d.year, d.iso.as_deref()), (Some(2025), Some("2025-12-31")));
        let d = first("至2020年6月底前完成").unwrap();
        assert_eq!(d.iso.as_deref(), Some("2020-06-30"));
        let mut d = first("9月份之前完成").unwrap();
        assert_eq!((d.year, d.month), (None, Some(9)));
        complete(&mut d, Some(2016));
        assert_eq!(d.iso.as_deref(), Some("2016-09-30"));
        let mut d = first("力争年底前建成").unwrap();
        complete(&mut d, Some(2024));
        assert_eq!(d.iso.as_deref(), Some("2024-12-31"));
        assert!(first("开展0-6岁儿童保健,3-4月组织培训").is_none());
        let t: Vec<char> = "6月底前完成".chars().collect();
        assert_eq!(leading_len(&t), Some(4));
        let t: Vec<char> = "年底前建成".chars().collect();
        assert_eq!(leading_len(&t), Some(3));
        let t: Vec<char> = "6所学校".chars().collect();
        assert_eq!(leading_len(&t), None);
    }
}
