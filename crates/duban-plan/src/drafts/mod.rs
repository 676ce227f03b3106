//! Task drafts: one per actionable sentence group of an item (or bullet, or table row), with its
//! targets and a lead unit suggested by editable keyword rules.
//!
//! A draft is a proposal: the supervisor confirms owners, deadlines and frequency before it
//! becomes a task. Units the document names itself (`（责任科室：…）`, a 牵头单位 column) are
//! carried in `lead_unit`/`co_units` and win over the keyword suggestion.

use duban_core::plan::{Draft, Node, NodeKind};
use serde::Deserialize;

use crate::clean::Cleaned;
use crate::keywords::KeywordSet;
use crate::outline::Outline;
use crate::outline::markers::is_han;
use crate::targets::Found;

/// The default rules, embedded so the binary needs no files; `duban rules example` prints them.
pub const DEFAULT_RULES_TOML: &str = include_str!("default_rules.toml");

/// One rule: a unit and the keywords that point to it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct UnitRule {
    /// The unit's name (`学前教育科`).
    pub unit: String,
    /// Keywords in simplified characters.
    pub keywords: Vec<String>,
}

/// Keyword → unit rules, in priority order.
#[derive(Debug, Clone, Deserialize)]
pub struct UnitRules {
    /// The rules; earlier rules win ties.
    #[serde(rename = "rule", default)]
    pub rules: Vec<UnitRule>,
    /// Every keyword of every rule, indexed once: `(rule, weight)` per keyword.
    #[serde(skip)]
    index: std::sync::OnceLock<(KeywordSet, Vec<(usize, usize)>)>,
}

impl PartialEq for UnitRules {
    fn eq(&self, other: &Self) -> bool {
        self.rules == other.rules
    }
}

impl Eq for UnitRules {}

impl Default for UnitRules {
    fn default() -> Self {
        // The embedded file is checked by a unit test, so this cannot fail in a release.
        Self::from_toml(DEFAULT_RULES_TOML).unwrap_or(UnitRules {
            rules: Vec::new(),
            index: std::sync::OnceLock::new(),
        })
    }
}

impl UnitRules {
    /// Parses a rules file. The message says in Chinese what is wrong and where.
    pub fn from_toml(text: &str) -> Result<Self, String> {
        let rules: UnitRules =
            toml::from_str(text).map_err(|e| format!("规则文件格式错误：{e}"))?;
        for (k, r) in rules.rules.iter().enumerate() {
            if r.unit.trim().is_empty() {
                return Err(format!("规则文件第 {} 条规则缺少 unit（科室名称）", k + 1));
            }
            if r.keywords.iter().all(|w| w.trim().is_empty()) {
                return Err(format!("规则文件中“{}”没有关键词", r.unit));
            }
        }
        Ok(rules)
    }

    /// The unit whose keywords best match `norm_text` (simplified), if any keyword matches.
    pub fn suggest(&self, norm_text: &str) -> Option<&str> {
        let (set, owners) = self.index();
        let text: Vec<char> = norm_text.chars().collect();
        self.best(&[&text], set, owners)
    }

    /// Like [`UnitRules::suggest`], over several pieces of already normalised text.
    pub fn suggest_in(&self, parts: &[&[char]]) -> Option<&str> {
        let (set, owners) = self.index();
        self.best(parts, set, owners)
    }

    fn index(&self) -> &(KeywordSet, Vec<(usize, usize)>) {
        self.index.get_or_init(|| {
            let mut words = Vec::new();
            let mut owners = Vec::new();
            for (r, rule) in self.rules.iter().enumerate() {
                for w in rule.keywords.iter().filter(|w| !w.is_empty()) {
                    words.push(w.clone());
                    owners.push((r, w.chars().count()));
                }
            }
            (KeywordSet::new(&words), owners)
        })
    }

    fn best(&self, parts: &[&[char]], set: &KeywordSet, owners: &[(usize, usize)]) -> Option<&str> {
        let mut scores = vec![0usize; self.rules.len()];
        for text in parts {
            set.for_each_match(text, |_, k, _| {
                let (r, weight) = owners[k];
                scores[r] += weight;
            });
        }
        let mut best: Option<(usize, usize)> = None;
        for (r, &score) in scores.iter().enumerate() {
            if score > 0 && best.is_none_or(|(b, _)| score > b) {
                best = Some((score, r));
            }
        }
        best.map(|(_, r)| self.rules[r].unit.as_str())
    }
}

/// Headings whose text states principles: no tasks come from them (nor from reviews of the past,
/// see [`crate::targets::REVIEW_HEADINGS`]).
const PRINCIPLE_HEADINGS: [&str; 6] = [
    "指导思想",
    "总体要求",
    "基本原则",
    "工作原则",
    "总体思路",
    "指导原则",
];

/// Verbs that make a sentence an action someone can be charged with.
const ACTION_WORDS: [&str; 48] = [
    "加强", "推进", "完成", "建立", "健全", "完善", "开展", "实施", "落实", "做好", "提高", "提升",
    "创建", "新建", "建设", "组织", "深化", "推动", "加快", "确保", "争取", "力争", "启动", "举办",
    "制定", "修订", "规范", "扩大", "促进", "强化", "抓好", "培训", "招聘", "达到", "探索", "构建",
    "优化", "改善", "加大", "取缔", "整治", "配备", "推行", "实行", "保障", "宣传", "开设", "办好",
];

/// Makes the drafts.
pub fn make(cleaned: &Cleaned, outline: &Outline, found: &Found, rules: &UnitRules) -> Vec<Draft> {
    let mut out = preamble_drafts(cleaned, outline, found, rules);
    fn walk(
        cleaned: &Cleaned,
        nodes: &[Node],
        cells: &[(usize, usize, usize)],
        found: &Found,
        rules: &UnitRules,
        skip: bool,
        out: &mut Vec<Draft>,
    ) {
        for n in nodes {
            let title_norm = cleaned.norm_slice(n.start, n.title_end.max(n.start));
            let skip_here = skip
                || PRINCIPLE_HEADINGS
                    .iter()
                    .chain(crate::targets::REVIEW_HEADINGS.iter())
                    .any(|h| title_norm.contains(h));
            if !skip_here {
                drafts_of_node(cleaned, n, cells, found, rules, out);
            }
            walk(cleaned, &n.children, cells, found, rules, skip_here, out);
        }
    }
    walk(
        cleaned,
        &outline.nodes,
        &outline.task_cells,
        found,
        rules,
        false,
        &mut out,
    );
    // A task without a target still has the deadline its sentence names (`6月底前完成…`).
    for d in out.iter_mut().filter(|d| d.due.is_none()) {
        d.due = crate::targets::deadline_in(cleaned, d.start, d.end, outline.plan_year)
            .map(|dl| dl.iso.unwrap_or(dl.text));
    }
    out
}

/// The preamble's overall goals (`全年…满意度达到92%以上`) are tasks too: one draft per sentence
/// that carries a target, with an empty path.
fn preamble_drafts(
    cleaned: &Cleaned,
    outline: &Outline,
    found: &Found,
    rules: &UnitRules,
) -> Vec<Draft> {
    let Some(first) = outline.nodes.first().map(|n| n.start) else {
        return Vec::new();
    };
    let from = outline.title_end.min(first);
    sentence_ranges(&cleaned.norm, from, first)
        .into_iter()
        .filter(|&(a, b)| found.overlapping(a, b).next().is_some())
        .map(|(a, b)| {
            let text = cleaned.slice(a, b).replace(['\n', '\r'], "");
            Draft {
                path: Vec::new(),
                title: head_of(&text),
                start: a,
                end: b,
                suggested_unit: rules.suggest_in(&[&cleaned.norm[a..b]]).map(str::to_string),
                targets: found.overlapping(a, b).collect(),
                lead_unit: None,
                co_units: Vec::new(),
                leader: None,
                due: None,
                text,
            }
        })
        .collect()
}

fn is_action(norm: &[char]) -> bool {
    static SET: std::sync::OnceLock<KeywordSet> = std::sync::OnceLock::new();
    SET.get_or_init(|| KeywordSet::new(&ACTION_WORDS))
        .any_in(norm)
}

/// Sentence ranges of `[from, to)`, split at `。！？；` (and `|` cells for table rows).
fn sentence_ranges(norm: &[char], from: usize, to: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut s = from;
    for i in from..to {
        if matches!(norm[i], '。' | '!' | '！' | '?' | '？' | ';' | '；') {
            out.push((s, i + 1));
            s = i + 1;
        }
    }
    if s < to {
        out.push((s, to));
    }
    out.into_iter()
        .map(|(a, b)| {
            let mut a = a;
            let mut b = b;
            while a < b && (norm[a].is_whitespace()) {
                a += 1;
            }
            while b > a && norm[b - 1].is_whitespace() {
                b -= 1;
            }
            (a, b)
        })
        .filter(|(a, b)| norm[*a..*b].iter().filter(|&&c| is_han(c)).count() >= 4)
        .collect()
}

fn drafts_of_node(
    cleaned: &Cleaned,
    n: &Node,
    cells: &[(usize, usize, usize)],
    found: &Found,
    rules: &UnitRules,
    out: &mut Vec<Draft>,
) {
    let norm = &cleaned.norm;
    let own_end = n
        .children
        .first()
        .map_or(n.end, |c| c.start.min(n.end))
        .max(n.start);
    let marker_len = n.marker.chars().count();
    let body_start = (n.start + marker_len).min(own_end);
    let has_children = !n.children.is_empty();

    let (from, to) = if n.kind == NodeKind::Row {
        cells
            .iter()
            .find(|c| c.0 == n.start)
            .map_or_else(|| longest_cell(norm, n.start, n.end), |c| (c.1, c.2))
    } else {
        (body_start, own_end)
    };
    // The responsibility note is not part of the task's words.
    let to = crate::outline::tree_note_start(norm, from, to).unwrap_or(to);
    let mut groups = sentence_ranges(norm, from, to);
    // The first sentence is the title; keep it as its own draft only when nothing else follows.
    let title_end = n.title_end.clamp(from, to);
    if n.kind != NodeKind::Row && groups.len() > 1 && groups[0].1 <= title_end + 1 {
        groups.remove(0);
    }
    // Merge fragments shorter than a clause into the group before.
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for g in groups {
        let han = norm[g.0..g.1].iter().filter(|&&c| is_han(c)).count();
        match merged.last_mut() {
            Some(last) if han < 10 => last.1 = g.1,
            _ => merged.push(g),
        }
    }
    let has_target = |a: usize, b: usize| {
        found.overlapping(a, b).any(|k| {
            let t = &found.targets[k];
            t.start >= a && t.end <= b
        })
    };
    // A heading's introduction is usually framing for its children; only its targets make tasks.
    let actionable: Vec<(usize, usize)> = merged
        .into_iter()
        .filter(|&(a, b)| has_target(a, b) || (!has_children && is_action(&cleaned.norm[a..b])))
        .collect();
    if actionable.is_empty() {
        // A bare heading without children (a table of contents entry) is one task.
        if !has_children && n.title_end > body_start {
            out.push(draft(
                cleaned,
                n,
                (body_start, n.title_end),
                found,
                rules,
                true,
            ));
        }
        return;
    }
    let node_first = out.len();
    for (k, g) in actionable.iter().enumerate() {
        let d = draft(cleaned, n, *g, found, rules, k == 0);
        // Pages that print a sentence twice should not give two tasks.
        if !out[node_first..].iter().any(|o: &Draft| o.text == d.text) {
            out.push(d);
        }
    }
}

fn longest_cell(norm: &[char], from: usize, to: usize) -> (usize, usize) {
    let mut best = (from, from);
    let mut s = from;
    for i in from..=to {
        if i == to || norm[i] == '|' {
            if i - s > best.1 - best.0 {
                best = (s, i);
            }
            s = i + 1;
        }
    }
    best
}

fn draft(
    cleaned: &Cleaned,
    n: &Node,
    (a, b): (usize, usize),
    found: &Found,
    rules: &UnitRules,
    first: bool,
) -> Draft {
    let text = cleaned.slice(a, b).replace(['\n', '\r'], "");
    let title = if first && !n.title.is_empty() {
        n.title.clone()
    } else {
        head_of(&text)
    };
    let targets: Vec<usize> = found.overlapping(a, b).collect();
    let due = n.due.clone().or_else(|| {
        targets
            .iter()
            .filter_map(|&k| found.targets[k].deadline.as_ref())
            .map(|d| d.iso.clone().unwrap_or_else(|| d.text.clone()))
            .next()
    });
    Draft {
        path: n.path.clone(),
        title,
        text,
        start: a,
        end: b,
        suggested_unit: rules
            .suggest_in(&[
                &cleaned.norm[n.start..n.title_end.max(n.start)],
                &cleaned.norm[a..b],
            ])
            .map(str::to_string),
        targets,
        lead_unit: n.lead_unit.clone(),
        co_units: n.co_units.clone(),
        leader: n.leader.clone(),
        due,
    }
}

/// A short title for a sentence: its first clause, at most 30 characters.
fn head_of(text: &str) -> String {
    // The first clause that says something: `到2015年,` or `其中,` alone is not a title.
    let clauses = text.split([',', '，', '。', ';', '；', ':', '：']);
    let mut clause = "";
    for c in clauses {
        clause = c.trim();
        let han = clause.chars().filter(|&ch| is_han(ch)).count();
        let year_only = clause.chars().filter(|ch| ch.is_ascii_digit()).count() >= 4 && han <= 3;
        // `对无正当理由延误工作的,` states a condition; the action follows.
        let condition = clause.ends_with('的');
        if han >= 4 && !year_only && !condition {
            break;
        }
    }
    if clause.chars().count() > 30 {
        let mut s: String = clause.chars().take(29).collect();
        s.push('…');
        s
    } else {
        clause.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_rules_parse_and_name_the_bureau_departments() {
        let rules = UnitRules::from_toml(DEFAULT_RULES_TOML).expect("embedded rules parse");
        for unit in [
            "学前教育科",
            "基础教育科",
            "人事科",
            "体卫艺科",
            "计财科",
            "安全科",
            "基建科",
            "督导室",
            "办公室",
            "信访办",
        ] {
            assert!(rules.rules.iter().any(|r| r.unit == unit), "{unit} missing");
        }
        assert_eq!(UnitRules::default(), rules);
    }

    #[test]
    fn suggestions_follow_the_strongest_keywords() {
        let rules = UnitRules::default();
        assert_eq!(
            rules.suggest("学前三年入园率达到97%以上"),
            Some("学前教育科")
        );
        assert_eq!(
            rules.suggest("教师、骨干教师、校干年交流比例不低于15%"),
            Some("人事科")
        );
        assert_eq!(rules.suggest("完成校安加固工程1.9万平方米"), Some("基建科"));
        assert_eq!(rules.suggest("今天天气很好"), None);
    }

    #[test]
    fn bad_rule_files_are_refused_with_a_chinese_message() {
        let err = UnitRules::from_toml("[[rule]]\nunit = \"\"\nkeywords = [\"a\"]").unwrap_err();
        assert!(err.contains("缺少 unit"), "{err}");
        let err = UnitRules::from_toml("[[rule]]\nunit = 3").unwrap_err();
        assert!(err.contains("格式错误"), "{err}");
    }
}
