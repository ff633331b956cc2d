//! The selection flags, defined once for every command that picks part of
//! the graph (`kg query`, and `kg render` and `kg export` to come): they all
//! turn into one [`kgraph::query::Selection`].

use kgraph::Modality;
use kgraph::diagnostic::did_you_mean;
use kgraph::model::PartialDate;
use kgraph::query::{Direction, Focus, Selection};

/// `--type`, `--modality`, `--kind`, `--source`: each may be repeated or
/// given a comma-separated list; empty means no restriction.
#[derive(Debug, Clone, Default, clap::Args)]
pub(super) struct FilterArgs {
    /// Follow or keep only relations of this type
    #[arg(long = "type", value_name = "TYPE", value_delimiter = ',')]
    pub relation_types: Vec<String>,
    /// Follow or keep only relations of this modality (actual, historical, proposed, hypothetical, recommended)
    #[arg(long = "modality", value_name = "MODALITY", value_delimiter = ',', value_parser = parse_modality)]
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

pub(super) fn parse_date(text: &str) -> Result<PartialDate, String> {
    PartialDate::parse(text).map_err(|error| format!("`{text}`: {error}"))
}

pub(super) fn parse_modality(name: &str) -> Result<Modality, String> {
    name.parse().map_err(|_| {
        let names = Modality::ALL.map(Modality::as_str);
        format!(
            "unknown modality `{name}`{} (modalities: {})",
            did_you_mean(name, names),
            names.join(", ")
        )
    })
}

pub(super) fn parse_direction(name: &str) -> Result<Direction, String> {
    Direction::from_name(name)
        .ok_or_else(|| format!("unknown direction `{name}` (directions: out, in, both)"))
}

/// `--focus ENTITY --depth N --direction D` plus the filters: the part of
/// the graph that `kg render` and `kg export` draw or write. Without
/// `--focus` and filters, the whole graph.
#[derive(Debug, Clone, Default, clap::Args)]
pub(super) struct SelectArgs {
    /// Only the entities around this one (an id, label or alias)
    #[arg(long, value_name = "ENTITY")]
    pub focus: Option<String>,
    /// With --focus: how many relations away to include
    #[arg(long, value_name = "N", default_value_t = 1, requires = "focus")]
    pub depth: usize,
    /// With --focus: follow relations out of each entity, into it, or both
    #[arg(long, value_name = "DIRECTION", default_value = "both", value_parser = parse_direction, requires = "focus")]
    pub direction: Direction,
    #[command(flatten)]
    pub filters: FilterArgs,
}

impl SelectArgs {
    /// Loads the data and applies the selection: the graph, or the outcome
    /// to exit with (invalid data, or an unknown name, already reported).
    pub(super) fn load(
        &self,
        data: &std::path::Path,
        reads: super::printer::Reads,
    ) -> anyhow::Result<Result<kgraph::KnowledgeGraph, super::Outcome>> {
        let graph = match super::printer::load_graph(data, reads)? {
            Ok(graph) => graph,
            Err(outcome) => return Ok(Err(outcome)),
        };
        match self.selection().select(graph) {
            Ok(selected) => Ok(Ok(selected)),
            Err(error) => super::printer::query_failed(&error).map(Err),
        }
    }

    pub(super) fn selection(&self) -> Selection {
        self.filters
            .selection(self.focus.as_ref().map(|entity| Focus {
                entity: entity.clone(),
                depth: self.depth,
                direction: self.direction,
            }))
    }
}
