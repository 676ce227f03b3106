//! Web-page chrome lines: publication stamps, reposting disclaimers, page numbers and the panels
//! of document-sharing sites.
//!
//! [`is_chrome`] judges one line of the normalised text (annotations removed, width folded,
//! simplified). Every rule is conservative: it either needs the line to *start* with a chrome
//! label, or needs the whole (short) line to have a chrome shape; and no line longer than 200
//! non-space characters is ever dropped (it may be a whole flattened page). Real plan content
//! does not have those shapes, so a plan line is not dropped.

/// Labels that make a line chrome whatever follows (`发布时间:…` may carry a whole header on one
/// line: `发布时间:2024-03-28 09:33信息来源: …阅读次数:…字体:【`).
const STRONG_LABELS: &[&str] = &[
    "发布时间",
    "发布日期",
    "发表时间",
    "发表日期",
    "更新时间",
    "更新日期",
    "上传时间",
    "上传日期",
    "导语",
    "浏览次数",
    "阅读次数",
    "点击次数",
    "点击数",
    "点击量",
    "浏览量",
    "阅读量",
    "访问量",
    "访问次数",
    "字体",
    "字号",
    "信息来源",
    "文章来源",
    "稿件来源",
    "责任编辑",
    "上一篇",
    "下一篇",
    "上一条",
    "下一条",
    "当前位置",
    "您的位置",
    "你的位置",
    "您现在的位置",
    "你现在的位置",
    "所在位置",
];

/// Labels that make a line chrome only when the line is short.
const SHORT_LABELS: &[&str] = &["来源", "作者", "编辑", "栏目", "录入", "供稿", "摄影"];

/// Labels followed by a timestamp (`时间:2022-09-08 08:27:51`): chrome when only a stamp (and
/// perhaps further chrome labels) follows.
const STAMP_LABELS: &[&str] = &["时间", "日期"];

/// Document-site panel labels with a typed value (`- 格式:doc`, `- 大小:33.00 KB`, `- 文档页数:3`).
const PANEL_LABELS: &[&str] = &[
    "格式",
    "大小",
    "文档页数",
    "页数",
    "下载次数",
    "浏览次数",
    "下载积分",
];

/// Phrases of reposting disclaimers and site notices.
const DISCLAIMERS: &[&str] = &[
    "不代表本站观点",
    "不代表本网观点",
    "不代表本站立场",
    "不代表本网立场",
    "版权归原作者",
    "版权归作者所有",
    "版权归原创作者",
    "转载请注明",
    "转载请联系",
    "未经授权不得转载",
    "未经许可不得转载",
    "本文来源于网友上传",
    "来源于网友上传",
    "来自网友上传",
    "由网友上传",
    "如有侵权",
    "侵权请联系",
    "请联系删除",
    "联系我们删除",
    "本站仅提供信息存储",
    "本站仅提供存储",
    "本站不拥有",
    "评论功能已关闭",
    "下载后查看",
    "此处隐藏",
];

/// Whole lines that are site widgets (compared with spaces removed).
const WIDGETS: &[&str] = &[
    "VIP专免",
    "VIP免费",
    "VIP专享",
    "VIP文档",
    "海报",
    "侵权投诉",
    "举报",
    "收藏",
    "分享",
    "分享到:",
    "下载",
    "立即下载",
    "免费下载",
    "点击下载",
    "下载文档",
    "打印",
    "打印本页",
    "关闭",
    "关闭窗口",
    "【打印】【关闭】",
    "【打印本页】【关闭窗口】",
    "[打印][关闭]",
    "【关闭窗口】",
    "【打印本页】",
    "返回顶部",
    "返回首页",
    "登录注册",
    "登录|注册",
    "扫一扫",
    "扫码分享",
    "相关文章",
    "相关推荐",
    "猜你喜欢",
    "热门推荐",
    "阅读全文",
    "展开全文",
    "加入收藏",
    "全文阅读",
];

/// Longest line (in non-space characters) that a short-line rule applies to.
const SHORT_LINE: usize = 60;
/// Longest line that any rule applies to (labels and disclaimers).
const LONG_LINE: usize = 200;

/// Whether a line (in normalised form, without its newline) is page chrome.
pub fn is_chrome(line: &[char]) -> bool {
    // Compact form: no spaces or invisible marks, so that `发 布 时 间 :` and `- 1 -` compare
    // like their tight forms.
    let mut compact = String::with_capacity(line.len() * 3);
    let mut n = 0usize;
    for &c in line {
        if !c.is_whitespace() && !matches!(c, '\u{200B}' | '\u{200C}' | '\u{FEFF}') {
            compact.push(c);
            n += 1;
        }
    }
    if n == 0 {
        return false;
    }
    if n > LONG_LINE {
        // A long line may be a whole flattened page that merely starts with a chrome header:
        // keep it rather than lose the plan.
        return false;
    }
    let body = strip_decoration(&compact);
    if after_label(body, STRONG_LABELS).is_some() {
        return true;
    }
    if DISCLAIMERS.iter().any(|d| compact.contains(d)) {
        return true;
    }
    if n > 80 {
        return false;
    }
    if compact.contains("查看更多") && (compact.contains(">>") || compact.contains("返回")) {
        return true;
    }
    if n > SHORT_LINE {
        return false;
    }
    if after_label(body, SHORT_LABELS).is_some() {
        return true;
    }
    if let Some(rest) = after_label(body, STAMP_LABELS) {
        return stamp_then_chrome(rest);
    }
    if body.starts_with("网友评论") || body.starts_with("发表评论") {
        return true;
    }
    if WIDGETS.contains(&compact.as_str()) {
        return true;
    }
    if n > 30 {
        return false;
    }
    if let Some(rest) = after_label(body, PANEL_LABELS) {
        return is_panel_value(rest);
    }
    let chars: Vec<char> = compact.chars().collect();
    is_page_number(&chars) || is_file_size(&chars) || is_counter(&chars) || is_bare_stamp(&chars)
}

/// Drops leading list bullets and brackets (`- 格式:doc`, `【文章来源:】`, `• 大小:`).
fn strip_decoration(s: &str) -> &str {
    s.trim_start_matches(['-', '•', '·', '*', '【', '[', '■', '●', '◆', '|', '>', '»'])
}

/// If `s` starts with one of `labels` followed by a colon (or a closing `】`/`]`), the rest.
fn after_label<'a>(s: &'a str, labels: &[&str]) -> Option<&'a str> {
    for label in labels {
        let Some(rest) = s.strip_prefix(label) else {
            continue;
        };
        let Some(rest) = rest.strip_prefix([':', '】', ']', '：']) else {
            continue;
        };
        // `【发布时间】:` and `文章来源:】` forms: skip one more bracket or colon.
        return Some(rest.strip_prefix([':', '】', ']']).unwrap_or(rest));
    }
    None
}

/// Whether `rest` is a timestamp, optionally followed by further chrome labels.
fn stamp_then_chrome(rest: &str) -> bool {
    let tail = rest.trim_start_matches(is_stamp_char);
    let stamp = &rest[..rest.len() - tail.len()];
    if stamp.chars().filter(char::is_ascii_digit).count() < 4 {
        return false;
    }
    let tail = strip_decoration(tail);
    tail.is_empty()
        || after_label(tail, STRONG_LABELS).is_some()
        || after_label(tail, SHORT_LABELS).is_some()
}

/// A character of a date or time stamp.
fn is_stamp_char(c: char) -> bool {
    c.is_ascii_digit()
        || matches!(
            c,
            '-' | '/' | '.' | ':' | '年' | '月' | '日' | '时' | '分' | '秒' | '】' | ']'
        )
}

/// The value of a document-site panel line (`doc`, `33.00KB`, `3`).
fn is_panel_value(rest: &str) -> bool {
    if rest.is_empty() {
        return false;
    }
    let chars: Vec<char> = rest.chars().collect();
    let ascii_word = chars.len() <= 6 && chars.iter().all(char::is_ascii_alphanumeric);
    ascii_word || is_file_size(&chars) || chars.iter().all(|c| c.is_ascii_digit() || *c == '页')
}

/// `- 1 -`, `—1—`, `第1页`, `第1页共3页`, `共3页`, `第1页/共3页` (spaces already removed).
fn is_page_number(s: &[char]) -> bool {
    let dash = |c: char| matches!(c, '-' | '—' | '–' | '－' | '_' | '―');
    // Dash-enclosed number.
    let lead = s.iter().take_while(|&&c| dash(c)).count();
    let trail = s.iter().rev().take_while(|&&c| dash(c)).count();
    if lead > 0 && trail > 0 && lead + trail < s.len() {
        let mid = &s[lead..s.len() - trail];
        if !mid.is_empty() && mid.len() <= 4 && mid.iter().all(|c| c.is_ascii_digit()) {
            return true;
        }
    }
    // 第N页 / 共N页 sequences.
    let mut i = 0;
    let mut parts = 0;
    while i < s.len() {
        if matches!(s[i], '/' | ',' | '、') && parts > 0 {
            i += 1;
            continue;
        }
        if !matches!(s[i], '第' | '共') {
            return false;
        }
        i += 1;
        let d = s[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        if d == 0 || d > 4 {
            return false;
        }
        i += d;
        if s.get(i) != Some(&'页') {
            return false;
        }
        i += 1;
        parts += 1;
    }
    parts > 0
}

/// `29.51KB`, `33.00KB`, `1.2M`.
fn is_file_size(s: &[char]) -> bool {
    let d = s
        .iter()
        .take_while(|c| c.is_ascii_digit() || **c == '.')
        .count();
    if d == 0 || !s[0].is_ascii_digit() {
        return false;
    }
    let unit: String = s[d..].iter().collect::<String>().to_ascii_uppercase();
    matches!(
        unit.as_str(),
        "KB" | "MB" | "GB" | "K" | "M" | "B" | "BYTES"
    )
}

/// `999+` (a view counter) or `24页` (a page count) alone.
fn is_counter(s: &[char]) -> bool {
    let d = s.iter().take_while(|c| c.is_ascii_digit()).count();
    d > 0 && d == s.len() - 1 && matches!(s[d], '+' | '页')
}

/// A date stamp alone: `2024-06-03`, `2022-05-10 09:01:26`, `2024/6/3`, `[05-10 09:01:26]`.
fn is_bare_stamp(s: &[char]) -> bool {
    let s = match (s.first(), s.last()) {
        (Some('[' | '【'), Some(']' | '】')) if s.len() >= 2 => &s[1..s.len() - 1],
        _ => s,
    };
    if s.is_empty()
        || !s
            .iter()
            .all(|&c| c.is_ascii_digit() || matches!(c, '-' | '/' | ':' | '.'))
    {
        return false;
    }
    // Split on separators: a date has 3 numeric groups with - or /; a time adds `:` groups.
    let seps_date = s.iter().filter(|&&c| c == '-' || c == '/').count();
    let seps_time = s.iter().filter(|&&c| c == ':').count();
    let dots = s.iter().filter(|&&c| c == '.').count();
    let groups = s
        .split(|c| !c.is_ascii_digit())
        .filter(|g| !g.is_empty())
        .count();
    let starts_year = s.iter().take_while(|c| c.is_ascii_digit()).count() == 4;
    (seps_date == 2 && dots == 0 && starts_year && (groups == 3 + seps_time) && seps_time <= 2)
        || (seps_date == 1 && seps_time >= 1 && !starts_year && groups == 2 + seps_time)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chrome(s: &str) -> bool {
        is_chrome(&s.chars().collect::<Vec<_>>())
    }

    #[test]
    fn labelled_stamps() {
        assert!(chrome("时间:2022-09-08 08:27:51"));
        assert!(chrome("时间: 2022-03-27 06:47:00"));
        assert!(chrome(
            "发布时间:2024-03-28 09:33信息来源: 芜湖市某局阅读次数:编辑:某人 字体:【"
        ));
        assert!(chrome("浏览次数:  更新时间:2018-02-10 20:36:57"));
        assert!(chrome("更新时间:2018-02-10"));
        assert!(chrome("来源:某市人民政府办公室  发布日期:2018-06-08 11:34"));
        assert!(chrome(
            "【文章来源:】 【作者:某园区】 【发布时间:2015-03-13】 【点击量:"
        ));
        assert!(chrome("栏目:政策文件 发布时间:2018-12-08"));
        assert!(chrome("导语:某某工作意见一文来源于网友上传,欢迎参考。"));
        assert!(chrome("字号:大 中 小"));
        assert!(chrome("时间:2022-09-08 来源:本站"));
        assert!(chrome("当前位置: 首页  >  范文  >  计划"));
        assert!(chrome("上一篇:2018年某某工作方案"));
        assert!(chrome("下一篇:全县2018年某某方案"));
    }

    #[test]
    fn plan_lines_with_labels_stay() {
        assert!(!chrome("时间:2024年3月至6月,各校完成自查。"));
        assert!(!chrome("时间安排:2024年3月"));
        assert!(!chrome("(一)时间:2024年"));
        assert!(!chrome("资金来源:市财政安排专项资金"));
        assert!(!chrome("一、发布时间表"));
        assert!(!chrome("字体字号统一"));
        let long_source = format!("来源:{}", "各级财政投入和社会捐助".repeat(8));
        assert!(!chrome(&long_source));
        // A flattened page that starts with its header keeps everything.
        let flattened = format!(
            "发布时间:2024-03-28 09:33 一、总体要求 {}",
            "加强党的建设".repeat(40)
        );
        assert!(!chrome(&flattened));
    }

    #[test]
    fn disclaimers() {
        assert!(chrome(
            "本文来源于网友上传,不代表本站观点,如有侵权请联系删除。"
        ));
        assert!(chrome("版权归原作者所有"));
        assert!(chrome("转载请注明出处"));
        assert!(chrome("评论功能已关闭"));
        assert!(chrome("---此处隐藏1234字,下载后查看---"));
        assert!(!chrome(&format!(
            "加强版权保护,{}",
            "推进依法治校".repeat(40)
        )));
    }

    #[test]
    fn page_numbers() {
        assert!(chrome("- 1 -"));
        assert!(chrome("—1—"));
        assert!(chrome("— 12 —"));
        assert!(chrome("第1页"));
        assert!(chrome("第 1 页 共 3 页"));
        assert!(chrome("第1页/共3页"));
        assert!(chrome("共3页"));
        assert!(!chrome("第1页码"));
        assert!(!chrome("第一章"));
        assert!(!chrome("1、加强管理"));
        assert!(!chrome("-"));
        assert!(!chrome("——"));
        assert!(!chrome("2017-2020"));
    }

    #[test]
    fn document_site_panels() {
        assert!(chrome("- 格式:doc"));
        assert!(chrome("- 大小:33.00 KB"));
        assert!(chrome("- 文档页数:3"));
        assert!(chrome("VIP专免"));
        assert!(chrome("29.51KB"));
        assert!(chrome("999+"));
        assert!(chrome("24 页"));
        assert!(chrome("海报"));
        assert!(chrome("侵权投诉"));
        assert!(chrome("2024-06-03"));
        assert!(chrome("2022-05-10 09:01:26"));
        assert!(chrome("[05-10 09:01:26]"));
        assert!(chrome("网友评论《某某工作思路》"));
        assert!(chrome("2011年某某计划要点 >>查看更多【返回 某某栏目列表】"));
        assert!(!chrome("格式:统一使用学校公文模板,报送教育局办公室。"));
        assert!(!chrome("大小:"));
    }

    #[test]
    fn plain_content_stays() {
        for s in [
            "",
            "   ",
            "一、指导思想",
            "1、努力实现高水平的教育现代化。",
            "2024327",
            "(此件主动公开)",
            "2018年5月31日",
            "(2017-2020年)",
            "80 |",
            "2",
            "24",
            "2016",
            "年教育局工作要点",
            "0551-64652805",
            "分享经验,共同提高。",
            "收藏家协会",
        ] {
            assert!(!chrome(s), "{s}");
        }
    }
}
