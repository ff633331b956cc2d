//! `kg export --format html`: the page in a real browser (Debian's
//! chromium driven by puppeteer-core, see tests/consumers/check_html.mjs),
//! and its size on the article.

use std::path::{Path, PathBuf};

use crate::common::{Workdir, consumer, kg_command, repo, run_node_consumer, stderr};

/// Debian's chromium, which the browser tests drive; a failure with the
/// install hint if it is missing.
fn chromium() -> PathBuf {
    let path = std::env::var_os("KG_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    consumer(
        path.is_file().then_some(path),
        "chromium (apt-get install chromium)",
    )
}

/// Writes the page, the graph's JSON, the JSON of one modality and that of
/// the neighbourhood of `focus` into `workdir`, from the data directory
/// `data`.
fn export(workdir: &Workdir, data: &Path, modality: &str, focus: &str) {
    let data = data.to_str().unwrap();
    for args in [
        vec!["export", "--data", data, "-o", "graph.html"],
        vec!["export", "--data", data, "-o", "graph.json"],
        vec![
            "export",
            "--data",
            data,
            "--modality",
            modality,
            "-o",
            "filtered.json",
        ],
        vec![
            "export",
            "--data",
            data,
            "--focus",
            focus,
            "--depth",
            "2",
            "-o",
            "focused.json",
        ],
    ] {
        let output = kg_command(workdir.path(), &args).output().unwrap();
        assert!(output.status.success(), "{args:?}: {}", stderr(&output));
    }
}

fn check_in_browser(
    data: &Path,
    modality: &str,
    search: &str,
    entity: &str,
    claimant: Option<&str>,
    dates: Option<(&str, &str)>,
) {
    chromium();
    let workdir = Workdir::new();
    export(&workdir, data, modality, entity);
    let file = |name: &str| workdir.path().join(name);
    let (search, entity, modality) = (Path::new(search), Path::new(entity), Path::new(modality));
    let mut args: Vec<PathBuf> = [
        file("graph.html"),
        file("graph.json"),
        file("filtered.json"),
        file("focused.json"),
        modality.to_owned(),
        search.to_owned(),
        entity.to_owned(),
    ]
    .into();
    let data = data.to_str().unwrap();
    let export_json = |extra: &[&str], name: &str| {
        let mut export = vec!["export", "--data", data, "-o", name];
        export.extend(extra);
        let output = kg_command(workdir.path(), &export).output().unwrap();
        assert!(output.status.success(), "{}", stderr(&output));
        file(name)
    };
    if let Some(claimant) = claimant {
        let claimed = export_json(&["--attributed-to", claimant], "claimed.json");
        args.extend([
            PathBuf::from("--claimant"),
            PathBuf::from(claimant),
            claimed,
        ]);
    }
    if let Some((since, until)) = dates {
        let dated = export_json(&["--since", since, "--until", until], "dated.json");
        args.extend([
            PathBuf::from("--dates"),
            PathBuf::from(since),
            PathBuf::from(until),
            dated,
        ]);
    }
    let args: Vec<&Path> = args.iter().map(PathBuf::as_path).collect();
    let output = run_node_consumer("check_html.mjs", &args);
    assert!(output.starts_with("ok: "), "{output}");
}

#[test]
#[ignore = "needs Chromium and Node.js (apt-get install chromium; npm ci --prefix tests/consumers)"]
fn the_article_page_works_in_chromium() {
    check_in_browser(
        &repo().join("data"),
        "proposed",
        "Moscow",
        "russia",
        None,
        Some(("1990", "2014-06")),
    );
}

#[test]
#[ignore = "needs Chromium and Node.js (apt-get install chromium; npm ci --prefix tests/consumers)"]
fn hostile_strings_show_as_text_in_chromium() {
    // The hostile fixture, plus what could end or comment out the page's
    // data block, or end a JavaScript string in older parsers: `</script>`,
    // `<!--`, U+2028 and U+2029.
    let hostile = Workdir::with_data("hostile");
    let mut entities = hostile.read("data/entities.toml");
    entities.push_str(concat!(
        "\n[[entity]]\nid = \"separators\"\n",
        "label = \"line\\u2028separator, paragraph\\u2029separator </script><script>alert(2)</script>\"\n",
        "kind = \"thing\"\n",
        "aliases = [\"<!--\", \"</SCRIPT >\", \"a\\u2028b\"]\n",
        "description = \"--> \\u2029 <!-- <script>document.title = 'owned'</script>\"\n",
    ));
    hostile.write("data/entities.toml", entities);
    check_in_browser(
        &hostile.path().join("data"),
        "actual",
        "Zoë",
        "unicode",
        None,
        None,
    );
}

#[test]
#[ignore = "needs Chromium and Node.js (apt-get install chromium; npm ci --prefix tests/consumers)"]
fn claims_show_their_voice_and_negation_in_chromium() {
    check_in_browser(
        &repo().join("tests/fixtures/claims"),
        "proposed",
        "the Accord",
        "harbour-accord",
        Some("kingdom"),
        None,
    );
}

#[test]
fn the_article_page_is_under_one_and_a_half_megabytes() {
    let workdir = Workdir::new();
    let data = repo().join("data");
    let output = kg_command(
        workdir.path(),
        &["export", "--data", data.to_str().unwrap(), "-o", "view.htm"],
    )
    .output()
    .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let page = std::fs::read(workdir.path().join("view.htm")).unwrap();
    assert!(page.starts_with(b"<!DOCTYPE html>"), "`.htm` names HTML");
    assert!(page.len() < 1_500_000, "{} bytes", page.len());
}
