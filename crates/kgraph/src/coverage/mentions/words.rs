//! Surface forms indexed word by word, for forms that start with a letter
//! or digit: nearly all of them.
//!
//! A mention is a whole word: the characters just before and just after it
//! are not alphanumeric. So a form that starts with an alphanumeric
//! character can only be found where a run of alphanumeric characters (a
//! word) starts, and each of its words must be a whole word of the text:
//! inside the form a word is followed by a non-alphanumeric character of
//! the form, at its end by a non-alphanumeric character of the text. The
//! text is therefore cut into words once, and at each word start the index
//! is looked up with the first word, then with the first word, the gap and
//! the second word, and so on while some form goes on: one hash lookup per
//! word of the text and word of a form, where an automaton over hundreds of
//! thousands of forms visits one large state per byte and misses the cache
//! on most of them.
//!
//! A form may end in a gap ("U.S."): its last piece, the tail, must then
//! be a prefix of the text's gap that leaves a non-alphanumeric character
//! (or the end of the text) after it.
//!
//! The work per word start is bounded by the index, not by the text or the
//! number of forms: a form with more than [`Limits::words`] words, or a
//! tail longer than [`Limits::tail`] bytes, is left to the automaton that
//! also takes the forms starting with punctuation, so no word start walks
//! further than that many words, however many forms share a prefix or
//! however long a text's word is.

use std::collections::HashMap;
use std::ops::Range;

type Map<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// How far the index follows a form; longer forms go to the automaton.
#[derive(Debug, Clone, Copy)]
pub(super) struct Limits {
    /// Most words in one form.
    pub words: usize,
    /// Longest tail (gap after the last word) in bytes.
    pub tail: usize,
}

impl Limits {
    /// Real names have a handful of words and at most a closing period or
    /// parenthesis after the last one.
    pub(super) const DEFAULT: Limits = Limits { words: 24, tail: 8 };
}

/// One surface form, folded, and the entity it names.
pub(super) struct Form<'a> {
    pub text: &'a str,
    pub entity: usize,
    /// Matched byte for byte ("US" is not "us"); otherwise ignoring ASCII
    /// case.
    pub exact: bool,
}

/// Pieces up to this many bytes are kept in the node itself.
const INLINE: usize = 12;

/// A prefix of one or more forms that ends where a word of them ends: its
/// parent, the piece (gap and word, ASCII-lowercased) that leads from the
/// parent to it, and the loose forms that end there. Nodes are the slots
/// of the hash table itself and half a cache line each, so a lookup that
/// hits costs one cache miss: the key, its bytes and what is found there
/// are in one place.
#[derive(Clone, Default)]
#[repr(C, align(32))]
struct Node {
    /// The piece, zero-padded, if it has at most [`INLINE`] bytes;
    /// otherwise its first four bytes say where it starts in
    /// `WordIndex::long_pieces`.
    inline: [u8; INLINE],
    /// The parent node's slot, or [`ROOT`].
    parent: u32,
    piece_len: u32,
    /// The entity of the one loose form that ends here, if there is one;
    /// where their entities start in `WordIndex::ends` if there are more.
    loose_ends: u32,
    loose_count: u32,
    /// [`GOES_ON`], [`RARE`].
    flags: u8,
}

/// Some form goes on with another word after this node's prefix.
const GOES_ON: u8 = 1;
/// Exact forms or forms with a tail end here: see `WordIndex::rare`.
const RARE: u8 = 2;

/// What few nodes need: exact forms ("US", "U.S."), forms ending in a gap.
#[derive(Default)]
struct Rare {
    exact_ends: Vec<usize>,
    /// The prefix as the exact forms through here spell it: exact forms
    /// have no lowercase letter, so all of those sharing a lowercased
    /// prefix spell it alike.
    spelling: Option<Box<str>>,
    /// Sorted by text.
    tails: Vec<Tail>,
}

/// A form's last gap, after the node it hangs from.
struct Tail {
    text: Box<[u8]>,
    entity: usize,
    exact: bool,
}

/// The index of every form it takes, by prefixes that end with a word.
pub(super) struct WordIndex {
    /// Open addressing with linear probing, keyed by the parent and the
    /// piece: 0 for an empty slot, otherwise the top bit and seven bits of
    /// the key's hash, so that most probes of a missing key stop here,
    /// without reading a node. Keyed by the parent, not the whole prefix,
    /// so each lookup hashes one piece.
    tags: Vec<u8>,
    /// The node in each slot.
    nodes: Vec<Node>,
    long_pieces: Vec<u8>,
    ends: Vec<u32>,
    rare: Map<u32, Rare>,
    /// No piece of a form is longer: longer pieces of the text are not
    /// looked up.
    longest_piece: usize,
}

const ROOT: u32 = u32::MAX;

/// The hash of a child's key: its parent and its piece, lowercased, read
/// eight bytes at a time (the last zero-padded). Written out rather than
/// taken from a `Hasher` so that a short piece of the text is lowercased,
/// hashed and compared as two machine words, without a copy.
fn hash(parent: u32, len: usize, words: impl IntoIterator<Item = u64>) -> u64 {
    // Arbitrary odd constants (digits of pi), fixed so that the index is
    // the same from run to run.
    const SEEDS: [u64; 3] = [
        0x243f_6a88_85a3_08d3,
        0x1319_8a2e_0370_7345,
        0xa409_3822_299f_31d1,
    ];
    let mut hash = folded_multiply(u64::from(parent) ^ SEEDS[0], len as u64 ^ SEEDS[1]);
    for word in words {
        hash = folded_multiply(hash ^ word, SEEDS[2]);
    }
    hash
}

/// The hash of a lowercased piece.
fn hash_piece(parent: u32, piece: &[u8]) -> u64 {
    hash(parent, piece.len(), piece.chunks(8).map(word))
}

/// Up to eight bytes as a little-endian word, zero-padded.
fn word(bytes: &[u8]) -> u64 {
    let mut word = [0; 8];
    word[..bytes.len()].copy_from_slice(bytes);
    u64::from_le_bytes(word)
}

/// The high and low halves of the 128-bit product, folded: the mixing
/// step of foldhash and wyhash.
fn folded_multiply(a: u64, b: u64) -> u64 {
    let product = u128::from(a) * u128::from(b);
    (product as u64) ^ ((product >> 64) as u64)
}

/// Eight bytes with `to_ascii_lowercase` applied to each, at once.
fn ascii_lowercase(word: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    // Below 0x80 in every byte, so the additions carry into no other byte.
    let low_seven = word & (ONES * 0x7f);
    let at_least_a = low_seven + ONES * u64::from(0x80 - b'A');
    let beyond_z = low_seven + ONES * u64::from(0x80 - b'Z' - 1);
    // The top bit of each byte that is ASCII and within 'A'..='Z'.
    let upper = at_least_a & !beyond_z & !word & (ONES * 0x80);
    word | (upper >> 2)
}

fn tag(hash: u64) -> u8 {
    0x80 | (hash >> 57) as u8
}

/// A piece of the text, lowercased and hashed, as the index compares it.
#[derive(Default)]
struct Key {
    len: usize,
    /// The piece, zero-padded, if it has at most [`INLINE`] bytes.
    inline: [u8; INLINE],
    /// The piece if it is longer.
    bytes: Vec<u8>,
    hash: u64,
}

impl Key {
    /// The key of `text[range]` under `parent`.
    fn set(&mut self, parent: u32, text: &[u8], range: Range<usize>) {
        let len = range.len();
        self.len = len;
        if len <= INLINE {
            // Two unaligned loads and masks where the text goes on for 16
            // bytes: copying the piece into a zeroed buffer first costs a
            // call and a stalled load.
            let (low, high) = if range.start + 16 <= text.len() {
                let at = |offset: usize| {
                    let bytes = &text[range.start + offset..range.start + offset + 8];
                    u64::from_le_bytes(bytes.try_into().expect("eight bytes"))
                };
                (
                    at(0) & low_bytes(len),
                    at(8) & low_bytes(len.saturating_sub(8)),
                )
            } else {
                let mut padded = [0; 16];
                padded[..len].copy_from_slice(&text[range]);
                let (low, high) = padded.split_at(8);
                (
                    u64::from_le_bytes(low.try_into().expect("eight bytes")),
                    u64::from_le_bytes(high.try_into().expect("eight bytes")),
                )
            };
            let (low, high) = (ascii_lowercase(low), ascii_lowercase(high));
            self.inline[..8].copy_from_slice(&low.to_le_bytes());
            self.inline[8..].copy_from_slice(&high.to_le_bytes()[..INLINE - 8]);
            self.hash = hash(parent, len, [low, high].into_iter().take(len.div_ceil(8)));
        } else {
            self.bytes.clear();
            self.bytes
                .extend(text[range].iter().map(u8::to_ascii_lowercase));
            self.hash = hash_piece(parent, &self.bytes);
        }
    }
}

/// A mask of the low `count` bytes of a word, `count` at most 8.
fn low_bytes(count: usize) -> u64 {
    if count >= 8 {
        u64::MAX
    } else {
        (1 << (8 * count)) - 1
    }
}

/// Where a form's words and gaps are.
struct Pieces {
    /// End of each word (the first piece starts at 0, the next at the end
    /// of the previous one, so each piece is a gap and a word).
    word_ends: Vec<usize>,
}

fn pieces(form: &str) -> Pieces {
    let mut word_ends = Vec::new();
    let mut in_word = false;
    for (offset, character) in form.char_indices() {
        let alphanumeric = character.is_alphanumeric();
        if in_word && !alphanumeric {
            word_ends.push(offset);
        }
        in_word = alphanumeric;
    }
    if in_word {
        word_ends.push(form.len());
    }
    Pieces { word_ends }
}

/// Whether the index takes `form`; the others go to the automaton.
pub(super) fn takes(form: &str, limits: Limits) -> bool {
    if !form.chars().next().is_some_and(char::is_alphanumeric) {
        return false;
    }
    let Pieces { word_ends } = pieces(form);
    let last = *word_ends.last().expect("a form starting with a word");
    word_ends.len() <= limits.words && form.len() - last <= limits.tail
}

/// The bits of a key's hash that [`WordIndex::new`] files its nodes by:
/// all of them, except in the library's tests, where two bits make most
/// keys share a hash, so that finding a node among those of equal hash is
/// what every test that finds a mention goes through.
const KEY_HASH_BITS: u64 = if cfg!(test) { 0b11 } else { u64::MAX };

/// Collects the index before it is packed: lists per node.
struct NodeBuilder {
    parent: u32,
    piece: Box<[u8]>,
    /// The node added before this one whose key has the same hash.
    same_hash: Option<u32>,
    loose_ends: Vec<usize>,
    rare: Rare,
    goes_on: bool,
}

impl WordIndex {
    /// Indexes `forms`, each of which [`takes`] accepts.
    pub(super) fn new<'a>(forms: impl IntoIterator<Item = Form<'a>>) -> WordIndex {
        let forms = forms.into_iter();
        // Each child of a node found by its key's hash, then, among the
        // few nodes of equal hash, by comparing parent and piece: looking a
        // piece up allocates nothing, and only a piece not indexed yet is
        // copied (before, every piece of every form was copied twice).
        let mut children: Map<u64, u32> = Map::default();
        children.reserve(forms.size_hint().0);
        let mut builders: Vec<NodeBuilder> = Vec::new();
        let mut longest_piece = 0;
        let mut piece = Vec::new();
        for form in forms {
            let Pieces { word_ends } = pieces(form.text);
            let mut parent = ROOT;
            let mut start = 0;
            for &end in &word_ends {
                piece.clear();
                piece.extend(
                    form.text[start..end]
                        .bytes()
                        .map(|b| b.to_ascii_lowercase()),
                );
                longest_piece = longest_piece.max(piece.len());
                let hash = hash_piece(parent, &piece) & KEY_HASH_BITS;
                let first = children.get(&hash).copied();
                let mut found = first;
                while let Some(node) = found {
                    let builder = &builders[node as usize];
                    if builder.parent == parent && *builder.piece == piece[..] {
                        break;
                    }
                    found = builder.same_hash;
                }
                let node = match found {
                    Some(node) => node,
                    None => {
                        let node = count(builders.len());
                        builders.push(NodeBuilder {
                            parent,
                            piece: piece.as_slice().into(),
                            same_hash: first,
                            loose_ends: Vec::new(),
                            rare: Rare::default(),
                            goes_on: false,
                        });
                        children.insert(hash, node);
                        node
                    }
                };
                if parent != ROOT {
                    builders[parent as usize].goes_on = true;
                }
                parent = node;
                start = end;
            }
            let builder = &mut builders[parent as usize];
            if form.exact {
                builder.rare.spelling = Some(form.text[..start].into());
            }
            let tail = &form.text[start..];
            if !tail.is_empty() {
                builder.rare.tails.push(Tail {
                    text: tail.as_bytes().into(),
                    entity: form.entity,
                    exact: form.exact,
                });
            } else if form.exact {
                builder.rare.exact_ends.push(form.entity);
            } else {
                builder.loose_ends.push(form.entity);
            }
        }
        drop(children);
        // At most three quarters full, so that a lookup that misses stops
        // at an empty slot after a few probes.
        let slots = (builders.len() * 4 / 3 + 1).next_power_of_two();
        let mut index = WordIndex {
            tags: vec![0; slots],
            nodes: vec![Node::default(); slots],
            long_pieces: Vec::new(),
            ends: Vec::new(),
            rare: Map::default(),
            longest_piece,
        };
        // Parents come before their children, so their slots are known.
        let mut slot_of = Vec::with_capacity(builders.len());
        for mut builder in builders {
            let parent = match builder.parent {
                ROOT => ROOT,
                parent => slot_of[parent as usize],
            };
            let hash = hash_piece(parent, &builder.piece);
            let mask = slots - 1;
            let mut slot = hash as usize & mask;
            while index.tags[slot] != 0 {
                slot = (slot + 1) & mask;
            }
            slot_of.push(count(slot));
            index.tags[slot] = tag(hash);
            let mut inline = [0; INLINE];
            if builder.piece.len() <= INLINE {
                inline[..builder.piece.len()].copy_from_slice(&builder.piece);
            } else {
                inline[..4].copy_from_slice(&count(index.long_pieces.len()).to_le_bytes());
                index.long_pieces.extend_from_slice(&builder.piece);
            }
            let loose_ends = match builder.loose_ends[..] {
                [entity] => count(entity),
                _ => {
                    let start = count(index.ends.len());
                    index
                        .ends
                        .extend(builder.loose_ends.iter().map(|&entity| count(entity)));
                    start
                }
            };
            let mut flags = 0;
            if builder.goes_on {
                flags |= GOES_ON;
            }
            let rare = &mut builder.rare;
            if rare.spelling.is_some() || !rare.tails.is_empty() {
                flags |= RARE;
                rare.tails.sort_by(|a, b| a.text.cmp(&b.text));
                index.rare.insert(count(slot), builder.rare);
            }
            index.nodes[slot] = Node {
                inline,
                parent,
                piece_len: count(builder.piece.len()),
                loose_ends,
                loose_count: count(builder.loose_ends.len()),
                flags,
            };
        }
        index
    }

    /// The slot of the child of `parent` reached with `key`, if any.
    fn child(&self, parent: u32, key: &Key) -> Option<u32> {
        let hash = key.hash;
        let tag = tag(hash);
        let mask = self.tags.len() - 1;
        let mut slot = hash as usize & mask;
        loop {
            match self.tags[slot] {
                0 => return None,
                found if found == tag => {
                    let node = &self.nodes[slot];
                    if node.parent == parent && self.piece_is(node, key) {
                        return Some(count(slot));
                    }
                }
                _ => {}
            }
            slot = (slot + 1) & mask;
        }
    }

    fn piece_is(&self, node: &Node, key: &Key) -> bool {
        let len = node.piece_len as usize;
        if len != key.len {
            false
        } else if len <= INLINE {
            node.inline == key.inline
        } else {
            let mut start = [0; 4];
            start.copy_from_slice(&node.inline[..4]);
            let start = u32::from_le_bytes(start) as usize;
            self.long_pieces[start..start + len] == key.bytes[..]
        }
    }

    /// Pushes `(start, end, entity)` for every whole-word match in `text`
    /// of a form in the index, in no particular order.
    pub(super) fn find(&self, text: &str, found: &mut Vec<(usize, usize, usize)>) {
        let words = words(text);
        let mut key = Key::default();
        for (first, word) in words.iter().enumerate() {
            let start = word.start;
            let mut parent = ROOT;
            let mut piece_start = start;
            for (next, word) in words[first..].iter().enumerate() {
                let end = word.end;
                if end - piece_start > self.longest_piece {
                    break;
                }
                key.set(parent, text.as_bytes(), piece_start..end);
                let Some(slot) = self.child(parent, &key) else {
                    break;
                };
                let node = &self.nodes[slot as usize];
                match node.loose_count {
                    0 => {}
                    1 => found.push((start, end, node.loose_ends as usize)),
                    count => {
                        let first = node.loose_ends as usize;
                        for &entity in &self.ends[first..first + count as usize] {
                            found.push((start, end, entity as usize));
                        }
                    }
                }
                let gap_end = words.get(first + next + 1).map_or(text.len(), |w| w.start);
                if node.flags & RARE != 0 {
                    let rare = &self.rare[&slot];
                    let spelled = rare.spelling.as_ref().is_some_and(|spelling| {
                        spelling.as_bytes() == &text.as_bytes()[start..end]
                    });
                    if spelled {
                        for &entity in &rare.exact_ends {
                            found.push((start, end, entity));
                        }
                    }
                    find_tails(&rare.tails, spelled, text, start, end..gap_end, found);
                }
                if node.flags & GOES_ON == 0 || gap_end == text.len() {
                    break;
                }
                parent = slot;
                piece_start = end;
            }
        }
    }
}

/// The forms ending in a gap after a node whose prefix matched
/// `start..gap.start`: their tail must begin the text's gap and leave a
/// non-alphanumeric character after it, unless the text ends there.
fn find_tails(
    tails: &[Tail],
    spelled: bool,
    text: &str,
    start: usize,
    gap: Range<usize>,
    found: &mut Vec<(usize, usize, usize)>,
) {
    let longest = tails.iter().map(|tail| tail.text.len()).max().unwrap_or(0);
    let gap_text = &text.as_bytes()[gap.clone()];
    for length in 1..=longest.min(gap_text.len()) {
        if length == gap_text.len() && gap.end != text.len() {
            break;
        }
        let wanted = &gap_text[..length];
        let first = tails.partition_point(|tail| &*tail.text < wanted);
        for tail in tails[first..]
            .iter()
            .take_while(|tail| &*tail.text == wanted)
        {
            if spelled || !tail.exact {
                found.push((start, gap.start + length, tail.entity));
            }
        }
    }
}

/// The words of `text`: maximal runs of alphanumeric characters.
fn words(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut words = Vec::with_capacity(bytes.len() / 6);
    let mut offset = 0;
    loop {
        while offset < bytes.len() {
            let (alphanumeric, width) = class_at(text, offset);
            if alphanumeric {
                break;
            }
            offset += width;
        }
        if offset == bytes.len() {
            return words;
        }
        let start = offset;
        while offset < bytes.len() {
            let (alphanumeric, width) = class_at(text, offset);
            if !alphanumeric {
                break;
            }
            offset += width;
        }
        words.push(start..offset);
    }
}

/// Whether the character at `offset` is alphanumeric, and its length.
#[inline]
fn class_at(text: &str, offset: usize) -> (bool, usize) {
    let byte = text.as_bytes()[offset];
    if byte.is_ascii() {
        (byte.is_ascii_alphanumeric(), 1)
    } else {
        let character = text[offset..].chars().next().expect("a char boundary");
        (character.is_alphanumeric(), character.len_utf8())
    }
}

fn count(length: usize) -> u32 {
    u32::try_from(length).expect("fewer nodes and forms than bytes of forms, under 4 GiB")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eight_bytes_are_lowercased_as_each_alone() {
        for byte in 0..=u8::MAX {
            for position in 0..8 {
                // Neighbours on both sides of the boundaries that matter.
                for neighbour in [0, b'@', b'A', b'Z', b'[', b'a', 0x7f, 0x80, 0xc1, 0xff] {
                    let mut bytes = [neighbour; 8];
                    bytes[position] = byte;
                    let expected = bytes.map(|b| b.to_ascii_lowercase());
                    let lowered = ascii_lowercase(u64::from_le_bytes(bytes)).to_le_bytes();
                    assert_eq!(lowered, expected, "{bytes:?}");
                }
            }
        }
    }

    #[test]
    fn a_text_piece_hashes_as_the_same_piece_in_the_index() {
        for piece in [
            "a",
            "Abcdefgh",
            "ABCDEFGHI",
            " Province",
            "\u{e9}T\u{c9}xyzabc",
            "-LONGER THAN TWELVE",
        ] {
            let expected = hash_piece(7, piece.to_ascii_lowercase().as_bytes());
            let mut key = Key::default();
            // Alone (shorter than 16 bytes: copied) and in a longer text.
            key.set(7, piece.as_bytes(), 0..piece.len());
            assert_eq!(key.hash, expected, "{piece}");
            let text = format!("{piece}{}", "Z".repeat(20));
            key.set(7, text.as_bytes(), 0..piece.len());
            assert_eq!(key.hash, expected, "{piece} in {text}");
        }
    }
}
