//! The snapshot read back: whole, in parts that answer as the whole
//! does, and never used when stale or damaged.

use super::*;
use std::path::PathBuf;

fn graph() -> crate::KnowledgeGraph {
    crate::graph::tests::graph_of(&["a", "b"], &[("a", "b")])
}

fn snapshot_of(data: &Path) -> Vec<u8> {
    let fingerprint = Fingerprint::take(data).unwrap();
    let mut bytes = Vec::new();
    write(&mut bytes, &graph(), &fingerprint, true).unwrap();
    bytes
}

#[test]
fn a_fresh_snapshot_reads_back_and_any_change_makes_it_stale() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(data.join("sources")).unwrap();
    std::fs::write(data.join("entities.toml"), "a").unwrap();
    std::fs::write(data.join("sources/s.txt"), "text").unwrap();
    let path = dir.path().join("graph.bin");
    std::fs::write(&path, snapshot_of(&data)).unwrap();
    let snapshot = read(&path, &data, Needs::default()).unwrap();
    assert!(snapshot.mentions_counted);
    assert_eq!(snapshot.dataset.relations.len(), 1);

    // Same size, written within the same second: only the hash sees it.
    std::fs::write(data.join("sources/s.txt"), "TEXT").unwrap();
    assert_eq!(
        read(&path, &data, Needs::default()).unwrap_err(),
        Stale::Changed("sources/s.txt".into())
    );
    std::fs::write(&path, snapshot_of(&data)).unwrap();
    std::fs::write(data.join("relations.json"), "{}").unwrap();
    assert_eq!(
        read(&path, &data, Needs::default()).unwrap_err(),
        Stale::Added("relations.json".into())
    );
    std::fs::remove_file(data.join("relations.json")).unwrap();
    std::fs::remove_file(data.join("entities.toml")).unwrap();
    assert_eq!(
        read(&path, &data, Needs::default()).unwrap_err(),
        Stale::Removed("entities.toml".into())
    );
    let other = dir.path().join("other");
    std::fs::create_dir(&other).unwrap();
    assert_eq!(
        read(&path, &other, Needs::default()).unwrap_err(),
        Stale::OtherData
    );
}

fn source(id: &str, text: &str) -> crate::model::Source {
    crate::model::Source {
        id: id.to_owned(),
        title: format!("title of {id}"),
        author: "author".to_owned(),
        date: "2001".to_owned(),
        copy_date: Some("2002".to_owned()),
        copy_url: None,
        publisher: "publisher".to_owned(),
        url: Some("https://example.org/".to_owned()),
        notes: None,
        text_path: format!("sources/{id}.txt"),
        sha256: "00".repeat(32),
        text: text.to_owned(),
        origin: crate::diagnostic::Origin::new(3, 5..9),
    }
}

#[test]
fn a_dataset_of_many_chunks_reads_back_whole_with_texts_only_when_needed() {
    let ids: Vec<String> = (0..file::RUN_RECORDS + 7)
        .map(|n| format!("e{n:06}"))
        .collect();
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    let links: Vec<(&str, &str)> = ids.windows(2).map(|w| (w[0], w[1])).collect();
    let mut dataset = crate::graph::tests::graph_of(&ids, &links)
        .dataset()
        .clone();
    dataset.sources = vec![
        source("a", "first text, «quoted»"),
        source("b", ""),
        source("c", "third"),
    ];
    let (_dir, data, path) = written(&dataset, false);

    let needs = Needs {
        source_texts: true,
        ..Needs::default()
    };
    let whole = read(&path, &data, needs).unwrap();
    assert!(whole.source_texts);
    assert_eq!(format!("{:?}", whole.dataset), format!("{dataset:?}"));

    let graph_only = read(&path, &data, Needs::default()).unwrap();
    assert!(!graph_only.source_texts);
    for source in &mut dataset.sources {
        source.text.clear();
    }
    assert_eq!(format!("{:?}", graph_only.dataset), format!("{dataset:?}"));

    // Mentions not counted in the snapshot: the texts come along to
    // count them.
    let mentions = Needs {
        mentions: true,
        ..Needs::default()
    };
    assert!(read(&path, &data, mentions).unwrap().source_texts);
}

#[test]
fn a_missing_truncated_or_foreign_snapshot_is_never_used() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(data.join("schema.toml"), "x").unwrap();
    let path = dir.path().join("graph.bin");
    assert_eq!(
        read(&path, &data, Needs::default()).unwrap_err(),
        Stale::Missing
    );
    let bytes = snapshot_of(&data);
    for cut in [3, 20, bytes.len() / 2, bytes.len() - 9, bytes.len() - 1] {
        std::fs::write(&path, &bytes[..cut]).unwrap();
        assert!(
            matches!(
                read(&path, &data, Needs::default()),
                Err(Stale::Unreadable(_))
            ),
            "cut at {cut}"
        );
    }
    std::fs::write(&path, b"GIF89a and more bytes than a header").unwrap();
    assert_eq!(
        read(&path, &data, Needs::default()).unwrap_err(),
        Stale::OtherProgram
    );
}

/// A tangle of `count` entities and `links` relations of three types, one
/// of them symmetric, with every modality, some self-relations, parallel
/// relations and attributions: the shapes a walk or a path search must
/// treat as the whole graph does. Deterministic (a fixed xorshift).
fn tangle(count: usize, links: usize) -> Dataset {
    use crate::graph::tests::{entity, graph, relation};
    use crate::model::Modality;
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move |below: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % below as u64) as usize
    };
    let ids: Vec<String> = (0..count).map(|n| format!("e{n:03}")).collect();
    // Each with an alias of its own; two share the alias `Twin`.
    let entities = ids
        .iter()
        .enumerate()
        .map(|(n, id)| {
            let mut entity = entity(id);
            entity.aliases = vec![format!("Group {n}")];
            if n == 10 || n == 11 {
                entity.aliases.push("Twin".into());
            }
            entity
        })
        .collect();
    let modalities = [
        Modality::Actual,
        Modality::Historical,
        Modality::Proposed,
        Modality::Hypothetical,
        Modality::Recommended,
    ];
    let relations = (0..links)
        .map(|index| {
            let from = &ids[next(count)];
            let to = if next(20) == 0 {
                from
            } else {
                &ids[next(count)]
            };
            let ty = ["x", "y", "peer"][next(3)];
            let mut relation = relation(from, ty, to, modalities[next(modalities.len())]);
            relation.id = format!("{}.{index:04}", relation.id);
            if next(6) == 0 {
                relation.attributed_to = vec![ids[next(count)].clone()];
            }
            relation
        })
        .collect();
    let mut dataset = graph(entities, relations).dataset().clone();
    for ty in &mut dataset.schema.relation_types {
        ty.symmetric = ty.name == "peer";
    }
    dataset
}

/// `dataset`'s snapshot, written in a fresh directory with its data
/// directory: (the directory, the data directory, the snapshot's path).
fn written(dataset: &Dataset, mentions_counted: bool) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(data.join("schema.toml"), "x").unwrap();
    let bytes = snapshot_bytes(dataset, &data, mentions_counted);
    let path = dir.path().join("graph.bin");
    std::fs::write(&path, &bytes).unwrap();
    (dir, data, path)
}

/// `dataset`'s snapshot, with the fingerprint of `data`.
fn snapshot_bytes(dataset: &Dataset, data: &Path, mentions_counted: bool) -> Vec<u8> {
    let mut bytes = Vec::new();
    write(
        &mut bytes,
        &crate::KnowledgeGraph::new(dataset.clone()),
        &Fingerprint::take(data).unwrap(),
        mentions_counted,
    )
    .unwrap();
    bytes
}

/// Records are encoded a chunk at a time on every core: whatever the
/// chunks, the bytes are those of one chunk, and the records read back.
#[test]
fn the_bytes_do_not_depend_on_how_the_records_are_chunked() {
    use crate::export::chunked::with_records_per_chunk;
    let dataset = tangle(40, 150);
    let (_dir, data, path) = written(&dataset, true);
    let one_chunk = with_records_per_chunk(usize::MAX, || snapshot_bytes(&dataset, &data, true));
    for records in [1, 2, 7, 64] {
        let chunked = with_records_per_chunk(records, || snapshot_bytes(&dataset, &data, true));
        assert!(chunked == one_chunk, "chunks of {records} records");
    }
    std::fs::write(
        &path,
        with_records_per_chunk(3, || snapshot_bytes(&dataset, &data, true)),
    )
    .unwrap();
    let needs = Needs {
        source_texts: true,
        ..Needs::default()
    };
    let read_back = read(&path, &data, needs).unwrap();
    assert_eq!(format!("{:?}", read_back.dataset), format!("{dataset:?}"));
}

fn graph_of_part(path: &Path, data: &Path, part: Part) -> crate::KnowledgeGraph {
    let snapshot = read_part(path, data, Needs::default(), part).unwrap();
    crate::KnowledgeGraph::new(snapshot.dataset)
}

#[test]
fn every_walk_and_path_from_a_part_is_the_answer_from_the_whole() {
    use crate::query::{Direction, Focus, PathQuery, Selection, neighbors, paths};
    let dataset = tangle(80, 200);
    let (_dir, data, path) = written(&dataset, true);
    let whole = crate::KnowledgeGraph::new(dataset);
    let mut actual_only = Selection::default();
    actual_only
        .modalities
        .insert(crate::model::Modality::Actual);
    let mut claimed = Selection::default();
    claimed.attributed_to.insert("E007".into()); // a label, not an id
    let filters = [Selection::default(), actual_only, claimed];
    // Ids, a label, an alias in another case, an ambiguous alias, unknown
    // names (every entity decoded to suggest one).
    let names = [
        "e000", "e013", "e042", "E055", "group 61", "twin", "e079", "e999", "nobody",
    ];
    for name in names {
        for depth in 0..4 {
            for direction in Direction::ALL {
                for filter in &filters {
                    let focus = Focus {
                        entity: name.into(),
                        depth,
                        direction,
                    };
                    let selection = Selection {
                        focus: Some(focus.clone()),
                        ..filter.clone()
                    };
                    let part = graph_of_part(&path, &data, Part::Around(&selection));
                    let asked = format!("{name} {depth} {direction:?} {filter:?}");
                    let answer = |graph: &crate::KnowledgeGraph| {
                        let resolved = filter.resolved(graph);
                        let walk = resolved
                            .as_ref()
                            .map(|resolved| format!("{:?}", neighbors(graph, &focus, resolved)));
                        let subgraph = selection.apply(graph).map(|subgraph| {
                            format!("{:?} {:?}", subgraph.entities(), subgraph.relations())
                        });
                        format!("{walk:?}\n{subgraph:?}")
                    };
                    assert_eq!(answer(&part), answer(&whole), "{asked}");
                }
            }
        }
    }
    let queries = [
        PathQuery::default(),
        PathQuery {
            directed: true,
            ..PathQuery::default()
        },
        PathQuery {
            max_len: Some(2),
            ..PathQuery::default()
        },
        PathQuery {
            all: true,
            max_len: Some(3),
            ..PathQuery::default()
        },
        PathQuery {
            all: true,
            directed: true,
            ..PathQuery::default()
        },
    ];
    for from in ["e000", "e021", "E033", "e064", "nobody", " Twin "] {
        for to in ["e000", "e005", "e047", "e078", "E079", "GROUP 12"] {
            for query in &queries {
                let part = Part::Between { from, to, query };
                let part = graph_of_part(&path, &data, part);
                let answer =
                    |graph: &crate::KnowledgeGraph| format!("{:?}", paths(graph, from, to, query));
                assert_eq!(answer(&part), answer(&whole), "{from} {to} {query:?}");
            }
        }
    }
}

#[test]
fn a_part_decodes_only_what_the_question_reads() {
    use crate::query::{PathQuery, Selection};
    let dataset = tangle(80, 200);
    let (_dir, data, path) = written(&dataset, true);
    let around = Selection::around("e013", 1);
    let snapshot = read_part(&path, &data, Needs::default(), Part::Around(&around)).unwrap();
    assert!(!snapshot.whole);
    let touching = dataset
        .relations
        .iter()
        .filter(|r| r.from == "e013" || r.to == "e013")
        .count();
    assert!(touching > 0);
    assert!(snapshot.dataset.relations.len() >= touching);
    assert!(snapshot.dataset.relations.len() < dataset.relations.len() / 4);
    assert!(snapshot.dataset.entities.len() < dataset.entities.len() / 2);
    let query = PathQuery::default();
    let between = Part::Between {
        from: "e000",
        to: "e078",
        query: &query,
    };
    let snapshot = read_part(&path, &data, Needs::default(), between).unwrap();
    assert!(snapshot.dataset.entities.len() < 10);
    let whole = read(&path, &data, Needs::default()).unwrap();
    assert!(whole.whole);
    assert_eq!(
        format!("{:?}", whole.dataset.relations),
        format!("{:?}", dataset.relations)
    );
}

#[test]
fn quoted_texts_are_the_texts_of_the_sources_the_part_quotes() {
    let mut dataset = tangle(10, 20);
    dataset.sources = vec![source("a", "first text"), source("b", "second text")];
    dataset.relations[0].evidence = vec![crate::model::Evidence {
        source: "b".into(),
        quote: "second".into(),
        location: crate::model::TextSpan {
            byte_start: 0,
            byte_end: 6,
            char_start: 0,
            char_end: 6,
            line: 1,
            column: 1,
        },
    }];
    let first = dataset.relations[0].from.clone();
    let (_dir, data, path) = written(&dataset, true);
    let selection = crate::query::Selection::around(&first, 1);
    let needs = Needs {
        quoted_texts: true,
        ..Needs::default()
    };
    let snapshot = read_part(&path, &data, needs, Part::Around(&selection)).unwrap();
    let texts: Vec<&str> = snapshot
        .dataset
        .sources
        .iter()
        .map(|source| source.text.as_str())
        .collect();
    assert_eq!(texts, ["", "second text"]);
    assert!(!snapshot.source_texts);
}

/// Every byte of a snapshot changed in turn, and the file cut at every
/// length: each read, whole or in part, is refused or succeeds, and never
/// panics or allocates what a damaged length claims.
#[test]
fn a_damaged_snapshot_is_refused_or_read_but_never_panics() {
    use crate::query::{PathQuery, Selection};
    let dataset = tangle(12, 24);
    let (_dir, data, path) = written(&dataset, true);
    let bytes = std::fs::read(&path).unwrap();
    let around = Selection::around("e003", 2);
    let by_label = Selection::around("E004", 1);
    let query = PathQuery::default();
    let all = PathQuery {
        all: true,
        ..PathQuery::default()
    };
    let parts = [
        Part::Whole,
        Part::Around(&around),
        Part::Around(&by_label),
        Part::Between {
            from: "e001",
            to: "e010",
            query: &query,
        },
        Part::Between {
            from: "e002",
            to: "e009",
            query: &all,
        },
    ];
    let needs = Needs {
        quoted_texts: true,
        ..Needs::default()
    };
    for cut in 0..bytes.len() {
        std::fs::write(&path, &bytes[..cut]).unwrap();
        for part in parts {
            assert!(
                read_part(&path, &data, needs, part).is_err(),
                "cut at {cut} of {}",
                bytes.len()
            );
        }
    }
    for at in 0..bytes.len() {
        let mut damaged = bytes.clone();
        for flip in [0x01, 0x80] {
            damaged[at] = bytes[at] ^ flip;
            std::fs::write(&path, &damaged).unwrap();
            for part in parts {
                let _ = read_part(&path, &data, needs, part);
            }
        }
    }
}
