//! Unit tests of the scorer on small hand-made keys and results (invented text, not the corpus).

use duban_core::plan::{
    Cleanup, Comparison, Node, NodeKind, PlanImport, Script, SourceFormat, SourceInfo, Target,
};

use super::*;

fn node(marker: &str, title: &str, start: usize, children: Vec<Node>) -> Node {
    Node {
        path: vec![marker.to_string()],
        marker: marker.to_string(),
        ordinal: None,
        level: 1,
        kind: NodeKind::Section,
        title: title.to_string(),
        start,
        end: start + 10,
        title_end: start + 5,
        lead_unit: None,
        co_units: Vec::new(),
        leader: None,
        due: None,
        children,
    }
}

fn target(start: usize, end: usize, value: f64, unit: &str, op: Comparison) -> Target {
    Target {
        path: Vec::new(),
        text: format!("t{start}"),
        start,
        end,
        indicator: String::new(),
        op,
        value: Some(value),
        value_max: None,
        unit: unit.to_string(),
        unit_in_text: true,
        normalized: None,
        deadline: None,
        cue: String::new(),
        hedge: None,
        per_unit: false,
        masked: false,
    }
}

fn plan(nodes: Vec<Node>, targets: Vec<Target>, plan_year: Option<i32>) -> PlanImport {
    PlanImport {
        source: SourceInfo {
            file: "t.txt".to_string(),
            format: SourceFormat::Txt,
            encoding: "UTF-8".to_string(),
            script: Script::Simplified,
        },
        cleanup: Cleanup::default(),
        title: "某局工作要点".to_string(),
        plan_year,
        nodes,
        targets,
        drafts: Vec::new(),
        warnings: Vec::new(),
    }
}

fn key_node(marker: &str, title: &str, children: Vec<KeyNode>) -> KeyNode {
    KeyNode {
        marker: marker.to_string(),
        title: title.to_string(),
        children,
        ..KeyNode::default()
    }
}

fn key_target(id: &str, start: usize, end: usize, value: f64, unit: &str, cmp: &str) -> KeyTarget {
    KeyTarget {
        id: id.to_string(),
        start,
        end,
        value: Some(value),
        unit: unit.to_string(),
        comparison: cmp.to_string(),
        ..KeyTarget::default()
    }
}

fn key_with(outline: Vec<KeyNode>, targets: Vec<KeyTarget>) -> AnswerKey {
    AnswerKey {
        doc: "t".to_string(),
        title: "某局工作要点".to_string(),
        outline,
        targets,
        ..AnswerKey::default()
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn an_exact_result_scores_one_everywhere() {
    let key = key_with(
        vec![key_node(
            "一、",
            "总体要求",
            vec![key_node("1.", "加强领导", vec![])],
        )],
        vec![key_target("T01", 10, 20, 90.0, "%", ">=")],
    );
    let found = plan(
        vec![node(
            "一、",
            "总体要求",
            0,
            vec![node("1.", "加强领导", 5, vec![])],
        )],
        vec![target(10, 20, 90.0, "%", Comparison::AtLeast)],
        None,
    );

    let s = score(&key, &found);

    assert_eq!(
        s.outline,
        Counts {
            matched: 2,
            found: 2,
            expected: 2
        }
    );
    assert_eq!((s.targets.tp, s.targets.fp, s.targets.required), (1, 0, 1));
    assert!(close(s.outline.f1(), 1.0) && close(s.targets.precision(), 1.0));
    assert!(s.missed_nodes.is_empty() && s.extra_nodes.is_empty());
    assert!(s.missed_targets.is_empty() && s.false_positives.is_empty());
    assert!(s.title_ok);
    assert_eq!(s.year_ok, None);
}

#[test]
fn outline_ignores_width_spaces_closing_punctuation_and_uses_title_clean() {
    let mut pinyin = key_node("（二）", "工作規(guī)劃", vec![]);
    pinyin.title_clean = Some("工作規劃".to_string());
    let key = key_with(
        vec![key_node("一、", "建设中心,办好教育", vec![pinyin])],
        vec![],
    );
    let found = plan(
        vec![node(
            "一、",
            "建设中心，办好 教育。",
            0,
            vec![node("(二)", "工作規劃：", 5, vec![])],
        )],
        vec![],
        None,
    );

    let s = score(&key, &found);

    assert_eq!(s.outline.matched, 2, "{:?}", s.missed_nodes);
}

#[test]
fn outline_needs_the_same_marker_path_and_matches_one_to_one() {
    let key = key_with(
        vec![
            key_node("一、", "甲", vec![key_node("1、", "乙", vec![])]),
            key_node("二、", "丙", vec![]),
        ],
        vec![],
    );
    // 乙 under the wrong parent, 丙 twice.
    let found = plan(
        vec![
            node("一、", "甲", 0, vec![]),
            node("二、", "丙", 10, vec![node("1、", "乙", 12, vec![])]),
            node("二、", "丙", 20, vec![]),
        ],
        vec![],
        None,
    );

    let s = score(&key, &found);

    assert_eq!(
        s.outline,
        Counts {
            matched: 2,
            found: 4,
            expected: 3
        }
    );
    assert_eq!(s.missed_nodes.len(), 1);
    assert_eq!(s.missed_nodes[0].path, ["一、", "1、"]);
    assert_eq!(s.extra_nodes.len(), 2);
    assert!(close(s.outline.precision(), 0.5));
    assert!(close(s.outline.recall(), 2.0 / 3.0));
}

#[test]
fn a_missed_node_names_the_found_title_at_its_path() {
    let key = key_with(vec![key_node("一、", "指导思想", vec![])], vec![]);
    let found = plan(
        vec![node("一、", "指导思想和目标", 0, vec![])],
        vec![],
        None,
    );

    let s = score(&key, &found);

    assert_eq!(
        s.missed_nodes[0].found_title.as_deref(),
        Some("指导思想和目标")
    );
}

#[test]
fn overlapping_spans_match_and_disjoint_ones_do_not() {
    let key = key_with(vec![], vec![key_target("T01", 100, 120, 5.0, "所", "=")]);
    let overlapping = plan(
        vec![],
        vec![target(110, 125, 5.0, "所", Comparison::Equal)],
        None,
    );
    let touching = plan(
        vec![],
        vec![target(120, 130, 5.0, "所", Comparison::Equal)],
        None,
    );

    assert_eq!(score(&key, &overlapping).targets.tp, 1);
    let s = score(&key, &touching);
    assert_eq!((s.targets.tp, s.targets.fp), (0, 1));
    assert_eq!(s.missed_targets[0].id, "T01");
    assert!(close(s.targets.precision(), 0.0) && close(s.targets.recall(), 0.0));
}

#[test]
fn units_are_compared_after_simplification() {
    let key = key_with(vec![], vec![key_target("T16", 0, 10, 1.9, "萬平方米", "=")]);
    let found = plan(
        vec![],
        vec![target(0, 10, 1.9, "万平方米", Comparison::Equal)],
        None,
    );

    assert_eq!(score(&key, &found).targets.tp, 1);
}

#[test]
fn a_different_value_or_unit_is_a_miss_and_a_false_positive() {
    let key = key_with(vec![], vec![key_target("T01", 0, 10, 90.0, "%", ">=")]);
    let found = plan(
        vec![],
        vec![
            target(0, 10, 95.0, "%", Comparison::AtLeast),
            target(0, 10, 90.0, "所", Comparison::AtLeast),
        ],
        None,
    );

    let s = score(&key, &found);

    assert_eq!((s.targets.tp, s.targets.fp), (0, 2));
    let nearest = s.missed_targets[0].nearest.clone().unwrap_or_default();
    assert!(nearest.contains("value"), "{nearest}");
}

#[test]
fn comparison_also_ok_is_accepted_and_others_are_not() {
    let mut count = key_target("T04", 0, 10, 5.0, "所", "=");
    count.comparison_also_ok = vec![">=".to_string()];
    let key = key_with(vec![], vec![count]);
    let at_least = plan(
        vec![],
        vec![target(0, 10, 5.0, "所", Comparison::AtLeast)],
        None,
    );
    let about = plan(
        vec![],
        vec![target(0, 10, 5.0, "所", Comparison::About)],
        None,
    );

    assert_eq!(score(&key, &at_least).targets.tp, 1);
    let s = score(&key, &about);
    assert_eq!((s.targets.tp, s.targets.fp), (0, 1));
    let nearest = s.missed_targets[0].nearest.clone().unwrap_or_default();
    assert!(nearest.contains("comparison"), "{nearest}");
}

#[test]
fn ranges_need_both_bounds() {
    let mut range = key_target("T05", 0, 10, 3.0, "所", "range");
    range.value_max = Some(5.0);
    let key = key_with(vec![], vec![range]);
    let mut both = target(0, 10, 3.0, "所", Comparison::Range);
    both.value_max = Some(5.0);
    let lower_only = target(0, 10, 3.0, "所", Comparison::Range);

    assert_eq!(score(&key, &plan(vec![], vec![both], None)).targets.tp, 1);
    assert_eq!(
        score(&key, &plan(vec![], vec![lower_only], None))
            .targets
            .tp,
        0
    );
}

#[test]
fn a_masked_value_matches_a_masked_key() {
    let mut masked_key = key_target("T01", 0, 10, 0.0, "名", "=");
    masked_key.value = None;
    let key = key_with(vec![], vec![masked_key]);
    let mut masked = target(0, 10, 0.0, "名", Comparison::Equal);
    masked.value = None;

    assert_eq!(score(&key, &plan(vec![], vec![masked], None)).targets.tp, 1);
}

#[test]
fn optional_targets_are_neither_required_nor_penalised() {
    let mut optional = key_target("T02", 20, 30, 100.0, "%", ">=");
    optional.optional = true;
    let key = key_with(
        vec![],
        vec![key_target("T01", 0, 10, 90.0, "%", ">="), optional],
    );
    let with_optional = plan(
        vec![],
        vec![
            target(0, 10, 90.0, "%", Comparison::AtLeast),
            target(20, 30, 100.0, "%", Comparison::AtLeast),
        ],
        None,
    );
    let without = plan(
        vec![],
        vec![target(0, 10, 90.0, "%", Comparison::AtLeast)],
        None,
    );

    for found in [with_optional, without] {
        let s = score(&key, &found);
        assert_eq!((s.targets.tp, s.targets.fp, s.targets.required), (1, 0, 1));
        assert!(close(s.targets.precision(), 1.0) && close(s.targets.recall(), 1.0));
        assert!(s.missed_targets.is_empty());
    }
    let s = score(
        &key,
        &plan(
            vec![],
            vec![target(20, 30, 100.0, "%", Comparison::AtLeast)],
            None,
        ),
    );
    assert_eq!(s.targets.optional_matched, 1);
}

#[test]
fn targets_sharing_a_span_each_need_their_own_found_target() {
    let key = key_with(
        vec![],
        vec![
            key_target("T01", 50, 76, 15.0, "%", ">="),
            key_target("T02", 50, 76, 15.0, "%", ">="),
            key_target("T03", 50, 76, 15.0, "%", ">="),
        ],
    );
    let one = plan(
        vec![],
        vec![target(50, 76, 15.0, "%", Comparison::AtLeast)],
        None,
    );
    let three = plan(
        vec![],
        vec![
            target(50, 60, 15.0, "%", Comparison::AtLeast),
            target(60, 70, 15.0, "%", Comparison::AtLeast),
            target(70, 76, 15.0, "%", Comparison::AtLeast),
        ],
        None,
    );

    let s = score(&key, &one);
    assert_eq!((s.targets.tp, s.targets.fp), (1, 0));
    assert_eq!(
        s.missed_targets
            .iter()
            .map(|m| m.id.as_str())
            .collect::<Vec<_>>(),
        ["T02", "T03"]
    );
    assert_eq!(score(&key, &three).targets.tp, 3);
}

#[test]
fn a_required_key_target_is_taken_before_an_optional_one() {
    let mut optional = key_target("T01", 0, 10, 5.0, "所", "=");
    optional.optional = true;
    let key = key_with(
        vec![],
        vec![optional, key_target("T02", 5, 15, 5.0, "所", "=")],
    );
    let found = plan(
        vec![],
        vec![target(5, 10, 5.0, "所", Comparison::Equal)],
        None,
    );

    let s = score(&key, &found);

    assert_eq!((s.targets.tp, s.targets.optional_matched), (1, 0));
}

#[test]
fn false_positives_in_non_targets_are_counted_separately() {
    let mut key = key_with(vec![], vec![]);
    key.non_targets = vec![KeySpan {
        span: "0-6岁".to_string(),
        start: 40,
        end: 44,
    }];
    let found = plan(
        vec![],
        vec![
            target(42, 44, 6.0, "岁", Comparison::Equal),
            target(80, 84, 3.0, "所", Comparison::Equal),
        ],
        None,
    );

    let s = score(&key, &found);

    assert_eq!((s.targets.fp, s.targets.fp_in_non_targets), (2, 1));
    assert_eq!(s.false_positives[0].non_target.as_deref(), Some("0-6岁"));
    assert_eq!(s.false_positives[1].non_target, None);
    assert!(close(s.targets.precision(), 0.0) && close(s.targets.recall(), 1.0));
}

#[test]
fn nothing_found_and_nothing_expected_is_perfect() {
    let s = score(&key_with(vec![], vec![]), &plan(vec![], vec![], None));

    assert!(close(s.outline.precision(), 1.0) && close(s.outline.recall(), 1.0));
    assert!(close(s.targets.precision(), 1.0) && close(s.targets.recall(), 1.0));
}

#[test]
fn the_plan_year_is_checked_only_when_the_key_knows_it() {
    let mut key = key_with(vec![], vec![]);
    assert_eq!(score(&key, &plan(vec![], vec![], Some(2013))).year_ok, None);
    key.doc_year = Some(2013);
    assert_eq!(
        score(&key, &plan(vec![], vec![], Some(2013))).year_ok,
        Some(true)
    );
    assert_eq!(
        score(&key, &plan(vec![], vec![], Some(2012))).year_ok,
        Some(false)
    );
    assert_eq!(
        score(&key, &plan(vec![], vec![], None)).year_ok,
        Some(false)
    );
}

#[test]
fn a_failed_import_scores_as_nothing_found() {
    let key = key_with(
        vec![key_node("一、", "甲", vec![])],
        vec![key_target("T01", 0, 5, 1.0, "所", "=")],
    );

    let s = score_failure(&key, "编码无法识别");

    assert_eq!(s.error.as_deref(), Some("编码无法识别"));
    assert_eq!(
        s.outline,
        Counts {
            matched: 0,
            found: 0,
            expected: 1
        }
    );
    assert_eq!((s.targets.found, s.targets.required), (0, 1));
    assert!(close(s.outline.f1(), 0.0));
}

#[test]
fn totals_are_micro_averaged() {
    let small = key_with(vec![key_node("一、", "甲", vec![])], vec![]);
    let big = key_with(
        vec![
            key_node("一、", "甲", vec![]),
            key_node("二、", "乙", vec![]),
            key_node("三、", "丙", vec![]),
        ],
        vec![],
    );
    let docs = vec![
        score(
            &small,
            &plan(vec![node("一、", "甲", 0, vec![])], vec![], None),
        ),
        score(
            &big,
            &plan(vec![node("一、", "甲", 0, vec![])], vec![], None),
        ),
        score_failure(&small, "bad"),
    ];

    let report = Report::new(docs);

    assert_eq!(
        report.totals.outline,
        Counts {
            matched: 2,
            found: 2,
            expected: 5
        }
    );
    assert_eq!((report.totals.documents, report.totals.failed), (3, 1));
    assert!(close(report.totals.outline.recall(), 0.4));
    assert!(close(report.totals.outline.f1(), 2.0 * 0.4 / 1.4));
}

#[test]
fn the_table_has_one_line_per_document_and_a_total() {
    let mut key = key_with(vec![], vec![]);
    key.doc = "002".to_string();
    key.doc_year = Some(2024);
    let report = Report::new(vec![score(&key, &plan(vec![], vec![], Some(2024)))]);

    let table = report.table(false);

    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(
        lines[0],
        "002    outline P 1.00 R 1.00  targets P 1.00 R 1.00 (found 0, key 0, fp-in-nontargets 0)  year ok"
    );
    assert!(
        lines[1].starts_with("TOTAL  outline P 1.00 R 1.00 F1 1.00  targets P 1.00 R 1.00"),
        "{}",
        lines[1]
    );
    assert!(
        lines[1].ends_with("year 1/1 ok  titles 1/1 ok  [1 documents, 0 failed]"),
        "{}",
        lines[1]
    );
    assert_eq!(lines.len(), 2);
}

#[test]
fn the_verbose_table_lists_misses_and_false_positives() {
    let key = key_with(
        vec![key_node("一、", "甲", vec![])],
        vec![key_target("T01", 0, 5, 1.0, "所", "=")],
    );
    let found = plan(
        vec![node("二、", "乙", 0, vec![])],
        vec![target(9, 12, 2.0, "名", Comparison::Equal)],
        None,
    );
    let report = Report::new(vec![score(&key, &found)]);

    let table = report.table(true);

    for expected in [
        "missed node",
        "extra node",
        "missed target   T01",
        "false positive  [9,12)",
    ] {
        assert!(table.contains(expected), "{expected} not in\n{table}");
    }
}

#[test]
fn keys_parse_ignoring_unknown_fields_and_reading_null_as_default() {
    let json = r#"{
        "schema": "corpus-expected/v1", "doc": "026", "file": "docs/026.txt",
        "title": "某意见", "doc_year": null, "notes": ["free text"],
        "outline": [{"kind": "section", "level": 1, "marker": "一、", "ordinal": 1, "title": "甲",
                     "marker_start": 3, "marker_start_byte": 9, "complete": true, "children": []}],
        "targets": [{"id": "T01", "node_path": ["一、"], "span": "达到96%以上", "start": 5, "end": 12,
                     "value": 96, "unit": "%", "comparison": ">=", "comparison_also_ok": null,
                     "optional": false, "deadline": {"iso": "2007-12-31"}, "per_unit": "每个乡镇"}],
        "non_targets": [{"span": "0-6岁", "start": 20, "end": 24, "why": "ages"}]
    }"#;

    let key = match parse_key(json) {
        Ok(key) => key,
        Err(e) => panic!("{e}"),
    };

    assert_eq!(key.doc, "026");
    assert_eq!(key.doc_year, None);
    assert_eq!(key.outline[0].marker_start, 3);
    assert_eq!(key.targets[0].value, Some(96.0));
    assert!(key.targets[0].comparison_also_ok.is_empty());
    assert_eq!(key.non_targets[0].end, 24);
}

#[test]
fn keys_of_another_schema_or_shape_are_refused() {
    assert!(parse_key(r#"{"schema": "corpus-expected/v2"}"#).is_err());
    assert!(parse_key(r#"{"outline": 3}"#).is_err());
    assert!(parse_key("not json").is_err());
    assert!(parse_key("{}").is_ok());
}

#[test]
fn documents_are_looked_for_beside_the_key_and_above_it() {
    let candidates = document_candidates(Path::new("/s/corpus/expected/002.json"), "docs/002.txt");

    assert_eq!(candidates[0], Path::new("/s/corpus/expected/docs/002.txt"));
    assert_eq!(candidates[1], Path::new("/s/corpus/docs/002.txt"));
    assert!(candidates.contains(&PathBuf::from("/docs/002.txt")));
    assert_eq!(
        document_candidates(Path::new("/k/a.json"), "/abs/x.txt"),
        [PathBuf::from("/abs/x.txt")]
    );
}
