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
use std::hash::BuildHasher;
use std::ops::Range;

use foldhash::fast::FixedState;

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
const INLINE: usize = 16;

/// A prefix of one or more forms that ends where a word of them ends:
/// its parent and the piece (gap and word, ASCII-lowercased) that leads
/// from the parent to it, and what is found there. The key and what a hit
/// needs share one record, so a hit costs one cache miss, not one for the
/// key, one for its bytes and one for the node.
struct Node {
    /// The piece, zero-padded, if it has at most [`INLINE`] bytes.
    inline: [u8; INLINE],
    /// The parent node's index, or [`ROOT`].
    parent: u32,
    piece_len: u32,
    /// Where a longer piece starts in `WordIndex::long_pieces`.
    long_piece: u32,
    /// Entities of loose forms that end here: `ends[ends..loose_end]`,
    /// then of exact forms: `ends[loose_end..exact_end]`.
    ends: u32,
    loose_end: u32,
    exact_end: u32,
    /// The prefix as the exact forms through here spell it
    /// (`spellings[spelling]`), or [`NONE`]: exact forms have no lowercase
    /// letter, so all of those sharing a lowercased prefix spell it alike.
    spelling: u32,
    /// Some form goes on with another word after this prefix.
    goes_on: bool,
    /// Some form ends with a gap after this prefix (`tails_of`).
    has_tails: bool,
}

/// A form's last gap, after the node it hangs from.
struct Tail {
    text: Box<[u8]>,
    entity: usize,
    exact: bool,
}

/// The index of every form it takes, by prefixes that end with a word.
pub(super) struct WordIndex {
    nodes: Vec<Node>,
    /// Open addressing with linear probing over the nodes, keyed by the
    /// parent and the piece: the upper half of a slot is the upper half of
    /// the key's hash, the lower half the node's index, [`EMPTY`] if none.
    /// Keyed by the parent, not the whole prefix, so each lookup hashes
    /// one piece.
    slots: Vec<u64>,
    long_pieces: Vec<u8>,
    ends: Vec<usize>,
    /// Per node with tails, its tails sorted by text.
    tails_of: Map<u32, Range<usize>>,
    tails: Vec<Tail>,
    spellings: Vec<Box<str>>,
    /// No piece of a form is longer: longer pieces of the text are not
    /// looked up.
    longest_piece: usize,
}

const ROOT: u32 = u32::MAX;
const NONE: u32 = u32::MAX;
const EMPTY: u64 = u64::MAX;
/// Fixed, so that the index is the same from run to run.
const HASHER: FixedState = FixedState::with_seed(0x6b67_7261_7068_2121);

fn hash(parent: u32, piece: &[u8]) -> u64 {
    HASHER.hash_one((parent, piece))
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

/// Collects the index before it is packed: lists per node.
struct NodeBuilder {
    parent: u32,
    piece: Box<[u8]>,
    loose_ends: Vec<usize>,
    exact_ends: Vec<usize>,
    tails: Vec<Tail>,
    spelling: Option<Box<str>>,
    goes_on: bool,
}

impl WordIndex {
    /// Indexes `forms`, each of which [`takes`] accepts.
    pub(super) fn new<'a>(forms: impl IntoIterator<Item = Form<'a>>) -> WordIndex {
        let mut children: Map<(u32, Box<[u8]>), u32> = Map::default();
        let mut builders: Vec<NodeBuilder> = Vec::new();
        let mut longest_piece = 0;
        for form in forms {
            let Pieces { word_ends } = pieces(form.text);
            let mut parent = ROOT;
            let mut start = 0;
            for &end in &word_ends {
                let piece = form.text[start..end].to_ascii_lowercase();
                longest_piece = longest_piece.max(piece.len());
                let key = (parent, piece.into_bytes().into_boxed_slice());
                let next = builders.len();
                let node = *children.entry(key).or_insert_with_key(|(parent, piece)| {
                    builders.push(NodeBuilder {
                        parent: *parent,
                        piece: piece.clone(),
                        loose_ends: Vec::new(),
                        exact_ends: Vec::new(),
                        tails: Vec::new(),
                        spelling: None,
                        goes_on: false,
                    });
                    count(next)
                });
                if parent != ROOT {
                    builders[parent as usize].goes_on = true;
                }
                parent = node;
                start = end;
            }
            let builder = &mut builders[parent as usize];
            if form.exact {
                builder.spelling = Some(form.text[..start].into());
            }
            let tail = &form.text[start..];
            if !tail.is_empty() {
                builder.tails.push(Tail {
                    text: tail.as_bytes().into(),
                    entity: form.entity,
                    exact: form.exact,
                });
            } else if form.exact {
                builder.exact_ends.push(form.entity);
            } else {
                builder.loose_ends.push(form.entity);
            }
        }
        drop(children);
        // At most two thirds full, so that a lookup that misses stops at an
        // empty slot after a few probes.
        let slots = (builders.len() * 3 / 2).next_power_of_two().max(2);
        let mut index = WordIndex {
            nodes: Vec::with_capacity(builders.len()),
            slots: vec![EMPTY; slots],
            long_pieces: Vec::new(),
            ends: Vec::new(),
            tails_of: Map::default(),
            tails: Vec::new(),
            spellings: Vec::new(),
            longest_piece,
        };
        for mut builder in builders {
            let id = count(index.nodes.len());
            index.insert(builder.parent, &builder.piece, id);
            let mut inline = [0; INLINE];
            let mut long_piece = 0;
            if builder.piece.len() <= INLINE {
                inline[..builder.piece.len()].copy_from_slice(&builder.piece);
            } else {
                long_piece = count(index.long_pieces.len());
                index.long_pieces.extend_from_slice(&builder.piece);
            }
            let ends = count(index.ends.len());
            index.ends.append(&mut builder.loose_ends);
            let loose_end = count(index.ends.len());
            index.ends.append(&mut builder.exact_ends);
            let exact_end = count(index.ends.len());
            let has_tails = !builder.tails.is_empty();
            if has_tails {
                builder.tails.sort_by(|a, b| a.text.cmp(&b.text));
                let first = index.tails.len();
                index.tails.append(&mut builder.tails);
                index.tails_of.insert(id, first..index.tails.len());
            }
            let spelling = builder.spelling.map_or(NONE, |spelling| {
                index.spellings.push(spelling);
                count(index.spellings.len() - 1)
            });
            index.nodes.push(Node {
                inline,
                parent: builder.parent,
                piece_len: count(builder.piece.len()),
                long_piece,
                ends,
                loose_end,
                exact_end,
                spelling,
                goes_on: builder.goes_on,
                has_tails,
            });
        }
        index
    }

    fn insert(&mut self, parent: u32, piece: &[u8], node: u32) {
        let hash = hash(parent, piece);
        let mask = self.slots.len() - 1;
        let mut slot = hash as usize & mask;
        while self.slots[slot] != EMPTY {
            slot = (slot + 1) & mask;
        }
        self.slots[slot] = (hash & 0xffff_ffff_0000_0000) | u64::from(node);
    }

    /// The child of `parent` reached with `piece` (lowercased), if any.
    fn child(&self, parent: u32, piece: &[u8]) -> Option<u32> {
        let hash = hash(parent, piece);
        let mask = self.slots.len() - 1;
        let mut slot = hash as usize & mask;
        loop {
            let entry = self.slots[slot];
            if entry == EMPTY {
                return None;
            }
            if entry >> 32 == hash >> 32 {
                let id = entry as u32;
                let node = &self.nodes[id as usize];
                if node.parent == parent && self.piece(node) == piece {
                    return Some(id);
                }
            }
            slot = (slot + 1) & mask;
        }
    }

    fn piece<'a>(&'a self, node: &'a Node) -> &'a [u8] {
        let len = node.piece_len as usize;
        if len <= INLINE {
            &node.inline[..len]
        } else {
            let start = node.long_piece as usize;
            &self.long_pieces[start..start + len]
        }
    }

    /// Pushes `(start, end, entity)` for every whole-word match in `text`
    /// of a form in the index, in no particular order.
    pub(super) fn find(&self, text: &str, found: &mut Vec<(usize, usize, usize)>) {
        if self.nodes.is_empty() {
            return;
        }
        let words = words(text);
        let mut key = Vec::new();
        for (first, word) in words.iter().enumerate() {
            let start = word.start;
            let mut parent = ROOT;
            let mut piece_start = start;
            for (next, word) in words[first..].iter().enumerate() {
                let end = word.end;
                let piece = &text.as_bytes()[piece_start..end];
                if piece.len() > self.longest_piece {
                    break;
                }
                key.clear();
                key.extend(piece.iter().map(u8::to_ascii_lowercase));
                let Some(id) = self.child(parent, &key) else {
                    break;
                };
                let node = &self.nodes[id as usize];
                let spelled = node.spelling != NONE
                    && self.spellings[node.spelling as usize].as_bytes()
                        == &text.as_bytes()[start..end];
                for &entity in &self.ends[node.ends as usize..node.loose_end as usize] {
                    found.push((start, end, entity));
                }
                if spelled {
                    for &entity in &self.ends[node.loose_end as usize..node.exact_end as usize] {
                        found.push((start, end, entity));
                    }
                }
                let gap_end = words.get(first + next + 1).map_or(text.len(), |w| w.start);
                if node.has_tails {
                    let tails = &self.tails[self.tails_of[&id].clone()];
                    find_tails(tails, spelled, text, start, end..gap_end, found);
                }
                if !node.goes_on || gap_end == text.len() {
                    break;
                }
                parent = id;
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
    let mut words = Vec::new();
    let mut word_start = None;
    let mut offset = 0;
    while offset < bytes.len() {
        let byte = bytes[offset];
        let (alphanumeric, width) = if byte.is_ascii() {
            (byte.is_ascii_alphanumeric(), 1)
        } else {
            let character = text[offset..].chars().next().expect("a char boundary");
            (character.is_alphanumeric(), character.len_utf8())
        };
        match (alphanumeric, word_start) {
            (true, None) => word_start = Some(offset),
            (false, Some(start)) => {
                words.push(start..offset);
                word_start = None;
            }
            _ => {}
        }
        offset += width;
    }
    if let Some(start) = word_start {
        words.push(start..bytes.len());
    }
    words
}

fn count(length: usize) -> u32 {
    u32::try_from(length).expect("fewer nodes and forms than bytes of forms, under 4 GiB")
}
