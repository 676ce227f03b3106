//! .xlsx → text: every visible, non-empty worksheet in workbook order, rendered as table lines
//! (see `table`), each preceded by its sheet name when more than one sheet has content.
//!
//! Calamine parses the workbook; this module owns what a cell shows: integers without `.0`,
//! numbers as their format shows them (percent, fixed decimals), dates in date-formatted cells
//! as ISO dates (`2025-06-30`), booleans as 是/否, error values as empty. Merged regions repeat
//! their top-left value in every covered cell within the sheet's data columns. It also owns the
//! size limits ([`super::MAX_ROWS`], [`super::MAX_CELLS`]): cells are streamed, counted and
//! refused past the limit before the sheet is held in memory. Hidden sheets (usually lookup
//! lists for drop-downs) and chart sheets are not read.

use std::collections::HashMap;
use std::io::Cursor;
use std::panic::{AssertUnwindSafe, catch_unwind};

use calamine::{
    DataRef, Dimensions, ExcelDateTime, Reader, SheetType, SheetVisible, Xlsx, XlsxError,
};

use crate::ImportError;

use super::package::Package;
use super::table::{self, GridCell};
use super::{MAX_CELLS, MAX_ROWS, bad_container, too_large};

/// Reads the workbook's text.
pub(crate) fn extract(bytes: &[u8], package: &mut Package<'_>) -> Result<String, ImportError> {
    // Calamine inflates parts without a cap: prove every entry is within the limit first.
    package.check_all_entries()?;
    // Calamine is a third-party parser fed untrusted input; a panic inside it must not take
    // the caller down (the importer promises never to panic).
    catch_unwind(AssertUnwindSafe(|| read_workbook(bytes))).unwrap_or_else(|_| {
        Err(bad_container(
            "xlsx",
            "工作簿内容异常，无法读取，请用 Excel 或 WPS 重新保存后再上传".to_string(),
        ))
    })
}

/// Rows and cells read so far, across all sheets.
#[derive(Debug, Default)]
struct Budget {
    rows: usize,
    cells: usize,
}

impl Budget {
    fn spend(&mut self, rows: usize, cells: usize) -> Result<(), ImportError> {
        self.rows += rows;
        self.cells += cells;
        if self.rows > MAX_ROWS || self.cells > MAX_CELLS {
            Err(too_large("xlsx"))
        } else {
            Ok(())
        }
    }
}

fn read_workbook(bytes: &[u8]) -> Result<String, ImportError> {
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(xlsx_error)?;
    let sheets: Vec<String> = workbook
        .sheets_metadata()
        .iter()
        .filter(|s| s.typ == SheetType::WorkSheet && s.visible == SheetVisible::Visible)
        .map(|s| s.name.clone())
        .collect();
    let mut budget = Budget::default();
    let mut rendered: Vec<(String, Vec<String>)> = Vec::new();
    for name in sheets {
        let merges = workbook
            .merge_cells_by_sheet_name(&name)
            .map_err(xlsx_error)?;
        let cells = read_cells(&mut workbook, &name, &mut budget)?;
        let lines = render_sheet(cells, merges, &mut budget)?;
        if !lines.is_empty() {
            rendered.push((name, lines));
        }
    }
    let named = rendered.len() > 1;
    let mut out = Vec::new();
    for (name, lines) in rendered {
        if named {
            out.push(table::clean_cell(&name));
        }
        out.extend(lines);
    }
    Ok(out.join("\n"))
}

/// A non-empty cell: row, column, shown text.
type SheetCell = (u32, u32, String);

fn read_cells(
    workbook: &mut Xlsx<Cursor<&[u8]>>,
    name: &str,
    budget: &mut Budget,
) -> Result<Vec<SheetCell>, ImportError> {
    let mut reader = workbook.worksheet_cells_reader(name).map_err(xlsx_error)?;
    let formats: Vec<Option<String>> = reader
        .styles()
        .iter()
        .map(|s| s.number_format.as_ref().map(|f| f.format_code.clone()))
        .collect();
    let mut cells = Vec::new();
    let mut last_row = None;
    while let Some((cell, style)) = reader.next_cell_with_style_id().map_err(xlsx_error)? {
        let (row, col) = cell.get_position();
        let new_row = last_row != Some(row);
        last_row = Some(row);
        budget.spend(usize::from(new_row), 1)?;
        let format = formats.get(style).and_then(|f| f.as_deref());
        let text = cell_text(cell.get_value(), format);
        if !text.trim().is_empty() {
            cells.push((row, col, text));
        }
    }
    Ok(cells)
}

/// Lays the cells out row by row with merged regions expanded, and renders them.
fn render_sheet(
    mut cells: Vec<SheetCell>,
    merges: Vec<Dimensions>,
    budget: &mut Budget,
) -> Result<Vec<String>, ImportError> {
    cells.sort_by_key(|c| (c.0, c.1));
    cells.dedup_by_key(|c| (c.0, c.1));
    let (Some(min_col), Some(max_col)) = (
        cells.iter().map(|c| c.1).min(),
        cells.iter().map(|c| c.1).max(),
    ) else {
        return Ok(Vec::new());
    };
    let width = (max_col - min_col) as usize + 1;
    budget.spend(0, merges.len())?;
    let values: HashMap<(u32, u32), &str> = cells
        .iter()
        .map(|(r, c, t)| ((*r, *c), t.as_str()))
        .collect();
    // Merged regions with a value, sorted by first row; group ids after the cell ids.
    let mut regions: Vec<(Dimensions, String)> = merges
        .into_iter()
        .filter(|m| m.start.0 <= m.end.0 && m.start.1 <= m.end.1)
        .filter(|m| m.end.1 >= min_col && m.start.1 <= max_col)
        .filter_map(|m| values.get(&m.start).map(|v| (m, (*v).to_string())))
        .collect();
    regions.sort_by_key(|(m, _)| m.start);
    let first_region_group = cells.len();

    let mut lines = Vec::new();
    let mut next_region = 0usize;
    let mut active: Vec<usize> = Vec::new();
    let mut i = 0usize;
    while i < cells.len() {
        let row = cells[i].0;
        let mut grid: Vec<GridCell> = (0..width)
            .map(|_| GridCell {
                text: String::new(),
                group: usize::MAX,
                own: true,
            })
            .collect();
        while i < cells.len() && cells[i].0 == row {
            let (_, col, text) = &cells[i];
            grid[(col - min_col) as usize] = GridCell {
                text: text.clone(),
                group: i,
                own: true,
            };
            i += 1;
        }
        while next_region < regions.len() && regions[next_region].0.start.0 <= row {
            active.push(next_region);
            next_region += 1;
        }
        active.retain(|&r| regions[r].0.end.0 >= row);
        budget.spend(0, width + active.len())?;
        for &r in &active {
            let (m, value) = &regions[r];
            let from = m.start.1.max(min_col);
            let to = m.end.1.min(max_col);
            for col in from..=to {
                grid[(col - min_col) as usize] = GridCell {
                    text: value.clone(),
                    group: first_region_group + r,
                    own: m.start.0 == row,
                };
            }
            budget.spend(0, (to - from) as usize + 1)?;
        }
        if let Some(line) = table::render_row(&grid) {
            lines.push(line);
        }
    }
    Ok(lines)
}

/// What a cell shows.
fn cell_text(value: &DataRef<'_>, format: Option<&str>) -> String {
    match value {
        DataRef::Int(i) => format_number(*i as f64, format),
        DataRef::Float(f) => format_number(*f, format),
        DataRef::String(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_string(),
        DataRef::Bool(b) => if *b { "是" } else { "否" }.to_string(),
        DataRef::DateTime(d) => format_datetime(d),
        DataRef::DateTimeIso(s) => s.strip_suffix("T00:00:00").unwrap_or(s).to_string(),
        DataRef::DurationIso(s) => s.clone(),
        DataRef::Error(_) | DataRef::Empty => String::new(),
    }
}

/// A date as `2025-06-30`, with `HH:MM` when it has a time; a time alone as `HH:MM`; a duration
/// as hours and minutes.
fn format_datetime(d: &ExcelDateTime) -> String {
    if d.is_duration() {
        let minutes = (d.as_f64() * 24.0 * 60.0).round() as i64;
        return format!("{}:{:02}", minutes / 60, (minutes % 60).abs());
    }
    let (year, month, day, hour, minute, second, _) = d.to_ymd_hms_milli();
    let time = if second == 0 {
        format!("{hour:02}:{minute:02}")
    } else {
        format!("{hour:02}:{minute:02}:{second:02}")
    };
    if d.as_f64() < 1.0 && d.as_f64() > 0.0 {
        return time;
    }
    let date = format!("{year:04}-{month:02}-{day:02}");
    if (hour, minute, second) == (0, 0, 0) {
        date
    } else {
        format!("{date} {time}")
    }
}

/// How a number format shows a number: as a percentage, with fixed decimals, or as General.
#[derive(Debug, Default, PartialEq, Eq)]
struct NumberSpec {
    percent: bool,
    decimals: Option<usize>,
}

fn number_spec(code: &str) -> NumberSpec {
    // The first section (positive numbers), without quoted text, [colour]/[locale] tags and
    // escaped characters.
    let mut plain = String::new();
    let mut chars = code.chars();
    while let Some(c) = chars.next() {
        match c {
            ';' => break,
            '"' => {
                for q in chars.by_ref() {
                    if q == '"' {
                        break;
                    }
                }
            }
            '[' => {
                for q in chars.by_ref() {
                    if q == ']' {
                        break;
                    }
                }
            }
            '\\' | '_' | '*' => {
                chars.next();
            }
            _ => plain.push(c),
        }
    }
    if plain.eq_ignore_ascii_case("general") || plain.trim() == "@" || plain.trim().is_empty() {
        return NumberSpec::default();
    }
    let decimals = match plain.split_once('.') {
        Some((_, after)) => Some(
            after
                .chars()
                .take_while(|c| matches!(c, '0' | '#' | '?'))
                .count(),
        ),
        None if plain.contains(['0', '#']) => Some(0),
        None => None,
    };
    NumberSpec {
        percent: plain.contains('%'),
        decimals,
    }
}

fn format_number(value: f64, format: Option<&str>) -> String {
    if !value.is_finite() {
        return String::new();
    }
    let spec = format.map(number_spec).unwrap_or_default();
    let value = if spec.percent { value * 100.0 } else { value };
    let mut text = match spec.decimals {
        Some(decimals) => format!("{value:.decimals$}"),
        None => general(value),
    };
    if text.starts_with('-') && text[1..].chars().all(|c| c == '0' || c == '.') {
        text.remove(0);
    }
    if spec.percent {
        text.push('%');
    }
    text
}

/// Excel's General format, near enough: integers without `.0`, at most ten decimals, no
/// binary-fraction noise (`0.30000000000000004` shows as `0.3`).
fn general(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        return format!("{}", value as i64);
    }
    let text = format!("{value:.10}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    text.to_string()
}

fn xlsx_error(error: XlsxError) -> ImportError {
    let detail = match &error {
        XlsxError::Xml(_)
        | XlsxError::XmlAttr(_)
        | XlsxError::XmlEof(_)
        | XlsxError::UnexpectedNode(_) => "工作簿中的 XML 内容已损坏或不完整".to_string(),
        XlsxError::FileNotFound(name) => format!("工作簿缺少 {name}"),
        XlsxError::RelationshipNotFound => "工作簿缺少关系文件（_rels）".to_string(),
        XlsxError::Zip(_) | XlsxError::Io(_) => "压缩包已损坏，无法解压".to_string(),
        XlsxError::Password => "文件已加密，请去掉密码后再上传".to_string(),
        other => format!("工作簿内容无法读取（{other}）"),
    };
    bad_container("xlsx", detail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_show_as_their_format_shows_them() {
        assert_eq!(format_number(3.0, None), "3");
        assert_eq!(format_number(0.1 + 0.2, None), "0.3");
        assert_eq!(format_number(0.96, Some("0%")), "96%");
        assert_eq!(format_number(0.945, Some("0.0%")), "94.5%");
        assert_eq!(format_number(1234.5, Some("#,##0.00")), "1234.50");
        assert_eq!(format_number(-0.0, Some("0")), "0");
        assert_eq!(format_number(12.0, Some("\"第\"0\"项\"")), "12");
        assert_eq!(format_number(7.0, Some("General")), "7");
    }
}
