//! Outline scoring: both trees are flattened to (marker path, title) pairs and matched one to one.
//!
//! A found node matches a key node when their marker paths and titles are equal after
//! [`normalize`](super::normalize). Equality is all-or-nothing, so greedy matching is already a
//! maximum matching.

use duban_core::plan::Node;
use serde::Serialize;

use super::key::KeyNode;
use super::{Counts, normalize};

/// A key node the importer did not produce.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MissedNode {
    /// Markers from the root, as the key prints them.
    pub path: Vec<String>,
    /// The key's title (pinyin removed when the key says how).
    pub title: String,
    /// Where the key's marker starts.
    pub start: usize,
    /// The title of an unmatched found node with the same marker path, if there is one: usually
    /// the reason for the miss.
    pub found_title: Option<String>,
}

/// A found node that matches no key node.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExtraNode {
    /// Markers from the root, as the importer printed them.
    pub path: Vec<String>,
    /// The importer's title.
    pub title: String,
    /// Where the importer says the marker starts.
    pub start: usize,
}

/// The outline part of a document's score.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct OutlineScore {
    pub(super) counts: Counts,
    pub(super) missed: Vec<MissedNode>,
    pub(super) extra: Vec<ExtraNode>,
}

/// One node of either tree, flattened.
struct Flat {
    path: Vec<String>,
    title: String,
    start: usize,
    norm_path: Vec<String>,
    norm_title: String,
}

impl Flat {
    fn new(path: Vec<String>, title: &str, start: usize) -> Flat {
        Flat {
            norm_path: normalize::path(&path),
            norm_title: normalize::title(title),
            path,
            title: title.to_string(),
            start,
        }
    }

    fn same(&self, other: &Flat) -> bool {
        self.norm_path == other.norm_path && self.norm_title == other.norm_title
    }
}

fn flatten_key(nodes: &[KeyNode], prefix: &[String], out: &mut Vec<Flat>) {
    for node in nodes {
        let mut path = prefix.to_vec();
        path.push(node.marker.clone());
        out.push(Flat::new(
            path.clone(),
            node.scored_title(),
            node.marker_start,
        ));
        flatten_key(&node.children, &path, out);
    }
}

/// The path comes from the tree itself, not from `Node::path`, so a node is scored where the
/// importer actually put it.
fn flatten_found(nodes: &[Node], prefix: &[String], out: &mut Vec<Flat>) {
    for node in nodes {
        let mut path = prefix.to_vec();
        path.push(node.marker.clone());
        out.push(Flat::new(path.clone(), &node.title, node.start));
        flatten_found(&node.children, &path, out);
    }
}

/// Scores the importer's outline against the key's.
pub(super) fn score(key: &[KeyNode], found: &[Node]) -> OutlineScore {
    let mut keyed = Vec::new();
    flatten_key(key, &[], &mut keyed);
    let mut got = Vec::new();
    flatten_found(found, &[], &mut got);

    let mut key_used = vec![false; keyed.len()];
    let mut found_used = vec![false; got.len()];
    for (f, node) in got.iter().enumerate() {
        let hit = keyed
            .iter()
            .enumerate()
            .find(|(k, kn)| !key_used[*k] && kn.same(node));
        if let Some((k, _)) = hit {
            key_used[k] = true;
            found_used[f] = true;
        }
    }

    let missed = keyed
        .iter()
        .zip(&key_used)
        .filter(|(_, used)| !**used)
        .map(|(kn, _)| MissedNode {
            path: kn.path.clone(),
            title: kn.title.clone(),
            start: kn.start,
            found_title: got
                .iter()
                .zip(&found_used)
                .find(|(g, used)| !**used && g.norm_path == kn.norm_path)
                .map(|(g, _)| g.title.clone()),
        })
        .collect();
    let extra = got
        .iter()
        .zip(&found_used)
        .filter(|(_, used)| !**used)
        .map(|(g, _)| ExtraNode {
            path: g.path.clone(),
            title: g.title.clone(),
            start: g.start,
        })
        .collect();
    let matched = key_used.iter().filter(|u| **u).count();
    OutlineScore {
        counts: Counts {
            matched,
            found: got.len(),
            expected: keyed.len(),
        },
        missed,
        extra,
    }
}
