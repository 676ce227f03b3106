//! Task tables (任务分解表) in the text: rows of `|`-separated cells, either one row per line
//! (how the .xlsx/.csv/.docx readers render tables) or one cell per line (tables flattened from
//! web pages, corpus 017). A table counts when a header row names a task column; its columns
//! (序号, 工作任务, 牵头单位, 配合单位, 责任领导, 完成时限…) give each row's owners and deadline.

use duban_core::plan::{Node, NodeKind};

use super::lines::Lines;
use super::markers::{candidate_at, is_han};
use super::tree::split_units;
use crate::clean::Cleaned;

/// One cell: its cleaned range and normalised text.
#[derive(Debug, Clone)]
struct Cell {
    start: usize,
    end: usize,
    norm: String,
    text: String,
}

/// Column roles recognised from header cells.
#[derive(Debug, Clone, Copy, Default)]
struct Columns {
    seq: Option<usize>,
    task: Option<usize>,
    lead: Option<usize>,
    co: Option<usize>,
    leader: Option<usize>,
    due: Option<usize>,
}

/// A recognised task table.
#[derive(Debug, Clone)]
pub struct Table {
    /// Cleaned index where the table (its header) starts.
    pub start: usize,
    /// Cleaned index where it ends.
    pub end: usize,
    columns: Columns,
    rows: Vec<Vec<Cell>>,
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn roles(header: &[Cell]) -> Option<Columns> {
    let mut c = Columns::default();
    for (k, cell) in header.iter().enumerate() {
        let h = squash(&cell.norm);
        if h.is_empty() || h.chars().count() > 16 {
            continue;
        }
        if c.seq.is_none() && (h == "序号" || h == "编号" || h == "序" || h == "号") {
            c.seq = Some(k);
        } else if h.contains("领导") || h == "分管领导" {
            c.leader.get_or_insert(k);
        } else if h.contains("配合")
            || h.contains("协同")
            || h.contains("协办")
            || h.contains("参与")
        {
            c.co.get_or_insert(k);
        } else if h.contains("时限")
            || h.contains("时间")
            || h.contains("节点")
            || h.contains("期限")
            || h.contains("截止")
        {
            c.due.get_or_insert(k);
        } else if [
            "牵头",
            "主责",
            "责任科室",
            "责任部门",
            "承办",
            "责任单位",
            "责任处室",
            "责任股室",
        ]
        .iter()
        .any(|w| h.contains(w))
        {
            if c.lead.is_some() {
                c.co.get_or_insert(k);
            } else {
                c.lead = Some(k);
            }
        } else if h.contains("任务")
            || h.contains("工作")
            || h.contains("事项")
            || h.contains("内容")
            || h.contains("目标")
            || h.contains("举措")
            || h.contains("措施")
        {
            c.task.get_or_insert(k);
        }
    }
    let named = [c.seq, c.lead, c.co, c.leader, c.due]
        .iter()
        .filter(|x| x.is_some())
        .count();
    (c.task.is_some() && named >= 1).then_some(c)
}

/// Cell separator: the ASCII bar only. The readers turn a bar inside a cell into `｜`, which
/// the matching twin folds to `|`, so the split looks at the printed text.
fn split_line(cleaned: &Cleaned, s: usize, e: usize) -> Vec<Cell> {
    let mut cells = Vec::new();
    let mut a = s;
    for j in s..=e {
        if j == e || cleaned.text[j] == '|' {
            let (mut cs, mut ce) = (a, j);
            while cs < ce && cleaned.norm[cs].is_whitespace() {
                cs += 1;
            }
            while ce > cs && cleaned.norm[ce - 1].is_whitespace() {
                ce -= 1;
            }
            if !(j == e && cs == ce && a > s) {
                cells.push(Cell {
                    start: cs,
                    end: ce,
                    norm: cleaned.norm_slice(cs, ce),
                    text: cleaned.slice(cs, ce),
                });
            }
            a = j + 1;
        }
    }
    // A line ending in `|` leaves an empty last piece: not a cell.
    if cells.last().is_some_and(|c| c.start == c.end)
        && cleaned.norm[s..e].iter().rev().find(|c| !c.is_whitespace()) == Some(&'|')
    {
        cells.pop();
    }
    cells
}

fn is_row_number(s: &str) -> bool {
    let t = squash(s);
    !t.is_empty() && t.len() <= 4 && t.chars().all(|c| c.is_ascii_digit())
}

/// Finds the task tables in the text.
pub fn find_tables(cleaned: &Cleaned, lines: &Lines) -> Vec<Table> {
    let mut out = Vec::new();
    let mut k = 0;
    while k < lines.spans.len() {
        let has_bar = |k: usize| {
            let (s, e) = lines.spans[k];
            cleaned.text[s..e].contains(&'|')
        };
        if !has_bar(k) {
            k += 1;
            continue;
        }
        let first = k;
        while k < lines.spans.len() && has_bar(k) {
            k += 1;
        }
        let block: Vec<Vec<Cell>> = (first..k)
            .map(|l| split_line(cleaned, lines.spans[l].0, lines.spans[l].1))
            .collect();
        if let Some(t) = table_from_block(block) {
            out.push(t);
        }
    }
    out
}

fn table_from_block(block: Vec<Vec<Cell>>) -> Option<Table> {
    let single = block.iter().filter(|r| r.len() <= 1).count();
    if single * 2 > block.len() {
        // One cell per line: find the header run, then chunk the rest by its width.
        let cells: Vec<Cell> = block.into_iter().flatten().collect();
        for h in 0..cells.len() {
            let width = (h..cells.len())
                .take_while(|&j| !is_row_number(&cells[j].norm))
                .count();
            if !(2..=12).contains(&width) {
                continue;
            }
            let Some(columns) = roles(&cells[h..h + width]) else {
                continue;
            };
            let mut rows = Vec::new();
            let mut j = h + width;
            while j < cells.len() {
                let end = (j + width).min(cells.len());
                rows.push(cells[j..end].to_vec());
                j = end;
            }
            let start = cells[h].start;
            let end = cells.last().map_or(start, |c| c.end);
            return Some(Table {
                start,
                end,
                columns,
                rows,
            });
        }
        return None;
    }
    for (h, header) in block.iter().enumerate() {
        if let Some(columns) = roles(header) {
            let start = header.first().map_or(0, |c| c.start);
            let rows: Vec<Vec<Cell>> = block[h + 1..].to_vec();
            let end = rows
                .iter()
                .rev()
                .find_map(|r| r.last().map(|c| c.end))
                .unwrap_or_else(|| header.last().map_or(start, |c| c.end));
            return Some(Table {
                start,
                end,
                columns,
                rows,
            });
        }
    }
    None
}

impl Table {
    /// For each task row: `(row start, task cell start, task cell end)`.
    pub fn task_cells(&self) -> Vec<(usize, usize, usize)> {
        self.rows
            .iter()
            .filter_map(|row| {
                let task = self.columns.task.and_then(|c| row.get(c))?;
                let first = row.iter().find(|c| !c.norm.trim().is_empty())?;
                (task.end > task.start).then_some((first.start, task.start, task.end))
            })
            .collect()
    }

    /// The rows as outline nodes at `level`; rows that only carry a heading become sections
    /// holding the task rows after them.
    pub fn nodes(&self, level: u8) -> Vec<Node> {
        let mut out: Vec<Node> = Vec::new();
        let mut section: Option<Node> = None;
        let cols = self.columns;
        for (idx, row) in self.rows.iter().enumerate() {
            let get = |c: Option<usize>| {
                c.and_then(|c| row.get(c))
                    .filter(|c| !c.norm.trim().is_empty())
            };
            let non_empty: Vec<&Cell> = row.iter().filter(|c| !c.norm.trim().is_empty()).collect();
            let (Some(first), Some(last)) = (non_empty.first(), non_empty.last()) else {
                continue;
            };
            let task = get(cols.task);
            let is_heading =
                non_empty.len() == 1 && task.is_none_or(|t| t.start == first.start) && {
                    let ch: Vec<char> = first.norm.chars().collect();
                    candidate_at(&ch, 0).is_some() || ch.len() <= 30
                } || non_empty.iter().all(|c| {
                    cols.seq
                        .is_some_and(|s| row.get(s).is_some_and(|x| x.start == c.start))
                });
            if is_heading && get(cols.lead).is_none() {
                if let Some(s) = section.take() {
                    out.push(s);
                }
                let ch: Vec<char> = first.norm.chars().collect();
                let (marker, ordinal, title_from) = match candidate_at(&ch, 0) {
                    Some(c) => (
                        first.text.chars().take(c.end).collect::<String>(),
                        Some(c.ordinal),
                        c.end,
                    ),
                    None => (String::new(), None, 0),
                };
                let title: String = first
                    .text
                    .chars()
                    .skip(title_from)
                    .collect::<String>()
                    .trim()
                    .to_string();
                section = Some(Node {
                    path: Vec::new(),
                    marker,
                    ordinal,
                    level,
                    kind: NodeKind::Section,
                    title,
                    start: first.start,
                    end: last.end,
                    title_end: first.end,
                    lead_unit: None,
                    co_units: Vec::new(),
                    leader: None,
                    due: None,
                    children: Vec::new(),
                });
                continue;
            }
            let Some(task) = task else { continue };
            let seq = get(cols.seq);
            let marker = seq.map_or_else(|| (idx + 1).to_string(), |c| squash(&c.text));
            let ordinal = seq.and_then(|c| squash(&c.norm).parse::<u32>().ok());
            let title_len = task
                .norm
                .chars()
                .position(|c| matches!(c, '。' | ';' | '；'))
                .unwrap_or(task.norm.chars().count());
            let title: String = task
                .text
                .chars()
                .take(title_len)
                .collect::<String>()
                .trim()
                .to_string();
            let (lead_unit, mut co_units) =
                get(cols.lead).map_or((None, Vec::new()), |c| split_units(&c.text));
            if let Some(co) = get(cols.co) {
                let (a, rest) = split_units(&co.text);
                co_units.extend(a);
                co_units.extend(rest);
            }
            let row_level = if section.is_some() { level + 1 } else { level };
            let node = Node {
                path: Vec::new(),
                marker,
                ordinal,
                level: row_level,
                kind: NodeKind::Row,
                title,
                start: first.start,
                end: last.end,
                title_end: task.start + title_len,
                lead_unit,
                co_units,
                leader: get(cols.leader).map(|c| c.text.clone()),
                due: get(cols.due).map(|c| c.text.clone()),
                children: Vec::new(),
            };
            match section.as_mut() {
                Some(s) => {
                    s.end = node.end;
                    s.children.push(node);
                }
                None => out.push(node),
            }
        }
        if let Some(s) = section.take() {
            out.push(s);
        }
        out
    }
}

#[allow(dead_code)]
fn looks_like_text(s: &str) -> bool {
    s.chars().any(is_han)
}
