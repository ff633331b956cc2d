//! Same input, same bytes: across runs, and whatever the order of the
//! records in the input files.

use kgraph::Format;

use crate::common::{Workdir, stderr};

/// Every file `kg build` writes, in `Format::ALL` order (a directory
/// format's files in name order).
fn build(workdir: &Workdir) -> Vec<Vec<u8>> {
    let output = workdir.kg(&["build"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let mut files = Vec::new();
    for format in Format::ALL {
        let path = workdir.path().join("output").join(format.file_name());
        if format.is_directory() {
            let mut names: Vec<_> = std::fs::read_dir(&path)
                .unwrap()
                .map(|entry| entry.unwrap().path())
                .collect();
            names.sort();
            files.extend(names.iter().map(|name| std::fs::read(name).unwrap()));
        } else {
            files.push(std::fs::read(&path).unwrap());
        }
    }
    files
}

/// Reverses the order of the `[[relation]]` (or `[[entity]]`) blocks.
fn reverse_blocks(text: &str, header: &str) -> String {
    let mut blocks: Vec<String> = Vec::new();
    let mut preamble = String::new();
    for line in text.lines() {
        if line == header {
            blocks.push(String::new());
        }
        match blocks.last_mut() {
            Some(block) => {
                block.push_str(line);
                block.push('\n');
            }
            None => {
                preamble.push_str(line);
                preamble.push('\n');
            }
        }
    }
    blocks.reverse();
    preamble + &blocks.join("\n")
}

#[test]
fn two_builds_give_identical_bytes() {
    let workdir = Workdir::with_data("hostile");
    assert_eq!(build(&workdir), build(&workdir));
}

#[test]
fn reordering_entities_and_relations_in_the_input_changes_nothing() {
    let workdir = Workdir::with_data("base");
    let first = build(&workdir);
    for (file, header) in [
        ("data/relations.toml", "[[relation]]"),
        ("data/entities.toml", "[[entity]]"),
    ] {
        let reversed = reverse_blocks(&workdir.read(file), header);
        assert_ne!(reversed, workdir.read(file));
        workdir.write(file, reversed);
    }
    assert_eq!(build(&workdir), first);
}

#[test]
fn a_relation_keeps_its_id_when_another_is_added() {
    let workdir = Workdir::with_data("base");
    let ids = |workdir: &Workdir| -> Vec<String> {
        let json: serde_json::Value =
            serde_json::from_str(&workdir.read("output/graph.json")).unwrap();
        json["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["key"].as_str().unwrap().to_owned())
            .collect()
    };
    build(&workdir);
    let before = ids(&workdir);
    let mut relations = workdir.read("data/relations.toml");
    relations.insert_str(
        0,
        "[[relation]]\nfrom = \"kingdom\"\ntype = \"seeks_membership\"\nto = \"alliance\"\nmodality = \"hypothetical\"\n[[relation.evidence]]\nsource = \"memo\"\nquote = \"The Kingdom could leave the Alliance\"\n\n",
    );
    workdir.write("data/relations.toml", relations);
    build(&workdir);
    let after = ids(&workdir);
    assert_eq!(after.len(), before.len() + 1);
    assert!(
        before.iter().all(|id| after.contains(id)),
        "{before:?} vs {after:?}"
    );
}
