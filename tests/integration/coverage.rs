//! `kg coverage` and `kg lint` on a fixture with planted answers: known
//! co-mention sentences, some covered by evidence; an alias that appears
//! only inside another word; "U.S." inside a sentence; a reviewed sentence;
//! unaccounted sentences that name no entity, one entity and two.

use crate::common::{Workdir, assert_golden, fixtures, stderr, stdout};

fn coverage_json(workdir: &Workdir) -> serde_json::Value {
    let output = workdir.kg(&["coverage", "--format", "json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    serde_json::from_str(&stdout(&output)).unwrap()
}

#[test]
fn coverage_finds_the_planted_candidates_and_nothing_else() {
    let workdir = Workdir::with_data("coverage");
    let report = coverage_json(&workdir);
    let candidates: Vec<(u64, Vec<&str>, &str)> = report["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let entities = c["entities"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e.as_str().unwrap())
                .collect();
            (
                c["line"].as_u64().unwrap(),
                entities,
                c["sentence"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        candidates,
        vec![
            // "U.S." does not end the sentence.
            (
                3,
                vec!["alliance", "united-states"],
                "The U.S. Government backed the Alliance on Monday."
            ),
            (
                5,
                vec!["alliance", "kingdom"],
                "The Kingdom and the Alliance signed nothing; experts disagree."
            ),
        ]
    );
    // "Ural" inside "Neural" is no mention; the one on line 6 is.
    assert_eq!(report["mentions"]["ural"], 1);
    assert_eq!(report["mentions"]["united-states"], 1);
    assert_eq!(
        report["unmentioned"],
        serde_json::json!(["lake-geneva", "mars"])
    );
    assert_eq!(
        report["suspicious"][0]["relation"]
            .as_str()
            .unwrap()
            .split('.')
            .take(3)
            .collect::<Vec<_>>(),
        ["republic", "met", "kingdom"]
    );
    let figures = &report["sources"][0];
    assert_eq!(
        (
            figures["sentences"].as_u64(),
            figures["sentences_with_mentions"].as_u64(),
            figures["sentences_covered"].as_u64()
        ),
        (Some(7), Some(5), Some(1))
    );
    assert_eq!(figures["sentences_unaccounted"].as_u64(), Some(4));
    assert_eq!(report["format"], "kgraph-coverage");
}

fn unaccounted(report: &serde_json::Value) -> Vec<(u64, Vec<&str>, &str)> {
    report["unaccounted"]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| {
            (
                finding["line"].as_u64().unwrap(),
                finding["entities"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|e| e.as_str().unwrap())
                    .collect(),
                finding["sentence"].as_str().unwrap(),
            )
        })
        .collect()
}

#[test]
fn every_sentence_outside_evidence_and_review_is_unaccounted_whatever_it_mentions() {
    let workdir = Workdir::with_data("coverage");
    let report = coverage_json(&workdir);
    assert_eq!(
        unaccounted(&report),
        vec![
            (
                3,
                vec!["alliance", "united-states"],
                "The U.S. Government backed the Alliance on Monday."
            ),
            // Names no entity: invisible to the candidate search.
            (4, vec![], "Neural networks were not discussed."),
            (
                5,
                vec!["alliance", "kingdom"],
                "The Kingdom and the Alliance signed nothing; experts disagree."
            ),
            (6, vec!["ural"], "Ural Mountains are far away."),
        ]
    );
}

#[test]
fn strict_coverage_fails_while_a_sentence_is_unaccounted_and_passes_once_each_is_reviewed() {
    let workdir = Workdir::with_data("coverage");
    let strict = workdir.kg(&["coverage", "--strict"]);
    assert_eq!(strict.status.code(), Some(1));
    assert_eq!(
        stderr(&strict),
        "error: 4 sentences unaccounted for: quote each in a relation's evidence or record it in reviewed.toml with a reason\n"
    );
    // The report is still printed, in either format.
    assert!(stdout(&strict).contains("Unaccounted sentences"));
    let json = workdir.kg(&["coverage", "--strict", "--format", "json"]);
    assert_eq!(json.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    assert_eq!(report["unaccounted"].as_array().unwrap().len(), 4);
    // Without --strict the same findings exit 0.
    assert_eq!(workdir.kg(&["coverage"]).status.code(), Some(0));

    let mut reviewed = workdir.read("data/reviewed.toml");
    for (quote, reason) in [
        (
            "The U.S. Government backed the Alliance on Monday.",
            "Backing is not modelled",
        ),
        (
            "Neural networks were not discussed.",
            "Says what was not discussed",
        ),
        (
            "The Kingdom and the Alliance signed nothing",
            "Signing nothing is no relation",
        ),
        ("Ural Mountains are far away.", "Scenery"),
    ] {
        reviewed.push_str(&format!(
            "\n[[ignore]]\nsource = \"brief\"\nquote = \"{quote}\"\nreason = \"{reason}\"\n"
        ));
    }
    workdir.write("data/reviewed.toml", reviewed);
    let clean = workdir.kg(&["coverage", "--strict"]);
    assert_eq!(clean.status.code(), Some(0), "{}", stderr(&clean));
    assert_eq!(stderr(&clean), "");
    assert!(
        stdout(&clean).contains("Unaccounted sentences: in no evidence quote and not reviewed (0)"),
        "{}",
        stdout(&clean)
    );
}

#[test]
fn a_reviewed_sentence_is_reported_again_once_its_review_is_removed() {
    let workdir = Workdir::with_data("coverage");
    std::fs::remove_file(workdir.path().join("data/reviewed.toml")).unwrap();
    let report = coverage_json(&workdir);
    let lines: Vec<u64> = report["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, vec![3, 4, 5]);
    assert_eq!(
        unaccounted(&report).iter().map(|u| u.0).collect::<Vec<_>>(),
        vec![3, 4, 4, 5, 6]
    );
}

#[test]
fn a_reviewed_quote_must_be_in_its_source() {
    let workdir = Workdir::with_data("coverage");
    workdir.write(
        "data/reviewed.toml",
        "[[ignore]]\nsource = \"brief\"\nquote = \"The Kingdom argued\"\nreason = \"\"\n",
    );
    let output = workdir.kg(&["validate"]);
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(
        message.contains("quote not found in source `brief`"),
        "{message}"
    );
    assert!(message.contains("empty reason"), "{message}");
}

#[test]
fn coverage_text_and_json_outputs_are_pinned() {
    let workdir = Workdir::with_data("coverage");
    let text = workdir.kg(&["coverage"]);
    assert_golden(
        &fixtures().join("expected/coverage/coverage.txt"),
        &stdout(&text),
    );
    let json = workdir.kg(&["coverage", "--format", "json"]);
    assert_golden(
        &fixtures().join("expected/coverage/coverage.json"),
        &stdout(&json),
    );
    // Exit 1, as an unknown `--source` is in `kg query` and `kg export`.
    let unknown = workdir.kg(&["coverage", "--source", "brif"]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(
        stderr(&unknown).contains("unknown source `brif` (did you mean `brief`?)"),
        "{}",
        stderr(&unknown)
    );
}

#[test]
fn lint_warns_in_the_diagnostic_format_and_fails_only_when_told() {
    let workdir = Workdir::with_data("coverage");
    let output = workdir.kg(&["lint"]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(stdout(&output), "15 warnings\n");
    assert_golden(
        &fixtures().join("expected/coverage/lint.stderr"),
        &stderr(&output),
    );
    let denied = workdir.kg(&["lint", "--deny-warnings"]);
    assert_eq!(denied.status.code(), Some(1));
    let build = workdir.kg(&["build"]);
    assert!(
        stdout(&build).contains("(15 warnings: run `kg lint`)"),
        "{}",
        stdout(&build)
    );
}

#[test]
fn the_base_fixture_lints_clean_of_structural_warnings() {
    let workdir = Workdir::with_data("base");
    let output = workdir.kg(&["lint", "--deny-warnings"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

#[test]
fn lint_warns_of_names_that_can_be_mistaken_for_each_other() {
    let workdir = Workdir::with_data("base");
    let entities = workdir.read("data/entities.toml");
    // A Cyrillic capital A (U+0410) in front of "lliance".
    workdir.write(
        "data/entities.toml",
        format!(
            "{entities}\n[[entity]]\nid = \"impostor\"\nlabel = \"\u{410}lliance\"\nkind = \"organization\"\n"
        ),
    );
    let output = workdir.kg(&["lint"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_golden(
        &fixtures().join("expected/lint/confusable-names.stderr"),
        &stderr(&output),
    );
}
