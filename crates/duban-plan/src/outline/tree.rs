//! Builds the outline tree from marker candidates.
//!
//! A candidate becomes a node only when its position and its number fit: at a line start, after
//! a sentence end, or run onto a heading line; and as the next number of an open list, the first
//! number of a new list, or the continuation of the same list under the previous parent (026's
//! `二、` that opens with `3、`). Families nest by their order of appearance, corrected by the
//! conventional rank (一、 > （一） > 1. > （1） > ①) when a fragment starts deep and a higher
//! family appears later. Offsets are cleaned char indexes.

use std::collections::HashMap;

use duban_core::plan::{Node, NodeKind};

use super::lines::{Lines, is_terminator};
use super::markers::{Candidate, Style, candidate_at, is_han};
use super::table::Table;
use crate::clean::Cleaned;

#[derive(Debug, Clone, Copy)]
struct Frame {
    style: Style,
    ordinal: u32,
    /// Index into `accepted`.
    node: usize,
}

#[derive(Debug, Clone)]
struct Accepted {
    cand: Candidate,
    depth: usize,
    parent: Option<usize>,
}

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\u{3000}' | '\u{a0}' | '\r')
}

/// Where a candidate stands, as evidence that it really opens a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Position {
    /// First thing on a line.
    LineStart,
    /// After a sentence end or a run of spaces on the same line (flattened outlines).
    AfterBreak,
    /// Directly after text on a heading line that has not ended (`快速发展1、学前`).
    RunOn,
    /// Anywhere else: not a marker.
    Inside,
}

fn position(norm: &[char], lines: &Lines, c: &Candidate) -> Position {
    if lines.at_line_start(norm, c.start) {
        return Position::LineStart;
    }
    let Some(&prev) = c.start.checked_sub(1).and_then(|p| norm.get(p)) else {
        return Position::LineStart;
    };
    if c.style == Style::CnShi {
        return if matches!(
            prev,
            ',' | '，' | ';' | '；' | '。' | ':' | '：' | ' ' | '\n'
        ) || lines.at_line_start(norm, c.start)
        {
            Position::AfterBreak
        } else {
            Position::Inside
        };
    }
    if is_space(prev) || prev == '\n' {
        return Position::AfterBreak;
    }
    if matches!(
        prev,
        '。' | ';' | '；' | ':' | '：' | '!' | '！' | '?' | '？'
    ) {
        return Position::AfterBreak;
    }
    if is_han(prev) || prev == '”' || prev == '》' {
        return Position::RunOn;
    }
    Position::Inside
}

/// True when the node `open` was opened on the same logical line as `at` and no sentence has
/// ended between them: `at` is run onto its heading.
fn runs_on_heading(norm: &[char], lines: &Lines, open: &Candidate, at: usize) -> bool {
    if lines.hard_break_between(open.end, at) {
        return false;
    }
    !norm[open.end.min(at)..at]
        .iter()
        .any(|&c| matches!(c, '。' | ';' | '；' | ':' | '：'))
}

/// Builds the tree.
pub fn build(
    cleaned: &Cleaned,
    lines: &Lines,
    tables: &[Table],
    title_start: Option<usize>,
) -> Vec<Node> {
    let norm = &cleaned.norm;
    let mut accepted: Vec<Accepted> = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    // Last ordinal of a family at a depth, kept when its list is closed by a new parent.
    let mut memory: HashMap<(Style, usize), u32> = HashMap::new();
    let mut table_iter = tables.iter().peekable();
    // Table rows are attached after the accepted node that precedes them.
    let mut table_parents: Vec<(Option<usize>, &Table)> = Vec::new();

    let mut i = 0;
    while i < norm.len() {
        if let Some(t) = table_iter.peek()
            && i >= t.start
        {
            table_parents.push((stack.last().map(|f| f.node), t));
            i = t.end.max(i + 1);
            table_iter.next();
            continue;
        }
        let Some(mut cand) = candidate_at(norm, i) else {
            i += 1;
            continue;
        };
        // `——` bullets carry no number: count them within their list.
        if cand.style == Style::Dash
            && let Some(f) = stack.iter().rev().find(|f| f.style == Style::Dash)
        {
            cand.ordinal = f.ordinal + 1;
        }
        // The page-chunk counter in front of the title line.
        if title_start.is_some_and(|t| cand.end == t && cand.style == Style::Digit) {
            i = cand.end;
            continue;
        }
        let pos = position(norm, lines, &cand);
        let decision = match pos {
            Position::Inside => None,
            Position::RunOn => {
                let on_heading = stack.last().is_some_and(|f| {
                    runs_on_heading(norm, lines, &accepted[f.node].cand, cand.start)
                });
                if on_heading
                    && !cand.bare
                    && matches!(
                        cand.style,
                        Style::Digit | Style::CnParen | Style::DigitParen
                    )
                {
                    decide(&stack, &memory, &cand, false)
                } else {
                    None
                }
            }
            Position::AfterBreak => {
                if cand.bare
                    && !norm
                        .get(cand.start.wrapping_sub(1))
                        .is_some_and(|&c| is_space(c))
                {
                    None
                } else {
                    decide(&stack, &memory, &cand, false)
                }
            }
            Position::LineStart => decide(&stack, &memory, &cand, !cand.bare),
        };
        let Some(depth) = decision else {
            i += 1;
            continue;
        };
        while stack.len() > depth {
            if let Some(f) = stack.pop() {
                memory.insert((f.style, stack.len()), f.ordinal);
            }
        }
        // A new parent keeps its previous sibling's list for continuation (026), nothing deeper.
        memory.retain(|&(_, d), _| d <= depth + 1);
        let parent = stack.last().map(|f| f.node);
        accepted.push(Accepted {
            cand: cand.clone(),
            depth,
            parent,
        });
        stack.push(Frame {
            style: cand.style,
            ordinal: cand.ordinal,
            node: accepted.len() - 1,
        });
        i = cand.end;
    }
    for t in table_iter {
        table_parents.push((stack.last().map(|f| f.node), t));
    }

    assemble(cleaned, lines, &accepted, &table_parents)
}

/// Decides at which depth a candidate opens a node, if it does.
fn decide(
    stack: &[Frame],
    memory: &HashMap<(Style, usize), u32>,
    c: &Candidate,
    strong: bool,
) -> Option<usize> {
    if let Some(d) = stack.iter().rposition(|f| f.style == c.style) {
        let last = stack[d].ordinal;
        if c.ordinal == last + 1 {
            return Some(d);
        }
        if strong && c.ordinal > last + 1 && c.ordinal <= last + 3 {
            return Some(d);
        }
        if c.ordinal == 1 && strong && d + 1 == stack.len() && c.style != Style::CnComma {
            // Two lists in a row under one parent, both numbered from 1.
            return Some(d);
        }
        return None;
    }
    let mut depth = stack.len();
    while depth > 0 && stack[depth - 1].style.rank() > c.style.rank() {
        depth -= 1;
    }
    if c.ordinal == 1 {
        return Some(depth);
    }
    if memory
        .get(&(c.style, depth))
        .is_some_and(|&m| m + 1 == c.ordinal)
    {
        return Some(depth);
    }
    if strong && !stack.iter().any(|f| f.style.rank() >= c.style.rank()) {
        // A fragment that starts mid-list (`8、`, `17.` after hidden text).
        return Some(depth);
    }
    None
}

struct Tmp {
    node: Node,
    parent: Option<usize>,
}

fn assemble(
    cleaned: &Cleaned,
    lines: &Lines,
    accepted: &[Accepted],
    tables: &[(Option<usize>, &Table)],
) -> Vec<Node> {
    let norm = &cleaned.norm;
    let mut tmps: Vec<Tmp> = Vec::with_capacity(accepted.len());
    for (k, a) in accepted.iter().enumerate() {
        let next_start = accepted
            .get(k + 1)
            .map(|n| n.cand.start)
            .unwrap_or(norm.len())
            .min(
                tables
                    .iter()
                    .map(|(_, t)| t.start)
                    .filter(|&s| s >= a.cand.end)
                    .min()
                    .unwrap_or(norm.len()),
            );
        let mut ts = a.cand.end;
        while ts < next_start && is_space(norm[ts]) {
            ts += 1;
        }
        let bullet = matches!(a.cand.style, Style::CnShi | Style::Dash);
        let te = title_end(norm, lines, ts, next_start, bullet);
        let mut end = next_start;
        while end > ts && (is_space(norm[end - 1]) || norm[end - 1] == '\n') {
            end -= 1;
        }
        let kind = match (a.cand.style, a.depth) {
            (Style::CnShi | Style::Dash, _) => NodeKind::Bullet,
            (_, 0) => NodeKind::Section,
            (_, 1) => NodeKind::Item,
            _ => NodeKind::Subitem,
        };
        let (lead_unit, co_units) = match responsibility_note(norm, ts, end) {
            Some(note) => note_units(&cleaned.slice(note.content.0, note.content.1)),
            None => (None, Vec::new()),
        };
        let marker = cleaned.slice(a.cand.start, a.cand.end);
        let node = Node {
            path: Vec::new(),
            marker,
            ordinal: Some(a.cand.ordinal),
            level: (a.depth + 1).min(u8::MAX as usize) as u8,
            kind,
            title: title_text(cleaned, ts, te),
            start: a.cand.start,
            end: end.max(te),
            title_end: te,
            lead_unit,
            co_units,
            leader: None,
            due: None,
            children: Vec::new(),
        };
        tmps.push(Tmp {
            node,
            parent: a.parent,
        });
    }
    for (parent, table) in tables {
        let level = parent.map_or(1, |p| tmps[p].node.level + 1);
        for node in table.nodes(level) {
            tmps.push(Tmp {
                node,
                parent: *parent,
            });
        }
    }
    // Children in document order.
    let mut order: Vec<usize> = (0..tmps.len()).collect();
    order.sort_by_key(|&k| tmps[k].node.start);
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); tmps.len()];
    let mut roots = Vec::new();
    for &k in &order {
        match tmps[k].parent {
            Some(p) => children[p].push(k),
            None => roots.push(k),
        }
    }
    fn set_paths(node: &mut Node, path: &[String]) {
        let mut p = path.to_vec();
        p.push(path_label(node));
        for c in &mut node.children {
            set_paths(c, &p);
        }
        node.path = p;
    }
    fn build_node(k: usize, path: &[String], tmps: &[Tmp], children: &[Vec<usize>]) -> Node {
        let mut node = tmps[k].node.clone();
        let mut p = path.to_vec();
        p.push(path_label(&node));
        // Table section rows arrive with their task rows already inside.
        for c in &mut node.children {
            set_paths(c, &p);
        }
        node.children.extend(
            children[k]
                .iter()
                .map(|&c| build_node(c, &p, tmps, children)),
        );
        node.children.sort_by_key(|c| c.start);
        node.path = p;
        node
    }
    roots
        .iter()
        .map(|&k| build_node(k, &[], &tmps, &children))
        .collect()
}

/// How a node is named in a path: its marker, except that the N-th `——` bullet is `——N`.
fn path_label(node: &Node) -> String {
    if node.marker == "——" {
        format!("——{}", node.ordinal.unwrap_or(1))
    } else {
        node.marker.clone()
    }
}

/// End of a run-in title starting at `ts`, at most `limit`.
fn title_end(norm: &[char], lines: &Lines, ts: usize, limit: usize, bullet: bool) -> usize {
    let mut j = ts;
    let hard_end = lines.logical_line_end(ts).max(ts);
    while j < limit && j < hard_end {
        let c = norm[j];
        if matches!(c, '。' | '!' | '！' | '?' | '？' | ':' | '：') {
            break;
        }
        if bullet && matches!(c, ';' | '；') {
            break;
        }
        if c == ' ' && norm.get(j + 1) == Some(&' ') {
            break;
        }
        // One-line flattened outlines separate a heading from its body by one space.
        if c == ' '
            && j >= ts + 4
            && j > 0
            && is_han(norm[j - 1])
            && norm.get(j + 1).is_some_and(|&n| is_han(n))
        {
            break;
        }
        if matches!(c, '(' | '（') && is_note_start(norm, j) {
            break;
        }
        j += 1;
    }
    let mut e = j;
    while e > ts && (is_space(norm[e - 1]) || matches!(norm[e - 1], ',' | '，' | '、' | '\n')) {
        e -= 1;
    }
    e
}

fn title_text(cleaned: &Cleaned, ts: usize, te: usize) -> String {
    cleaned
        .slice(ts, te)
        .chars()
        .filter(|&c| c != '\n' && c != '\r')
        .collect()
}

const NOTE_HEADS: [&str; 10] = [
    "责任",
    "牵头",
    "主责",
    "承办",
    "负责",
    "责任单位",
    "落实单位",
    "实施单位",
    "主办",
    "配合",
];

fn is_note_start(norm: &[char], j: usize) -> bool {
    let rest: String = norm[j + 1..(j + 12).min(norm.len())].iter().collect();
    NOTE_HEADS.iter().any(|h| rest.starts_with(h)) && (rest.contains(':') || rest.contains('：'))
}

/// A responsibility note `（责任科室：A、B）` inside a node's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Note {
    /// Cleaned range of the whole note, brackets included.
    pub span: (usize, usize),
    /// Cleaned range of the units inside it.
    pub content: (usize, usize),
}

/// The first responsibility note in `[from, to)`.
pub fn responsibility_note(norm: &[char], from: usize, to: usize) -> Option<Note> {
    let to = to.min(norm.len());
    let mut j = from;
    while j < to {
        if matches!(norm[j], '(' | '（') && is_note_start(norm, j) {
            let colon = (j..to).find(|&k| matches!(norm[k], ':' | '：'))?;
            let close = (colon..to)
                .find(|&k| matches!(norm[k], ')' | '）'))
                .unwrap_or(to);
            let (mut a, mut b) = (colon + 1, close);
            while a < b && norm[a].is_whitespace() {
                a += 1;
            }
            while b > a && norm[b - 1].is_whitespace() {
                b -= 1;
            }
            if a < b {
                return Some(Note {
                    span: (j, (close + 1).min(to)),
                    content: (a, b),
                });
            }
        }
        j += 1;
    }
    None
}

/// Splits `A、B，C` into the lead unit and the co-units.
pub fn split_units(s: &str) -> (Option<String>, Vec<String>) {
    let mut parts = s
        .split(['、', ',', '，', ';', '；', '/', ' '])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string);
    let lead = parts.next();
    (lead, parts.collect())
}

/// The units of a note's content: `基建科；配合单位：计财科、督导室` has a lead unit and, after a
/// 配合/协同 label, co-units; further units of the first part are co-units too.
pub fn note_units(s: &str) -> (Option<String>, Vec<String>) {
    let mut lead = None;
    let mut co = Vec::new();
    for seg in s.split([';', '；']) {
        let (label, units) = match seg.find([':', '：']) {
            Some(i) => (&seg[..i], &seg[i..]),
            None => ("", seg),
        };
        let units = units.trim_start_matches([':', '：']);
        let is_co = ["配合", "协同", "协办", "参与"]
            .iter()
            .any(|w| label.contains(w));
        let (first, rest) = split_units(units);
        if !is_co && lead.is_none() {
            lead = first;
        } else {
            co.extend(first);
        }
        co.extend(rest);
    }
    (lead, co)
}

/// True when the text at `i` ends a sentence.
#[allow(dead_code)]
fn ends_sentence(c: char) -> bool {
    is_terminator(c)
}

#[cfg(test)]
mod tests {
    use duban_core::plan::{Node, NodeKind, SourceFormat, SourceInfo};

    use crate::{ImportOptions, import_text};

    fn outline(text: &str) -> Vec<(String, String, u8)> {
        let source = SourceInfo {
            file: "t.txt".into(),
            format: SourceFormat::Txt,
            encoding: "UTF-8".into(),
            script: duban_core::plan::Script::Simplified,
        };
        let plan = import_text(text, source, &ImportOptions::default());
        fn walk(nodes: &[Node], out: &mut Vec<(String, String, u8)>) {
            for n in nodes {
                out.push((n.path.concat(), n.title.clone(), n.level));
                walk(&n.children, out);
            }
        }
        let mut out = Vec::new();
        walk(&plan.nodes, &mut out);
        out
    }

    fn paths(text: &str) -> Vec<String> {
        outline(text).into_iter().map(|(p, _, _)| p).collect()
    }

    #[test]
    fn four_levels_nest_in_the_conventional_order() {
        let t = "一、总体目标\n(一)学前教育\n1.扩大资源。新建幼儿园。\n(1)城区。加快建设。\n(2)农村。补齐短板。\n2.提高质量。\n(二)义务教育\n二、保障措施\n";
        assert_eq!(
            paths(t),
            [
                "一、",
                "一、(一)",
                "一、(一)1.",
                "一、(一)1.(1)",
                "一、(一)1.(2)",
                "一、(一)2.",
                "一、(二)",
                "二、"
            ]
        );
        let o = outline(t);
        assert_eq!(o[2].1, "扩大资源");
        assert_eq!(o[3].2, 4);
    }

    #[test]
    fn full_width_markers_work_like_half_width() {
        let t = "一、目标\n（一）学前教育\n１．扩大资源。\n（１）城区。\n";
        assert_eq!(
            paths(t),
            [
                "一、",
                "一、（一）",
                "一、（一）１．",
                "一、（一）１．（１）"
            ]
        );
    }

    #[test]
    fn a_flattened_table_of_contents_on_one_line_is_split() {
        let t = "实施计划 一、指导思想 二、主要任务 (一)完善设施 1.优化布局 2.新建场地 (二)健全组织 1.发展组织 三、保障措施";
        assert_eq!(
            paths(t),
            [
                "一、",
                "二、",
                "二、(一)",
                "二、(一)1.",
                "二、(一)2.",
                "二、(二)",
                "二、(二)1.",
                "三、"
            ]
        );
        assert_eq!(outline(t)[3].1, "优化布局");
    }

    #[test]
    fn an_item_run_onto_its_section_line_and_numbering_continued_across_sections() {
        let t = "一、明确目标,加快发展1、普及目标。\n内容。\n2、低龄发展。\n二、改革体制,健全网络3、理顺体制。\n内容。";
        assert_eq!(paths(t), ["一、", "一、1、", "一、2、", "二、", "二、3、"]);
        assert_eq!(outline(t)[0].1, "明确目标,加快发展");
    }

    #[test]
    fn false_markers_do_not_open_nodes() {
        let t = "一、工作安排\n1、做好审批。争取3、4月份完成。\n2007年,全市入园率达到96%。\n3-6岁儿童指南。\n2、加快建设。";
        assert_eq!(paths(t), ["一、", "一、1、", "一、2、"]);
    }

    #[test]
    fn a_page_chunk_counter_before_the_title_is_neither_title_nor_node() {
        let t = "1、教育局2023年工作方案 围绕重点,完成以下工作: 一、抓好校舍安全 1落实扫尾工作。 2落实改造方案。争取3、4月份做好项\n2、目的审批。 3、积极争取资金。";
        assert_eq!(paths(t), ["一、", "一、1", "一、2", "一、3、"]);
    }

    #[test]
    fn a_fragment_may_start_mid_list() {
        assert_eq!(
            paths("8、重视学前教育。内容。\n9、发展特殊教育。"),
            ["8、", "9、"]
        );
        assert_eq!(
            paths("---\n17.维护稳定。内容。\n18.营造环境。"),
            ["17.", "18."]
        );
    }

    #[test]
    fn enumerations_with_yi_shi_become_bullets() {
        let t = "一、深化改革\n1.医院改革。一是完善考核,加强管理;二是健全机制;三是推进活动。\n2.药品改革。";
        let o = outline(t);
        assert_eq!(
            o.iter().map(|x| x.0.clone()).collect::<Vec<_>>(),
            [
                "一、",
                "一、1.",
                "一、1.一是",
                "一、1.二是",
                "一、1.三是",
                "一、2."
            ]
        );
        assert_eq!(o[2].1, "完善考核,加强管理");
    }

    #[test]
    fn dash_bullets_are_numbered_within_their_heading() {
        let t = "一、任务
(一)学前教育
——扩大资源。新建幼儿园。
——提高质量。
(二)义务教育
——推进均衡。";
        assert_eq!(
            paths(t),
            [
                "一、",
                "一、(一)",
                "一、(一)——1",
                "一、(一)——2",
                "一、(二)",
                "一、(二)——1"
            ]
        );
    }

    #[test]
    fn hard_line_breaks_inside_words_do_not_cut_titles() {
        let t = "2016\n年教育工作要点\n一、推进均衡发展\n1.推进区域教育中心建设,成立市县两级区域教育中心建设推\n进专班,制定实施方案。\n2.实施规划。";
        let o = outline(t);
        assert_eq!(
            o.iter().map(|x| x.0.clone()).collect::<Vec<_>>(),
            ["一、", "一、1.", "一、2."]
        );
    }

    #[test]
    fn a_responsibility_note_names_the_lead_unit_and_stays_out_of_the_title() {
        let source = SourceInfo {
            file: "t.txt".into(),
            format: SourceFormat::Txt,
            encoding: "UTF-8".into(),
            script: duban_core::plan::Script::Simplified,
        };
        let plan = import_text(
            "一、党建\n1.加强理论武装。深入学习。(责任科室:组干科、机关党委)\n",
            source,
            &ImportOptions::default(),
        );
        let item = &plan.nodes[0].children[0];
        assert_eq!(item.lead_unit.as_deref(), Some("组干科"));
        assert_eq!(item.co_units, ["机关党委"]);
        assert_eq!(plan.drafts[0].lead_unit.as_deref(), Some("组干科"));
        assert!(!plan.drafts[0].text.contains("责任科室"));
    }

    #[test]
    fn a_note_with_a_cooperation_label_splits_lead_and_co_units() {
        assert_eq!(
            super::note_units("基建科；配合单位：计财科、督导室"),
            (
                Some("基建科".to_string()),
                vec!["计财科".to_string(), "督导室".to_string()]
            )
        );
        assert_eq!(
            super::note_units("组干科、机关党委"),
            (Some("组干科".to_string()), vec!["机关党委".to_string()])
        );
    }

    #[test]
    fn task_tables_in_both_shapes_become_rows_with_owners() {
        let per_line = "任务分解表\n序号 | 工作任务 | 牵头单位 | 配合单位 | 完成时限 |\n1 | 新建幼儿园3所。 | 基建科 | 学前教育科、计财科 | 2025-12-31 |\n2 | 完善督导机制。 | 督导室 |  | 6月底前 |\n";
        let source = SourceInfo {
            file: "t.csv".into(),
            format: SourceFormat::Csv,
            encoding: "UTF-8".into(),
            script: duban_core::plan::Script::Simplified,
        };
        let plan = import_text(per_line, source.clone(), &ImportOptions::default());
        assert_eq!(plan.nodes.len(), 2, "{:?}", plan.nodes);
        let row = &plan.nodes[0];
        assert_eq!((row.kind, row.marker.as_str()), (NodeKind::Row, "1"));
        assert_eq!(row.lead_unit.as_deref(), Some("基建科"));
        assert_eq!(row.co_units, ["学前教育科", "计财科"]);
        assert_eq!(row.due.as_deref(), Some("2025-12-31"));
        assert_eq!(plan.targets.len(), 1);
        assert_eq!(plan.drafts[0].due.as_deref(), Some("2025-12-31"));

        let per_cell = "序号 |\n目标任务 |\n分管领导 |\n牵头单位 |\n80 |\n新增托位400个以上。 |\n张三 |\n县教育局 |\n81 |\n支持职业教育发展。 |\n李四 |\n县人社局 |\n";
        let plan = import_text(per_cell, source, &ImportOptions::default());
        assert_eq!(plan.nodes.len(), 2, "{:?}", plan.nodes);
        assert_eq!(plan.nodes[1].marker, "81");
        assert_eq!(plan.nodes[1].leader.as_deref(), Some("李四"));
        assert_eq!(plan.nodes[1].lead_unit.as_deref(), Some("县人社局"));
    }
}
