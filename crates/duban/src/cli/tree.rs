//! The readable form of an import for a terminal: the outline as an indented tree with each
//! node's targets under it (highlighted when stdout is a terminal), then the task drafts with
//! their suggested or named owners. `--json` prints the same data for other tools.

use std::fmt::Write;

use duban_core::plan::{Node, PlanImport, Script, SourceFormat, Target};

/// ANSI styles, empty when colours are off.
struct Style {
    target: &'static str,
    heading: &'static str,
    dim: &'static str,
    reset: &'static str,
}

impl Style {
    fn new(colour: bool) -> Self {
        if colour {
            Style {
                target: "\x1b[1;33m",
                heading: "\x1b[1m",
                dim: "\x1b[2m",
                reset: "\x1b[0m",
            }
        } else {
            Style {
                target: "",
                heading: "",
                dim: "",
                reset: "",
            }
        }
    }
}

fn format_name(f: SourceFormat) -> &'static str {
    match f {
        SourceFormat::Txt => "txt",
        SourceFormat::Docx => "docx",
        SourceFormat::Xlsx => "xlsx",
        SourceFormat::Csv => "csv",
    }
}

fn script_name(s: Script) -> &'static str {
    match s {
        Script::Simplified => "简体",
        Script::Traditional => "繁体",
        Script::Mixed => "简繁混合",
    }
}

fn value_text(t: &Target) -> String {
    let num = |v: f64| {
        if v.fract() == 0.0 && v.abs() < 1e15 {
            format!("{}", v as i64)
        } else {
            format!("{v}")
        }
    };
    match (t.value, t.value_max) {
        (None, _) => "（数值缺失）".to_string(),
        (Some(a), Some(b)) => format!("{}–{}{}", num(a), num(b), t.unit),
        (Some(a), None) => format!("{}{}", num(a), t.unit),
    }
}

fn op_text(t: &Target) -> &'static str {
    match t.op.code() {
        ">=" => "≥",
        "<=" => "≤",
        "~" => "约",
        ">" => "提高",
        "range" => "",
        _ => "=",
    }
}

fn target_line(out: &mut String, indent: &str, t: &Target, st: &Style) {
    let deadline = t
        .deadline
        .as_ref()
        .map(|d| format!("，时限 {}", d.text))
        .unwrap_or_default();
    let indicator = if t.indicator.is_empty() {
        "（指标待核）"
    } else {
        t.indicator.as_str()
    };
    let _ = writeln!(
        out,
        "{indent}  ◎ {}{indicator} {} {}{deadline}{}  {}「{}」{}",
        st.target,
        op_text(t),
        value_text(t),
        st.reset,
        st.dim,
        t.text,
        st.reset
    );
}

/// Renders the import as text.
pub fn render(plan: &PlanImport, colour: bool) -> String {
    let st = Style::new(colour);
    let mut out = String::new();
    let title = if plan.title.is_empty() {
        "（未识别标题）"
    } else {
        plan.title.as_str()
    };
    let year = plan
        .plan_year
        .map_or_else(|| "年份未知".to_string(), |y| format!("{y}年"));
    let _ = writeln!(
        out,
        "{}{title}{}  {}[{year} · {} · {} · {}]{}",
        st.heading,
        st.reset,
        st.dim,
        format_name(plan.source.format),
        plan.source.encoding,
        script_name(plan.source.script),
        st.reset
    );
    let c = &plan.cleanup;
    let _ = writeln!(
        out,
        "清理：拼音注音 {} 处，其他夹注 {} 处，网页杂项 {} 行",
        c.pinyin_removed,
        c.annotations_removed,
        c.chrome_removed.len()
    );
    for w in &plan.warnings {
        let _ = writeln!(out, "⚠ {w}");
    }
    let _ = writeln!(
        out,
        "\n{}大纲{}（{} 个节点，{} 个目标）",
        st.heading,
        st.reset,
        plan.walk_nodes().len(),
        plan.targets.len()
    );
    fn node(out: &mut String, n: &Node, depth: usize, plan: &PlanImport, st: &Style) {
        let indent = "  ".repeat(depth);
        let mut owners = String::new();
        if let Some(u) = &n.lead_unit {
            owners.push_str(&format!("  责任单位：{u}"));
            if !n.co_units.is_empty() {
                owners.push_str(&format!("（配合：{}）", n.co_units.join("、")));
            }
        }
        if let Some(d) = &n.due {
            owners.push_str(&format!("  时限：{d}"));
        }
        let _ = writeln!(
            out,
            "{indent}{}{}{}{}{owners}",
            st.heading, n.marker, n.title, st.reset
        );
        for t in plan.targets.iter().filter(|t| t.path == n.path) {
            target_line(out, &indent, t, st);
        }
        for ch in &n.children {
            node(out, ch, depth + 1, plan, st);
        }
    }
    // Targets of the preamble (the year's overall goals) have no node.
    let preamble: Vec<&Target> = plan.targets.iter().filter(|t| t.path.is_empty()).collect();
    if !preamble.is_empty() {
        let _ = writeln!(out, "{}（引言）{}", st.heading, st.reset);
        for t in preamble {
            target_line(&mut out, "", t, &st);
        }
    }
    for n in &plan.nodes {
        node(&mut out, n, 0, plan, &st);
    }
    let _ = writeln!(
        out,
        "\n{}任务草稿{}（{} 条）",
        st.heading,
        st.reset,
        plan.drafts.len()
    );
    for (k, d) in plan.drafts.iter().enumerate() {
        let owner = match (&d.lead_unit, &d.suggested_unit) {
            (Some(u), _) => format!("牵头：{u}"),
            (None, Some(u)) => format!("建议牵头：{u}"),
            (None, None) => "牵头：待定".to_string(),
        };
        let due = d
            .due
            .as_ref()
            .map(|x| format!("  时限：{x}"))
            .unwrap_or_default();
        let targets = if d.targets.is_empty() {
            String::new()
        } else {
            format!("  目标 {} 项", d.targets.len())
        };
        let _ = writeln!(
            out,
            "{:>3}. [{}] {}  {}{}{}{}{}",
            k + 1,
            d.path.concat(),
            d.title,
            st.dim,
            owner,
            due,
            targets,
            st.reset
        );
    }
    out
}
