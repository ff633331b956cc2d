//! Text from the data reaches the terminal escaped: an escape sequence in a
//! source text or a data file is shown as `\u{1b}`, never sent raw, whichever
//! command prints it.

use sha2::{Digest, Sha256};

use crate::common::{Workdir, stderr, stdout};

/// Sets the window title, clears the screen, rings the bell, reverses text.
const HOSTILE: &str = "The Republic\u{1b}]0;pwned\u{7} warned the Kingdom\u{1b}[2J\u{9b}31m about the Alliance\u{202e}.\n";

/// The base fixture with a hostile sentence added to its source text.
fn hostile_workdir() -> Workdir {
    let workdir = Workdir::with_data("base");
    let text = workdir.read("data/sources/memo.txt") + HOSTILE;
    let hash: String = Sha256::digest(text.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    let metadata = workdir.read("data/sources/memo.toml");
    let old_hash = metadata.lines().find(|l| l.starts_with("sha256")).unwrap();
    workdir.write(
        "data/sources/memo.toml",
        metadata.replace(old_hash, &format!("sha256 = \"{hash}\"")),
    );
    workdir.write("data/sources/memo.txt", text);
    workdir
}

#[track_caller]
fn assert_escaped(what: &str, text: &str) {
    for raw in ['\u{1b}', '\u{7}', '\u{9b}', '\u{202e}'] {
        assert!(
            !text.contains(raw),
            "{what} printed U+{:04X} raw:\n{text}",
            u32::from(raw)
        );
    }
    assert!(text.contains("\\u{1b}"), "{what} lost the text:\n{text}");
}

#[test]
fn coverage_shows_a_hostile_sentence_escaped() {
    let workdir = hostile_workdir();
    let output = workdir.kg(&["coverage"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_escaped("kg coverage", &stdout(&output));
    assert!(stdout(&output).contains("warned the Kingdom\\u{1b}[2J\\u{9b}31m about"));
}

#[test]
fn lint_quotes_a_hostile_source_line_escaped() {
    let workdir = hostile_workdir();
    let output = workdir.kg(&["lint"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stderr(&output).contains("sentence mentions"));
    assert_escaped("kg lint", &stderr(&output));
}

#[test]
fn the_closest_passage_of_a_missing_quote_is_escaped() {
    let workdir = hostile_workdir();
    let relations = workdir.read("data/relations.toml");
    workdir.write(
        "data/relations.toml",
        format!(
            "{relations}\n[[relation]]\nfrom = \"republic\"\ntype = \"signed\"\nto = \"harbour-accord\"\nmodality = \"actual\"\n[[relation.evidence]]\nsource = \"memo\"\nquote = \"warned the Kingdom about the Alliance\"\n"
        ),
    );
    let output = workdir.kg(&["validate"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("closest passage"));
    assert_escaped("kg validate", &stderr(&output));
}

#[test]
fn a_syntax_error_on_a_line_with_an_escape_quotes_it_escaped() {
    let workdir = Workdir::with_data("base");
    workdir.write(
        "data/entities.toml",
        "# \u{1b}[2J\n[[entity]] \u{1b}]0;pwned\u{7}\n",
    );
    let output = workdir.kg(&["validate"]);
    assert_eq!(output.status.code(), Some(1));
    assert_escaped("kg validate", &stderr(&output));
}

#[test]
fn an_unknown_name_in_a_question_is_echoed_escaped() {
    let workdir = Workdir::with_data("base");
    let output = workdir.kg(&["query", "neighbors", "\u{1b}[2Jrepublic"]);
    assert_eq!(output.status.code(), Some(1));
    assert_escaped("kg query", &stderr(&output));
}
