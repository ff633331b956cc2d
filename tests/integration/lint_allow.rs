//! `[[allow]]` in reviewed.toml: a lint warning looked at and allowed, with
//! a reason, for one subject or everywhere.

use crate::common::{Workdir, stderr, stdout};

/// The base fixture with one more entity that nothing relates (an
/// `isolated-entity` and an `unmentioned-entity` warning) and `reviewed`
/// as its reviewed.toml.
fn with_lonely_entity(reviewed: &str) -> Workdir {
    let workdir = Workdir::with_data("base");
    let entities = workdir.read("data/entities.toml");
    workdir.write(
        "data/entities.toml",
        entities + "\n[[entity]]\nid = \"lonely\"\nlabel = \"Lonely\"\nkind = \"state\"\n",
    );
    workdir.write("data/reviewed.toml", reviewed);
    workdir
}

#[test]
fn an_allowed_warning_is_counted_apart_and_no_longer_fails_deny_warnings() {
    let workdir = with_lonely_entity("# nothing allowed yet\n");
    let output = workdir.kg(&["lint", "--deny-warnings"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("warning[isolated-entity]: entity `lonely` has no relation"));
    assert!(stderr(&output).contains("warning[unmentioned-entity]"));
    assert_eq!(stdout(&output), "2 warnings\n");

    let workdir = with_lonely_entity(
        "[[allow]]\nlint = \"isolated-entity\"\nsubject = \"lonely\"\nreason = \"kept for the next source\"\n\n\
         [[allow]]\nlint = \"unmentioned-entity\"\nreason = \"labels are checked by hand\"\n",
    );
    let output = workdir.kg(&["lint", "--deny-warnings"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stderr(&output), "");
    assert_eq!(stdout(&output), "0 warnings (2 allowed in reviewed.toml)\n");
}

#[test]
fn an_allowance_for_another_subject_allows_nothing_and_says_so() {
    let workdir = with_lonely_entity(
        "[[allow]]\nlint = \"isolated-entity\"\nsubject = \"kingdom\"\nreason = \"wrong subject\"\n",
    );
    let output = workdir.kg(&["lint"]);
    let text = stderr(&output);
    assert!(
        text.contains("warning[isolated-entity]: entity `lonely` has no relation"),
        "{text}"
    );
    assert!(
        text.contains("warning[unused-allowance]: `isolated-entity` is allowed for `kingdom`, but there is no such warning"),
        "{text}"
    );
    assert_eq!(stdout(&output), "3 warnings\n");
}

#[test]
fn every_code_the_library_emits_is_documented() {
    let docs = std::fs::read_to_string(crate::common::repo().join("docs/diagnostics.md")).unwrap();
    let mut pending = vec![crate::common::repo().join("src")];
    let mut codes = std::collections::BTreeSet::new();
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                for piece in text.split(".code(\"").skip(1) {
                    codes.insert(piece.split('"').next().unwrap().to_owned());
                }
            }
        }
    }
    assert!(codes.len() > 40, "{codes:?}");
    for code in &codes {
        assert!(
            docs.contains(&format!("| `{code}` |")) || docs.contains(&format!("`{code}` (")),
            "{code} is not in docs/diagnostics.md"
        );
    }
    for (code, _) in kgraph::diagnostic::LINTS {
        assert!(codes.contains(code), "lint {code} is never emitted");
    }
}
