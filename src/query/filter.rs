//! What a walk may pass through. [`super::neighbors`] takes any filter;
//! [`super::Selection`] is the one the commands build from their flags.

use crate::model::{Entity, Relation};

/// Which relations and entities a walk may follow.
pub trait Filter {
    /// Whether the walk may follow this relation.
    fn admits_relation(&self, relation: &Relation) -> bool;
    /// Whether the walk may enter this entity.
    fn admits_entity(&self, entity: &Entity) -> bool;
}
