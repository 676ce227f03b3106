//! Charts as inline SVG rendered on the server (no script, no library): horizontal bars with
//! Chinese labels and an optional target line. Every label is escaped here, since the SVG is
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
}
