//! `kg render` with the real Graphviz: the SVG parses as XML, holds one node
//! per entity with its tooltip and link; the guards give clear messages.

use std::collections::BTreeSet;
use std::path::Path;

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
#[ignore = "needs Graphviz (apt-get install graphviz)"]
fn svg_has_one_node_per_entity_with_tooltips_and_wikidata_links() {
    dot();
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
#[ignore = "needs Graphviz (apt-get install graphviz)"]
fn png_and_pdf_come_out_as_such() {
    dot();
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
#[ignore = "needs Graphviz (apt-get install graphviz)"]
fn a_render_that_runs_too_long_is_stopped() {
    dot();
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
#[ignore = "needs Graphviz (apt-get install graphviz)"]
fn focus_and_filters_draw_the_known_part_of_the_graph() {
    dot();
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

/// `kg` run with a fake `dot` first on the `PATH`: a shell script.
fn with_fake_dot(workdir: &Workdir, script: &str, args: &[&str]) -> std::process::Output {
    workdir.write("bin/dot", script);
    let fake = workdir.path().join("bin/dot");
    std::fs::set_permissions(&fake, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let path = format!(
        "{}:{}",
        workdir.path().join("bin").display(),
        std::env::var("PATH").unwrap()
    );
    crate::common::kg_command(workdir.path(), args)
        .env("PATH", path)
        .output()
        .unwrap()
}

#[test]
fn a_graphviz_failure_is_one_line_with_what_to_try() {
    let workdir = Workdir::with_data("base");
    let output = with_fake_dot(
        &workdir,
        "#!/bin/sh\ncat >/dev/null\necho 'Error: trouble in init_rank' >&2\nfor i in $(seq 150); do echo \"\t%0 $i\" >&2; done\nexit 1\n",
        &["render", "--cluster", "kind", "-o", "graph.svg"],
    );
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert_eq!(message.trim_end().lines().count(), 1, "{message}");
    assert!(message.contains("trouble in init_rank"), "{message}");
    assert!(
        message.contains("try without `--cluster kind`"),
        "{message}"
    );
    assert!(!workdir.path().join("graph.svg").exists());
}

#[test]
#[ignore = "needs Graphviz (apt-get install graphviz)"]
fn the_image_format_comes_from_the_file_name() {
    dot();
    let workdir = Workdir::with_data("base");
    let output = workdir.kg(&["render", "-o", "graph.png", "--width", "640"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let png = std::fs::read(workdir.path().join("graph.png")).unwrap();
    assert!(png.starts_with(b"\x89PNG"));
    let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
    assert!((638..=642).contains(&width), "the PNG is {width} px wide");
    let output = workdir.kg(&["render", "-o", "graph.PDF"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        std::fs::read(workdir.path().join("graph.PDF"))
            .unwrap()
            .starts_with(b"%PDF")
    );
}

#[test]
fn an_unknown_or_contradicting_extension_is_refused() {
    let workdir = Workdir::with_data("base");
    let output = workdir.kg(&["render", "-o", "graph.jpg"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("cannot tell the image format of `graph.jpg`"),
        "{}",
        stderr(&output)
    );
    let output = workdir.kg(&["render", "--format", "pdf", "-o", "graph.png"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("names a PNG image but --format is pdf"));
    let output = workdir.kg(&["render", "--width", "100", "-o", "graph.svg"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("apply only to PNG"));
    assert!(!workdir.path().join("graph.jpg").exists());
}

#[test]
#[ignore = "needs `script` (apt-get install util-linux)"]
fn a_binary_image_is_not_written_to_a_terminal() {
    // `script` gives kg a terminal as stdout.
    let script = std::path::PathBuf::from("/usr/bin/script");
    crate::common::consumer(script.exists().then_some(script), "`script` (util-linux)");
    let workdir = Workdir::with_data("base");
    let output = std::process::Command::new("/usr/bin/script")
        .args([
            "-qec",
            &format!("{} render --format png", env!("CARGO_BIN_EXE_kg")),
            "/dev/null",
        ])
        .current_dir(workdir.path())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let shown = String::from_utf8_lossy(&output.stdout);
    assert!(
        shown.contains("refusing to write a binary PNG image to the terminal"),
        "{shown}"
    );
    assert!(
        !shown.contains("PNG\r\n\u{1a}"),
        "image bytes reached the terminal"
    );
}

#[test]
#[ignore = "needs Graphviz (apt-get install graphviz)"]
fn a_focused_picture_marks_its_focus_and_credits_the_source() {
    dot();
    let workdir = Workdir::new();
    let data = crate::common::repo().join("data");
    let output = workdir.kg(&[
        "render",
        "--data",
        data.to_str().unwrap(),
        "--focus",
        "Ukraine",
        "--title",
        "Ukraine & its neighbours",
        "-o",
        "ukraine.svg",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let svg = workdir.read("ukraine.svg");
    let document = parse(&svg);
    let focus = document
        .descendants()
        .find(|node| {
            node.attribute("class") == Some("node")
                && node.children().any(|child| {
                    child.tag_name().name() == "title" && child.text() == Some("ukraine")
                })
        })
        .expect("the focus is drawn");
    assert!(
        focus
            .descendants()
            .any(|node| node.attribute("stroke") == Some("#0b5cad")
                && node.attribute("stroke-width") == Some("3")),
        "the focus is not outlined"
    );
    let texts: Vec<&str> = document
        .descendants()
        .filter_map(|node| {
            (node.tag_name().name() == "text")
                .then(|| node.text())
                .flatten()
        })
        .collect();
    assert!(texts.contains(&"Ukraine & its neighbours"), "{texts:?}");
    assert!(
        texts
            .iter()
            .any(|text| text
                .starts_with("Source: Is There a Way Out of the Russia-NATO Talks Impasse?")),
        "{texts:?}"
    );
    // The legend explains the colours of relation types, not only styles:
    // its sample edges are labelled with type labels.
    let colour_samples: Vec<String> = document
        .descendants()
        .filter(|node| {
            node.attribute("class") == Some("edge")
                && node.children().any(|child| {
                    child.tag_name().name() == "title"
                        && child
                            .text()
                            .is_some_and(|title| title.starts_with("_legend_color_"))
                })
        })
        .map(|edge| {
            edge.descendants()
                .filter(|node| node.tag_name().name() == "text")
                .filter_map(|node| node.text())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    assert!(
        colour_samples
            .iter()
            .any(|sample| sample.contains("seeks membership of")),
        "{colour_samples:?}"
    );
}

#[test]
#[ignore = "needs Graphviz (apt-get install graphviz)"]
fn every_help_example_works() {
    dot();
    let help = crate::common::kg_command(Path::new("."), &["render", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    let examples: Vec<Vec<String>> = help
        .lines()
        .filter_map(|line| line.trim_start().strip_prefix("kg render "))
        .map(|line| {
            // The command ends where a comment starts, after two spaces.
            let command = line.split("  ").next().unwrap();
            shell_words(command)
        })
        .collect();
    assert!(examples.len() >= 5, "{help}");
    let data = crate::common::repo().join("data");
    let workdir = Workdir::new();
    for example in examples {
        let mut args = vec!["render", "--data", data.to_str().unwrap()];
        args.extend(example.iter().map(String::as_str));
        let output = workdir.kg(&args);
        assert!(
            output.status.success(),
            "kg render {}: {}",
            example.join(" "),
            stderr(&output)
        );
        let file = example
            .iter()
            .skip_while(|arg| *arg != "-o")
            .nth(1)
            .expect("each example writes a file");
        assert!(
            std::fs::metadata(workdir.path().join(file)).unwrap().len() > 1000,
            "{file} is empty"
        );
    }
}

/// Splits a command line at spaces, keeping "double-quoted" words whole.
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    for character in line.chars() {
        match character {
            '"' => quoted = !quoted,
            ' ' if !quoted => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
            }
            other => word.push(other),
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

#[test]
#[ignore = "needs Graphviz (apt-get install graphviz)"]
fn the_size_guard_advice_works_on_1500_entities() {
    dot();
    let workdir = Workdir::new();
    let data = workdir.path().join("data");
    std::fs::create_dir_all(data.join("sources")).unwrap();
    workdir.write(
        "data/schema.toml",
        "[[kind]]\nname = \"thing\"\ndescription = \"A thing\"\n\n[[relation_type]]\nname = \"mentions\"\ndefinition = \"The subject mentions the object\"\ndomain = [\"thing\"]\nrange = [\"thing\"]\n",
    );
    let mut entities = String::new();
    for index in 0..1500 {
        entities.push_str(&format!(
            "[[entity]]\nid = \"e{index}\"\nlabel = \"Entity {index}\"\nkind = \"thing\"\n\n"
        ));
    }
    workdir.write("data/entities.toml", entities);
    let text: String = (0..3000)
        .map(|index| format!("Sentence {index:05} is here.\n"))
        .collect();
    let sha256: String = {
        use sha2::Digest;
        sha2::Sha256::digest(text.as_bytes())
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect()
    };
    workdir.write("data/sources/s.txt", &text);
    workdir.write(
        "data/sources/s.toml",
        format!("id = \"s\"\ntitle = \"S\"\nauthor = \"A\"\ndate = \"2024\"\npublisher = \"P\"\ntext = \"sources/s.txt\"\nsha256 = \"{sha256}\"\n"),
    );
    let mut relations = String::new();
    for index in 0..3000usize {
        // A fixed scatter of endpoints: every entity, linked far and near.
        let (from, to) = (index % 1500, (index * 7 + 13) % 1500);
        relations.push_str(&format!(
            "[[relation]]\nid = \"r{index}\"\nfrom = \"e{from}\"\ntype = \"mentions\"\nto = \"e{to}\"\nmodality = \"actual\"\n[[relation.evidence]]\nsource = \"s\"\nquote = \"Sentence {index:05} is here.\"\n\n"
        ));
    }
    workdir.write("data/relations.toml", relations);
    let refused = workdir.kg(&["render", "-o", "graph.svg"]);
    assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
    assert!(
        stderr(&refused).contains("--engine sfdp"),
        "{}",
        stderr(&refused)
    );
    // Following the advice must finish well within the default timeout.
    for advice in [
        &["--engine", "sfdp"][..],
        &["--engine", "sfdp", "--no-edge-labels"][..],
    ] {
        let mut args = vec!["render", "-o", "graph.svg"];
        args.extend(advice);
        let output = workdir.kg(&args);
        assert!(output.status.success(), "{advice:?}: {}", stderr(&output));
        assert!(workdir.read("graph.svg").contains("<svg"));
    }
}

#[test]
#[ignore = "needs Graphviz (apt-get install graphviz)"]
fn render_takes_an_attribution_by_label_or_alias() {
    dot();
    let workdir = Workdir::with_data("claims");
    // The Kingdom's claims: the Republic joins the Alliance, and signed
    // the Accord.
    let claimed: BTreeSet<String> = ["alliance", "harbour-accord", "republic"]
        .map(String::from)
        .into();
    for name in ["kingdom", "Kingdom", "the Kingdom"] {
        for focus in [&[][..], &["--focus", "republic"][..]] {
            let mut args = vec!["render", "-o", "claims.svg", "--attributed-to", name];
            args.extend_from_slice(focus);
            let output = workdir.kg(&args);
            assert!(output.status.success(), "{name}: {}", stderr(&output));
            assert_eq!(
                drawn_entities(&workdir.read("claims.svg")),
                claimed,
                "{name} {focus:?}"
            );
        }
    }
}
