// Parses kgraph's graph.gexf with graphology-gexf (the parser sigma.js apps
// use) into a graphology graph and checks every node and edge against
// graph.json: ids, endpoints, every property (lists as lists), and the viz
// module: one colour per kind, sizes, edges coloured, thickened and lined
// by modality (one look per modality, different looks for different ones).
//
// usage: node check_gexf.mjs GRAPH_GEXF GRAPH_JSON

import fs from "node:fs";
import { createRequire } from "node:module";
import Graph from "graphology";

const require = createRequire(import.meta.url);
const gexf = require("graphology-gexf");
const { version } = require("graphology-gexf/package.json");

function check(condition, ...message) {
  if (!condition) {
    console.error("check failed:", ...message);
    process.exit(1);
  }
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
const OFFSETS = ["byte_start", "byte_end", "char_start", "char_end", "line", "column"];

const graph = gexf.parse(Graph, fs.readFileSync(process.argv[2], "utf8"));
const document = JSON.parse(fs.readFileSync(process.argv[3], "utf8"));

// Multi only when two relations share endpoints, as networkx.
check(graph.type === "directed", graph.type);
check(graph.order === document.nodes.length, graph.order);
check(graph.size === document.edges.length, graph.size);

const kindColours = new Map();
for (const node of document.nodes) {
  check(graph.hasNode(node.id), node.id);
  const attributes = graph.getNodeAttributes(node.id);
  check(attributes.label === node.label, JSON.stringify(attributes.label));
  check(attributes.kind === node.kind, node.id);
  check(same(attributes.aliases, node.aliases), JSON.stringify(attributes.aliases), JSON.stringify(node.aliases));
  check(attributes.description === node.description, node.id, JSON.stringify(attributes.description));
  check((attributes.wikidata ?? null) === node.wikidata, node.id);
  check(attributes.mentions === node.mentions, node.id);
  check(attributes.size >= 10 && attributes.size <= 50, node.id, attributes.size);
  check(["disc", "square", "triangle", "diamond"].includes(attributes.shape), attributes.shape);
  const look = `${attributes.color} ${attributes.shape}`;
  if (!kindColours.has(node.kind)) kindColours.set(node.kind, look);
  check(kindColours.get(node.kind) === look, node.kind, look);
}

const looks = new Map();
for (const edge of document.edges) {
  check(graph.hasEdge(edge.key), edge.key);
  check(graph.source(edge.key) === edge.source && graph.target(edge.key) === edge.target, edge.key);
  const attributes = graph.getEdgeAttributes(edge.key);
  const first = edge.evidence[0];
  // A denial says so on the edge itself.
  check(attributes.label === (edge.negated ? "not: " : "") + edge.type_label, edge.key, attributes.label);
  check(attributes.type === edge.type && attributes.modality === edge.modality, edge.key);
  check(attributes.type_label === edge.type_label, edge.key);
  check(attributes.negated === edge.negated, edge.key, attributes.negated);
  check(same(attributes.attributed_to, edge.attributed_to), edge.key, JSON.stringify(attributes.attributed_to));
  check((attributes.note ?? null) === edge.note, edge.key, JSON.stringify(attributes.note));
  check((attributes.date ?? null) === edge.date, edge.key);
  check(attributes.quote === first.quote, edge.key, JSON.stringify(attributes.quote));
  check(attributes.source === first.source, edge.key);
  for (const name of OFFSETS) check(attributes[name] === first[name], edge.key, name);
  check(same(JSON.parse(attributes.evidence), edge.evidence), edge.key);
  const look = `${attributes.color} ${attributes.thickness} ${attributes.shape}`;
  check(attributes.color && attributes.thickness > 0 && attributes.shape, edge.key, look);
  const drawn = `${edge.modality} ${edge.negated}`;
  if (!looks.has(drawn)) looks.set(drawn, look);
  check(looks.get(drawn) === look, drawn, look);
}
check(new Set(looks.values()).size === looks.size, JSON.stringify([...looks]));

console.log(
  `ok: ${graph.order} nodes, ${graph.size} edges, ${kindColours.size} kind colours, ` +
    `${looks.size} modality looks, graphology-gexf ${version}`,
);
