//! Charts as inline SVG rendered on the server (no script, no library): horizontal bars with
//! Chinese labels and an optional target line, or stacked bars of counts with a legend. Every label is escaped here, since the SVG is
//! inserted into the page as markup.

use std::fmt::Write;

/// Escapes text for SVG/HTML content and attributes.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A horizontal bar chart of percentages (0–100): one bar per `(label, value)`, a dashed
/// vertical line at `target` when given. `None` values draw no bar and say 无数据.
pub fn percent_bars(title: &str, items: &[(String, Option<f64>)], target: Option<f64>) -> String {
    const LABEL_W: f64 = 150.0;
    const BAR_W: f64 = 300.0;
    const ROW_H: f64 = 22.0;
    const TOP: f64 = 28.0;
    let height = TOP + ROW_H * items.len() as f64 + 10.0;
    let width = LABEL_W + BAR_W + 60.0;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" aria-label="{t}" class="chart"><text x="0" y="16" font-size="14" font-weight="bold">{t}</text>"#,
        t = escape(title)
    );
    for (i, (label, value)) in items.iter().enumerate() {
        let y = TOP + ROW_H * i as f64;
        let shown: String = label.chars().take(10).collect();
        let _ = write!(
            svg,
            r#"<text x="{x}" y="{ty}" font-size="12" text-anchor="end">{l}</text>"#,
            x = LABEL_W - 6.0,
            ty = y + 14.0,
            l = escape(&shown)
        );
        match value {
            Some(v) => {
                let v = v.clamp(0.0, 100.0);
                let w = BAR_W * v / 100.0;
                let fill = match target {
                    Some(t) if v < t => "#c8281e",
                    _ => "#2c8a3d",
                };
                let _ = write!(
                    svg,
                    r#"<rect x="{LABEL_W}" y="{ry}" width="{w:.1}" height="14" fill="{fill}"/><text x="{tx:.1}" y="{ty}" font-size="11">{v}%</text>"#,
                    ry = y + 3.0,
                    tx = LABEL_W + w + 4.0,
                    ty = y + 14.0,
                    v = duban_core::tasks::format_number(v)
                );
            }
            None => {
                let _ = write!(
                    svg,
                    r##"<text x="{LABEL_W}" y="{ty}" font-size="11" fill="#646a73">无数据</text>"##,
                    ty = y + 14.0
                );
            }
        }
    }
    if let Some(t) = target {
        let x = LABEL_W + BAR_W * t.clamp(0.0, 100.0) / 100.0;
        let _ = write!(
            svg,
            r##"<line x1="{x:.1}" y1="{TOP}" x2="{x:.1}" y2="{y2}" stroke="#1f2329" stroke-dasharray="4 3"/><text x="{x:.1}" y="{ly}" font-size="10" text-anchor="middle">目标{t}%</text>"##,
            y2 = height - 6.0,
            ly = TOP - 3.0,
            t = duban_core::tasks::format_number(t)
        );
    }
    svg.push_str("</svg>");
    svg
}

/// A horizontal stacked bar chart of counts: one bar per `(label, counts)`, made of one segment
/// per series (`(name, colour)`, in the order of `series`, which the legend repeats), scaled to
/// the largest total and followed by that total. Without items it says 无数据.
pub fn stacked_counts(
    title: &str,
    series: &[(&str, &str)],
    items: &[(String, Vec<usize>)],
) -> String {
    const LABEL_W: f64 = 150.0;
    const BAR_W: f64 = 300.0;
    const ROW_H: f64 = 22.0;
    const TOP: f64 = 46.0;
    let rows = items.len().max(1);
    let height = TOP + ROW_H * rows as f64 + 10.0;
    let width = LABEL_W + BAR_W + 60.0;
    let largest = items
        .iter()
        .map(|(_, counts)| counts.iter().sum::<usize>())
        .max()
        .unwrap_or(0)
        .max(1);
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" aria-label="{t}" class="chart"><text x="0" y="16" font-size="14" font-weight="bold">{t}</text>"#,
        t = escape(title)
    );
    let mut x = 0.0;
    for (name, colour) in series {
        let _ = write!(
            svg,
            r#"<rect x="{x:.1}" y="24" width="10" height="10" fill="{c}"/><text x="{tx:.1}" y="33" font-size="11">{n}</text>"#,
            c = escape(colour),
            tx = x + 14.0,
            n = escape(name)
        );
        x += 14.0 + 12.0 * name.chars().count() as f64 + 12.0;
    }
    if items.is_empty() {
        let _ = write!(
            svg,
            r##"<text x="{LABEL_W}" y="{ty}" font-size="11" fill="#646a73">无数据</text>"##,
            ty = TOP + 14.0
        );
    }
    for (i, (label, counts)) in items.iter().enumerate() {
        let y = TOP + ROW_H * i as f64;
        let shown: String = label.chars().take(10).collect();
        let _ = write!(
            svg,
            r#"<text x="{x}" y="{ty}" font-size="12" text-anchor="end">{l}</text>"#,
            x = LABEL_W - 6.0,
            ty = y + 14.0,
            l = escape(&shown)
        );
        let mut left = LABEL_W;
        for ((name, colour), &n) in series.iter().zip(counts) {
            if n == 0 {
                continue;
            }
            let w = BAR_W * n as f64 / largest as f64;
            let _ = write!(
                svg,
                r#"<rect x="{left:.1}" y="{ry}" width="{w:.1}" height="14" fill="{c}"><title>{l}：{n_label}{n}件</title></rect>"#,
                ry = y + 3.0,
                c = escape(colour),
                l = escape(label),
                n_label = escape(name),
            );
            left += w;
        }
        let _ = write!(
            svg,
            r#"<text x="{tx:.1}" y="{ty}" font-size="11">{total}</text>"#,
            tx = left + 4.0,
            ty = y + 14.0,
            total = counts.iter().sum::<usize>()
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_escaped_and_bars_scale_to_the_value() {
        let svg = percent_bars(
            "办结率",
            &[
                ("<script>科".into(), Some(50.0)),
                ("基础教育科".into(), None),
            ],
            Some(90.0),
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(!svg.contains("<script>"));
        assert!(svg.contains("&lt;script&gt;科"));
        assert!(svg.contains(r#"width="150.0""#), "{svg}");
        assert!(svg.contains("无数据"));
        assert!(svg.contains("目标90%"));
        assert!(svg.contains("#c8281e"), "below target is red");
    }

    #[test]
    fn stacked_counts_scale_to_the_largest_total_with_a_legend_and_escaped_labels() {
        let series = [("蓝色提醒", "#1d5fbf"), ("红色督办", "#b3261e")];
        let svg = stacked_counts(
            "督办单",
            &series,
            &[("2026年3月".into(), vec![1, 3]), ("<b>".into(), vec![2, 0])],
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains(">蓝色提醒</text>") && svg.contains(">红色督办</text>"));
        // The largest total (4) fills the bar: 1 → 75, 3 → 225; 2 → 150; no empty segment.
        assert!(svg.contains(r#"x="150.0" y="49" width="75.0""#), "{svg}");
        assert!(svg.contains(r#"x="225.0" y="49" width="225.0""#), "{svg}");
        assert!(svg.contains(r#"x="150.0" y="71" width="150.0""#), "{svg}");
        assert_eq!(svg.matches("<title>").count(), 3);
        assert!(svg.contains("<title>2026年3月：红色督办3件</title>"));
        assert!(svg.contains("&lt;b&gt;") && !svg.contains("<b>"));
        assert!(stacked_counts("督办单", &series, &[]).contains("无数据"));
    }
}
