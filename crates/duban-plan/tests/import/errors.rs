//! Every way a document is refused, through the public API: the error variant, and a Chinese
//! message (`message_zh`) that tells the user what is wrong. Fixtures are built in memory;
//! damaged containers are made by cutting or patching valid ones from `formats`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Cursor, Read, Write};

use duban_plan::formats::extract;
use duban_plan::{ImportError, ImportOptions, MAX_INPUT_BYTES, import_bytes};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use zip::ZipWriter;
use zip::write::SimpleFileOptions;

use crate::formats::{docx_of, zip_of};

fn refused(bytes: &[u8], name: &str) -> ImportError {
    match import_bytes(bytes, name, &ImportOptions::default()) {
        Ok(_) => panic!("{name} must be refused"),
        Err(e) => e,
    }
}

fn assert_message(error: &ImportError, phrase: &str) {
    let message = error.message_zh();
    assert!(
        message.contains(phrase),
        "{message:?} should contain {phrase:?}"
    );
}

fn small_docx() -> Vec<u8> {
    let paragraphs: String = (1..=40)
        .map(|i| format!("<w:p><w:r><w:t>第{i}项工作：推进教育优质均衡发展。</w:t></w:r></w:p>"))
        .collect();
    docx_of(&paragraphs, None, None)
}

fn small_xlsx() -> Vec<u8> {
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
    workbook.save_to_buffer().unwrap()
}

/// Copies the zip in `bytes`, replacing the content of the entry `name`.
fn replace_entry(bytes: &[u8], name: &str, content: &[u8]) -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        let entry_name = file.name().unwrap().to_string();
        let mut data = Vec::new();
        file.read_to_end(&mut data).unwrap();
        writer
            .start_file(entry_name.as_str(), SimpleFileOptions::default())
            .unwrap();
        writer
            .write_all(if entry_name == name { content } else { &data })
            .unwrap();
    }
    writer.finish().unwrap().into_inner()
}

/// Rewrites the uncompressed size that the zip declares for `name` (local and central headers).
fn declare_size(bytes: &mut [u8], name: &str, size: u32) {
    let name = name.as_bytes();
    let mut patched = 0;
    for at in 0..bytes.len().saturating_sub(46) {
        let (signature, size_at, name_at) = match &bytes[at..at + 4] {
            b"PK\x03\x04" => ("local", at + 22, at + 30),
            b"PK\x01\x02" => ("central", at + 24, at + 46),
            _ => continue,
        };
        let name_len_at = if signature == "local" {
            at + 26
        } else {
            at + 28
        };
        let name_len = usize::from(u16::from_le_bytes([
            bytes[name_len_at],
            bytes[name_len_at + 1],
        ]));
        if bytes.get(name_at..name_at + name_len) == Some(name) {
            bytes[size_at..size_at + 4].copy_from_slice(&size.to_le_bytes());
            patched += 1;
        }
    }
    assert_eq!(patched, 2, "local and central header of the entry");
}

// ---------------------------------------------------------------- empty and too large

#[test]
fn an_empty_file_is_refused_as_empty() {
    let error = refused(b"", "plan.txt");

    assert_eq!(error, ImportError::Empty);
    assert_message(&error, "文件为空");
}

#[test]
fn a_whitespace_only_file_is_refused_as_empty_in_any_encoding() {
    assert_eq!(refused(b" \r\n\t \n", "plan.txt"), ImportError::Empty);
    assert_eq!(
        refused(b"\xFF\xFE \x00\x00\x30\n\x00", "plan.txt"),
        ImportError::Empty
    );
    assert_eq!(
        refused(" \u{3000}\n".as_bytes(), "plan.txt"),
        ImportError::Empty
    );
    assert_eq!(refused(b"  \n", "plan.docx"), ImportError::Empty);
}

#[test]
fn a_workbook_without_any_cell_is_refused_as_empty() {
    let mut workbook = Workbook::new();
    workbook.add_worksheet();
    let bytes = workbook.save_to_buffer().unwrap();

    assert_eq!(refused(&bytes, "empty.xlsx"), ImportError::Empty);
}

#[test]
fn input_over_the_size_limit_is_refused_before_reading() {
    let bytes = vec![b'a'; MAX_INPUT_BYTES + 1];

    let error = refused(&bytes, "plan.txt");

    assert_eq!(
        error,
        ImportError::TooLarge {
            bytes: MAX_INPUT_BYTES + 1,
            limit: MAX_INPUT_BYTES
        }
    );
    assert_message(&error, "文件过大");
}

// ---------------------------------------------------------------- binary content

#[test]
fn a_png_is_refused_as_an_image() {
    let bytes = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10";

    let error = refused(bytes, "截图.txt");

    assert!(
        matches!(&error, ImportError::Binary { kind } if kind.contains("PNG")),
        "{error:?}"
    );
    assert_message(&error, "PNG 图片");
}

#[test]
fn a_pdf_is_refused_with_a_hint() {
    let error = refused(
        b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<<>>\nendobj\n",
        "工作要点.pdf",
    );

    assert!(
        matches!(&error, ImportError::Binary { kind } if kind.starts_with("PDF")),
        "{error:?}"
    );
    assert_message(&error, "PDF 文件");
}

#[test]
fn an_ole2_file_is_refused_as_legacy_office() {
    let mut bytes = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec();
    bytes.extend([0u8; 504]);

    let error = refused(&bytes, "工作计划.doc");

    assert!(
        matches!(&error, ImportError::Binary { kind } if kind.contains(".doc/.xls")),
        "{error:?}"
    );
    assert_message(&error, "另存为 .docx/.xlsx");
}

#[test]
fn random_bytes_are_refused_as_binary() {
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let bytes: Vec<u8> = (0..4096)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect();

    let error = refused(&bytes, "data.txt");

    assert!(matches!(error, ImportError::Binary { .. }), "{error:?}");
    assert_message(&error, "二进制数据");
}

#[test]
fn nul_bytes_in_text_mean_binary() {
    let error = refused(b"\x00\x00\x00\x01abc\x00\x00def", "plan.txt");

    assert!(matches!(error, ImportError::Binary { .. }), "{error:?}");
}

#[test]
fn a_zip_that_is_neither_docx_nor_xlsx_is_refused_as_an_archive() {
    let bytes = zip_of(&[("附件/说明.txt", "工作要点".as_bytes())]);

    let error = refused(&bytes, "附件.zip");

    assert_eq!(
        error,
        ImportError::Binary {
            kind: "ZIP 压缩包".to_string()
        }
    );
    assert_message(&error, "ZIP 压缩包");
}

#[test]
fn a_zip_named_docx_without_a_document_is_a_bad_container() {
    let bytes = zip_of(&[("readme.txt", b"hello")]);

    let error = refused(&bytes, "plan.docx");

    assert!(
        matches!(&error, ImportError::BadContainer { format: "docx", .. }),
        "{error:?}"
    );
    assert_message(&error, "word/document.xml");
}

#[test]
fn text_that_no_encoding_reads_is_undecodable() {
    let mut bytes = "全面提升教育质量，办好人民满意的教育。".as_bytes().to_vec();
    bytes.insert(12, 0xFF);

    let error = refused(&bytes, "plan.txt");

    assert_eq!(error, ImportError::Undecodable { byte: 12 });
    assert_message(&error, "无法识别文本编码");
}

// ---------------------------------------------------------------- damaged containers

#[test]
fn a_truncated_docx_is_a_bad_container() {
    let bytes = small_docx();
    let half = &bytes[..bytes.len() / 2];

    let named = refused(half, "工作要点.docx");
    let unnamed = refused(half, "upload");

    for error in [&named, &unnamed] {
        assert!(
            matches!(error, ImportError::BadContainer { format: "docx", .. }),
            "{error:?}"
        );
        assert_message(error, "已损坏或不完整");
        assert_message(error, "截断");
    }
}

#[test]
fn a_docx_name_on_plain_text_is_a_wrong_extension() {
    let error = refused("一、总体要求\n1.加强党的建设。".as_bytes(), "工作要点.docx");

    assert!(
        matches!(&error, ImportError::BadContainer { format: "docx", .. }),
        "{error:?}"
    );
    assert_message(&error, "扩展名");
    assert_message(&error, "不是 Word 文档");
}

#[test]
fn an_xlsx_name_on_plain_text_is_a_wrong_extension() {
    let error = refused("序号,工作任务\n1,建设智慧校园\n".as_bytes(), "tasks.xlsx");

    assert!(
        matches!(&error, ImportError::BadContainer { format: "xlsx", .. }),
        "{error:?}"
    );
    assert_message(&error, "不是 Excel 工作簿");
}

#[test]
fn an_xlsx_sheet_that_is_not_xml_is_a_bad_container() {
    let bytes = replace_entry(
        &small_xlsx(),
        "xl/worksheets/sheet1.xml",
        "这不是 XML \x00\x01".as_bytes(),
    );

    let error = refused(&bytes, "tasks.xlsx");

    assert!(
        matches!(&error, ImportError::BadContainer { format: "xlsx", .. }),
        "{error:?}"
    );
    assert_message(&error, "xlsx 文件已损坏或不完整");
}

#[test]
fn an_xlsx_workbook_part_that_is_not_xml_is_a_bad_container() {
    let bytes = replace_entry(
        &small_xlsx(),
        "xl/workbook.xml",
        b"<workbook><sheets><sheet",
    );

    let error = refused(&bytes, "tasks.xlsx");

    assert!(
        matches!(&error, ImportError::BadContainer { format: "xlsx", .. }),
        "{error:?}"
    );
}

#[test]
fn a_docx_with_malformed_xml_is_a_bad_container() {
    let bytes = replace_entry(
        &small_docx(),
        "word/document.xml",
        "<w:document xmlns:w=\"x\"><w:body><w:p><w:r><w:t>一、</w:t></w:p></w:body></w:document>"
            .as_bytes(),
    );

    let error = refused(&bytes, "plan.docx");

    assert!(
        matches!(&error, ImportError::BadContainer { format: "docx", .. }),
        "{error:?}"
    );
    assert_message(&error, "word/document.xml 不是有效的 XML");
}

#[test]
fn a_docx_whose_document_is_not_xml_is_a_bad_container() {
    let bytes = replace_entry(&small_docx(), "word/document.xml", "工作要点".as_bytes());

    let error = refused(&bytes, "plan.docx");

    assert!(
        matches!(&error, ImportError::BadContainer { format: "docx", .. }),
        "{error:?}"
    );
}

#[test]
fn a_zip_entry_declared_over_64_mib_is_refused_as_a_zip_bomb() {
    let mut bytes = small_docx();
    declare_size(&mut bytes, "word/document.xml", 65 * 1024 * 1024);

    let error = refused(&bytes, "plan.docx");

    assert!(
        matches!(&error, ImportError::BadContainer { format: "docx", .. }),
        "{error:?}"
    );
    assert_message(&error, "超过 64 MiB");
}

#[test]
fn a_table_over_the_row_limit_is_refused() {
    let text = "1\n".repeat(duban_plan::formats::MAX_ROWS + 1);

    let error = refused(text.as_bytes(), "big.csv");

    assert!(
        matches!(&error, ImportError::BadContainer { format: "csv", .. }),
        "{error:?}"
    );
    assert_message(&error, "表格过大");
}

#[test]
fn extract_never_panics_on_cut_or_flipped_containers() {
    for bytes in [small_docx(), small_xlsx()] {
        for cut in (0..bytes.len()).step_by(97) {
            let _ = extract(&bytes[..cut], "x.docx");
            let mut flipped = bytes.clone();
            flipped[cut] ^= 0x5A;
            let _ = extract(&flipped, "x.xlsx");
        }
    }
}

/// Cuts each XML part at many points and overwrites single bytes with XML-significant ones,
/// re-zipping each time, so that the XML readers (ours and calamine) see damaged markup.
#[test]
fn extract_never_panics_on_damaged_xml_parts() {
    let docx = crate::formats::plan_docx();
    let xlsx = {
        let mut workbook = Workbook::new();
        let plain = Format::new();
        let sheet = workbook.add_worksheet();
        sheet.merge_range(0, 0, 0, 3, "标题", &plain).unwrap();
        sheet
            .write_string(1, 0, "序号")
            .unwrap()
            .write_string(1, 1, "工作任务")
            .unwrap();
        sheet
            .write_number(2, 0, 1)
            .unwrap()
            .write_string(2, 1, "建设智慧校园")
            .unwrap();
        sheet.merge_range(2, 2, 4, 3, "人事科", &plain).unwrap();
        let date = Format::new().set_num_format("yyyy-mm-dd");
        let day = ExcelDateTime::from_ymd(2025, 6, 30).unwrap();
        sheet.write_datetime_with_format(3, 1, day, &date).unwrap();
        workbook.save_to_buffer().unwrap()
    };
    let targets: [(&[u8], &[&str]); 2] = [
        (&docx, &["word/document.xml", "word/numbering.xml"]),
        (
            &xlsx,
            &[
                "xl/worksheets/sheet1.xml",
                "xl/sharedStrings.xml",
                "xl/styles.xml",
                "xl/workbook.xml",
            ],
        ),
    ];
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state as usize
    };
    for (bytes, parts) in targets {
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        for part in parts {
            let mut xml = Vec::new();
            archive
                .by_name(part)
                .unwrap()
                .read_to_end(&mut xml)
                .unwrap();
            for cut in (0..xml.len()).step_by(61) {
                let _ = extract(&replace_entry(bytes, part, &xml[..cut]), "x");
                let mut mutated = xml.clone();
                let at = next() % mutated.len();
                mutated[at] = b"<>\"/09-&A\xE4"[next() % 10];
                let _ = extract(&replace_entry(bytes, part, &mutated), "x");
            }
        }
    }
}

#[test]
fn a_spreadsheet_without_a_task_column_is_refused_with_the_headers_it_needs() {
    let csv = "姓名,电话\n张三,123\n";

    let err = duban_plan::import_bytes(
        csv.as_bytes(),
        "通讯录.csv",
        &duban_plan::ImportOptions::default(),
    )
    .err()
    .map(|e| {
        (
            matches!(e, duban_plan::ImportError::NoTaskTable { .. }),
            e.message_zh(),
        )
    });

    let (variant, message) = err.unwrap_or_default();
    assert!(variant, "{message}");
    assert!(message.contains("工作任务"), "{message}");
}
