// Drives the registry's web UI in headless Chromium (Debian's /usr/bin/chromium through
// playwright-core; no browser download). Started by tests/tests/ui_browser.rs with a
// seeded server:
//   node ui.js <base url> <screenshot dir> <framed Avro message, hex>
// Prints one line per check and "N passed, M failed"; exits non-zero on any failure.
"use strict";

const path = require("path");
const { chromium } = require("playwright-core");

const [base, shots, framedHex] = process.argv.slice(2);
if (!base || !shots || !framedHex) {
  console.error("usage: node ui.js <base url> <screenshot dir> <framed message hex>");
  process.exit(2);
}
const origin = new URL(base).origin;
const ui = `${base}/ui/`;
let passed = 0;
let failed = 0;

function check(name, condition, detail) {
  if (condition) {
    passed += 1;
    console.log(`ok   ${name}`);
  } else {
    failed += 1;
    console.log(`FAIL ${name}${detail === undefined ? "" : `: ${detail}`}`);
  }
}

// Every request a page makes, every failed response and every console error (a CSP
// violation is one).
function watch(page, requests, problems) {
  page.on("request", (request) => requests.push(request.url()));
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(message.text());
  });
  page.on("pageerror", (error) => problems.push(String(error)));
  page.on("response", (response) => {
    if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`);
  });
}

async function noHorizontalScroll(page) {
  return page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    width: window.innerWidth,
  }));
}

async function run() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
    timeout: 30000,
  });
  const requests = [];
  const problems = [];
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(10000);
    const page = await context.newPage();
    watch(page, requests, problems);

    // The list, and a search.
    await page.goto(ui);
    check("list shows subjects", (await page.locator("a.subject-link").count()) === 50);
    check("list has a next page", (await page.locator("a[rel=next]").count()) === 1);
    await page.screenshot({ path: path.join(shots, "subjects.png"), fullPage: false });
    await page.fill("#q", "orders");
    await page.press("#q", "Enter");
    await page.waitForURL(/q=orders/);
    const found = await page.locator("a.subject-link").allTextContents();
    check("search by prefix", found.length === 1 && found[0] === "orders-value", found.join(","));

    // Keyboard: "/" focuses the search, arrows move between rows, Enter opens one.
    await page.goto(ui);
    await page.keyboard.press("/");
    check("slash focuses the search", await page.evaluate(() => document.activeElement.id === "q"));
    await page.keyboard.type("customer-0");
    await page.keyboard.press("Enter");
    await page.waitForURL(/q=customer-0/);
    await page.keyboard.press("/");
    await page.keyboard.press("ArrowDown");
    const first = await page.evaluate(() => document.activeElement.textContent);
    await page.keyboard.press("ArrowDown");
    const second = await page.evaluate(() => document.activeElement.textContent);
    check("arrows move down the list", first === "customer-00-value" && second === "customer-01-value", `${first} ${second}`);
    await page.keyboard.press("ArrowUp");
    check("arrow up moves back", (await page.evaluate(() => document.activeElement.textContent)) === "customer-00-value");
    await page.keyboard.press("Enter");
    await page.waitForURL(/subject\?s=customer-00-value/);
    check("enter opens the subject", (await page.locator("h1").textContent()) === "customer-00-value");
    // Tab reaches the search from the top of the page (every control is focusable).
    await page.goto(ui);
    const tabbed = [];
    for (let i = 0; i < 8; i += 1) {
      await page.keyboard.press("Tab");
      tabbed.push(await page.evaluate(() => document.activeElement.id || document.activeElement.tagName));
    }
    check("tab reaches the search box", tabbed.includes("q"), tabbed.join(","));

    // A subject page: versions, highlighted schema, references linked.
    await page.goto(`${ui}subject?s=orders-value`);
    check("subject shows its versions", (await page.locator(".chips a").count()) === 3);
    check("latest version is selected", (await page.locator("h2#version-h").textContent()).startsWith("Version 3"));
    check("schema is highlighted", (await page.locator("pre.code .k").count()) > 5);
    check("level is shown", (await page.locator("#level").textContent()) === "BACKWARD");
    await page.screenshot({ path: path.join(shots, "subject.png"), fullPage: true });
    await page.click("a.reference");
    await page.waitForURL(/subject\?s=money&v=1/);
    check("reference link opens the referenced version", (await page.locator("h1").textContent()) === "money");
    check("referenced-by links back", (await page.locator("text=orders-value v3").count()) === 1);
    await page.goto(`${ui}subject?s=payments-value`);
    check("JSON Schema is highlighted", (await page.locator("pre.code .k").count()) > 3);
    await page.goto(`${ui}subject?s=shipments-value`);
    check("Protobuf is highlighted", (await page.locator("pre.code .kw").count()) > 3);
    await page.goto(`${ui}subject?s=orders-value&v=2`);
    check("a soft-deleted version is marked", (await page.locator(".badge.bad").textContent()) === "soft-deleted");

    // Diff 1 → 3 through the form.
    await page.goto(`${ui}subject?s=orders-value`);
    await page.selectOption("#diff-a", "1");
    await page.selectOption("#diff-b", "3");
    await page.click("button:has-text('Compare')");
    await page.waitForURL(/diff\?/);
    const meaning = await page.locator("main").textContent();
    check("diff explains the level", meaning.includes("not compatible with v1") && meaning.includes("READER_FIELD_MISSING_DEFAULT_VALUE"), meaning.slice(0, 300));
    check("diff shows added lines", (await page.locator("td.add").count()) > 0);
    await page.screenshot({ path: path.join(shots, "diff.png"), fullPage: true });

    // A draft with an incompatibility.
    await page.goto(`${ui}check?s=orders-value`);
    check("draft is prefilled with the latest schema", (await page.inputValue("#draft-schema")).includes("Order"));
    await page.fill("#draft-schema", '{"type":"record","name":"Order","fields":[{"name":"id","type":"string"}]}');
    await page.click("button:has-text('Check')");
    await page.waitForSelector("#verdict");
    const verdict = await page.locator("#verdict").textContent();
    check("draft check says incompatible", verdict.startsWith("Incompatible under BACKWARD"), verdict);
    check("draft check lists the incompatibility", (await page.locator("#findings li").first().textContent()).includes("TYPE_MISMATCH"));
    await page.screenshot({ path: path.join(shots, "check.png"), fullPage: true });

    // Decode a framed Avro message.
    await page.goto(`${ui}decode`);
    await page.fill("#message", framedHex);
    await page.click("button:has-text('Decode')");
    await page.waitForSelector("#payload");
    const payload = JSON.parse(await page.locator("#payload").textContent());
    check("decoded payload", payload.id === 4711 && payload.note === "gift wrap", JSON.stringify(payload));
    await page.screenshot({ path: path.join(shots, "decode.png"), fullPage: true });
    await page.goto(`${ui}decode`);
    await page.fill("#message", "7b22706c61696e223a226a736f6e227d");
    await page.click("button:has-text('Decode')");
    check("unframed bytes are explained", (await page.locator("#decode-error").textContent()).includes("not a Confluent-framed message"));

    // A confirmed write: the level of a subject.
    await page.goto(`${ui}subject?s=customer-05-value`);
    await page.selectOption("#new-level", "FULL");
    await page.click("button:has-text('Change level')");
    await page.waitForSelector("#question");
    check("a write asks first", (await page.locator("#question").textContent()).includes("FULL"));
    await page.click("button:has-text('Yes, change it')");
    await page.waitForURL(/done=level/);
    check("the confirmed write is done", (await page.locator("#level").textContent()) === "FULL");

    // Dark theme.
    await page.emulateMedia({ colorScheme: "dark" });
    await page.goto(`${ui}subject?s=orders-value`);
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    check("dark theme follows the preference", background === "rgb(20, 23, 28)", background);
    await page.screenshot({ path: path.join(shots, "subject-dark.png"), fullPage: false });
    await context.close();

    // A phone: 390 px wide, no horizontal scroll on any page.
    const phone = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    });
    phone.setDefaultTimeout(10000);
    const mobile = await phone.newPage();
    watch(mobile, requests, problems);
    for (const [name, url] of [
      ["list", ui],
      ["subject", `${ui}subject?s=orders-value`],
      ["diff", `${ui}diff?s=orders-value&a=1&b=3`],
      ["check", `${ui}check?s=orders-value`],
      ["decode", `${ui}decode`],
    ]) {
      await mobile.goto(url);
      const { scroll, width } = await noHorizontalScroll(mobile);
      check(`phone: no horizontal scroll on ${name}`, scroll <= width, `${scroll} > ${width}`);
      if (name === "list" || name === "subject") {
        await mobile.screenshot({ path: path.join(shots, `phone-${name}.png`), fullPage: false });
      }
    }
    await phone.close();
  } finally {
    await browser.close();
  }
  const foreign = requests.filter((url) => new URL(url).origin !== origin);
  check("no request leaves the origin", foreign.length === 0, foreign.join(" "));
  check("no failed responses or console errors (CSP violations included)", problems.length === 0, problems.join(" | "));
}

run()
  .catch((error) => {
    failed += 1;
    console.log(`FAIL ${error && error.stack ? error.stack : error}`);
  })
  .finally(() => {
    console.log(`${passed} passed, ${failed} failed`);
    process.exit(failed === 0 ? 0 : 1);
  });
