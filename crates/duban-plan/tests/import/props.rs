//! Property tests for the clean stage (`duban_plan::clean`): the offset map is always consistent,
//! cleaning never panics, annotations built by a grammar are all removed, and cleaning is
//! idempotent.
//!
//! Idempotence, precisely: for every input `s`, let `c = clean(s)` and `t` the string of
//! `c.text`. Then `clean(t)` removes nothing (no pinyin, no other annotation, no chrome line) and
//! `clean(t).text == c.text` (so also `clean(t).norm == c.norm`). This holds because annotations
//! are removed from the output as it is built (an annotation exposed by removing another is
//! removed too), no annotation spans a line break, and chrome is judged line by line on the
//! cleaned line.

use duban_plan::clean::{Cleaned, clean};
use proptest::prelude::*;

/// Checks the offset-map invariants of `c` against `original`.
fn check_map(original: &str, c: &Cleaned) -> Result<(), TestCaseError> {
    let chars: Vec<char> = original.chars().collect();
    prop_assert_eq!(c.norm.len(), c.text.len());
    prop_assert_eq!(c.orig.len(), c.text.len() + 1);
    prop_assert_eq!(c.orig.last().copied(), Some(chars.len()));
    for i in 0..c.text.len() {
        prop_assert!(c.orig[i] < chars.len());
        prop_assert_eq!(c.text[i], chars[c.orig[i]]);
        if i > 0 {
            prop_assert!(
                c.orig[i - 1] < c.orig[i],
                "orig not strictly increasing at {}",
                i
            );
        }
    }
    // Characters outside the folded and Han ranges are their own normal form.
    for (t, n) in c.text.iter().zip(&c.norm) {
        if t.is_ascii() {
            prop_assert_eq!(t, n);
        }
    }
    Ok(())
}

/// Checks idempotence (see the module docs).
fn check_idempotent(c: &Cleaned) -> Result<(), TestCaseError> {
    let t: String = c.text.iter().collect();
    let again = clean(&t);
    prop_assert_eq!(again.pinyin_removed, 0);
    prop_assert_eq!(again.annotations_removed, 0);
    prop_assert!(
        again.chrome_removed.is_empty(),
        "chrome left: {:?}",
        again.chrome_removed
    );
    prop_assert_eq!(&again.text, &c.text);
    prop_assert_eq!(&again.norm, &c.norm);
    Ok(())
}

/// Han characters, traditional and simplified, some of them cue or label characters.
const HAN: &[&str] = &[
    "區", "区", "發", "达", "達", "到", "學", "时", "時", "間", "间", "导", "語", "县", "一", "二",
];

/// Toned syllables, one with a combining mark.
const SYLLABLES: &[&str] = &[
    "qū",
    "fā",
    "dá",
    "xué",
    "shí",
    "jiān",
    "èr",
    "lüè",
    "ń",
    "zhuàng",
    "qu\u{0304}",
];

/// Other pieces: brackets of both widths, glosses, full-width forms, chrome-like text, stray
/// Latin, digits, punctuation, spaces and line breaks.
const PIECES: &[&str] = &[
    "(",
    ")",
    "（",
    "）",
    "【",
    "】",
    "[",
    "]",
    "{",
    "}",
    "《",
    "》",
    "[繁体:園]",
    "(繁:學)",
    "{拼音:zhōng}",
    "{pinyin:yuán}",
    "(读:èr)",
    "《繁体:辦》",
    "【ér】",
    "：",
    "１",
    "％",
    "　",
    "\u{a0}",
    "A",
    "nws",
    "qu",
    "?",
    "、",
    "。",
    ",",
    ":",
    "时间:",
    "時間：",
    "2022-09-08 08:27:51",
    "- 1 -",
    "第1页",
    "导语:",
    "不代表本站观点",
    "评论功能已关闭",
    "VIP专免",
    "澳门新葡京",
    "ㄒ唬┛",
    "\u{FFFD}",
    "2017-2020年",
    " ",
    "  ",
    "\n",
    "\r\n",
    "\n\n",
];

/// One token of the grammar.
fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(HAN).prop_map(str::to_string),
        // A pinyin annotation after a Han character, either bracket width.
        3 => (prop::sample::select(HAN), prop::sample::select(SYLLABLES), any::<bool>(), any::<bool>())
            .prop_map(|(h, s, wide_open, wide_close)| {
                let open = if wide_open { '（' } else { '(' };
                let close = if wide_close { '）' } else { ')' };
                format!("{h}{open}{s}{close}")
            }),
        // A bare syllable (sometimes followed by one space).
        1 => (prop::sample::select(SYLLABLES), any::<bool>())
            .prop_map(|(s, space)| if space { format!("{s} ") } else { s.to_string() }),
        3 => prop::sample::select(PIECES).prop_map(str::to_string),
        1 => "[0-9]{1,4}",
    ]
}

/// A string built from the grammar.
fn grammar() -> impl Strategy<Value = String> {
    prop::collection::vec(token(), 0..40).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_strings_keep_the_map(s in any::<String>()) {
        let c = clean(&s);
        check_map(&s, &c)?;
        check_idempotent(&c)?;
    }

    #[test]
    fn arbitrary_cjk_strings_keep_the_map(s in "[\\u{3000}-\\u{303F}\\u{4E00}-\\u{4E2F}\\u{FF01}-\\u{FF5E}()（）a-zāáǎà \\n:]{0,80}") {
        let c = clean(&s);
        check_map(&s, &c)?;
        check_idempotent(&c)?;
    }

    #[test]
    fn grammar_strings_keep_the_map(s in grammar()) {
        let c = clean(&s);
        check_map(&s, &c)?;
        check_idempotent(&c)?;
    }

    /// A run of Han characters, each perhaps annotated: every annotation goes, nothing else.
    #[test]
    fn every_pinyin_annotation_is_removed(
        parts in prop::collection::vec(
            (prop::sample::select(HAN), prop::option::of((prop::sample::select(SYLLABLES), any::<bool>()))),
            0..30,
        )
    ) {
        let mut s = String::new();
        let mut bare = String::new();
        let mut annotated = 0;
        for (h, ann) in &parts {
            s.push_str(h);
            bare.push_str(h);
            if let Some((syl, wide)) = ann {
                annotated += 1;
                if *wide { s.push_str(&format!("（{syl}）")) } else { s.push_str(&format!("({syl})")) }
            }
        }
        let c = clean(&s);
        check_map(&s, &c)?;
        prop_assert_eq!(c.text.iter().collect::<String>(), bare);
        prop_assert_eq!(c.pinyin_removed, annotated);
        prop_assert_eq!(c.annotations_removed, 0);
        prop_assert!(c.chrome_removed.is_empty());
    }

    /// Lines of Han text without brackets, Latin or chrome labels come through unchanged.
    #[test]
    fn plain_han_lines_are_unchanged(lines in prop::collection::vec("[一-龥]{1,30}", 0..10)) {
        let s = lines.join("\n");
        let c = clean(&s);
        check_map(&s, &c)?;
        // Only a line made of chrome widget words could go; generated lines rarely are, and a
        // dropped line must be recorded.
        if c.chrome_removed.is_empty() {
            prop_assert_eq!(c.text.iter().collect::<String>(), s);
        }
        prop_assert_eq!(c.pinyin_removed + c.annotations_removed, 0);
    }
}

/// Pieces of a plan: markers of every family, target phrasings, pinyin, full-width forms, table
/// cells, line breaks. Put together at random they make documents of every shape.
fn plan_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("一、".to_string()),
        Just("（二）".to_string()),
        Just("(三)".to_string()),
        Just("1、".to_string()),
        Just("２．".to_string()),
        Just("(1)".to_string()),
        Just("①".to_string()),
        Just("一是".to_string()),
        Just("——".to_string()),
        Just("\n".to_string()),
        Just("。".to_string()),
        Just("，".to_string()),
        Just(" | ".to_string()),
        Just("序号 | 工作任务 | 牵头单位 | 完成时限 |\n".to_string()),
        Just("區(qū)".to_string()),
        Just("達(dá)到".to_string()),
        Just("入园率达到".to_string()),
        Just("以上".to_string()),
        Just("新建幼儿园".to_string()),
        Just("所".to_string()),
        Just("其中".to_string()),
        Just("到2025年".to_string()),
        Just("6月底前".to_string()),
        Just("（责任科室：人事科）".to_string()),
        Just("全覆盖".to_string()),
        "[0-9]{1,4}(\\.[0-9])?%?".prop_map(|s| s),
        "[一-龥]{1,8}".prop_map(|s| s),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Whatever the document, every offset lies inside the original, and the original text at a
    /// target's span, cleaned, is the target's text.
    #[test]
    fn pipeline_spans_point_into_the_original(pieces in prop::collection::vec(plan_piece(), 0..60)) {
        let doc: String = pieces.concat();
        let chars: Vec<char> = doc.chars().collect();
        let source = duban_core::plan::SourceInfo {
            file: "p.txt".into(),
            format: duban_core::plan::SourceFormat::Txt,
            encoding: "UTF-8".into(),
            script: duban_core::plan::Script::Simplified,
        };
        let plan = duban_plan::import_text(&doc, source, &duban_plan::ImportOptions::default());
        for n in plan.walk_nodes() {
            prop_assert!(n.start <= n.title_end && n.title_end <= n.end && n.end <= chars.len(), "{n:?}");
        }
        for t in &plan.targets {
            prop_assert!(t.start <= t.end && t.end <= chars.len(), "{t:?}");
            let span: String = chars[t.start..t.end].iter().collect();
            let cleaned: String = clean(&span).text.iter().collect();
            prop_assert_eq!(cleaned, t.text.clone());
        }
        for d in &plan.drafts {
            prop_assert!(d.start <= d.end && d.end <= chars.len(), "{d:?}");
            prop_assert!(d.targets.iter().all(|&k| k < plan.targets.len()));
        }
    }
}
