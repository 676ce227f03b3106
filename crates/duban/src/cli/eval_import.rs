//! `duban eval-import [--verbose] [--json] PATHS...`: score the importer against answer keys
//! (corpus-expected/v1). Each PATH is a key file or a folder of them (`*.json`, sorted).
//!
//! This file only reads files and prints: locating each key's document, importing it and scoring
//! it all go through `duban_plan` (`import_bytes`, `eval`). Scores are information, so the exit
//! status is 0 whatever they are; the floors are asserted by duban-plan's corpus tests.

use std::io::Write;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use duban_plan::eval::{self, AnswerKey, DocScore, Report};
use duban_plan::{ImportOptions, import_bytes};

/// Arguments of `duban eval-import`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// 答案文件或目录 (answer-key files, or folders holding them).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// 列出遗漏与误报 (list the misses and false positives under each document).
    #[arg(long, short)]
    verbose: bool,
    /// 输出 JSON (print the scores as JSON instead of the table).
    #[arg(long)]
    json: bool,
}

/// Scores every key and prints the table (or JSON).
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let mut documents = Vec::new();
    for key_path in key_files(&args.paths)? {
        let json = std::fs::read_to_string(&key_path)
            .with_context(|| format!("无法读取 cannot read {}", key_path.display()))?;
        let key = eval::parse_key(&json)
            .map_err(anyhow::Error::msg)
            .with_context(|| format!("{}", key_path.display()))?;
        documents.push(score_document(&key_path, &key));
    }
    let report = Report::new(documents);
    let out = if args.json {
        serde_json::to_string_pretty(&report).context("serialising the scores")?
    } else {
        report.table(args.verbose)
    };
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{}", out.trim_end()).context("writing to stdout")?;
    Ok(ExitCode::SUCCESS)
}

/// The key files named by `paths`: files as given, folders expanded to their `*.json`, sorted.
fn key_files(paths: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut inside = Vec::new();
            for entry in std::fs::read_dir(path)
                .with_context(|| format!("无法读取目录 cannot read {}", path.display()))?
            {
                let entry = entry.with_context(|| format!("reading {}", path.display()))?;
                let file = entry.path();
                if file.is_file() && file.extension().is_some_and(|e| e == "json") {
                    inside.push(file);
                }
            }
            inside.sort();
            files.extend(inside);
        } else if path.is_file() {
            files.push(path.clone());
        } else {
            bail!("找不到 not found: {}", path.display());
        }
    }
    Ok(files)
}

/// Finds, imports and scores the key's document; any failure is recorded in the score.
fn score_document(key_path: &Path, key: &AnswerKey) -> DocScore {
    // The key's `file` is relative to a folder above the key, so its ancestors must be real.
    let key_path = key_path
        .canonicalize()
        .unwrap_or_else(|_| key_path.to_path_buf());
    let Some(doc_path) = eval::document_candidates(&key_path, &key.file)
        .into_iter()
        .find(|p| p.is_file())
    else {
        return eval::score_failure(key, format!("找不到文档 document not found: {}", key.file));
    };
    let bytes = match std::fs::read(&doc_path) {
        Ok(bytes) => bytes,
        Err(e) => {
            return eval::score_failure(
                key,
                format!("无法读取 cannot read {}: {e}", doc_path.display()),
            );
        }
    };
    let name = doc_path.to_string_lossy().to_string();
    // A panic in one document must not hide the scores of the others.
    let imported = catch_unwind(AssertUnwindSafe(|| {
        import_bytes(&bytes, &name, &ImportOptions::default())
    }));
    match imported {
        Ok(Ok(plan)) => eval::score(key, &plan),
        Ok(Err(e)) => eval::score_failure(key, e.to_string()),
        Err(_) => eval::score_failure(key, "导入程序崩溃 the importer panicked"),
    }
}
