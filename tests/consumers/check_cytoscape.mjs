// Loads kgraph's graph.cytoscape.json into Cytoscape.js (headless, as in a
// page without a container) and checks every element against graph.json.
//
// usage: node check_cytoscape.mjs GRAPH_CYTOSCAPE_JSON GRAPH_JSON

import fs from "node:fs";
import cytoscape from "cytoscape";

function check(condition, ...message) {
  if (!condition) {
    console.error("check failed:", ...message);
    process.exit(1);
  }
}

const document = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const graph = JSON.parse(fs.readFileSync(process.argv[3], "utf8"));
// Cytoscape.js warns on the console (and drops the element) for a missing
// endpoint or a duplicate id: turn any warning into a failure.
console.warn = (...message) => check(false, "cytoscape warned:", ...message);
const cy = cytoscape({ headless: true, elements: document.elements });

check(cy.nodes().length === graph.nodes.length, cy.nodes().length);
check(cy.edges().length === graph.edges.length, cy.edges().length);
for (const node of graph.nodes) {
  const element = cy.getElementById(node.id);
  check(element.nonempty() && element.isNode(), node.id);
  check(element.data("label") === node.label, JSON.stringify(element.data("label")));
  check(JSON.stringify(element.data("aliases")) === JSON.stringify(node.aliases), node.id);
  check(element.data("description") === node.description, node.id);
  check((element.data("wikidata") ?? null) === node.wikidata, node.id);
  check(element.hasClass(node.kind), node.id, element.classes());
}
for (const edge of graph.edges) {
  const element = cy.getElementById(edge.key);
  check(element.nonempty() && element.isEdge(), edge.key);
  check(element.source().id() === edge.source && element.target().id() === edge.target, edge.key);
  const shownLabel = (edge.negated ? "not: " : "") + edge.type_label;
  check(element.data("label") === shownLabel && element.data("modality") === edge.modality, edge.key);
  check(element.data("negated") === edge.negated && element.hasClass("negated") === edge.negated, edge.key);
  check(JSON.stringify(element.data("attributed_to")) === JSON.stringify(edge.attributed_to), edge.key);
  check(element.hasClass("attributed") === edge.attributed_to.length > 0, edge.key);
  check((element.data("note") ?? null) === edge.note, edge.key);
  check(
    JSON.stringify(element.data("evidence").map((e) => e.quote)) ===
      JSON.stringify(edge.evidence.map((e) => e.quote)),
    edge.key,
  );
  check(element.hasClass(edge.modality) && element.hasClass(edge.type), edge.key, element.classes());
}
// Selectors users will write.
const count = (predicate) => graph.edges.filter(predicate).length;
check(cy.edges(".proposed").length === count((e) => e.modality === "proposed"));
check(cy.edges("[note]").length === count((e) => e.note !== null));
check(cy.edges(".negated").length === count((e) => e.negated));
check(cy.edges("[?negated]").length === count((e) => e.negated));
console.log(`ok: ${cy.nodes().length} nodes, ${cy.edges().length} edges, cytoscape ${cytoscape.version}`);
