//! CSV/TSV → table text. Owns RFC 4180 parsing (quoted fields, doubled quotes, line breaks
//! inside quotes, CRLF/LF/CR records) and delimiter detection (`,` `;` or tab, or Excel's
//! `sep=` first line); the bytes are decoded by `decode` first, so any supported encoding works.
//!
//! It must stay lenient — exports from office software are often slightly off — without eating
//! the file: an opening quote that never closes is read as a literal quote character instead of
//! swallowing every following line into one cell.

use crate::ImportError;

use super::table;
use super::{MAX_CELLS, MAX_ROWS, bad_container, too_large};

/// Parses `text` as CSV (or TSV when `tab` is set) and renders it as table lines.
pub(crate) fn render(text: &str, tab: bool) -> Result<String, ImportError> {
    let (delimiter, body) = if tab {
        ('\t', text)
    } else {
        detect_delimiter(text)
    };
    let records = parse(body, delimiter)?;
    let mut lines = Vec::new();
    for record in &records {
        if let Some(line) = table::render_plain_row(record) {
            lines.push(line);
        }
    }
    Ok(lines.join("\n"))
}

/// Picks the delimiter and strips an Excel `sep=X` hint line if there is one.
fn detect_delimiter(text: &str) -> (char, &str) {
    if let Some(rest) = text.strip_prefix("sep=") {
        let mut chars = rest.chars();
        if let Some(d) = chars.next()
            && matches!(d, ',' | ';' | '\t' | '|')
        {
            let after = chars.as_str();
            let body = after
                .strip_prefix("\r\n")
                .or_else(|| after.strip_prefix('\n'))
                .or_else(|| after.strip_prefix('\r'))
                .unwrap_or(after);
            return (d, body);
        }
    }
    // Score each candidate on the first records: how many have the most common field count
    // (above one). Consistency beats frequency: a comma inside sentences is not a delimiter.
    let sample: String = text.chars().take(16 * 1024).collect();
    let mut best = (',', 0usize, 0usize);
    for delimiter in [',', '\t', ';'] {
        let Ok(records) = parse_records(&sample, delimiter, usize::MAX, 20) else {
            continue;
        };
        let mut counts: Vec<usize> = records.iter().map(Vec::len).filter(|&n| n > 1).collect();
        counts.sort_unstable();
        let mode = mode(&counts);
        let consistent = records
            .iter()
            .filter(|r| r.len() == mode && mode > 1)
            .count();
        if (consistent, mode) > (best.1, best.2) {
            best = (delimiter, consistent, mode);
        }
    }
    (best.0, text)
}

fn mode(sorted: &[usize]) -> usize {
    let (mut best, mut best_run, mut run) = (0, 0, 0);
    for (i, &n) in sorted.iter().enumerate() {
        run = if i > 0 && sorted[i - 1] == n {
            run + 1
        } else {
            1
        };
        if run > best_run {
            best_run = run;
            best = n;
        }
    }
    best
}

/// Parses the whole text; an unterminated quote is retried as a literal quote.
fn parse(text: &str, delimiter: char) -> Result<Vec<Vec<String>>, ImportError> {
    match parse_records(text, delimiter, usize::MAX, usize::MAX) {
        Ok(records) => Ok(records),
        // Quotes before `at` all closed, so the retry cannot fail again.
        Err(Unterminated(at)) => parse_records(text, delimiter, at, usize::MAX)
            .map_err(|_| bad_container("csv", "引号无法配对".to_string())),
    }
    .and_then(|records| {
        let cells: usize = records.iter().map(Vec::len).sum();
        if records.len() > MAX_ROWS || cells > MAX_CELLS {
            Err(too_large("csv"))
        } else {
            Ok(records)
        }
    })
}

/// An opening quote at this byte offset never closes.
#[derive(Debug)]
struct Unterminated(usize);

/// The RFC 4180 state machine. Quotes at byte offsets `>= literal_quotes_from` are ordinary
/// characters; parsing stops after `max_records` records.
fn parse_records(
    text: &str,
    delimiter: char,
    literal_quotes_from: usize,
    max_records: usize,
) -> Result<Vec<Vec<String>>, Unterminated> {
    let mut records: Vec<Vec<String>> = Vec::new();
    let mut record: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut chars = text.char_indices().peekable();
    // Whether the current field has started (so a quote is no longer at its start).
    let mut field_started = false;
    let mut cells = 0usize;
    while let Some((at, c)) = chars.next() {
        if c == '"' && !field_started && at < literal_quotes_from {
            field_started = true;
            loop {
                match chars.next() {
                    Some((_, '"')) => {
                        if chars.peek().is_some_and(|&(_, n)| n == '"') {
                            chars.next();
                            field.push('"');
                        } else {
                            break;
                        }
                    }
                    Some((_, q)) => field.push(q),
                    None => return Err(Unterminated(at)),
                }
            }
            continue;
        }
        if c == delimiter {
            record.push(std::mem::take(&mut field));
            field_started = false;
            continue;
        }
        if c == '\n' || c == '\r' {
            if c == '\r' && chars.peek().is_some_and(|&(_, n)| n == '\n') {
                chars.next();
            }
            record.push(std::mem::take(&mut field));
            field_started = false;
            cells += record.len();
            records.push(std::mem::take(&mut record));
            if records.len() >= max_records || records.len() > MAX_ROWS || cells > MAX_CELLS {
                return Ok(records);
            }
            continue;
        }
        field_started = true;
        field.push(c);
    }
    if field_started || !field.is_empty() || !record.is_empty() {
        record.push(field);
        records.push(record);
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    #[test]
    fn parses_quotes_doubled_quotes_and_newlines_in_quotes() {
        let text = "序号,任务\r\n1,\"加强\"\"三支队伍\"\"建设\n（续）\"\r\n2,完成";
        assert_eq!(
            render(text, false).unwrap(),
            "序号 | 任务 |\n1 | 加强\"三支队伍\"建设 （续） |\n2 | 完成 |"
        );
    }

    #[test]
    fn detects_semicolons_and_tabs() {
        assert_eq!(
            render("a;b;c\n1;2,5;3\n", false).unwrap(),
            "a | b | c |\n1 | 2,5 | 3 |"
        );
        assert_eq!(render("a\tb\n1\t2\n", false).unwrap(), "a | b |\n1 | 2 |");
    }

    #[test]
    fn honours_an_excel_sep_line() {
        assert_eq!(render("sep=;\r\na;b,c\r\n", false).unwrap(), "a | b,c |");
    }

    #[test]
    fn an_unterminated_quote_is_a_literal() {
        assert_eq!(render("a,\"b\nc,d\n", false).unwrap(), "a | \"b |\nc | d |");
    }
}
