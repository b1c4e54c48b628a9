// The playground in a real browser: Debian's Chromium, headless, driven by playwright-core, loads `/` from a
// demo server, runs the first example operation and reads the result pane. Every request that does not go to
// the server is refused, so the test fails if the page needs the internet. A screenshot is kept in output/.
//
// Run by .ci/run (`npm test` in this folder) after `cargo test` has built target/debug/treasure-hunt;
// CHROMIUM names another browser binary.

import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";

import { chromium } from "playwright-core";

import { startServer } from "./server.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const BROWSER = process.env.CHROMIUM ?? "/usr/bin/chromium";
const OUTPUT = join(HERE, "output");

let server;
let url;
let browser;

before(async () => {
  server = await startServer(["--demo"]);
  url = server.url;
  browser = await chromium.launch({
    executablePath: BROWSER,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
});

after(async () => {
  await browser?.close();
  server?.stop();
});

test("the playground runs an example query with no internet access", async () => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const outside = [];
  await page.route("**/*", (route) => {
    const target = new URL(route.request().url());
    if (target.origin === url) return route.continue();
    outside.push(target.href);
    return route.abort();
  });
  const errors = [];
  page.on("pageerror", (error) => errors.push(String(error)));

  await page.goto(`${url}/`);
  await page.locator(".graphiql-execute-button").waitFor({ timeout: 30_000 });
  // The first tab holds the first example operation; the header editor holds the demo token.
  await page.getByText("query NestedHunts").first().waitFor();
  await page.locator(".graphiql-execute-button").click();
  const result = page.locator(".result-window");
  await result.getByText("pirate-cove").first().waitFor({ timeout: 30_000 });
  const text = await result.innerText();
  assert.match(text, /"slug": "pirate-cove"/);
  assert.match(text, /"handle": "anne_bonny"/);

  mkdirSync(OUTPUT, { recursive: true });
  await page.screenshot({ path: join(OUTPUT, "playground.png") });
  assert.deepEqual(outside, [], "the page asked for something outside the server");
  assert.deepEqual(errors, []);
});

test("the example operations open as tabs and the demo token fills the header editor", async () => {
  const page = await browser.newPage();
  await page.goto(`${url}/`);
  await page.locator(".graphiql-execute-button").waitFor({ timeout: 30_000 });
  const tabs = page.locator(".graphiql-tab");
  assert.equal(await tabs.count(), 4);
  for (const name of ["NestedHunts", "Leaderboard", "SubmitAnswer", "HuntEvents"]) {
    await page.locator(".graphiql-tab", { hasText: name }).first().waitFor();
  }
  const settings = JSON.parse(await page.locator("#playground-settings").textContent());
  assert.match(JSON.parse(settings.headers).Authorization, /^Bearer ey/);
});

test("a subscription runs from the page and shows a solve made elsewhere", async () => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(`${url}/`);
  await page.locator(".graphiql-execute-button").waitFor({ timeout: 30_000 });
  await page.locator(".graphiql-tab", { hasText: "HuntEvents" }).first().click();
  await page.getByText("subscription HuntEvents").first().waitFor();
  // Run at once after the tab switch (the playground copes with GraphiQL's late operation name), then wait for
  // the server to hold the subscription.
  await page.locator(".graphiql-execute-button").click();
  for (let attempt = 0; ; attempt++) {
    const metrics = await (await fetch(`${url}/metrics`)).text();
    if (/^graphql_subscriptions_active [1-9]/m.test(metrics)) break;
    if (attempt >= 600) {
      await page.screenshot({ path: join(OUTPUT, "playground-subscription-failed.png") });
      assert.fail(`the page's subscription never started; result pane: ${await page.locator(".result-window").innerText()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const settings = JSON.parse(await page.locator("#playground-settings").textContent());
  const response = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: JSON.parse(settings.headers).Authorization },
    body: JSON.stringify({ query: `mutation { submitAnswer(clueId: "Q2x1ZTox", answer: "A Map") { correct } }` }),
  });
  assert.deepEqual((await response.json()).data, { submitAnswer: { correct: true } });
  await page.locator(".result-window").getByText("LeaderboardChangedEvent").waitFor({ timeout: 30_000 });
  await page.screenshot({ path: join(OUTPUT, "playground-subscription.png") });
});
