//! The importer over the shared corpus (`../shared/`, read in place, never copied): every document
//! imports, and the scores against the public answer keys (`corpus/expected/*.json` and
//! `plans/*.expected.json`, scored by `duban_plan::eval`) stay above their floors. A failing floor
//! prints the same table as `duban eval-import --verbose`.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use duban_core::plan::PlanImport;
use duban_plan::eval::{self, DocScore, Report};
use duban_plan::{ImportOptions, import_bytes};

const SHARED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared");

/// Files directly in `shared/<dir>` whose names end with `suffix`, sorted.
fn shared_files(dir: &str, suffix: &str) -> Vec<PathBuf> {
    let dir = Path::new(SHARED).join(dir);
    let entries = match std::fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) => panic!("cannot read {}: {e}", dir.display()),
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(suffix))
        .collect();
    files.sort();
    files
}

/// Imports a file; an error or a panic becomes `Err` with a message.
fn import_file(path: &Path) -> Result<PlanImport, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read: {e}"))?;
    let name = path.to_string_lossy().to_string();
    match catch_unwind(AssertUnwindSafe(|| {
        import_bytes(&bytes, &name, &ImportOptions::default())
    })) {
        Ok(Ok(plan)) => Ok(plan),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err("the importer panicked".to_string()),
    }
}

/// Reads a key, imports its document and scores it.
fn score_key(key_path: &Path) -> DocScore {
    let key = match std::fs::read_to_string(key_path)
        .map_err(|e| e.to_string())
        .and_then(|json| eval::parse_key(&json))
    {
        Ok(key) => key,
        Err(e) => panic!("{}: {e}", key_path.display()),
    };
    let Some(doc) = eval::document_candidates(key_path, &key.file)
        .into_iter()
        .find(|p| p.is_file())
    else {
        panic!("{}: document {} not found", key_path.display(), key.file);
    };
    match import_file(&doc) {
        Ok(plan) => eval::score(&key, &plan),
        Err(e) => eval::score_failure(&key, e),
    }
}

/// The six public keys: five corpus excerpts and the sample plan.
fn public_keys() -> Vec<PathBuf> {
    let mut keys = shared_files("corpus/expected", ".json");
    keys.extend(shared_files("plans", ".expected.json"));
    keys
}

#[test]
fn every_shared_document_imports_without_error() {
    let mut docs = shared_files("plans", ".txt");
    docs.extend(shared_files("corpus/docs", ".txt"));
    assert!(
        docs.len() >= 27,
        "expected the sample plan and 26 excerpts, found {}",
        docs.len()
    );

    let failures: Vec<String> = docs
        .iter()
        .filter_map(|doc| {
            import_file(doc)
                .err()
                .map(|e| format!("{}: {e}", doc.display()))
        })
        .collect();

    assert!(
        failures.is_empty(),
        "imports failed:\n{}",
        failures.join("\n")
    );
}

#[test]
fn public_keys_meet_the_floors() {
    let keys = public_keys();
    assert_eq!(keys.len(), 6, "public keys: {keys:?}");

    let report = Report::new(keys.iter().map(|k| score_key(k)).collect());

    let t = &report.totals;
    let floors = [
        ("outline F1", t.outline.f1(), 0.95),
        ("target precision", t.targets.precision(), 0.90),
        ("target recall", t.targets.recall(), 0.90),
    ];
    let below: Vec<String> = floors
        .iter()
        .filter(|(_, value, floor)| value < floor)
        .map(|(name, value, floor)| format!("{name} {value:.3} < {floor}"))
        .collect();
    assert!(
        below.is_empty() && t.failed == 0,
        "{} ({} failed imports)\n{}",
        below.join(", "),
        t.failed,
        report.table(true)
    );
}

#[test]
fn sample_plan_meets_its_floor() {
    let key = Path::new(SHARED).join("plans/000_7c068f91f998bae7.expected.json");

    let score = score_key(&key);

    let all_nodes = score.outline.matched == 22 && score.outline.expected == 22;
    let all_targets = score.targets.tp == 16 && score.targets.required == 16;
    assert!(
        all_nodes && all_targets && score.year_found == Some(2013),
        "want 22/22 nodes, 16/16 targets, plan year 2013\n{}",
        Report::new(vec![score]).table(true)
    );
}

/// Every offset of every shared document lies on a character of the original, and the original
/// text at a target's span, cleaned, is the target's text; a draft's likewise (its line breaks
/// aside).
#[test]
fn spans_of_every_shared_document_point_back_into_the_original() {
    let mut docs = shared_files("plans", ".txt");
    docs.extend(shared_files("corpus/docs", ".txt"));
    for path in docs {
        let original = std::fs::read_to_string(&path).unwrap_or_default();
        let chars: Vec<char> = original.chars().collect();
        let plan = import_file(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for n in plan.walk_nodes() {
            assert!(
                n.start <= n.title_end && n.title_end <= n.end && n.end <= chars.len(),
                "{}: node {n:?}",
                path.display()
            );
        }
        for t in &plan.targets {
            assert!(
                t.start < t.end && t.end <= chars.len(),
                "{}: target {t:?}",
                path.display()
            );
            let span: String = chars[t.start..t.end].iter().collect();
            let cleaned: String = duban_plan::clean::clean(&span).text.iter().collect();
            assert_eq!(cleaned, t.text, "{}: target span", path.display());
        }
        for d in &plan.drafts {
            assert!(
                d.start <= d.end && d.end <= chars.len(),
                "{}: draft {d:?}",
                path.display()
            );
            let span: String = chars[d.start..d.end].iter().collect();
            let cleaned: String = duban_plan::clean::clean(&span)
                .text
                .iter()
                .filter(|c| **c != '\n' && **c != '\r')
                .collect();
            assert_eq!(cleaned, d.text, "{}: draft span", path.display());
            assert!(d.targets.iter().all(|&k| k < plan.targets.len()));
        }
    }
}
