// Loads zkbench's dashboard in Debian's headless Chromium through playwright-core and checks it, twice:
// the live dashboard of a real store (`zkbench serve`) and the sample report opened from file://.
// Each: no console errors or failed requests, every section, the trend chart with one point per
// measured experiment, the experiments table sorting when a header is clicked, an experiment page
// whose charts decode, a bisection's page (live), screenshots.
// Usage: node report_smoke.mjs LIVE_URL FILE_URL OUT_DIR
import { chromium } from "playwright-core";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const [liveUrl, fileUrl, outDir] = process.argv.slice(2);
if (!liveUrl || !fileUrl || !outDir) {
  console.error("usage: node report_smoke.mjs LIVE_URL FILE_URL OUT_DIR");
  process.exit(2);
}
const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";
const profile = mkdtempSync(join(tmpdir(), "zkbench-chromium-"));
const failures = [];
const check = (ok, what) => { if (!ok) failures.push(what); };

const context = await chromium.launchPersistentContext(profile, {
  executablePath,
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--allow-file-access-from-files"],
  viewport: { width: 1280, height: 900 },
});

function watch(page, label) {
  page.on("console", (msg) => { if (msg.type() === "error") failures.push(`${label}: console error: ${msg.text()}`); });
  page.on("pageerror", (err) => failures.push(`${label}: page error: ${err.message}`));
  page.on("requestfailed", (req) => failures.push(`${label}: request failed: ${req.url()} ${req.failure()?.errorText}`));
  page.on("response", (res) => { if (res.status() >= 400) failures.push(`${label}: HTTP ${res.status()}: ${res.url()}`); });
  page.on("request", (req) => {
    const u = req.url();
    if (!u.startsWith("file:") && !u.startsWith("data:") && !u.startsWith(liveUrl)) failures.push(`${label}: external request ${u}`);
  });
}

// The column's sort keys in row order, as the sorting script reads them.
const columnKeys = (page, col) => page.$$eval("#experiments-table tbody tr", (rows, c) =>
  rows.map((r) => r.cells[c].getAttribute("data-value") ?? r.cells[c].textContent.trim()), col);

function sortedNumbers(keys, ascending) {
  const present = keys.filter((k) => k !== "").map(Number);
  const empties = keys.slice(present.length);
  const ordered = present.every((v, i) => i === 0 || (ascending ? present[i - 1] <= v : present[i - 1] >= v));
  return ordered && empties.every((k) => k === "");
}

async function checkIndex(page, label, url, expected) {
  const response = await page.goto(url, { waitUntil: "load" });
  check(response === null || response.ok(), `${label}: page answered ${response?.status()}`);
  for (const id of ["overview", "baseline", "trend", "experiments", "learnings", "backlog", "conflicts", "bisections"]) {
    check(await page.$(`section#${id}`) !== null, `${label}: no section #${id}`);
  }
  const progress = (await page.textContent("#progress .value"))?.trim();
  check(progress === expected.progress, `${label}: progress "${progress}", expected "${expected.progress}"`);

  const trend = await page.$eval("#trend svg", (s) => ({
    points: s.querySelectorAll("circle.point").length,
    width: s.getBoundingClientRect().width, height: s.getBoundingClientRect().height,
  })).catch(() => null);
  check(trend && trend.width > 300 && trend.height > 100, `${label}: trend chart missing or tiny: ${JSON.stringify(trend)}`);
  check(trend && trend.points === expected.points, `${label}: trend shows ${trend?.points} points, expected ${expected.points}`);

  const rows = await page.$$eval("#experiments-table tbody tr", (r) => r.length);
  check(rows === expected.experiments, `${label}: ${rows} experiment rows, expected ${expected.experiments}`);
  const before = await columnKeys(page, 0);
  // Δ %: ascending, then descending on a second click; "#" restores the experiment order.
  await page.click("#experiments-table th:nth-child(4)");
  const ascending = await columnKeys(page, 3);
  check(sortedNumbers(ascending, true), `${label}: Δ not ascending after one click: ${ascending}`);
  check(await page.getAttribute("#experiments-table th:nth-child(4)", "aria-sort") === "ascending", `${label}: aria-sort not set`);
  const reordered = await columnKeys(page, 0);
  check(expected.reorders === (reordered.join() !== before.join()), `${label}: sorting by Δ ${expected.reorders ? "did not reorder" : "reordered"} rows: ${before} -> ${reordered}`);
  await page.click("#experiments-table th:nth-child(4)");
  const descending = await columnKeys(page, 3);
  check(sortedNumbers(descending, false), `${label}: Δ not descending after two clicks: ${descending}`);
  await page.click("#experiments-table th:nth-child(2)");
  const names = await columnKeys(page, 1);
  check(names.every((n, i) => i === 0 || names[i - 1].localeCompare(n) <= 0), `${label}: names not sorted: ${names}`);
  await page.click("#experiments-table th:nth-child(1)");
  const numbers = await columnKeys(page, 0);
  check(numbers.join() === before.join(), `${label}: sorting by # did not restore the order: ${numbers}`);
  await page.screenshot({ path: join(outDir, `${label}-index.png`), fullPage: true });
}

async function checkExperiment(page, label, url, expectedInline, expectedCharts) {
  const response = await page.goto(url, { waitUntil: "load" });
  check(response === null || response.ok(), `${label}: experiment page answered ${response?.status()}`);
  for (const id of ["hypothesis", "inputs", "charts", "reasoning", "patch"]) {
    check(await page.$(`section#${id}`) !== null, `${label}: experiment page has no #${id}`);
  }
  const inline = await page.$$eval("#charts svg", (svgs) => svgs.map((s) => ({
    points: s.querySelectorAll("circle").length, width: s.getBoundingClientRect().width,
  })));
  check(inline.length === expectedInline, `${label}: ${inline.length} run charts, expected ${expectedInline}`);
  for (const svg of inline) {
    check(svg.points >= 8 && svg.width > 200, `${label}: run chart looks empty: ${JSON.stringify(svg)}`);
  }
  const images = await page.$$eval("img", (imgs) => imgs.map((i) => ({
    src: i.getAttribute("src"), complete: i.complete, width: i.naturalWidth, height: i.naturalHeight,
  })));
  check(images.length === expectedCharts, `${label}: ${images.length} charts on the experiment page, expected ${expectedCharts}`);
  for (const img of images) {
    check(img.complete && img.width > 0 && img.height > 0, `${label}: chart not decoded: ${JSON.stringify(img)}`);
  }
  await page.screenshot({ path: join(outDir, `${label}-experiment.png`), fullPage: true });
}

// A bisection's page, reached from the index's Bisections table: every section, the culprit with its
// subject and diff stat, one row per probed commit, the confidence statement and the cost.
async function checkBisection(page, label, indexUrl, expected) {
  await page.goto(indexUrl, { waitUntil: "load" });
  const link = await page.$("#bisections-table a[href='bisect/001.html']");
  check(link !== null, `${label}: the index does not link bisect/001.html`);
  if (link === null) return;
  await Promise.all([page.waitForNavigation({ waitUntil: "load" }), link.click()]);
  check(page.url().endsWith("/bisect/001.html"), `${label}: the link led to ${page.url()}`);
  for (const id of ["answer", "range", "culprit", "steps", "skipped", "confidence", "cost"]) {
    check(await page.$(`section#${id}`) !== null, `${label}: bisection page has no #${id}`);
  }
  const subject = (await page.textContent("#culprit .subject"))?.trim();
  check(subject === expected.subject, `${label}: culprit subject "${subject}", expected "${expected.subject}"`);
  const diffstat = await page.textContent("#culprit .diffstat");
  check(diffstat?.includes(expected.diffstat), `${label}: diff stat "${diffstat}" lacks "${expected.diffstat}"`);
  const steps = await page.$$eval("#steps-table tr.step", (rows) => rows.length);
  check(steps === expected.steps, `${label}: ${steps} step rows, expected ${expected.steps}`);
  const confidence = await page.textContent("#confidence");
  check(confidence?.includes(expected.confidence), `${label}: confidence "${confidence}" lacks "${expected.confidence}"`);
  const cost = await page.textContent("#cost");
  check(/\d+ runs \(/.test(cost ?? ""), `${label}: cost "${cost}" shows no runs`);
  await page.screenshot({ path: join(outDir, `${label}-bisect.png`), fullPage: true });
}

try {
  const page = context.pages()[0] ?? await context.newPage();
  watch(page, "page");
  // The live dashboard: three experiments run to a verdict; Δ values follow the steps (-50, +50, -25 %),
  // so sorting by Δ reorders the rows.
  await checkIndex(page, "live", liveUrl, { progress: "3/3 experiments", points: 3, experiments: 3, reorders: true });
  await checkExperiment(page, "live", new URL("experiments/001.html", liveUrl).href, 2, 0);
  // Charts served as files are real, non-empty SVG.
  const chart = await page.request.get(new URL("charts/trend.svg", liveUrl).href);
  const svgText = await chart.text();
  check(chart.headers()["content-type"]?.startsWith("image/svg+xml"), `live: chart type ${chart.headers()["content-type"]}`);
  check((svgText.match(/class="point"/g) ?? []).length === 3, "live: charts/trend.svg does not show 3 points");
  const api = await page.request.get(new URL("api/status", liveUrl).href);
  check(api.ok() && (await api.json()).experiments_total === 3, "live: /api/status does not count 3 experiments");
  // make_project.sh bisected 4 commits on the steps metric: commit "steps 1300" is the culprit, found in 2
  // probes (the middle, then the one before it), decided exactly.
  await checkBisection(page, "live", liveUrl, { subject: "steps 1300", diffstat: "steps | 2 +-", steps: 2,
                                                confidence: "decided exactly on the deterministic metric steps" });
  const bisections = await page.request.get(new URL("api/bisections", liveUrl).href);
  const listed = bisections.ok() ? await bisections.json() : [];
  check(listed.length === 1 && listed[0].outcome === "culprit", `live: /api/bisections: ${JSON.stringify(listed).slice(0, 200)}`);

  // The sample report from file://: 8 experiments (7 decided), one running; experiment 1 has 3 inputs
  // (inline run charts), a stopping trace and a profile diff (chart files).
  await checkIndex(page, "file", fileUrl, { progress: "7/8 experiments", points: 8, experiments: 8, reorders: true });
  await checkExperiment(page, "file", new URL("experiments/001.html", fileUrl).href, 3, 2);
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}

if (failures.length > 0) {
  for (const f of failures) console.error(`FAIL: ${f}`);
  process.exit(1);
}
console.log(`ok: ${liveUrl} and ${fileUrl} checked in ${executablePath}; screenshots in ${outDir}`);
