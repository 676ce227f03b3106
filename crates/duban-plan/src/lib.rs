//! duban-plan: plan documents in and out.
//!
//! The importer turns the bytes of a bureau's 工作意见 (.txt in any common encoding, .docx, or a
//! .xlsx/.csv 任务分解表) into a [`PlanImport`]: an outline tree, every quantitative target and a
//! first set of task drafts, each linked back to the source text by code-point offsets.
//!
//! Pipeline: `formats`/`decode` (bytes → text) → `clean` (annotations, chrome, width, script, with
//! an offset map) → `outline` (tree) → `targets` → `drafts`. Every stage is pure and never
//! panics on any input; failures are typed [`ImportError`]s with a Chinese + English message.
//! No file system, network or clock access happens here: the caller hands in the bytes.
//!
//! The way out is `export`: the 台账 (task ledger) as .xlsx or .csv bytes.

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod clean;
pub mod decode;
pub mod drafts;
pub mod error;
pub mod eval;
pub mod export;
pub mod formats;
pub mod keywords;
pub mod outline;
pub mod targets;

use duban_core::plan::{Cleanup, PlanImport, SourceFormat, SourceInfo};

pub use drafts::UnitRules;
pub use error::ImportError;

/// Largest document the importer accepts (bytes). Larger input is refused, not truncated.
pub const MAX_INPUT_BYTES: usize = 32 * 1024 * 1024;

/// Options for one import.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Convert titles, texts and indicators to simplified characters.
    pub simplified: bool,
    /// Keyword rules that suggest a lead unit for each draft.
    pub rules: UnitRules,
}

/// Imports a plan document from its bytes. `file_name` is used for the extension (a hint only:
/// the content is sniffed) and is echoed in the result.
pub fn import_bytes(
    bytes: &[u8],
    file_name: &str,
    options: &ImportOptions,
) -> Result<PlanImport, ImportError> {
    let extracted = formats::extract(bytes, file_name)?;
    let source = SourceInfo {
        file: file_name.to_string(),
        format: extracted.format,
        encoding: extracted.encoding,
        script: duban_core::plan::Script::Simplified,
    };
    let format = source.format;
    let plan = import_text(&extracted.text, source, options);
    // A spreadsheet is read as a 任务分解表; one without a task column would import as nothing.
    if matches!(format, SourceFormat::Xlsx | SourceFormat::Csv) && plan.nodes.is_empty() {
        return Err(ImportError::NoTaskTable {
            detail: "未找到“序号、工作任务（重点工作/目标任务）、牵头单位、完成时限”等表头行，请检查表格的列标题"
                .to_string(),
        });
    }
    Ok(plan)
}

/// Runs the text pipeline on already decoded text. `source.script` is filled in here.
pub fn import_text(original: &str, mut source: SourceInfo, options: &ImportOptions) -> PlanImport {
    let cleaned = clean::clean(original);
    source.script = cleaned.script;
    let outline = outline::parse(&cleaned);
    let targets = targets::extract(&cleaned, &outline);
    let drafts = drafts::make(&cleaned, &outline, &targets, &options.rules);
    let mut warnings = cleaned.warnings.clone();
    warnings.extend(targets.warnings.iter().cloned());
    let render = outline::Render::new(&cleaned, options.simplified);
    PlanImport {
        source,
        cleanup: Cleanup {
            pinyin_removed: cleaned.pinyin_removed,
            annotations_removed: cleaned.annotations_removed,
            chrome_removed: cleaned.chrome_removed.clone(),
        },
        title: render.text(outline.title.clone()),
        plan_year: outline.plan_year,
        nodes: render.nodes(&outline),
        targets: render.targets(&targets),
        drafts: render.drafts(&drafts),
        warnings,
    }
}

/// The format a file name's extension suggests, if any.
pub fn format_from_name(file_name: &str) -> Option<SourceFormat> {
    let ext = file_name.rsplit_once('.')?.1.to_ascii_lowercase();
    match ext.as_str() {
        "txt" | "text" | "md" => Some(SourceFormat::Txt),
        "docx" => Some(SourceFormat::Docx),
        "xlsx" | "xlsm" => Some(SourceFormat::Xlsx),
        "csv" | "tsv" => Some(SourceFormat::Csv),
        _ => None,
    }
}
