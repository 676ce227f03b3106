//! Physical and logical lines of the cleaned text.
//!
//! Text copied out of PDFs and Word files carries hard line breaks inside words (`成\n立`,
//! `2016\n年`). A break is *soft* when it only wraps a line: the line before it is as long as
//! the document's wrap width and does not end a sentence, or it splits a number from its `年`.
//! Soft breaks neither start nor end outline nodes or titles.

/// Lines of a text, with the soft/hard status of each line break.
#[derive(Debug, Clone)]
pub struct Lines {
    /// `(start, end)` of each physical line; `end` excludes the line break.
    pub spans: Vec<(usize, usize)>,
    /// `soft[k]` is true when the break after line `k` only wraps the text.
    pub soft: Vec<bool>,
    /// For each char index, the index of its physical line.
    line_of: Vec<u32>,
}

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\u{3000}' | '\u{a0}' | '\r')
}

/// Chars that may end a sentence or a heading's line.
pub fn is_terminator(c: char) -> bool {
    matches!(
        c,
        '。' | ';' | '；' | ':' | '：' | '!' | '！' | '?' | '？' | '”' | ')' | '）' | '|' | '》'
    )
}

fn display_width(chars: &[char]) -> f32 {
    chars
        .iter()
        .map(|c| if c.is_ascii() { 0.5 } else { 1.0 })
        .sum()
}

impl Lines {
    /// Splits `norm` into lines and decides which breaks are soft.
    pub fn new(norm: &[char]) -> Self {
        let mut spans = Vec::new();
        let mut line_of = Vec::with_capacity(norm.len() + 1);
        let mut start = 0;
        for (i, &c) in norm.iter().enumerate() {
            line_of.push(spans.len() as u32);
            if c == '\n' {
                spans.push((start, i));
                start = i + 1;
            }
        }
        spans.push((start, norm.len()));
        line_of.push((spans.len() - 1) as u32);

        let trimmed: Vec<&[char]> = spans
            .iter()
            .map(|&(s, e)| {
                let line = &norm[s..e];
                let a = line
                    .iter()
                    .position(|&c| !is_space(c))
                    .unwrap_or(line.len());
                let b = line
                    .iter()
                    .rposition(|&c| !is_space(c))
                    .map_or(a, |p| p + 1);
                &line[a..b.max(a)]
            })
            .collect();
        let widths: Vec<f32> = trimmed.iter().map(|l| display_width(l)).collect();
        let long: Vec<usize> = (0..trimmed.len()).filter(|&k| widths[k] >= 12.0).collect();
        let unterminated = long
            .iter()
            .filter(|&&k| trimmed[k].last().is_some_and(|&c| !is_terminator(c)))
            .count();
        let hard_wrapped = long.len() >= 4 && unterminated * 5 >= long.len() * 2;
        let mut sorted: Vec<f32> = long.iter().map(|&k| widths[k]).collect();
        sorted.sort_by(|a, b| a.total_cmp(b));
        let wrap = sorted.get(sorted.len() * 3 / 4).copied().unwrap_or(0.0);

        let mut soft = vec![false; spans.len()];
        for k in 0..spans.len().saturating_sub(1) {
            let line = trimmed[k];
            let next = trimmed[k + 1];
            let (Some(&last), Some(&first)) = (line.last(), next.first()) else {
                continue;
            };
            // `2016\n年`: a number cut from its measure word.
            if last.is_ascii_digit()
                && line.iter().all(|c| c.is_ascii_digit())
                && matches!(first, '年' | '月' | '日' | '%')
            {
                soft[k] = true;
                continue;
            }
            // A number cut from the words before it (`…入园率达到\n95%以上`): the next line opens
            // with digits that are no list marker.
            if !is_terminator(last)
                && first.is_ascii_digit()
                && widths[k] >= 12.0
                && super::markers::candidate_at(next, 0).is_none()
            {
                soft[k] = true;
                continue;
            }
            if hard_wrapped
                && !is_terminator(last)
                && widths[k] >= wrap * 0.85
                && widths[k] >= 12.0
                && !matches!(first, '—' | '|')
            {
                soft[k] = true;
            }
        }
        Lines {
            spans,
            soft,
            line_of,
        }
    }

    /// Positions of the soft line breaks, ascending.
    pub fn soft_break_positions(&self) -> Vec<usize> {
        self.spans
            .iter()
            .zip(&self.soft)
            .filter(|(_, soft)| **soft)
            .map(|((_, e), _)| *e)
            .collect()
    }

    /// The physical line holding char `i`.
    pub fn line_index(&self, i: usize) -> usize {
        self.line_of.get(i).copied().unwrap_or(0) as usize
    }

    /// True when `i` is the first non-space char of a line that follows a hard break.
    pub fn at_line_start(&self, norm: &[char], i: usize) -> bool {
        let k = self.line_index(i);
        let (s, _) = self.spans[k];
        if k > 0 && self.soft[k - 1] {
            return false;
        }
        norm[s..i].iter().all(|&c| is_space(c))
    }

    /// End (exclusive, before the break) of the logical line holding `i`, following soft breaks.
    pub fn logical_line_end(&self, i: usize) -> usize {
        let mut k = self.line_index(i);
        while k + 1 < self.spans.len() && self.soft[k] {
            k += 1;
        }
        self.spans[k].1
    }

    /// True when a hard line break lies in `[from, to)`.
    pub fn hard_break_between(&self, from: usize, to: usize) -> bool {
        if to <= from {
            return false;
        }
        let a = self.line_index(from);
        let b = self.line_index(to.saturating_sub(1).max(from));
        (a..b).any(|k| !self.soft[k])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn a_year_cut_from_its_character_is_joined() {
        let t = chars("2016\n年教育局工作要点\n一、总体要求");
        let l = Lines::new(&t);
        assert!(l.soft[0]);
        assert!(!l.soft[1]);
        assert!(!l.at_line_start(&t, 5));
    }

    #[test]
    fn hard_wrapped_paragraphs_join_but_headings_do_not() {
        let t = chars(
            "一、建设教育中心\n1.推进区域教育中心建设。围绕加快实现发展愿景,成\n立市县两级区域教育中心建设推进专班,制定实施方案,明确年\n度建设目标和重点任务,实施清单管理。健全区域教育中心协\n调推进机制,建立统筹决策分工落实督查督办总结推广的推\n进体系。\n2.深入实施",
        );
        let l = Lines::new(&t);
        assert!(!l.soft[0], "a short heading line ends at its break");
        assert!(l.soft[1] && l.soft[2] && l.soft[3] && l.soft[4]);
        assert!(!l.soft[5]);
    }
}
