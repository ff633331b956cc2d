"""Validates a corpus's data files against kgraph's JSON Schemas with the
pinned jsonschema, reading TOML as JSON (tomllib): what an editor using the
schemas would report. Usage: check_data_schemas.py SCHEMAS_DIR CORPUS_ROOT.
Prints one line per file, `PATH: valid` or `PATH: invalid` followed by each
problem; the caller decides what to expect."""

import json
import sys
import tomllib
from pathlib import Path

import jsonschema

schemas_dir, root = Path(sys.argv[1]), Path(sys.argv[2])


def load(path):
    if path.suffix == ".toml":
        return tomllib.loads(path.read_text(encoding="utf-8-sig"))
    return json.loads(path.read_text(encoding="utf-8-sig"))


def files():
    yield root / "kgraph.toml", "kgraph"
    for name in ["schema", "entities", "relations", "reviewed"]:
        for extension in ["toml", "json"]:
            yield root / "data" / f"{name}.{extension}", name
    sources = root / "data" / "sources"
    if sources.is_dir():
        for path in sorted(sources.iterdir()):
            if path.suffix in (".toml", ".json"):
                yield path, "source"


checked = 0
for path, schema_name in files():
    if not path.is_file():
        continue
    schema = json.loads((schemas_dir / f"{schema_name}.schema.json").read_text())
    jsonschema.Draft7Validator.check_schema(schema)
    validator = jsonschema.Draft7Validator(schema)
    errors = sorted(validator.iter_errors(load(path)), key=lambda e: list(e.absolute_path))
    shown = path.relative_to(root).as_posix()
    checked += 1
    if not errors:
        print(f"{shown}: valid")
        continue
    print(f"{shown}: invalid")
    for error in errors:
        where = "/".join(str(part) for part in error.absolute_path) or "(top)"
        print(f"  {where}: {error.message}")
if checked == 0:
    sys.exit(f"no data files under {root}")
