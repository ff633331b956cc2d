//! Where the HTML page draws each entity: a deterministic force-directed
//! layout computed at export time.
//!
//! Up to [`EXACT_REPULSION_LIMIT`] entities, every pair of entities repels
//! and a pass then moves labels apart (the article's graph). Larger graphs
//! take the Barnes–Hut approximation of the same repulsion ([`QuadTree`]),
//! and every step's forces are computed on all cores, each entity's on
//! its own and in a fixed order, so that the layout is the same bit for
//! bit on every machine and with any number of threads.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use rayon::prelude::*;

use crate::graph::KnowledgeGraph;

/// The ideal distance between linked entities, in the page's pixels at
/// zoom 1.
const EDGE_LENGTH: f64 = 90.0;

/// The strength of the exact layout's gravity toward the centre, per
/// unit of weight.
const GRAVITY: f64 = 0.5;

/// Above this many entities, repulsion is approximated by Barnes–Hut
/// ([`QuadTree`]) instead of summed over all pairs.
const EXACT_REPULSION_LIMIT: usize = 1500;

/// Steps of the exact layout.
const EXACT_STEPS: usize = 400;

/// Steps of the approximate layout. Its gravity holds it at its final size
/// from the first steps (see [`approximate_layout`]), so it needs fewer
/// than the exact one, and each step is what costs at 100,000 entities:
/// with 80, a 5,000-entity tree measures better than with 120 steps of the
/// nearest-cells repulsion this replaced (`docs/viewer.md`), and 60 worse.
const APPROXIMATE_STEPS: usize = 80;

/// A deterministic force-directed layout (Fruchterman and Reingold, with
/// repulsion weighted by degree as in ForceAtlas2, so that hubs keep room
/// for their neighbours), followed, up to [`EXACT_REPULSION_LIMIT`]
/// entities, by a pass that pulls apart entities whose labels would
/// overlap. Returns whole-pixel positions in entity order.
///
/// Only `+ - * /` and `sqrt` are used, which IEEE 754 defines exactly, and
/// every sum is taken in an order fixed by the input, so the result is the
/// same on every machine and with any number of threads.
pub(crate) fn layout(graph: &KnowledgeGraph) -> Vec<(i64, i64)> {
    let (x, y) = positions(graph);
    let (cx, cy) = centre(&x, &y);
    x.iter()
        .zip(&y)
        .map(|(&px, &py)| ((px - cx).round() as i64, (py - cy).round() as i64))
        .collect()
}

/// The unrounded positions of [`layout`].
fn positions(graph: &KnowledgeGraph) -> (Vec<f64>, Vec<f64>) {
    let entities = graph.entities();
    let count = entities.len();
    if count == 0 {
        return (Vec::new(), Vec::new());
    }
    let index: BTreeMap<&str, usize> = entities
        .iter()
        .enumerate()
        .map(|(position, entity)| (entity.id.as_str(), position))
        .collect();
    let links: Vec<(usize, usize)> = graph
        .relations()
        .iter()
        .filter_map(|relation| {
            let from = *index.get(relation.from.as_str())?;
            let to = *index.get(relation.to.as_str())?;
            (from != to).then_some((from.min(to), from.max(to)))
        })
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut degree = vec![0.0_f64; count];
    for &(a, b) in &links {
        degree[a] += 1.0;
        degree[b] += 1.0;
    }
    let side = EDGE_LENGTH * (count as f64).sqrt() * 1.5;
    let mut random = SplitMix64(0x6b67_7261_7068);
    let mut x: Vec<f64> = (0..count).map(|_| random.unit() * side).collect();
    let mut y: Vec<f64> = (0..count).map(|_| random.unit() * side).collect();
    if count <= EXACT_REPULSION_LIMIT {
        exact_layout(&links, &degree, side, &mut x, &mut y);
        compact(graph, &mut x, &mut y);
        separate_labels(graph, &mut x, &mut y);
    } else {
        let disc = DISC_LABEL_AREAS * label_area(graph);
        approximate_layout(&links, &degree, side, disc, &mut x, &mut y);
    }
    (x, y)
}

/// The temperature of step `step` of `steps`: the longest move an entity
/// may make, cooling linearly so that the layout settles.
fn temperature(side: f64, step: usize, steps: usize) -> f64 {
    side * 0.1 * (1.0 - step as f64 / steps as f64) + 1.0
}

/// Moves the entities at `x`, `y` (linked by `links`, sorted) under the
/// exact repulsion of every pair, springs along the links and gravity.
fn exact_layout(links: &[(usize, usize)], degree: &[f64], side: f64, x: &mut [f64], y: &mut [f64]) {
    let count = x.len();
    let k = EDGE_LENGTH;
    let gravity = GRAVITY;
    let mut dx = vec![0.0_f64; count];
    let mut dy = vec![0.0_f64; count];
    for iteration in 0..EXACT_STEPS {
        let temperature = temperature(side, iteration, EXACT_STEPS);
        dx.iter_mut().for_each(|value| *value = 0.0);
        dy.iter_mut().for_each(|value| *value = 0.0);
        let repel = |a: usize, b: usize, dx: &mut [f64], dy: &mut [f64]| {
            let (fx, fy) = repulsion(x[a] - x[b], y[a] - y[b], || a < b, degree[a], degree[b]);
            dx[a] += fx;
            dy[a] += fy;
            dx[b] -= fx;
            dy[b] -= fy;
        };
        for a in 0..count {
            for b in a + 1..count {
                repel(a, b, &mut dx, &mut dy);
            }
        }
        for &(a, b) in links {
            let ex = x[a] - x[b];
            let ey = y[a] - y[b];
            let distance = (ex * ex + ey * ey).sqrt();
            let force = distance / spring_length(degree[a], degree[b]);
            dx[a] -= ex * force;
            dy[a] -= ey * force;
            dx[b] += ex * force;
            dy[b] += ey * force;
        }
        let (cx, cy) = centre(x, y);
        for node in 0..count {
            // Gravity of constant strength toward the centre keeps loose
            // components close without crushing the hubs' neighbourhoods.
            let (gx, gy) = (x[node] - cx, y[node] - cy);
            let distance = (gx * gx + gy * gy).sqrt().max(1.0);
            dx[node] -= gx / distance * gravity * k * (degree[node] + 1.0);
            dy[node] -= gy / distance * gravity * k * (degree[node] + 1.0);
            let length = (dx[node] * dx[node] + dy[node] * dy[node]).sqrt();
            if length > 0.0 {
                let step = length.min(temperature);
                x[node] += dx[node] / length * step;
                y[node] += dy[node] / length * step;
            }
        }
    }
}

/// The length at which a link's spring pulls with the force of its
/// extension: longer at hubs, so that their many neighbours get room
/// around them instead of a crowded ring.
fn spring_length(degree_a: f64, degree_b: f64) -> f64 {
    let hub = degree_a.max(degree_b).sqrt();
    EDGE_LENGTH * (1.0 + hub / 4.0)
}

/// The approximate layout fills a disc of this many times the area of
/// all the label boxes: a drawing that fits a page at a zoom where labels
/// can be read, as [`compact`] gives the exact one, with room enough that
/// few labels overlap without [`separate_labels`], which is quadratic.
const DISC_LABEL_AREAS: f64 = 16.0;

/// Moves the entities at `x`, `y` (linked by `links`, sorted) under the
/// Barnes–Hut approximation of the exact layout's repulsion, the same
/// springs, and a gravity that holds the layout in a disc of area `disc`,
/// for large graphs.
///
/// Repulsion now reaches across the whole graph, and the whole graph's
/// repulsion on an entity grows with the graph. The exact layout's
/// gravity, of constant strength, could not hold it: an entity without
/// links (or a small component) would fly off, and the page, fitted to
/// the drawing's bounds, would show the graph as a dot. Here gravity
/// grows with the distance to the centre (ForceAtlas2's strong gravity),
/// scaled to balance the repulsion of a disc of area `disc` evenly filled
/// with the graph's weight, which pulls outward by exactly as much at
/// every radius: the layout settles at that size with an even density,
/// and whatever is further out is pulled back to its rim.
///
/// Each step computes every entity's force on its own, on all cores: its
/// repulsion from the [`QuadTree`], then its springs in the order of its
/// links, then gravity; then its move, into a second buffer, as the
/// others still read the step's positions. No sum is split between
/// threads, so the result does not depend on their number.
fn approximate_layout(
    links: &[(usize, usize)],
    degree: &[f64],
    side: f64,
    disc: f64,
    x: &mut Vec<f64>,
    y: &mut Vec<f64>,
) {
    let count = x.len();
    let neighbours = Neighbours::new(count, links, degree);
    let total_weight: f64 = degree.iter().map(|value| value + 1.0).sum();
    let radius_squared = disc / std::f64::consts::PI;
    // A uniform disc of radius R and weight W repels an entity of weight w
    // at distance r from its centre with k² w W r / R² (the weight within
    // r is W r² / R², and the repulsion falls with 1 / distance).
    let gravity = EDGE_LENGTH * EDGE_LENGTH * total_weight / radius_squared;
    let mut tree = QuadTree::default();
    let mut repulsion_x = vec![0.0_f64; count];
    let mut repulsion_y = vec![0.0_f64; count];
    let mut next_x = vec![0.0_f64; count];
    let mut next_y = vec![0.0_f64; count];
    for step in 0..APPROXIMATE_STEPS {
        let temperature = temperature(side, step, APPROXIMATE_STEPS);
        tree.repel(x, y, degree, &mut repulsion_x, &mut repulsion_y);
        let (cx, cy) = centre(x, y);
        let (x_now, y_now) = (&x[..], &y[..]);
        let (repulsion_x, repulsion_y) = (&repulsion_x[..], &repulsion_y[..]);
        next_x
            .par_iter_mut()
            .zip(next_y.par_iter_mut())
            .enumerate()
            .with_min_len(1024)
            .for_each(|(node, (next_x, next_y))| {
                let (px, py) = (x_now[node], y_now[node]);
                let (mut fx, mut fy) = (repulsion_x[node], repulsion_y[node]);
                for (other, length) in neighbours.of(node) {
                    let (ex, ey) = (px - x_now[other], py - y_now[other]);
                    let force = (ex * ex + ey * ey).sqrt() / length;
                    fx -= ex * force;
                    fy -= ey * force;
                }
                let pull = gravity * (degree[node] + 1.0);
                fx -= (px - cx) * pull;
                fy -= (py - cy) * pull;
                let length = (fx * fx + fy * fy).sqrt();
                (*next_x, *next_y) = if length > 0.0 {
                    let step = length.min(temperature);
                    (px + fx / length * step, py + fy / length * step)
                } else {
                    (px, py)
                };
            });
        std::mem::swap(x, &mut next_x);
        std::mem::swap(y, &mut next_y);
    }
}

/// Every entity's links, as the other end and the spring length, in
/// entity order and, for each, in the order of the sorted links.
struct Neighbours {
    /// Where each entity's neighbours start in `others`; one more entry
    /// for the end.
    starts: Vec<usize>,
    others: Vec<u32>,
    lengths: Vec<f64>,
}

impl Neighbours {
    fn new(count: usize, links: &[(usize, usize)], degree: &[f64]) -> Neighbours {
        let mut starts = vec![0; count + 1];
        for &(a, b) in links {
            starts[a + 1] += 1;
            starts[b + 1] += 1;
        }
        for node in 0..count {
            starts[node + 1] += starts[node];
        }
        let mut filled = starts.clone();
        let mut others = vec![0; links.len() * 2];
        let mut lengths = vec![0.0; links.len() * 2];
        for &(a, b) in links {
            let length = spring_length(degree[a], degree[b]);
            for (from, to) in [(a, b), (b, a)] {
                others[filled[from]] = to as u32;
                lengths[filled[from]] = length;
                filled[from] += 1;
            }
        }
        Neighbours {
            starts,
            others,
            lengths,
        }
    }

    fn of(&self, node: usize) -> impl Iterator<Item = (usize, f64)> + '_ {
        let range = self.starts[node]..self.starts[node + 1];
        self.others[range.clone()]
            .iter()
            .zip(&self.lengths[range])
            .map(|(&other, &length)| (other as usize, length))
    }
}

/// The repulsion between two entities `a` and `b` (`ex`, `ey` the vector
/// from `b` to `a`), as added to `a` and taken from `b`. `a_first` tells
/// which has the lower index, and so which way coincident points go.
#[inline]
fn repulsion(
    ex: f64,
    ey: f64,
    a_first: impl FnOnce() -> bool,
    degree_a: f64,
    degree_b: f64,
) -> (f64, f64) {
    let (mut ex, mut ey) = (ex, ey);
    let mut distance_squared = ex * ex + ey * ey;
    if distance_squared < 1e-6 {
        // Coincident points: push apart along a direction fixed by their
        // indices.
        ex = if a_first() { 0.5 } else { -0.5 };
        ey = 0.25;
        distance_squared = ex * ex + ey * ey;
    }
    let weight = (degree_a + 1.0) * (degree_b + 1.0);
    let force = EDGE_LENGTH * EDGE_LENGTH * weight / distance_squared.max(1.0);
    (ex * force, ey * force)
}

/// The Barnes–Hut opening criterion: a cell of side `s` stands for all
/// its entities in the repulsion of a group of entities when `s / d <
/// THETA`, `d` the distance from the cell's centre of mass to the group's
/// bounding box. ForceAtlas2 uses 1.2, from each entity; measured from
/// the group's box it is stricter: an entity's repulsion is off by about
/// 1 % (the median), by under 10 % for 99 entities in 100 (see the
/// tests), and the layouts measure the same as with 1.0, for about 15 %
/// less time.
const THETA: f64 = 1.2;

/// A leaf of the quadtree holds at most this many entities (more only
/// when they share the finest cell). A leaf is also the group that walks
/// the tree once for all its entities, and the entities of the leaves it
/// opens repel exactly, in a tight loop.
const LEAF_ENTITIES: usize = 16;

/// Levels of the quadtree: its finest cell is 1/65,536 of the layout's
/// side, well under a pixel.
const DEPTH: u32 = 16;

/// Running sums of a far list's terms.
const LANES: usize = 4;

/// Entities per task of the parallel force pass.
const TASK_ENTITIES: usize = 512;

/// A quadtree cell that holds entities, in the tree's preorder.
struct Cell {
    /// The centre of mass of the cell's entities, each weighted by its
    /// degree + 1 as in [`repulsion`].
    x: f64,
    y: f64,
    mass: f64,
    /// `(side / THETA)²`: beyond this squared distance from the centre of
    /// mass, the cell stands for its entities.
    far_squared: f64,
    /// The cell's entities: a range of the tree's sorted arrays.
    start: u32,
    end: u32,
    /// The cell after this one's subtree in preorder; `index + 1` for a
    /// leaf, as every other cell has at least two children.
    skip: u32,
}

/// Repulsion between all pairs of entities, approximated by Barnes and
/// Hut's quadtree, for large graphs: O(n log n) per step instead of
/// O(n²), and of full range, so that the layout does not collapse as with
/// a cut-off.
///
/// Deterministic bit for bit: the entities are sorted by the Morton code
/// of their cell, then by index; a cell is the smallest square of the
/// quadtree that holds a run of them, and its sums are taken in that
/// order. Each leaf then walks the tree in preorder once for its
/// entities, listing the cells far enough to stand for their entities and
/// the leaves near enough to repel exactly; each entity adds the terms of
/// these lists in their order. Threads only share out the entities, never
/// a sum, so the result is the same with any number of them. The buffers
/// are kept from step to step.
#[derive(Default)]
struct QuadTree {
    /// `Morton code << 32 | entity index`, sorted: the entities in tree
    /// order.
    keys: Vec<u64>,
    /// Position and degree of the entities in tree order.
    x: Vec<f64>,
    y: Vec<f64>,
    degree: Vec<f64>,
    cells: Vec<Cell>,
    /// The indices of the leaf cells, in preorder and so in the order of
    /// their entities.
    leaves: Vec<u32>,
    /// The repulsion of the entities in tree order.
    fx: Vec<f64>,
    fy: Vec<f64>,
}

impl QuadTree {
    /// Sets `dx`, `dy` to each entity's repulsion by all others.
    fn repel(&mut self, x: &[f64], y: &[f64], degree: &[f64], dx: &mut [f64], dy: &mut [f64]) {
        self.build(x, y, degree);
        let count = x.len();
        let QuadTree {
            keys,
            x,
            y,
            degree,
            cells,
            leaves,
            fx,
            fy,
        } = self;
        let tree = Tree {
            keys,
            x,
            y,
            degree,
            cells,
            leaves,
        };
        fx.clear();
        fx.resize(count, 0.0);
        fy.clear();
        fy.resize(count, 0.0);
        fx.par_chunks_mut(TASK_ENTITIES)
            .zip(fy.par_chunks_mut(TASK_ENTITIES))
            .enumerate()
            .for_each_init(Interactions::default, |lists, (task, (fx, fy))| {
                tree.repel(task * TASK_ENTITIES, fx, fy, lists);
            });
        for (position, &key) in keys.iter().enumerate() {
            let node = entity_of(key);
            dx[node] = fx[position];
            dy[node] = fy[position];
        }
    }

    /// Builds the tree of the entities at `x`, `y`.
    fn build(&mut self, x: &[f64], y: &[f64], degree: &[f64]) {
        let count = x.len();
        let bounds = |values: &[f64]| {
            values
                .iter()
                .fold((f64::MAX, f64::MIN), |(low, high), &value| {
                    (low.min(value), high.max(value))
                })
        };
        let (min_x, max_x) = bounds(x);
        let (min_y, max_y) = bounds(y);
        let side = (max_x - min_x).max(max_y - min_y).max(1.0);
        let cells_per_side = 1u32 << DEPTH;
        let scale = f64::from(cells_per_side) / side;
        // Float to integer conversion truncates, exactly; the largest
        // coordinate falls in the last cell.
        let cell = |value: f64, low: f64| (((value - low) * scale) as u32).min(cells_per_side - 1);
        if self.keys.len() != count {
            self.keys.clear();
            self.keys.extend(0..count as u64);
        }
        // The entities keep the last step's order, so that the sort has
        // little to do; its result does not depend on it, as the keys are
        // distinct.
        for key in &mut self.keys {
            let node = entity_of(*key);
            let code = morton(cell(x[node], min_x), cell(y[node], min_y));
            *key = u64::from(code) << 32 | node as u64;
        }
        self.keys.sort_unstable();
        let sorted = |values: &[f64], into: &mut Vec<f64>, keys: &[u64]| {
            into.clear();
            into.extend(keys.iter().map(|&key| values[entity_of(key)]));
        };
        sorted(x, &mut self.x, &self.keys);
        sorted(y, &mut self.y, &self.keys);
        sorted(degree, &mut self.degree, &self.keys);
        self.cells.clear();
        self.leaves.clear();
        if count > 0 {
            self.add_cell(0, count, side);
        }
    }

    /// Adds the smallest cell that holds the sorted entities
    /// `start..end`, then its subtree; returns its mass and the sums of
    /// its entities' positions weighted by mass.
    fn add_cell(&mut self, start: usize, end: usize, side: f64) -> (f64, f64, f64) {
        let code = |position: usize| (self.keys[position] >> 32) as u32;
        // Each level is two bits of the code: the cells that hold both the
        // first and the last entity (so all, as they are sorted) are the
        // levels of their common prefix.
        let depth = ((code(start) ^ code(end - 1)).leading_zeros() / 2).min(DEPTH);
        let cell_side = side / f64::from(1u32 << depth);
        let index = self.cells.len();
        self.cells.push(Cell {
            x: 0.0,
            y: 0.0,
            mass: 0.0,
            far_squared: 0.0,
            start: start as u32,
            end: end as u32,
            skip: 0,
        });
        let (mut mass, mut sum_x, mut sum_y) = (0.0, 0.0, 0.0);
        if end - start <= LEAF_ENTITIES || depth == DEPTH {
            self.leaves.push(index as u32);
            for position in start..end {
                let weight = self.degree[position] + 1.0;
                mass += weight;
                sum_x += weight * self.x[position];
                sum_y += weight * self.y[position];
            }
        } else {
            let shift = 2 * (DEPTH - 1 - depth);
            let quadrant = |key: u64| ((key >> 32) as u32 >> shift) & 3;
            let mut child_start = start;
            while child_start < end {
                let here = quadrant(self.keys[child_start]);
                let child_end = child_start
                    + self.keys[child_start..end].partition_point(|&key| quadrant(key) == here);
                let (child_mass, child_x, child_y) = self.add_cell(child_start, child_end, side);
                mass += child_mass;
                sum_x += child_x;
                sum_y += child_y;
                child_start = child_end;
            }
        }
        let far = cell_side / THETA;
        let skip = self.cells.len() as u32;
        let cell = &mut self.cells[index];
        (cell.x, cell.y, cell.mass) = (sum_x / mass, sum_y / mass, mass);
        cell.far_squared = far * far;
        cell.skip = skip;
        (mass, sum_x, sum_y)
    }
}

/// The built tree, read-only while the forces are computed.
struct Tree<'t> {
    keys: &'t [u64],
    x: &'t [f64],
    y: &'t [f64],
    degree: &'t [f64],
    cells: &'t [Cell],
    leaves: &'t [u32],
}

/// What repels the entities of one leaf: the cells far enough to stand
/// for their entities, and the ranges of entities near enough to repel
/// one by one.
#[derive(Default)]
struct Interactions {
    far_x: Vec<f64>,
    far_y: Vec<f64>,
    far_mass: Vec<f64>,
    near: Vec<Range<usize>>,
}

impl Tree<'_> {
    /// Sets `fx`, `fy` to the repulsion of the entities at tree positions
    /// `first..first + fx.len()`.
    fn repel(&self, first: usize, fx: &mut [f64], fy: &mut [f64], lists: &mut Interactions) {
        let end = first + fx.len();
        let cell_of = |leaf: &u32| &self.cells[*leaf as usize];
        let mut leaf = self
            .leaves
            .partition_point(|leaf| cell_of(leaf).end as usize <= first);
        while let Some(cell) = self.leaves.get(leaf).map(cell_of) {
            if cell.start as usize >= end {
                break;
            }
            self.interactions(cell, lists);
            let own = (cell.start as usize).max(first)..(cell.end as usize).min(end);
            for position in own {
                (fx[position - first], fy[position - first]) = self.force(position, lists);
            }
            leaf += 1;
        }
    }

    /// Lists what repels the entities of `leaf`, walking the tree in
    /// preorder.
    fn interactions(&self, leaf: &Cell, lists: &mut Interactions) {
        let group = leaf.start as usize..leaf.end as usize;
        let bounds = |values: &[f64]| {
            values[group.clone()]
                .iter()
                .fold((f64::MAX, f64::MIN), |(low, high), &value| {
                    (low.min(value), high.max(value))
                })
        };
        let (min_x, max_x) = bounds(self.x);
        let (min_y, max_y) = bounds(self.y);
        lists.far_x.clear();
        lists.far_y.clear();
        lists.far_mass.clear();
        lists.near.clear();
        let mut index = 0;
        while let Some(cell) = self.cells.get(index) {
            let (start, end, skip) = (cell.start as usize, cell.end as usize, cell.skip as usize);
            let is_leaf = skip == index + 1;
            // A cell that holds the group (the leaf itself or one of its
            // ancestors) never stands for its entities.
            let holds_group = start <= group.start && group.end <= end;
            let gap_x = (min_x - cell.x).max(cell.x - max_x).max(0.0);
            let gap_y = (min_y - cell.y).max(cell.y - max_y).max(0.0);
            if !holds_group && gap_x * gap_x + gap_y * gap_y > cell.far_squared {
                lists.far_x.push(cell.x);
                lists.far_y.push(cell.y);
                lists.far_mass.push(cell.mass);
                index = skip;
            } else if is_leaf {
                lists.near.push(start..end);
                index = skip;
            } else {
                index += 1;
            }
        }
    }

    /// The repulsion of the entity at `position` by what `lists` holds:
    /// the far cells as if each one's mass were at its centre, then the
    /// near entities one by one.
    fn force(&self, position: usize, lists: &Interactions) -> (f64, f64) {
        let (px, py, pdegree) = (self.x[position], self.y[position], self.degree[position]);
        let scale = EDGE_LENGTH * EDGE_LENGTH * (pdegree + 1.0);
        // Running sums, each term to the one of its place modulo LANES,
        // added up at the end: a fixed order that lets the processor
        // overlap the terms.
        let (mut sum_x, mut sum_y) = ([0.0; LANES], [0.0; LANES]);
        let far_x = lists.far_x.chunks_exact(LANES);
        let far_y = lists.far_y.chunks_exact(LANES);
        let far_mass = lists.far_mass.chunks_exact(LANES);
        let rest = (far_x.remainder(), far_y.remainder(), far_mass.remainder());
        for ((cx, cy), mass) in far_x.zip(far_y).zip(far_mass) {
            for lane in 0..LANES {
                let (ex, ey) = (px - cx[lane], py - cy[lane]);
                let force = scale * mass[lane] / (ex * ex + ey * ey).max(1.0);
                sum_x[lane] += ex * force;
                sum_y[lane] += ey * force;
            }
        }
        for lane in 0..rest.0.len() {
            let (ex, ey) = (px - rest.0[lane], py - rest.1[lane]);
            let force = scale * rest.2[lane] / (ex * ex + ey * ey).max(1.0);
            sum_x[lane] += ex * force;
            sum_y[lane] += ey * force;
        }
        let mut fx = (sum_x[0] + sum_x[1]) + (sum_x[2] + sum_x[3]);
        let mut fy = (sum_y[0] + sum_y[1]) + (sum_y[2] + sum_y[3]);
        let entity = entity_of(self.keys[position]);
        for range in &lists.near {
            for other in range.clone() {
                if other == position {
                    continue;
                }
                let (rx, ry) = repulsion(
                    px - self.x[other],
                    py - self.y[other],
                    || entity < entity_of(self.keys[other]),
                    pdegree,
                    self.degree[other],
                );
                fx += rx;
                fy += ry;
            }
        }
        (fx, fy)
    }
}

/// The entity index in a [`QuadTree`] key.
fn entity_of(key: u64) -> usize {
    (key & u64::from(u32::MAX)) as usize
}

/// The Morton (Z-order) code of a cell: the bits of `x` and `y`
/// interleaved, `y` higher, so that each two bits from the top choose a
/// quadrant and the cells of a quadrant are contiguous when sorted.
fn morton(x: u32, y: u32) -> u32 {
    fn spread(value: u32) -> u32 {
        let mut value = value & 0xffff;
        value = (value | value << 8) & 0x00ff_00ff;
        value = (value | value << 4) & 0x0f0f_0f0f;
        value = (value | value << 2) & 0x3333_3333;
        (value | value << 1) & 0x5555_5555
    }
    spread(y) << 1 | spread(x)
}

fn centre(x: &[f64], y: &[f64]) -> (f64, f64) {
    let count = x.len().max(1) as f64;
    (x.iter().sum::<f64>() / count, y.iter().sum::<f64>() / count)
}

/// Shrinks a sparse layout toward its centre until its area is a few
/// times what its labels need, so that the whole graph fits a page at a
/// zoom where labels can be read; [`separate_labels`] then opens the dense
/// parts again.
fn compact(graph: &KnowledgeGraph, x: &mut [f64], y: &mut [f64]) {
    let label_area = label_area(graph);
    let (cx, cy) = centre(x, y);
    let spread = |values: &[f64]| {
        values.iter().copied().fold(f64::MIN, f64::max)
            - values.iter().copied().fold(f64::MAX, f64::min)
    };
    let area = spread(x) * spread(y);
    let target = label_area * 4.0;
    if area <= target || area <= 0.0 {
        return;
    }
    let factor = (target / area).sqrt();
    for value in x.iter_mut() {
        *value = cx + (*value - cx) * factor;
    }
    for value in y.iter_mut() {
        *value = cy + (*value - cy) * factor;
    }
}

/// The area of all the label boxes at zoom 1.
fn label_area(graph: &KnowledgeGraph) -> f64 {
    graph
        .entities()
        .iter()
        .map(|entity| label_half_width(&entity.label) * 2.0 * LABEL_BOX_HEIGHT)
        .sum()
}

/// The height of a label's box, text and the gap to the next, at zoom 1.
const LABEL_BOX_HEIGHT: f64 = 30.0;

/// Half the width of a label's box at zoom 1 (12 px text, at most 32
/// characters, as the viewer draws it), with a margin.
fn label_half_width(label: &str) -> f64 {
    let characters = label.chars().count().min(32) as f64;
    (characters * 6.5).max(24.0) / 2.0 + 6.0
}

/// Moves entities apart until the boxes of their labels (as the viewer
/// draws them at zoom 1: 12 px text under the node) no longer overlap, or
/// a bounded number of passes is done.
fn separate_labels(graph: &KnowledgeGraph, x: &mut [f64], y: &mut [f64]) {
    const BOX_HEIGHT: f64 = LABEL_BOX_HEIGHT;
    let half_width: Vec<f64> = graph
        .entities()
        .iter()
        .map(|entity| label_half_width(&entity.label))
        .collect();
    let count = x.len();
    for _ in 0..500 {
        let mut moved = false;
        for a in 0..count {
            for b in a + 1..count {
                let overlap_x = half_width[a] + half_width[b] - (x[a] - x[b]).abs();
                let overlap_y = BOX_HEIGHT - (y[a] - y[b]).abs();
                if overlap_x <= 0.0 || overlap_y <= 0.0 {
                    continue;
                }
                moved = true;
                // Push along the axis that needs the smaller move.
                if overlap_x * 0.5 < overlap_y {
                    let push = overlap_x / 2.0 + 0.5;
                    let sign = if x[a] < x[b] || (x[a] == x[b] && a < b) {
                        -1.0
                    } else {
                        1.0
                    };
                    x[a] += sign * push;
                    x[b] -= sign * push;
                } else {
                    let push = overlap_y / 2.0 + 0.5;
                    let sign = if y[a] < y[b] || (y[a] == y[b] && a < b) {
                        -1.0
                    } else {
                        1.0
                    };
                    y[a] += sign * push;
                    y[b] -= sign * push;
                }
            }
        }
        if !moved {
            break;
        }
    }
}

/// A small, fixed pseudo-random sequence (SplitMix64) for the starting
/// positions: the same on every machine, unlike a seeded library RNG whose
/// algorithm may change between versions.
struct SplitMix64(u64);

impl SplitMix64 {
    fn unit(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::tests::graph_of;

    #[test]
    fn layout_is_deterministic_and_keeps_labels_apart() {
        let ids: Vec<String> = (0..40).map(|i| format!("n{i:02}")).collect();
        let id_refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        let links: Vec<(&str, &str)> = (1..40)
            .map(|i| (id_refs[0], id_refs[i]))
            .chain((1..39).map(|i| (id_refs[i], id_refs[i + 1])))
            .collect();
        let graph = graph_of(&id_refs, &links);
        let first = layout(&graph);
        assert_eq!(first, layout(&graph));
        for a in 0..first.len() {
            for b in a + 1..first.len() {
                let (ax, ay) = first[a];
                let (bx, by) = first[b];
                // Labels are three characters: boxes 24+12 px wide, 30 high.
                assert!(
                    (ax - bx).abs() >= 35 || (ay - by).abs() >= 29,
                    "{a} at {:?} and {b} at {:?} overlap",
                    first[a],
                    first[b]
                );
            }
        }
    }

    /// A graph of `count` entities in a binary tree, with a cross link every
    /// seventh entity, and `loose` entities without links, large enough for
    /// the approximate layout.
    fn tree_graph(count: usize, loose: usize) -> KnowledgeGraph {
        let ids: Vec<String> = (0..count + loose).map(|i| format!("n{i:05}")).collect();
        let id_refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        let links: Vec<(&str, &str)> = (1..count)
            .map(|i| (id_refs[i / 2], id_refs[i]))
            .chain((7..count).step_by(7).map(|i| (id_refs[i - 5], id_refs[i])))
            .collect();
        graph_of(&id_refs, &links)
    }

    /// `count` points with degrees from 0 to 9: a third in a wide square,
    /// the rest in a few dense clusters, and some on top of each other.
    fn scattered(count: usize) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
        let mut random = SplitMix64(7);
        let side = EDGE_LENGTH * 60.0;
        let (mut x, mut y) = (Vec::new(), Vec::new());
        for node in 0..count {
            let (cx, cy, spread) = match node % 3 {
                0 => (0.0, 0.0, side),
                cluster => (side * 0.3 * cluster as f64, side * 0.7, EDGE_LENGTH * 5.0),
            };
            x.push(cx + random.unit() * spread);
            y.push(cy + random.unit() * spread);
        }
        for node in (10..count).step_by(97) {
            (x[node], y[node]) = (x[node - 10], y[node - 10]);
        }
        let degree = (0..count).map(|node| ((node * 7) % 10) as f64).collect();
        (x, y, degree)
    }

    #[test]
    fn the_tree_repulsion_is_close_to_the_exact_sum() {
        let count = 3000;
        let (x, y, degree) = scattered(count);
        let (mut dx, mut dy) = (vec![0.0; count], vec![0.0; count]);
        QuadTree::default().repel(&x, &y, &degree, &mut dx, &mut dy);
        let mut errors: Vec<f64> = (0..count)
            .map(|a| {
                let (mut fx, mut fy) = (0.0, 0.0);
                for b in (0..count).filter(|&b| b != a) {
                    let (rx, ry) =
                        repulsion(x[a] - x[b], y[a] - y[b], || a < b, degree[a], degree[b]);
                    fx += rx;
                    fy += ry;
                }
                let (ex, ey) = (dx[a] - fx, dy[a] - fy);
                ((ex * ex + ey * ey) / (fx * fx + fy * fy)).sqrt()
            })
            .collect();
        errors.sort_by(f64::total_cmp);
        let (median, worst_percent) = (errors[count / 2], errors[count * 99 / 100]);
        assert!(median < 0.02, "median relative error {median}");
        assert!(worst_percent < 0.15, "99th percentile {worst_percent}");
    }

    #[test]
    fn the_large_layout_is_the_same_bit_for_bit_with_any_number_of_threads() {
        let in_pool = |threads: usize, run: &(dyn Fn() -> (Vec<f64>, Vec<f64>) + Sync)| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(run)
        };
        let bits = |(x, y): (Vec<f64>, Vec<f64>)| {
            x.iter()
                .chain(&y)
                .map(|value| value.to_bits())
                .collect::<Vec<_>>()
        };
        let count = 5000;
        let (x, y, degree) = scattered(count);
        let force_pass = || {
            let (mut dx, mut dy) = (vec![0.0; count], vec![0.0; count]);
            QuadTree::default().repel(&x, &y, &degree, &mut dx, &mut dy);
            (dx, dy)
        };
        let graph = tree_graph(1800, 20);
        let layout = || positions(&graph);
        let (one_force_pass, one_layout) =
            (bits(in_pool(1, &force_pass)), bits(in_pool(1, &layout)));
        for threads in [2, 3, 8] {
            assert!(
                bits(in_pool(threads, &force_pass)) == one_force_pass,
                "force pass on {threads} threads"
            );
            assert!(
                bits(in_pool(threads, &layout)) == one_layout,
                "layout on {threads} threads"
            );
        }
    }

    #[test]
    fn a_large_layout_shows_the_graph_in_a_disc_with_its_labels_apart() {
        let (count, loose) = (3000, 30);
        let graph = tree_graph(count, loose);
        let positions = layout(&graph);
        let point = |node: usize| (positions[node].0 as f64, positions[node].1 as f64);
        let distance = |a: usize, b: usize| {
            let ((ax, ay), (bx, by)) = (point(a), point(b));
            ((ax - bx) * (ax - bx) + (ay - by) * (ay - by)).sqrt()
        };
        // Labels are six characters: boxes 39+12 px wide, 30 high.
        let overlapping = (0..count + loose)
            .filter(|&a| {
                (0..count + loose).any(|b| {
                    let ((ax, ay), (bx, by)) = (point(a), point(b));
                    a != b && (ax - bx).abs() < 51.0 && (ay - by).abs() < 30.0
                })
            })
            .count();
        assert!(
            overlapping * 100 < (count + loose) * 3,
            "{overlapping} labels overlap"
        );
        // Linked entities are drawn near each other: a link is far shorter
        // than the distance between two entities taken at random.
        let mut links: Vec<f64> = (1..count).map(|node| distance(node / 2, node)).collect();
        let mut random = SplitMix64(3);
        let mut pairs: Vec<f64> = (0..count)
            .map(|_| {
                let pick = |random: &mut SplitMix64| (random.unit() * count as f64) as usize;
                distance(pick(&mut random), pick(&mut random))
            })
            .collect();
        links.sort_by(f64::total_cmp);
        pairs.sort_by(f64::total_cmp);
        let (link, pair) = (links[links.len() / 2], pairs[pairs.len() / 2]);
        assert!(link < pair * 0.2, "median link {link} px, pair {pair} px");
        // Entities without links stay by the disc, not flung away.
        let radius = (DISC_LABEL_AREAS * label_area(&graph) / std::f64::consts::PI).sqrt();
        let (cx, cy) = (0.0, 0.0);
        let furthest = (0..count + loose)
            .map(|node| {
                let (px, py) = point(node);
                ((px - cx) * (px - cx) + (py - cy) * (py - cy)).sqrt()
            })
            .fold(0.0, f64::max);
        assert!(
            furthest < radius * 1.1,
            "{furthest} px from the centre, radius {radius} px"
        );
    }
}
