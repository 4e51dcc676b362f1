// Opens the worker's dashboard in headless Chromium and checks that a dropped input shows up with
// its decisions: its row, then (clicked) the decision, the reason codes and both line panes.
// Saves a screenshot either way, so a failure can be looked at too.
//
//   node dashboard-check.mjs --url http://127.0.0.1:PORT/ --blob NAME --outcome accepted
//        [--reason CODE] [--removed-reason CODE] [--screenshot .local/dashboard.png]
//        [--chromium /usr/bin/chromium]
//
// Exit code 0 when every check passed; 1 with a message naming the failed check; 2 for bad arguments.
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parseArgs } from "node:util";

const { values: args } = parseArgs({
  options: {
    url: { type: "string" },
    blob: { type: "string" },
    outcome: { type: "string" },
    reason: { type: "string" },
    "removed-reason": { type: "string" },
    screenshot: { type: "string", default: ".local/dashboard.png" },
    chromium: { type: "string", default: "/usr/bin/chromium" },
    timeout: { type: "string", default: "30000" },
  },
});
if (!args.url || !args.blob || !args.outcome) {
  console.error("usage: dashboard-check.mjs --url URL --blob NAME --outcome OUTCOME [--reason CODE] [--removed-reason CODE] [--screenshot PATH]");
  process.exit(2);
}
const timeout = Number(args.timeout);
const screenshot = resolve(args.screenshot);
let step = "launching " + args.chromium;

const browser = await chromium.launch({ executablePath: args.chromium, headless: true, args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"] });
const page = await browser.newPage({ viewport: { width: 1440, height: 1300 } });
const external = [];
// The page must not reach anything but the worker that served it.
page.on("request", request => { if (!request.url().startsWith(new URL(args.url).origin)) external.push(request.url()); });
const pageErrors = [];
page.on("pageerror", error => pageErrors.push(error.message));

let failure = null;
try {
  step = "opening " + args.url;
  await page.goto(args.url, { timeout });
  step = `waiting for the row of '${args.blob}'`;
  const row = page.locator(`#documents tbody tr[data-blob=${JSON.stringify(args.blob)}]`).first();
  await row.waitFor({ timeout });
  step = `checking the row's outcome is '${args.outcome}'`;
  const outcome = await row.getAttribute("data-outcome");
  if (outcome !== args.outcome) throw new Error(`the row says '${outcome}'`);
  if (args.reason) {
    step = `checking the row lists reason '${args.reason}'`;
    await row.locator(".code", { hasText: args.reason }).first().waitFor({ timeout: 5000 });
  }
  step = "clicking the row and waiting for its details";
  await row.click();
  await page.locator("#detail:not([hidden])").waitFor({ timeout });
  step = "checking the detail names the input";
  const name = await page.locator("#detail-name").textContent();
  if (name !== args.blob) throw new Error(`the detail is about '${name}'`);
  step = `checking the decision shows '${args.outcome}'`;
  await page.locator("#decision .badge", { hasText: args.outcome }).first().waitFor({ timeout: 5000 });
  if (args.reason) {
    step = `checking the decision shows reason '${args.reason}'`;
    await page.locator("#decision .code", { hasText: args.reason }).first().waitFor({ timeout: 5000 });
  }
  step = "checking the kept lines pane has lines";
  const kept = await page.locator("#kept-lines li:not(.none)").count();
  if (kept === 0) throw new Error("no kept line is shown");
  step = "checking the removed lines pane shows lines with reason codes";
  const removed = await page.locator("#removed-lines li:not(.none)").count();
  const reasons = await page.locator("#removed-lines li .reason").allTextContents();
  if (removed === 0 || reasons.length !== removed || reasons.some(r => !/^[a-z0-9_]+$/.test(r)))
    throw new Error(`${removed} removed lines, reason codes: ${JSON.stringify(reasons)}`);
  if (args["removed-reason"] && !reasons.includes(args["removed-reason"])) {
    step = `checking a removed line has reason '${args["removed-reason"]}'`;
    throw new Error(`reasons shown: ${[...new Set(reasons)].join(", ")}`);
  }
  step = "checking the counters and charts are drawn";
  await page.locator(`[data-counter="${args.outcome === "poisoned" ? "poisoned" : args.outcome}"] .value`).waitFor({ timeout: 5000 });
  if (await page.locator("#chart-minutes rect").count() === 0) throw new Error("the per-minute chart has no bar");
  if (await page.locator("#chart-scores rect").count() === 0 && args.outcome !== "poisoned") throw new Error("the quality histogram has no bar");
  step = "checking the page made no request elsewhere and raised no script error";
  if (external.length) throw new Error("requests to " + external.join(", "));
  if (pageErrors.length) throw new Error(pageErrors.join("; "));
  console.log(`ok: '${args.blob}' is ${args.outcome} on the dashboard, with ${kept} kept and ${removed} removed lines (${[...new Set(reasons)].join(", ")})`);
} catch (error) {
  failure = `dashboard check failed while ${step}: ${error.message.split("\n")[0]}`;
} finally {
  mkdirSync(dirname(screenshot), { recursive: true });
  await page.screenshot({ path: screenshot, fullPage: true }).catch(() => {});
  await browser.close();
  console.log("screenshot: " + screenshot);
}
if (failure) {
  console.error(failure);
  process.exit(1);
}
