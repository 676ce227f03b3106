//! Documents out: the 月汇总 as a workbook (summary, excerpts, targets); the 台账 (task ledger) as an .xlsx workbook in the 任务分解表 layout — a
//! title row across the columns, the headings, then one row per task with each 工程 in bold and
//! the 状态 cell tinted by its light — or as CSV (UTF-8 with a BOM, so Excel opens it in the
//! right encoding). Pure functions from rows to bytes: no file system here.

pub mod docx;
pub mod meeting;
mod monthly_docx;

pub use monthly_docx::monthly_docx;

use duban_core::service::ledger::{LEDGER_HEADINGS, LedgerRow};
use duban_core::service::monthly::{MonthlyGroup, MonthlySummary};
use duban_core::tasks::Light;
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook, XlsxError};

/// The cell styles every exported workbook shares: bordered, wrapped body cells; grey bold
/// headings; a large bold title.
struct Formats {
    cell: Format,
    heading: Format,
    title: Format,
}

impl Formats {
    fn new() -> Self {
        let border = Format::new().set_border(FormatBorder::Thin);
        Self {
            cell: border.clone().set_text_wrap().set_align(FormatAlign::Top),
            heading: border
                .set_bold()
                .set_align(FormatAlign::Center)
                .set_background_color(Color::RGB(0xF2F2F2)),
            title: Format::new()
                .set_bold()
                .set_font_size(16)
                .set_align(FormatAlign::Center),
        }
    }
}

/// The ledger as a Word document (landscape A4): the title, then the 任务分解表 table with each
/// 工程 in bold and the 状态 cell tinted by its light, as in the workbook.
pub fn ledger_docx(title: &str, rows: &[LedgerRow]) -> Result<Vec<u8>, String> {
    use docx::{Cell, Column, DocxBuilder, Orientation, Table};
    const WIDTHS: [f64; 9] = [1.0, 6.0, 1.6, 2.0, 2.4, 1.4, 1.8, 7.0, 1.4];
    let mut table = Table::new(
        LEDGER_HEADINGS
            .iter()
            .zip(WIDTHS)
            .map(|(name, width)| Column::new(*name, width)),
    )
    .font_size(10.5);
    for row in rows {
        let plain = |text: &str| {
            let cell = Cell::new(text);
            if row.is_programme { cell.bold() } else { cell }
        };
        table.row([
            plain(&row.seq),
            plain(&row.title),
            plain(&row.leader),
            plain(&row.lead_unit),
            plain(&row.co_units),
            plain(&row.owner),
            plain(&row.due.format("%Y-%m-%d").to_string()),
            plain(&row.progress),
            plain(&row.status).light(row.light),
        ]);
    }
    let mut doc = DocxBuilder::new(Orientation::Landscape);
    doc.title(title).table(table);
    doc.finish()
}

/// Column widths of the ledger (in characters), matching [`LEDGER_HEADINGS`].
const WIDTHS: [f64; 9] = [6.0, 36.0, 10.0, 14.0, 18.0, 10.0, 12.0, 48.0, 10.0];

/// The ledger as .xlsx bytes: `title` in the first row, the headings in the second.
pub fn ledger_xlsx(title: &str, rows: &[LedgerRow]) -> Result<Vec<u8>, String> {
    write_xlsx(title, rows).map_err(|e| format!("无法生成台账表格：{e}"))
}

fn write_xlsx(title: &str, rows: &[LedgerRow]) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("台账")?;
    let Formats {
        cell,
        heading,
        title: title_format,
    } = Formats::new();
    let programme = cell.clone().set_bold();
    sheet.merge_range(
        0,
        0,
        0,
        (LEDGER_HEADINGS.len() - 1) as u16,
        title,
        &title_format,
    )?;
    for (col, (name, width)) in LEDGER_HEADINGS.iter().zip(WIDTHS).enumerate() {
        let col = col as u16;
        sheet.write_string_with_format(1, col, *name, &heading)?;
        sheet.set_column_width(col, width)?;
    }
    sheet.set_freeze_panes(2, 0)?;
    for (i, row) in rows.iter().enumerate() {
        let r = (i + 2) as u32;
        let f = if row.is_programme { &programme } else { &cell };
        let due = row.due.format("%Y-%m-%d").to_string();
        let texts = [
            &row.seq,
            &row.title,
            &row.leader,
            &row.lead_unit,
            &row.co_units,
            &row.owner,
            &due,
            &row.progress,
        ];
        for (col, text) in texts.iter().enumerate() {
            sheet.write_string_with_format(r, col as u16, text.as_str(), f)?;
        }
        sheet.write_string_with_format(r, 8, &row.status, &tinted(f, row.light))?;
    }
    workbook.save_to_buffer()
}

/// The ledger as CSV text: a BOM, the headings, one line per row (fields quoted when needed).
pub fn ledger_csv(rows: &[LedgerRow]) -> String {
    let mut out = String::from("\u{FEFF}");
    out.push_str(&LEDGER_HEADINGS.join(","));
    out.push_str("\r\n");
    for row in rows {
        let due = row.due.format("%Y-%m-%d").to_string();
        let fields = [
            &row.seq,
            &row.title,
            &row.leader,
            &row.lead_unit,
            &row.co_units,
            &row.owner,
            &due,
            &row.progress,
            &row.status,
        ];
        let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out
}

/// One CSV field: quoted when it holds a comma, quote or line break; a leading `=`, `+`, `-` or
/// `@` is neutralised so that a spreadsheet never runs a typed formula.
fn csv_field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// The 月汇总 as .xlsx bytes: sheet 汇总 (one row per 工程 and per 科室 with the month's
/// counts and on-time reporting), sheet 报送摘录 (the month's report excerpts: 进展情况,
/// 存在问题 and 下步打算, each shortened, 完成进度 and 需协调解决) and sheet 指标
/// (the targets' values reported in the month).
pub fn monthly_xlsx(title: &str, summary: &MonthlySummary) -> Result<Vec<u8>, String> {
    write_monthly(title, summary).map_err(|e| format!("无法生成月汇总表格：{e}"))
}

/// The summary sheet's column headings.
pub const MONTHLY_HEADINGS: [&str; 8] = [
    "类别",
    "名称",
    "本月办结",
    "本月新增",
    "推进中",
    "进度滞后",
    "超期",
    "按时报送率",
];

/// The 报送摘录 sheet's columns and their widths (in characters): each of the report's three
/// texts, shortened, in a column of its own.
const EXCERPT_COLUMNS: [(&str, f64); 6] = [
    ("工作任务", 30.0),
    ("完成进度", 10.0),
    ("进展情况摘录", 45.0),
    ("存在问题", 36.0),
    ("下步打算", 36.0),
    ("需协调解决", 11.0),
];

fn write_monthly(title: &str, summary: &MonthlySummary) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let Formats {
        cell,
        heading,
        title: title_format,
    } = Formats::new();
    let rate = |g: &MonthlyGroup| {
        g.on_time_rate()
            .map(|r| format!("{}%", duban_core::tasks::format_number(r)))
            .unwrap_or_else(|| "—".to_owned())
    };

    let sheet = workbook.add_worksheet();
    sheet.set_name("汇总")?;
    sheet.merge_range(
        0,
        0,
        0,
        (MONTHLY_HEADINGS.len() - 1) as u16,
        title,
        &title_format,
    )?;
    for (col, name) in MONTHLY_HEADINGS.iter().enumerate() {
        sheet.write_string_with_format(1, col as u16, *name, &heading)?;
        sheet.set_column_width(col as u16, if col == 1 { 30.0 } else { 11.0 })?;
    }
    let groups = std::iter::once(("全局", &summary.total))
        .chain(summary.by_programme.iter().map(|g| ("工程", g)))
        .chain(summary.by_unit.iter().map(|g| ("责任科室", g)));
    for (i, (kind, g)) in groups.enumerate() {
        let r = (i + 2) as u32;
        sheet.write_string_with_format(r, 0, kind, &cell)?;
        sheet.write_string_with_format(r, 1, &g.name, &cell)?;
        let counts = [
            g.completed.len(),
            g.new.len(),
            g.in_progress,
            g.behind.len(),
            g.overdue.len(),
        ];
        for (c, n) in counts.iter().enumerate() {
            sheet.write_number_with_format(r, (c + 2) as u16, *n as f64, &cell)?;
        }
        sheet.write_string_with_format(r, 7, rate(g), &cell)?;
    }

    let sheet = workbook.add_worksheet();
    sheet.set_name("报送摘录")?;
    for (col, (name, width)) in EXCERPT_COLUMNS.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, *name, &heading)?;
        sheet.set_column_width(col as u16, *width)?;
    }
    for (i, e) in summary.total.excerpts.iter().enumerate() {
        let r = (i + 1) as u32;
        let cells = [
            e.title.clone(),
            format!("{}%", duban_core::tasks::format_number(e.percent)),
            e.progress.clone(),
            e.problems.clone(),
            e.next_steps.clone(),
            if e.needs_coordination { "是" } else { "" }.to_owned(),
        ];
        for (c, text) in cells.iter().enumerate() {
            // An empty text is a bordered empty cell.
            sheet.write_string_with_format(r, c as u16, text, &cell)?;
        }
    }

    let sheet = workbook.add_worksheet();
    sheet.set_name("指标")?;
    for (col, name) in ["任务编号", "指标", "本月完成值"].iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, *name, &heading)?;
        sheet.set_column_width(col as u16, if col == 1 { 40.0 } else { 12.0 })?;
    }
    for (i, t) in summary.total.targets.iter().enumerate() {
        let r = (i + 1) as u32;
        sheet.write_string_with_format(r, 0, t.task.to_string(), &cell)?;
        sheet.write_string_with_format(r, 1, &t.target, &cell)?;
        sheet.write_string_with_format(r, 2, &t.value, &cell)?;
    }
    workbook.save_to_buffer()
}

/// One task's line of the 年统筹 workbook: what it is, then what happens in each month (text
/// such as `◆完成招标 ▲`).
#[derive(Debug, Clone, PartialEq)]
pub struct YearRow {
    /// 工作任务.
    pub title: String,
    /// 责任科室.
    pub lead_unit: String,
    /// 完成时限, `2026-12-31`.
    pub due: String,
    /// 状态 (红灯 / 已办结 …).
    pub status: String,
    /// The light, for tinting the 状态 cell.
    pub light: Light,
    /// January to December.
    pub months: [String; 12],
}

/// The 年统筹 as .xlsx bytes: a title row, the headings (序号, 工作任务, 责任科室, 完成时限, 状态,
/// 1月 … 12月), one row per task.
pub fn yearly_xlsx(title: &str, rows: &[YearRow]) -> Result<Vec<u8>, String> {
    write_yearly(title, rows).map_err(|e| format!("无法生成年统筹表格：{e}"))
}

fn write_yearly(title: &str, rows: &[YearRow]) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("年统筹")?;
    let Formats {
        cell,
        heading,
        title: title_format,
    } = Formats::new();
    let mut headings: Vec<String> = ["序号", "工作任务", "责任科室", "完成时限", "状态"]
        .iter()
        .map(|h| (*h).to_owned())
        .collect();
    headings.extend((1..=12).map(|m| format!("{m}月")));
    sheet.merge_range(0, 0, 0, (headings.len() - 1) as u16, title, &title_format)?;
    for (col, name) in headings.iter().enumerate() {
        sheet.write_string_with_format(1, col as u16, name, &heading)?;
        let width = match col {
            1 => 36.0,
            2 => 14.0,
            3 | 4 => 11.0,
            0 => 6.0,
            _ => 12.0,
        };
        sheet.set_column_width(col as u16, width)?;
    }
    sheet.set_freeze_panes(2, 2)?;
    for (i, row) in rows.iter().enumerate() {
        let r = (i + 2) as u32;
        sheet.write_string_with_format(r, 0, (i + 1).to_string(), &cell)?;
        sheet.write_string_with_format(r, 1, &row.title, &cell)?;
        sheet.write_string_with_format(r, 2, &row.lead_unit, &cell)?;
        sheet.write_string_with_format(r, 3, &row.due, &cell)?;
        sheet.write_string_with_format(r, 4, &row.status, &tinted(&cell, row.light))?;
        for (m, text) in row.months.iter().enumerate() {
            sheet.write_string_with_format(r, (m + 5) as u16, text, &cell)?;
        }
    }
    workbook.save_to_buffer()
}

/// `format` with the light's tint (none for no light).
fn tinted(format: &Format, light: Light) -> Format {
    match light {
        Light::Red => format.clone().set_background_color(Color::RGB(0xF8CBAD)),
        Light::Yellow => format.clone().set_background_color(Color::RGB(0xFFE699)),
        Light::Green => format.clone().set_background_color(Color::RGB(0xC6EFCE)),
        Light::None => format.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, Reader, Xlsx};
    use chrono::NaiveDate;

    fn rows() -> Vec<LedgerRow> {
        let due = NaiveDate::from_ymd_opt(2026, 12, 31).unwrap();
        vec![
            LedgerRow {
                seq: "一".into(),
                is_programme: true,
                title: "学位供给扩容工程".into(),
                leader: "王局长".into(),
                lead_unit: "基建科".into(),
                co_units: String::new(),
                owner: String::new(),
                due,
                progress: "子任务按权重加权：…".into(),
                status: "黄灯".into(),
                light: Light::Yellow,
            },
            LedgerRow {
                seq: "1".into(),
                is_programme: false,
                title: "新建幼儿园5所".into(),
                leader: "王局长".into(),
                lead_unit: "学前教育科".into(),
                co_units: "基建科、计财科".into(),
                owner: "张丽".into(),
                due,
                progress: "已开工3所，\n\"两所\"完成招标".into(),
                status: "红灯".into(),
                light: Light::Red,
            },
        ]
    }

    #[test]
    fn the_workbook_reopens_cell_by_cell() {
        let bytes = ledger_xlsx("青禾区文教体局2026年工作任务台账", &rows()).unwrap();
        let mut book = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let sheet = book.worksheet_range("台账").unwrap();
        let text = |r: u32, c: u32| match sheet.get_value((r, c)) {
            Some(Data::String(s)) => s.clone(),
            other => format!("{other:?}"),
        };
        assert_eq!(text(0, 0), "青禾区文教体局2026年工作任务台账");
        for (c, h) in LEDGER_HEADINGS.iter().enumerate() {
            assert_eq!(text(1, c as u32), *h);
        }
        let want = [
            [
                "一",
                "学位供给扩容工程",
                "王局长",
                "基建科",
                "",
                "",
                "2026-12-31",
                "子任务按权重加权：…",
                "黄灯",
            ],
            [
                "1",
                "新建幼儿园5所",
                "王局长",
                "学前教育科",
                "基建科、计财科",
                "张丽",
                "2026-12-31",
                "已开工3所，\n\"两所\"完成招标",
                "红灯",
            ],
        ];
        for (r, line) in want.iter().enumerate() {
            for (c, cell) in line.iter().enumerate() {
                let got = text(r as u32 + 2, c as u32);
                // An empty string cell may come back empty or absent.
                if cell.is_empty() {
                    assert!(
                        got.is_empty() || got == "None" || got == "Some(Empty)",
                        "{r},{c}: {got}"
                    );
                } else {
                    assert_eq!(got, *cell, "row {r} col {c}");
                }
            }
        }
        assert_eq!(sheet.height(), 4);
    }

    #[test]
    fn the_monthly_workbook_has_the_counts_excerpts_and_targets() {
        use duban_core::service::monthly::{Excerpt, Month, MonthlyGroup, TargetLine};
        use duban_core::tasks::TaskId;
        let total = MonthlyGroup {
            name: "全局".into(),
            in_progress: 7,
            owed_reports: 8,
            on_time_reports: 6,
            excerpts: vec![
                Excerpt {
                    task: TaskId(3),
                    title: "新建幼儿园5所".into(),
                    progress: "已开工3所".into(),
                    problems: "征地手续未完成".into(),
                    next_steps: "协调自然资源局加快审批".into(),
                    percent: 60.0,
                    needs_coordination: true,
                },
                Excerpt {
                    task: TaskId(4),
                    title: "改造薄弱学校2所".into(),
                    progress: "已完成1所".into(),
                    problems: String::new(),
                    next_steps: String::new(),
                    percent: 50.0,
                    needs_coordination: false,
                },
            ],
            targets: vec![TargetLine {
                task: TaskId(3),
                target: "新建幼儿园 ≥5所".into(),
                value: "3".into(),
            }],
            ..MonthlyGroup::default()
        };
        let unit = MonthlyGroup {
            name: "学前教育科".into(),
            in_progress: 2,
            ..MonthlyGroup::default()
        };
        let summary = MonthlySummary {
            month: Month::parse("2026-03").unwrap(),
            total,
            by_programme: Vec::new(),
            by_unit: vec![unit],
        };
        let bytes = monthly_xlsx("青禾区文教体局2026年3月工作汇总", &summary).unwrap();
        let mut book = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let text = |sheet: &calamine::Range<Data>, r: u32, c: u32| match sheet.get_value((r, c)) {
            Some(Data::String(s)) => s.clone(),
            Some(Data::Float(f)) => f.to_string(),
            other => format!("{other:?}"),
        };
        let main = book.worksheet_range("汇总").unwrap();
        assert_eq!(text(&main, 0, 0), "青禾区文教体局2026年3月工作汇总");
        assert_eq!(text(&main, 1, 7), "按时报送率");
        assert_eq!(text(&main, 2, 1), "全局");
        assert_eq!(text(&main, 2, 4), "7");
        assert_eq!(text(&main, 2, 7), "75%");
        assert_eq!(text(&main, 3, 0), "责任科室");
        assert_eq!(text(&main, 3, 7), "—");
        let excerpts = book.worksheet_range("报送摘录").unwrap();
        let row = |r: u32| -> Vec<String> { (0..6).map(|c| text(&excerpts, r, c)).collect() };
        assert_eq!(
            row(0),
            [
                "工作任务",
                "完成进度",
                "进展情况摘录",
                "存在问题",
                "下步打算",
                "需协调解决"
            ]
        );
        assert_eq!(
            row(1),
            [
                "新建幼儿园5所",
                "60%",
                "已开工3所",
                "征地手续未完成",
                "协调自然资源局加快审批",
                "是"
            ]
        );
        // What a report left empty is an empty cell.
        let second = row(2);
        assert_eq!(second[..3], ["改造薄弱学校2所", "50%", "已完成1所"]);
        for got in &second[3..] {
            assert!(
                got.is_empty() || got == "None" || got == "Some(Empty)",
                "{second:?}"
            );
        }
        assert_eq!(excerpts.height(), 3);
        let targets = book.worksheet_range("指标").unwrap();
        assert_eq!(text(&targets, 1, 1), "新建幼儿园 ≥5所");
        assert_eq!(text(&targets, 1, 2), "3");
    }

    #[test]
    fn the_yearly_workbook_has_a_column_per_month() {
        let mut months: [String; 12] = Default::default();
        months[5] = "◆完成招标".into();
        months[11] = "▲".into();
        let rows = [YearRow {
            title: "新建幼儿园5所".into(),
            lead_unit: "学前教育科".into(),
            due: "2026-12-31".into(),
            status: "绿灯".into(),
            light: Light::Green,
            months,
        }];
        let bytes = yearly_xlsx("2026年统筹", &rows).unwrap();
        let mut book = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let sheet = book.worksheet_range("年统筹").unwrap();
        let text = |r: u32, c: u32| match sheet.get_value((r, c)) {
            Some(Data::String(s)) => s.clone(),
            other => format!("{other:?}"),
        };
        assert_eq!(text(0, 0), "2026年统筹");
        assert_eq!(text(1, 5), "1月");
        assert_eq!(text(1, 16), "12月");
        assert_eq!(text(2, 1), "新建幼儿园5所");
        assert_eq!(text(2, 10), "◆完成招标");
        assert_eq!(text(2, 16), "▲");
    }

    #[test]
    fn the_ledger_document_is_a_landscape_table_with_tinted_states() {
        use std::io::Read;
        let bytes = ledger_docx("青禾区文教体局2026年工作任务台账", &rows()).unwrap();
        let text = crate::formats::extract(&bytes, "台账.docx").unwrap().text;
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "青禾区文教体局2026年工作任务台账");
        assert!(
            lines.contains(&"序号 | 工作任务 | 牵头领导 | 责任科室 | 配合单位 | 责任人 | 完成时限 | 进展情况 | 状态 |"),
            "{text}"
        );
        assert!(text.contains("新建幼儿园5所"), "{text}");
        assert!(text.contains("红灯"), "{text}");
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut xml = String::new();
        zip.by_name("word/document.xml")
            .unwrap()
            .read_to_string(&mut xml)
            .unwrap();
        // Landscape A4, the red and yellow tints of the 状态 cells, the 工程 row in bold.
        assert!(xml.contains("w:w=\"16838\" w:h=\"11906\""), "landscape");
        assert!(xml.contains(light_fill_hex(Light::Red)));
        assert!(xml.contains(light_fill_hex(Light::Yellow)));
        assert!(xml.contains("<w:b/>"));
    }

    fn light_fill_hex(light: Light) -> &'static str {
        docx::light_fill(light).unwrap()
    }

    #[test]
    fn csv_quotes_what_needs_it_and_defuses_formulas() {
        let csv = ledger_csv(&rows());
        assert!(csv.starts_with("\u{FEFF}序号,工作任务,牵头领导"));
        assert!(
            csv.contains("\"已开工3所，\n\"\"两所\"\"完成招标\""),
            "{csv}"
        );
        assert_eq!(csv_field("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv.matches("\r\n").count(), 3);
    }
}
