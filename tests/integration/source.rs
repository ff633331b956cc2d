//! `kg source add` copies a text byte for byte with its hash; `kg source
//! rehash` records a new hash only once every quote is found again.

use crate::common::{Workdir, assert_workflow_golden, transcript};

/// A scratch corpus made by `kg init`.
fn corpus() -> Workdir {
    let workdir = Workdir::new();
    let output = workdir.kg(&["init"]);
    assert!(output.status.success());
    workdir
}

const ADD: &[&str] = &[
    "source",
    "add",
    "note.txt",
    "--id",
    "note-1833",
    "--title",
    "A meeting, \"remembered\"",
    "--author",
    "Sophia De Morgan",
    "--date",
    "1882",
    "--publisher",
    "Longmans",
    "--url",
    "https://example.org/memoir",
];

#[test]
fn add_copies_the_text_byte_for_byte_and_records_its_hash() {
    let workdir = corpus();
    // A byte order mark, CRLF and non-ASCII letters must all survive.
    let text =
        "\u{feff}Ada Lovelace met Charles Babbage in 1833.\r\nShe was 17 — “a young lady”.\r\n";
    workdir.write("note.txt", text);
    let mut session = transcript(workdir.path(), ADD);
    session.push_str(&workdir.read("data/sources/note-1833.toml"));
    session.push_str(&transcript(workdir.path(), &["validate"]));
    assert_workflow_golden("source-add.txt", &session);
    assert_eq!(
        std::fs::read(workdir.path().join("data/sources/note-1833.txt")).unwrap(),
        text.as_bytes()
    );
}

#[test]
fn add_refuses_bad_metadata_or_an_existing_source_and_writes_nothing() {
    let workdir = corpus();
    workdir.write("note.txt", "Ada Lovelace met Charles Babbage in 1833.\n");
    workdir.write("latin1.txt", b"caf\xe9\n");
    let mut session = transcript(
        workdir.path(),
        &[
            "source",
            "add",
            "latin1.txt",
            "--id",
            "Note 1833",
            "--title",
            " ",
            "--author",
            "S. De Morgan",
            "--date",
            "1882-13",
            "--publisher",
            "Longmans",
        ],
    );
    let mut again: Vec<&str> = ADD.to_vec();
    again[4] = "example";
    session.push_str(&transcript(workdir.path(), &again));
    session.push_str(&transcript(
        workdir.path(),
        &[
            "source",
            "add",
            "missing.txt",
            "--id",
            "a",
            "--title",
            "t",
            "--author",
            "a",
            "--date",
            "2024",
            "--publisher",
            "p",
        ],
    ));
    assert_workflow_golden("source-add-refused.txt", &session);
    let mut names: Vec<String> = std::fs::read_dir(workdir.path().join("data/sources"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["example.toml", "example.txt"]);
}

#[test]
fn rehash_records_the_new_hash_keeping_comments_once_every_quote_is_found() {
    let workdir = corpus();
    let text = workdir.read("data/sources/example.txt");
    workdir.write(
        "data/sources/example.txt",
        text.replace("In 1843 Ada", "In 1843, Ada"),
    );
    let mut session = transcript(workdir.path(), &["validate"]);
    session.push_str(&transcript(
        workdir.path(),
        &["source", "rehash", "example"],
    ));
    session.push_str(&workdir.read("data/sources/example.toml"));
    session.push_str(&transcript(workdir.path(), &["validate"]));
    session.push_str(&transcript(
        workdir.path(),
        &["source", "rehash", "example"],
    ));
    assert_workflow_golden("source-rehash.txt", &session);
}

#[test]
fn rehash_lists_each_quote_lost_with_its_closest_passage_and_writes_nothing() {
    let workdir = corpus();
    let text = workdir.read("data/sources/example.txt");
    workdir.write(
        "data/sources/example.txt",
        text.replace(
            "Ada Lovelace published",
            "Ada Lovelace, a mathematician, published",
        )
        .replace("three times", "thrice"),
    );
    let before = workdir.read("data/sources/example.toml");
    let mut session = transcript(workdir.path(), &["source", "rehash", "example"]);
    session.push_str(&transcript(
        workdir.path(),
        &["source", "rehash", "exampel"],
    ));
    assert_workflow_golden("source-rehash-refused.txt", &session);
    assert_eq!(workdir.read("data/sources/example.toml"), before);
}

#[test]
fn a_missing_hash_is_reported_with_the_hash_and_rehash_adds_it() {
    let workdir = corpus();
    let metadata = workdir.read("data/sources/example.toml");
    let without: String = metadata
        .lines()
        .filter(|line| !line.starts_with("sha256"))
        .map(|line| format!("{line}\n"))
        .collect();
    workdir.write("data/sources/example.toml", &without);
    let mut session = transcript(workdir.path(), &["validate"]);
    session.push_str(&transcript(
        workdir.path(),
        &["source", "rehash", "example"],
    ));
    assert_workflow_golden("source-missing-hash.txt", &session);
    assert_eq!(workdir.read("data/sources/example.toml"), metadata);
}

/// A text named on the command line is read as a data file is: a named
/// pipe is refused at once instead of waited on, a text over the
/// `source_text_bytes` limit is refused before it is read, and a named pipe
/// among the sources' metadata does not stop `kg source add`.
#[cfg(unix)]
#[test]
fn add_refuses_a_pipe_or_an_oversized_text_without_waiting_or_writing() {
    let workdir = corpus();
    let fifo = workdir.path().join("pipe.txt");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    assert!(made.is_ok_and(|status| status.success()), "mkfifo");
    let mut add = ADD.to_vec();
    add[2] = "pipe.txt";
    // Refused with `code`: what kg says. A pipe cannot be read (2); a text
    // over the limit is refused input (1).
    let refused = |args: &[&str], code: i32| {
        let output = workdir.kg(args);
        let stderr = crate::common::stderr(&output);
        assert_eq!(output.status.code(), Some(code), "{stderr}");
        stderr
    };
    let stderr = refused(&add, 2);
    assert!(
        stderr.contains("cannot read `pipe.txt`") && stderr.contains("named pipe"),
        "{stderr}"
    );

    workdir.write("kgraph.toml", "[limits]\nsource_text_bytes = 16\n");
    workdir.write("note.txt", "Ada Lovelace met Charles Babbage in 1833.\n");
    let stderr = refused(ADD, 1);
    assert!(
        stderr.contains("over the limit of 16 (`source_text_bytes`")
            && stderr.contains("source not added; nothing was written"),
        "{stderr}"
    );
    assert!(!workdir.path().join("data/sources/note-1833.txt").exists());

    // A pipe where source metadata would be is left to `kg validate`.
    std::fs::remove_file(workdir.path().join("kgraph.toml")).unwrap();
    let metadata_pipe = workdir.path().join("data/sources/stuck.toml");
    let made = std::process::Command::new("mkfifo")
        .arg(&metadata_pipe)
        .status();
    assert!(made.is_ok_and(|status| status.success()), "mkfifo");
    let output = workdir.kg(ADD);
    assert!(
        output.status.success(),
        "{}",
        crate::common::stderr(&output)
    );
}
