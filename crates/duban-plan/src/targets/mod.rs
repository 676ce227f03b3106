//! Quantitative targets in the outline's text: comparison, value, range, unit, indicator,
//! deadline and hedge; with the false friends (ordinals, slogans, dates, document numbers, ages,
//! achieved results of a review) rejected.
//!
//! Works clause by clause on the normalised text (width-folded, simplified), so one set of cue
//! words serves both scripts; spans are cleaned char indexes mapped back by the caller.

mod deadline;
mod units;

use duban_core::plan::{Comparison, Node, Normalized, Target};

use crate::clean::Cleaned;
use crate::keywords::KeywordSet;
use crate::outline::Outline;
use crate::outline::markers::is_han;

/// Targets found, in cleaned coordinates, with warnings for a person.
#[derive(Debug, Clone, Default)]
pub struct Found {
    /// Targets in document order (sorted by start); offsets are cleaned char indexes.
    pub targets: Vec<Target>,
    /// Warnings (masked values…), in Chinese.
    pub warnings: Vec<String>,
    /// The longest target span, so overlap queries can start from a binary search.
    max_len: usize,
}

impl Found {
    /// Indexes of the targets whose span overlaps `[a, b)`.
    pub fn overlapping(&self, a: usize, b: usize) -> impl Iterator<Item = usize> + '_ {
        let lo = self
            .targets
            .partition_point(|t| t.start + self.max_len <= a);
        (lo..self.targets.len())
            .take_while(move |&k| self.targets[k].start < b)
            .filter(move |&k| self.targets[k].end > a)
    }
}

/// Headings under which numbers report results already achieved, not goals.
pub const REVIEW_HEADINGS: [&str; 9] = [
    "总结",
    "完成情况",
    "现状",
    "回顾",
    "主要成绩",
    "取得的成绩",
    "基本情况",
    "工作成效",
    "进展情况",
];

/// The first deadline phrase (`到2025年`, `6月底前`, `年底前`) in the cleaned range `[s, e)`.
pub fn deadline_in(
    cleaned: &Cleaned,
    s: usize,
    e: usize,
    plan_year: Option<i32>,
) -> Option<duban_core::plan::Deadline> {
    let mut d = deadline::find(&cleaned.norm, s, e.min(cleaned.norm.len()))?;
    deadline::complete(&mut d, plan_year);
    Some(d)
}

/// Extracts targets from every node of the outline (or the whole text when it has none).
pub fn extract(cleaned: &Cleaned, outline: &Outline) -> Found {
    let mut found = Found::default();
    fn walk<'a>(
        cleaned: &Cleaned,
        nodes: &'a [Node],
        review: bool,
        out: &mut Vec<(&'a [String], usize, usize)>,
    ) {
        for n in nodes {
            // Titles are compared in the normalised script.
            let title =
                &cleaned.norm[n.start.min(n.title_end)..n.title_end.min(cleaned.norm.len())];
            let is_review = review || review_headings().any_in(title);
            let own_end = n
                .children
                .first()
                .map_or(n.end, |c| c.start.min(n.end))
                .max(n.start);
            if !is_review {
                let body = (n.start + n.marker.chars().count()).min(own_end);
                out.push((&n.path, body, own_end));
            }
            walk(cleaned, &n.children, is_review, out);
        }
    }
    let mut regions: Vec<(&[String], usize, usize)> = Vec::new();
    if outline.nodes.is_empty() {
        regions.push((&[], 0, cleaned.norm.len()));
    } else {
        // The preamble between the title and the first heading often states the year's overall
        // goals (`2024年全市…总体目标是:…入园率达到92%`); it has no path.
        let first = outline.nodes[0].start;
        regions.push((&[], outline.title_end.min(first), first));
        walk(cleaned, &outline.nodes, false, &mut regions);
    }
    let reviews = review_spans(&cleaned.norm);
    regions.retain(|(_, s, _)| !reviews.iter().any(|&(a, b)| (a..b).contains(s)));
    for (path, start, end) in regions {
        extract_region(cleaned, &outline.soft_breaks, path, start, end, &mut found);
    }
    for t in &mut found.targets {
        if let Some(d) = t.deadline.as_mut() {
            deadline::complete(d, outline.plan_year);
        }
        // Every value has a canonical form; units without a magnitude are already canonical.
        if t.normalized.is_none() {
            t.normalized = t.value.map(|value| Normalized {
                value,
                unit: t.unit.clone(),
            });
        }
    }
    // A block the source page printed twice yields its targets twice: keep the first.
    let mut seen: std::collections::HashSet<(Vec<String>, String, String, Option<u64>)> =
        std::collections::HashSet::new();
    found.targets.retain(|t| {
        seen.insert((
            t.path.clone(),
            t.text.clone(),
            t.indicator.clone(),
            t.value.map(f64::to_bits),
        ))
    });
    found.targets.sort_by_key(|t| t.start);
    found.max_len = found
        .targets
        .iter()
        .map(|t| t.end - t.start)
        .max()
        .unwrap_or(0);
    found
}

fn review_headings() -> &'static KeywordSet {
    static SET: std::sync::OnceLock<KeywordSet> = std::sync::OnceLock::new();
    SET.get_or_init(|| KeywordSet::new(&REVIEW_HEADINGS))
}

/// Parts of a document that report on a past year: from a title line naming a 总结 to the next
/// title line naming a plan (工作要点, 计划…). `2016年…工作总结` followed by `2017年…工作要点`.
fn review_spans(norm: &[char]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut open: Option<usize> = None;
    let mut s = 0;
    for e in (0..=norm.len()).filter(|&i| i == norm.len() || norm[i] == '\n') {
        let line: String = norm[s..e].iter().collect();
        let line = line.trim();
        let n = line.chars().count();
        if n > 0 && n <= 40 && !line.contains('。') && !line.contains(',') && !line.contains('，')
        {
            let review = line.contains("总结") || line.contains("完成情况");
            let plan = ["要点", "计划", "意见", "方案", "安排", "思路"]
                .iter()
                .any(|w| line.contains(w));
            let heading = crate::outline::markers::candidate_at(&norm[s..e], 0).is_some();
            if review && !plan && !heading && open.is_none() {
                open = Some(s);
            } else if plan
                && !review
                && !heading
                && let Some(a) = open.take()
            {
                out.push((a, s));
            }
        }
        s = e + 1;
    }
    if let Some(a) = open {
        out.push((a, norm.len()));
    }
    out
}

/// Cue words before a value and the comparison each implies.
const CUE_WORDS: [(&str, Comparison); 32] = [
    ("不低于", Comparison::AtLeast),
    ("不少于", Comparison::AtLeast),
    ("不小于", Comparison::AtLeast),
    ("至少", Comparison::AtLeast),
    ("超过", Comparison::AtLeast),
    ("不超过", Comparison::AtMost),
    ("不高于", Comparison::AtMost),
    ("控制在", Comparison::AtMost),
    ("降至", Comparison::AtMost),
    ("降到", Comparison::AtMost),
    ("低于", Comparison::AtMost),
    ("约", Comparison::About),
    ("近", Comparison::About),
    ("接近", Comparison::About),
    ("保持在", Comparison::Equal),
    ("保持", Comparison::Equal),
    ("稳定在", Comparison::Equal),
    ("维持在", Comparison::Equal),
    ("提高到", Comparison::AtLeast),
    ("增加到", Comparison::AtLeast),
    ("增加至", Comparison::AtLeast),
    ("提升到", Comparison::AtLeast),
    ("提升至", Comparison::AtLeast),
    ("增至", Comparison::AtLeast),
    ("达到或超过", Comparison::AtLeast),
    ("不超出", Comparison::AtMost),
    ("减少到", Comparison::AtMost),
    ("下降到", Comparison::AtMost),
    ("下降至", Comparison::AtMost),
    ("提高至", Comparison::AtLeast),
    ("达到", Comparison::AtLeast),
    ("达", Comparison::AtLeast),
];

fn cue_set() -> &'static KeywordSet {
    static SET: std::sync::OnceLock<KeywordSet> = std::sync::OnceLock::new();
    SET.get_or_init(|| KeywordSet::new(&CUE_WORDS.map(|(w, _)| w)))
}

fn cue_tail_set() -> &'static KeywordSet {
    static SET: std::sync::OnceLock<KeywordSet> = std::sync::OnceLock::new();
    SET.get_or_init(|| KeywordSet::new(&CUE_TAILS))
}

fn hedge_set() -> &'static KeywordSet {
    static SET: std::sync::OnceLock<KeywordSet> = std::sync::OnceLock::new();
    SET.get_or_init(|| KeywordSet::new(&HEDGES))
}

/// Connectives that may open a clause before its indicator.
const LEADING_WORDS: [&str; 9] = [
    "其中", "并", "同时", "和", "及", "全年", "今年", "年内", "当年",
];

fn leading_set() -> &'static KeywordSet {
    static SET: std::sync::OnceLock<KeywordSet> = std::sync::OnceLock::new();
    SET.get_or_init(|| KeywordSet::new(&LEADING_WORDS))
}

/// For each word of `set` (by index, `count` words), the rightmost place where it starts within
/// the last `near` characters of `s` plus its own length: the cue that governs a following value.
fn rightmost_near(
    set: &KeywordSet,
    count: usize,
    s: &[char],
    near: usize,
) -> Vec<Option<(usize, usize)>> {
    let mut out = vec![None; count];
    let from = s.len().saturating_sub(near + 12);
    set.for_each_match(&s[from..], |i, k, n| {
        let at = from + i;
        if at + n + near >= s.len() && out[k].is_none_or(|(p, _)| at > p) {
            out[k] = Some((at, n));
        }
    });
    out
}

/// Words before a number that mark it as done already.
const ACHIEVED: [&str; 10] = [
    "截至目前",
    "截止目前",
    "已经",
    "已完成",
    "圆满完成",
    "先后实施",
    "累计完成",
    "共完成",
    "比上年",
    "同比",
];

const HEDGES: [&str; 9] = [
    "力争", "确保", "争取", "努力", "拟", "计划", "预计", "促使", "力求",
];

fn achieved_words() -> &'static KeywordSet {
    static SET: std::sync::OnceLock<KeywordSet> = std::sync::OnceLock::new();
    SET.get_or_init(|| KeywordSet::new(&ACHIEVED))
}

fn count_verbs() -> &'static KeywordSet {
    static SET: std::sync::OnceLock<KeywordSet> = std::sync::OnceLock::new();
    SET.get_or_init(|| KeywordSet::new(COUNT_VERBS))
}

/// Verbs that turn a following count into a planned quantity.
const COUNT_VERBS: &[&str] = &[
    "新建续建",
    "新建改建",
    "新改扩建",
    "改扩建",
    "新改建",
    "新建",
    "续建",
    "改建",
    "扩建",
    "建成",
    "建设",
    "创建",
    "创成",
    "争创",
    "完成",
    "招聘",
    "招录",
    "补充",
    "培训",
    "新增",
    "增加",
    "增设",
    "改造",
    "更新",
    "维修",
    "配备",
    "配置",
    "评选",
    "培养",
    "培育",
    "打造",
    "建立",
    "组建",
    "举办",
    "开展",
    "开设",
    "设置",
    "购置",
    "投入",
    "投资",
    "安排",
    "实施",
    "落实",
    "资助",
    "扶持",
    "帮扶",
    "选派",
    "引进",
    "开工",
    "竣工",
    "交付",
    "启用",
    "提供",
    "拥有",
    "申报",
    "认定",
    "确定",
    "撤并",
    "接收",
    "录用",
    "遴选",
    "办",
    "建",
];

struct Piece {
    start: usize,
    end: usize,
}

/// True when `needle` occurs in `hay` at `i`. Compares char by char without allocating: these
/// helpers run for every clause and cue word of a document.
fn matches_at(hay: &[char], i: usize, needle: &str) -> bool {
    (i..)
        .zip(needle.chars())
        .all(|(k, c)| hay.get(k) == Some(&c))
}

fn find(hay: &[char], needle: &str) -> Option<usize> {
    let first = needle.chars().next()?;
    (0..hay.len()).find(|&i| hay[i] == first && matches_at(hay, i, needle))
}

fn starts(hay: &[char], needle: &str) -> bool {
    matches_at(hay, 0, needle)
}

fn ends(hay: &[char], needle: &str) -> bool {
    let n = needle.chars().count();
    hay.len() >= n && matches_at(hay, hay.len() - n, needle)
}

/// True when `i` sits inside a short quotation (a slogan) or a 《title》.
fn quoted(norm: &[char], from: usize, i: usize) -> bool {
    let mut open_quote: Option<usize> = None;
    let mut open_book = 0i32;
    for (k, &c) in norm.iter().enumerate().take(i).skip(from) {
        match c {
            '“' | '"' | '「' => open_quote = Some(k),
            '”' | '」' => open_quote = None,
            '《' => open_book += 1,
            '》' => open_book -= 1,
            _ => {}
        }
    }
    if open_book > 0 {
        return true;
    }
    if let Some(q) = open_quote {
        // A slogan is short; a long quotation is text.
        let close = norm[i..]
            .iter()
            .take(20)
            .position(|&c| c == '”' || c == '」');
        return close.is_some() && i - q < 20;
    }
    false
}

/// Splits a region into sentences, each into comma clauses.
fn sentences(norm: &[char], soft: &[usize], start: usize, end: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut s = start;
    for i in start..end {
        let hard_break = norm[i] == '\n' && soft.binary_search(&i).is_err();
        if hard_break || matches!(norm[i], '。' | '；' | ';' | '!' | '！' | '?' | '？' | '|') {
            if i > s {
                out.push((s, i));
            }
            s = i + 1;
        }
    }
    if end > s {
        out.push((s, end));
    }
    out
}

fn clauses(norm: &[char], start: usize, end: usize) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut s = start;
    let mut depth = 0i32;
    for i in start..end {
        match norm[i] {
            '(' | '（' | '《' | '“' => depth += 1,
            ')' | '）' | '》' | '”' => depth -= 1,
            ',' | '，' | ':' | '：' if depth <= 0 => {
                if i > s {
                    out.push(Piece { start: s, end: i });
                }
                s = i + 1;
            }
            _ => {}
        }
    }
    if end > s {
        out.push(Piece { start: s, end });
    }
    out
}

/// A number token: value(s), span of digits, and what follows.
#[derive(Debug, Clone)]
struct Num {
    start: usize,
    end: usize,
    value: f64,
    value_max: Option<f64>,
}

fn parse_number(norm: &[char], i: usize, end: usize) -> Option<(f64, usize)> {
    let mut j = i;
    while j < end && norm[j].is_ascii_digit() {
        j += 1;
    }
    if j == i {
        return None;
    }
    if j + 1 < end && norm[j] == '.' && norm[j + 1].is_ascii_digit() {
        j += 1;
        while j < end && norm[j].is_ascii_digit() {
            j += 1;
        }
    }
    let s: String = norm[i..j].iter().collect();
    s.parse::<f64>().ok().map(|v| (v, j))
}

fn numbers(norm: &[char], start: usize, end: usize) -> Vec<Num> {
    let mut out = Vec::new();
    let mut i = start;
    while i < end {
        if norm[i].is_ascii_digit()
            && (i == 0 || !(norm[i - 1].is_ascii_digit() || norm[i - 1] == '.'))
            && let Some((v, j)) = parse_number(norm, i, end)
        {
            // A range `3-5`, `3—5`, `3至5`, `3~5`, or `90%-95%` (the first sign dropped, the unit
            // follows the second number).
            let percent = norm.get(j) == Some(&'%');
            let sep = if percent { j + 1 } else { j };
            if sep + 1 < end
                && matches!(norm[sep], '-' | '—' | '~' | '至' | '–')
                && let Some((v2, k)) = parse_number(norm, sep + 1, end)
                && v2 > v
                && (!percent || norm.get(k) == Some(&'%'))
            {
                out.push(Num {
                    start: i,
                    end: k,
                    value: v,
                    value_max: Some(v2),
                });
                i = k;
                continue;
            }
            out.push(Num {
                start: i,
                end: j,
                value: v,
                value_max: None,
            });
            i = j;
            continue;
        }
        i += 1;
    }
    out
}

fn is_rate_word(ind: &[char]) -> bool {
    ["率", "比例", "比率", "占比", "比重", "覆盖面"]
        .iter()
        .any(|w| ends(ind, w))
}

fn extract_region(
    cleaned: &Cleaned,
    soft: &[usize],
    path: &[String],
    start: usize,
    end: usize,
    found: &mut Found,
) {
    let norm = &cleaned.norm;
    let end = end.min(norm.len());
    // A line that opens with `2007年,` sets the deadline of every target on it.
    let mut line_year: Option<(i32, usize)> = None;
    for (ss, se) in sentences(norm, soft, start, end) {
        if let Some((y, e)) = deadline::line_leading_year(norm, ss, se) {
            line_year = Some((y, e));
        } else if ss > 0 && norm[ss - 1] == '\n' {
            line_year = None;
        }
        // A target's deadline is the one named in its own clause, else one named earlier in its
        // sentence (`到2025年,…达到…`), else the year that opens its line.
        // A deadline in a clause with no target of its own (`到2025年,`) carries to the clauses
        // after it; one in a clause with a target belongs to that target only.
        let mut pending_deadline: Option<duban_core::plan::Deadline> = None;
        let deadline_of = |p: &Piece, pending: &Option<duban_core::plan::Deadline>| {
            deadline::find(norm, p.start, p.end)
                .or_else(|| pending.clone())
                .or_else(|| {
                    line_year.map(|(y, _)| duban_core::plan::Deadline {
                        year: Some(y),
                        month: None,
                        text: format!("{y}年"),
                        iso: Some(format!("{y}-12-31")),
                    })
                })
        };
        let pieces = clauses(norm, ss, se);
        let mut carried_verb: Option<String> = None;
        let mut breakdown_of: Option<String> = None;
        let mut prev_indicator: Option<String> = None;
        for p in &pieces {
            let text = &norm[p.start..p.end];
            if achieved_words().any_in(text) {
                carried_verb = None;
                continue;
            }
            let nums = numbers(norm, p.start, p.end);
            if !nums.is_empty() && starts(trim_start_spaces(text), "其中") && breakdown_of.is_none()
            {
                // `招聘教师120名,其中幼儿教师40名`: parts of the total just named.
                breakdown_of = prev_indicator.clone();
            }
            let mut made_any = false;
            let mut sub_start = p.start;
            let mut prev_end: Option<usize> = None;
            for num in &nums {
                // `创建省优质园6所、市优质园4所`: after an earlier count, a `、` opens a new sub-clause
                // that inherits the verb.
                if let Some(pe) = prev_end
                    && let Some(k) = norm[pe..num.start].iter().rposition(|&c| c == '、')
                {
                    if made_any && let Some(v) = leading_verb(cleaned, sub_start, pe) {
                        carried_verb = Some(v);
                    }
                    sub_start = pe + k + 1;
                }
                let sub = Piece {
                    start: sub_start,
                    end: p.end,
                };
                if let Some(t) = target_at(
                    cleaned,
                    path,
                    &sub,
                    num,
                    &carried_verb,
                    &prev_indicator,
                    &breakdown_of,
                ) {
                    prev_end = Some(num.end);
                    let mut t = t;
                    t.deadline = deadline_of(p, &pending_deadline);
                    prev_indicator = Some(t.indicator.clone());
                    // `教师、骨干教师、校干年交流比例…15%`: one value for each listed indicator.
                    let (extra, last_name) = shared_indicators(cleaned, p, &t);
                    found.targets.extend(extra);
                    if let Some(name) = last_name {
                        t.indicator = name;
                    }
                    found.targets.push(t);
                    made_any = true;
                }
            }
            if !made_any
                && let Some(mut t) =
                    chinese_count(cleaned, path, p).or_else(|| full_coverage(cleaned, path, p))
            {
                t.deadline = deadline_of(p, &pending_deadline);
                made_any = true;
                found.targets.push(t);
            }
            if !made_any && let Some(d) = deadline::find(norm, p.start, p.end) {
                pending_deadline = Some(d);
            }
            let bare_qizhong = nums.is_empty() && starts(trim_start_spaces(text), "其中");
            if bare_qizhong {
                // `…9所,其中:凉州区4所,古浪县4所`: the parts of the previous total.
                breakdown_of = prev_indicator.clone();
            } else if let Some(v) = leading_verb(cleaned, p.start, p.end) {
                carried_verb = Some(v);
            } else if !made_any {
                carried_verb = None;
            }
            if let Some(m) = masked(norm, p) {
                found.warnings.push(format!(
                    "“{}”中的数值被隐去或缺失，未作为目标值，请核对原文",
                    cleaned.slice(m.0, m.1)
                ));
                let mut t = blank_target(cleaned, path, m.0, m.1);
                t.masked = true;
                let text: Vec<char> = norm[m.0..m.1].to_vec();
                if text.last() == Some(&'%') {
                    t.unit = "%".into();
                    let body = &text[..text.len() - 1];
                    let hedged = strip_hedge(body);
                    let ind = strip_cue_tail(hedged);
                    let ind_start = m.0 + (body.len() - hedged.len());
                    t.indicator = cleaned.slice(ind_start, ind_start + ind.len());
                    t.cue = "达到".into();
                }
                found.targets.push(t);
            }
        }
    }
}

fn strip_hedge(text: &[char]) -> &[char] {
    let mut t = text;
    loop {
        let before = t.len();
        while t.first().is_some_and(|c| c.is_whitespace()) {
            t = &t[1..];
        }
        // A leading `2021年` / `到2015年底` is the deadline, not part of the indicator.
        let skip = usize::from(matches!(t.first(), Some('到' | '至' | '在')));
        if t.len() > skip + 5
            && t[skip..skip + 4].iter().all(|c| c.is_ascii_digit())
            && t[skip + 4] == '年'
        {
            let mut k = skip + 5;
            while k < t.len() && matches!(t[k], '底' | '前' | '度' | ',' | '，') {
                k += 1;
            }
            t = &t[k..];
        }
        if let Some(n) = deadline::leading_len(t) {
            t = &t[n..];
        }
        if let Some((_, n)) = leading_set().at(t, 0)
            && t.len() > n + 2
        {
            t = &t[n..];
        }
        if let Some((_, n)) = hedge_set().at(t, 0) {
            t = &t[n..];
        }
        if t.len() == before {
            return t;
        }
    }
}

fn blank_target(cleaned: &Cleaned, path: &[String], s: usize, e: usize) -> Target {
    Target {
        path: path.to_vec(),
        text: cleaned.slice(s, e),
        start: s,
        end: e,
        indicator: String::new(),
        op: Comparison::AtLeast,
        value: None,
        value_max: None,
        unit: String::new(),
        unit_in_text: true,
        normalized: None,
        deadline: None,
        cue: String::new(),
        hedge: None,
        per_unit: false,
        masked: false,
    }
}

/// `…率达到%` or `20**名`: a value deleted or masked by the source.
fn masked(norm: &[char], p: &Piece) -> Option<(usize, usize)> {
    let text = &norm[p.start..p.end];
    for cue in ["达到%", "达%", "为%"] {
        if let Some(k) = find(text, cue) {
            let e = p.start + k + cue.chars().count();
            return Some((p.start, e));
        }
    }
    for k in 0..text.len().saturating_sub(2) {
        if text[k].is_ascii_digit() && text[k + 1] == '*' && text[k + 2] == '*' {
            return Some((p.start, (p.start + k + 3 + 1).min(p.end)));
        }
    }
    None
}

fn target_at(
    cleaned: &Cleaned,
    path: &[String],
    p: &Piece,
    num: &Num,
    carried_verb: &Option<String>,
    prev_indicator: &Option<String>,
    breakdown_of: &Option<String>,
) -> Option<Target> {
    let norm = &cleaned.norm;
    let before = &norm[p.start..num.start];
    let prev = num.start.checked_sub(1).map(|k| norm[k]);
    // Ordinals, document numbers, codes.
    // `从85%提高到90%`: the first number is the baseline.
    if matches!(prev, Some('从' | '由')) {
        return None;
    }
    if matches!(
        prev,
        Some('第' | '〔' | '[' | '［' | '+' | '.' | '-' | ':' | '号' | '/' | '*')
    ) || norm
        .get(num.end)
        .is_some_and(|&c| matches!(c, '+' | '〕' | ']' | ':' | '*' | '.'))
        || (norm.get(num.end) == Some(&'/') && !units::is_per_population(norm, num.end))
    {
        return None;
    }
    if quoted(norm, p.start.saturating_sub(40), num.start) {
        return None;
    }
    let (unit, unit_len, magnitude) = units::unit_after(norm, num.end, p.end);
    let mut after = num.end + unit_len;
    if unit.is_empty() {
        // A rate printed without its `%`: `…率达95以上`.
        let ind = strip_cue_tail(before);
        if !(is_rate_word(ind)
            && ends_with_any(before, &["达到", "达", "为", "到", "提高到", "提高至"]))
        {
            return None;
        }
    }
    if units::is_time_or_age(&unit) {
        // An age or a life expectancy with a cue is a target (`人均预期寿命达到80岁`); a bare age
        // range (`0-6岁儿童`) is not.
        let cued =
            unit == "岁" && ends_with_any(before, &["达到", "达", "提高到", "提高至", "超过"]);
        if !cued {
            return None;
        }
    }
    // Chinese numeral or year-sized counts that are really years: `2013年` handled by unit.
    let mut op = Comparison::Equal;
    let mut cue = String::new();
    let tail: Vec<char> = norm[after..p.end.min(after + 4)].to_vec();
    if starts(&tail, "以上") || starts(&tail, "及以上") {
        op = Comparison::AtLeast;
        after += if starts(&tail, "及以上") { 3 } else { 2 };
        cue = "以上".into();
    } else if starts(&tail, "以下") || starts(&tail, "以内") {
        op = Comparison::AtMost;
        after += 2;
        cue = "以内".into();
    } else if starts(&tail, "左右") {
        op = Comparison::About;
        after += 2;
        cue = "左右".into();
    }
    let btrim = trim_end_spaces(before);

    // The cue closest to the number wins; among cues ending at the same place, the longest.
    let mut best: Option<(usize, usize, &str, Comparison)> = None;
    // `不低于符合交流条件人数的15%`: a base ending in 的 may stand between the cue and the value.
    let near = if btrim.last() == Some(&'的') { 20 } else { 8 };
    for (k, hit) in rightmost_near(cue_set(), CUE_WORDS.len(), btrim, near)
        .into_iter()
        .enumerate()
    {
        if let Some((at, n)) = hit {
            let (w, c) = CUE_WORDS[k];
            let e = at + n;
            if best.is_none_or(|(bk, be, _, _)| e > be || (e == be && at < bk)) {
                best = Some((at, e, w, c));
            }
        }
    }
    let cue_at = best.map(|(k, _, _, _)| k);
    if let Some((_, _, w, c)) = best {
        if op == Comparison::Equal {
            op = c;
        }
        cue = if cue.is_empty() {
            w.to_string()
        } else {
            format!("{w}…{cue}")
        };
    }
    // `增长10%`, `提高5个百分点`, `降低…`: a relative change.
    if cue_at.is_none() {
        for w in ["增长", "提高", "提升", "增加", "降低", "减少", "下降"] {
            if ends(btrim, w) {
                if unit == "%" || unit == "个百分点" {
                    op = Comparison::MoreThan;
                    cue = w.to_string();
                }
                break;
            }
        }
    }
    if num.value_max.is_some() {
        op = Comparison::Range;
    }
    let stripped = strip_hedge(before);
    let ind_start = num.start - stripped.len();
    let hedge_text = hedge_of(before);
    let per_unit = ["每", "各"].iter().any(|w| find(stripped, w).is_some());
    // Indicator.
    let indicator_norm: String;
    let mut span_end = after;
    let ind_chars = strip_cue_tail(&norm[ind_start..num.start]);
    if ind_chars.iter().filter(|&&c| is_han(c)).count() >= 2 {
        let base = cleaned.slice(ind_start, ind_start + ind_chars.len());
        let base = strip_cue_display(&base);
        // A count before its noun: `完成东部地区5所新建幼儿园的续建工程`, `至少建成1所中心幼儿园`.
        if unit != "%" {
            let rest = cleaned.slice(after, p.end);
            if rest.chars().next().is_some_and(is_han) {
                // `56人以上大班额`: a bound that describes the noun after it is no goal.
                if cue_at.is_none() && op != Comparison::Equal {
                    return None;
                }
                span_end = p.end;
                indicator_norm = format!("{base}{rest}");
            } else {
                indicator_norm = base;
            }
        } else if unit == "%"
            && !is_rate_word(ind_chars)
            && prev_indicator.is_some()
            && ind_chars.len() <= 6
        {
            indicator_norm = format!("{}({base})", prev_indicator.clone().unwrap_or_default());
        } else {
            indicator_norm = base;
        }
    } else {
        // Elided: `幼儿园5所` after `新建续建小学2所`, or a bare value.
        let rest = cleaned.slice(after, p.end);
        if cue_at.is_none()
            && unit != "%"
            && rest.chars().next().is_some_and(is_han)
            && rest.chars().count() <= 12
        {
            span_end = p.end;
            indicator_norm = format!("{}{}", carried_verb.clone().unwrap_or_default(), rest);
        } else if unit == "%"
            && num.value_max.is_none()
            && ["完成", "达标", "覆盖", "实现", "落实", "到位", "合格"]
                .iter()
                .any(|w| starts(&norm[after..p.end], w))
        {
            // `确保100%完成…任务`: the share comes before its verb.
            span_end = p.end;
            indicator_norm = format!("{rest}(比例)");
        } else {
            return None;
        }
    }
    let mut indicator = indicator_norm;
    if ind_chars.iter().filter(|&&c| is_han(c)).count() >= 2
        && !count_verbs().any_in(stripped)
        && unit != "%"
        && cue_at.is_none()
        && carried_verb.is_some()
        && span_end == after
    {
        indicator = match breakdown_of {
            Some(total) => format!("{total}({indicator})"),
            None => format!("{}{}", carried_verb.clone().unwrap_or_default(), indicator),
        };
    }
    // A count needs an action or a cue; a bare noun + count is a fact, not a goal.
    // `2所新建学校9月底前交付使用`: the verb may follow the counted noun.
    let rest_norm = &norm[after.min(p.end)..p.end];
    let has_action = cue_at.is_some()
        || op != Comparison::Equal
        || [
            "交付",
            "投入使用",
            "竣工",
            "开工",
            "复工",
            "建成",
            "完成",
            "实施",
            "启用",
            "投用",
        ]
        .iter()
        .any(|w| find(rest_norm, w).is_some())
        || count_verbs().any_in(stripped)
        || carried_verb.is_some()
        || breakdown_of.is_some()
        || hedge_text.is_some()
        || unit == "%";
    if !has_action {
        return None;
    }
    let magnitude_norm = magnitude.map(|(m, base_unit)| Normalized {
        value: num.value * m,
        unit: base_unit.to_string(),
    });
    let span_start = hedge_start(norm, p.start, ind_start);
    Some(Target {
        path: path.to_vec(),
        text: cleaned.slice(span_start, span_end),
        start: span_start,
        end: span_end,
        indicator,
        op,
        value: Some(num.value),
        value_max: num.value_max,
        unit: if unit.is_empty() {
            "%".to_string()
        } else {
            cleaned.slice(num.end, num.end + unit_len)
        },
        unit_in_text: !unit.is_empty(),
        normalized: magnitude_norm,
        deadline: None,
        cue,
        hedge: hedge_text,
        per_unit,
        masked: false,
    })
}

fn hedge_of(before: &[char]) -> Option<String> {
    HEDGES
        .iter()
        .find(|h| find(before, h).is_some())
        .map(|h| (*h).to_string())
}

/// The span starts at the hedge when one leads the clause (`确保…`, `争取…`).
fn hedge_start(norm: &[char], piece_start: usize, ind_start: usize) -> usize {
    let mut s = piece_start;
    while s < ind_start && norm[s].is_whitespace() {
        s += 1;
    }
    let lead = &norm[s..ind_start];
    if HEDGES.iter().any(|h| find(lead, h).is_some()) {
        let k = HEDGES
            .iter()
            .filter_map(|h| find(lead, h))
            .min()
            .unwrap_or(0);
        return s + k;
    }
    ind_start
}

fn trim_start_spaces(s: &[char]) -> &[char] {
    let k = s.iter().position(|c| !c.is_whitespace()).unwrap_or(s.len());
    &s[k..]
}

fn trim_end_spaces(s: &[char]) -> &[char] {
    let mut e = s.len();
    while e > 0 && s[e - 1].is_whitespace() {
        e -= 1;
    }
    &s[..e]
}

fn ends_with_any(s: &[char], ws: &[&str]) -> bool {
    let s = trim_end_spaces(s);
    ws.iter().any(|w| ends(s, w))
}

const CUE_TAILS: [&str; 34] = [
    "不低于同类人员的",
    "不低于",
    "不少于",
    "不小于",
    "至少",
    "不超过",
    "不高于",
    "控制在",
    "降至",
    "降到",
    "保持在",
    "稳定在",
    "维持在",
    "提高到",
    "提高至",
    "增加到",
    "增加至",
    "提升到",
    "提升至",
    "增至",
    "达到或超过",
    "不超出",
    "减少到",
    "下降到",
    "下降至",
    "达到",
    "达",
    "为",
    "到",
    "约",
    "近",
    "接近",
    "超过",
    "保持",
];

/// The indicator part of the text before a number: drops the cue at its end.
fn strip_cue_tail(before: &[char]) -> &[char] {
    let mut t = trim_end_spaces(before);
    // The first cue of the list (longest forms first) found near the end is cut off.
    let near = if t.last() == Some(&'的') { 20 } else { 10 };
    let hits = rightmost_near(cue_tail_set(), CUE_TAILS.len(), t, near);
    if let Some((k, _)) = hits.into_iter().flatten().find(|&(k, _)| k > 0) {
        t = &t[..k];
    }
    let mut e = t.len();
    while e > 0 && matches!(t[e - 1], '的' | ' ' | '都' | '均') {
        e -= 1;
    }
    &t[..e]
}

fn strip_cue_display(s: &str) -> String {
    let mut t = s.trim().trim_end_matches(['的', '都', '均']);
    // `优良率提高5个百分点`: the verb of a relative change is not part of the indicator.
    for w in RELATIVE_VERBS {
        if let Some(x) = t.strip_suffix(w)
            && x.chars().count() >= 2
        {
            t = x;
            break;
        }
    }
    t.to_string()
}

/// Verbs of a relative change (`提高5个百分点`, `增长10%`).
const RELATIVE_VERBS: [&str; 10] = [
    "提高", "提升", "增长", "增加", "降低", "减少", "下降", "上升", "缩小", "缩短",
];

/// The count verb that opens `[s, e)` after any hedge, as printed.
fn leading_verb(cleaned: &Cleaned, s: usize, e: usize) -> Option<String> {
    let e = e.min(cleaned.norm.len());
    if s >= e {
        return None;
    }
    let text = &cleaned.norm[s..e];
    let rest = strip_hedge(text);
    // The verb opens the clause, perhaps after a manner word (`公开招聘`, `全面完成`).
    let verbs = count_verbs();
    let (k, len) = (0..rest.len().min(3)).find_map(|k| verbs.at(rest, k).map(|(_, n)| (k, n)))?;
    let at = s + (text.len() - rest.len()) + k;
    Some(cleaned.slice(at, at + len))
}

/// `A、B、C…率…N%`: the listed indicators share the value. Returns the targets for the names
/// before the last one, and the last one's own indicator (`t` is that last one).
fn shared_indicators(cleaned: &Cleaned, p: &Piece, t: &Target) -> (Vec<Target>, Option<String>) {
    if t.unit != "%" && t.unit != "％" {
        return (Vec::new(), None);
    }
    let from = t.start.max(p.start).min(t.end);
    let text = &cleaned.norm[from..t.end];
    let Some(last_sep) = text.iter().rposition(|&c| c == '、') else {
        return (Vec::new(), None);
    };
    let mut names: Vec<(usize, usize)> = Vec::new();
    let mut s = 0;
    for (k, &c) in text[..last_sep].iter().enumerate() {
        if c == '、' {
            names.push((s, k));
            s = k + 1;
        }
    }
    names.push((s, last_sep));
    if names
        .iter()
        .any(|&(a, b)| b == a || b - a > 8 || text[a..b].iter().any(|c| c.is_ascii_digit()))
    {
        return (Vec::new(), None);
    }
    // The shared head of the last indicator starts at its first head word: `校干|年交流比例`.
    let last: Vec<char> = cleaned.norm[from + last_sep + 1..t.end].to_vec();
    let ind_len = strip_cue_tail(&last).len();
    let last = &last[..ind_len];
    let Some(split) = [
        "年",
        "交流",
        "比例",
        "覆盖率",
        "合格率",
        "优良率",
        "达标率",
        "入学率",
        "率",
    ]
    .iter()
    .filter_map(|w| find(last, w).filter(|&k| k > 0))
    .min() else {
        return (Vec::new(), None);
    };
    let head_start = from + last_sep + 1;
    let suffix = cleaned.slice(head_start + split, head_start + ind_len);
    let extras = names
        .iter()
        .map(|&(a, b)| {
            let mut x = t.clone();
            x.indicator = format!("{}{suffix}", cleaned.slice(from + a, from + b));
            x
        })
        .collect();
    (
        extras,
        Some(cleaned.slice(head_start, head_start + ind_len)),
    )
}

/// `实现…全覆盖`: full coverage as the object of a goal verb is 100 %. The adjective
/// (`全覆盖的学习培训`) and the adverb (`全覆盖推动`) are not targets: the word must end the clause.
fn full_coverage(cleaned: &Cleaned, path: &[String], p: &Piece) -> Option<Target> {
    let norm = &cleaned.norm;
    let text = trim_end_spaces(&norm[p.start..p.end]);
    let word = ["全覆盖", "全面覆盖"].into_iter().find(|w| ends(text, w))?;
    let body = &text[..text.len() - word.chars().count()];
    let verb = ["实现", "达到", "做到", "基本实现", "确保"]
        .iter()
        .filter_map(|v| find(body, v).map(|k| (k, *v)))
        .min()?;
    let ind_start = verb.0 + verb.1.chars().count();
    let mut indicator = cleaned.slice(p.start + ind_start, p.start + body.len());
    let mut start = p.start + hedge_or(text, verb.0);
    if indicator.chars().filter(|&c| is_han(c)).count() < 2 {
        // `全区中小学智慧校园建设实现全覆盖`: the subject stands before the verb.
        let subject = strip_hedge(&text[..verb.0]);
        let from = verb.0 - subject.len();
        indicator = cleaned.slice(p.start + from, p.start + verb.0);
        if indicator.chars().filter(|&c| is_han(c)).count() < 2 {
            return None;
        }
        start = p.start + hedge_or(text, from);
    }
    Some(Target {
        indicator: format!("{}覆盖率", indicator.trim_end_matches('的')),
        op: Comparison::Equal,
        value: Some(100.0),
        unit: "%".into(),
        unit_in_text: false,
        cue: format!("{}…{word}", verb.1),
        hedge: hedge_of(&text[..verb.0]),
        ..blank_target(cleaned, path, start, p.start + text.len())
    })
}

/// `每个乡镇都有一所公办中心幼儿园`: one (or a few) for every unit, written in Chinese numerals.
fn chinese_count(cleaned: &Cleaned, path: &[String], p: &Piece) -> Option<Target> {
    let norm = &cleaned.norm;
    let text = &norm[p.start..p.end];
    let per = ["每个", "每所", "每一个", "各"]
        .iter()
        .filter_map(|w| find(text, w))
        .min()?;
    for verb in [
        "都有",
        "建有",
        "都建有",
        "至少有",
        "建成",
        "有",
        "办",
        "配备",
        "设立",
    ] {
        let Some(k) = find(&text[per..], verb).map(|k| k + per) else {
            continue;
        };
        let at = k + verb.chars().count();
        let Some((value, j)) = crate::outline::markers::parse_cn_number(text, at) else {
            continue;
        };
        let Some(&unit) = text
            .get(j)
            .filter(|c| matches!(c, '所' | '个' | '名' | '支' | '间' | '家'))
        else {
            continue;
        };
        let start = p.start + hedge_or(text, per);
        let end = p.end;
        let noun = cleaned.slice(p.start + j + 1, end);
        let who = cleaned.slice(p.start + per, p.start + k);
        return Some(Target {
            indicator: format!("{noun}({who})"),
            op: Comparison::Equal,
            value: Some(f64::from(value)),
            unit: unit.to_string(),
            cue: verb.to_string(),
            per_unit: true,
            hedge: hedge_of(&text[..per]),
            ..blank_target(cleaned, path, start, end)
        });
    }
    None
}

fn hedge_or(text: &[char], fallback: usize) -> usize {
    HEDGES
        .iter()
        .filter_map(|h| find(&text[..fallback], h))
        .min()
        .unwrap_or(fallback)
}

#[cfg(test)]
mod tests {
    use duban_core::plan::{Comparison, SourceFormat, SourceInfo, Target};

    use crate::{ImportOptions, import_text};

    fn targets(text: &str) -> Vec<Target> {
        let source = SourceInfo {
            file: "t.txt".into(),
            format: SourceFormat::Txt,
            encoding: "UTF-8".into(),
            script: duban_core::plan::Script::Simplified,
        };
        import_text(text, source, &ImportOptions::default()).targets
    }

    fn one(text: &str) -> Target {
        let t = targets(text);
        assert_eq!(t.len(), 1, "{text}: {t:?}");
        t.into_iter().next().unwrap_or_else(|| unreachable!())
    }

    #[test]
    fn rates_with_at_least_cues_are_targets() {
        let t = one("一、学前教育\n1、扩大资源。全县学前三年毛入园率达到95%以上。");
        assert_eq!(
            (t.op, t.value, t.unit.as_str()),
            (Comparison::AtLeast, Some(95.0), "%")
        );
        assert_eq!(t.indicator, "全县学前三年毛入园率");
        assert_eq!(t.path, ["一、", "1、"]);
        let t = one("一、队伍\n1、教师交流。交流比例不低于10%。");
        assert_eq!((t.op, t.value), (Comparison::AtLeast, Some(10.0)));
    }

    #[test]
    fn ceilings_approximations_and_keeps_are_read() {
        let t = one("一、安全\n1、控制班额。大班额比例控制在5%以内。");
        assert_eq!(t.op, Comparison::AtMost);
        let t = one("一、经费\n1、保障投入。全年安排资金约3000万元。");
        assert_eq!((t.op, t.unit.as_str()), (Comparison::About, "万元"));
        assert_eq!(
            t.normalized.map(|n| (n.value, n.unit)),
            Some((30_000_000.0, "元".to_string()))
        );
        let t = one("一、质量\n1、巩固成果。义务教育巩固率保持在99%。");
        assert_eq!(t.op, Comparison::Equal);
    }

    #[test]
    fn counts_after_an_action_verb_are_targets_and_elided_verbs_carry_over() {
        let t = targets("一、建设\n1、推进工程。新建小学3所,幼儿园4所。");
        assert_eq!(t.len(), 2, "{t:?}");
        assert_eq!((t[0].value, t[0].unit.as_str()), (Some(3.0), "所"));
        assert_eq!(t[1].indicator, "新建幼儿园");
        let t = one("一、建设\n1、推进工程。争取改扩建学校2-4所。");
        assert_eq!(
            (t.op, t.value, t.value_max),
            (Comparison::Range, Some(2.0), Some(4.0))
        );
        assert_eq!(t.hedge.as_deref(), Some("争取"));
    }

    #[test]
    fn a_rate_without_its_percent_sign_gets_an_implied_unit() {
        let t = one("一、普及\n1、高中教育。高中阶段毛入学率达92以上。");
        assert_eq!((t.unit.as_str(), t.unit_in_text), ("%", false));
    }

    #[test]
    fn deadlines_are_attached_to_the_targets_of_their_sentence() {
        let t = one("一、目标\n1、普及学前教育。到2027年,全区普惠性幼儿园覆盖率达到90%以上。");
        let d = t.deadline.unwrap_or_else(|| panic!("deadline missing"));
        assert_eq!((d.year, d.iso.as_deref()), (Some(2027), Some("2027-12-31")));
        let t = one("一、目标\n1、建设。6月底前新建食堂2个。");
        assert_eq!(t.deadline.and_then(|d| d.month), Some(6));
    }

    #[test]
    fn ordinals_slogans_dates_ages_and_codes_are_not_targets() {
        let none = [
            "一、活动\n1、办好第十五届运动会和第3批试点。",
            "一、品牌\n1、推进体艺“2+1”项目和“10分钟健身圈”建设。",
            "一、宣传\n1、学习《三年行动计划(2021-2025年)》。",
            "一、早教\n1、开展0-3岁婴幼儿家长培训。",
            "一、文件\n1、落实教基〔2017〕3号文件精神,于2024年3月27日完成。",
            "一、回顾\n1、截至目前已完成校舍改造12所。",
        ];
        for text in none {
            assert!(targets(text).is_empty(), "{text}: {:?}", targets(text));
        }
    }

    #[test]
    fn results_in_a_review_section_are_not_targets() {
        let t = targets(
            "一、2024年工作完成情况\n全年新建幼儿园5所,入园率达到93%。\n二、2025年工作安排\n1、扩容。新建幼儿园6所。",
        );
        assert_eq!(t.len(), 1, "{t:?}");
        assert_eq!(t[0].value, Some(6.0));
    }

    #[test]
    fn baselines_percentage_ranges_and_full_coverage_are_read() {
        let t = one("一、质量\n1、提升体质。优良率从40%提高到50%。");
        assert_eq!((t.value, t.op), (Some(50.0), Comparison::AtLeast));
        let t = one("一、质量\n1、提升体质。合格率保持在90%-95%。");
        assert_eq!(
            (t.value, t.value_max, t.op),
            (Some(90.0), Some(95.0), Comparison::Range)
        );
        let t = one("一、均衡\n1、推进集团化。实现城乡学校结对帮扶全覆盖。");
        assert_eq!(
            (t.value, t.unit.as_str(), t.unit_in_text),
            (Some(100.0), "%", false)
        );
        assert!(targets("一、学习\n1、培训。开展全覆盖的学习培训,全覆盖推动落实。").is_empty());
    }

    #[test]
    fn rates_per_population_life_expectancy_and_relative_changes_are_read() {
        let t = one("一、妇幼\n1、保障安全。孕产妇死亡率控制在10/10万以下。");
        assert_eq!(
            (t.op, t.value, t.unit.as_str()),
            (Comparison::AtMost, Some(10.0), "/10万")
        );
        let t = one("一、健康\n1、提升水平。人均预期寿命达到80.5岁。");
        assert_eq!((t.value, t.unit.as_str()), (Some(80.5), "岁"));
        let t = one("一、体质\n1、提升体质。学生体质健康优良率提高5个百分点。");
        assert_eq!(
            (t.op, t.indicator.as_str()),
            (Comparison::MoreThan, "学生体质健康优良率")
        );
        let t = one("一、体育\n1、指导。每千人拥有社会体育指导员3名。");
        assert!(t.per_unit);
    }

    #[test]
    fn parts_after_qi_zhong_name_their_total() {
        let t =
            targets("一、队伍\n1、补充教师。公开招聘教师120名,其中幼儿教师40名、中小学教师80名。");
        assert_eq!(t.len(), 3, "{t:?}");
        assert_eq!(t[1].indicator, "公开招聘教师(幼儿教师)");
        assert_eq!(t[2].value, Some(80.0));
    }

    #[test]
    fn fuzz_regression_a_count_after_an_earlier_count_in_a_table_cell_does_not_panic() {
        // Found by the pipeline fuzz target: the sub-clause start passed the previous number's end.
        let text = "序号 | 目标任务 | 配合单位 | 完成时限 |\n1 | 新增学位600个 | 基建科、计财科 | 2026-12-31 |\n";
        let t = targets(text);
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].value, Some(600.0));
    }

    #[test]
    fn targets_in_table_cells_do_not_take_the_cell_separator() {
        let t = one("序号 | 工作任务 | 牵头单位 |\n1 | 新建幼儿园3所。 | 基建科 |\n");
        assert_eq!(
            (t.text.as_str(), t.indicator.as_str()),
            ("新建幼儿园3所", "新建幼儿园")
        );
    }

    #[test]
    fn a_target_wrapped_across_lines_of_a_pdf_copy_is_still_read() {
        let text = "一、发展目标\n1.普及学前教育。扩大普惠资源,完善保障机制,加强教师队伍建设,全县学前三年毛入园率达到\n95%以上,普惠性幼儿园覆盖率达到85%以上,公办园在园幼儿占比达到\n50%以上。积极推进集团化办园,提高保教质量。\n2.均衡发展。";
        let t = targets(text);
        assert_eq!(
            t.iter().map(|t| t.value).collect::<Vec<_>>(),
            [Some(95.0), Some(85.0), Some(50.0)],
            "{t:?}"
        );
    }

    #[test]
    fn a_share_written_before_its_verb_is_a_target() {
        let t = one("一、建设\n1、推进工程。确保100%完成年度校舍改造任务。");
        assert_eq!(
            (t.value, t.unit.as_str(), t.op),
            (Some(100.0), "%", Comparison::Equal)
        );
        assert_eq!(t.indicator, "完成年度校舍改造任务(比例)");
    }

    #[test]
    fn the_preamble_goals_are_targets_without_a_path_but_the_notice_numbers_are_not() {
        let text = "某区教育局2025年工作要点\n发布时间:2025-02-10 09:30\n区教文〔2025〕3号\n2025年全区教育工作的总体目标是:学前三年毛入园率达到95%以上。\n一、加强党建\n1.深化学习。";
        let t = one(text);
        assert_eq!((t.path.len(), t.value), (0, Some(95.0)));
    }

    #[test]
    fn masked_values_are_flagged_not_invented() {
        let t = one("一、目标\n1、普及。学前三年毛入园率达到%。");
        assert!(t.masked);
        assert_eq!(t.value, None);
    }

    #[test]
    fn full_width_text_reads_like_half_width() {
        let t = one("一、目标\n１、普及。全区学前三年入园率达到９８％以上。");
        assert_eq!((t.value, t.op), (Some(98.0), Comparison::AtLeast));
    }
}
