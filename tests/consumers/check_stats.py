"""Recomputes `kg stats --json` with networkx from kgraph's graph.json and
checks that the rankings, components and density are the same.

kgraph's definitions: parallel relations merged, self-relations left out;
PageRank on relations as links from subject to object (a symmetric type
both ways), betweenness and components on relations read either way.

usage: check_stats.py GRAPH_JSON STATS_JSON
"""

import json
import pathlib
import sys

import networkx as nx

# networkx's pure-Python PageRank: the public `pagerank` needs scipy, and both
# share one definition and stopping rule (networkx 3.6.1, pinned).
from networkx.algorithms.link_analysis.pagerank_alg import _pagerank_python


def main() -> None:
    graph_path, stats_path = map(pathlib.Path, sys.argv[1:3])
    document = json.loads(graph_path.read_text(encoding="utf-8"))
    stats = json.loads(stats_path.read_text(encoding="utf-8"))
    symmetric = {t["name"] for t in document["graph"]["schema"]["relation_types"] if t["symmetric"]}

    directed, undirected = nx.DiGraph(), nx.Graph()
    for node in document["nodes"]:
        directed.add_node(node["id"])
        undirected.add_node(node["id"])
    for edge in document["edges"]:
        source, target = edge["source"], edge["target"]
        if source == target:
            continue
        directed.add_edge(source, target)
        undirected.add_edge(source, target)
        if edge["type"] in symmetric:
            directed.add_edge(target, source)

    def ranked(scores):
        rounded = {node: round(score, 4) + 0.0 for node, score in scores.items()}
        order = sorted(rounded, key=lambda node: (-rounded[node], node))
        return [(node, rounded[node]) for node in order]

    def kg(measure):
        return [(entry["id"], entry["value"]) for entry in stats["top"][measure]]

    count = len(stats["top"]["page_rank"])
    assert count == len(document["nodes"]), "run kg stats with --top at least the entity count"
    expected = ranked(_pagerank_python(directed)) if len(directed) else []
    assert kg("page_rank") == expected, (kg("page_rank"), expected)
    expected = ranked(nx.betweenness_centrality(undirected))
    assert kg("betweenness") == expected, (kg("betweenness"), expected)

    components = sorted(
        (sorted(component) for component in nx.connected_components(undirected)),
        key=lambda ids: (-len(ids), ids),
    )
    assert stats["components"] == components, (stats["components"], components)
    n = len(directed)
    density = round(directed.number_of_edges() / (n * (n - 1)), 4) if n > 1 else 0.0
    assert stats["density"] == density, (stats["density"], density)
    assert stats["linked_pairs"] == directed.number_of_edges()
    print(f"ok: {n} entities, rankings, components and density agree with networkx {nx.__version__}")


if __name__ == "__main__":
    main()
