"""Parses kgraph's graph.cypher (Neo4j 5 dialect) with graphglot's Neo4j
grammar, statement by statement, decodes every literal, and checks that the
script writes exactly kgraph's JSON export: one MERGE per entity and one per
relation, with the right labels, types and properties. No Neo4j server ships
as a Python package, so this checks syntax and escaping, not execution.

usage: check_cypher.py GRAPH_CYPHER GRAPH_JSON
"""

import importlib.metadata
import json
import pathlib
import sys

from graphglot.dialect import Dialect

OFFSETS = ["byte_start", "byte_end", "char_start", "char_end", "line", "column"]


def literal(node):
    """The value of a literal expression: str, int, bool, None or a list of str."""
    for child in node.dfs():
        kind = type(child).__name__
        if kind == "ListValueConstructorByEnumeration":
            return [item.value for item in child.dfs() if type(item).__name__ == "CharacterStringLiteral"]
        if kind == "NullLiteral":
            return None
        if kind == "BooleanLiteral":
            return child.value
        if kind in ("CharacterStringLiteral", "UnsignedNumericLiteral"):
            return child.value
    raise AssertionError(f"no literal in {node!r}")


def identifier(node):
    return next(child.name for child in node.dfs() if type(child).__name__ == "Identifier")


def statement_parts(tree):
    """Labels and types in order, pattern properties in order, and the map
    given to `SET x += {...}`."""
    labels, keys, fields = [], [], {}
    for node in tree.dfs():
        kind = type(node).__name__
        if kind == "LabelName":
            labels.append(identifier(node))
        elif kind == "PropertyKeyValuePair":
            keys.append((identifier(node.property_name), literal(node.value_expression)))
        elif kind == "Field":
            fields[identifier(node.field_name)] = literal(node.value_expression)
    return labels, keys, fields


def camel(kind):
    return "".join(word[:1].upper() + word[1:] for word in kind.split("_"))


def main() -> None:
    script_path, json_path = map(pathlib.Path, sys.argv[1:3])
    document = json.loads(json_path.read_text(encoding="utf-8"))
    dialect = Dialect.get_or_raise("neo4j")
    lines = script_path.read_bytes().decode("utf-8").split("\n")
    assert lines[-1] == "", "the script ends with a newline"
    statements = [line for line in lines[:-1] if not line.startswith("//")]

    for statement in statements:
        result = dialect.validate(statement)
        assert result.success, (statement, result.stage, str(result.error))
    assert statements[0].startswith("CREATE CONSTRAINT "), statements[0]

    nodes, edges = {}, {}
    for statement in statements[1:]:
        (tree,) = dialect.parse(statement)
        labels, keys, fields = statement_parts(tree)
        if statement.startswith("MERGE (n:"):
            assert [name for name, _ in keys] == ["id"], keys
            node_id = keys[0][1]
            assert node_id not in nodes, node_id
            nodes[node_id] = (labels, fields)
        else:
            assert statement.startswith("MATCH "), statement
            assert [name for name, _ in keys] == ["id", "id", "id"], keys
            source, target, edge_id = (value for _, value in keys)
            assert edge_id not in edges, edge_id
            edges[edge_id] = (source, target, labels, fields)

    assert len(nodes) == len(document["nodes"]), (len(nodes), len(document["nodes"]))
    for node in document["nodes"]:
        labels, fields = nodes[node["id"]]
        assert labels == ["Entity", camel(node["kind"])], labels
        expected = {name: node[name] for name in ["label", "kind", "aliases", "description", "wikidata"]}
        assert fields == expected, (fields, expected)

    assert len(edges) == len(document["edges"]), (len(edges), len(document["edges"]))
    for edge in document["edges"]:
        source, target, labels, fields = edges[edge["key"]]
        assert (source, target) == (edge["source"], edge["target"])
        assert labels == ["Entity", "Entity", edge["type"].upper()], labels
        first = edge["evidence"][0]
        expected = {
            "type": edge["type"],
            "type_label": edge["type_label"],
            "modality": edge["modality"],
            "negated": edge["negated"],
            "attributed_to": edge["attributed_to"],
            "note": edge["note"],
            "date": edge["date"],
            "quote": first["quote"],
            "source": first["source"],
            **{name: first[name] for name in OFFSETS},
        }
        evidence = json.loads(fields.pop("evidence"))
        assert evidence == edge["evidence"], (evidence, edge["evidence"])
        assert fields == expected, (fields, expected)

    version = importlib.metadata.version("graphglot")
    print(f"ok: {len(statements)} statements, {len(nodes)} nodes, {len(edges)} relationships, graphglot {version}")


if __name__ == "__main__":
    main()
