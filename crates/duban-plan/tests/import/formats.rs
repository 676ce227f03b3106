//! Containers and encodings → text, through the public API (`duban_plan::formats::extract`,
//! `duban_plan::import_bytes`): .docx and .xlsx fixtures generated here (a zip written by hand,
//! a workbook written by rust_xlsxwriter), CSV/TSV, and every supported text encoding. The
//! extracted lines are asserted exactly: they are the contract with the outline stage.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Cursor, Write};

use duban_core::plan::SourceFormat;
use duban_plan::formats::{Extracted, extract};
use duban_plan::{ImportOptions, import_bytes};
use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, Workbook};
use zip::ZipWriter;
use zip::write::SimpleFileOptions;

// ---------------------------------------------------------------- fixtures

const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;

/// A zip holding `entries` (name, content), deflated.
pub(crate) fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, content) in entries {
        writer
            .start_file(*name, SimpleFileOptions::default())
            .unwrap();
        writer.write_all(content).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

/// A .docx with `body` (the children of `w:body`) and optional numbering and styles parts.
pub(crate) fn docx_of(body: &str, numbering: Option<&str>, styles: Option<&str>) -> Vec<u8> {
    let content_types = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/></Types>"#;
    let rels = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document {W}><w:body>{body}<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>"#
    );
    let mut entries: Vec<(&str, Vec<u8>)> = vec![
        ("[Content_Types].xml", content_types.as_bytes().to_vec()),
        ("_rels/.rels", rels.as_bytes().to_vec()),
        ("word/document.xml", document.into_bytes()),
    ];
    if let Some(n) = numbering {
        entries.push((
            "word/numbering.xml",
            format!(r#"<?xml version="1.0" encoding="UTF-8"?><w:numbering {W}>{n}</w:numbering>"#)
                .into_bytes(),
        ));
    }
    if let Some(s) = styles {
        entries.push((
            "word/styles.xml",
            format!(r#"<?xml version="1.0" encoding="UTF-8"?><w:styles {W}>{s}</w:styles>"#)
                .into_bytes(),
        ));
    }
    let borrowed: Vec<(&str, &[u8])> = entries.iter().map(|(n, c)| (*n, c.as_slice())).collect();
    zip_of(&borrowed)
}

/// A paragraph of plain runs.
fn p(text: &str) -> String {
    format!("<w:p><w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>")
}

/// A paragraph numbered by `num_id` at `level`.
fn np(num_id: u32, level: u32, text: &str) -> String {
    format!(
        r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>"#
    )
}

/// A table cell with `tc_pr` properties and one paragraph.
fn tc(tc_pr: &str, paragraph: &str) -> String {
    format!("<w:tc><w:tcPr><w:tcW w:w=\"1000\" w:type=\"dxa\"/>{tc_pr}</w:tcPr>{paragraph}</w:tc>")
}

fn lvl(level: u32, format: &str, text: &str) -> String {
    format!(
        r#"<w:lvl w:ilvl="{level}"><w:start w:val="1"/><w:numFmt w:val="{format}"/><w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/><w:pPr><w:ind w:left="420" w:hanging="420"/></w:pPr></w:lvl>"#
    )
}

/// Numbering: 1 = `一、` > `1.`; 2 = `（一）`; 3 = dash bullet; 4 = list 1 restarted at 五;
/// 5 = bare decimal (a 序号 column).
fn numbering() -> String {
    [
        format!(
            r#"<w:abstractNum w:abstractNumId="0"><w:multiLevelType w:val="multilevel"/>{}{}</w:abstractNum>"#,
            lvl(0, "chineseCounting", "%1、"),
            lvl(1, "decimal", "%2.")
        ),
        format!(r#"<w:abstractNum w:abstractNumId="1">{}</w:abstractNum>"#, lvl(0, "chineseCounting", "（%1）")),
        format!(r#"<w:abstractNum w:abstractNumId="2">{}</w:abstractNum>"#, lvl(0, "bullet", "—")),
        format!(r#"<w:abstractNum w:abstractNumId="3">{}</w:abstractNum>"#, lvl(0, "decimal", "%1")),
        r#"<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>"#.to_string(),
        r#"<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>"#.to_string(),
        r#"<w:num w:numId="3"><w:abstractNumId w:val="2"/></w:num>"#.to_string(),
        r#"<w:num w:numId="4"><w:abstractNumId w:val="0"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="5"/></w:lvlOverride></w:num>"#.to_string(),
        r#"<w:num w:numId="5"><w:abstractNumId w:val="3"/></w:num>"#.to_string(),
    ]
    .concat()
}

/// The work plan used by the .docx tests.
pub(crate) fn plan_docx() -> Vec<u8> {
    let tracked = r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="1"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>加强党的建设。</w:t></w:r><w:del w:id="1" w:author="王" w:date="2025-01-02T00:00:00Z"><w:r><w:delText>删除的旧表述。</w:delText></w:r></w:del><w:ins w:id="2" w:author="王" w:date="2025-01-02T00:00:00Z"><w:r><w:t>全面从严治党。</w:t></w:r></w:ins></w:p>"#;
    let hidden = r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="1"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>深化课程改革</w:t></w:r><w:r><w:rPr><w:vanish/></w:rPr><w:t>（隐藏批注）</w:t></w:r><w:r><w:t>。</w:t></w:r></w:p>"#;
    let merged_mark = r#"<w:p><w:pPr><w:rPr><w:del w:id="3" w:author="王" w:date="2025-01-02T00:00:00Z"/></w:rPr></w:pPr><w:r><w:t>合并前半句，</w:t></w:r></w:p>"#;
    let breaks = r#"<w:p><w:r><w:t>目标</w:t><w:tab/><w:t>任务</w:t><w:br/><w:t>第二行 A&amp;B&lt;C</w:t></w:r></w:p>"#;
    let table = [
        "<w:tbl><w:tblPr><w:tblW w:w=\"0\" w:type=\"auto\"/></w:tblPr><w:tblGrid><w:gridCol w:w=\"800\"/><w:gridCol w:w=\"3000\"/><w:gridCol w:w=\"1500\"/><w:gridCol w:w=\"1500\"/></w:tblGrid>".to_string(),
        format!("<w:tr>{}{}{}{}</w:tr>", tc("", &p("序号")), tc("", &p("工作任务")), tc("", &p("牵头单位")), tc("", &p("完成时限"))),
        format!(
            "<w:tr>{}{}{}{}</w:tr>",
            tc("", &np(5, 0, "")),
            tc("", &format!("{}{}", p("开展教师培训"), p("（全年）"))),
            tc(r#"<w:vMerge w:val="restart"/>"#, &p("人事科")),
            tc("", &p("2025年6月底"))
        ),
        format!(
            "<w:tr>{}{}{}{}</w:tr>",
            tc("", &np(5, 0, "")),
            tc("", &p("推进课后服务 | 托管")),
            tc("<w:vMerge/>", "<w:p/>"),
            tc("", &p("2025年12月底"))
        ),
        format!("<w:tr>{}</w:tr>", tc(r#"<w:gridSpan w:val="4"/>"#, &p("以上任务按季度调度"))),
        format!("<w:tr>{}{}{}{}</w:tr>", tc("", "<w:p/>"), tc("", "<w:p/>"), tc("", "<w:p/>"), tc("", "<w:p/>"))
            .replace("<w:tr>", "<w:tr><w:trPr><w:trHeight w:val=\"300\"/></w:trPr>"),
        "</w:tbl>".to_string(),
    ]
    .concat();
    let body = [
        p("2025年区教育局工作要点"),
        np(1, 0, "总体要求"),
        tracked.to_string(),
        hidden.to_string(),
        np(1, 0, "重点任务"),
        np(1, 1, "推进集团化办学。"),
        table,
        np(2, 0, "强化组织领导"),
        np(2, 0, "强化督查考核"),
        np(3, 0, "建立月报制度"),
        merged_mark.to_string(),
        p("后半句。"),
        np(4, 0, "附则"),
        breaks.to_string(),
    ]
    .concat();
    docx_of(&body, Some(&numbering()), None)
}

fn ok(bytes: &[u8], name: &str) -> Extracted {
    match extract(bytes, name) {
        Ok(e) => e,
        Err(e) => panic!("{name} must extract: {e}"),
    }
}

fn lines(extracted: &Extracted) -> Vec<&str> {
    extracted.text.lines().collect()
}

// ---------------------------------------------------------------- docx

#[test]
fn docx_paragraphs_numbering_tables_and_tracked_changes_become_lines() {
    let bytes = plan_docx();

    let extracted = ok(&bytes, "2025年工作要点.docx");

    assert_eq!(extracted.format, SourceFormat::Docx);
    assert_eq!(extracted.encoding, "UTF-8 (OOXML)");
    assert_eq!(
        lines(&extracted),
        [
            "2025年区教育局工作要点",
            "一、总体要求",
            "1.加强党的建设。全面从严治党。",
            "2.深化课程改革。",
            "二、重点任务",
            "1.推进集团化办学。",
            "序号 | 工作任务 | 牵头单位 | 完成时限 |",
            "1 | 开展教师培训 （全年） | 人事科 | 2025年6月底 |",
            "2 | 推进课后服务 ｜ 托管 | 人事科 | 2025年12月底 |",
            "以上任务按季度调度 |",
            "（一）强化组织领导",
            "（二）强化督查考核",
            "—— 建立月报制度",
            "合并前半句，后半句。",
            "五、附则",
            "目标\t任务 第二行 A&B<C",
        ]
    );
}

#[test]
fn docx_numbering_from_a_paragraph_style_shares_the_list_counters() {
    let styles = r#"<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style><w:style w:type="paragraph" w:styleId="1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style><w:style w:type="paragraph" w:styleId="2"><w:name w:val="heading 2"/><w:basedOn w:val="1"/><w:pPr><w:numPr><w:ilvl w:val="1"/></w:numPr></w:pPr></w:style>"#;
    let styled = |style: &str, text: &str| {
        format!(
            r#"<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>"#
        )
    };
    let body = [
        styled("1", "指导思想"),
        styled("2", "坚持立德树人"),
        styled("2", "坚持改革创新"),
        np(1, 0, "工作目标"),
        styled("2", "巩固义务教育优质均衡"),
        r#"<w:p><w:pPr><w:pStyle w:val="1"/><w:numPr><w:numId w:val="0"/></w:numPr></w:pPr><w:r><w:t>附件</w:t></w:r></w:p>"#.to_string(),
    ]
    .concat();
    let bytes = docx_of(&body, Some(&numbering()), Some(styles));

    let extracted = ok(&bytes, "plan.docx");

    assert_eq!(
        lines(&extracted),
        [
            "一、指导思想",
            "1.坚持立德树人",
            "2.坚持改革创新",
            "二、工作目标",
            "1.巩固义务教育优质均衡",
            "附件"
        ]
    );
}

#[test]
fn docx_rows_in_content_controls_and_nested_tables_stay_in_place() {
    let nested = format!(
        "<w:tbl><w:tr>{}{}</w:tr><w:tr>{}{}</w:tr></w:tbl>",
        tc("", &p("甲")),
        tc("", &p("乙")),
        tc("", &p("丙")),
        tc("", &p("丁"))
    );
    let body = [
        p("前言"),
        "<w:tbl>".to_string(),
        format!("<w:tr>{}{}</w:tr>", tc("", &p("序号")), tc("", &p("内容"))),
        format!(
            "<w:sdt><w:sdtPr/><w:sdtContent><w:tr>{}{}</w:tr></w:sdtContent></w:sdt>",
            tc("", &p("1")),
            tc("", &format!("{nested}{}", p("说明")))
        ),
        "</w:tbl>".to_string(),
        p("结语"),
    ]
    .concat();
    let bytes = docx_of(&body, None, None);

    let extracted = ok(&bytes, "plan.docx");

    assert_eq!(
        lines(&extracted),
        ["前言", "序号 | 内容 |", "1 | 甲 乙 丙 丁 说明 |", "结语"]
    );
}

#[test]
fn docx_is_recognised_by_content_whatever_the_name() {
    let bytes = docx_of(&p("学前教育三年行动计划"), None, None);

    let extracted = ok(&bytes, "upload.xlsx");

    assert_eq!(extracted.format, SourceFormat::Docx);
    assert_eq!(extracted.text, "学前教育三年行动计划");
}

// ---------------------------------------------------------------- xlsx

/// A 任务分解表: title row above the header, a merged 牵头单位 over two rows, dates, numbers,
/// a percentage and a boolean; a second sheet with notes, an empty sheet and a hidden one.
fn plan_xlsx() -> Vec<u8> {
    let mut workbook = Workbook::new();
    let center = Format::new().set_align(FormatAlign::Center);
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let percent = Format::new().set_num_format("0%");
    {
        let sheet = workbook.add_worksheet();
        sheet.set_name("任务分解").unwrap();
        sheet
            .merge_range(0, 0, 0, 5, "2025年重点工作任务分解表", &center)
            .unwrap();
        for (col, header) in [
            "序号",
            "工作任务",
            "牵头单位",
            "配合单位",
            "完成时限",
            "目标值",
        ]
        .iter()
        .enumerate()
        {
            sheet.write_string(1, col as u16, *header).unwrap();
        }
        sheet.write_number(2, 0, 1).unwrap();
        sheet.write_string(2, 1, "开展教师培训").unwrap();
        sheet.merge_range(2, 2, 3, 2, "人事科", &center).unwrap();
        sheet.write_string(2, 3, "教研室").unwrap();
        sheet
            .write_datetime_with_format(2, 4, ExcelDateTime::from_ymd(2025, 6, 30).unwrap(), &date)
            .unwrap();
        sheet
            .write_number_with_format(2, 5, 0.95, &percent)
            .unwrap();
        sheet.write_number(3, 0, 2).unwrap();
        sheet
            .write_string(3, 1, "推进课后服务\n（含暑期托管）")
            .unwrap();
        sheet
            .write_datetime_with_format(3, 4, ExcelDateTime::from_ymd(2025, 12, 31).unwrap(), &date)
            .unwrap();
        sheet.write_number(3, 5, 1200.5).unwrap();
        sheet.write_number(5, 0, 3).unwrap();
        sheet.write_string(5, 1, "纳入年度考核").unwrap();
        sheet.write_boolean(5, 5, true).unwrap();
    }
    workbook
        .add_worksheet()
        .set_name("说明")
        .unwrap()
        .write_string(0, 0, "填报说明：按月更新")
        .unwrap();
    workbook.add_worksheet().set_name("空白").unwrap();
    let hidden = workbook.add_worksheet();
    hidden
        .set_name("单位列表")
        .unwrap()
        .write_string(0, 0, "人事科")
        .unwrap();
    hidden.set_hidden(true);
    workbook.save_to_buffer().unwrap()
}

#[test]
fn xlsx_sheets_render_as_table_lines_with_merges_dates_and_numbers() {
    let bytes = plan_xlsx();

    let extracted = ok(&bytes, "任务分解表.xlsx");

    assert_eq!(extracted.format, SourceFormat::Xlsx);
    assert_eq!(extracted.encoding, "UTF-8 (OOXML)");
    assert_eq!(
        lines(&extracted),
        [
            "任务分解",
            "2025年重点工作任务分解表 |",
            "序号 | 工作任务 | 牵头单位 | 配合单位 | 完成时限 | 目标值 |",
            "1 | 开展教师培训 | 人事科 | 教研室 | 2025-06-30 | 95% |",
            "2 | 推进课后服务 （含暑期托管） | 人事科 |  | 2025-12-31 | 1200.5 |",
            "3 | 纳入年度考核 |  |  |  | 是 |",
            "说明",
            "填报说明：按月更新 |",
        ]
    );
}

#[test]
fn xlsx_with_one_sheet_has_no_sheet_name_line() {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet
        .write_string(0, 0, "序号")
        .unwrap()
        .write_string(0, 1, "工作任务")
        .unwrap();
    sheet
        .write_number(1, 0, 1)
        .unwrap()
        .write_string(1, 1, "建设智慧校园")
        .unwrap();
    let bytes = workbook.save_to_buffer().unwrap();

    let extracted = ok(&bytes, "tasks.xlsx");

    assert_eq!(
        lines(&extracted),
        ["序号 | 工作任务 |", "1 | 建设智慧校园 |"]
    );
}

// ---------------------------------------------------------------- csv

#[test]
fn csv_quotes_doubled_quotes_and_line_breaks_inside_quotes() {
    let text = "序号,工作任务,牵头单位\r\n1,\"开展\"\"三支队伍\"\"培训\r\n（全年）\",人事科\r\n2,\"推进课后服务, 托管\",\r\n";

    let extracted = ok(text.as_bytes(), "分解表.csv");

    assert_eq!(extracted.format, SourceFormat::Csv);
    assert_eq!(extracted.encoding, "UTF-8");
    assert_eq!(
        lines(&extracted),
        [
            "序号 | 工作任务 | 牵头单位 |",
            "1 | 开展\"三支队伍\"培训 （全年） | 人事科 |",
            "2 | 推进课后服务, 托管 |"
        ]
    );
}

#[test]
fn csv_in_gbk_with_semicolons_is_decoded_and_split() {
    let text = "序号;工作任务;完成时限\n1;完善学前教育体系;2025年底\n";
    let (gbk, _, _) = encoding_rs::GB18030.encode(text);

    let extracted = ok(&gbk, "tasks.CSV");

    assert_eq!(extracted.encoding, "GB18030");
    assert_eq!(
        lines(&extracted),
        [
            "序号 | 工作任务 | 完成时限 |",
            "1 | 完善学前教育体系 | 2025年底 |"
        ]
    );
}

#[test]
fn tsv_is_split_on_tabs_only() {
    let extracted = ok(
        "序号\t工作任务\n1\t加强师德, 师风建设\n".as_bytes(),
        "tasks.tsv",
    );

    assert_eq!(
        lines(&extracted),
        ["序号 | 工作任务 |", "1 | 加强师德, 师风建设 |"]
    );
}

// ---------------------------------------------------------------- text encodings

const PLAN: &str = "区文教体局工作意见\n一、总体要求\r\n1.加强党的建设。";

fn utf16(text: &str, little: bool) -> Vec<u8> {
    text.encode_utf16()
        .flat_map(|u| {
            if little {
                u.to_le_bytes()
            } else {
                u.to_be_bytes()
            }
        })
        .collect()
}

fn decoded(bytes: &[u8]) -> (String, String) {
    let extracted = ok(bytes, "plan.txt");
    assert_eq!(extracted.format, SourceFormat::Txt);
    (extracted.text, extracted.encoding)
}

#[test]
fn utf8_with_and_without_bom() {
    let mut with_bom = b"\xEF\xBB\xBF".to_vec();
    with_bom.extend(PLAN.as_bytes());

    assert_eq!(
        decoded(PLAN.as_bytes()),
        (PLAN.to_string(), "UTF-8".to_string())
    );
    assert_eq!(
        decoded(&with_bom),
        (PLAN.to_string(), "UTF-8 (BOM)".to_string())
    );
}

#[test]
fn utf16_with_bom_in_both_byte_orders() {
    let mut le = b"\xFF\xFE".to_vec();
    le.extend(utf16(PLAN, true));
    let mut be = b"\xFE\xFF".to_vec();
    be.extend(utf16(PLAN, false));

    assert_eq!(decoded(&le), (PLAN.to_string(), "UTF-16LE".to_string()));
    assert_eq!(decoded(&be), (PLAN.to_string(), "UTF-16BE".to_string()));
}

#[test]
fn utf16_without_bom_in_both_byte_orders() {
    let ascii_heavy = "2025 plan: 1. Education (教育) 2. Health (卫生)\n";

    assert_eq!(
        decoded(&utf16(ascii_heavy, true)),
        (ascii_heavy.to_string(), "UTF-16LE".to_string())
    );
    assert_eq!(
        decoded(&utf16(ascii_heavy, false)),
        (ascii_heavy.to_string(), "UTF-16BE".to_string())
    );
    assert_eq!(
        decoded(&utf16(PLAN, true)),
        (PLAN.to_string(), "UTF-16LE".to_string())
    );
    assert_eq!(
        decoded(&utf16(PLAN, false)),
        (PLAN.to_string(), "UTF-16BE".to_string())
    );
}

#[test]
fn gb18030_text_is_recognised() {
    let (gb, _, unmappable) = encoding_rs::GB18030.encode("区文教体局工作意见");
    assert!(!unmappable);

    assert_eq!(
        decoded(&gb),
        ("区文教体局工作意见".to_string(), "GB18030".to_string())
    );
    let (gb, _, _) = encoding_rs::GB18030.encode(PLAN);
    assert_eq!(decoded(&gb), (PLAN.to_string(), "GB18030".to_string()));
}

#[test]
fn import_bytes_reports_the_container_and_encoding() {
    let (gb, _, _) = encoding_rs::GB18030.encode(PLAN);

    let plan = import_bytes(&gb, "意见.txt", &ImportOptions::default()).unwrap();

    assert_eq!(plan.source.format, SourceFormat::Txt);
    assert_eq!(plan.source.encoding, "GB18030");
    assert_eq!(plan.source.file, "意见.txt");

    let plan = import_bytes(&plan_docx(), "要点.docx", &ImportOptions::default()).unwrap();
    assert_eq!(plan.source.format, SourceFormat::Docx);
    assert_eq!(plan.source.encoding, "UTF-8 (OOXML)");
}

// ---------------------------------------------------------------- whole pipeline

#[test]
fn an_xlsx_task_table_becomes_rows_and_drafts_with_their_owners() {
    let plan = import_bytes(&plan_xlsx(), "任务分解表.xlsx", &ImportOptions::default()).unwrap();

    assert_eq!(plan.source.format, SourceFormat::Xlsx);
    assert_eq!(plan.title, "2025年重点工作任务分解表");
    assert_eq!(plan.plan_year, Some(2025));
    let rows: Vec<_> = plan
        .walk_nodes()
        .into_iter()
        .filter(|n| n.kind == duban_core::plan::NodeKind::Row)
        .collect();
    assert_eq!(rows.len(), 3, "{:?}", plan.nodes);
    assert_eq!(rows[0].marker, "1");
    assert_eq!(rows[0].lead_unit.as_deref(), Some("人事科"));
    assert_eq!(rows[0].co_units, ["教研室"]);
    assert_eq!(rows[0].due.as_deref(), Some("2025-06-30"));
    // The merged 牵头单位 cell covers the second row too.
    assert_eq!(rows[1].lead_unit.as_deref(), Some("人事科"));
    assert_eq!(rows[1].due.as_deref(), Some("2025-12-31"));
    let first = plan.drafts.iter().find(|d| d.path == ["1"]).unwrap();
    assert_eq!(first.text, "开展教师培训");
    assert_eq!(
        (first.lead_unit.as_deref(), first.due.as_deref()),
        (Some("人事科"), Some("2025-06-30"))
    );
}

#[test]
fn a_docx_with_automatic_numbering_has_the_same_outline_as_typed_markers() {
    let plan = import_bytes(&plan_docx(), "要点.docx", &ImportOptions::default()).unwrap();

    assert_eq!(plan.title, "2025年区教育局工作要点");
    let sections: Vec<(&str, &str)> = plan
        .nodes
        .iter()
        .map(|n| (n.marker.as_str(), n.title.as_str()))
        .collect();
    assert_eq!(sections[..2], [("一、", "总体要求"), ("二、", "重点任务")]);
    let first = &plan.nodes[0].children;
    assert_eq!(
        first.iter().map(|n| n.title.as_str()).collect::<Vec<_>>(),
        ["加强党的建设", "深化课程改革"]
    );
    // The table under 二、 gives rows with their lead unit and deadline.
    let rows: Vec<_> = plan
        .walk_nodes()
        .into_iter()
        .filter(|n| n.kind == duban_core::plan::NodeKind::Row)
        .collect();
    assert_eq!(rows.len(), 2, "{:?}", plan.nodes);
    assert_eq!(rows[1].lead_unit.as_deref(), Some("人事科"));
    assert_eq!(rows[1].due.as_deref(), Some("2025年12月底"));
    assert_eq!(rows[0].path[0], "二、");
}

#[test]
fn a_csv_task_table_with_a_title_row_above_its_header_is_read() {
    let csv = "2025年工作任务分解表,,,\n序号,重点工作,责任科室,时间节点\n1,新建幼儿园3所,基建科,2025年9月\n2,\"修订章程,完善制度\",办公室,年底前\n";
    let plan = import_bytes(csv.as_bytes(), "分解表.csv", &ImportOptions::default()).unwrap();

    assert_eq!(plan.source.format, SourceFormat::Csv);
    let rows = plan.walk_nodes();
    assert_eq!(rows.len(), 2, "{:?}", plan.nodes);
    assert_eq!(rows[1].title, "修订章程,完善制度");
    assert_eq!(rows[0].lead_unit.as_deref(), Some("基建科"));
    assert_eq!(plan.targets.len(), 1);
    assert_eq!(plan.targets[0].value, Some(3.0));
    assert_eq!(plan.drafts[0].targets, [0]);
}
