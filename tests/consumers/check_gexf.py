"""Reads kgraph's graph.gexf with networkx's `read_gexf` and checks it
against kgraph's JSON export and the dataset's schema: every node and edge
with every property exactly (lists are JSON strings, as documented), nodes
coloured by their kind's fillcolor and sized by a PageRank that agrees with
networkx's own, edges drawn by modality (one look per modality, different
looks for different modalities), a denial red.

usage: check_gexf.py GRAPH_GEXF GRAPH_JSON SCHEMA_TOML
"""

import json
import pathlib
import sys
import tomllib
import xml.etree.ElementTree as ElementTree

import networkx as nx
# networkx's pure-Python PageRank: the public `pagerank` needs scipy.
from networkx.algorithms.link_analysis.pagerank_alg import _pagerank_python

OFFSETS = ["byte_start", "byte_end", "char_start", "char_end", "line", "column"]
VIZ = "{http://gexf.net/1.3/viz}"
GEXF = "{http://gexf.net/1.3}"
DEFAULT_FILL = (0xF2, 0xF2, 0xF2)
NEGATED = (0xC0, 0x39, 0x2B)


def kind_fills(schema_path):
    schema = tomllib.loads(schema_path.read_text(encoding="utf-8"))
    fills = {}
    for kind in schema.get("kind", []):
        colour = kind.get("dot", {}).get("fillcolor", "")
        if len(colour) in (7, 9) and colour.startswith("#"):
            fills[kind["name"]] = tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return fills


def present(properties):
    return {name: value for name, value in properties.items() if value is not None}


def main() -> None:
    gexf_path, json_path, schema_path = map(pathlib.Path, sys.argv[1:4])
    document = json.loads(json_path.read_text(encoding="utf-8"))
    fills = kind_fills(schema_path)
    graph = nx.read_gexf(gexf_path)
    # A MultiDiGraph when two relations share endpoints, else a DiGraph.
    assert graph.is_directed(), type(graph)

    assert graph.number_of_nodes() == len(document["nodes"])
    for node in document["nodes"]:
        data = dict(graph.nodes[node["id"]])
        viz = data.pop("viz")
        aliases = json.loads(data.pop("aliases"))
        assert aliases == node["aliases"], (aliases, node["aliases"])
        data.pop("pagerank")
        expected = present({name: node[name] for name in ["label", "kind", "description", "wikidata", "mentions"]})
        assert data == expected, (data, expected)
        colour = (viz["color"]["r"], viz["color"]["g"], viz["color"]["b"])
        assert colour == fills.get(node["kind"], DEFAULT_FILL), (node["id"], colour)

    # Size grows with PageRank, and the PageRank is networkx's own on the
    # graph of linked pairs (parallel relations once, no self-loops).
    skeleton = nx.DiGraph()
    skeleton.add_nodes_from(graph.nodes)
    skeleton.add_edges_from((a, b) for a, b in graph.edges() if a != b)
    symmetric = {t["name"] for t in document["graph"]["schema"]["relation_types"] if t.get("symmetric")}
    skeleton.add_edges_from(
        (b, a) for a, b, data in graph.edges(data=True) if a != b and data["type"] in symmetric
    )
    reference = _pagerank_python(skeleton)
    for node_id, data in graph.nodes(data=True):
        assert abs(data["pagerank"] - reference[node_id]) < 1e-4, (node_id, data["pagerank"], reference[node_id])
    by_rank = sorted(graph.nodes(data=True), key=lambda item: item[1]["pagerank"])
    sizes = [data["viz"]["size"] for _, data in by_rank]
    assert sizes == sorted(sizes), "node size does not follow PageRank"

    assert graph.number_of_edges() == len(document["edges"])
    edges = {data["id"]: (source, target, data) for source, target, data in graph.edges(data=True)}
    assert len(edges) == len(document["edges"]), "two edges with one id"
    for edge in document["edges"]:
        source, target, data = edges[edge["key"]]
        assert (source, target) == (edge["source"], edge["target"]), edge["key"]
        data = dict(data)
        first = edge["evidence"][0]
        evidence = json.loads(data.pop("evidence"))
        assert evidence == edge["evidence"], (evidence, edge["evidence"])
        attributed_to = json.loads(data.pop("attributed_to"))
        assert attributed_to == edge["attributed_to"], (attributed_to, edge["attributed_to"])
        expected = present(
            {
                "id": edge["key"],
                # A denial says so on the edge itself.
                "label": ("not: " if edge["negated"] else "") + edge["type_label"],
                "type": edge["type"],
                "type_label": edge["type_label"],
                "modality": edge["modality"],
                "negated": edge["negated"],
                "note": edge["note"],
                "date": edge["date"],
                "quote": first["quote"],
                "source": first["source"],
                **{name: first[name] for name in OFFSETS},
            }
        )
        assert data == expected, (data, expected)

    # networkx reads no viz on edges (and reads viz:shape's `shape`
    # attribute, not GEXF 1.3's `value`): read the edges' looks from the XML.
    looks = {}
    for element in ElementTree.parse(gexf_path).iter(f"{GEXF}edge"):
        values = {a.get("for"): a.get("value") for a in element.iter(f"{GEXF}attvalue")}
        modality = (values["modality"], values["negated"])
        colour = element.find(f"{VIZ}color")
        look = (
            tuple(int(colour.get(c)) for c in "rgb"),
            float(element.find(f"{VIZ}thickness").get("value")),
            element.find(f"{VIZ}shape").get("value"),
        )
        assert looks.setdefault(modality, look) == look, (modality, look)
    assert len(set(looks.values())) == len(looks), looks
    for (modality, negated), look in looks.items():
        # A denial is red whatever its modality; nothing else is.
        assert (look[0] == NEGATED) == (negated == "true"), (modality, negated, look)
    full_looks = looks

    print(
        f"ok: {graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges, "
        f"{len(full_looks)} modality looks, networkx {nx.__version__}"
    )


if __name__ == "__main__":
    main()
