//! The 月汇总 as a Word document, for the bureau's monthly meeting: the same figures as the page
//! and the workbook ([`super::monthly_xlsx`]), in the words of [`super::MONTHLY_HEADINGS`].
//!
//! Layout: the title and the month's dates; 一、总体情况 (a sentence with the month's counts
//! and 按时报送率, then the table of every group as the workbook's 汇总 sheet has it);
//! 二、各工程情况 and 三、各责任科室情况, one （一）… section per group with its counts, the
//! tasks completed, overdue, behind and new this month (as the page lists them), the targets'
//! values reported this month and excerpts of the month's reports: a table with a row per
//! report whose 报送内容摘录 cell holds 进展情况, 存在问题 and 下步打算 (shortened as the page
//! shows them) on lines of their own, each labelled, the empty ones left out — two more
//! columns would leave each text a few characters wide on an A4 page.

use chrono::Duration;
use duban_core::service::monthly::{Excerpt, MonthlyGroup, MonthlySummary};
use duban_core::tasks::format_number;

use super::MONTHLY_HEADINGS;
use super::docx::{Align, Column, DocxBuilder, Orientation, Table, chinese_numeral};

/// Size of the text in the summary's tables (五号: the overview has eight columns).
const TABLE_POINTS: f64 = 10.5;

/// The 月汇总 as .docx bytes, headed `title` (`青禾区文教体局2026年3月工作汇总`).
pub fn monthly_docx(title: &str, summary: &MonthlySummary) -> Result<Vec<u8>, String> {
    let mut doc = DocxBuilder::new(Orientation::Portrait);
    doc.title(title);
    let first = summary.month.first;
    let last = summary.month.end() - Duration::days(1);
    doc.subtitle(&format!(
        "（统计时段：{}至{}）",
        first.format("%Y年%-m月%-d日"),
        last.format("%Y年%-m月%-d日")
    ));

    doc.heading1("一、总体情况");
    doc.paragraph(&format!("全局{}", counts_sentence(&summary.total)));
    doc.table(overview(summary));

    let sections = [
        ("二、各工程情况", &summary.by_programme, "本月无工程数据。"),
        (
            "三、各责任科室情况",
            &summary.by_unit,
            "本月无责任科室数据。",
        ),
    ];
    for (heading, groups, none) in sections {
        doc.heading1(heading);
        if groups.is_empty() {
            doc.paragraph(none);
        }
        for (i, g) in groups.iter().enumerate() {
            doc.heading2(&format!("（{}）{}", chinese_numeral(i + 1), g.name));
            group(&mut doc, g);
        }
    }
    doc.finish().map_err(|e| format!("无法生成月汇总文档：{e}"))
}

/// `本月办结2项，本月新增1项，推进中7项，进度滞后0项，超期1项；按时报送率75%。`
fn counts_sentence(g: &MonthlyGroup) -> String {
    let counts = [
        g.completed.len(),
        g.new.len(),
        g.in_progress,
        g.behind.len(),
        g.overdue.len(),
    ];
    let parts: Vec<String> = MONTHLY_HEADINGS[2..7]
        .iter()
        .zip(counts)
        .map(|(label, n)| format!("{label}{n}项"))
        .collect();
    let rate = match g.on_time_rate() {
        Some(_) => format!("{}{}", MONTHLY_HEADINGS[7], rate(g)),
        None => format!("{}—（本月无应报送的报告）", MONTHLY_HEADINGS[7]),
    };
    format!("{}；{rate}。", parts.join("，"))
}

/// 按时报送率 as the workbook writes it: `75%`, or `—` when nothing was owed.
fn rate(g: &MonthlyGroup) -> String {
    g.on_time_rate()
        .map(|r| format!("{}%", format_number(r)))
        .unwrap_or_else(|| "—".to_owned())
}

/// The workbook's 汇总 sheet as a table: 全局, then each 工程, then each 责任科室.
fn overview(summary: &MonthlySummary) -> Table {
    let mut table = Table::new(MONTHLY_HEADINGS.iter().enumerate().map(|(i, h)| {
        // Four characters of 五号 fit the count columns; the names wrap.
        let width = match i {
            1 => 2.8,
            7 => 2.2,
            _ => 1.8,
        };
        let column = Column::new(*h, width);
        if i == 1 { column } else { column.centered() }
    }))
    .font_size(TABLE_POINTS);
    let groups = std::iter::once(("全局", &summary.total))
        .chain(summary.by_programme.iter().map(|g| ("工程", g)))
        .chain(summary.by_unit.iter().map(|g| ("责任科室", g)));
    for (kind, g) in groups {
        table.row([
            kind.to_owned(),
            g.name.clone(),
            g.completed.len().to_string(),
            g.new.len().to_string(),
            g.in_progress.to_string(),
            g.behind.len().to_string(),
            g.overdue.len().to_string(),
            rate(g),
        ]);
    }
    table
}

/// One group's section.
fn group(doc: &mut DocxBuilder, g: &MonthlyGroup) {
    doc.paragraph(&counts_sentence(g));
    let lists = [
        ("本月办结：", &g.completed),
        ("超期未办结：", &g.overdue),
        ("进度滞后：", &g.behind),
        ("本月新增：", &g.new),
    ];
    for (label, rows) in lists {
        if !rows.is_empty() {
            let titles: Vec<&str> = rows.iter().map(|r| r.task.title.as_str()).collect();
            doc.labelled(label, &titles.join("、"));
        }
    }
    if !g.targets.is_empty() {
        doc.labelled("指标最新完成值：", "");
        let mut table = Table::new([
            Column::new("序号", 0.8).centered(),
            Column::new("工作任务", 3.5),
            Column::new("指标", 3.5),
            Column::new("本月完成值", 1.6).centered(),
        ])
        .font_size(TABLE_POINTS);
        for (i, t) in g.targets.iter().enumerate() {
            // The target's task is among the month's reports (its values come from one).
            let task = g
                .excerpts
                .iter()
                .find(|e| e.task == t.task)
                .map(|e| e.title.clone())
                .unwrap_or_else(|| format!("任务{}", t.task));
            table.row([(i + 1).to_string(), task, t.target.clone(), t.value.clone()]);
        }
        doc.table(table);
    }
    if !g.excerpts.is_empty() {
        doc.labelled("本月报送摘录：", "");
        let mut table = Table::new([
            Column::new("序号", 0.8).centered(),
            Column::new("工作任务", 2.6),
            Column::new("完成进度", 1.3).centered(),
            Column::new("报送内容摘录", 5.0).align(Align::Left),
            Column::new("需协调解决", 1.5).centered(),
        ])
        .font_size(TABLE_POINTS);
        for (i, e) in g.excerpts.iter().enumerate() {
            table.row([
                (i + 1).to_string(),
                e.title.clone(),
                format!("{}%", format_number(e.percent)),
                excerpt_text(e),
                if e.needs_coordination { "是" } else { "" }.to_owned(),
            ]);
        }
        doc.table(table);
    }
}

/// The excerpt's cell: `进展情况：…`, `存在问题：…`, `下步打算：…`, one line each, the empty ones
/// left out.
fn excerpt_text(e: &Excerpt) -> String {
    [
        ("进展情况", &e.progress),
        ("存在问题", &e.problems),
        ("下步打算", &e.next_steps),
    ]
    .iter()
    .filter(|(_, text)| !text.is_empty())
    .map(|(label, text)| format!("{label}：{text}"))
    .collect::<Vec<_>>()
    .join("\n")
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use chrono::NaiveDate;
    use duban_core::service::monthly::{Month, MonthlyGroup, TargetLine};
    use duban_core::service::tasks::TaskRow;
    use duban_core::tasks::{
        Assessment, Frequency, Light, ReportSummary, TaskId, TaskRecord, TaskStatus, TaskTimeline,
    };

    use super::*;

    fn row(id: i64, title: &str) -> Arc<TaskRow> {
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        let task = TaskRecord {
            id: TaskId(id),
            plan: None,
            parent: None,
            path: Vec::new(),
            title: title.into(),
            text: String::new(),
            source_start: None,
            source_end: None,
            lead_unit: None,
            co_units: Vec::new(),
            leader: None,
            owner_name: None,
            status: TaskStatus::Published,
            timeline: TaskTimeline::new(d(1, 1), d(12, 31), Frequency::Monthly),
            created_at: d(1, 1).and_hms_opt(0, 0, 0).unwrap().and_utc(),
            targets: Vec::new(),
            milestones: Vec::new(),
        };
        Arc::new(TaskRow {
            task,
            assessment: Assessment {
                light: Light::Green,
                reasons: Vec::new(),
                was_late: false,
                expected_percent: 0.0,
                reported_percent: None,
                missing: Vec::new(),
            },
            latest: None,
            rollup: None,
            programme: "学位供给扩容工程".into(),
            is_parent: false,
            root: TaskId(1),
            reports: Arc::from(Vec::<ReportSummary>::new()),
        })
    }

    fn summary() -> MonthlySummary {
        let excerpt = Excerpt {
            task: TaskId(3),
            title: "新建幼儿园5所".into(),
            progress: "已开工3所 & 完成<招标>".into(),
            problems: "征地手续未完成".into(),
            next_steps: "协调自然资源局加快审批".into(),
            percent: 60.0,
            needs_coordination: true,
        };
        let quiet = Excerpt {
            task: TaskId(6),
            title: "建设智慧校园".into(),
            progress: "已完成设备招标".into(),
            problems: String::new(),
            next_steps: String::new(),
            percent: 30.0,
            needs_coordination: false,
        };
        let target = TargetLine {
            task: TaskId(3),
            target: "新建幼儿园 ≥5所".into(),
            value: "3".into(),
        };
        let busy = MonthlyGroup {
            completed: vec![row(4, "改造薄弱学校2所")],
            overdue: vec![row(5, "建设智慧校园")],
            in_progress: 7,
            owed_reports: 8,
            on_time_reports: 6,
            excerpts: vec![excerpt, quiet],
            targets: vec![target],
            ..MonthlyGroup::default()
        };
        MonthlySummary {
            month: Month::parse("2026-02").unwrap(),
            total: MonthlyGroup {
                name: "全局".into(),
                ..busy.clone()
            },
            by_programme: vec![MonthlyGroup {
                name: "学位供给扩容工程".into(),
                ..busy
            }],
            by_unit: vec![MonthlyGroup {
                name: "学前教育科".into(),
                in_progress: 2,
                ..MonthlyGroup::default()
            }],
        }
    }

    #[test]
    fn the_monthly_document_has_the_sections_counts_and_tables() {
        let bytes = monthly_docx("青禾区文教体局2026年2月工作汇总", &summary()).unwrap();
        let text = crate::formats::extract(&bytes, "月汇总.docx").unwrap().text;
        let lines: Vec<&str> = text.lines().collect();
        let want = [
            "青禾区文教体局2026年2月工作汇总",
            "（统计时段：2026年2月1日至2026年2月28日）",
            "",
            "一、总体情况",
            "全局本月办结1项，本月新增0项，推进中7项，进度滞后0项，超期1项；按时报送率75%。",
            "类别 | 名称 | 本月办结 | 本月新增 | 推进中 | 进度滞后 | 超期 | 按时报送率 |",
            "全局 | 全局 | 1 | 0 | 7 | 0 | 1 | 75% |",
            "工程 | 学位供给扩容工程 | 1 | 0 | 7 | 0 | 1 | 75% |",
            "责任科室 | 学前教育科 | 0 | 0 | 2 | 0 | 0 | — |",
            "二、各工程情况",
            "（一）学位供给扩容工程",
            "本月办结1项，本月新增0项，推进中7项，进度滞后0项，超期1项；按时报送率75%。",
            "本月办结：改造薄弱学校2所",
            "超期未办结：建设智慧校园",
            "指标最新完成值：",
            "序号 | 工作任务 | 指标 | 本月完成值 |",
            "1 | 新建幼儿园5所 | 新建幼儿园 ≥5所 | 3 |",
            "本月报送摘录：",
            "序号 | 工作任务 | 完成进度 | 报送内容摘录 | 需协调解决 |",
            // The cell's lines come back joined by spaces; an empty last cell is left out.
            "1 | 新建幼儿园5所 | 60% | 进展情况：已开工3所 & 完成<招标> 存在问题：征地手续未完成 下步打算：协调自然资源局加快审批 | 是 |",
            "2 | 建设智慧校园 | 30% | 进展情况：已完成设备招标 |",
            "三、各责任科室情况",
            "（一）学前教育科",
            "本月办结0项，本月新增0项，推进中2项，进度滞后0项，超期0项；按时报送率—（本月无应报送的报告）。",
        ];
        assert_eq!(lines, want);

        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.as_slice())).unwrap();
        let mut xml = String::new();
        std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").unwrap(), &mut xml)
            .unwrap();
        assert!(xml.contains(r#"<w:pgSz w:w="11906" w:h="16838"/>"#));
        assert!(xml.contains("已开工3所 &amp; 完成&lt;招标&gt;"));
        // The excerpt's three texts are lines of one cell; an empty one is no line at all.
        assert!(xml.contains(
            "完成&lt;招标&gt;</w:t><w:br/><w:t xml:space=\"preserve\">存在问题：征地手续未完成</w:t><w:br/><w:t xml:space=\"preserve\">下步打算："
        ));
        assert!(xml.contains("进展情况：已完成设备招标</w:t></w:r>"));
        assert_eq!(xml.matches("存在问题：").count(), 1);
        // Headings are headings (for the navigation pane), one table heading row per table.
        assert_eq!(xml.matches(r#"<w:pStyle w:val="Heading1"/>"#).count(), 3);
        assert_eq!(xml.matches(r#"<w:pStyle w:val="Heading2"/>"#).count(), 2);
        assert_eq!(xml.matches("<w:tblHeader/>").count(), 3);
    }

    #[test]
    fn a_month_without_groups_says_so() {
        let summary = MonthlySummary {
            month: Month::parse("2026-03").unwrap(),
            total: MonthlyGroup {
                name: "全局".into(),
                ..MonthlyGroup::default()
            },
            by_programme: Vec::new(),
            by_unit: Vec::new(),
        };
        let bytes = monthly_docx("2026年3月工作汇总", &summary).unwrap();
        let text = crate::formats::extract(&bytes, "x.docx").unwrap().text;
        assert!(text.contains("（统计时段：2026年3月1日至2026年3月31日）"));
        assert!(text.contains(
            "二、各工程情况\n本月无工程数据。\n三、各责任科室情况\n本月无责任科室数据。"
        ));
    }
}
