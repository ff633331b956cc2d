//! `kg init`: the new corpus validates, lints clean and builds at once, and
//! nothing existing is ever overwritten.

use sha2::{Digest, Sha256};

use crate::common::{Workdir, assert_workflow_golden, transcript};

#[test]
fn a_new_corpus_validates_lints_clean_and_builds() {
    let workdir = Workdir::new();
    let mut session = transcript(workdir.path(), &["init", "corpus"]);
    let corpus = workdir.path().join("corpus");
    for args in [
        &["validate"][..],
        &["lint", "--deny-warnings"],
        &["build"],
        &["build", "--check"],
        &["fmt", "--check"],
    ] {
        session.push_str(&transcript(&corpus, args));
    }
    assert_workflow_golden("init.txt", &session);
    assert!(corpus.join("output/graph.json").is_file());
}

#[test]
fn the_example_source_hash_is_that_of_its_text() {
    let workdir = Workdir::new();
    assert!(workdir.kg(&["init"]).status.success());
    let text = std::fs::read(workdir.path().join("data/sources/example.txt")).unwrap();
    let hash: String = Sha256::digest(&text)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    let metadata = workdir.read("data/sources/example.toml");
    assert!(
        metadata.contains(&format!("sha256 = \"{hash}\"")),
        "{metadata}"
    );
    assert!(workdir.path().join(".gitignore").is_file());
    // The schemas a corpus starts with are the current ones.
    for entry in std::fs::read_dir(crate::common::repo().join("docs/schemas")).unwrap() {
        let entry = entry.unwrap();
        assert_eq!(
            std::fs::read(entry.path()).unwrap(),
            std::fs::read(workdir.path().join("schemas").join(entry.file_name())).unwrap(),
            "{}",
            entry.file_name().to_string_lossy()
        );
    }
}

#[test]
fn init_refuses_to_overwrite_and_writes_nothing() {
    let workdir = Workdir::new();
    workdir.write("corpus/data/entities.toml", "# mine\n");
    workdir.write("corpus/README.md", "# my notes\n");
    let session = transcript(workdir.path(), &["init", "corpus"]);
    assert_workflow_golden("init-refuses.txt", &session);
    assert_eq!(workdir.read("corpus/data/entities.toml"), "# mine\n");
    assert_eq!(workdir.read("corpus/README.md"), "# my notes\n");
    assert!(!workdir.path().join("corpus/kgraph.toml").exists());
    assert!(!workdir.path().join("corpus/data/schema.toml").exists());
}

#[test]
fn init_refuses_a_data_directory_that_holds_anything() {
    let workdir = Workdir::new();
    workdir.write("data/entities.json", "{\"entity\": []}\n");
    let output = workdir.kg(&["init"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        crate::common::stderr(&output),
        "error: not creating a corpus: `./data` already holds files; nothing was written\n"
    );
    assert!(!workdir.path().join("kgraph.toml").exists());
}

#[test]
fn init_into_an_unwritable_place_fails_cleanly() {
    let workdir = Workdir::new();
    workdir.write("blocker", "a file where the corpus directory would go\n");
    let output = workdir.kg(&["init", "blocker"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        workdir.read("blocker"),
        "a file where the corpus directory would go\n"
    );
}
