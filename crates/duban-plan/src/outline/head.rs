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
    "工作意见",
    "工作要点",
    "工作计划",
    "工作方案",
    "实施方案",
    "行动计划",
    "实施计划",
    "计划",
    "方案",
    "规划",
    "要点",
    "思路",
    "意见",
    "分解表",
    "总结",
    "安排",
];

/// Drafting-stage labels after a title: not part of it.
const STAGE_LABELS: [&str; 7] = [
    "纲目",
    "征求意见稿",
    "草案",
    "送审稿",
    "讨论稿",
    "修订稿",
    "初稿",
];

/// Where a plan title that starts at `line[0]` ends: after the last plan word within the first
/// 80 chars, plus a bracket group right after it (`(试行)`, `(2021-2025年)`) unless that group is
/// a drafting-stage label.
fn title_end(line: &[char]) -> Option<usize> {
    // The title ends before the first sentence punctuation of its line.
    let stop = line
        .iter()
        .position(|&c| matches!(c, '，' | ',' | '。' | ':' | '：'))
        .unwrap_or(line.len());
    let head = &line[..line.len().min(80).min(stop)];
    let mut end = None;
    for w in PLAN_WORDS {
        let wc: Vec<char> = w.chars().collect();
        for i in (0..head.len().saturating_sub(wc.len() - 1)).rev() {
            if head[i..i + wc.len()] == wc[..] {
                end = end.max(Some(i + wc.len()));
                break;
            }
        }
    }
    let mut e = end?;
    if matches!(line.get(e), Some('(' | '（'))
        && let Some(k) = line[e..]
            .iter()
            .take(16)
            .position(|&c| c == ')' || c == '）')
    {
        let inner: String = line[e + 1..e + k]
            .iter()
            .filter(|c| !c.is_whitespace())
            .collect();
        if !STAGE_LABELS.contains(&inner.as_str()) {
            e += k + 1;
        }
    }
    Some(e)
}

/// Finds the title: its text (as printed) and its cleaned range.
pub fn find_title(cleaned: &Cleaned, lines: &Lines) -> (String, Option<(usize, usize)>) {
    let mut notice: Option<(usize, usize)> = None;
    let mut found: Option<(usize, usize)> = None;
    for &(s, e) in lines.spans.iter().take(40) {
        let line = &cleaned.norm[s..e];
        let lead = line.iter().take_while(|c| c.is_whitespace()).count();
        let line = &line[lead..];
        let s = s + lead;
        if line.len() < 4 {
            continue;
        }
        if super::markers::candidate_at(line, 0)
            .is_some_and(|c| c.style == super::markers::Style::CnComma)
        {
            break;
        }
        let text: String = line.iter().collect();
        // A 印发 notice names the plan inside 《》.
        if text.contains("印发") || (text.starts_with("关于") && text.contains("通知")) {
            if let (Some(a), Some(b)) = (
                line.iter().position(|&c| c == '《'),
                line.iter().position(|&c| c == '》'),
            ) && a + 1 < b
                && notice.is_none()
            {
                notice = Some((s + a + 1, s + b));
            }
            continue;
        }
        // A line opening with 《 cites plans (`《2016年…总结》和《2017年…要点》已经…`).
        if line[0] == '《' {
            continue;
        }
        let Some(te) = title_end(line) else { continue };
        let title = &line[..te];
        if title
            .iter()
            .any(|&c| matches!(c, '。' | ',' | '，' | ':' | '：'))
            || title.len() < 4
        {
            continue;
        }
        // A document-sharing site numbers its page chunks (`1、教育体育局…工作方案`): a digit
        // marker in front of a title line is that counter, not part of the title.
        let skip = match super::markers::candidate_at(line, 0) {
            Some(c) if c.style == super::markers::Style::Digit && c.end < te => c.end,
            _ => 0,
        };
        found = Some((s + skip, s + te));
        break;
    }
    match found.or(notice) {
        Some((mut s, e)) => {
            // `2016\n年教育局工作要点`: the year cut off onto the line before belongs to the title.
            let k = lines.line_index(s);
            if k > 0 && lines.soft[k - 1] {
                s = lines.spans[k - 1].0;
            }
            let text: String = cleaned
                .slice(s, e)
                .split('\n')
                .map(str::trim)
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
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
            let y: i32 = norm[i..i + 4]
                .iter()
                .collect::<String>()
                .parse()
                .unwrap_or(0);
            // `2022 年` (PDF spacing) and `2016\n年` (a hard break) are still years.
            let mut j = i + 4;
            while matches!(norm.get(j), Some(' ' | '\n' | '\r')) {
                j += 1;
            }
            if (1990..=2099).contains(&y) && norm.get(j) == Some(&'年') {
                out.push((y, i, j + 1));
            } else if (1990..=2099).contains(&y)
                && matches!(norm.get(j), Some('-' | '—' | '~' | '至' | '–'))
            {
                // A plan period `2021-2025年` names its first year.
                let k = j + 1 + usize::from(norm.get(j + 1) == Some(&'—'));
                if norm
                    .get(k..k + 4)
                    .is_some_and(|d| d.iter().all(|c| c.is_ascii_digit()))
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
    let after = |j: usize, w: &str| {
        norm[j.min(norm.len())..]
            .iter()
            .take(w.chars().count())
            .collect::<String>()
            == w
    };
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
    // A number in the first lines of the page is the issuing number; otherwise take the first one
    // near the title (later ones cite other documents).
    let limit = first_section.unwrap_or(norm.len()).min(norm.len());
    let head_end = limit.min(300);
    let near_title = title_range.map_or(0, |(s, _)| s.saturating_sub(200));
    for (from, to) in [
        (0, head_end),
        (near_title.min(limit), limit.min(near_title + 600)),
    ] {
        if let Some(y) = doc_number_year(&norm[from..to.max(from)]) {
            return Some(y);
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
        let line_start = i == 0
            || norm[..i]
                .iter()
                .rev()
                .take_while(|c| **c != '\n')
                .all(|c| c.is_whitespace());
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

/// The year of the first document number (`〔2005〕`, `[2005]`) in `text`.
fn doc_number_year(text: &[char]) -> Option<i32> {
    (0..text.len().saturating_sub(5)).find_map(|k| {
        let framed = matches!(text[k], '〔' | '[' | '(' | '［')
            && text[k + 1..k + 5].iter().all(|c| c.is_ascii_digit())
            && matches!(text[k + 5], '〕' | ']' | ')' | '］');
        let y: i32 = text[k + 1..k + 5]
            .iter()
            .collect::<String>()
            .parse()
            .unwrap_or(0);
        (framed && (1990..=2099).contains(&y)).then_some(y)
    })
}
