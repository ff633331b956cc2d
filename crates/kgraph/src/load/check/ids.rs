//! Ids in bulk: looked up among a million, sorted by the million. At a
//! million entities and five million relations, a `HashMap<&str, _>` over
//! strings scattered on the heap and a sort that compares them through
//! their pointers spend most of their time waiting for memory; here the ids
//! looked up are copied into one block, and a sort compares a copy of each
//! id's first bytes, reading the strings themselves only on a tie.

use std::hash::BuildHasher;

use rayon::prelude::*;

/// Seeded anew for each index: a corpus from a stranger cannot be made of
/// ids that all land in one run of slots, which would make every lookup
/// walk them. No order is ever read from the table, so what it holds where
/// changes nothing that is reported.
type Hasher = foldhash::fast::RandomState;

/// Ids and their positions in the slice they came from, looked up by hash.
/// The ids are copied, end to end, into one block, so that a lookup touches
/// the table and that block and nothing else.
pub(super) struct IdIndex<H = Hasher> {
    hasher: H,
    /// All ids, end to end, in the order given.
    text: String,
    /// Where id `i` starts in `text`; `starts[i + 1]` is where it ends.
    starts: Vec<usize>,
    /// Open addressing, linear probing, at most half full: 0 for an empty
    /// slot, else the upper half of the id's hash (to skip most wrong
    /// slots without reading the id) and its position plus 1.
    slots: Vec<u64>,
}

impl IdIndex {
    /// The index of `ids`; where one id is given twice, the first is found.
    pub(super) fn new<'a>(ids: impl ExactSizeIterator<Item = &'a str>) -> IdIndex {
        IdIndex::with_hasher(ids, Hasher::default())
    }
}

impl<H: BuildHasher> IdIndex<H> {
    /// The index of `ids`, hashed by `hasher`.
    fn with_hasher<'a>(ids: impl ExactSizeIterator<Item = &'a str>, hasher: H) -> IdIndex<H> {
        let capacity = (ids.len() * 2).next_power_of_two().max(8);
        let mut index = IdIndex {
            hasher,
            text: String::new(),
            starts: Vec::with_capacity(ids.len() + 1),
            slots: vec![0; capacity],
        };
        for (position, id) in ids.enumerate() {
            index.starts.push(index.text.len());
            index.text.push_str(id);
            if index.get(id).is_some() {
                continue;
            }
            let position = u32::try_from(position + 1).expect("fewer than 2^32 ids");
            let hash = index.hasher.hash_one(id);
            let mut slot = hash as usize & (capacity - 1);
            while index.slots[slot] != 0 {
                slot = (slot + 1) & (capacity - 1);
            }
            index.slots[slot] = (hash & 0xffff_ffff_0000_0000) | u64::from(position);
        }
        index.starts.push(index.text.len());
        index
    }

    /// The position of `id` in the ids given, if it is one of them.
    pub(super) fn get(&self, id: &str) -> Option<usize> {
        self.get_hashed(id, self.hash(id))
    }

    /// The hash [`IdIndex::get_hashed`] takes. Hashing many ids first,
    /// then looking them all up, lets the processor wait for several
    /// slots at once, where one lookup after another waits for each.
    pub(super) fn hash(&self, id: &str) -> u64 {
        self.hasher.hash_one(id)
    }

    /// The position of `id`, whose [`IdIndex::hash`] is `hash`.
    pub(super) fn get_hashed(&self, id: &str, hash: u64) -> Option<usize> {
        let mask = self.slots.len() - 1;
        let mut slot = hash as usize & mask;
        loop {
            let entry = self.slots[slot];
            if entry == 0 {
                return None;
            }
            if entry >> 32 == hash >> 32 {
                // The low half holds the position plus 1.
                let position = (entry & 0xffff_ffff) as usize - 1;
                if &self.text[self.starts[position]..self.starts[position + 1]] == id {
                    return Some(position);
                }
            }
            slot = (slot + 1) & mask;
        }
    }
}

/// How many leading bytes of an id a sort key holds: relation ids derived
/// from endpoints (`republic-of-momo-pado.threatens...`) mostly differ
/// within 24 bytes, and 16 leave ties among a tenth of them.
const KEY_BYTES: usize = 24;

/// The first [`KEY_BYTES`] of an id, zero-padded, as numbers that compare
/// as the bytes do. If `a < b` then `key(a) <= key(b)`, so keys that differ
/// order their ids; equal keys say nothing, and the ids are compared.
fn sort_key(id: &str) -> [u64; 3] {
    let mut bytes = [0u8; KEY_BYTES];
    let length = id.len().min(KEY_BYTES);
    bytes[..length].copy_from_slice(&id.as_bytes()[..length]);
    let word = |at: usize| u64::from_be_bytes(bytes[at..at + 8].try_into().expect("8 bytes"));
    [word(0), word(8), word(16)]
}

/// An id's sort key and where the id is.
#[derive(Clone, Copy)]
struct Keyed {
    key: [u64; 3],
    index: usize,
}

/// What a relation id that cannot be used collides with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Taken {
    /// An entity has it: the entity's index.
    ByEntity(usize),
    /// An earlier relation has it: that relation's index.
    ByRelation(usize),
}

/// The relation ids checked against each other and against the entities'.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct IdUse {
    /// The relations whose id is theirs, by index, in order of id.
    pub(super) kept: Vec<usize>,
    /// The others, by index, in file order, with what took their id.
    pub(super) taken: Vec<(usize, Taken)>,
}

/// Sorts the relation ids (`None` for a relation that has none) and finds
/// those taken: by an entity (`entity_ids` sorted and unique), or by an
/// earlier relation. Gives what checking them one by one in file order
/// against a map of the ids seen so far, the entities' first, would give,
/// but on every core.
pub(super) fn check_relation_ids(ids: &[Option<String>], entity_ids: &[&str]) -> IdUse {
    let id = |index: usize| {
        ids[index]
            .as_deref()
            .expect("only ids that exist are keyed")
    };
    let mut keyed: Vec<Keyed> = ids
        .par_iter()
        .enumerate()
        .filter_map(|(index, id)| {
            id.as_deref().map(|id| Keyed {
                key: sort_key(id),
                index,
            })
        })
        .collect();
    // By id, then by file order: the first of equal ids is the first used.
    keyed.par_sort_unstable_by(|a, b| {
        a.key
            .cmp(&b.key)
            .then_with(|| id(a.index).cmp(id(b.index)))
            .then(a.index.cmp(&b.index))
    });
    let mut kept = Vec::with_capacity(keyed.len());
    let mut taken = Vec::new();
    let mut entities = entity_ids
        .iter()
        .map(|&id| (sort_key(id), id))
        .enumerate()
        .peekable();
    let mut start = 0;
    while start < keyed.len() {
        let first = keyed[start];
        let first_id = id(first.index);
        let mut end = start + 1;
        while end < keyed.len() && keyed[end].key == first.key && id(keyed[end].index) == first_id {
            end += 1;
        }
        // Entity ids come in the same order: walk them alongside.
        let mut entity = None;
        while let Some((position, (key, entity_id))) = entities.peek() {
            match key.cmp(&first.key).then_with(|| (*entity_id).cmp(first_id)) {
                std::cmp::Ordering::Less => {
                    entities.next();
                }
                std::cmp::Ordering::Equal => {
                    entity = Some(*position);
                    break;
                }
                std::cmp::Ordering::Greater => break,
            }
        }
        match entity {
            Some(entity) => taken.extend(
                keyed[start..end]
                    .iter()
                    .map(|used| (used.index, Taken::ByEntity(entity))),
            ),
            None => {
                kept.push(first.index);
                taken.extend(
                    keyed[start + 1..end]
                        .iter()
                        .map(|used| (used.index, Taken::ByRelation(first.index))),
                );
            }
        }
        start = end;
    }
    taken.par_sort_unstable_by_key(|(index, _)| *index);
    IdUse { kept, taken }
}

/// Puts `items[order[p]]` at `p`, for every `p`, in place: `order` must
/// hold each index of `items` once. Each item moves once (by swaps along
/// the permutation's cycles), where a sort would move it many times.
pub(super) fn permute<T>(items: &mut [T], order: &[usize]) {
    assert_eq!(items.len(), order.len(), "a permutation of the items");
    let mut placed = vec![false; items.len()];
    for start in 0..items.len() {
        if placed[start] {
            continue;
        }
        // The item first at `start` is carried along the cycle until the
        // place it belongs to comes up.
        let mut here = start;
        loop {
            placed[here] = true;
            let from = order[here];
            if from == start {
                break;
            }
            items.swap(here, from);
            here = from;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use proptest::prelude::*;

    use super::*;

    /// A hash that makes every id collide with every other.
    #[derive(Clone, Copy)]
    struct SameHash;

    impl BuildHasher for SameHash {
        type Hasher = SameHasher;
        fn build_hasher(&self) -> SameHasher {
            SameHasher
        }
    }

    struct SameHasher;

    impl std::hash::Hasher for SameHasher {
        fn finish(&self) -> u64 {
            0x1234_5678_0000_0007
        }
        fn write(&mut self, _: &[u8]) {}
    }

    /// The check as it was written first: one pass in file order over a
    /// map of the ids seen, the entities' first.
    fn one_by_one(ids: &[Option<String>], entity_ids: &[&str]) -> IdUse {
        let mut seen: HashMap<&str, Taken> = HashMap::new();
        for (position, id) in entity_ids.iter().enumerate() {
            seen.insert(id, Taken::ByEntity(position));
        }
        let mut kept = Vec::new();
        let mut taken = Vec::new();
        for (index, id) in ids.iter().enumerate() {
            let Some(id) = id else { continue };
            match seen.get(id.as_str()) {
                Some(first) => taken.push((index, *first)),
                None => {
                    seen.insert(id, Taken::ByRelation(index));
                    kept.push(index);
                }
            }
        }
        kept.sort_by_key(|&index| ids[index].as_deref());
        IdUse { kept, taken }
    }

    /// Ids from a few letters, so that they repeat; some longer than a
    /// sort key, sharing its bytes and differing after, some a prefix of
    /// another, some with a zero byte where a key pads with zeros.
    fn id() -> impl Strategy<Value = String> {
        let stem = prop::sample::select(vec![
            "",
            "a",
            "ab",
            "republic-of-momo-pado",
            "republic-of-momo-pado.threatens",
            "republic-of-momo-pado.threatens.x",
        ]);
        (stem, "[ab\u{0}]{0,3}").prop_map(|(stem, tail)| format!("{stem}{tail}"))
    }

    proptest! {
        #[test]
        fn relation_ids_are_checked_as_one_by_one_in_file_order(
            ids in prop::collection::vec(prop::option::weighted(0.9, id()), 0..60),
            entity_ids in prop::collection::btree_set(id(), 0..8),
        ) {
            let entity_ids: Vec<&str> = entity_ids.iter().map(String::as_str).collect();
            prop_assert_eq!(
                check_relation_ids(&ids, &entity_ids),
                one_by_one(&ids, &entity_ids)
            );
        }

        #[test]
        fn an_id_index_finds_each_id_it_holds_and_no_other(
            ids in prop::collection::vec(id(), 0..40),
            other in id(),
        ) {
            let index = IdIndex::new(ids.iter().map(String::as_str));
            for id in &ids {
                let found = index.get(id);
                prop_assert_eq!(found, ids.iter().position(|given| given == id));
            }
            prop_assert_eq!(index.get(&other), ids.iter().position(|given| *given == other));
        }

        #[test]
        fn an_id_index_tells_apart_ids_whose_hashes_are_all_equal(
            ids in prop::collection::vec(id(), 0..40),
            other in id(),
        ) {
            // Every id in one slot's run, each hash's upper half equal:
            // only comparing the ids themselves can find the right one.
            let index = IdIndex::with_hasher(ids.iter().map(String::as_str), SameHash);
            for id in ids.iter().chain([&other]) {
                prop_assert_eq!(index.get(id), ids.iter().position(|given| given == id));
            }
        }

        #[test]
        fn permute_puts_each_item_where_the_order_says(
            order in (0..50usize).prop_flat_map(|n| Just((0..n).collect::<Vec<_>>()).prop_shuffle()),
        ) {
            let mut items: Vec<usize> = (100..100 + order.len()).collect();
            permute(&mut items, &order);
            let expected: Vec<usize> = order.iter().map(|from| 100 + from).collect();
            prop_assert_eq!(items, expected);
        }
    }

    #[test]
    fn sort_keys_order_ids_as_their_bytes_do_or_tie() {
        let ids = [
            "b",
            "ba",
            "",
            "\u{0}",
            "a",
            "a\u{0}",
            "ab",
            "republic-of-momo-pado.a",
            "republic-of-momo-pado.b",
        ];
        for a in ids {
            for b in ids {
                if sort_key(a) < sort_key(b) {
                    assert!(a < b, "{a:?} {b:?}");
                }
            }
        }
        assert!(sort_key("republic-of-momo-pado.a") < sort_key("republic-of-momo-pado.b"));
    }
}
