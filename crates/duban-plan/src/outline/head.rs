//! The plan's title and year.
//!
//! The title is the first short line that names a plan (工作意见, 工作要点, 计划, 方案…), preferring
//! the plan named inside a 印发 notice's 《》 over the notice itself. The year comes from the
//! title, then from phrases like `2013年工作任务`, then from the document number right after the
//! title (`杭政函〔2005〕39号`), then from the most frequent year that is not a deadline or a
//! look back.

use super::lines::Lines;
use crate::clean::Cleaned;

const PLAN_WORDS: [&str; 16] = [
    "工作意见", "工作要点", "工作计划", "工作方案", "实施方案", "行动计划", "实施计划", "计划", "方案",
    "规划", "要点", "思路", "意见", "分解表", "总结", "安排",
];

fn plan_word_score(s: &str) -> Option<usize> {
    PLAN_WORDS.iter().position(|w| s.contains(w))
}

/// Finds the title: its text (as printed) and its cleaned range.
pub fn find_title(cleaned: &Cleaned, lines: &Lines) -> (String, Option<(usize, usize)>) {
    let mut best: Option<(usize, usize, usize)> = None;
    for (k, &(s, e)) in lines.spans.iter().enumerate().take(40) {
        let norm: String = cleaned.norm_slice(s, e);
        let t = norm.trim();
        let n = t.chars().count();
        if n < 4 || n > 80 || t.contains('。') || t.contains('，') || t.contains(',') {
            continue;
        }
        if t.starts_with('一') && t.chars().nth(1) == Some('、') {
            break;
        }
        let Some(score) = plan_word_score(t) else { continue };
        // A 印发 notice names the plan inside 《》: take that.
        if t.contains("印发") || t.contains("通知") {
            if let (Some(a), Some(b)) = (t.find('《'), t.find('》')) {
                if a < b {
                    let lead = t[..a].chars().count();
                    let len = t[a..b].chars().count() - 1;
                    let off = s + (norm.chars().count() - norm.trim_start().chars().count());
                    let (cs, ce) = (off + lead + 1, off + lead + 1 + len);
                    if best.is_none() {
                        best = Some((cs, ce, 100 + k));
                    }
                    continue;
                }
            }
            continue;
        }
        let lead_ws = norm.chars().count() - norm.trim_start().chars().count();
        let cs = s + lead_ws;
        let ce = cs + n;
        let rank = score * 2 + k;
        if best.is_none_or(|(_, _, r)| rank < r || r >= 100) {
            best = Some((cs, ce, rank));
            if score < 8 {
                break;
            }
        }
    }
    match best {
        Some((s, e, _)) => {
            let text: String = cleaned.slice(s, e).split_whitespace().collect::<Vec<_>>().join(" ");
            (text, Some((s, e)))
        }
        None => (String::new(), None),
    }
}

/// Years written as `YYYY年` (or `YYYY 年`) with their cleaned start.
fn years(norm: &[char]) -> Vec<(i32, usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i + 4 <= norm.len() {
        if norm[i..i + 4].iter().all(|c| c.is_ascii_digit())
            && (i == 0 || !norm[i - 1].is_ascii_digit())
            && !norm.get(i + 4).is_some_and(|c| c.is_ascii_digit())
        {
            let y: i32 = norm[i..i + 4].iter().collect::<String>().parse().unwrap_or(0);
            let mut j = i + 4;
            while norm.get(j) == Some(&' ') {
                j += 1;
            }
            if (1990..=2099).contains(&y) && norm.get(j) == Some(&'年') {
                out.push((y, i, j + 1));
            } else if (1990..=2099).contains(&y)
                && matches!(norm.get(j), Some('-' | '—' | '~' | '至' | '–'))
            {
                // A plan period `2021-2025年` names its first year.
                let k = j + 1 + usize::from(norm.get(j + 1) == Some(&'—'));
                if norm.get(k..k + 4).is_some_and(|d| d.iter().all(|c| c.is_ascii_digit()))
                    && norm.get(k + 4) == Some(&'年')
                {
                    out.push((y, i, k + 5));
                    i = k + 5;
                    continue;
                }
            }
            i += 4;
        } else {
            i += 1;
        }
    }
    out
}

/// Infers the plan year.
pub fn plan_year(
    cleaned: &Cleaned,
    title: &str,
    title_range: Option<(usize, usize)>,
    first_section: Option<usize>,
) -> Option<i32> {
    let norm = &cleaned.norm;
    let tnorm: Vec<char> = match title_range {
        Some((s, e)) => norm[s..e].to_vec(),
        None => title.chars().collect(),
    };
    if let Some((y, _, _)) = years(&tnorm).first() {
        return Some(*y);
    }
    let all = years(norm);
    let before = |i: usize, w: &str| {
        let n = w.chars().count();
        i >= n && norm[i - n..i].iter().collect::<String>() == w
    };
    let after = |j: usize, w: &str| norm[j.min(norm.len())..].iter().take(w.chars().count()).collect::<String>() == w;
    for &(y, i, j) in &all {
        if before(i, "到") || before(i, "至") {
            continue;
        }
        let tail: String = norm[j.min(norm.len())..].iter().take(12).collect();
        let work = ["工作", "度工作", "全市", "全区", "全县", "全省", "教育工作"];
        if work.iter().any(|w| tail.starts_with(w)) && tail.contains("工作") {
            return Some(y);
        }
        let _ = after;
    }
    // The document's own number comes before any outline marker: 〔2005〕 in `杭政函〔2005〕39号`.
    let from = title_range.map_or(0, |(s, _)| s.saturating_sub(200));
    let limit = first_section.unwrap_or(norm.len()).min(from + 600).min(norm.len());
    let window: Vec<char> = norm[from.min(limit)..limit].to_vec();
    for k in 0..window.len().saturating_sub(5) {
        if matches!(window[k], '〔' | '[' | '(' | '［') && window[k + 1..k + 5].iter().all(|c| c.is_ascii_digit()) && matches!(window[k + 5], '〕' | ']' | ')' | '］') {
            let y: i32 = window[k + 1..k + 5].iter().collect::<String>().parse().unwrap_or(0);
            if (1990..=2099).contains(&y) {
                return Some(y);
            }
        }
    }
    let mut counts: Vec<(i32, usize)> = Vec::new();
    for &(y, i, j) in &all {
        if before(i, "到") || before(i, "至") || before(i, "截至") {
            continue;
        }
        let tail: String = norm[j.min(norm.len())..].iter().take(3).collect();
        if tail.starts_with("以来") || tail.starts_with('-') || tail.starts_with('—') {
            continue;
        }
        // `2007年,` opening a line is a target year, not the plan's.
        let line_start = i == 0 || norm[..i].iter().rev().take_while(|c| **c != '\n').all(|c| c.is_whitespace());
        if line_start && (tail.starts_with(',') || tail.starts_with('，')) {
            continue;
        }
        match counts.iter_mut().find(|(yy, _)| *yy == y) {
            Some((_, n)) => *n += 1,
            None => counts.push((y, 1)),
        }
    }
    counts.iter().max_by_key(|(y, n)| (*n, -y)).map(|(y, _)| *y)
}
