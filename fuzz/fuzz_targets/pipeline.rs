//! Fuzz target: arbitrary bytes through the whole import pipeline.
//!
//! The first byte picks the file name the bytes arrive under (`.txt`, `.docx`, `.xlsx`, `.csv`:
//! the name is only a hint, the content is sniffed) and whether to convert to simplified; the
//! rest is the document. When the rest is UTF-8 it also goes through `import_text` directly.
//! Errors are fine; a panic, or a successful result that breaks one of the invariants below, is a
//! bug (and panicking is how libFuzzer records it).

#![no_main]

use duban_core::plan::{PlanImport, Script, SourceFormat, SourceInfo};
use duban_plan::{ImportOptions, formats, import_bytes, import_text};
use libfuzzer_sys::fuzz_target;

const NAMES: [&str; 4] = ["plan.txt", "plan.docx", "plan.xlsx", "plan.csv"];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, doc)) = data.split_first() else {
        return;
    };
    let name = NAMES[usize::from(selector & 0b11)];
    let options = ImportOptions {
        simplified: selector & 0b100 != 0,
        ..ImportOptions::default()
    };

    if let Ok(plan) = import_bytes(doc, name, &options) {
        let chars = match formats::extract(doc, name) {
            Ok(extracted) => extracted.text.chars().count(),
            Err(e) => panic!("import_bytes succeeded but extract failed: {e}"),
        };
        check(&plan, chars);
    }

    if let Ok(text) = std::str::from_utf8(doc) {
        let source = SourceInfo {
            file: "plan.txt".to_string(),
            format: SourceFormat::Txt,
            encoding: "UTF-8".to_string(),
            script: Script::Simplified,
        };
        let plan = import_text(text, source, &options);
        check(&plan, text.chars().count());
    }
});

/// Invariants every successful import keeps; `chars` is the original text's length in code points.
fn check(plan: &PlanImport, chars: usize) {
    for node in plan.walk_nodes() {
        span("node", &node.path, node.start, node.end, chars);
        assert!(
            node.title_end <= chars,
            "node {:?}: title_end {} > {chars}",
            node.path,
            node.title_end
        );
    }
    for target in &plan.targets {
        span("target", &target.path, target.start, target.end, chars);
        for value in [target.value, target.value_max].into_iter().flatten() {
            assert!(value.is_finite(), "target {:?}: value {value}", target.path);
        }
        if let Some(n) = &target.normalized {
            assert!(
                n.value.is_finite(),
                "target {:?}: normalized {}",
                target.path,
                n.value
            );
        }
    }
    for draft in &plan.drafts {
        span("draft", &draft.path, draft.start, draft.end, chars);
        for &t in &draft.targets {
            assert!(
                t < plan.targets.len(),
                "draft {:?}: target index {t} of {}",
                draft.path,
                plan.targets.len()
            );
        }
    }
}

fn span(what: &str, path: &[String], start: usize, end: usize, chars: usize) {
    assert!(
        start <= end && end <= chars,
        "{what} {path:?}: span {start}..{end} outside 0..{chars}"
    );
}
