//! `kg query`, `kg explain` and `kg stats` on fixtures whose answers are
//! checked by hand: `base` (alliance, republic, kingdom, harbour-accord)
//! and `star` (spoke-a, spoke-b, spoke-c -> hub -> relay -> end, spoke-a
//! twice). JSON answers are pinned by golden files in
//! `tests/fixtures/expected/query`.

use crate::common::{Workdir, assert_golden, fixtures, stderr, stdout};

/// `kg ARGS` on a copy of `fixture`; panics unless it succeeds.
fn ask(fixture: &str, args: &[&str]) -> String {
    let output = Workdir::with_data(fixture).kg(args);
    assert_eq!(
        output.status.code(),
        Some(0),
        "kg {args:?} failed: {}",
        stderr(&output)
    );
    assert_eq!(stderr(&output), "", "kg {args:?} printed to stderr");
    stdout(&output)
}

fn ask_json(fixture: &str, args: &[&str]) -> serde_json::Value {
    let mut args = args.to_vec();
    args.push("--json");
    serde_json::from_str(&ask(fixture, &args)).expect("valid JSON")
}

fn golden(name: &str, actual: &str) {
    assert_golden(&fixtures().join("expected/query").join(name), actual);
}

fn strings(value: &serde_json::Value) -> Vec<String> {
    value
        .as_array()
        .expect("an array")
        .iter()
        .map(|item| item.as_str().expect("a string").to_owned())
        .collect()
}

/// `[(distance, id)]` of a neighbours answer.
fn reached(answer: &serde_json::Value) -> Vec<(u64, String)> {
    answer["neighbors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["distance"].as_u64().unwrap(),
                n["id"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn pairs(list: &[(u64, &str)]) -> Vec<(u64, String)> {
    list.iter().map(|(d, id)| (*d, (*id).to_owned())).collect()
}

#[test]
fn neighbors_at_depth_1_and_2() {
    assert_eq!(
        ask("base", &["query", "neighbors", "republic"]),
        "\
Republic (republic, state): 2 entities within 1 relation
distance 1
  Alliance (alliance, organization)
    Republic —seeks membership of→ Alliance (actual)
  Harbour Accord (harbour-accord, agreement)
    Republic —signed→ Harbour Accord (historical)
"
    );
    assert_eq!(
        ask("base", &["query", "neighbors", "republic", "--depth", "2"]),
        "\
Republic (republic, state): 3 entities within 2 relations
distance 1
  Alliance (alliance, organization)
    Republic —seeks membership of→ Alliance (actual)
  Harbour Accord (harbour-accord, agreement)
    Republic —signed→ Harbour Accord (historical)
distance 2
  Kingdom (kingdom, state)
    Kingdom —withdraws from→ Alliance (hypothetical)
    Kingdom —withdraws from→ Harbour Accord (proposed)
"
    );
    let json = ask(
        "base",
        &["query", "neighbors", "republic", "--depth", "2", "--json"],
    );
    golden("neighbors-republic-depth-2.json", &json);
}

#[test]
fn neighbors_follow_only_the_relations_the_filters_admit() {
    // Out of the kingdom: both withdraws_from relations.
    assert_eq!(
        reached(&ask_json(
            "base",
            &["query", "neighbors", "kingdom", "--direction", "out"]
        )),
        pairs(&[(1, "alliance"), (1, "harbour-accord")])
    );
    // Into the kingdom: nothing.
    assert_eq!(
        reached(&ask_json(
            "base",
            &["query", "neighbors", "kingdom", "--direction", "in"]
        )),
        []
    );
    // Into the accord: its three subjects; into the alliance after that
    // come the republic and the kingdom, already reached, so no depth 2.
    assert_eq!(
        reached(&ask_json(
            "base",
            &[
                "query",
                "neighbors",
                "harbour-accord",
                "--direction",
                "in",
                "--depth",
                "2"
            ]
        )),
        pairs(&[(1, "alliance"), (1, "kingdom"), (1, "republic")])
    );
    // Only `signed`: the accord's signatories, and nothing beyond them.
    assert_eq!(
        reached(&ask_json(
            "base",
            &[
                "query",
                "neighbors",
                "alliance",
                "--depth",
                "2",
                "--type",
                "signed"
            ]
        )),
        pairs(&[(1, "harbour-accord"), (2, "republic")])
    );
    // Only what actually holds or held: the kingdom is out of reach.
    assert_eq!(
        reached(&ask_json(
            "base",
            &[
                "query",
                "neighbors",
                "alliance",
                "--depth",
                "3",
                "--modality",
                "actual,historical"
            ]
        )),
        pairs(&[(1, "harbour-accord"), (1, "republic")])
    );
    // Only organizations and agreements may be stepped into.
    assert_eq!(
        reached(&ask_json(
            "base",
            &[
                "query",
                "neighbors",
                "kingdom",
                "--depth",
                "2",
                "--kind",
                "organization",
                "--kind",
                "agreement"
            ]
        )),
        pairs(&[(1, "alliance"), (1, "harbour-accord")])
    );
}

#[test]
fn entities_are_named_by_id_label_or_alias_in_any_case() {
    for name in [
        "harbour-accord",
        "Harbour Accord",
        "the Accord",
        "THE ACCORD",
        "harbour accord",
    ] {
        let answer = ask_json("base", &["query", "neighbors", name]);
        assert_eq!(answer["entity"]["id"], "harbour-accord", "{name}");
    }
    let answer = ask_json("base", &["query", "path", "the alliance", "the republic"]);
    assert_eq!(
        strings(&answer["paths"][0]["entities"]),
        ["alliance", "republic"]
    );
}

#[test]
fn an_unknown_name_exits_1_with_did_you_mean() {
    let workdir = Workdir::with_data("base");
    for args in [
        &["query", "neighbors", "republik"][..],
        &["query", "path", "kingdom", "republik"][..],
        &["query", "subgraph", "republik", "--format", "dot"][..],
        &["explain", "republik", "kingdom"][..],
    ] {
        let output = workdir.kg(args);
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        assert_eq!(stdout(&output), "", "{args:?}");
        assert_eq!(
            stderr(&output),
            "error: unknown entity `republik` (did you mean `republic`?)\n",
            "{args:?}"
        );
    }
    let far = workdir.kg(&["query", "neighbors", "natoo"]);
    assert_eq!(stderr(&far), "error: unknown entity `natoo`\n");
    let alias = workdir.kg(&["query", "neighbors", "the acord"]);
    assert_eq!(
        stderr(&alias),
        "error: unknown entity `the acord` (did you mean `the Accord`?)\n"
    );
    let ty = workdir.kg(&["query", "neighbors", "republic", "--type", "signd"]);
    assert_eq!(ty.status.code(), Some(1));
    assert_eq!(
        stderr(&ty),
        "error: unknown relation type `signd` (did you mean `signed`?)\n"
    );
    let kind = workdir.kg(&[
        "query", "subgraph", "republic", "--kind", "states", "--format", "dot",
    ]);
    assert_eq!(
        stderr(&kind),
        "error: unknown kind `states` (did you mean `state`?)\n"
    );
    let modality = workdir.kg(&["query", "neighbors", "republic", "--modality", "actul"]);
    assert_eq!(modality.status.code(), Some(2));
    assert!(
        stderr(&modality).contains("invalid value 'actul' for '--modality <MODALITY>'")
            && stderr(&modality).contains("a similar value exists: 'actual'"),
        "{}",
        stderr(&modality)
    );
}

#[test]
fn a_shortest_path_reads_relations_either_way_unless_directed() {
    assert_eq!(
        ask("base", &["query", "path", "kingdom", "republic"]),
        "\
Kingdom (kingdom, state) to Republic (republic, state): 2 relations
  1. Kingdom —withdraws from→ Alliance (hypothetical)
  2. Alliance ←seeks membership of— Republic (actual)
"
    );
    // Nothing leads to the republic; from it, the alliance is one step.
    assert_eq!(
        ask(
            "base",
            &["query", "path", "kingdom", "republic", "--directed"]
        ),
        "Kingdom (kingdom, state) to Republic (republic, state): no path, following relations forward\n"
    );
    let forward = ask_json(
        "base",
        &["query", "path", "republic", "alliance", "--directed"],
    );
    assert_eq!(
        strings(&forward["paths"][0]["entities"]),
        ["republic", "alliance"]
    );
    let too_long = ask_json(
        "base",
        &["query", "path", "kingdom", "republic", "--max-len", "1"],
    );
    assert_eq!(too_long["paths"], serde_json::json!([]));
}

#[test]
fn all_paths_come_shortest_first_up_to_the_limit() {
    let all = ask_json("base", &["query", "path", "kingdom", "republic", "--all"]);
    let found: Vec<Vec<String>> = all["paths"]
        .as_array()
        .unwrap()
        .iter()
        .map(|path| strings(&path["entities"]))
        .collect();
    assert_eq!(
        found,
        [
            vec!["kingdom", "alliance", "republic"],
            vec!["kingdom", "harbour-accord", "republic"],
            vec!["kingdom", "alliance", "harbour-accord", "republic"],
            vec!["kingdom", "harbour-accord", "alliance", "republic"],
        ]
    );
    let short = ask_json(
        "base",
        &[
            "query",
            "path",
            "kingdom",
            "republic",
            "--all",
            "--max-len",
            "2",
        ],
    );
    assert_eq!(short["paths"].as_array().unwrap().len(), 2);
    let directed = ask_json(
        "base",
        &[
            "query",
            "path",
            "kingdom",
            "harbour-accord",
            "--all",
            "--directed",
        ],
    );
    let found: Vec<Vec<String>> = directed["paths"]
        .as_array()
        .unwrap()
        .iter()
        .map(|path| strings(&path["entities"]))
        .collect();
    assert_eq!(
        found,
        [
            vec!["kingdom", "harbour-accord"],
            vec!["kingdom", "alliance", "harbour-accord"]
        ]
    );
    golden(
        "path-kingdom-republic-all.json",
        &ask(
            "base",
            &["query", "path", "kingdom", "republic", "--all", "--json"],
        ),
    );
}

#[test]
fn explain_gives_each_hop_with_modality_quote_and_line() {
    assert_eq!(
        ask("base", &["explain", "Kingdom", "the Republic"]),
        "\
Kingdom (kingdom, state) to Republic (republic, state): 2 relations
1. Kingdom —withdraws from→ Alliance (hypothetical): “The Kingdom could leave the Alliance too.” (memo, line 4)
2. Alliance ←seeks membership of— Republic (actual): “The Republic wants to join the Alliance — or so its ministers say…” (memo, line 2)
   note: According to its ministers
"
    );
    assert_eq!(
        ask("base", &["explain", "republic", "harbour-accord"]),
        "\
Republic (republic, state) to Harbour Accord (harbour-accord, agreement): 1 relation
1. Republic —signed→ Harbour Accord (historical, 1990): “The Alliance and the Republic signed the “Harbour Accord” in 1990…” (memo, line 1)
"
    );
    golden(
        "explain-kingdom-republic.json",
        &ask("base", &["explain", "kingdom", "republic", "--json"]),
    );
}

#[test]
fn a_subgraph_is_the_selection_written_by_an_exporter() {
    let workdir = Workdir::with_data("base");
    // Everything is within two relations of the republic.
    let whole = workdir.kg(&[
        "query", "subgraph", "republic", "--depth", "2", "--format", "json",
    ]);
    let export = workdir.kg(&["export", "--format", "json"]);
    assert!(whole.status.success(), "{}", stderr(&whole));
    assert_eq!(stdout(&whole), stdout(&export));
    // One step around the kingdom: the republic is left out, and with it
    // its relations; the alliance signed the accord, so that relation stays.
    let ego = ask(
        "base",
        &["query", "subgraph", "kingdom", "--format", "json"],
    );
    golden("subgraph-kingdom.json", &ego);
    let graph: serde_json::Value = serde_json::from_str(&ego).unwrap();
    let ids = |key: &str, field: &str| -> Vec<String> {
        graph[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|item| item[field].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        ids("nodes", "id"),
        ["alliance", "harbour-accord", "kingdom"]
    );
    assert_eq!(
        ids("edges", "key"),
        [
            "alliance.signed.harbour-accord.df454954",
            "kingdom-could-leave-alliance",
            "kingdom.withdraws_from.harbour-accord.fae1c2d7"
        ]
    );
    let dot = ask(
        "base",
        &[
            "query",
            "subgraph",
            "kingdom",
            "--format",
            "dot",
            "--modality",
            "proposed",
        ],
    );
    assert!(dot.contains("\"kingdom\" -> \"harbour-accord\""), "{dot}");
    assert!(!dot.contains("\"alliance\" ["), "{dot}");
}

#[test]
fn stats_count_and_rank_the_base_graph() {
    let text = ask("base", &["stats"]);
    assert!(
        text.starts_with(
            "4 entities, 5 relations, 1 source, 5 quotes\ndensity 0.4167 (5 of 12 ordered pairs linked), 1 connected component\n"
        ),
        "{text}"
    );
    golden("stats-base.txt", &text);
    golden("stats-base.json", &ask("base", &["stats", "--json"]));
    golden("stats-base.md", &ask("base", &["stats", "--markdown"]));
}

#[test]
fn centrality_rankings_on_a_star_with_a_tail_match_the_hand_computed_ones() {
    let stats = ask_json("star", &["stats"]);
    let ranking = |measure: &str| -> Vec<(String, serde_json::Value)> {
        stats["top"][measure]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| (r["id"].as_str().unwrap().to_owned(), r["value"].clone()))
            .collect()
    };
    let expect = |list: &[(&str, serde_json::Value)]| -> Vec<(String, serde_json::Value)> {
        list.iter()
            .map(|(id, v)| ((*id).to_owned(), v.clone()))
            .collect()
    };
    use serde_json::json;
    // Degree counts relations: spoke-a's two relations to the hub both count.
    assert_eq!(
        ranking("degree"),
        expect(&[
            ("hub", json!(5)),
            ("relay", json!(2)),
            ("spoke-a", json!(2)),
            ("end", json!(1)),
            ("spoke-b", json!(1)),
            ("spoke-c", json!(1)),
        ])
    );
    // Betweenness, undirected, over the C(5,2) = 10 pairs of other
    // entities: the hub lies on all but end-relay (9/10), the relay on the
    // 4 pairs with the end (4/10).
    assert_eq!(
        ranking("betweenness"),
        expect(&[
            ("hub", json!(0.9)),
            ("relay", json!(0.4)),
            ("end", json!(0.0)),
            ("spoke-a", json!(0.0)),
            ("spoke-b", json!(0.0)),
            ("spoke-c", json!(0.0)),
        ])
    );
    // PageRank flows downstream. With t = (1-d)/6 + d*end/6 for every
    // entity: spoke = t, hub = t(1+3d), relay = t + d*hub, end = t + d*relay;
    // d = 0.85 and the ranks summing to 1 give t = 1/14.982375.
    assert_eq!(
        ranking("page_rank"),
        expect(&[
            ("end", json!(0.2947)),
            ("relay", json!(0.2681)),
            ("hub", json!(0.2369)),
            ("spoke-a", json!(0.0667)),
            ("spoke-b", json!(0.0667)),
            ("spoke-c", json!(0.0667)),
        ])
    );
    // 5 linked ordered pairs (spoke-a's two relations are one pair) of 30.
    assert_eq!(stats["linked_pairs"], json!(5));
    assert_eq!(stats["density"], json!(0.1667));
    assert_eq!(
        stats["components"],
        json!([["end", "hub", "relay", "spoke-a", "spoke-b", "spoke-c"]])
    );
    golden(
        "stats-star.json",
        &ask("star", &["stats", "--json", "--top", "3"]),
    );
}

#[test]
fn query_explain_and_stats_have_help_with_examples() {
    let workdir = Workdir::new();
    for command in [
        &["query"][..],
        &["query", "neighbors"][..],
        &["query", "path"][..],
        &["query", "subgraph"][..],
        &["explain"][..],
        &["stats"][..],
    ] {
        let mut args = command.to_vec();
        args.push("--help");
        let output = workdir.kg(&args);
        assert!(output.status.success(), "{command:?}");
        assert!(
            stdout(&output).contains("Examples:"),
            "{command:?} --help has no examples"
        );
    }
}

#[test]
fn text_answers_keep_hostile_labels_on_one_line() {
    let text = ask("hostile", &["query", "neighbors", "unicode"]);
    assert_eq!(
        text,
        "\
🚀 Rocket مرحبا עברית (unicode, thing): 3 entities within 1 relation
distance 1
  <b>&amp;</b> {x}; =SUM(A1) (markup, node)
    <b>&amp;</b> {x}; =SUM(A1) —says \"no\" <b>&amp;</b> \\N {x} | %% --> `t` $y→ 🚀 Rocket مرحبا עברית (proposed, according to Say \"Hi\" \\N \\\\ end, %% not a comment --> [x] (y) {z} | #35; &lt; <br> `tick`)
  node (node, node)
    🚀 Rocket مرحبا עברית —graph→ node (recommended)
  Say \"Hi\" \\N \\\\ end (quotes, thing)
    🚀 Rocket مرحبا עברית —not: says \"no\" <b>&amp;</b> \\N {x} | %% --> `t` $y→ Say \"Hi\" \\N \\\\ end (actual)
"
    );
    let lines = ask("hostile", &["explain", "lines", "quotes"]);
    assert!(
        lines.starts_with("Line one Line two Line three (lines, thing) to Say \"Hi\" \\N \\\\ end (quotes, thing): 1 relation\n"),
        "{lines}"
    );
    // The self-relation is not a neighbour.
    let json = ask_json("hostile", &["query", "neighbors", "lines"]);
    assert_eq!(reached(&json), pairs(&[(1, "quotes")]));
}

#[test]
#[ignore = "needs the consumer venv .venv or KG_PYTHON (pip install -r tests/consumers/requirements.txt)"]
fn centralities_components_and_density_agree_with_networkx() {
    use crate::common::{repo, run_consumer};
    let workdir = Workdir::new();
    let fixtures_and_data = ["base", "hostile", "star"]
        .map(|name| fixtures().join(name))
        .into_iter()
        .chain([repo().join("data")]);
    for (index, data) in fixtures_and_data.enumerate() {
        let data = data.to_str().unwrap();
        let graph = workdir.kg(&["export", "--data", data, "--format", "json"]);
        let stats = workdir.kg(&["stats", "--data", data, "--json", "--top", "1000000"]);
        assert!(graph.status.success() && stats.status.success(), "{data}");
        let (graph_path, stats_path) =
            (format!("graph-{index}.json"), format!("stats-{index}.json"));
        workdir.write(&graph_path, &graph.stdout);
        workdir.write(&stats_path, &stats.stdout);
        let report = run_consumer(
            "check_stats.py",
            &[
                &workdir.path().join(graph_path),
                &workdir.path().join(stats_path),
            ],
        );
        assert!(report.starts_with("ok"), "{data}: {report}");
    }
}
