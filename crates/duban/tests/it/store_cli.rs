//! `duban migrate`, `user`, `backup` and `audit verify` as an admin runs them: the real binary
//! against a SQLite database in a temporary data directory.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const PASSWORD: &str = "correct-horse-battery";

/// Runs duban with `args` in data directory `dir`, `stdin` piped in.
fn duban_in(dir: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = match Command::new(env!("CARGO_BIN_EXE_duban"))
        .args(args)
        .arg("--data-dir")
        .arg(dir)
        .env_remove("DUBAN_DATABASE_URL")
        .env_remove("DUBAN_DATA_DIR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(c) => c,
        Err(e) => panic!("cannot run duban: {e}"),
    };
    if let Some(mut input) = child.stdin.take() {
        input
            .write_all(stdin.as_bytes())
            .unwrap_or_else(|e| panic!("{e}"));
    }
    child.wait_with_output().unwrap_or_else(|e| panic!("{e}"))
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("duban-it-store-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    dir
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[track_caller]
fn assert_ok(out: &Output) {
    assert!(out.status.success(), "stderr: {}", stderr(out));
}

#[test]
fn migrate_creates_the_data_dir_and_is_idempotent() {
    let dir = temp_dir("migrate").join("data");
    for _ in 0..2 {
        let out = duban_in(&dir, &["migrate"], "");
        assert_ok(&out);
        assert_eq!(
            stdout(&out).trim(),
            "数据库已是最新 (database is up to date): SQLite"
        );
    }
    assert!(dir.join("duban.db").is_file());
}

#[test]
fn user_add_list_duplicates_and_passwords() {
    let dir = temp_dir("users");

    let out = duban_in(
        &dir,
        &[
            "user",
            "add",
            "zhangsan",
            "--role",
            "supervisor",
            "--name",
            "张三",
        ],
        &format!("{PASSWORD}\n"),
    );
    assert_ok(&out);
    assert_eq!(stdout(&out).trim(), "已创建用户 zhangsan（督查室）");

    let dup = duban_in(
        &dir,
        &["user", "add", "zhangsan", "--role", "viewer"],
        &format!("{PASSWORD}\n"),
    );
    assert_eq!(dup.status.code(), Some(1));
    assert!(stderr(&dup).contains("用户名已存在"), "{}", stderr(&dup));

    let short = duban_in(
        &dir,
        &["user", "add", "lisi", "--role", "viewer"],
        "short\n",
    );
    assert_eq!(short.status.code(), Some(1));
    assert!(stderr(&short).contains("密码太短"), "{}", stderr(&short));

    let empty = duban_in(&dir, &["user", "add", "lisi", "--role", "viewer"], "");
    assert_eq!(empty.status.code(), Some(1));
    assert!(
        stderr(&empty).contains("密码不能为空"),
        "{}",
        stderr(&empty)
    );

    let no_unit = duban_in(
        &dir,
        &[
            "user",
            "add",
            "lisi",
            "--role",
            "unit",
            "--unit",
            "不存在科",
        ],
        &format!("{PASSWORD}\n"),
    );
    assert_eq!(no_unit.status.code(), Some(1));
    assert!(
        stderr(&no_unit).contains("找不到单位"),
        "{}",
        stderr(&no_unit)
    );

    let list = duban_in(&dir, &["user", "list"], "");
    assert_ok(&list);
    let text = stdout(&list);
    assert!(text.contains("zhangsan\t督查室\t—\t启用"), "{text}");
    assert!(text.contains("共 1 个用户"), "{text}");

    for out in [&out, &dup, &short, &no_unit, &list] {
        assert!(!stdout(out).contains(PASSWORD) && !stderr(out).contains(PASSWORD));
        assert!(!stdout(out).contains("argon2") && !stderr(out).contains("argon2"));
    }

    let audit = duban_in(&dir, &["audit", "verify"], "");
    assert_ok(&audit);
    assert_eq!(stdout(&audit).trim(), "审计链完整：共 1 条记录");
}

#[test]
fn backup_is_a_valid_database_and_is_never_overwritten() {
    let dir = temp_dir("backup");
    let out = duban_in(
        &dir,
        &["user", "add", "admin", "--role", "admin"],
        &format!("{PASSWORD}\r\n"),
    );
    assert_ok(&out);

    let file = dir.join("copy.db");
    let file_arg = file.to_string_lossy().into_owned();
    let backup = duban_in(&dir, &["backup", &file_arg], "");
    assert_ok(&backup);
    assert!(file.is_file());

    let url = format!("sqlite://{file_arg}");
    let list = duban_in(&dir, &["user", "list", "--database-url", &url], "");
    assert_ok(&list);
    assert!(stdout(&list).contains("admin\t管理员"), "{}", stdout(&list));

    let again = duban_in(&dir, &["backup", &file_arg], "");
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("不会覆盖"), "{}", stderr(&again));

    let pg = duban_in(
        &dir,
        &[
            "backup",
            &dir.join("pg.db").to_string_lossy(),
            "--database-url",
            "postgres://duban:hunter2secret@127.0.0.1:1/duban",
        ],
        "",
    );
    assert_eq!(pg.status.code(), Some(1));
    assert!(stderr(&pg).contains("pg_dump"), "{}", stderr(&pg));
    assert!(!stderr(&pg).contains("hunter2secret"));
}

#[test]
fn audit_verify_on_an_empty_database_passes() {
    let dir = temp_dir("audit");
    let out = duban_in(&dir, &["audit", "verify"], "");
    assert_ok(&out);
    assert_eq!(stdout(&out).trim(), "审计链完整：共 0 条记录");
}

#[test]
fn export_ledger_writes_a_workbook_and_a_csv_of_every_published_task() {
    use calamine::{Data, Reader, Xlsx};
    let dir = temp_dir("export");
    let out = duban_in(&dir, &["bench-data", "--tasks", "60", "--weeks", "2"], "");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let xlsx = dir.join("台账.xlsx");
    let xlsx_arg = xlsx.to_string_lossy().into_owned();
    let out = duban_in(&dir, &["export", "ledger", "--out", &xlsx_arg], "");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout);
    let rows: usize = said
        .split('（')
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("row count in {said}"));
    // The monthly summary goes the same way, as a workbook only.
    let monthly = dir.join("月汇总.xlsx");
    let monthly_arg = monthly.to_string_lossy().into_owned();
    let out = duban_in(
        &dir,
        &[
            "export",
            "monthly",
            "--period",
            "2026-11",
            "--out",
            &monthly_arg,
        ],
        "",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut book: Xlsx<_> = calamine::open_workbook(&monthly).unwrap_or_else(|e| panic!("{e}"));
    let summary = book
        .worksheet_range("汇总")
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        matches!(summary.get_value((0, 0)), Some(Data::String(t)) if t.ends_with("2026年11月工作汇总"))
    );
    assert!(matches!(summary.get_value((2, 1)), Some(Data::String(t)) if t == "全局"));
    let out = duban_in(&dir, &["export", "monthly", "--out", "x.csv"], "");
    assert_eq!(out.status.code(), Some(1));
    let out = duban_in(
        &dir,
        &[
            "export",
            "monthly",
            "--period",
            "2026-13",
            "--out",
            &monthly_arg,
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("不是有效月份"));
    assert!(rows >= 60, "{said}");
    let mut book: Xlsx<_> = calamine::open_workbook(&xlsx).unwrap_or_else(|e| panic!("{e}"));
    let sheet = book
        .worksheet_range("台账")
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        sheet.height(),
        rows + 2,
        "title, headings, one row per task"
    );
    let cell = |r: u32, c: u32| match sheet.get_value((r, c)) {
        Some(Data::String(s)) => s.clone(),
        _ => String::new(),
    };
    assert!(cell(0, 0).ends_with("）") && cell(0, 0).contains("工作任务台账"));
    assert_eq!(cell(1, 8), "状态");
    assert_eq!(cell(2, 0), "一", "the first row is a 工程");
    let statuses = ["红灯", "黄灯", "绿灯", "已办结", "逾期办结"];
    for r in 2..(rows as u32 + 2) {
        assert!(
            statuses.contains(&cell(r, 8).as_str()),
            "row {r}: {}",
            cell(r, 8)
        );
    }
    let csv = dir.join("台账.csv");
    let csv_arg = csv.to_string_lossy().into_owned();
    let out = duban_in(&dir, &["export", "ledger", "--out", &csv_arg], "");
    assert!(out.status.success());
    let text = std::fs::read_to_string(&csv).unwrap_or_else(|e| panic!("{e}"));
    assert!(text.starts_with("\u{FEFF}序号,工作任务,牵头领导,责任科室"));
    let out = duban_in(&dir, &["export", "ledger", "--out", "台账.pdf"], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains(".xlsx 或 .csv"));
    let _ = std::fs::remove_dir_all(&dir);
}
