//! A small Word (.docx) writer of our own, in the layout of a Chinese official document (公文):
//! A4 paper with the 版心 margins (上 3.7 cm, 下 3.5 cm, 左 2.8 cm, 右 2.6 cm; turned a quarter
//! for landscape pages), a centred 二号 title in 方正小标宋简体, 三号 黑体 / 楷体 headings,
//! 三号 仿宋_GB2312 body text indented two characters on a fixed 28 pt line, ruled tables whose
//! heading row repeats on every page, and a centred `— 1 —` page number in the footer.
//!
//! The output holds exactly the parts Word, WPS and LibreOffice need: `[Content_Types].xml`,
//! `_rels/.rels`, `word/document.xml`, `word/styles.xml`, `word/settings.xml`,
//! `word/fontTable.xml` (which names 仿宋 / 宋体 as stand-ins for the GB2312 fonts),
//! `word/footer1.xml`, `word/_rels/document.xml.rels`, `docProps/core.xml` and
//! `docProps/app.xml`. Every run names its fonts directly (`w:rFonts` with `w:eastAsia`) as well
//! as through the styles, so a reader that ignores styles still shows the right faces. Text is
//! escaped for XML, characters XML cannot hold (control characters) are dropped, line breaks
//! become `w:br` and tabs `w:tab`. Pure: bytes out, no file system, no clock.
//!
//! The builder appends blocks in order; the caller writes the numbering into the text
//! (`一、`, `（一）`; [`chinese_numeral`] spells the numbers). Mistakes a caller can make (a row
//! wider than its table, a bad fill colour, a column without width) are reported by
//! [`DocxBuilder::finish`], not by a panic.
//!
//! ```
//! use duban_plan::export::docx::{Cell, Column, DocxBuilder, Orientation, Table};
//!
//! let mut doc = DocxBuilder::new(Orientation::Portrait);
//! doc.title("局长办公会议纪要").subtitle("（2026年第3期）");
//! doc.heading1("一、会议议定事项");
//! doc.paragraph("会议听取了学位供给扩容工程进展情况汇报，议定如下事项。");
//! let mut items = Table::new([
//!     Column::new("序号", 1.0).centered(),
//!     Column::new("议定事项", 5.0),
//!     Column::new("责任单位", 2.0),
//!     Column::new("配合单位", 2.0),
//!     Column::new("完成时限", 2.0).centered(),
//! ]);
//! items.row(["1", "完成新建幼儿园招标", "基建科", "计财科", "2026-04-30"]);
//! items.row([Cell::new("2"), Cell::new("开展校园安全检查"), "安全科".into(), "".into(),
//!     Cell::new("2026-05-15").fill("FFE699")]);
//! doc.caption("确定事项清单").table(items);
//! doc.signature("青禾区文教体局办公室\n2026年3月6日");
//! let bytes: Vec<u8> = doc.finish()?;
//! assert_eq!(&bytes[..2], b"PK");
//! # Ok::<(), String>(())
//! ```

use std::io::Write;

use duban_core::tasks::Light;

/// A4 width, in twentieths of a point (twips).
const A4_SHORT: u32 = 11906;
/// A4 height, in twips.
const A4_LONG: u32 = 16838;
/// 3.7 cm, 3.5 cm, 2.8 cm, 2.6 cm in twips (1 cm = 1440 / 2.54 twips).
const CM_3_7: u32 = 2098;
const CM_3_5: u32 = 1984;
const CM_2_8: u32 = 1587;
const CM_2_6: u32 = 1474;
/// From the page's lower edge to the page number's baseline area: 7 mm below the 版心.
const FOOTER_DISTANCE: u32 = 1304;
/// Header distance (no header is written; Word wants the value).
const HEADER_DISTANCE: u32 = 851;

/// 三号 (16 pt) in half-points.
const SANHAO: u32 = 32;
/// 二号 (22 pt) in half-points.
const ERHAO: u32 = 44;
/// 四号 (14 pt) in half-points, for the page number.
const SIHAO: u32 = 28;
/// The fixed line of body text: 28 pt, in twips.
const LINE: u32 = 560;
/// Two characters of 三号 text, in twips (the first-line indent).
const TWO_CHARS: u32 = 640;

const TITLE_FONT: &str = "方正小标宋简体";
const BODY_FONT: &str = "仿宋_GB2312";
const HEADING1_FONT: &str = "黑体";
const HEADING2_FONT: &str = "楷体";
const FOOTER_FONT: &str = "宋体";
/// Latin letters and digits.
const LATIN_FONT: &str = "Times New Roman";

/// Fill of the table heading row (the grey of the workbooks' headings).
const HEADING_FILL: &str = "F2F2F2";

/// Which way the page is turned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Orientation {
    /// Upright A4 (the default; the official-document margins).
    #[default]
    Portrait,
    /// A4 on its side, for wide tables; the portrait margins turned with the page (上 2.8 cm,
    /// 下 2.6 cm, 左 3.7 cm, 右 3.5 cm).
    Landscape,
}

impl Orientation {
    /// Page width and height, in twips.
    fn size(self) -> (u32, u32) {
        match self {
            Orientation::Portrait => (A4_SHORT, A4_LONG),
            Orientation::Landscape => (A4_LONG, A4_SHORT),
        }
    }

    /// Top, bottom, left, right margins, in twips.
    fn margins(self) -> (u32, u32, u32, u32) {
        match self {
            Orientation::Portrait => (CM_3_7, CM_3_5, CM_2_8, CM_2_6),
            Orientation::Landscape => (CM_2_8, CM_2_6, CM_3_7, CM_3_5),
        }
    }

    /// Width between the margins, in twips (portrait 156 mm, landscape 225 mm).
    fn text_width(self) -> u32 {
        let (_, _, left, right) = self.margins();
        self.size().0 - left - right
    }
}

/// Horizontal alignment of a table cell's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Align {
    /// Flush left (the default for text).
    #[default]
    Left,
    /// Centred (numbers, dates, short codes).
    Center,
    /// Flush right.
    Right,
}

impl Align {
    fn val(self) -> &'static str {
        match self {
            Align::Left => "left",
            Align::Center => "center",
            Align::Right => "right",
        }
    }
}

/// A table column: its heading and its relative width.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    heading: String,
    width: f64,
    align: Align,
}

impl Column {
    /// A column headed `heading`. `width` is relative: the columns share the width between the
    /// page margins in proportion to their widths (`1.0, 5.0, 2.0` gives 1/8, 5/8, 2/8), so the
    /// same table fits a portrait and a landscape page. Must be positive.
    pub fn new(heading: impl Into<String>, width: f64) -> Self {
        Self {
            heading: heading.into(),
            width,
            align: Align::Left,
        }
    }

    /// Centres the column's body cells (序号, dates, counts).
    pub fn centered(self) -> Self {
        self.align(Align::Center)
    }

    /// Aligns the column's body cells.
    pub fn align(mut self, align: Align) -> Self {
        self.align = align;
        self
    }
}

/// A table cell: text (line breaks kept) and, optionally, a fill colour, bold text or an
/// alignment of its own.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Cell {
    text: String,
    fill: Option<String>,
    bold: bool,
    align: Option<Align>,
}

impl Cell {
    /// A plain cell.
    pub fn new(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            ..Self::default()
        }
    }

    /// Shades the cell with an RGB colour in hex (`"F8CBAD"`, a leading `#` allowed).
    pub fn fill(mut self, hex: &str) -> Self {
        self.fill = Some(hex.trim_start_matches('#').to_ascii_uppercase());
        self
    }

    /// Shades the cell with a light's tint (the workbooks' tints); no light, no fill.
    pub fn light(self, light: Light) -> Self {
        match light_fill(light) {
            Some(hex) => self.fill(hex),
            None => self,
        }
    }

    /// Bold text (a 工程 line, a total).
    pub fn bold(mut self) -> Self {
        self.bold = true;
        self
    }

    /// Aligns this cell, whatever its column says.
    pub fn align(mut self, align: Align) -> Self {
        self.align = Some(align);
        self
    }
}

impl From<&str> for Cell {
    fn from(text: &str) -> Self {
        Cell::new(text)
    }
}

impl From<String> for Cell {
    fn from(text: String) -> Self {
        Cell::new(text)
    }
}

impl From<&String> for Cell {
    fn from(text: &String) -> Self {
        Cell::new(text.as_str())
    }
}

/// The fill of a light, as the workbooks tint their 状态 cells: red `F8CBAD`, yellow `FFE699`,
/// green `C6EFCE`; none for no light.
pub fn light_fill(light: Light) -> Option<&'static str> {
    match light {
        Light::Red => Some("F8CBAD"),
        Light::Yellow => Some("FFE699"),
        Light::Green => Some("C6EFCE"),
        Light::None => None,
    }
}

/// A ruled table: a heading row (bold, grey, repeated at the top of every page) from the
/// columns, then the rows. Rows shorter than the table are padded with empty cells.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    columns: Vec<Column>,
    rows: Vec<Vec<Cell>>,
    /// Cell text size in half-points.
    size: u32,
}

impl Table {
    /// A table with these columns and no rows yet; cell text 仿宋 小四 (12 pt).
    pub fn new(columns: impl IntoIterator<Item = Column>) -> Self {
        Self {
            columns: columns.into_iter().collect(),
            rows: Vec::new(),
            size: 24,
        }
    }

    /// The cells' text size in points, 10.5 (五号) to 12 (小四); other values are brought into
    /// that range.
    pub fn font_size(mut self, points: f64) -> Self {
        let points = if points.is_finite() { points } else { 12.0 };
        self.size = (points.clamp(10.5, 12.0) * 2.0).round() as u32;
        self
    }

    /// Appends a row.
    pub fn row<C: Into<Cell>>(&mut self, cells: impl IntoIterator<Item = C>) -> &mut Self {
        self.rows.push(cells.into_iter().map(Into::into).collect());
        self
    }

    /// Number of body rows (the heading row not counted).
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether the table has no body rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

/// What the last block written was (for the spacing between blocks).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Last {
    Nothing,
    Title,
    Table,
    Other,
}

/// Builds one .docx document, block after block; see the module documentation.
#[derive(Debug, Clone)]
pub struct DocxBuilder {
    orientation: Orientation,
    body: String,
    /// The first title, for the document properties.
    doc_title: Option<String>,
    last: Last,
    /// The first mistake, reported by `finish`.
    error: Option<String>,
}

impl Default for DocxBuilder {
    fn default() -> Self {
        Self::new(Orientation::Portrait)
    }
}

/// A run's look: East Asian font, size in half-points, bold.
#[derive(Debug, Clone, Copy)]
struct Font {
    east_asia: &'static str,
    size: u32,
    bold: bool,
}

const BODY: Font = Font {
    east_asia: BODY_FONT,
    size: SANHAO,
    bold: false,
};

impl DocxBuilder {
    /// An empty document on A4 paper turned as `orientation`.
    pub fn new(orientation: Orientation) -> Self {
        Self {
            orientation,
            body: String::new(),
            doc_title: None,
            last: Last::Nothing,
            error: None,
        }
    }

    /// The document title: 方正小标宋简体 (宋体 where it is missing) 二号, centred; line breaks
    /// in `text` split a long title over lines. A blank line separates it (and any subtitle)
    /// from what follows. The first title also becomes the file's title property.
    pub fn title(&mut self, text: &str) -> &mut Self {
        if self.doc_title.is_none() {
            self.doc_title = Some(text.replace(['\r', '\n'], ""));
        }
        self.block(Last::Title);
        let ppr = format!(
            r#"<w:pPr><w:pStyle w:val="Title"/><w:spacing w:before="0" w:after="0" w:line="{}" w:lineRule="exact"/><w:jc w:val="center"/></w:pPr>"#,
            LINE + 160
        );
        let font = Font {
            east_asia: TITLE_FONT,
            size: ERHAO,
            bold: false,
        };
        self.paragraph_with(&ppr, &[(font, text)]);
        self
    }

    /// A line under the title — the date, an issue number (`（2026年第3期）`): 楷体 三号,
    /// centred.
    pub fn subtitle(&mut self, text: &str) -> &mut Self {
        self.block(Last::Title);
        let ppr = format!(
            r#"<w:pPr><w:pStyle w:val="Subtitle"/><w:spacing w:before="0" w:after="0" w:line="{LINE}" w:lineRule="exact"/><w:jc w:val="center"/></w:pPr>"#
        );
        let font = Font {
            east_asia: HEADING2_FONT,
            size: SANHAO,
            bold: false,
        };
        self.paragraph_with(&ppr, &[(font, text)]);
        self
    }

    /// A first-level heading (`一、总体情况`): 黑体 三号, indented two characters, kept with
    /// the next block.
    pub fn heading1(&mut self, text: &str) -> &mut Self {
        self.heading(text, "Heading1", 0, HEADING1_FONT)
    }

    /// A second-level heading (`（一）学位供给扩容工程`): 楷体 三号, indented two characters,
    /// kept with the next block.
    pub fn heading2(&mut self, text: &str) -> &mut Self {
        self.heading(text, "Heading2", 1, HEADING2_FONT)
    }

    fn heading(&mut self, text: &str, style: &str, level: u8, font: &'static str) -> &mut Self {
        self.block(Last::Other);
        let ppr = format!(
            r#"<w:pPr><w:pStyle w:val="{style}"/><w:keepNext/><w:spacing w:before="0" w:after="0" w:line="{LINE}" w:lineRule="exact"/><w:ind w:firstLineChars="200" w:firstLine="{TWO_CHARS}"/><w:outlineLvl w:val="{level}"/></w:pPr>"#
        );
        let font = Font {
            east_asia: font,
            size: SANHAO,
            bold: false,
        };
        self.paragraph_with(&ppr, &[(font, text)]);
        self
    }

    /// A body paragraph: 仿宋_GB2312 三号, first line indented two characters, 28 pt lines,
    /// justified. Line breaks in `text` stay line breaks within the paragraph.
    pub fn paragraph(&mut self, text: &str) -> &mut Self {
        self.labelled("", text)
    }

    /// A body paragraph that opens with a bold label (`本月办结：`, `一是`), then `text`. A label
    /// without text introduces what follows (`本月报送摘录：` above a table) and is kept with it.
    pub fn labelled(&mut self, label: &str, text: &str) -> &mut Self {
        self.block(Last::Other);
        let bold = Font { bold: true, ..BODY };
        let ppr = body_ppr(text.is_empty() && !label.is_empty());
        self.paragraph_with(&ppr, &[(bold, label), (BODY, text)]);
        self
    }

    /// A centred table caption (`确定事项清单`): 黑体 三号, kept with the table below.
    pub fn caption(&mut self, text: &str) -> &mut Self {
        self.block(Last::Other);
        let ppr = format!(
            r#"<w:pPr><w:keepNext/><w:spacing w:before="0" w:after="0" w:line="{LINE}" w:lineRule="exact"/><w:jc w:val="center"/></w:pPr>"#
        );
        let font = Font {
            east_asia: HEADING1_FONT,
            size: SANHAO,
            bold: false,
        };
        self.paragraph_with(&ppr, &[(font, text)]);
        self
    }

    /// A signature block (落款: the issuing office, the date), one paragraph per line of `text`,
    /// flush right with four characters to spare, after a blank line.
    pub fn signature(&mut self, text: &str) -> &mut Self {
        self.blank();
        let ppr = format!(
            r#"<w:pPr><w:spacing w:before="0" w:after="0" w:line="{LINE}" w:lineRule="exact"/><w:ind w:right="{}"/><w:jc w:val="right"/></w:pPr>"#,
            TWO_CHARS * 2
        );
        for line in text.lines() {
            self.paragraph_with(&ppr, &[(BODY, line)]);
        }
        self.last = Last::Other;
        self
    }

    /// An empty line of body height.
    pub fn blank(&mut self) -> &mut Self {
        self.block(Last::Other);
        self.paragraph_with(&body_ppr(false), &[]);
        self
    }

    /// Starts a new page.
    pub fn page_break(&mut self) -> &mut Self {
        self.block(Last::Other);
        self.body
            .push_str(r#"<w:p><w:r><w:br w:type="page"/></w:r></w:p>"#);
        self
    }

    /// A ruled table across the width between the margins; see [`Table`].
    pub fn table(&mut self, table: Table) -> &mut Self {
        if self.last == Last::Table {
            // Two tables in a row would run into one.
            self.blank();
        }
        self.block(Last::Table);
        if let Err(e) = self.write_table(&table) {
            self.error.get_or_insert(e);
        }
        self
    }

    /// The finished .docx file, or the first mistake made while building it.
    pub fn finish(mut self) -> Result<Vec<u8>, String> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        if matches!(self.last, Last::Table | Last::Nothing) {
            // A body (and a cell) must not end with a table.
            self.body.push_str("<w:p/>");
        }
        let parts: [(&str, String); 10] = [
            ("[Content_Types].xml", CONTENT_TYPES.to_owned()),
            ("_rels/.rels", PACKAGE_RELS.to_owned()),
            ("docProps/core.xml", self.core()),
            ("docProps/app.xml", APP.to_owned()),
            ("word/document.xml", self.document()),
            ("word/_rels/document.xml.rels", DOCUMENT_RELS.to_owned()),
            ("word/styles.xml", styles()),
            ("word/settings.xml", SETTINGS.to_owned()),
            ("word/fontTable.xml", FONT_TABLE.to_owned()),
            ("word/footer1.xml", footer()),
        ];
        zip_parts(&parts).map_err(|e| format!("无法生成 Word 文档：{e}"))
    }

    /// Called before each block: the blank line that follows a title block.
    fn block(&mut self, next: Last) {
        if self.last == Last::Title && next != Last::Title {
            self.paragraph_with(&body_ppr(false), &[]);
        }
        self.last = next;
    }

    fn paragraph_with(&mut self, ppr: &str, runs: &[(Font, &str)]) {
        self.body.push_str("<w:p>");
        self.body.push_str(ppr);
        for (font, text) in runs {
            push_run(&mut self.body, *font, text);
        }
        self.body.push_str("</w:p>");
    }

    fn write_table(&mut self, table: &Table) -> Result<(), String> {
        let n = table.columns.len();
        if n == 0 {
            return Err("表格至少要有一列".to_owned());
        }
        if let Some(c) = table
            .columns
            .iter()
            .find(|c| !(c.width.is_finite() && c.width > 0.0))
        {
            return Err(format!("表格列“{}”的宽度须为正数", c.heading));
        }
        for (i, row) in table.rows.iter().enumerate() {
            if row.len() > n {
                return Err(format!(
                    "表格第 {} 行有 {} 个单元格，多于表头的 {n} 列",
                    i + 1,
                    row.len()
                ));
            }
            for cell in row {
                if let Some(fill) = &cell.fill
                    && !(fill.len() == 6 && fill.bytes().all(|b| b.is_ascii_hexdigit()))
                {
                    return Err(format!(
                        "单元格底色“{fill}”不是六位十六进制颜色（如 F8CBAD）"
                    ));
                }
            }
        }
        let total = self.orientation.text_width();
        let sum: f64 = table.columns.iter().map(|c| c.width).sum();
        let mut widths: Vec<u32> = table
            .columns
            .iter()
            .map(|c| (c.width / sum * f64::from(total)).floor() as u32)
            .collect();
        let used: u32 = widths.iter().sum();
        if let Some(last) = widths.last_mut() {
            *last += total.saturating_sub(used);
        }

        let out = &mut self.body;
        out.push_str(&format!(
            r#"<w:tbl><w:tblPr><w:tblW w:w="{total}" w:type="dxa"/><w:jc w:val="center"/><w:tblBorders>"#
        ));
        for side in ["top", "left", "bottom", "right", "insideH", "insideV"] {
            out.push_str(&format!(
                r#"<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>"#
            ));
        }
        out.push_str(
            r#"</w:tblBorders><w:tblLayout w:type="fixed"/><w:tblCellMar><w:top w:w="28" w:type="dxa"/><w:left w:w="57" w:type="dxa"/><w:bottom w:w="28" w:type="dxa"/><w:right w:w="57" w:type="dxa"/></w:tblCellMar><w:tblLook w:val="0420" w:firstRow="1" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/></w:tblPr><w:tblGrid>"#,
        );
        for w in &widths {
            out.push_str(&format!(r#"<w:gridCol w:w="{w}"/>"#));
        }
        out.push_str("</w:tblGrid>");

        let heading = Font {
            east_asia: BODY_FONT,
            size: table.size,
            bold: true,
        };
        out.push_str("<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>");
        for (column, width) in table.columns.iter().zip(&widths) {
            push_cell(
                out,
                *width,
                Some(HEADING_FILL),
                Align::Center,
                heading,
                &column.heading,
            );
        }
        out.push_str("</w:tr>");
        let empty = Cell::default();
        for row in &table.rows {
            out.push_str("<w:tr><w:trPr><w:cantSplit/></w:trPr>");
            for (i, (column, width)) in table.columns.iter().zip(&widths).enumerate() {
                let cell = row.get(i).unwrap_or(&empty);
                let font = Font {
                    east_asia: BODY_FONT,
                    size: table.size,
                    bold: cell.bold,
                };
                push_cell(
                    out,
                    *width,
                    cell.fill.as_deref(),
                    cell.align.unwrap_or(column.align),
                    font,
                    &cell.text,
                );
            }
            out.push_str("</w:tr>");
        }
        out.push_str("</w:tbl>");
        Ok(())
    }

    fn document(&self) -> String {
        let (w, h) = self.orientation.size();
        let (top, bottom, left, right) = self.orientation.margins();
        let orient = match self.orientation {
            Orientation::Portrait => "",
            Orientation::Landscape => r#" w:orient="landscape""#,
        };
        format!(
            r#"{XML_DECL}<w:document xmlns:w="{W_NS}" xmlns:r="{R_NS}"><w:body>{body}<w:sectPr><w:footerReference w:type="default" r:id="rId4"/><w:pgSz w:w="{w}" w:h="{h}"{orient}/><w:pgMar w:top="{top}" w:right="{right}" w:bottom="{bottom}" w:left="{left}" w:header="{HEADER_DISTANCE}" w:footer="{FOOTER_DISTANCE}" w:gutter="0"/><w:pgNumType w:fmt="decimal"/><w:cols w:space="425"/></w:sectPr></w:body></w:document>"#,
            body = self.body
        )
    }

    fn core(&self) -> String {
        let mut title = String::new();
        push_escaped(&mut title, self.doc_title.as_deref().unwrap_or(""));
        format!(
            r#"{XML_DECL}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>{title}</dc:title><dc:creator>督办 duban</dc:creator><dc:language>zh-CN</dc:language></cp:coreProperties>"#
        )
    }
}

/// The body paragraph's properties, kept with the next block or not.
fn body_ppr(keep_next: bool) -> String {
    format!(
        r#"<w:pPr>{}<w:spacing w:before="0" w:after="0" w:line="{LINE}" w:lineRule="exact"/><w:ind w:firstLineChars="200" w:firstLine="{TWO_CHARS}"/><w:jc w:val="both"/></w:pPr>"#,
        if keep_next { "<w:keepNext/>" } else { "" }
    )
}

/// One table cell holding one paragraph of `text`.
fn push_cell(
    out: &mut String,
    width: u32,
    fill: Option<&str>,
    align: Align,
    font: Font,
    text: &str,
) {
    out.push_str(&format!(
        r#"<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>"#
    ));
    if let Some(fill) = fill {
        out.push_str(&format!(
            r#"<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>"#
        ));
    }
    out.push_str(&format!(
        r#"<w:vAlign w:val="center"/></w:tcPr><w:p><w:pPr><w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/><w:jc w:val="{}"/></w:pPr>"#,
        align.val()
    ));
    push_run(out, font, text);
    out.push_str("</w:p></w:tc>");
}

/// The run properties of `font`.
fn push_rpr(out: &mut String, font: Font) {
    out.push_str(&format!(
        r#"<w:rPr><w:rFonts w:ascii="{LATIN_FONT}" w:hAnsi="{LATIN_FONT}" w:eastAsia="{}" w:cs="{LATIN_FONT}"/>"#,
        font.east_asia
    ));
    if font.bold {
        out.push_str("<w:b/><w:bCs/>");
    }
    out.push_str(&format!(
        r#"<w:sz w:val="{0}"/><w:szCs w:val="{0}"/></w:rPr>"#,
        font.size
    ));
}

/// One run of `text` (nothing for empty text): line breaks become `w:br`, tabs `w:tab`.
fn push_run(out: &mut String, font: Font, text: &str) {
    if text.is_empty() {
        return;
    }
    out.push_str("<w:r>");
    push_rpr(out, font);
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push_str("<w:br/>");
        }
        for (j, piece) in line.split('\t').enumerate() {
            if j > 0 {
                out.push_str("<w:tab/>");
            }
            if !piece.is_empty() {
                out.push_str(r#"<w:t xml:space="preserve">"#);
                push_escaped(out, piece);
                out.push_str("</w:t>");
            }
        }
    }
    out.push_str("</w:r>");
}

/// `text` escaped for XML text and attribute values; characters XML 1.0 cannot hold (control
/// characters other than tab and line breaks, U+FFFE, U+FFFF) are dropped.
fn push_escaped(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
}

/// `n` in Chinese numerals, as headings count (`1` → `一`, `10` → `十`, `21` → `二十一`,
/// `105` → `一百零五`); `0` → `零`. Numbers from 10 000 on are written in digits.
pub fn chinese_numeral(n: usize) -> String {
    const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => DIGITS[n].to_owned(),
        10..=19 => format!("十{}", if n == 10 { "" } else { DIGITS[n - 10] }),
        20..=99 => format!(
            "{}十{}",
            DIGITS[n / 10],
            if n.is_multiple_of(10) {
                ""
            } else {
                DIGITS[n % 10]
            }
        ),
        100..=9999 => {
            let (place, name) = if n >= 1000 {
                (1000, "千")
            } else {
                (100, "百")
            };
            let head = format!("{}{name}", DIGITS[n / place]);
            let rest = n % place;
            if rest == 0 {
                return head;
            }
            // A skipped place is read as 零; inside a larger number the ten keeps its one
            // (`一百一十`).
            let gap = if rest < place / 10 { "零" } else { "" };
            let tail = if (10..20).contains(&rest) {
                format!("一{}", chinese_numeral(rest))
            } else {
                chinese_numeral(rest)
            };
            format!("{head}{gap}{tail}")
        }
        _ => n.to_string(),
    }
}

/// Zips the parts (deflated, fixed timestamps so the same document gives the same bytes).
fn zip_parts(parts: &[(&str, String)]) -> Result<Vec<u8>, String> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, text) in parts {
        zip.start_file(*name, options).map_err(|e| e.to_string())?;
        zip.write_all(text.as_bytes()).map_err(|e| e.to_string())?;
    }
    let cursor = zip.finish().map_err(|e| e.to_string())?;
    Ok(cursor.into_inner())
}

const XML_DECL: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";
const W_NS: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const R_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

const CONTENT_TYPES: &str = concat!(
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n",
    r#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">"#,
    r#"<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>"#,
    r#"<Default Extension="xml" ContentType="application/xml"/>"#,
    r#"<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>"#,
    r#"<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>"#,
    r#"<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>"#,
    r#"<Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/>"#,
    r#"<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>"#,
    r#"<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>"#,
    r#"<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>"#,
    "</Types>"
);

const PACKAGE_RELS: &str = concat!(
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n",
    r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
    r#"<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>"#,
    r#"<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>"#,
    r#"<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>"#,
    "</Relationships>"
);

/// The document's relationships; `rId4` is the footer the section refers to.
const DOCUMENT_RELS: &str = concat!(
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n",
    r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
    r#"<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>"#,
    r#"<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>"#,
    r#"<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable" Target="fontTable.xml"/>"#,
    r#"<Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/>"#,
    "</Relationships>"
);

const APP: &str = concat!(
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n",
    r#"<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">"#,
    "<Application>duban</Application><DocSecurity>0</DocSecurity></Properties>"
);

const SETTINGS: &str = concat!(
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n",
    r#"<w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">"#,
    r#"<w:zoom w:percent="100"/><w:defaultTabStop w:val="420"/>"#,
    r#"<w:characterSpacingControl w:val="compressPunctuation"/>"#,
    r#"<w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>"#,
    "</w:settings>"
);

/// The fonts, each GB2312-era name with the face that stands in for it where it is missing.
const FONT_TABLE: &str = concat!(
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n",
    r#"<w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">"#,
    r#"<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"/><w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>"#,
    r#"<w:font w:name="方正小标宋简体"><w:altName w:val="宋体"/><w:charset w:val="86"/><w:family w:val="script"/><w:pitch w:val="variable"/></w:font>"#,
    r#"<w:font w:name="黑体"><w:altName w:val="SimHei"/><w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>"#,
    r#"<w:font w:name="楷体"><w:altName w:val="KaiTi"/><w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>"#,
    r#"<w:font w:name="宋体"><w:altName w:val="SimSun"/><w:charset w:val="86"/><w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>"#,
    r#"<w:font w:name="Times New Roman"><w:charset w:val="00"/><w:family w:val="roman"/><w:pitch w:val="variable"/></w:font>"#,
    "</w:fonts>"
);

/// The styles: defaults (仿宋_GB2312 三号, Chinese language), and named styles for the title,
/// subtitle, headings (with outline levels, for the navigation pane) and footer. Runs repeat
/// their fonts directly, so the styles are what an editor offers when one types on.
fn styles() -> String {
    let rpr = |font: &str, size: u32| {
        format!(
            r#"<w:rPr><w:rFonts w:ascii="{LATIN_FONT}" w:hAnsi="{LATIN_FONT}" w:eastAsia="{font}" w:cs="{LATIN_FONT}"/><w:sz w:val="{size}"/><w:szCs w:val="{size}"/></w:rPr>"#
        )
    };
    let para = |id: &str, name: &str, ppr: &str, rpr: String| {
        format!(
            r#"<w:style w:type="paragraph" w:styleId="{id}"><w:name w:val="{name}"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr>{ppr}</w:pPr>{rpr}</w:style>"#
        )
    };
    let heading_ppr = |level: u8| {
        format!(
            r#"<w:keepNext/><w:spacing w:before="0" w:after="0" w:line="{LINE}" w:lineRule="exact"/><w:ind w:firstLineChars="200" w:firstLine="{TWO_CHARS}"/><w:outlineLvl w:val="{level}"/>"#
        )
    };
    let mut out = format!(r#"{XML_DECL}<w:styles xmlns:w="{W_NS}"><w:docDefaults><w:rPrDefault>"#);
    out.push_str(&rpr(BODY_FONT, SANHAO).replace(
        "</w:rPr>",
        r#"<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr>"#,
    ));
    out.push_str(&format!(
        r#"</w:rPrDefault><w:pPrDefault><w:pPr><w:widowControl/><w:spacing w:line="{LINE}" w:lineRule="exact"/><w:jc w:val="both"/></w:pPr></w:pPrDefault></w:docDefaults>"#
    ));
    out.push_str(r#"<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>"#);
    out.push_str(&para(
        "Title",
        "Title",
        &format!(
            r#"<w:spacing w:before="0" w:after="0" w:line="{}" w:lineRule="exact"/><w:jc w:val="center"/>"#,
            LINE + 160
        ),
        rpr(TITLE_FONT, ERHAO),
    ));
    out.push_str(&para(
        "Subtitle",
        "Subtitle",
        r#"<w:jc w:val="center"/>"#,
        rpr(HEADING2_FONT, SANHAO),
    ));
    out.push_str(&para(
        "Heading1",
        "heading 1",
        &heading_ppr(0),
        rpr(HEADING1_FONT, SANHAO),
    ));
    out.push_str(&para(
        "Heading2",
        "heading 2",
        &heading_ppr(1),
        rpr(HEADING2_FONT, SANHAO),
    ));
    out.push_str(&para(
        "Footer",
        "footer",
        r#"<w:spacing w:line="240" w:lineRule="auto"/><w:jc w:val="center"/>"#,
        rpr(FOOTER_FONT, SIHAO),
    ));
    out.push_str(concat!(
        r#"<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/>"#,
        r#"<w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>"#,
        "</w:styles>"
    ));
    out
}

/// The footer: `— N —`, 宋体 四号, centred, N the PAGE field.
fn footer() -> String {
    let mut rpr = String::new();
    push_rpr(
        &mut rpr,
        Font {
            east_asia: FOOTER_FONT,
            size: SIHAO,
            bold: false,
        },
    );
    let rpr = rpr.replace(
        &format!(r#"w:ascii="{LATIN_FONT}" w:hAnsi="{LATIN_FONT}""#),
        &format!(r#"w:ascii="{FOOTER_FONT}" w:hAnsi="{FOOTER_FONT}""#),
    );
    format!(
        r#"{XML_DECL}<w:ftr xmlns:w="{W_NS}" xmlns:r="{R_NS}"><w:p><w:pPr><w:pStyle w:val="Footer"/><w:jc w:val="center"/></w:pPr><w:r>{rpr}<w:t xml:space="preserve">— </w:t></w:r><w:r>{rpr}<w:fldChar w:fldCharType="begin"/></w:r><w:r>{rpr}<w:instrText xml:space="preserve"> PAGE </w:instrText></w:r><w:r>{rpr}<w:fldChar w:fldCharType="separate"/></w:r><w:r>{rpr}<w:t>1</w:t></w:r><w:r>{rpr}<w:fldChar w:fldCharType="end"/></w:r><w:r>{rpr}<w:t xml:space="preserve"> —</w:t></w:r></w:p></w:ftr>"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    /// The text of part `name` of the package.
    fn part(bytes: &[u8], name: &str) -> String {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut text = String::new();
        zip.by_name(name)
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .read_to_string(&mut text)
            .unwrap();
        text
    }

    /// Every part parses as XML to its end.
    fn assert_well_formed(bytes: &[u8]) {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let names: Vec<String> = zip.file_names().map(|n| n.unwrap().into_owned()).collect();
        for name in names {
            let mut text = String::new();
            zip.by_name(&name)
                .unwrap()
                .read_to_string(&mut text)
                .unwrap();
            let mut reader = quick_xml::Reader::from_str(&text);
            let mut depth = 0i64;
            loop {
                match reader.read_event() {
                    Ok(quick_xml::events::Event::Eof) => break,
                    Ok(quick_xml::events::Event::Start(_)) => depth += 1,
                    Ok(quick_xml::events::Event::End(_)) => depth -= 1,
                    Ok(_) => {}
                    Err(e) => panic!("{name}: {e}"),
                }
            }
            assert_eq!(depth, 0, "{name} closes what it opens");
        }
    }

    /// The text the project's own importer reads back, one line per paragraph or table row.
    fn read_back(bytes: &[u8]) -> Vec<String> {
        let extracted = crate::formats::extract(bytes, "导出.docx").unwrap();
        assert_eq!(extracted.format, duban_core::plan::SourceFormat::Docx);
        extracted.text.lines().map(str::to_owned).collect()
    }

    fn sample() -> Vec<u8> {
        let mut doc = DocxBuilder::new(Orientation::Portrait);
        doc.title("青禾区文教体局\n工作汇总")
            .subtitle("（2026年3月）");
        doc.heading1("一、总体情况");
        doc.paragraph("A&B <c> \"d\" 'e' 中文，第二句。");
        doc.heading2("（一）学位供给扩容工程");
        doc.labelled("本月办结：", "新建幼儿园5所");
        let mut table = Table::new([
            Column::new("序号", 1.0).centered(),
            Column::new("议定事项", 5.0),
            Column::new("责任单位", 2.0),
            Column::new("完成时限", 2.0).centered(),
        ])
        .font_size(10.5);
        table.row(["1", "完成 <招标> & 签约", "基建科", "2026-04-30"]);
        table.row([
            Cell::new("2"),
            Cell::new("“两所”开工"),
            Cell::new("计财科").bold(),
            Cell::new("2026-05-15").light(Light::Red),
        ]);
        table.row(["3"]);
        doc.table(table);
        doc.signature("青禾区文教体局办公室\n2026年3月6日");
        doc.finish().unwrap()
    }

    #[test]
    fn the_package_has_every_part_and_each_is_well_formed() {
        let bytes = sample();
        let zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.as_slice())).unwrap();
        let names: Vec<String> = zip.file_names().map(|n| n.unwrap().into_owned()).collect();
        for name in [
            "[Content_Types].xml",
            "_rels/.rels",
            "word/document.xml",
            "word/styles.xml",
            "word/settings.xml",
            "word/fontTable.xml",
            "word/_rels/document.xml.rels",
            "word/footer1.xml",
            "docProps/core.xml",
            "docProps/app.xml",
        ] {
            assert!(names.iter().any(|n| n == name), "{name} in {names:?}");
        }
        assert_well_formed(&bytes);
        let types = part(&bytes, "[Content_Types].xml");
        for name in names.iter().filter(|n| !n.ends_with(".rels")) {
            if *name != "[Content_Types].xml" {
                assert!(types.contains(&format!("PartName=\"/{name}\"")), "{name}");
            }
        }
        assert!(
            part(&bytes, "docProps/core.xml")
                .contains("<dc:title>青禾区文教体局工作汇总</dc:title>")
        );
        let footer = part(&bytes, "word/footer1.xml");
        assert!(
            footer.contains("— </w:t>") && footer.contains(" PAGE ") && footer.contains(" —</w:t>")
        );
        assert!(footer.contains(r#"<w:jc w:val="center"/>"#));
        // Same input, same bytes.
        assert_eq!(bytes, sample());
    }

    #[test]
    fn the_importer_reads_the_text_back_paragraph_by_paragraph_and_cell_by_cell() {
        let lines = read_back(&sample());
        let want = [
            // A line break inside a paragraph reads as a space.
            "青禾区文教体局 工作汇总",
            "（2026年3月）",
            "",
            "一、总体情况",
            "A&B <c> \"d\" 'e' 中文，第二句。",
            "（一）学位供给扩容工程",
            "本月办结：新建幼儿园5所",
            "序号 | 议定事项 | 责任单位 | 完成时限 |",
            "1 | 完成 <招标> & 签约 | 基建科 | 2026-04-30 |",
            "2 | “两所”开工 | 计财科 | 2026-05-15 |",
            "3 |",
            "",
            "青禾区文教体局办公室",
            "2026年3月6日",
        ];
        assert_eq!(lines, want);
    }

    #[test]
    fn document_xml_has_the_page_fonts_escapes_and_table_marks() {
        let bytes = sample();
        let xml = part(&bytes, "word/document.xml");
        assert!(
            xml.contains(r#"<w:pgSz w:w="11906" w:h="16838"/>"#),
            "{xml}"
        );
        assert!(
            xml.contains(r#"<w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1587""#)
        );
        for font in ["方正小标宋简体", "仿宋_GB2312", "黑体", "楷体"] {
            assert!(
                xml.contains(&format!(r#"w:eastAsia="{font}""#)),
                "{font} in rFonts"
            );
        }
        // Title 二号, body 三号 with a two-character indent on 28 pt lines.
        assert!(
            xml.contains(
                r#"w:eastAsia="方正小标宋简体" w:cs="Times New Roman"/><w:sz w:val="44"/>"#
            )
        );
        assert!(xml.contains(r#"<w:spacing w:before="0" w:after="0" w:line="560" w:lineRule="exact"/><w:ind w:firstLineChars="200" w:firstLine="640"/>"#));
        assert!(xml.contains("A&amp;B &lt;c&gt; &quot;d&quot; &apos;e&apos; 中文"));
        assert!(xml.contains("<w:br/>"));
        // The heading row, and only it, repeats on each page.
        assert_eq!(xml.matches("<w:tblHeader/>").count(), 1);
        let header_row = xml.split("<w:tr>").nth(1).unwrap();
        assert!(header_row.starts_with("<w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>"));
        assert!(header_row.contains("<w:b/>") && header_row.contains(r#"w:fill="F2F2F2""#));
        assert!(xml.contains(r#"<w:tblBorders><w:top w:val="single""#));
        assert!(xml.contains(r#"w:fill="F8CBAD""#), "the red light's tint");
        // Cells 10.5 pt; columns share the 8845 twips between the margins 1:5:2:2.
        assert!(xml.contains(r#"<w:sz w:val="21"/>"#));
        assert!(xml.contains(r#"<w:tblW w:w="8845" w:type="dxa"/>"#));
        assert!(xml.contains(r#"<w:gridCol w:w="884"/><w:gridCol w:w="4422"/><w:gridCol w:w="1769"/><w:gridCol w:w="1770"/>"#));
        assert!(xml.contains(r#"<w:footerReference w:type="default" r:id="rId4"/>"#));
        let styles = part(&bytes, "word/styles.xml");
        assert!(styles.contains(r#"w:eastAsia="仿宋_GB2312""#));
        assert!(styles.contains(r#"<w:lang w:val="en-US" w:eastAsia="zh-CN""#));
    }

    #[test]
    fn landscape_turns_the_page_and_widens_the_tables() {
        let mut doc = DocxBuilder::new(Orientation::Landscape);
        let mut t = Table::new([Column::new("甲", 1.0), Column::new("乙", 1.0)]);
        t.row(["一", "二"]);
        doc.table(t.clone()).table(t);
        let bytes = doc.finish().unwrap();
        assert_well_formed(&bytes);
        let xml = part(&bytes, "word/document.xml");
        assert!(xml.contains(r#"<w:pgSz w:w="16838" w:h="11906" w:orient="landscape"/>"#));
        assert!(xml.contains(r#"<w:tblW w:w="12756" w:type="dxa"/>"#));
        // Two tables are kept apart, and the body does not end in a table.
        assert!(!xml.contains("</w:tbl><w:tbl>"));
        assert!(!xml.contains("</w:tbl><w:sectPr>"));
        assert_eq!(
            read_back(&bytes),
            ["甲 | 乙 |", "一 | 二 |", "", "甲 | 乙 |", "一 | 二 |"]
        );
    }

    #[test]
    fn characters_xml_cannot_hold_are_dropped_and_tabs_kept() {
        let mut doc = DocxBuilder::default();
        doc.paragraph("甲\u{1}乙\u{FFFF}\t丙\r\n丁");
        let bytes = doc.finish().unwrap();
        assert_well_formed(&bytes);
        let xml = part(&bytes, "word/document.xml");
        assert!(xml.contains(r#"甲乙</w:t><w:tab/><w:t xml:space="preserve">丙</w:t><w:br/>"#));
        assert_eq!(read_back(&bytes), ["甲乙\t丙 丁"]);
    }

    #[test]
    fn mistakes_are_reported_by_finish() {
        let mut doc = DocxBuilder::default();
        let mut t = Table::new([Column::new("甲", 1.0)]);
        t.row(["一", "二"]);
        doc.table(t);
        assert!(doc.finish().unwrap_err().contains("多于表头的 1 列"));

        let mut doc = DocxBuilder::default();
        let mut t = Table::new([Column::new("甲", 1.0)]);
        t.row([Cell::new("一").fill("red")]);
        doc.table(t);
        assert!(doc.finish().unwrap_err().contains("十六进制"));

        let mut doc = DocxBuilder::default();
        doc.table(Table::new([Column::new("甲", 0.0)]));
        assert!(doc.finish().unwrap_err().contains("宽度"));

        let mut doc = DocxBuilder::default();
        doc.table(Table::new(Vec::new()));
        assert!(doc.finish().unwrap_err().contains("至少"));

        // `#` and lower case are fine.
        let mut doc = DocxBuilder::default();
        let mut t = Table::new([Column::new("甲", 1.0)]);
        t.row([Cell::new("一").fill("#c6efce")]);
        doc.table(t);
        assert!(part(&doc.finish().unwrap(), "word/document.xml").contains(r#"w:fill="C6EFCE""#));
    }

    #[test]
    fn an_empty_document_still_opens() {
        let bytes = DocxBuilder::default().finish().unwrap();
        assert_well_formed(&bytes);
        assert!(part(&bytes, "word/document.xml").contains("<w:body><w:p/><w:sectPr>"));
    }

    #[test]
    fn chinese_numerals_count_like_headings() {
        let cases = [
            (0, "零"),
            (1, "一"),
            (9, "九"),
            (10, "十"),
            (11, "十一"),
            (20, "二十"),
            (21, "二十一"),
            (99, "九十九"),
            (100, "一百"),
            (105, "一百零五"),
            (110, "一百一十"),
            (115, "一百一十五"),
            (120, "一百二十"),
            (1000, "一千"),
            (1005, "一千零五"),
            (1010, "一千零一十"),
            (1200, "一千二百"),
            (10000, "10000"),
        ];
        for (n, want) in cases {
            assert_eq!(chinese_numeral(n), want, "{n}");
        }
    }
}
