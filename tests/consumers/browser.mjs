// Launches Debian's chromium through puppeteer-core: no browser download,
// no network, a fresh profile that is removed afterwards.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import puppeteer from "puppeteer-core";

export const CHROMIUM = process.env.KG_CHROMIUM || "/usr/bin/chromium";

export async function withBrowser(run) {
  const profile = mkdtempSync(join(tmpdir(), "kg-chromium-"));
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
      "--disable-sync",
      `--user-data-dir=${profile}`,
    ],
  });
  try {
    return await run(browser);
  } finally {
    await browser.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
