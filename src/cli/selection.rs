//! The selection flags, defined once for every command that picks part of
//! the graph (`kg query`, `kg render` and `kg export`): they all
//! turn into one [`kgraph::query::Selection`].

use kgraph::Modality;
use kgraph::model::PartialDate;
use kgraph::query::{Direction, Focus, Selection};

/// `--type`, `--modality`, `--kind`, `--source`: each may be repeated or
/// given a comma-separated list; empty means no restriction.
#[derive(Debug, Clone, Default, clap::Args)]
pub(super) struct FilterArgs {
    /// Follow or keep only relations of this type
    #[arg(long = "type", value_name = "TYPE", value_delimiter = ',')]
    pub relation_types: Vec<String>,
    /// Follow or keep only relations of this modality
    #[arg(long = "modality", value_name = "MODALITY", value_delimiter = ',', value_parser = super::names::named(&Modality::ALL, Modality::as_str))]
    pub modalities: Vec<Modality>,
    /// Follow or keep only entities of this kind
    #[arg(long = "kind", value_name = "KIND", value_delimiter = ',')]
    pub kinds: Vec<String>,
    /// Follow or keep only relations with evidence from this source
    #[arg(long = "source", value_name = "SOURCE", value_delimiter = ',')]
    pub sources: Vec<String>,
    /// Keep only relations dated on or after DATE (YYYY, YYYY-MM or YYYY-MM-DD); undated ones stay unless --dated-only
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub since: Option<PartialDate>,
    /// Keep only relations dated on or before DATE (YYYY, YYYY-MM or YYYY-MM-DD); undated ones stay unless --dated-only
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub until: Option<PartialDate>,
    /// Keep only relations that have a date
    #[arg(long)]
    pub dated_only: bool,
    /// Keep only relations attributed to this entity (an id, label or alias): its claims, proposals and demands
    #[arg(long = "attributed-to", value_name = "ENTITY", value_delimiter = ',')]
    pub attributed_to: Vec<String>,
    /// Keep only relations in the source author's own voice (attributed to no one)
    #[arg(long, conflicts_with = "attributed_to")]
    pub unattributed: bool,
}

impl FilterArgs {
    /// The selection these flags make, around `focus` if given.
    pub(super) fn selection(&self, focus: Option<Focus>) -> Selection {
        Selection {
            focus,
            modalities: self.modalities.iter().copied().collect(),
            relation_types: self.relation_types.iter().cloned().collect(),
            kinds: self.kinds.iter().cloned().collect(),
            sources: self.sources.iter().cloned().collect(),
            since: self.since,
            until: self.until,
            dated_only: self.dated_only,
            attributed_to: self.attributed_to.iter().cloned().collect(),
            unattributed: self.unattributed,
        }
    }
}

pub(super) fn parse_date(text: &str) -> std::result::Result<PartialDate, String> {
    PartialDate::parse(text).map_err(|error| format!("`{text}`: {error}"))
}

/// `--depth N --direction D`: how far and which way a walk from an entity
/// goes, for `kg query neighbors`, `kg query subgraph` and, after
/// `--focus`, `kg render` and `kg export`.
#[derive(Debug, Clone, Default, clap::Args)]
pub(super) struct WalkArgs {
    /// How many relations away to go
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub depth: usize,
    /// Follow relations out of each entity, into it, or both
    #[arg(long, value_name = "DIRECTION", default_value = "both", value_parser = super::names::named(&Direction::ALL, Direction::name))]
    pub direction: Direction,
}

impl WalkArgs {
    /// The walk from `entity`.
    pub(super) fn from(&self, entity: String) -> Focus {
        Focus {
            entity,
            depth: self.depth,
            direction: self.direction,
        }
    }
}

/// `--focus ENTITY --depth N --direction D` plus the filters: the part of
/// the graph that `kg render` and `kg export` draw or write. Without
/// `--focus` and filters, the whole graph.
#[derive(Debug, Clone, Default, clap::Args)]
// Without a focus there is no walk: giving its bounds alone is a usage
// error, which clap reports as for any missing argument.
#[command(
    mut_arg("depth", |arg| arg.requires("focus").help("With --focus: how many relations away to go")),
    mut_arg("direction", |arg| arg.requires("focus").help("With --focus: follow relations out of each entity, into it, or both"))
)]
pub(super) struct SelectArgs {
    /// Only the entities around this one (an id, label or alias)
    #[arg(long, value_name = "ENTITY")]
    pub focus: Option<String>,
    #[command(flatten)]
    pub walk: WalkArgs,
    #[command(flatten)]
    pub filters: FilterArgs,
}

impl SelectArgs {
    /// Loads the data and applies the selection. From a snapshot, a focus
    /// decodes only the entities and relations around it.
    pub(super) fn load(
        &self,
        data: &std::path::Path,
        reads: super::printer::Reads,
    ) -> super::Result<kgraph::KnowledgeGraph> {
        let selection = self.selection();
        let part = kgraph::snapshot::Part::Around(&selection);
        let graph = super::printer::load_part(data, reads, part)?;
        Ok(selection.select(graph)?)
    }

    pub(super) fn selection(&self) -> Selection {
        self.filters
            .selection(self.focus.clone().map(|entity| self.walk.from(entity)))
    }
}
