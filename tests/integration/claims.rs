//! The claims model on the `claims` fixture: who says what (`attributed_to`),
//! what does not hold (`negated`), type labels, and the selection flags that
//! pick relations by date and attribution.

use crate::common::{Workdir, stderr, stdout};

/// The relation keys `kg export --format json` writes with `args`.
fn exported_keys(args: &[&str]) -> Vec<String> {
    let workdir = Workdir::with_data("claims");
    let mut command = vec!["export", "--format", "json"];
    command.extend_from_slice(args);
    let output = workdir.kg(&command);
    assert!(output.status.success(), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    json["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|edge| edge["key"].as_str().unwrap().to_owned())
        .collect()
}

fn starting(keys: &[String], prefixes: &[&str]) -> usize {
    keys.iter()
        .filter(|key| prefixes.iter().any(|prefix| key.starts_with(prefix)))
        .count()
}

#[test]
fn attribution_selects_one_voice_or_the_authors_own() {
    let all = exported_keys(&[]);
    assert_eq!(all.len(), 10);
    // By label as well as by id: the Kingdom's claims are its demand that
    // the Republic not join, and its claim that the Republic signed.
    let kingdom = exported_keys(&["--attributed-to", "Kingdom"]);
    assert_eq!(kingdom.len(), 2, "{kingdom:?}");
    assert_eq!(
        starting(&kingdom, &["republic.joins.alliance", "republic.signed"]),
        2
    );
    let experts = exported_keys(&["--attributed-to", "experts,kingdom"]);
    assert_eq!(experts.len(), 3, "{experts:?}");
    let own = exported_keys(&["--unattributed"]);
    assert_eq!(own.len(), 7, "{own:?}");
    assert!(own.iter().all(|key| !kingdom.contains(key)));
}

#[test]
fn an_unknown_attribution_is_named_with_a_suggestion() {
    let workdir = Workdir::with_data("claims");
    let output = workdir.kg(&["export", "--format", "json", "--attributed-to", "kingdon"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("unknown entity `kingdon` (did you mean `kingdom`?)"),
        "{}",
        stderr(&output)
    );
    let both = workdir.kg(&["export", "--attributed-to", "kingdom", "--unattributed"]);
    assert_eq!(both.status.code(), Some(2), "{}", stderr(&both));
}

#[test]
fn dates_select_by_the_days_they_name() {
    // Dated: two relations in 1985, one on 2024-02-29; seven undated.
    assert_eq!(exported_keys(&["--dated-only"]).len(), 3);
    assert_eq!(exported_keys(&["--since", "2000"]).len(), 8);
    assert_eq!(exported_keys(&["--since", "2000", "--dated-only"]).len(), 1);
    assert_eq!(
        exported_keys(&["--until", "1985-06", "--dated-only"]).len(),
        2
    );
    // A year reaches into a month inside it: 1985 overlaps 1985-12.
    assert_eq!(
        exported_keys(&["--since", "1985-12", "--until", "1985-12", "--dated-only"]).len(),
        2
    );
    assert_eq!(
        exported_keys(&["--since", "2024-03", "--dated-only"]).len(),
        0
    );
    let workdir = Workdir::with_data("claims");
    let output = workdir.kg(&["export", "--since", "2024-02-30"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("February 2024 has 29 days"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn answers_say_whose_claim_and_what_does_not_hold() {
    let workdir = Workdir::with_data("claims");
    let output = workdir.kg(&["query", "neighbors", "republic", "--type", "joins"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.contains("Republic —not: joins→ Alliance (recommended, according to Kingdom)"),
        "{text}"
    );
    assert!(
        text.contains("Republic —not: joins→ Alliance (actual)"),
        "{text}"
    );
    assert!(
        text.contains("Republic —not: joins→ the royal club (hypothetical)"),
        "{text}"
    );
    let output = workdir.kg(&["explain", "republic", "harbour-accord", "--json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let relations = json["paths"][0]["hops"][0]["relations"].as_array().unwrap();
    let claimed = relations
        .iter()
        .find(|relation| relation["attributed_to"] == serde_json::json!(["kingdom"]))
        .expect("the Kingdom's claim is on the path");
    assert_eq!(claimed["type_label"], "signed");
    assert_eq!(claimed["negated"], false);
    assert!(
        relations
            .iter()
            .any(|relation| relation["negated"] == true && relation["type"] == "signed")
    );
}

#[test]
fn lint_names_each_relation_type_that_puts_modality_in_its_name() {
    let workdir = Workdir::with_data("base");
    let schema = workdir.read("data/schema.toml");
    workdir.write(
        "data/schema.toml",
        schema
            + "\n[[relation_type]]\nname = \"could_join\"\ndefinition = \"x\"\ndomain = [\"state\"]\nrange = [\"organization\"]\n\
               \n[[relation_type]]\nname = \"not_member_of\"\ndefinition = \"x\"\ndomain = [\"state\"]\nrange = [\"organization\"]\n\
               \n[[relation_type]]\nname = \"maybe_joins\"\ndefinition = \"x\"\ndomain = [\"state\"]\nrange = [\"organization\"]\n",
    );
    let output = workdir.kg(&["lint"]);
    let text = stderr(&output);
    assert_eq!(
        text.matches("warning[modality-in-type-name]: ").count(),
        2,
        "{text}"
    );
    assert!(
        text.contains("relation type `could_join` puts modality in its name"),
        "{text}"
    );
    assert!(text.contains("(`join`)"), "{text}");
    assert!(
        text.contains("relation type `not_member_of` puts modality in its name"),
        "{text}"
    );
    assert!(text.contains("`negated = true`"), "{text}");
    assert!(!text.contains("`maybe_joins` puts modality"), "{text}");
}

/// The Kingdom by id, by label and by alias, in any case: every command
/// that takes `--attributed-to` must resolve the name to the id the
/// relations hold (`kg query neighbors` once compared the name as given).
const KINGDOM: [&str; 4] = ["kingdom", "Kingdom", "the Kingdom", "THE KINGDOM"];

/// The Kingdom's two claims about the Republic: that it joins the
/// Alliance, and that it signed the Accord.
const KINGDOMS_CLAIMS: [&str; 2] = ["republic.joins.alliance", "republic.signed"];

#[test]
fn query_neighbors_takes_an_attribution_by_label_or_alias() {
    let workdir = Workdir::with_data("claims");
    for name in KINGDOM {
        let output = workdir.kg(&[
            "query",
            "neighbors",
            "republic",
            "--attributed-to",
            name,
            "--json",
        ]);
        assert!(output.status.success(), "{name}: {}", stderr(&output));
        let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
        let reached: Vec<&str> = json["neighbors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|neighbor| neighbor["id"].as_str().unwrap())
            .collect();
        assert_eq!(reached, ["alliance", "harbour-accord"], "{name}");
        let relations: Vec<String> = json["neighbors"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|neighbor| neighbor["relations"].as_array().unwrap())
            .map(|relation| relation["id"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(
            starting(&relations, &KINGDOMS_CLAIMS),
            2,
            "{name}: {relations:?}"
        );
        assert_eq!(relations.len(), 2, "{name}: {relations:?}");
    }
}

#[test]
fn query_subgraph_takes_an_attribution_by_label_or_alias() {
    let workdir = Workdir::with_data("claims");
    for name in KINGDOM {
        let output = workdir.kg(&[
            "query",
            "subgraph",
            "republic",
            "--attributed-to",
            name,
            "--format",
            "json",
        ]);
        assert!(output.status.success(), "{name}: {}", stderr(&output));
        let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
        let keys: Vec<String> = json["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|edge| edge["key"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(keys.len(), 2, "{name}: {keys:?}");
        assert_eq!(starting(&keys, &KINGDOMS_CLAIMS), 2, "{name}: {keys:?}");
    }
}

#[test]
fn export_takes_an_attribution_by_label_or_alias() {
    for name in KINGDOM {
        let keys = exported_keys(&["--attributed-to", name]);
        assert_eq!(keys.len(), 2, "{name}: {keys:?}");
        assert_eq!(starting(&keys, &KINGDOMS_CLAIMS), 2, "{name}: {keys:?}");
        // And around a focus, where the selection walks the graph.
        let focused = exported_keys(&["--focus", "republic", "--attributed-to", name]);
        assert_eq!(focused, keys, "{name}");
    }
}
