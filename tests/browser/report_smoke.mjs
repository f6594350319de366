// Loads a report page in Debian's headless Chromium through playwright-core and checks it:
// no console errors or failed requests, every chart present and non-empty, images decoded,
// the data script ran. Saves a screenshot.
// Usage: node report_smoke.mjs URL SCREENSHOT_PATH
import { chromium } from "playwright-core";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const [url, screenshot] = process.argv.slice(2);
if (!url || !screenshot) {
  console.error("usage: node report_smoke.mjs URL SCREENSHOT_PATH");
  process.exit(2);
}
const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";
const profile = mkdtempSync(join(tmpdir(), "zkbench-chromium-"));
const failures = [];
const check = (ok, what) => { if (!ok) failures.push(what); };

// A fresh profile and no background traffic: the test must not depend on the network.
const context = await chromium.launchPersistentContext(profile, {
  executablePath,
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  viewport: { width: 1280, height: 900 },
});
try {
  const page = context.pages()[0] ?? await context.newPage();
  page.on("console", (msg) => { if (msg.type() === "error") failures.push(`console error: ${msg.text()} (${msg.location()?.url ?? ""})`); });
  page.on("pageerror", (err) => failures.push(`page error: ${err.message}`));
  page.on("requestfailed", (req) => failures.push(`request failed: ${req.url()} ${req.failure()?.errorText}`));
  page.on("response", (res) => { if (res.status() >= 400) failures.push(`HTTP ${res.status()}: ${res.url()}`); });

  const response = await page.goto(url, { waitUntil: "networkidle" });
  check(response && response.ok(), `page answered ${response?.status()}`);

  // The inline chart: an <svg> with drawn content and a real size.
  const inline = await page.$$eval("svg", (svgs) => svgs.map((s) => ({
    children: s.querySelectorAll("circle,line,rect,polygon,polyline,text").length,
    width: s.getBoundingClientRect().width,
    height: s.getBoundingClientRect().height,
    points: s.querySelectorAll("circle.point").length,
  })));
  check(inline.length >= 1, "no inline <svg> on the page");
  for (const svg of inline) {
    check(svg.children > 10 && svg.width > 100 && svg.height > 50, `inline svg looks empty: ${JSON.stringify(svg)}`);
  }
  check(inline[0]?.points === 8, `trend chart shows ${inline[0]?.points} points, expected 8`);

  // Charts as files: served as image/svg+xml, otherwise the browser would not decode them.
  const images = await page.$$eval("img", (imgs) => imgs.map((i) => ({
    src: i.getAttribute("src"), complete: i.complete, width: i.naturalWidth, height: i.naturalHeight,
  })));
  check(images.length === 3, `expected 3 chart images, found ${images.length}`);
  for (const img of images) {
    check(img.complete && img.width > 0 && img.height > 0, `chart image not decoded: ${JSON.stringify(img)}`);
  }

  await page.waitForFunction(() => document.getElementById("status")?.textContent !== "loading", null,
                             { timeout: 10000 }).catch(() => {});
  const status = await page.textContent("#status");
  check(status === "running (7/8 experiments)", `status line is "${status}"`);

  await page.screenshot({ path: screenshot, fullPage: true });
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}

if (failures.length > 0) {
  for (const f of failures) console.error(`FAIL: ${f}`);
  process.exit(1);
}
console.log(`ok: ${url} loaded in ${executablePath}; screenshot ${screenshot}`);
