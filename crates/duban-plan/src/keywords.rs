//! A small keyword index: finds which of a fixed set of words occur in a text in one pass,
//! by looking up each character as a possible first character. It replaces one substring search
//! per keyword, which dominated the import time on long documents.

use std::collections::HashMap;

/// Words indexed by their first character.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeywordSet {
    by_first: HashMap<char, Vec<(Vec<char>, usize)>>,
}

impl KeywordSet {
    /// Indexes `words`; each match reports the word's position in this list.
    pub fn new<S: AsRef<str>>(words: &[S]) -> Self {
        let mut by_first: HashMap<char, Vec<(Vec<char>, usize)>> = HashMap::new();
        for (k, w) in words.iter().enumerate() {
            let chars: Vec<char> = w.as_ref().chars().collect();
            if let Some(&c) = chars.first() {
                by_first.entry(c).or_default().push((chars, k));
            }
        }
        for list in by_first.values_mut() {
            // Longest first, so a caller that takes the first match gets the longest word.
            list.sort_by_key(|(w, _)| std::cmp::Reverse(w.len()));
        }
        KeywordSet { by_first }
    }

    /// Calls `f(position, word index, word length)` for every occurrence in `text`.
    pub fn for_each_match(&self, text: &[char], mut f: impl FnMut(usize, usize, usize)) {
        for (i, c) in text.iter().enumerate() {
            if let Some(list) = self.by_first.get(c) {
                for (w, k) in list {
                    if text[i..].starts_with(w) {
                        f(i, *k, w.len());
                    }
                }
            }
        }
    }

    /// True when any word occurs in `text`.
    pub fn any_in(&self, text: &[char]) -> bool {
        text.iter().enumerate().any(|(i, c)| {
            self.by_first
                .get(c)
                .is_some_and(|list| list.iter().any(|(w, _)| text[i..].starts_with(w)))
        })
    }

    /// The longest word that starts at `i`, as `(word index, length)`.
    pub fn at(&self, text: &[char], i: usize) -> Option<(usize, usize)> {
        let list = self.by_first.get(text.get(i)?)?;
        list.iter()
            .find(|(w, _)| text[i..].starts_with(w))
            .map(|(w, k)| (*k, w.len()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_every_occurrence_and_prefers_the_longest_word() {
        let set = KeywordSet::new(&["新建", "新建续建", "学前"]);
        let text: Vec<char> = "新建续建学前教育,新建学校".chars().collect();
        let mut hits = Vec::new();
        set.for_each_match(&text, |i, k, n| hits.push((i, k, n)));
        assert_eq!(hits, [(0, 1, 4), (0, 0, 2), (4, 2, 2), (9, 0, 2)]);
        assert_eq!(set.at(&text, 0), Some((1, 4)));
        assert!(set.any_in(&text));
        assert!(!set.any_in(&['无']));
    }
}
