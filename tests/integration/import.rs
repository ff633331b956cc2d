//! `kg import csv`: Kumu-style sheets into canonical TOML, every bad cell
//! reported with its row and column, nothing written when any is bad.

use crate::common::{Workdir, assert_workflow_golden, transcript};

fn corpus() -> Workdir {
    let workdir = Workdir::new();
    assert!(workdir.kg(&["init"]).status.success());
    workdir
}

#[test]
fn sheets_are_imported_in_the_layout_kg_fmt_keeps() {
    let workdir = corpus();
    workdir.write(
        "entities.csv",
        "ID,Label,Kind,Aliases,Description,Wikidata\n\
         charles-babbage,Charles Babbage,person,Babbage | Mr Babbage,\"English mathematician, \"\"father of the computer\"\"\",Q46633\n",
    );
    workdir.write(
        "relations.csv",
        "from,type,to,modality,source,quote,note,attributed_to\n\
         charles-babbage,wrote_about,analytical-engine,historical,example,\"a general-purpose calculating machine designed by Charles Babbage\",\"Designed, not written about\",ada-lovelace\n",
    );
    let mut session = transcript(
        workdir.path(),
        &[
            "import",
            "csv",
            "--entities",
            "entities.csv",
            "--relations",
            "relations.csv",
        ],
    );
    session.push_str(&transcript(workdir.path(), &["fmt", "--check"]));
    session.push_str("--- data/entities.toml (end)\n");
    let entities = workdir.read("data/entities.toml");
    session.push_str(&entities[entities.rfind("[[entity]]").unwrap()..]);
    session.push_str("--- data/relations.toml (end)\n");
    let relations = workdir.read("data/relations.toml");
    session.push_str(&relations[relations.rfind("[[relation]]").unwrap()..]);
    assert_workflow_golden("import.txt", &session);
}

#[test]
fn every_bad_cell_is_reported_and_nothing_is_written() {
    let workdir = corpus();
    let entities_before = workdir.read("data/entities.toml");
    let relations_before = workdir.read("data/relations.toml");
    workdir.write(
        "entities.csv",
        "id,label,kind,colour\nCharles Babbage,,person,red\nada-lovelace,Ada,person\n",
    );
    workdir.write(
        "bad-cells.csv",
        "id,label,kind\nCharles Babbage,,person\nbabbage,Babbage,Person,extra\ncountess,Countess,person\ncountess,Countess,person\n",
    );
    workdir.write(
        "relations.csv",
        "from,type,to,modality,source,quote\n\
         ada-lovelace,designed,analytical-engine,historical,example,designed by Charles Babbage\n\
         ada-lovelace,wrote_about,analytical-engin,maybe,example,Ada Lovelace\n\
         ada-lovelace,wrote_about,analytical-engine,actual,exampel,nothing like this\n\
         ada-lovelace,wrote_about,analytical-engine,actual,example,nothing like this\n",
    );
    let mut session = transcript(
        workdir.path(),
        &["import", "csv", "--entities", "entities.csv"],
    );
    session.push_str(&transcript(
        workdir.path(),
        &["import", "csv", "--entities", "bad-cells.csv"],
    ));
    session.push_str(&transcript(
        workdir.path(),
        &["import", "csv", "--relations", "relations.csv"],
    ));
    let fixed = "from,type,to,modality,source,quote\n\
                 ada-lovelace,wrote_about,analytical-engin,actual,example,Ada Lovelace\n\
                 ada-lovelace,wrote_about,analytical-engine,actual,example,nothing like this\n";
    workdir.write("relations.csv", fixed);
    session.push_str(&transcript(
        workdir.path(),
        &["import", "csv", "--relations", "relations.csv"],
    ));
    assert_workflow_golden("import-refused.txt", &session);
    assert_eq!(workdir.read("data/entities.toml"), entities_before);
    assert_eq!(workdir.read("data/relations.toml"), relations_before);
}
