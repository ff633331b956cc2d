//! The part of a snapshot a question reads: the entities and relations
//! that [`crate::query::neighbors`], [`crate::query::paths`] and a focused
//! [`Selection`] look at, found with the link index alone and decoded
//! record by record. The question itself is then asked of a graph of that
//! part with the very code that answers it over the whole data, so the
//! answer is the same by construction, as long as the part holds all that
//! code reads (the reasons are given at each function).

use std::collections::{BTreeSet, HashMap};
use std::io;

use crate::model::{Entity, Relation};
use crate::query::{ALL_PATHS_MAX_LEN, Direction, PathQuery, Selection};

use super::file::{Link, OBJECT, Records, SUBJECT, SYMMETRIC, Skeleton, SnapshotFile};

/// Which part of the graph a question reads, so that a snapshot decodes
/// no more (see [`read_part`](super::read_part)).
#[derive(Debug, Clone, Copy)]
pub enum Part<'q> {
    /// Everything: statistics, exports, drawings.
    Whole,
    /// What a selection with a focus reads: the entities within its depth
    /// of the focus, the relations among them and the entities named by
    /// `attributed_to` (`kg query neighbors`, `kg query subgraph`). Without
    /// a focus, everything.
    Around(&'q Selection),
    /// What the paths between two entities read (`kg query path`,
    /// `kg explain`).
    Between {
        /// Where the paths start: an id, label or alias.
        from: &'q str,
        /// Where they end: an id, label or alias.
        to: &'q str,
        /// Which paths.
        query: &'q PathQuery,
    },
}

/// Entities and relations read for a part, each list in id order.
pub(super) struct Found {
    pub(super) entities: Vec<Entity>,
    pub(super) relations: Vec<Relation>,
    /// True if they are every entity and relation of the snapshot.
    pub(super) whole: bool,
}

/// A walk that reaches more entities than this reads the whole snapshot
/// instead: past it, reading the links entity by entity costs more than
/// decoding everything in parallel.
const MOST_OF_THE_GRAPH: usize = 1 << 16;

pub(super) fn read(file: &SnapshotFile, part: Part) -> io::Result<Found> {
    let mut names = Names::new(file);
    let mut rows = Rows::new(file);
    let nodes = match part {
        Part::Whole => None,
        Part::Around(selection) => match &selection.focus {
            None => None,
            Some(focus) => {
                let center = names.resolve(&focus.entity)?;
                for name in &selection.attributed_to {
                    names.resolve(name)?;
                }
                match center {
                    Some(center) => ball(&mut rows, center, focus.depth, focus.direction)?,
                    None => Some(BTreeSet::new()),
                }
            }
        },
        Part::Between { from, to, query } => {
            let (from, to) = (names.resolve(from)?, names.resolve(to)?);
            let mut nodes = match (from, to) {
                (Some(from), Some(to)) => path_nodes(&file.skeleton()?, from, to, query),
                _ => BTreeSet::new(),
            };
            nodes.extend(from);
            nodes.extend(to);
            Some(nodes)
        }
    };
    let Some(nodes) = nodes else {
        let (entities, relations) = rayon::join(
            || file.all_records(Records::Entities),
            || file.all_records(Records::Relations),
        );
        return Ok(Found {
            entities: entities?,
            relations: relations?,
            whole: true,
        });
    };

    // Every relation with both ends among the nodes, in id order.
    let mut among = BTreeSet::new();
    for &node in &nodes {
        for link in rows.get(node)? {
            if nodes.contains(&link.other) {
                among.insert(link.relation);
            }
        }
    }
    let among: Vec<u32> = among.into_iter().collect();
    let relations: Vec<Relation> = file.records(Records::Relations, &among)?;
    if let Some(entities) = names.every_entity {
        return Ok(Found {
            entities,
            relations,
            whole: false,
        });
    }
    // The ends of those relations are among the nodes; the entities whose
    // view a relation reports are shown by label with it.
    let mut wanted: BTreeSet<u32> = nodes;
    wanted.extend(names.resolved);
    let holders: BTreeSet<&str> = relations
        .iter()
        .flat_map(|relation| relation.attributed_to.iter().map(String::as_str))
        .collect();
    for holder in holders {
        wanted.extend(file.find_entity(holder)?);
    }
    let wanted: Vec<u32> = wanted.into_iter().collect();
    Ok(Found {
        entities: file.records(Records::Entities, &wanted)?,
        relations,
        whole: false,
    })
}

/// Names resolved to entity positions as [`crate::query::resolve`] does:
/// an exact id by binary search over the records, a label or an alias
/// (any case) over the name index; a name found nowhere needs every name
/// to suggest the closest, so every entity is then decoded (and kept in
/// the part, so that the question fails with the same suggestion as over
/// the whole data).
struct Names<'f> {
    file: &'f SnapshotFile,
    resolved: BTreeSet<u32>,
    every_entity: Option<Vec<Entity>>,
}

impl<'f> Names<'f> {
    fn new(file: &'f SnapshotFile) -> Names<'f> {
        Names {
            file,
            resolved: BTreeSet::new(),
            every_entity: None,
        }
    }

    /// The position of the entity `name` names, if it names one.
    fn resolve(&mut self, name: &str) -> io::Result<Option<u32>> {
        if let Some(position) = self.file.find_entity(name)? {
            self.resolved.insert(position);
            return Ok(Some(position));
        }
        let named = self.file.find_names(&name.trim().to_lowercase())?;
        if !named.is_empty() {
            // Every entity with that name is in the part: the question
            // resolves it, or names them all as ambiguous.
            let one = (named.len() == 1).then(|| named[0]);
            self.resolved.extend(named);
            return Ok(one);
        }
        if self.every_entity.is_none() {
            self.every_entity = Some(self.file.all_records(Records::Entities)?);
        }
        let entities = self.every_entity.as_deref().unwrap_or_default();
        let Ok(entity) = crate::query::resolve_among(entities, name) else {
            return Ok(None);
        };
        Ok(entities
            .binary_search_by(|candidate| candidate.id.cmp(&entity.id))
            .ok()
            .map(|position| position as u32))
    }
}

/// Link rows read from the file once each.
struct Rows<'f> {
    file: &'f SnapshotFile,
    read: HashMap<u32, Vec<Link>>,
}

impl<'f> Rows<'f> {
    fn new(file: &'f SnapshotFile) -> Rows<'f> {
        Rows {
            file,
            read: HashMap::new(),
        }
    }

    fn get(&mut self, node: u32) -> io::Result<&[Link]> {
        if !self.read.contains_key(&node) {
            let row = self.file.row(node)?;
            self.read.insert(node, row);
        }
        Ok(&self.read[&node])
    }
}

/// Whether a walk in `direction` follows a link: as
/// [`crate::query::neighbors`] follows a relation, filters aside.
fn follows(flags: u8, direction: Direction) -> bool {
    let symmetric = flags & SYMMETRIC != 0;
    (flags & SUBJECT != 0 && (direction != Direction::In || symmetric))
        || (flags & OBJECT != 0 && (direction != Direction::Out || symmetric))
}

/// The entities within `depth` links of `center` followed in `direction`,
/// with no filter: the filters of a selection only remove relations and
/// entities from a walk, so every entity it reaches is in here, and so are
/// the relations among them that [`Selection::apply`] keeps. `None` when
/// the walk reaches most of the graph.
fn ball(
    rows: &mut Rows,
    center: u32,
    depth: usize,
    direction: Direction,
) -> io::Result<Option<BTreeSet<u32>>> {
    let mut seen = BTreeSet::from([center]);
    let mut frontier = vec![center];
    for _ in 0..depth {
        let mut next = Vec::new();
        for node in frontier {
            for link in rows.get(node)? {
                if follows(link.flags, direction) && seen.insert(link.other) {
                    next.push(link.other);
                }
            }
        }
        if seen.len() > MOST_OF_THE_GRAPH {
            return Ok(None);
        }
        if next.is_empty() {
            break;
        }
        frontier = next;
    }
    Ok(Some(seen))
}

/// The entities on the paths [`crate::KnowledgeGraph::shortest_path`] or
/// [`crate::KnowledgeGraph::simple_paths`] find from `from` to `to`.
///
/// With every relation among them, a graph of these entities gives the
/// same paths: its paths are paths of the whole graph, and it holds the
/// ones sought. For a shortest path, the one the whole graph gives (the
/// smallest ids step by step, found here the same way: entities are in id
/// order) is then also the smallest of the part's. For all simple paths up
/// to a length, every entity on one is within that length of both ends
/// together.
fn path_nodes(skeleton: &Skeleton, from: u32, to: u32, query: &PathQuery) -> BTreeSet<u32> {
    let directed = query.directed;
    // A link from a node to the next along relations (a symmetric one
    // either way), and from the previous one.
    let forward = move |flags: u8| {
        !directed || flags & SUBJECT != 0 || (flags & OBJECT != 0 && flags & SYMMETRIC != 0)
    };
    let backward = move |flags: u8| {
        !directed || flags & OBJECT != 0 || (flags & SUBJECT != 0 && flags & SYMMETRIC != 0)
    };
    let mut nodes = BTreeSet::from([from, to]);
    if query.all {
        let limit = query.limit().unwrap_or(ALL_PATHS_MAX_LEN);
        if from == to || limit == 0 {
            return nodes;
        }
        let from_start = distances(skeleton, from, limit, forward, None);
        let to_goal = distances(skeleton, to, limit, backward, None);
        nodes.extend((0..from_start.len() as u32).filter(|&node| {
            let (a, b) = (from_start[node as usize], to_goal[node as usize]);
            a != UNREACHED && b != UNREACHED && a as usize + b as usize <= limit
        }));
        return nodes;
    }
    let limit = query.max_len.unwrap_or(usize::MAX);
    let to_goal = distances(skeleton, to, limit, backward, Some(from));
    let mut distance = to_goal[from as usize];
    if distance == UNREACHED {
        return nodes;
    }
    let mut node = from;
    while node != to {
        let next = skeleton
            .row(node)
            .filter(|&(other, flags)| {
                other != node && forward(flags) && to_goal[other as usize] == distance - 1
            })
            .map(|(other, _)| other)
            .min();
        let Some(next) = next else {
            return nodes;
        };
        node = next;
        distance -= 1;
        nodes.insert(node);
    }
    nodes
}

const UNREACHED: u32 = u32::MAX;

/// Distances in links from `source` along links `follow` admits, up to
/// `limit`; [`UNREACHED`] beyond. With `stop`, the search ends once
/// `stop` has its distance, which every entity closer to `source` then
/// has too.
fn distances(
    skeleton: &Skeleton,
    source: u32,
    limit: usize,
    follow: impl Fn(u8) -> bool,
    stop: Option<u32>,
) -> Vec<u32> {
    let mut distance = vec![UNREACHED; skeleton.len()];
    distance[source as usize] = 0;
    let mut frontier = vec![source];
    let mut level = 0u32;
    while !frontier.is_empty()
        && (level as usize) < limit
        && stop.is_none_or(|stop| distance[stop as usize] == UNREACHED)
    {
        level += 1;
        let mut next = Vec::new();
        for node in frontier {
            for (other, flags) in skeleton.row(node) {
                if follow(flags) && distance[other as usize] == UNREACHED {
                    distance[other as usize] = level;
                    next.push(other);
                }
            }
        }
        frontier = next;
    }
    distance
}
