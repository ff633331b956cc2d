//! Where the HTML page draws each entity: a deterministic force-directed
//! layout computed at export time.

use std::collections::{BTreeMap, BTreeSet};

use crate::graph::KnowledgeGraph;

/// The ideal distance between linked entities, in the page's pixels at
/// zoom 1.
const EDGE_LENGTH: f64 = 90.0;

/// Above this many entities, repulsion is computed only between entities
/// in neighbouring grid cells, so that the layout stays linear in size.
const EXACT_REPULSION_LIMIT: usize = 1500;

/// A deterministic force-directed layout (Fruchterman and Reingold, with
/// repulsion weighted by degree as in ForceAtlas2, so that hubs keep room
/// for their neighbours), followed by a pass that pulls apart entities
/// whose labels would overlap. Returns whole-pixel positions in entity
/// order.
///
/// Only `+ - * /` and `sqrt` are used, which IEEE 754 defines exactly, so
/// the result is the same on every machine.
pub(crate) fn layout(graph: &KnowledgeGraph) -> Vec<(i64, i64)> {
    let (x, y) = positions(graph, Grid::default());
    let (cx, cy) = centre(&x, &y);
    x.iter()
        .zip(&y)
        .map(|(&px, &py)| ((px - cx).round() as i64, (py - cy).round() as i64))
        .collect()
}

/// The unrounded positions of [`layout`], with `grid` for the repulsion of
/// large graphs.
fn positions(graph: &KnowledgeGraph, mut grid: Grid) -> (Vec<f64>, Vec<f64>) {
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
    let links: BTreeSet<(usize, usize)> = graph
        .relations()
        .iter()
        .filter_map(|relation| {
            let from = *index.get(relation.from.as_str())?;
            let to = *index.get(relation.to.as_str())?;
            (from != to).then_some((from.min(to), from.max(to)))
        })
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
    let iterations = if count <= EXACT_REPULSION_LIMIT {
        400
    } else {
        120
    };
    let k = EDGE_LENGTH;
    let gravity = 0.5;
    let mut dx = vec![0.0_f64; count];
    let mut dy = vec![0.0_f64; count];
    for iteration in 0..iterations {
        let temperature = side * 0.1 * (1.0 - iteration as f64 / iterations as f64) + 1.0;
        dx.iter_mut().for_each(|value| *value = 0.0);
        dy.iter_mut().for_each(|value| *value = 0.0);
        if count <= EXACT_REPULSION_LIMIT {
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
        } else {
            grid.repel(&x, &y, &degree, &mut dx, &mut dy);
        }
        for &(a, b) in &links {
            let ex = x[a] - x[b];
            let ey = y[a] - y[b];
            let distance = (ex * ex + ey * ey).sqrt();
            // Longer springs at hubs, so that their many neighbours get room
            // around them instead of a crowded ring.
            let hub = degree[a].max(degree[b]).sqrt();
            let force = distance / (k * (1.0 + hub / 4.0));
            dx[a] -= ex * force;
            dy[a] -= ey * force;
            dx[b] += ex * force;
            dy[b] += ey * force;
        }
        let (cx, cy) = centre(&x, &y);
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
    if count <= EXACT_REPULSION_LIMIT {
        compact(graph, &mut x, &mut y);
        separate_labels(graph, &mut x, &mut y);
    }
    (x, y)
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

/// The neighbour cells of a cell whose pairs it computes, in the order
/// they are visited: each pair of neighbouring cells once.
const NEIGHBOURS: [(i64, i64); 5] = [(0, 0), (1, 0), (1, 1), (0, 1), (-1, 1)];

/// The neighbours that reach into the next grid column, which a part
/// replays for the column just before its own.
const INTO_NEXT_COLUMN: [(i64, i64); 2] = [(1, 0), (1, 1)];

/// The neighbour that reaches into the previous grid column, which a part
/// replays for the column just after its own.
const INTO_PREVIOUS_COLUMN: [(i64, i64); 1] = [(-1, 1)];

/// About this many entities go to one part of the parallel repulsion:
/// enough that a part's replayed border columns cost little beside it.
const PART_ENTITIES: usize = 4096;

/// Repulsion between entities in neighbouring cells of a square grid, for
/// large graphs. The entities are sorted by cell (then by index) into
/// contiguous arrays, so that the inner loop reads memory in order; the
/// pairs are visited in the order of the cells (by `(column, row)`), of
/// the neighbour offsets and of the entities in each cell, and every
/// entity's force is summed in that order, so the floating-point result
/// is the same on every run and every machine.
///
/// The work is split into parts of whole grid columns, run on all cores.
/// An entity in column `c` gets its terms from the visits of columns
/// `c - 1`, `c` and `c + 1`, in that order. A part therefore also replays
/// the visit of the column before it (only the offsets that reach into
/// its first column) and of the column after it (only the offset that
/// reaches back into its last column), into its own buffer: every entity
/// of the part gets the same terms in the same order as in one sequential
/// pass, so the sums are bit for bit the same whatever the number of
/// parts.
struct Grid {
    /// Entity indices sorted by cell, then index.
    order: Vec<usize>,
    /// Each entity's cell, by entity index.
    cell_of: Vec<(i64, i64)>,
    /// The cells with entities, sorted, with their range in `order`.
    cells: Vec<((i64, i64), usize, usize)>,
    x: Vec<f64>,
    y: Vec<f64>,
    degree: Vec<f64>,
    dx: Vec<f64>,
    dy: Vec<f64>,
    /// About how many entities one part gets; `usize::MAX` for one
    /// sequential pass.
    part_entities: usize,
    /// How many parts the last call to [`Grid::repel`] used.
    parts: usize,
}

impl Default for Grid {
    fn default() -> Grid {
        Grid::with_part_entities(PART_ENTITIES)
    }
}

/// The sorted grid, read-only while the parts run.
struct Cells<'g> {
    cells: &'g [((i64, i64), usize, usize)],
    order: &'g [usize],
    x: &'g [f64],
    y: &'g [f64],
    degree: &'g [f64],
}

impl Cells<'_> {
    /// Adds the repulsion of the pairs that the cells `visited` form with
    /// their neighbours at `offsets` to `dx`, `dy`, which hold the sorted
    /// entities from position `base` on (every entity that these pairs
    /// touch).
    fn repel(
        &self,
        visited: std::ops::Range<usize>,
        offsets: &[(i64, i64)],
        base: usize,
        dx: &mut [f64],
        dy: &mut [f64],
    ) {
        let (sx, sy, sdegree, order) = (self.x, self.y, self.degree, self.order);
        for &((cx, cy), start, end) in &self.cells[visited] {
            for &(ox, oy) in offsets {
                let key = (cx + ox, cy + oy);
                let Ok(found) = self.cells.binary_search_by_key(&key, |&(k, _, _)| k) else {
                    continue;
                };
                let (_, other_start, other_end) = self.cells[found];
                for a in start..end {
                    let first = if (ox, oy) == (0, 0) {
                        a + 1
                    } else {
                        other_start
                    };
                    let (ax, ay, adegree) = (sx[a], sy[a], sdegree[a]);
                    let (mut fxa, mut fya) = (dx[a - base], dy[a - base]);
                    // Slices of one length, so that the loop has no bounds
                    // checks; the entity order is read only for coincident
                    // points.
                    let range = first..other_end.max(first);
                    let local = range.start - base..range.end - base;
                    let (bx, by, bdegree) =
                        (&sx[range.clone()], &sy[range.clone()], &sdegree[range]);
                    let (bdx, bdy) = (&mut dx[local.clone()], &mut dy[local]);
                    let others = bx.iter().zip(by).zip(bdegree).zip(bdx.iter_mut().zip(bdy));
                    for (offset, (((&bxv, &byv), &bdegreev), (bdxv, bdyv))) in others.enumerate() {
                        let (fx, fy) = repulsion(
                            ax - bxv,
                            ay - byv,
                            || order[a] < order[first + offset],
                            adegree,
                            bdegreev,
                        );
                        fxa += fx;
                        fya += fy;
                        *bdxv -= fx;
                        *bdyv -= fy;
                    }
                    dx[a - base] = fxa;
                    dy[a - base] = fya;
                }
            }
        }
    }
}

impl Grid {
    fn with_part_entities(part_entities: usize) -> Grid {
        Grid {
            order: Vec::new(),
            cell_of: Vec::new(),
            cells: Vec::new(),
            x: Vec::new(),
            y: Vec::new(),
            degree: Vec::new(),
            dx: Vec::new(),
            dy: Vec::new(),
            part_entities,
            parts: 0,
        }
    }

    /// Adds the repulsion of every pair of entities in neighbouring cells
    /// to `dx`, `dy`.
    fn repel(&mut self, x: &[f64], y: &[f64], degree: &[f64], dx: &mut [f64], dy: &mut [f64]) {
        use rayon::prelude::*;

        let cell = EDGE_LENGTH * 2.0;
        let count = x.len();
        self.cell_of.clear();
        self.cell_of.extend(
            x.iter()
                .zip(y)
                .map(|(&px, &py)| ((px / cell).floor() as i64, (py / cell).floor() as i64)),
        );
        self.order.clear();
        self.order.extend(0..count);
        let cell_of = &self.cell_of;
        self.order
            .sort_unstable_by_key(|&node| (cell_of[node], node));
        self.cells.clear();
        for (position, &node) in self.order.iter().enumerate() {
            match self.cells.last_mut() {
                Some((key, _, end)) if *key == cell_of[node] => *end = position + 1,
                _ => self.cells.push((cell_of[node], position, position + 1)),
            }
        }
        let sorted = |values: &[f64], into: &mut Vec<f64>| {
            into.clear();
            into.extend(self.order.iter().map(|&node| values[node]));
        };
        sorted(x, &mut self.x);
        sorted(y, &mut self.y);
        sorted(degree, &mut self.degree);
        self.dx.clear();
        self.dx.resize(count, 0.0);
        self.dy.clear();
        self.dy.resize(count, 0.0);
        let grid = Cells {
            cells: &self.cells,
            order: &self.order,
            x: &self.x,
            y: &self.y,
            degree: &self.degree,
        };
        let columns = column_starts(&self.cells);
        let parts = parts_of(&self.cells, &columns, self.part_entities);
        self.parts = parts.len();
        if parts.len() <= 1 {
            grid.repel(
                0..self.cells.len(),
                &NEIGHBOURS,
                0,
                &mut self.dx,
                &mut self.dy,
            );
        } else {
            // Each part's first and last column (indices into `columns`)
            // and its slice of the output.
            let mut pieces: Vec<(usize, usize, &mut [f64], &mut [f64])> = Vec::new();
            let (mut rest_dx, mut rest_dy) = (&mut self.dx[..], &mut self.dy[..]);
            let mut taken = 0;
            for &(first, last) in &parts {
                let end = column_cells(&columns, self.cells.len(), last).end;
                let end = self.cells[end - 1].2;
                let (part_dx, tail_dx) = rest_dx.split_at_mut(end - taken);
                let (part_dy, tail_dy) = rest_dy.split_at_mut(end - taken);
                pieces.push((first, last, part_dx, part_dy));
                (rest_dx, rest_dy, taken) = (tail_dx, tail_dy, end);
            }
            let cells = &self.cells;
            pieces
                .into_par_iter()
                .for_each(|(first, last, out_dx, out_dy)| {
                    let entities = |column: usize| {
                        let range = column_cells(&columns, cells.len(), column);
                        cells[range.start].1..cells[range.end - 1].2
                    };
                    let cx = |column: usize| cells[columns[column]].0.0;
                    let before = (first > 0 && cx(first - 1) == cx(first) - 1).then(|| first - 1);
                    let after = (last + 1 < columns.len() && cx(last + 1) == cx(last) + 1)
                        .then(|| last + 1);
                    let own = entities(first).start..entities(last).end;
                    let base = before.map_or(own.start, |column| entities(column).start);
                    let limit = after.map_or(own.end, |column| entities(column).end);
                    let mut local_dx = vec![0.0_f64; limit - base];
                    let mut local_dy = vec![0.0_f64; limit - base];
                    if let Some(column) = before {
                        let visited = column_cells(&columns, cells.len(), column);
                        grid.repel(
                            visited,
                            &INTO_NEXT_COLUMN,
                            base,
                            &mut local_dx,
                            &mut local_dy,
                        );
                    }
                    let visited = columns[first]..column_cells(&columns, cells.len(), last).end;
                    grid.repel(visited, &NEIGHBOURS, base, &mut local_dx, &mut local_dy);
                    if let Some(column) = after {
                        let visited = column_cells(&columns, cells.len(), column);
                        grid.repel(
                            visited,
                            &INTO_PREVIOUS_COLUMN,
                            base,
                            &mut local_dx,
                            &mut local_dy,
                        );
                    }
                    let mine = own.start - base..own.end - base;
                    // The parts cover the columns in order, so a part's slice of
                    // the output is exactly its own entities.
                    out_dx.copy_from_slice(&local_dx[mine.clone()]);
                    out_dy.copy_from_slice(&local_dy[mine]);
                });
        }
        for (position, &node) in self.order.iter().enumerate() {
            dx[node] = self.dx[position];
            dy[node] = self.dy[position];
        }
    }
}

/// The index in `cells` of the first cell of every grid column.
fn column_starts(cells: &[((i64, i64), usize, usize)]) -> Vec<usize> {
    let mut starts = Vec::new();
    for (index, &((cx, _), _, _)) in cells.iter().enumerate() {
        if index == 0 || cells[index - 1].0.0 != cx {
            starts.push(index);
        }
    }
    starts
}

/// The cells of column number `column` (an index into `columns`).
fn column_cells(columns: &[usize], cells: usize, column: usize) -> std::ops::Range<usize> {
    columns[column]..columns.get(column + 1).copied().unwrap_or(cells)
}

/// Splits the columns into runs of about `part_entities` entities each, as
/// `(first, last)` column indices.
fn parts_of(
    cells: &[((i64, i64), usize, usize)],
    columns: &[usize],
    part_entities: usize,
) -> Vec<(usize, usize)> {
    let mut parts = Vec::new();
    let mut first = 0;
    let mut start_entity = 0;
    for column in 0..columns.len() {
        let end_entity = cells[column_cells(columns, cells.len(), column).end - 1].2;
        if end_entity - start_entity >= part_entities || column + 1 == columns.len() {
            parts.push((first, column));
            first = column + 1;
            start_entity = end_entity;
        }
    }
    parts
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
    let label_area: f64 = graph
        .entities()
        .iter()
        .map(|entity| label_half_width(&entity.label) * 2.0 * LABEL_BOX_HEIGHT)
        .sum();
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

    #[test]
    fn a_large_graph_is_laid_out_with_the_grid() {
        let ids: Vec<String> = (0..2000).map(|i| format!("n{i:04}")).collect();
        let id_refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        let links: Vec<(&str, &str)> = (1..2000).map(|i| (id_refs[i / 2], id_refs[i])).collect();
        let positions = layout(&graph_of(&id_refs, &links));
        let distinct: BTreeSet<(i64, i64)> = positions.iter().copied().collect();
        assert!(
            distinct.len() > 1990,
            "{} distinct positions",
            distinct.len()
        );
    }

    /// A graph of `count` entities in a binary tree, with a cross link every
    /// seventh entity, large enough for the grid.
    fn tree_graph(count: usize) -> KnowledgeGraph {
        let ids: Vec<String> = (0..count).map(|i| format!("n{i:05}")).collect();
        let id_refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        let links: Vec<(&str, &str)> = (1..count)
            .map(|i| (id_refs[i / 2], id_refs[i]))
            .chain((7..count).step_by(7).map(|i| (id_refs[i - 5], id_refs[i])))
            .collect();
        graph_of(&id_refs, &links)
    }

    #[test]
    fn the_parallel_repulsion_sums_bit_for_bit_as_one_pass() {
        let count = 3000;
        let mut random = SplitMix64(7);
        // A dense square, so that cells hold several entities, plus a few
        // coincident points and a column gap.
        let side = EDGE_LENGTH * 30.0;
        let mut x: Vec<f64> = (0..count).map(|_| random.unit() * side).collect();
        let mut y: Vec<f64> = (0..count).map(|_| random.unit() * side).collect();
        for value in x.iter_mut() {
            if *value > side * 0.4 && *value < side * 0.5 {
                *value += side;
            }
        }
        (x[5], y[5]) = (x[9], y[9]);
        let degree: Vec<f64> = (0..count).map(|node| (node % 5) as f64).collect();
        let run = |part_entities: usize| {
            let mut grid = Grid::with_part_entities(part_entities);
            let mut dx = vec![0.0; count];
            let mut dy = vec![0.0; count];
            grid.repel(&x, &y, &degree, &mut dx, &mut dy);
            (grid.parts, dx, dy)
        };
        let (one, dx, dy) = run(usize::MAX);
        assert_eq!(one, 1);
        let bits = |values: &[f64]| values.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        for part_entities in [1, 50, 333, 1000] {
            let (parts, pdx, pdy) = run(part_entities);
            assert!(parts >= 3, "{parts} parts of {part_entities}");
            assert_eq!(bits(&pdx), bits(&dx), "{part_entities} per part");
            assert_eq!(bits(&pdy), bits(&dy), "{part_entities} per part");
        }
    }

    #[test]
    fn a_large_layout_is_the_same_bit_for_bit_in_parts() {
        let graph = tree_graph(2500);
        let (x, y) = positions(&graph, Grid::with_part_entities(usize::MAX));
        let (px, py) = positions(&graph, Grid::with_part_entities(100));
        let bits = |values: &[f64]| values.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&px), bits(&x));
        assert_eq!(bits(&py), bits(&y));
    }
}
