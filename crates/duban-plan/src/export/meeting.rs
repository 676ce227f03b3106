//! The weekly meeting's documents: the agenda (会议议题, before the meeting), the minutes (会议纪要:
//! each item with the reporting unit's latest report and what was decided), and the
//! 确定事项清单 (序号 / 议定事项 / 责任单位 / 配合单位 / 完成时限) as Word and as a workbook.
//! All are made from one [`Minutes`] (built by `duban_core::service::meetings`), so the page,
//! the downloads and `duban export agenda` say the same things.

use duban_core::meetings::OutcomeKind;
use duban_core::service::meetings::Minutes;
use duban_core::tasks::format_date;
use rust_xlsxwriter::{Workbook, XlsxError};

use super::docx::{Column, DocxBuilder, Orientation, Table, chinese_numeral};

/// The headings of the 确定事项清单.
pub const DECIDED_HEADINGS: [&str; 5] = ["序号", "议定事项", "责任单位", "配合单位", "完成时限"];

fn decided_table(m: &Minutes) -> Table {
    let mut t = Table::new([
        Column::new(DECIDED_HEADINGS[0], 1.0).centered(),
        Column::new(DECIDED_HEADINGS[1], 6.0),
        Column::new(DECIDED_HEADINGS[2], 2.2),
        Column::new(DECIDED_HEADINGS[3], 2.6),
        Column::new(DECIDED_HEADINGS[4], 2.2).centered(),
    ]);
    for d in &m.decided {
        t.row([
            d.number.to_string(),
            d.text.clone(),
            d.lead_unit.clone(),
            d.co_units.clone(),
            format_date(d.due),
        ]);
    }
    t
}

/// The agenda (`with_outcomes = false`) or the minutes (`true`) as a Word document.
pub fn meeting_docx(m: &Minutes, with_outcomes: bool) -> Result<Vec<u8>, String> {
    let mut doc = DocxBuilder::new(Orientation::Portrait);
    let meeting = &m.meeting;
    doc.title(&if with_outcomes {
        format!("{}纪要", m.series)
    } else {
        format!("{}议题", m.series)
    });
    doc.subtitle(&format!("（{}）", format_date(meeting.held_on)));
    if with_outcomes {
        doc.paragraph(&format!(
            "{}，{}召开。会议听取了各责任科室关于重点工作推进情况的汇报，研究了有关事项。现将会议议定事项纪要如下。",
            format_date(meeting.held_on),
            meeting.title
        ));
        if !meeting.attendees.trim().is_empty() {
            doc.labelled("出席：", meeting.attendees.trim());
        }
    }
    doc.heading1(if with_outcomes {
        "一、会议议题及议定情况"
    } else {
        "一、会议议题"
    });
    if m.items.is_empty() {
        doc.paragraph("本次会议无议题。");
    }
    for (i, it) in m.items.iter().enumerate() {
        doc.heading2(&format!(
            "（{}）{}",
            chinese_numeral(i + 1),
            it.item.item.title
        ));
        doc.labelled("议题来源：", it.item.item.source.label());
        if !it.item.item.note.trim().is_empty() {
            doc.labelled("情况说明：", it.item.item.note.trim());
        }
        if let Some(unit) = &it.reporting_unit {
            doc.labelled("汇报单位：", unit);
        }
        if let Some((progress, problems, next)) = &it.latest_report {
            let period = it
                .report_period
                .map(|p| format!("（{}起的一期）", format_date(p)))
                .unwrap_or_default();
            doc.labelled(&format!("进展情况{period}："), progress);
            if !problems.trim().is_empty() {
                doc.labelled("存在问题：", problems);
            }
            if !next.trim().is_empty() {
                doc.labelled("下步打算：", next);
            }
        }
        if with_outcomes {
            match &it.item.outcome {
                Some(o) => {
                    let mut text = o.text.clone();
                    if o.kind.is_decided_item()
                        && let Some(due) = o.due
                    {
                        text.push_str(&format!("（完成时限：{}）", format_date(due)));
                    }
                    if o.kind == OutcomeKind::NewTask {
                        text.push_str("（已列入会议议定事项任务，纳入督办）");
                    }
                    doc.labelled(&format!("{}：", o.kind.label()), &text);
                }
                None => {
                    doc.labelled("议定结果：", "未议");
                }
            }
        }
    }
    if with_outcomes {
        doc.heading1("二、确定事项清单");
        if m.decided.is_empty() {
            doc.paragraph("本次会议无确定事项。");
        } else {
            doc.caption("确定事项清单").table(decided_table(m));
        }
        doc.signature(&format!("督查室\n{}", format_date(meeting.held_on)));
    }
    doc.finish()
}

/// The 确定事项清单 alone as a Word document (to send to the units).
pub fn decided_docx(m: &Minutes) -> Result<Vec<u8>, String> {
    let mut doc = DocxBuilder::new(Orientation::Portrait);
    doc.title(&format!("{}确定事项清单", m.series));
    doc.subtitle(&format!("（{}）", format_date(m.meeting.held_on)));
    if m.decided.is_empty() {
        doc.paragraph("本次会议无确定事项。");
    } else {
        doc.table(decided_table(m));
    }
    doc.finish()
}

/// The 确定事项清单 as a workbook: a title row, the headings, one row per item.
pub fn decided_xlsx(m: &Minutes) -> Result<Vec<u8>, String> {
    write_decided(m).map_err(|e| format!("无法生成确定事项清单：{e}"))
}

fn write_decided(m: &Minutes) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("确定事项清单")?;
    let f = super::Formats::new();
    let title = format!(
        "{}确定事项清单（{}）",
        m.series,
        format_date(m.meeting.held_on)
    );
    sheet.merge_range(0, 0, 0, 4, &title, &f.title)?;
    for (col, (name, width)) in DECIDED_HEADINGS
        .iter()
        .zip([6.0, 60.0, 16.0, 24.0, 16.0])
        .enumerate()
    {
        let col = col as u16;
        sheet.write_string_with_format(1, col, *name, &f.heading)?;
        sheet.set_column_width(col, width)?;
    }
    for (i, d) in m.decided.iter().enumerate() {
        let r = (i + 2) as u32;
        let due = format_date(d.due);
        let number = d.number.to_string();
        for (col, text) in [&number, &d.text, &d.lead_unit, &d.co_units, &due]
            .iter()
            .enumerate()
        {
            sheet.write_string_with_format(r, col as u16, text.as_str(), &f.cell)?;
        }
    }
    workbook.save_to_buffer()
}
