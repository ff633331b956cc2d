//! Finding many patterns (the folded quotes of one source) in one text,
//! every occurrence of each, overlapping ones included.
//!
//! Quotes are long (a sentence), a source has a few hundred of them and its
//! text is scanned once. An Aho-Corasick automaton does that in linear
//! time, but building one per source cost more than the scan itself (a
//! fifth of a large validation). Instead, each pattern of at least
//! [`ANCHOR`] bytes is known by eight of its bytes: the scan reads the
//! eight bytes at each position of the text, tests one bit of a small
//! table that says whether any pattern may start with them, and only then
//! looks them up and compares whole patterns. Patterns the anchors cannot
//! serve well (shorter ones, or many so alike that they share every
//! anchor, which would make a position cost a comparison per pattern) go to an automaton as before, so
//! the cost stays linear whatever the quotes.

/// Looked up only where the filter lets a window through: a fast hash of
/// a `u64` is all it needs (see the README's dependency table).
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

/// Bytes a pattern is known by. Eight: one unaligned load per position.
const ANCHOR: usize = 8;

/// Patterns sharing one anchor beyond this many are left to the automaton.
const MAX_SHARING_AN_ANCHOR: usize = 8;

/// Bits of the table that says whether an anchor may start a pattern:
/// 2^16 bits, 8 KiB, which stays in the first-level cache.
const FILTER_BITS: u32 = 16;

/// Every start offset of each pattern in `haystack`, in text order, at most
/// `limit` per pattern. Patterns must be non-empty.
pub(super) fn find_all(haystack: &[u8], patterns: &[&[u8]], limit: usize) -> Vec<Vec<usize>> {
    let mut starts: Vec<Vec<usize>> = vec![Vec::new(); patterns.len()];
    let mut by_anchor: HashMap<u64, Vec<Anchored>> = HashMap::default();
    // What the anchors do not serve: the automaton's.
    let mut leftover: Vec<usize> = Vec::new();
    for (index, pattern) in patterns.iter().enumerate() {
        // Quotes often start alike ("The Republic of ..."): each pattern
        // is known by the eight bytes, among a few places in it, that
        // fewest patterns have chosen so far.
        let best = (0..=pattern.len().saturating_sub(ANCHOR))
            .step_by(ANCHOR / 2)
            .take(MAX_ANCHOR_TRIES)
            .filter_map(|offset| Some((offset, anchor_at(pattern, offset)?)))
            .min_by_key(|(_, anchor)| by_anchor.get(anchor).map_or(0, Vec::len));
        match best {
            Some((offset, anchor))
                if by_anchor.get(&anchor).map_or(0, Vec::len) < MAX_SHARING_AN_ANCHOR =>
            {
                by_anchor.entry(anchor).or_default().push(Anchored {
                    pattern: index as u32,
                    offset: offset as u32,
                });
            }
            _ => leftover.push(index),
        }
    }
    if !by_anchor.is_empty() {
        scan_anchors(haystack, patterns, &by_anchor, limit, &mut starts);
    }
    if !leftover.is_empty() {
        scan_automaton(haystack, patterns, &leftover, limit, &mut starts);
    }
    starts
}

/// A pattern known by the eight bytes at `offset` in it.
#[derive(Debug, Clone, Copy)]
struct Anchored {
    pattern: u32,
    offset: u32,
}

/// Places in a pattern tried as its anchor.
const MAX_ANCHOR_TRIES: usize = 8;

fn anchor_at(pattern: &[u8], offset: usize) -> Option<u64> {
    let bytes: [u8; ANCHOR] = pattern.get(offset..offset + ANCHOR)?.try_into().ok()?;
    Some(u64::from_le_bytes(bytes))
}

/// Which bit of the filter an anchor sets: a multiplicative hash, whose
/// high bits mix every byte of the anchor.
fn filter_bit(anchor: u64) -> usize {
    (anchor.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - FILTER_BITS)) as usize
}

fn scan_anchors(
    haystack: &[u8],
    patterns: &[&[u8]],
    by_anchor: &HashMap<u64, Vec<Anchored>>,
    limit: usize,
    starts: &mut [Vec<usize>],
) {
    let mut filter = vec![0u64; 1 << (FILTER_BITS - 6)];
    for &anchor in by_anchor.keys() {
        let bit = filter_bit(anchor);
        filter[bit >> 6] |= 1 << (bit & 63);
    }
    if haystack.len() < ANCHOR {
        return;
    }
    for (position, window) in haystack.windows(ANCHOR).enumerate() {
        let anchor = u64::from_le_bytes(window.try_into().expect("windows of ANCHOR bytes"));
        let bit = filter_bit(anchor);
        if filter[bit >> 6] & (1 << (bit & 63)) == 0 {
            continue;
        }
        let Some(sharing) = by_anchor.get(&anchor) else {
            continue;
        };
        for anchored in sharing {
            // A pattern's anchor is at one fixed offset in it, so for one
            // pattern the starts come in text order, each once.
            let Some(start) = position.checked_sub(anchored.offset as usize) else {
                continue;
            };
            let index = anchored.pattern as usize;
            if haystack[start..].starts_with(patterns[index]) && starts[index].len() < limit {
                starts[index].push(start);
            }
        }
    }
}

fn scan_automaton(
    haystack: &[u8],
    patterns: &[&[u8]],
    chosen: &[usize],
    limit: usize,
    starts: &mut [Vec<usize>],
) {
    // Each automaton scans one text once, so build cost dominates: a DFA
    // took 30% of a large validation, the plain NFA is cheapest.
    let automaton = AhoCorasick::builder()
        .kind(Some(AhoCorasickKind::NoncontiguousNFA))
        .match_kind(MatchKind::Standard)
        .build(chosen.iter().map(|&index| patterns[index]))
        .expect("patterns are non-empty strings within the automaton's limits");
    // Overlapping matches come by end offset: for one pattern, that is
    // text order.
    for found in automaton.find_overlapping_iter(haystack) {
        let places = &mut starts[chosen[found.pattern().as_usize()]];
        if places.len() < limit {
            places.push(found.start());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every occurrence by brute force, overlapping ones included.
    fn naive(haystack: &[u8], pattern: &[u8], limit: usize) -> Vec<usize> {
        (0..haystack.len())
            .filter(|&start| haystack[start..].starts_with(pattern))
            .take(limit)
            .collect()
    }

    #[test]
    fn finds_what_a_brute_force_search_finds() {
        let haystack = b"aaaaaaaaaaaa NATO said no. NATO said yes. NATO said no. short sh";
        let mut patterns: Vec<Vec<u8>> = vec![
            b"aaaaaaaaa".to_vec(),
            b"NATO said no.".to_vec(),
            b"NATO said".to_vec(),
            b"sh".to_vec(),
            b"absent pattern".to_vec(),
            b"yes. NATO".to_vec(),
        ];
        // Patterns that start alike, anchored further in; and more
        // patterns sharing every anchor than the anchors serve.
        for extra in 0..=MAX_SHARING_AN_ANCHOR {
            patterns.push(format!("NATO said {extra}").into_bytes());
            patterns.push(format!("{extra}aaaaaaaaaaa").into_bytes());
            patterns.push(b"aaaaaaaaaaaaaa"[extra % 4..].to_vec());
        }
        patterns.sort();
        patterns.dedup();
        let borrowed: Vec<&[u8]> = patterns.iter().map(Vec::as_slice).collect();
        for limit in [1, 2, 1000] {
            let found = find_all(haystack, &borrowed, limit);
            for (pattern, starts) in borrowed.iter().zip(&found) {
                assert_eq!(starts, &naive(haystack, pattern, limit), "{pattern:?}");
            }
        }
        // A text shorter than an anchor.
        let found = find_all(b"short", &borrowed, 10);
        for (pattern, starts) in borrowed.iter().zip(&found) {
            assert_eq!(starts, &naive(b"short", pattern, 10), "{pattern:?}");
        }
        assert!(found.iter().any(|starts| starts == &[0]));
    }
}
