//! `kg render` with the real Graphviz: the SVG parses as XML, holds one node
//! per entity with its tooltip and link; the guards give clear messages.

use std::collections::BTreeSet;

use crate::common::{Workdir, dot, stderr};

/// Entity ids drawn in an SVG (Graphviz puts the node name in `<title>`),
/// legend nodes left out.
fn parse(svg: &str) -> roxmltree::Document<'_> {
    // Graphviz writes a DOCTYPE line; the document itself must be well-formed.
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    roxmltree::Document::parse_with_options(svg, options).expect("the SVG is well-formed XML")
}

fn drawn_entities(svg: &str) -> BTreeSet<String> {
    let document = parse(svg);
    document
        .descendants()
        .filter(|node| node.attribute("class") == Some("node"))
        .filter_map(|node| node.children().find(|child| child.has_tag_name("title")))
        .filter_map(|title| title.text())
        .filter(|name| !name.starts_with("_legend"))
        .map(str::to_owned)
        .collect()
}

#[test]
fn svg_has_one_node_per_entity_with_tooltips_and_wikidata_links() {
    if dot().is_none() {
        return;
    }
    let workdir = Workdir::with_data("hostile");
    let output = workdir.kg(&["render", "-o", "graph.svg"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let svg = workdir.read("graph.svg");
    let expected: BTreeSet<String> = [
        "lines", "markup", "mermaid", "node", "quotes", "unicode", "zero",
    ]
    .map(String::from)
    .into();
    assert_eq!(drawn_entities(&svg), expected);
    let document = parse(&svg);
    let xlink = "http://www.w3.org/1999/xlink";
    let links: Vec<_> = document
        .descendants()
        .filter(|node| node.has_tag_name("a"))
        .filter_map(|node| {
            node.attribute((xlink, "href"))
                .map(|href| (href, node.attribute("target")))
        })
        .filter(|(href, _)| href.starts_with("https://www.wikidata.org/wiki/"))
        .collect();
    assert_eq!(
        links,
        vec![("https://www.wikidata.org/wiki/Q42", Some("_blank"))]
    );
    let titles: Vec<&str> = document
        .descendants()
        .filter_map(|node| node.attribute((xlink, "title")))
        .collect();
    assert!(
        titles
            .iter()
            .any(|t| t.contains("Emoji 🚀, right-to-left مرحبا")),
        "no description tooltip"
    );
    assert!(
        titles
            .iter()
            .any(|t| t.contains("<b>Bold</b> & {braces}; =cmd")),
        "no evidence tooltip"
    );
    // Graphviz decodes HTML entities in labels and tooltips: the curated
    // `&amp;` must still be drawn as `&amp;`, not as `&`.
    let drawn_label: Vec<&str> = document
        .descendants()
        .filter(|node| node.attribute("class") == Some("node"))
        .filter(|node| {
            node.children()
                .any(|child| child.has_tag_name("title") && child.text() == Some("markup"))
        })
        .flat_map(|node| node.descendants())
        .filter(|node| node.has_tag_name("text"))
        .filter_map(|node| node.text())
        .collect();
    assert_eq!(drawn_label.join(" "), "<b>&amp;</b> {x}; =SUM(A1)");
    assert!(
        titles
            .iter()
            .any(|t| t.starts_with("<b>&amp;</b> {x}; =SUM(A1)")),
        "the tooltip decoded an entity: {titles:?}"
    );
}

#[test]
fn png_and_pdf_come_out_as_such() {
    if dot().is_none() {
        return;
    }
    let workdir = Workdir::with_data("base");
    for (format, magic) in [("png", &b"\x89PNG"[..]), ("pdf", &b"%PDF"[..])] {
        let output = workdir.kg(&[
            "render",
            "--format",
            format,
            "-o",
            &format!("graph.{format}"),
        ]);
        assert!(output.status.success(), "{}", stderr(&output));
        let bytes = std::fs::read(workdir.path().join(format!("graph.{format}"))).unwrap();
        assert!(
            bytes.starts_with(magic),
            "{format} output is not a {format}"
        );
    }
}

#[test]
fn without_graphviz_the_error_says_how_to_install_it() {
    let workdir = Workdir::with_data("base");
    let output = crate::common::kg_command(workdir.path(), &["render", "-o", "graph.svg"])
        .env("PATH", "/nonexistent")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(
        message.contains("Graphviz (`dot`) is not installed"),
        "{message}"
    );
    assert!(message.contains("apt-get install graphviz"), "{message}");
    assert!(
        message.contains("`kg build` and `kg export` write DOT and JSON without it"),
        "{message}"
    );
    assert!(!workdir.path().join("graph.svg").exists());
}

#[test]
fn a_graph_too_large_for_the_engine_is_refused_with_advice() {
    let workdir = Workdir::with_data("base");
    let mut entities = workdir.read("data/entities.toml");
    for index in 0..450 {
        entities.push_str(&format!(
            "\n[[entity]]\nid = \"extra-{index}\"\nlabel = \"Extra {index}\"\nkind = \"state\"\n"
        ));
    }
    workdir.write("data/entities.toml", entities);
    let output = workdir.kg(&["render", "-o", "graph.svg"]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(
        message.contains("too large for `dot` (454 entities"),
        "{message}"
    );
    assert!(message.contains("--engine sfdp"), "{message}");
    assert!(message.contains("--focus"), "{message}");
}

#[test]
fn a_render_that_runs_too_long_is_stopped() {
    if dot().is_none() {
        return;
    }
    // A fake Graphviz that never finishes stands in for a huge layout.
    let workdir = Workdir::with_data("base");
    workdir.write("bin/dot", "#!/bin/sh\nexec sleep 30\n");
    let fake = workdir.path().join("bin/dot");
    std::fs::set_permissions(&fake, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let path = format!(
        "{}:{}",
        workdir.path().join("bin").display(),
        std::env::var("PATH").unwrap()
    );
    let started = std::time::Instant::now();
    let output = crate::common::kg_command(
        workdir.path(),
        &["render", "--timeout", "1", "-o", "graph.svg"],
    )
    .env("PATH", path)
    .output()
    .unwrap();
    assert!(
        started.elapsed().as_secs() < 20,
        "the timeout did not stop Graphviz"
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("did not finish within 1 s"),
        "{}",
        stderr(&output)
    );
}

/// Entity ids and relation count of `kg render ARGS` on the base fixture.
fn rendered(args: &[&str]) -> (Vec<String>, usize) {
    let workdir = Workdir::with_data("base");
    let mut all = vec!["render", "-o", "graph.svg"];
    all.extend_from_slice(args);
    let output = workdir.kg(&all);
    assert!(output.status.success(), "{args:?}: {}", stderr(&output));
    let svg = workdir.read("graph.svg");
    let document = parse(&svg);
    let edges = document
        .descendants()
        .filter(|node| node.attribute("class") == Some("edge"))
        .filter_map(|node| node.children().find(|child| child.has_tag_name("title")))
        .filter_map(|title| title.text())
        .filter(|name| !name.starts_with("_legend"))
        .count();
    (drawn_entities(&svg).into_iter().collect(), edges)
}

#[test]
fn focus_and_filters_draw_the_known_part_of_the_graph() {
    if dot().is_none() {
        return;
    }
    let ids = |names: &[&str]| names.iter().map(|n| (*n).to_owned()).collect::<Vec<_>>();
    // Kingdom's neighbours, named by label, and the relations among them.
    assert_eq!(
        rendered(&["--focus", "Kingdom"]),
        (ids(&["alliance", "harbour-accord", "kingdom"]), 3)
    );
    // Following relations forward only, two steps from the Republic.
    assert_eq!(
        rendered(&["--focus", "republic", "--depth", "2", "--direction", "out"]),
        (ids(&["alliance", "harbour-accord", "republic"]), 3)
    );
    // Only the historical signings; the Kingdom takes part in none.
    assert_eq!(
        rendered(&["--modality", "historical"]),
        (ids(&["alliance", "harbour-accord", "republic"]), 2)
    );
    assert_eq!(
        rendered(&["--type", "withdraws_from"]),
        (ids(&["alliance", "harbour-accord", "kingdom"]), 2)
    );
    assert_eq!(
        rendered(&["--kind", "state"]),
        (ids(&["kingdom", "republic"]), 0)
    );
}

#[test]
fn an_unknown_focus_gets_did_you_mean_and_writes_nothing() {
    let workdir = Workdir::with_data("base");
    let output = workdir.kg(&["render", "--focus", "kingdon", "-o", "graph.svg"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("unknown entity `kingdon` (did you mean `kingdom`?)"),
        "{}",
        stderr(&output)
    );
    assert!(!workdir.path().join("graph.svg").exists());
}
