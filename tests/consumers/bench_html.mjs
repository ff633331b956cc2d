// Measures the HTML view in headless Chromium: the time from navigation to
// the first painted layout (`data-kg-ready`), and how long a filter change
// takes until the next frame is painted. Not a test: run by
// `cargo bench --bench html`, figures go to docs/performance.md.
//
// usage: node bench_html.mjs PAGE
import { pathToFileURL } from "node:url";
import { withBrowser } from "./browser.mjs";

const url = pathToFileURL(process.argv[2]).href;
const RUNS = 3;

await withBrowser(async (browser) => {
  const firstPaint = [];
  const filterChange = [];
  for (let run = 0; run < RUNS; run++) {
    const page = await browser.newPage();
    await page.setViewport({ width: 1400, height: 900 });
    const errors = [];
    page.on("pageerror", (error) => errors.push(error.message));
    const started = Date.now();
    await page.goto(url);
    await page.waitForSelector("html[data-kg-ready]", { timeout: 120000 });
    firstPaint.push(Date.now() - started);
    // In the page: tick a modality off, then on, timing each change to the
    // next painted frame.
    for (const toggle of [0, 1]) {
      const ms = await page.evaluate(async () => {
        const box = document.querySelector('#kg-filter-modalities input[value="proposed"]');
        const before = performance.now();
        box.click();
        await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
        return performance.now() - before;
      });
      filterChange.push(ms);
      void toggle;
    }
    const counts = await page.evaluate(() => document.documentElement.dataset.kgNodes + " entities, " + document.documentElement.dataset.kgEdges + " relations");
    if (errors.length) throw new Error(errors.join("\n"));
    if (run === 0) console.log(`drawn: ${counts}`);
    await page.close();
  }
  const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
  console.log(`first paint (navigation to data-kg-ready): median ${median(firstPaint)} ms of ${RUNS} loads (${firstPaint.join(", ")})`);
  console.log(`filter change (modality checkbox to next frame): median ${median(filterChange).toFixed(0)} ms of ${filterChange.length} (${filterChange.map((ms) => ms.toFixed(0)).join(", ")})`);
});
