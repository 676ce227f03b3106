//! `duban import`, `duban eval-import` and `duban rules` as a user runs them: real files in a
//! temporary directory, the real binary, its exit code, stdout and stderr.

use std::path::PathBuf;
use std::process::{Command, Output};

const SAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/plans/000_7c068f91f998bae7.txt"
);

fn duban(args: &[&str]) -> Output {
    match Command::new(env!("CARGO_BIN_EXE_duban"))
        .args(args)
        .output()
    {
        Ok(o) => o,
        Err(e) => panic!("cannot run duban: {e}"),
    }
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("duban-it-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    dir
}

#[test]
fn import_prints_a_readable_tree_of_the_sample_plan() {
    let out = duban(&["import", SAMPLE]);

    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("區文教體局工作意見"), "{text}");
    assert!(text.contains("拼音注音 779 处"));
    assert!(text.contains("大纲（22 个节点，16 个目标）"));
    assert!(text.contains("學前三年入園率 ≥ 97%"));
    assert!(text.contains("建议牵头：学前教育科"));
}

#[test]
fn import_json_has_the_documented_field_names_and_writes_to_out() {
    let dir = temp_dir("json");
    let out_file = dir.join("plan.json");

    let out = duban(&[
        "import",
        SAMPLE,
        "--json",
        "--simplified",
        "--out",
        &out_file.to_string_lossy(),
    ]);

    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty());
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out_file).unwrap_or_default())
            .unwrap_or_default();
    for key in [
        "source",
        "cleanup",
        "title",
        "plan_year",
        "nodes",
        "targets",
        "drafts",
    ] {
        assert!(json.get(key).is_some(), "missing {key}");
    }
    for key in ["file", "format", "encoding", "script"] {
        assert!(json["source"].get(key).is_some(), "missing source.{key}");
    }
    assert_eq!(json["source"]["format"], "txt");
    assert_eq!(json["title"], "区文教体局工作意见");
    assert_eq!(json["plan_year"], 2013);
    let node = &json["nodes"][2]["children"][1];
    for key in [
        "path", "marker", "level", "kind", "title", "start", "end", "children",
    ] {
        assert!(node.get(key).is_some(), "missing node.{key}");
    }
    let target = &json["targets"][0];
    for key in [
        "path",
        "text",
        "start",
        "end",
        "indicator",
        "op",
        "value",
        "value_max",
        "unit",
        "normalized",
        "deadline",
    ] {
        assert!(target.get(key).is_some(), "missing target.{key}");
    }
    assert_eq!(target["op"], ">=");
    let draft = &json["drafts"][0];
    for key in [
        "path",
        "title",
        "text",
        "suggested_unit",
        "targets",
        "lead_unit",
        "co_units",
        "leader",
        "due",
    ] {
        assert!(draft.get(key).is_some(), "missing draft.{key}");
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn import_refuses_bad_files_with_a_chinese_message_and_exit_code_1() {
    let dir = temp_dir("bad");
    let cases: [(&str, &[u8], &str); 4] = [
        ("empty.txt", b"", "文件为空"),
        ("picture.txt", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "PNG"),
        ("report.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        ("plan.docx", "这不是 Word 文件".as_bytes(), "docx"),
    ];
    for (name, bytes, expected) in cases {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("{e}"));

        let out = duban(&["import", &path.to_string_lossy()]);

        assert_eq!(out.status.code(), Some(1), "{name}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(expected), "{name}: {err}");
        assert!(!err.contains("panicked"), "{name}: {err}");
    }
    let out = duban(&["import", &dir.join("missing.txt").to_string_lossy()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("无法读取"));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn custom_rules_change_the_suggested_unit_and_bad_rules_are_refused() {
    let dir = temp_dir("rules");
    let good = dir.join("rules.toml");
    std::fs::write(
        &good,
        "[[rule]]\nunit = \"幼教办\"\nkeywords = [\"入园\", \"幼儿\"]\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let bad = dir.join("bad.toml");
    std::fs::write(&bad, "[[rule]]\nunit = \"\"\nkeywords = [\"x\"]\n")
        .unwrap_or_else(|e| panic!("{e}"));

    let out = duban(&["import", SAMPLE, "--rules", &good.to_string_lossy()]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("建议牵头：幼教办"));
    assert!(!text.contains("建议牵头：学前教育科"));

    let out = duban(&["import", SAMPLE, "--rules", &bad.to_string_lossy()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("缺少 unit"));

    let out = duban(&["rules", "example"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("unit = \"学前教育科\""));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn eval_import_scores_the_public_keys_with_a_total_line() {
    let keys = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/corpus/expected"
    );
    let plans = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/plans");

    let out = duban(&["eval-import", keys, plans]);

    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        text.lines()
            .filter(|l| l.starts_with("seed") || l.starts_with("0"))
            .count(),
        6,
        "{text}"
    );
    let total = text
        .lines()
        .find(|l| l.starts_with("TOTAL"))
        .unwrap_or_default();
    assert!(total.contains("[6 documents, 0 failed]"), "{total}");
}

/// Runs duban with `args` against the data directory `dir` (the environment cannot redirect it).
/// `duban ARGS --data-dir DIR`, which must succeed (its stderr is shown when it does not).
fn duban_ok(dir: &std::path::Path, args: &[&str]) -> Output {
    let out = duban_with_data(dir, args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn duban_with_data(dir: &std::path::Path, args: &[&str]) -> Output {
    match Command::new(env!("CARGO_BIN_EXE_duban"))
        .args(args)
        .arg("--data-dir")
        .arg(dir)
        .env_remove("DUBAN_DATABASE_URL")
        .env_remove("DUBAN_DATA_DIR")
        .output()
    {
        Ok(o) => o,
        Err(e) => panic!("cannot run duban: {e}"),
    }
}

#[test]
fn export_picks_the_format_by_extension_docx_for_the_month_xlsx_for_the_year() {
    use calamine::{Data, Reader, Xlsx};
    let dir = temp_dir("export-formats");
    duban_ok(&dir, &["bench-data", "--tasks", "30", "--weeks", "3"]);
    let path = |name: &str| dir.join(name).to_string_lossy().into_owned();

    // The month as a Word document: the page's sections and the workbook's table.
    let docx = path("月汇总.docx");
    let out = duban_ok(&dir, &["export", "monthly", "--out", &docx]);
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("已导出"));
    let bytes = std::fs::read(&docx).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(&bytes[..2], b"PK");
    let text = match duban_plan::formats::extract(&bytes, "月汇总.docx") {
        Ok(x) => x.text,
        Err(e) => panic!("the document reopens: {e}"),
    };
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].ends_with("工作汇总"), "{text}");
    assert!(lines[1].starts_with("（统计时段："), "{text}");
    for line in [
        "一、总体情况",
        "类别 | 名称 | 本月办结 | 本月新增 | 推进中 | 进度滞后 | 超期 | 按时报送率 |",
        "二、各工程情况",
        "三、各责任科室情况",
    ] {
        assert!(lines.contains(&line), "{line} in {text}");
    }
    assert!(lines.iter().any(|l| l.starts_with("全局 | 全局 | ")));
    assert!(
        lines.iter().any(|l| l.starts_with("（一）")),
        "a section per group"
    );
    // Each excerpt quotes the report's 进展情况 and 下步打算 (bench reports always plan the next
    // steps). Whether the month has reports yet depends on today's date.
    let excerpts = "序号 | 工作任务 | 完成进度 | 报送内容摘录 | 需协调解决 |";
    if let Some(at) = lines.iter().position(|l| *l == excerpts) {
        let first = lines[at + 1];
        assert!(
            first.starts_with("1 | ")
                && first.contains("进展情况：")
                && first.contains("下步打算：继续按序时进度推进"),
            "{first}"
        );
    }

    // The year as a workbook, the same one /yearly.xlsx serves.
    let xlsx = path("年统筹.xlsx");
    let out = duban_ok(&dir, &["export", "yearly", "--out", &xlsx]);
    let said = String::from_utf8_lossy(&out.stdout);
    let tasks: usize = said
        .split('（')
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("task count in {said}"));
    assert!(tasks >= 30, "{said}");
    let mut book: Xlsx<_> = calamine::open_workbook(&xlsx).unwrap_or_else(|e| panic!("{e}"));
    let sheet = book
        .worksheet_range("年统筹")
        .unwrap_or_else(|e| panic!("{e}"));
    let cell = |r: u32, c: u32| match sheet.get_value((r, c)) {
        Some(Data::String(s)) => s.clone(),
        _ => String::new(),
    };
    assert!(cell(0, 0).ends_with("年工作统筹"), "{}", cell(0, 0));
    assert_eq!(
        (cell(1, 1), cell(1, 5), cell(1, 16)),
        ("工作任务".into(), "1月".into(), "12月".into())
    );
    assert_eq!(
        sheet.height(),
        tasks + 2,
        "title, headings, one row per task"
    );
    let out = duban_with_data(
        &dir,
        &["export", "yearly", "--year", "2031", "--out", &xlsx],
    );
    assert!(out.status.success());

    // Formats a kind cannot take, and bad years and months, are refused in Chinese with exit
    // code 1, and leave no file, whole or partial, behind.
    let refused: [(&[&str], &str, &str); 5] = [
        (
            &["export", "yearly"],
            "年统筹.docx",
            "年统筹只能导出为 .xlsx 文件",
        ),
        (
            &["export", "monthly"],
            "月汇总.csv",
            "月汇总只能导出为 .xlsx 或 .docx 文件",
        ),
        (
            &["export", "ledger"],
            "台账.pdf",
            "台账只能导出为 .xlsx 或 .csv 或 .docx 文件",
        ),
        (
            &["export", "yearly", "--year", "1999"],
            "旧.xlsx",
            "年份须在 2000 至 2100 之间",
        ),
        (
            &["export", "monthly", "--period", "2026-13"],
            "坏.docx",
            "不是有效月份",
        ),
    ];
    for (args, name, message) in refused {
        let file = path(name);
        let mut args = args.to_vec();
        args.extend(["--out", &file]);
        let out = duban_with_data(&dir, &args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(message), "{args:?}: {err}");
        assert!(!dir.join(name).exists(), "{name}");
    }
    // The 台账 as a Word document: the title and the 任务分解表 headings.
    let ledger = path("台账.docx");
    duban_ok(&dir, &["export", "ledger", "--out", &ledger]);
    let bytes = std::fs::read(&ledger).unwrap_or_else(|e| panic!("{e}"));
    let text = match duban_plan::formats::extract(&bytes, "台账.docx") {
        Ok(x) => x.text,
        Err(e) => panic!("the ledger reopens: {e}"),
    };
    assert!(
        text.contains("序号 | 工作任务 | 牵头领导 | 责任科室"),
        "{text}"
    );
    // A refused export leaves an existing file as it was.
    let keep = path("保留.docx");
    std::fs::write(&keep, "old").unwrap_or_else(|e| panic!("{e}"));
    let out = duban_with_data(
        &dir,
        &["export", "monthly", "--period", "2026-13", "--out", &keep],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(std::fs::read_to_string(&keep).unwrap_or_default(), "old");
    let leftovers: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{e}"))
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("partial"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn export_agenda_writes_the_meeting_agenda_composed_from_the_live_state() {
    let dir = temp_dir("export-agenda");
    duban_ok(&dir, &["bench-data", "--tasks", "30", "--weeks", "3"]);
    let path = |name: &str| dir.join(name).to_string_lossy().into_owned();
    let docx = path("议题.docx");
    let out = duban_ok(
        &dir,
        &["export", "agenda", "--date", "2026-03-09", "--out", &docx],
    );
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        said.contains("局党政联席会议（2026年3月9日）议题"),
        "{said}"
    );
    let bytes = std::fs::read(&docx).unwrap_or_else(|e| panic!("{e}"));
    let text = match duban_plan::formats::extract(&bytes, "议题.docx") {
        Ok(x) => x.text,
        Err(e) => panic!("the document reopens: {e}"),
    };
    assert!(text.starts_with("局党政联席会议议题"), "{text}");
    assert!(text.contains("一、会议议题"), "{text}");
    // The 确定事项清单 as a workbook: headings only, nothing decided yet.
    let xlsx = path("清单.xlsx");
    duban_ok(
        &dir,
        &["export", "agenda", "--date", "2026-03-09", "--out", &xlsx],
    );
    // Refusals: a bad date, an unsupported extension; no file is left behind.
    for (args, needle) in [
        (
            vec!["export", "agenda", "--date", "3月9日", "--out", &docx],
            "YYYY-MM-DD",
        ),
        (
            vec!["export", "agenda", "--out", "议题.csv"],
            ".docx 或 .xlsx",
        ),
    ] {
        let out = duban_with_data(&dir, &args);
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(needle), "{err}");
    }
    assert!(!dir.join("议题.csv").exists());
}
