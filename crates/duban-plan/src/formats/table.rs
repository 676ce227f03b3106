//! Table rows → lines, the one shape every table reader (docx, xlsx, csv) produces.
//!
//! A row is one line: cells trimmed, separated by ` | `, the line closed by ` |`
//! (`序号 | 工作任务 | 牵头单位 |`). Inside a cell, line breaks and runs of spaces become one space
//! and `|` becomes `｜`, so a line always splits back into its cells. Empty cells stay as empty
//! strings so that column positions hold; trailing empty cells are dropped.
//!
//! Merged cells arrive already expanded by the reader: every covered cell carries the merged
//! value, tagged with the merge's `group` and whether the value starts in this row (`own`).
//! This module decides what a row shows: rows with no value of their own (only the continuation
//! of merges from above) are skipped, and a row that is one merged value across several columns
//! (a title or section banner) is shown once, not repeated per column.

/// One cell of a row, after merge expansion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct GridCell {
    /// The cell's text (raw; cleaned when the row is rendered).
    pub text: String,
    /// Identifies the source of the value: cells copied from one merged cell share it.
    pub group: usize,
    /// Whether the value starts in this row (false for the rows a vertical merge continues into).
    pub own: bool,
}

/// Cleans one cell's text: whitespace runs (line breaks included) → one space, `|` → `｜`, trimmed.
pub(crate) fn clean_cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.chars() {
        if matches!(
            c,
            ' ' | '\t' | '\n' | '\r' | '\u{b}' | '\u{c}' | '\u{2028}' | '\u{2029}'
        ) {
            pending_space = true;
            continue;
        }
        if pending_space && !out.is_empty() {
            out.push(' ');
        }
        pending_space = false;
        out.push(if c == '|' { '｜' } else { c });
    }
    out.trim().to_string()
}

/// Renders a row, or `None` when it shows nothing (empty, or only merges continued from above).
pub(crate) fn render_row(cells: &[GridCell]) -> Option<String> {
    let cleaned: Vec<(String, &GridCell)> =
        cells.iter().map(|c| (clean_cell(&c.text), c)).collect();
    let filled: Vec<&(String, &GridCell)> = cleaned
        .iter()
        .filter(|(text, _)| !text.is_empty())
        .collect();
    if !filled.iter().any(|(_, c)| c.own) {
        return None;
    }
    let first_group = filled[0].1.group;
    if filled.len() > 1 && filled.iter().all(|(_, c)| c.group == first_group) {
        return Some(format!("{} |", filled[0].0));
    }
    let last = cleaned.iter().rposition(|(text, _)| !text.is_empty())?;
    let mut line = String::new();
    for (i, (text, _)) in cleaned[..=last].iter().enumerate() {
        if i > 0 {
            line.push_str(" | ");
        }
        line.push_str(text);
    }
    line.push_str(" |");
    Some(line)
}

/// Renders a row of plain cells (no merges: every cell its own group, all own).
pub(crate) fn render_plain_row<S: AsRef<str>>(cells: &[S]) -> Option<String> {
    let grid: Vec<GridCell> = cells
        .iter()
        .enumerate()
        .map(|(i, text)| GridCell {
            text: text.as_ref().to_string(),
            group: i,
            own: true,
        })
        .collect();
    render_row(&grid)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(text: &str, group: usize, own: bool) -> GridCell {
        GridCell {
            text: text.to_string(),
            group,
            own,
        }
    }

    #[test]
    fn keeps_inner_empty_cells_and_drops_trailing_ones() {
        let row = render_plain_row(&["1", " 任务\n说明 ", "", "人事科", "", ""]);
        assert_eq!(row.as_deref(), Some("1 | 任务 说明 |  | 人事科 |"));
    }

    #[test]
    fn escapes_the_separator_inside_cells() {
        assert_eq!(render_plain_row(&["a | b"]).as_deref(), Some("a ｜ b |"));
    }

    #[test]
    fn skips_empty_rows_and_pure_continuations() {
        assert_eq!(render_plain_row(&["", " ", "\n"]), None);
        assert_eq!(
            render_row(&[cell("", 0, true), cell("人事科", 7, false)]),
            None
        );
    }

    #[test]
    fn shows_a_banner_once() {
        let row = [
            cell("工作任务分解表", 3, true),
            cell("工作任务分解表", 3, true),
        ];
        assert_eq!(render_row(&row).as_deref(), Some("工作任务分解表 |"));
    }
}
