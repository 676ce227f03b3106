//! .docx → text: the body of `word/document.xml`, one paragraph per line, tables rendered in
//! place as table lines, automatic numbering markers restored (see `numbering`).
//!
//! What a reader of the document sees is what we keep: inserted text (`w:ins`) is in, deleted
//! text (`w:del`, `w:moveFrom`) and hidden runs (`w:vanish`) are out; so are field codes, ruby
//! (pinyin) annotations, text boxes, drawings, headers, footers, footnotes and comments. Soft
//! line breaks inside a paragraph become spaces so that a paragraph stays one line. Nested
//! tables are flattened into their cell's text; nesting deeper than [`MAX_TABLE_DEPTH`] is read
//! as plain paragraphs so that no input can exhaust the stack.

use crate::ImportError;

use super::numbering::{Numbering, ParaNumbering};
use super::package::Package;
use super::table::{self, GridCell};
use super::xml::{self, Node};
use super::{bad_container, too_large};

/// Tables nested deeper than this are read as paragraphs.
const MAX_TABLE_DEPTH: usize = 8;
/// Widest grid span honoured for one cell.
const MAX_SPAN: usize = 64;
/// Most grid columns in one table row.
const MAX_COLUMNS: usize = 1024;

/// Reads the document's text.
pub(crate) fn extract(package: &mut Package<'_>) -> Result<String, ImportError> {
    let document = package
        .read("word/document.xml")?
        .ok_or_else(|| bad_container("docx", "缺少 word/document.xml".to_string()))?;
    let numbering_part = package.read("word/numbering.xml")?;
    let styles_part = package.read("word/styles.xml")?;
    let mut numbering = Numbering::parse(numbering_part.as_deref(), styles_part.as_deref())?;
    let blocks = parse(&document)?;
    let mut renderer = Renderer {
        numbering: &mut numbering,
        next_group: 0,
        cells: 0,
    };
    let mut lines = Vec::new();
    renderer.body(&blocks, &mut lines)?;
    Ok(lines.join("\n"))
}

#[derive(Debug, Default)]
struct Para {
    text: String,
    numbering: ParaNumbering,
    /// The paragraph mark is a tracked deletion: the paragraph runs on into the next one.
    mark_deleted: bool,
}

#[derive(Debug, Default)]
struct Table {
    rows: Vec<Row>,
}

#[derive(Debug, Default)]
struct Row {
    cells: Vec<Cell>,
    grid_before: usize,
    deleted: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Merge {
    /// Starts a vertical merge, or is not merged.
    None,
    /// Continues the vertical merge from the cell above.
    Continue,
    /// Continues a legacy horizontal merge (`w:hMerge`) from the cell to the left.
    Horizontal,
}

#[derive(Debug)]
struct Cell {
    blocks: Vec<Block>,
    span: usize,
    merge: Merge,
}

#[derive(Debug)]
enum Block {
    Para(Para),
    Table(Table),
}

enum Frame {
    Body(Vec<Block>),
    Para(Para),
    Table(Table),
    Row(Row),
    Cell(Cell),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tag {
    P,
    PPr,
    NumPr,
    R,
    RPr,
    T,
    Tbl,
    Tr,
    TrPr,
    Tc,
    TcPr,
    Other,
}

/// Elements whose whole subtree carries nothing a reader sees.
const SKIPPED: &[&[u8]] = &[
    b"moveFrom",
    b"txbxContent",
    b"rt",
    b"Fallback",
    b"instrText",
    b"delText",
    b"delInstrText",
    b"sectPr",
    b"pPrChange",
    b"rPrChange",
    b"tblPrChange",
    b"tcPrChange",
    b"trPrChange",
    b"sectPrChange",
    b"numberingChange",
    b"tblGridChange",
    b"drawing",
    b"pict",
    b"object",
];

struct Parser {
    frames: Vec<Frame>,
    tags: Vec<Tag>,
    /// Depth inside a skipped subtree (0 = not skipping).
    skip: usize,
    hidden_run: bool,
    table_depth: usize,
    saw_document: bool,
}

fn parse(document: &[u8]) -> Result<Vec<Block>, ImportError> {
    let mut parser = Parser {
        frames: vec![Frame::Body(Vec::new())],
        tags: Vec::new(),
        skip: 0,
        hidden_run: false,
        table_depth: 0,
        saw_document: false,
    };
    xml::walk(document, "word/document.xml", "docx", |node| match node {
        Node::Open { local, element } => parser.open(local, element),
        Node::Close => parser.close(),
        Node::Text(text) => parser.text(text),
    })?;
    if !parser.saw_document {
        return Err(bad_container(
            "docx",
            "word/document.xml 不是 Word 文档正文".to_string(),
        ));
    }
    match parser.frames.into_iter().next() {
        Some(Frame::Body(blocks)) => Ok(blocks),
        _ => Ok(Vec::new()),
    }
}

impl Parser {
    fn parent(&self) -> Option<Tag> {
        self.tags.last().copied()
    }

    fn inside(&self, tag: Tag) -> bool {
        self.tags.contains(&tag)
    }

    fn para(&mut self) -> Option<&mut Para> {
        match self.frames.last_mut() {
            Some(Frame::Para(p)) => Some(p),
            _ => None,
        }
    }

    fn push_text(&mut self, s: &str) {
        if let Some(p) = self.para() {
            p.text.push_str(s);
        }
    }

    fn open(&mut self, local: &[u8], element: &quick_xml::events::BytesStart<'_>) {
        if self.skip > 0 {
            self.skip += 1;
            return;
        }
        let parent = self.parent();
        if local == b"del" {
            if self.inside(Tag::PPr) {
                if let Some(p) = self.para() {
                    p.mark_deleted = true;
                }
            } else if parent == Some(Tag::TrPr)
                && let Some(Frame::Row(row)) = self.frames.last_mut()
            {
                row.deleted = true;
            }
            self.skip = 1;
            return;
        }
        if SKIPPED.contains(&local) {
            self.skip = 1;
            return;
        }
        let tag = match (local, parent) {
            (b"document", _) => {
                self.saw_document = true;
                Tag::Other
            }
            (b"p", _) => {
                self.frames.push(Frame::Para(Para::default()));
                Tag::P
            }
            (b"pPr", Some(Tag::P)) => Tag::PPr,
            (b"pStyle", Some(Tag::PPr)) => {
                let style = xml::attr(element, b"val");
                if let Some(p) = self.para() {
                    p.numbering.style = style;
                }
                Tag::Other
            }
            (b"numPr", Some(Tag::PPr)) => Tag::NumPr,
            (b"numId", Some(Tag::NumPr)) => {
                let id = xml::attr_u32(element, b"val");
                if let Some(p) = self.para() {
                    p.numbering.num_id = id;
                }
                Tag::Other
            }
            (b"ilvl", Some(Tag::NumPr)) => {
                let level = xml::attr_u32(element, b"val").and_then(|v| u8::try_from(v).ok());
                if let Some(p) = self.para() {
                    p.numbering.level = level;
                }
                Tag::Other
            }
            (b"r", _) => {
                self.hidden_run = false;
                Tag::R
            }
            (b"rPr", Some(Tag::R)) => Tag::RPr,
            (b"vanish" | b"specVanish", Some(Tag::RPr)) => {
                self.hidden_run = xml::on_off(element);
                Tag::Other
            }
            (b"t", Some(Tag::R)) => Tag::T,
            (b"tab" | b"ptab", Some(Tag::R)) => {
                if !self.hidden_run {
                    self.push_text("\t");
                }
                Tag::Other
            }
            (b"br" | b"cr", Some(Tag::R)) => {
                if !self.hidden_run {
                    self.push_text(" ");
                }
                Tag::Other
            }
            (b"noBreakHyphen", Some(Tag::R)) => {
                if !self.hidden_run {
                    self.push_text("-");
                }
                Tag::Other
            }
            (b"sym", Some(Tag::R)) => {
                // Symbol-font glyphs (U+F000–F0FF) mean nothing outside their font.
                let c = xml::attr(element, b"char")
                    .and_then(|h| u32::from_str_radix(h.trim(), 16).ok())
                    .filter(|c| !(0xE000..=0xF8FF).contains(c))
                    .and_then(char::from_u32);
                if let Some(c) = c
                    && !self.hidden_run
                {
                    self.push_text(c.encode_utf8(&mut [0; 4]));
                }
                Tag::Other
            }
            (b"tbl", _) if self.table_depth < MAX_TABLE_DEPTH => {
                self.table_depth += 1;
                self.frames.push(Frame::Table(Table::default()));
                Tag::Tbl
            }
            // Rows and cells may sit inside content controls (`w:sdt`) or `w:customXml`, so
            // the enclosing table or row is found by frame, not by parent element.
            (b"tr", _) if matches!(self.frames.last(), Some(Frame::Table(_))) => {
                self.frames.push(Frame::Row(Row::default()));
                Tag::Tr
            }
            (b"trPr", Some(Tag::Tr)) => Tag::TrPr,
            (b"gridBefore", Some(Tag::TrPr)) => {
                let n = xml::attr_u32(element, b"val")
                    .map_or(0, |n| n as usize)
                    .min(MAX_SPAN);
                if let Some(Frame::Row(row)) = self.frames.last_mut() {
                    row.grid_before = n;
                }
                Tag::Other
            }
            (b"tc", _) if matches!(self.frames.last(), Some(Frame::Row(_))) => {
                self.frames.push(Frame::Cell(Cell {
                    blocks: Vec::new(),
                    span: 1,
                    merge: Merge::None,
                }));
                Tag::Tc
            }
            (b"tcPr", Some(Tag::Tc)) => Tag::TcPr,
            (b"gridSpan", Some(Tag::TcPr)) => {
                let n = xml::attr_u32(element, b"val")
                    .map_or(1, |n| n as usize)
                    .clamp(1, MAX_SPAN);
                if let Some(Frame::Cell(cell)) = self.frames.last_mut() {
                    cell.span = n;
                }
                Tag::Other
            }
            (b"vMerge" | b"hMerge", Some(Tag::TcPr)) => {
                let continues = xml::attr(element, b"val").is_none_or(|v| v != "restart");
                if continues && let Some(Frame::Cell(cell)) = self.frames.last_mut() {
                    cell.merge = if local == b"vMerge" {
                        Merge::Continue
                    } else {
                        Merge::Horizontal
                    };
                }
                Tag::Other
            }
            _ => Tag::Other,
        };
        self.tags.push(tag);
    }

    fn close(&mut self) {
        if self.skip > 0 {
            self.skip -= 1;
            return;
        }
        match self.tags.pop() {
            Some(Tag::P) => {
                if let Some(Frame::Para(p)) = self.frames.pop() {
                    self.attach(Block::Para(p));
                }
            }
            Some(Tag::Tbl) => {
                self.table_depth = self.table_depth.saturating_sub(1);
                if let Some(Frame::Table(t)) = self.frames.pop() {
                    self.attach(Block::Table(t));
                }
            }
            Some(Tag::Tr) => {
                if let Some(Frame::Row(row)) = self.frames.pop()
                    && let Some(Frame::Table(t)) = self.frames.last_mut()
                {
                    t.rows.push(row);
                }
            }
            Some(Tag::Tc) => {
                if let Some(Frame::Cell(cell)) = self.frames.pop()
                    && let Some(Frame::Row(row)) = self.frames.last_mut()
                {
                    row.cells.push(cell);
                }
            }
            Some(Tag::R) => self.hidden_run = false,
            _ => {}
        }
    }

    fn text(&mut self, text: &str) {
        if self.skip == 0 && self.parent() == Some(Tag::T) && !self.hidden_run {
            self.push_text(text);
        }
    }

    /// Adds a finished paragraph or table to the innermost body or cell.
    fn attach(&mut self, block: Block) {
        for frame in self.frames.iter_mut().rev() {
            match frame {
                Frame::Body(blocks) => return blocks.push(block),
                Frame::Cell(cell) => return cell.blocks.push(block),
                _ => {}
            }
        }
    }
}

struct Renderer<'n> {
    numbering: &'n mut Numbering,
    next_group: usize,
    /// Table cells rendered so far (bounded like a worksheet's).
    cells: usize,
}

impl Renderer<'_> {
    fn group(&mut self) -> usize {
        self.next_group += 1;
        self.next_group
    }

    /// Body paragraphs one per line, tables as table lines.
    fn body(&mut self, blocks: &[Block], lines: &mut Vec<String>) -> Result<(), ImportError> {
        let mut carried = String::new();
        for block in blocks {
            match block {
                Block::Para(p) if p.mark_deleted => carried.push_str(&p.text),
                Block::Para(p) => {
                    let marker = self.numbering.marker(&p.numbering).unwrap_or_default();
                    lines.push(format!(
                        "{marker}{}{}",
                        std::mem::take(&mut carried),
                        p.text
                    ));
                }
                Block::Table(t) => {
                    if !carried.is_empty() {
                        lines.push(std::mem::take(&mut carried));
                    }
                    self.table(t, lines)?;
                }
            }
        }
        if !carried.is_empty() {
            lines.push(carried);
        }
        Ok(())
    }

    fn table(&mut self, table: &Table, lines: &mut Vec<String>) -> Result<(), ImportError> {
        // The cell above each grid column, for vertical merges.
        let mut above: Vec<GridCell> = Vec::new();
        for row in table.rows.iter().filter(|r| !r.deleted) {
            let mut cells: Vec<GridCell> = Vec::new();
            for _ in 0..row.grid_before {
                let group = self.group();
                cells.push(GridCell {
                    text: String::new(),
                    group,
                    own: true,
                });
            }
            for cell in &row.cells {
                if cells.len() >= MAX_COLUMNS {
                    break;
                }
                let left = match cell.merge {
                    Merge::Horizontal => cells.last().cloned(),
                    _ => None,
                };
                if cell.merge == Merge::Continue {
                    for _ in 0..cell.span {
                        let copied = match above.get(cells.len()) {
                            Some(c) => GridCell {
                                own: false,
                                ..c.clone()
                            },
                            None => GridCell {
                                text: String::new(),
                                group: 0,
                                own: false,
                            },
                        };
                        cells.push(copied);
                    }
                } else if let Some(left) = left {
                    for _ in 0..cell.span {
                        cells.push(left.clone());
                    }
                } else {
                    let text = self.cell_text(&cell.blocks)?;
                    let group = self.group();
                    for _ in 0..cell.span {
                        cells.push(GridCell {
                            text: text.clone(),
                            group,
                            own: true,
                        });
                    }
                }
            }
            self.cells += cells.len();
            if self.cells > super::MAX_CELLS {
                return Err(too_large("docx"));
            }
            if let Some(line) = table::render_row(&cells) {
                lines.push(line);
            }
            above = cells;
        }
        Ok(())
    }

    /// A cell's paragraphs (and any nested table's cells) as one text.
    fn cell_text(&mut self, blocks: &[Block]) -> Result<String, ImportError> {
        let mut parts = Vec::new();
        for block in blocks {
            match block {
                Block::Para(p) if p.mark_deleted => parts.push(p.text.clone()),
                Block::Para(p) => {
                    let marker = self.numbering.marker(&p.numbering).unwrap_or_default();
                    parts.push(format!("{marker}{}", p.text));
                }
                Block::Table(t) => {
                    for row in t.rows.iter().filter(|r| !r.deleted) {
                        for cell in &row.cells {
                            if cell.merge == Merge::None {
                                parts.push(self.cell_text(&cell.blocks)?);
                            }
                        }
                    }
                }
            }
        }
        Ok(parts.join("\n"))
    }
}
