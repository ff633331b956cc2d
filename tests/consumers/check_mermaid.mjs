// Parses kgraph's graph.mmd with Mermaid's own parser (the code GitHub and
// GitLab run to draw Mermaid blocks), in jsdom since Mermaid needs a DOM,
// and checks every label, link and style against graph.json.
//
// usage: node check_mermaid.mjs GRAPH_MMD GRAPH_JSON

import fs from "node:fs";
import { createRequire } from "node:module";
import { JSDOM } from "jsdom";

const dom = new JSDOM("<!doctype html><html><body></body></html>");
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import("mermaid");
const version = createRequire(import.meta.url)("mermaid/package.json").version;

function check(condition, ...message) {
  if (!condition) {
    console.error("check failed:", ...message);
    process.exit(1);
  }
}

// Mermaid replaces entity codes (#60;) by placeholders before parsing and
// turns them into HTML character references (&#60;) when drawing; a browser
// shows the character. Undo both steps, and <br> line breaks.
function shown(text) {
  check(!/ﬂ°(?!°)/.test(text), "named entity placeholder left in", JSON.stringify(text));
  // Line breaks first: a `<br>` written in a label is entity-coded and
  // must stay text.
  return text
    .replace(/<br>/g, "\n")
    .replace(/ﬂ°°(\d+)¶ß/g, (_, code) => String.fromCodePoint(Number(code)));
}

const text = fs.readFileSync(process.argv[2], "utf8");
const graph = JSON.parse(fs.readFileSync(process.argv[3], "utf8"));
const parsed = await mermaid.parse(text);
check(parsed.diagramType === "flowchart-v2", parsed.diagramType);
const db = (await mermaid.mermaidAPI.getDiagramFromText(text)).db;

const vertices = db.getVertices();
check(vertices.size === graph.nodes.length, vertices.size, graph.nodes.length);
const nodeIds = new Map();
for (const node of graph.nodes) {
  const id = "n_" + node.id.replaceAll("-", "_");
  nodeIds.set(node.id, id);
  const vertex = vertices.get(id);
  check(vertex !== undefined, "no vertex", id);
  check(/^[A-Za-z0-9_]+$/.test(id), id);
  const label = node.label.replace(/\r\n?/g, "\n");
  check(shown(vertex.text) === label, JSON.stringify(vertex.text), JSON.stringify(label));
  check(vertex.classes.includes("k_" + node.kind), id, vertex.classes);
}

const strokes = {
  actual: "normal",
  historical: "normal",
  proposed: "dotted",
  hypothetical: "dotted",
  recommended: "thick",
};
const edges = db.getEdges();
check(edges.length === graph.edges.length, edges.length, graph.edges.length);
graph.edges.forEach((expected, index) => {
  const edge = edges[index];
  check(edge.start === nodeIds.get(expected.source), edge.start, expected.source);
  check(edge.end === nodeIds.get(expected.target), edge.end, expected.target);
  check(edge.type === "arrow_point", edge.type);
  // The type's label, "not: " first for a denial, and whose claim it is.
  const labelOf = new Map(graph.nodes.map((node) => [node.id, node.label]));
  let text = (expected.negated ? "not: " : "") + expected.type_label;
  if (expected.attributed_to.length > 0) {
    text += ` (according to ${expected.attributed_to.map((id) => labelOf.get(id)).join(", ")})`;
  }
  check(shown(edge.text) === text.replace(/\r\n?/g, "\n"), edge.text, text);
  check(edge.stroke === strokes[expected.modality], expected.key, edge.stroke);
  const style = (edge.style ?? []).join(";");
  check(style.includes("stroke:#9a9a9a") === (expected.modality === "historical" && !expected.negated), expected.key, style);
  check(style.includes("stroke-dasharray") === (expected.modality === "hypothetical"), expected.key, style);
  check(style.includes("stroke:#b2182b") === expected.negated, expected.key, style);
});
console.log(`ok: ${vertices.size} nodes, ${edges.length} links, mermaid ${version}`);
