//! A small keyword index: finds which of a fixed set of words occur in a text in one pass,
//! by looking up each character as a possible first character. It replaces one substring search
//! per keyword, which dominated the import time on long documents.

/// The words (as chars) that start with one character, each with its index in the word list.
type Bucket = Vec<(Vec<char>, usize)>;

/// Words indexed by their first character.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeywordSet {
    /// `(first char, words starting with it)`, sorted by the char for a binary search (hashing
    /// every character of a document cost more than the search).
    by_first: Vec<(char, Bucket)>,
    /// One bit per Basic-Multilingual-Plane character that starts a word: most characters of a
    /// text start none, and a bit test is far cheaper than hashing every character.
    starts: Vec<u64>,
}

impl KeywordSet {
    fn may_start(&self, c: char) -> bool {
        let n = c as usize;
        if n >= 0x10000 {
            return true;
        }
        self.starts
            .get(n / 64)
            .is_some_and(|w| w & (1 << (n % 64)) != 0)
    }

    fn words_at(&self, c: char) -> Option<&Bucket> {
        if !self.may_start(c) {
            return None;
        }
        let k = self.by_first.binary_search_by_key(&c, |(f, _)| *f).ok()?;
        Some(&self.by_first[k].1)
    }
}

impl KeywordSet {
    /// Indexes `words`; each match reports the word's position in this list.
    pub fn new<S: AsRef<str>>(words: &[S]) -> Self {
        let mut by_first: Vec<(char, Bucket)> = Vec::new();
        for (k, w) in words.iter().enumerate() {
            let chars: Vec<char> = w.as_ref().chars().collect();
            let Some(&c) = chars.first() else { continue };
            match by_first.binary_search_by_key(&c, |(f, _)| *f) {
                Ok(i) => by_first[i].1.push((chars, k)),
                Err(i) => by_first.insert(i, (c, vec![(chars, k)])),
            }
        }
        for (_, list) in &mut by_first {
            // Longest first, so a caller that takes the first match gets the longest word.
            list.sort_by_key(|(w, _)| std::cmp::Reverse(w.len()));
        }
        let mut starts = vec![0u64; 0x10000 / 64];
        for &(c, _) in &by_first {
            let n = c as usize;
            if n < 0x10000 {
                starts[n / 64] |= 1 << (n % 64);
            }
        }
        KeywordSet { by_first, starts }
    }

    /// Calls `f(position, word index, word length)` for every occurrence in `text`.
    pub fn for_each_match(&self, text: &[char], mut f: impl FnMut(usize, usize, usize)) {
        for (i, c) in text.iter().enumerate() {
            if let Some(list) = self.words_at(*c) {
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
            self.words_at(*c)
                .is_some_and(|list| list.iter().any(|(w, _)| text[i..].starts_with(w)))
        })
    }

    /// The longest word that starts at `i`, as `(word index, length)`.
    pub fn at(&self, text: &[char], i: usize) -> Option<(usize, usize)> {
        let list = self.words_at(*text.get(i)?)?;
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
