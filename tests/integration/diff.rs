//! `kg diff`: two corpora, two built graphs or a git revision compared
//! record by record; exit 1 when they differ.

use std::path::Path;
use std::process::Command;

use crate::common::{Workdir, assert_workflow_golden, copy_dir, transcript};

/// A corpus made by `kg init`, committed to a fresh git repository.
fn committed_corpus() -> Workdir {
    let workdir = Workdir::new();
    assert!(workdir.kg(&["init"]).status.success());
    git(workdir.path(), &["init", "-q"]);
    git(workdir.path(), &["add", "-A"]);
    git(workdir.path(), &["commit", "-q", "-m", "a new corpus"]);
    workdir
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args([
            "-c",
            "user.name=Curator",
            "-c",
            "user.email=curator@example.org",
        ])
        .args(args)
        .current_dir(dir)
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}

/// The curator's day: an alias and a description edited, an entity and a
/// relation added, a modality corrected.
fn edit(workdir: &Workdir) {
    let entities = workdir
        .read("data/entities.toml")
        .replace(
            "aliases = [\"the machine\"]",
            "aliases = [\"the machine\", \"the engine\"]",
        )
        .replace(
            "English mathematician,",
            "English mathematician and writer,",
        );
    workdir.write(
        "data/entities.toml",
        entities
            + "\n[[entity]]\nid = \"charles-babbage\"\nlabel = \"Charles Babbage\"\nkind = \"person\"\n",
    );
    let relations = workdir
        .read("data/relations.toml")
        .replace("modality = \"historical\"", "modality = \"actual\"");
    workdir.write(
        "data/relations.toml",
        relations
            + "\n[[relation]]\nfrom = \"charles-babbage\"\ntype = \"wrote_about\"\nto = \"analytical-engine\"\nmodality = \"actual\"\n[[relation.evidence]]\nsource = \"example\"\nquote = \"a general-purpose calculating machine designed by Charles Babbage\"\n",
    );
}

#[test]
fn diff_against_a_git_revision_shows_each_change_readably() {
    let workdir = committed_corpus();
    let mut session = transcript(workdir.path(), &["diff", "--git", "HEAD"]);
    edit(&workdir);
    session.push_str(&transcript(workdir.path(), &["diff", "--git", "HEAD"]));
    assert_workflow_golden("diff-git.txt", &session);
    let json = transcript(
        workdir.path(),
        &["diff", "--git", "HEAD", "--format", "json"],
    );
    assert_workflow_golden("diff-git-json.txt", &json);
}

#[test]
fn data_directories_and_built_graphs_give_the_same_diff() {
    let workdir = committed_corpus();
    copy_dir(&workdir.path().join("data"), &workdir.path().join("old"));
    assert!(
        workdir
            .kg(&["build", "--out", "old-output"])
            .status
            .success()
    );
    edit(&workdir);
    assert!(
        workdir
            .kg(&["build", "--out", "new-output"])
            .status
            .success()
    );
    let from_data = workdir.kg(&["diff", "old", "data"]);
    let from_graphs = workdir.kg(&["diff", "old-output/graph.json", "new-output/graph.json"]);
    assert_eq!(from_data.status.code(), Some(1));
    assert_eq!(from_graphs.status.code(), Some(1));
    assert_eq!(from_data.stdout, from_graphs.stdout);
    let from_git = workdir.kg(&["diff", "--git", "HEAD"]);
    assert_eq!(from_data.stdout, from_git.stdout);
    // A directory holding data/ is read as its data.
    let same = workdir.kg(&["diff", ".", "data"]);
    assert_eq!(same.status.code(), Some(0));
    assert_eq!(same.stdout, b"no differences\n");
}

#[test]
fn diff_reports_invalid_data_or_a_bad_revision_with_exit_status_2() {
    let workdir = committed_corpus();
    workdir.write("broken/schema.toml", "[[kind]]\nname = \"person\"\n");
    workdir.write("broken/entities.toml", "");
    workdir.write("not-json.json", "digraph {}\n");
    let mut session = transcript(workdir.path(), &["diff", "data", "broken"]);
    session.push_str(&transcript(
        workdir.path(),
        &["diff", "data", "not-json.json"],
    ));
    session.push_str(&transcript(
        workdir.path(),
        &["diff", "--git", "no-such-revision"],
    ));
    session.push_str(&transcript(
        workdir.path(),
        &["diff", "--git", "HEAD", "--data", "elsewhere"],
    ));
    assert_workflow_golden("diff-errors.txt", &session);
}
