// The screenshots of the HTML view in docs/ (not a test):
//   node tests/consumers/screenshots.mjs output/graph.html docs
import { resolve, join } from "node:path";
import { pathToFileURL } from "node:url";
import { withBrowser } from "./browser.mjs";

const [pagePath, outDir] = process.argv.slice(2);
const url = pathToFileURL(resolve(pagePath)).href;
const shots = [
  ["viewer-overview.png", "", true],
  ["viewer-entity.png", "#entity=russia", false],
  ["viewer-relation.png", "#relation=russia.operates_in.cuba.fcab0509", false],
];

await withBrowser(async (browser) => {
  for (const [name, hash, legend] of shots) {
    const page = await browser.newPage();
    await page.setViewport({ width: 1400, height: 860 });
    await page.goto(url + hash);
    await page.waitForSelector("html[data-kg-ready]");
    if (legend) await page.evaluate(() => { document.getElementById("kg-legend").open = true; });
    await page.screenshot({ path: join(outDir, name) });
    await page.close();
    console.log(join(outDir, name));
  }
});
