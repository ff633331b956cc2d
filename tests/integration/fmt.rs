//! `kg fmt`: canonical layout with comments kept, the meaning unchanged,
//! idempotent; `--check` for CI.

use crate::common::{Workdir, assert_workflow_golden, copy_dir, fixtures, stdout, transcript};

/// A copy of the `base` fixture with hand-messed entities, relations and
/// source metadata.
fn messy() -> Workdir {
    let workdir = Workdir::with_data("base");
    copy_dir(&fixtures().join("fmt/messy"), &workdir.path().join("data"));
    workdir
}

#[test]
fn fmt_rewrites_messy_files_canonically_keeping_comments() {
    let workdir = messy();
    let mut session = transcript(workdir.path(), &["fmt", "--check"]);
    session.push_str(&transcript(workdir.path(), &["fmt"]));
    for file in ["entities.toml", "relations.toml", "sources/memo.toml"] {
        session.push_str(&format!("--- data/{file}\n"));
        session.push_str(&workdir.read(&format!("data/{file}")));
    }
    session.push_str(&transcript(workdir.path(), &["fmt"]));
    session.push_str(&transcript(workdir.path(), &["fmt", "--check"]));
    assert_workflow_golden("fmt.txt", &session);
}

/// On every valid fixture, the repository's data and a messy copy: the
/// graph is the same before and after, and a second run changes nothing.
#[test]
fn fmt_keeps_the_meaning_and_is_idempotent() {
    let mut corpora: Vec<Workdir> = ["base", "hostile", "coverage", "star"]
        .iter()
        .map(|fixture| Workdir::with_data(fixture))
        .collect();
    corpora.push(messy());
    let repository = Workdir::new();
    copy_dir(
        &crate::common::repo().join("data"),
        &repository.path().join("data"),
    );
    corpora.push(repository);
    for workdir in &corpora {
        let before = workdir.kg(&["export", "--format", "json"]);
        assert!(before.status.success());
        assert!(workdir.kg(&["fmt"]).status.success());
        let after = workdir.kg(&["export", "--format", "json"]);
        assert_eq!(
            stdout(&before),
            stdout(&after),
            "{}",
            workdir.path().display()
        );
        let again = workdir.kg(&["fmt"]);
        assert!(
            stdout(&again).starts_with("0 files formatted"),
            "{}",
            stdout(&again)
        );
    }
}

#[test]
fn fmt_refuses_invalid_toml_and_writes_nothing() {
    let workdir = messy();
    workdir.write("data/schema.toml", "[[kind]\nname = \"state\"\n");
    let entities = workdir.read("data/entities.toml");
    let session = transcript(workdir.path(), &["fmt"]);
    assert_workflow_golden("fmt-invalid.txt", &session);
    assert_eq!(workdir.read("data/entities.toml"), entities);
}
