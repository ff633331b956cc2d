// The HTML view in a real browser (Debian's chromium, driven by
// puppeteer-core): it loads from file:// with no console error and no
// request, draws every entity and relation, finds an entity by an alias,
// shows a relation's quotes when the relation is clicked, filters by
// modality to the counts `kg export --modality` gives, and shows every
// curated string as text, never as markup.
//
// usage: node check_html.mjs PAGE GRAPH_JSON FILTERED_JSON FOCUSED_JSON MODALITY SEARCH ENTITY_ID
//                  [--claimant ID CLAIMED_JSON] [--dates SINCE UNTIL DATED_JSON]
//   GRAPH_JSON     `kg export --format json` of the same data
//   FILTERED_JSON  `kg export --format json --modality MODALITY`
//   FOCUSED_JSON   `kg export --format json --focus ENTITY_ID --depth 2`
//   SEARCH         text typed into the search box, which must select ENTITY_ID
//   CLAIMED_JSON   `kg export --format json --attributed-to ID`
//   DATED_JSON     `kg export --format json --since SINCE --until UNTIL`
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { withBrowser } from "./browser.mjs";

const [pagePath, graphPath, filteredPath, focusedPath, modality, searchText, expectedEntity, ...options] = process.argv.slice(2);
const option = (name, count) => {
  const at = options.indexOf(name);
  return at < 0 ? null : options.slice(at + 1, at + 1 + count);
};
const [claimant, claimedPath] = option("--claimant", 2) ?? [];
const dates = option("--dates", 3);
const focused = JSON.parse(readFileSync(focusedPath, "utf8"));
const graph = JSON.parse(readFileSync(graphPath, "utf8"));
const filtered = JSON.parse(readFileSync(filteredPath, "utf8"));
const pageUrl = pathToFileURL(pagePath).href;

const problems = [];
function check(condition, message) {
  if (!condition) problems.push(message);
}

await withBrowser(async (browser) => {
  const page = await browser.newPage();
  await page.setViewport({ width: 1400, height: 900 });
  page.on("console", (message) => {
    if (message.type() === "error" || message.type() === "warn") {
      problems.push(`console ${message.type()}: ${message.text()}`);
    }
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("dialog", async (dialog) => {
    problems.push(`a dialog opened (script ran from data?): ${dialog.message()}`);
    await dialog.dismiss();
  });
  page.on("request", (request) => {
    const url = request.url();
    if (url.split("#")[0] !== pageUrl && !url.startsWith("data:")) {
      problems.push(`request to ${url}`);
    }
  });
  await page.goto(pageUrl, { waitUntil: "load" });
  await page.waitForSelector("html[data-kg-ready]", { timeout: 30000 });

  const counts = () =>
    page.evaluate(() => [
      Number(document.documentElement.dataset.kgNodes),
      Number(document.documentElement.dataset.kgEdges),
    ]);
  const [nodes, edges] = await counts();
  check(nodes === graph.nodes.length, `drew ${nodes} entities, the graph has ${graph.nodes.length}`);
  check(edges === graph.edges.length, `drew ${edges} relations, the graph has ${graph.edges.length}`);

  // Search by alias, keyboard only.
  await page.focus("body");
  await page.keyboard.press("/");
  await page.keyboard.type(searchText);
  await page.keyboard.press("Enter");
  const selected = await page.evaluate(() => ({
    title: document.getElementById("kg-panel-title")?.textContent,
    hash: location.hash,
  }));
  const expected = graph.nodes.find((node) => node.id === expectedEntity);
  check(selected.title === expected.label, `searching "${searchText}" showed ${JSON.stringify(selected.title)}, not ${JSON.stringify(expected.label)}`);
  check(new URLSearchParams(selected.hash.slice(1)).get("entity") === expectedEntity, `the address does not name the selection: ${selected.hash}`);

  // Focus on it with the keyboard: f, then depth 2.
  await page.focus("#kg-canvas");
  await page.keyboard.press("f");
  await page.keyboard.press("2");
  const focusCounts = await counts();
  check(focusCounts.join() === [focused.nodes.length, focused.edges.length].join(),
    `focus on ${expectedEntity} at depth 2 drew ${focusCounts}; kg export --focus gives ${focused.nodes.length},${focused.edges.length}`);
  const focusHash = new URLSearchParams((await page.evaluate(() => location.hash)).slice(1));
  check(focusHash.get("focus") === expectedEntity && focusHash.get("depth") === "2", `the focus is not in the address: ${focusHash}`);
  await page.keyboard.press("Escape");
  await page.keyboard.press("Escape");
  const unfocused = await counts();
  check(unfocused.join() === [graph.nodes.length, graph.edges.length].join(), `Escape did not leave the focus: ${unfocused}`);

  // Click a relation on the canvas: the first whose middle is not under an
  // entity or a nearer relation.
  await page.evaluate(() => { location.hash = ""; });
  await page.waitForFunction(() => !document.getElementById("kg-panel-title"));
  const target = await page.evaluate((ids) => {
    for (const id of ids) {
      const point = window.kgViewer.relationPoint(id);
      if (!point || point.x < 300 || point.y < 80) continue;
      const hit = window.kgViewer.hitTest(point.x, point.y);
      if (hit && hit.relation === id) return { id, ...point };
    }
    return null;
  }, graph.edges.map((edge) => edge.key));
  check(target !== null, "no relation could be clicked on the canvas");
  if (target) {
    await page.mouse.click(target.x, target.y);
    const shown = await page.evaluate(() =>
      Array.from(document.querySelectorAll("#kg-panel .evidence mark"), (mark) => mark.textContent),
    );
    const edge = graph.edges.find((candidate) => candidate.key === target.id);
    check(
      JSON.stringify(shown) === JSON.stringify(edge.evidence.map((evidence) => evidence.quote)),
      `clicking relation ${target.id} showed quotes ${JSON.stringify(shown)}`,
    );
  }

  // Only one modality: "none", then tick it.
  await page.click("#kg-filter-modalities .quick button:nth-child(2)");
  check((await counts()).join() === "0,0" || graph.nodes.length === 0, `with no modality the page drew ${await counts()}`);
  await page.click(`#kg-filter-modalities input[value="${modality}"]`);
  const [modalNodes, modalEdges] = await counts();
  check(modalNodes === filtered.nodes.length && modalEdges === filtered.edges.length,
    `with modality ${modality} the page drew ${modalNodes} entities and ${modalEdges} relations; kg export --modality gives ${filtered.nodes.length} and ${filtered.edges.length}`);
  const hash = await page.evaluate(() => location.hash);
  check(hash.includes("hide-modalities="), `the filter is not in the address: ${hash}`);
  // The address restores the same view in a fresh page.
  const restored = await browser.newPage();
  await restored.setViewport({ width: 1400, height: 900 });
  await restored.goto(pageUrl + hash);
  await restored.waitForSelector("html[data-kg-ready]");
  const restoredCounts = await restored.evaluate(() => [
    Number(document.documentElement.dataset.kgNodes),
    Number(document.documentElement.dataset.kgEdges),
  ]);
  check(restoredCounts.join() === [modalNodes, modalEdges].join(), `the shared address drew ${restoredCounts}, not ${modalNodes},${modalEdges}`);
  await restored.close();

  // Whose voice, and negation.
  await page.click("#kg-reset");
  if (claimant) {
    const claimed = JSON.parse(readFileSync(claimedPath, "utf8"));
    const index = graph.nodes.findIndex((node) => node.id === claimant);
    await page.select("#kg-filter-by", String(index));
    const drawn = await counts();
    check(drawn.join() === [claimed.nodes.length, claimed.edges.length].join(),
      `claimed by ${claimant}: the page drew ${drawn}, kg export --attributed-to gives ${claimed.nodes.length},${claimed.edges.length}`);
    await page.click("#kg-reset");
  }
  if (dates) {
    const [since, until, datedPath] = dates;
    const dated = JSON.parse(readFileSync(datedPath, "utf8"));
    await page.type("#kg-filter-since", since);
    await page.type("#kg-filter-until", until);
    const drawn = await counts();
    check(drawn.join() === [dated.nodes.length, dated.edges.length].join(),
      `from ${since} to ${until} the page drew ${drawn}; kg export --since --until gives ${dated.nodes.length},${dated.edges.length}`);
    const hash = new URLSearchParams((await page.evaluate(() => location.hash)).slice(1));
    check(hash.get("since") === since && hash.get("until") === until, `the dates are not in the address: ${hash}`);
    await page.click("#kg-reset");
  }
  await page.click("#kg-filter-negated");
  const affirmed = graph.edges.filter((edge) => !edge.negated);
  const touched = new Set(affirmed.flatMap((edge) => [edge.source, edge.target]));
  const withoutNegated = await counts();
  const expectedWithout = graph.edges.some((edge) => edge.negated) ? [touched.size, affirmed.length] : [graph.nodes.length, graph.edges.length];
  check(withoutNegated.join() === expectedWithout.join(), `without negated relations the page drew ${withoutNegated}, not ${expectedWithout}`);
  await page.click("#kg-reset");

  // Every entity and relation, through the address: curated strings come
  // back exactly, as text.
  async function visit(hash) {
    await page.evaluate((hash) => new Promise((resolve) => {
      window.addEventListener("hashchange", () => resolve(), { once: true });
      location.hash = hash;
    }), hash);
  }
  for (const node of graph.nodes) {
    await visit(`entity=${encodeURIComponent(node.id)}`);
    const shown = await page.evaluate(() => ({
      title: document.getElementById("kg-panel-title")?.textContent,
      aliases: Array.from(document.querySelectorAll("#kg-panel .aliases li"), (li) => li.textContent),
      description: document.querySelector("#kg-panel > p")?.textContent ?? "",
    }));
    check(shown.title === node.label, `entity ${node.id}: title ${JSON.stringify(shown.title)} is not its label ${JSON.stringify(node.label)}`);
    check(JSON.stringify(shown.aliases) === JSON.stringify(node.aliases), `entity ${node.id}: aliases ${JSON.stringify(shown.aliases)}`);
    check(shown.description === node.description, `entity ${node.id}: description ${JSON.stringify(shown.description)}`);
  }
  for (const edge of graph.edges) {
    await visit(`relation=${encodeURIComponent(edge.key)}`);
    const shown = await page.evaluate(() => ({
      marks: Array.from(document.querySelectorAll("#kg-panel .evidence mark"), (mark) => mark.textContent),
      note: Array.from(document.querySelectorAll("#kg-panel .facts dt")).find((dt) => dt.textContent === "Note")?.nextElementSibling.textContent ?? null,
      voice: Array.from(document.querySelectorAll("#kg-panel .facts dt")).find((dt) => dt.textContent === "Voice")?.nextElementSibling.textContent ?? null,
      negated: document.querySelector("#kg-panel .facts .badge.negated") !== null,
    }));
    check(shown.negated === Boolean(edge.negated), `relation ${edge.key}: negation shown ${shown.negated}`);
    const claimants = (edge.attributed_to ?? []).map((id) => graph.nodes.find((node) => node.id === id).label);
    for (const label of claimants) {
      check(shown.voice.includes(label.replace(/\s+/g, " ").trim().slice(0, 31)), `relation ${edge.key}: voice ${JSON.stringify(shown.voice)} does not name ${label}`);
    }
    if (!claimants.length) check(shown.voice === "the author's own", `relation ${edge.key}: voice ${JSON.stringify(shown.voice)}`);
    check(JSON.stringify(shown.marks) === JSON.stringify(edge.evidence.map((evidence) => evidence.quote)), `relation ${edge.key}: quotes ${JSON.stringify(shown.marks)}`);
    check(shown.note === (edge.note ?? null), `relation ${edge.key}: note ${JSON.stringify(shown.note)}`);
  }
  const injected = await page.evaluate(() => ({
    scripts: document.scripts.length,
    elements: document.querySelectorAll("body b, body br, body img, body iframe, body graphml").length,
  }));
  check(injected.scripts === 2, `the page has ${injected.scripts} script elements, not 2`);
  check(injected.elements === 0, `curated markup became ${injected.elements} elements`);
});

if (problems.length) {
  console.error(problems.join("\n"));
  process.exit(1);
}
console.log(`ok: ${graph.nodes.length} entities, ${graph.edges.length} relations`);
