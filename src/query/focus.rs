//! Where a walk through the graph starts and which way it goes: the part
//! of a question that [`super::neighbors`] needs besides a [`super::Filter`].

/// Which relations lead away from an entity: those it is the subject of
/// (`out`), the object of (`in`), or both. Symmetric relation types are
/// followed both ways whatever the direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Direction {
    /// From the entity to the objects of its relations.
    Out,
    /// From the entity to the subjects of relations about it.
    In,
    /// Both ways.
    #[default]
    Both,
}

impl Direction {
    pub const ALL: [Direction; 3] = [Direction::Out, Direction::In, Direction::Both];

    /// The name used on the command line and in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Direction::Out => "out",
            Direction::In => "in",
            Direction::Both => "both",
        }
    }

    pub fn from_name(name: &str) -> Option<Direction> {
        Direction::ALL
            .into_iter()
            .find(|direction| direction.name() == name)
    }
}

/// An ego graph: an entity and everything within `depth` relations of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Focus {
    /// An id, label or alias, as [`resolve`](super::resolve()) reads it.
    pub entity: String,
    pub depth: usize,
    pub direction: Direction,
}
