// End-to-end checks of ruta's dashboard in headless Chromium (Debian's chromium, driven by
// playwright-core). Run by crates/ruta-server/tests/e2e.rs against a live server:
//
//   node web/e2e/run.mjs BASE_URL SCREENSHOT_DIR XSS_PROJECT_ID
//
// Exits 1 with a list of failures; every page is screenshotted into SCREENSHOT_DIR.
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

const [, , base, outDir, xssId] = process.argv;
if (!base || !outDir || !xssId) {
  console.error("usage: run.mjs BASE_URL SCREENSHOT_DIR XSS_PROJECT_ID");
  process.exit(2);
}
mkdirSync(outDir, { recursive: true });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
const problems = [];
const failures = [];
page.on("console", (m) => {
  if (m.type() === "error") problems.push(`console error: ${m.text()}`);
});
page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
page.on("dialog", async (d) => {
  problems.push(`a dialog opened (script ran): ${d.message()}`);
  await d.dismiss();
});
// The dashboard must work with no network: anything not from our server is a failure.
await page.route("**/*", (route) => {
  const url = route.request().url();
  if (url.startsWith(base)) return route.continue();
  problems.push(`request outside the server: ${url}`);
  return route.abort();
});

async function check(name, f) {
  try {
    await f();
    console.log(`ok   ${name}`);
  } catch (e) {
    failures.push(`${name}: ${e.message}`);
    console.log(`FAIL ${name}: ${e.message}`);
  }
  await page.screenshot({ path: join(outDir, `${name}.png`), fullPage: true }).catch(() => {});
}

function expect(cond, message) {
  if (!cond) throw new Error(message);
}

const go = (hash) => page.goto(`${base}/${hash}`, { waitUntil: "load" });
const T = { timeout: 15000 };

await check("overview", async () => {
  await go("#/");
  await page.waitForSelector("#chart-by-year svg rect.bar", T);
  const bars = await page.locator("#chart-by-year rect.bar").count();
  expect(bars > 5, `only ${bars} bars in the year chart`);
  const text = await page.locator("main").innerText();
  expect(text.includes("Constant 2021 US dollars"), "the charts do not say what they count");
  expect(text.includes("New frontier"), "no new-frontier legend");
  expect((await page.locator("svg.bars").count()) >= 3, "flow kind, lender and country charts missing");
});

await check("map", async () => {
  await go("#/map");
  await page.waitForSelector("svg.map path.country.lac", T);
  const lac = await page.locator("svg.map path.country.lac").count();
  expect(lac >= 30, `only ${lac} LAC countries drawn`);
  for (const small of ["ATG", "BRB", "GRD", "KNA", "LCA", "VCT", "DMA"]) {
    expect((await page.locator(`svg.map path[data-iso3=${small}]`).count()) === 1, `${small} missing from the map`);
  }
  const markers = await page.locator("svg.map circle.marker").count();
  expect(markers >= 10, `only ${markers} project markers`);
  expect((await page.locator("svg.map circle.marker.exact").count()) > 0, "no exact-precision markers");
  await page.screenshot({ path: join(outDir, "map-lac.png"), fullPage: true });
  await page.locator("svg.map path[data-iso3=PER]").click({ force: true });
  await page.waitForFunction(() => location.hash === "#/country/PER", null, T);
  await page.waitForSelector("main h1", T);
  expect((await page.locator("main h1").innerText()) === "Peru", "country click did not open Peru");
});

await check("map-marker", async () => {
  await go("#/map");
  await page.waitForSelector("svg.map circle.marker", T);
  const id = await page.locator("svg.map circle.marker").first().getAttribute("data-id");
  await page.locator("svg.map circle.marker").first().dispatchEvent("click");
  await page.waitForFunction((id) => location.hash === `#/project/${encodeURIComponent(id)}`, id, T);
  await page.waitForSelector("#project-name", T);
});

await check("projects", async () => {
  await go("#/projects");
  await page.waitForSelector("table.projects tbody tr", T);
  const all = await page.locator("table.projects tbody tr").count();
  expect(all >= 40, `only ${all} rows on the first page`);
  await page.selectOption("select[name=country]", "PER");
  await page.waitForFunction(() => location.hash.includes("country=PER"), null, T);
  await page.waitForFunction(() => {
    const rows = [...document.querySelectorAll("table.projects tbody tr")];
    return rows.length > 0 && rows.every((r) => r.children[1].textContent === "Peru");
  }, null, T);
  const peru = await page.locator("table.projects tbody tr").count();
  expect(peru >= 2 && peru < all, `country filter left ${peru} rows`);
  await page.fill("form#filters input[name=q]", "chancay");
  await page.click("form#filters button[type=submit]");
  await page.waitForFunction(() => location.hash.includes("q=chancay"), null, T);
  await page.waitForSelector("text=Port of Chancay", T);
  const href = await page.locator("#export-csv").getAttribute("href");
  expect(href.includes("country=PER") && href.includes("q=chancay"), `export link ignores the filters: ${href}`);
  const csv = await page.evaluate(async (h) => (await fetch(h)).text(), href);
  expect(csv.split("\n")[0].startsWith("id,name,country"), "CSV export has no header");
  expect(csv.includes("per-chancay-port"), "CSV export misses the filtered project");
  const gj = await page.evaluate(async (h) => (await fetch(h)).json(), await page.locator("#export-geojson").getAttribute("href"));
  expect(gj.type === "FeatureCollection" && gj.features.length >= 1, "GeoJSON export is empty");
});

await check("project", async () => {
  await go("#/project/per-chancay-port");
  await page.waitForSelector("table.evidence tbody tr", T);
  expect((await page.locator("#project-name").innerText()) === "Port of Chancay", "wrong project");
  const rows = await page.locator("table.evidence tbody tr").allInnerTexts();
  const has = (s) => rows.some((r) => r.includes(s));
  expect(has("3,600,000,000") && has("Foreign Policy"), "the $3.6 billion claim and its source are missing");
  expect(has("3,700,000,000") && has("1,300,000,000"), "the disagreeing Chancay costs are not side by side");
  expect((await page.locator("table.evidence tr.conflict").count()) >= 3, "conflicting values are not highlighted");
  expect((await page.locator("table.evidence a[href^='http']").count()) >= 1, "no source links");
  expect((await page.locator("ol.timeline li").count()) >= 1, "no events on the timeline");
  expect((await page.locator(".mini-map svg.map circle.marker").count()) === 1, "no location map");
});

await check("xss", async () => {
  await go(`#/project/${encodeURIComponent(xssId)}`);
  await page.waitForSelector("#project-name", T);
  const title = await page.locator("#project-name").innerText();
  expect(title.startsWith("<script>alert(1)</script>"), `the title did not render as text: ${JSON.stringify(title)}`);
  expect((await page.locator("main script").count()) === 0, "a script element was injected");
  await go("#/projects?q=script");
  await page.waitForSelector("table.projects tbody tr", T);
  expect((await page.locator("table.projects").innerText()).includes("<script>alert(1)</script>"), "the listing does not show the title as text");
});

await check("malformed-hash", async () => {
  await go("#/project/%");
  await page.waitForSelector("main .error", T);
  expect((await page.locator("main").innerText()).includes("Not found"), "a malformed address does not say Not found");
  expect((await page.locator("main .loading").count()) === 0, "a malformed address stays on Loading…");
});

await check("bidi", async () => {
  await go("#/projects?q=planta");
  await page.waitForSelector("table.projects tbody tr", T);
  const t = await page.locator("table.projects").innerText();
  expect(t.includes("Planta") && !/[\u202A-\u202E\u2066-\u2069]/.test(t), `a right-to-left override reached the page: ${JSON.stringify(t)}`);
});

await check("country", async () => {
  await go("#/country/ECU");
  await page.waitForSelector("main h1", T);
  expect((await page.locator("main h1").innerText()) === "Ecuador", "no Ecuador page");
  expect((await page.locator("main table.data tbody tr").count()) >= 1, "no projects listed");
  // Belt and Road membership with its dates and source (Ecuador joined 2018-12-01;
  // Panama left on 2025-05-04).
  const bri = await page.locator("main p.bri").innerText();
  expect(bri.includes("Belt and Road member since 2018-12-01") && bri.includes("Green Finance"), `no BRI line: ${bri}`);
  await go("#/country/PAN");
  await page.waitForFunction(() => (document.querySelector("main p.bri") || {}).innerText?.includes("2025-05-04"), null, T);
});

await check("debt", async () => {
  // The country page's debt card: projected beside reported debt service, the
  // assumptions in words; the collateral mark on a secured loan's project page.
  const service = await page.evaluate(async (b) => (await fetch(`${b}/api/debt/service?country=ECU&year_from=2010&year_to=2025`)).json(), base);
  await go("#/country/ECU");
  await page.waitForSelector("section.card.debt h2", T);
  await page.waitForFunction(() => !document.querySelector("section.card.debt .loading"), null, T);
  const text = await page.locator("section.card.debt").innerText();
  expect(text.includes("Debt service to China"), "no debt card on the country page");
  if (service.some((r) => r.reported_usd !== null)) {
    expect((await page.locator("section.card.debt svg.chart polyline").count()) >= 1, "no projected/reported chart");
    expect((await page.locator("section.card.debt table.data tbody tr").count()) >= 10, "the years 2010–2025 are not listed");
    expect(text.includes("What the projection assumes"), "the assumptions are not in words");
    expect(text.includes("International Debt Statistics"), "the reported figures do not name their source");
  }
  const loans = await page.evaluate(async (b) => (await fetch(`${b}/api/debt/loans`)).json(), base);
  const secured = loans.find((l) => l.terms.collateralized === true && l.project_id);
  if (secured) {
    await go(`#/project/${encodeURIComponent(secured.project_id)}`);
    await page.waitForSelector("#project-name", T);
    await page.waitForSelector(".mark.collateral", T);
    expect((await page.locator(".mark.collateral").first().innerText()).includes("collateralised"), "no collateral mark on the loan");
  }
});

await check("organization", async () => {
  await go("#/org/china-eximbank");
  await page.waitForSelector("main h1", T);
  expect((await page.locator("main h1").innerText()) === "Export-Import Bank of China", "no Eximbank page");
  expect((await page.locator("main table.data tbody tr").count()) >= 3, "no Eximbank projects");
});

// The API's own numbers, to check what the pages show against.
const getJSON = (path) => page.evaluate(async (u) => (await fetch(u)).json(), `${base}${path}`);
const usd = (v) => page.evaluate((v) => Charts.usd(v), v);

await check("filters", async () => {
  // The overview filtered by country and a year range: the address carries the view, the
  // year chart keeps every year of the range (empty ones too), totals match the API.
  await go("#/?country=ECU&from=2005&to=2015");
  await page.waitForSelector("#chart-by-year svg", T);
  const years = await page.locator("#chart-by-year svg text[data-year]").evaluateAll((ts) => ts.map((t) => t.textContent));
  const want = Array.from({ length: 11 }, (_, i) => String(2005 + i));
  expect(JSON.stringify(years) === JSON.stringify(want), `year axis ${JSON.stringify(years)} is not 2005…2015`);
  expect(!years.some((y) => y.includes(",")), "a year has a thousands separator");
  const byKind = await getJSON("/api/stats/flows?by=flow_kind&country=ECU&year_from=2005&year_to=2015");
  const total = byKind.reduce((a, r) => a + r.amount_usd, 0);
  const shown = Number(await page.locator("#filter-total").getAttribute("data-amount"));
  expect(Math.abs(shown - total) < 1, `filtered total ${shown} differs from the API's ${total}`);
  expect((await page.locator("#filter-total").innerText()).includes(await usd(total)), "the filtered total is not on screen");
  expect((await page.locator("select[name=country]").inputValue()) === "ECU", "the country filter is not shown");
  // Choosing a lender rewrites the address.
  const lenders = await getJSON("/api/stats/flows?by=lender&country=ECU&year_from=2005&year_to=2015");
  const lender = lenders.find((r) => r.key && r.key !== "unattributed");
  if (lender) {
    await page.selectOption("#view-filters select[name=lender]", lender.key);
    await page.waitForFunction((k) => location.hash.includes(`lender=${k}`) && location.hash.includes("from=2005"), lender.key, T);
    await page.waitForSelector("#filter-total", T);
    const f = await getJSON(`/api/stats/flows?by=flow_kind&country=ECU&year_from=2005&year_to=2015&org=${lender.key}`);
    const t = f.reduce((a, r) => a + r.amount_usd, 0);
    await page.waitForFunction((t) => Math.abs(Number(document.querySelector("#filter-total").dataset.amount) - t) < 1, t, T);
  }
  // The map takes the same filters; its dots are the API's projects with a location.
  await go("#/map?country=PER&sector_group=traditional_infrastructure");
  await page.waitForSelector("svg.map path.country.lac", T);
  const list = await getJSON("/api/projects?country=PER&sector_group=traditional_infrastructure&limit=1000");
  const located = list.items.filter((p) => p.lat !== null && p.lon !== null).length;
  const dots = await page.locator("svg.map circle.marker").count();
  expect(dots === located, `${dots} dots for ${located} located projects`);
  expect((await page.locator("svg.map path.port").count()) === 0, "ports drawn without the toggle");
});

await check("map-ports", async () => {
  await go("#/map");
  await page.waitForSelector("svg.map path.country.lac", T);
  await page.check("#ports-toggle");
  await page.waitForFunction(() => location.hash.includes("ports=1"), null, T);
  const ports = await getJSON(`/api/projects?dataset=${encodeURIComponent("LAC ports with Chinese firms")}&limit=1000`);
  const located = ports.items.filter((p) => p.lat !== null && p.lon !== null).length;
  expect(located > 0, "no ports imported in the test database");
  await page.waitForSelector("svg.map path.port", T);
  const drawn = await page.locator("svg.map path.port").count();
  expect(drawn === located, `${drawn} ports drawn for ${located} located ports`);
  await page.locator("svg.map path.port[data-id=per-chancay-port]").dispatchEvent("click");
  await page.waitForFunction(() => location.hash === "#/project/per-chancay-port", null, T);
});

await check("problems", async () => {
  await go("#/problems");
  await page.waitForSelector("#problem-rate", T);
  const bySector = await getJSON("/api/stats/problems?by=sector_group");
  const projects = bySector.reduce((a, r) => a + r.projects, 0);
  const withP = bySector.reduce((a, r) => a + r.with_problems, 0);
  const text = await page.locator("#problem-rate").innerText();
  expect(text.includes(`${withP} of ${projects} projects`), `rate line ${JSON.stringify(text)} is not ${withP} of ${projects}`);
  expect(text.includes("Denominator: infrastructure projects with Chinese finance"), "the denominator is not stated in words");
  for (const id of ["rate-by-sector", "rate-by-country", "rate-by-lender"]) {
    expect((await page.locator(`#${id} svg rect.bar`).count()) >= 1, `no bars in ${id}`);
  }
  const byCountry = await getJSON("/api/stats/problems?by=country");
  const top = byCountry.filter((r) => r.projects > 0)[0];
  const bars = await page.locator("#rate-by-country svg text.value").evaluateAll((ts) => ts.map((t) => t.textContent));
  expect(bars[0] === `${(top.rate * 100).toFixed(1)}% (${top.with_problems} of ${top.projects})`, `first country bar ${bars[0]} differs from the API`);
  const events = await getJSON("/api/events?limit=1000");
  expect(Number(await page.locator("#events-total").getAttribute("data-total")) === events.total, "event total differs from the API");
  const rows = await page.locator("table.events tbody tr").count();
  expect(rows === Math.min(100, events.total), `${rows} event rows for ${events.total} events`);
  const dated = events.items.filter((e) => e.date).length;
  if (dated) expect((await page.locator("#events-by-year svg rect.bar").count()) >= 1, "no events-over-time chart");
  const unattached = events.items.filter((e) => e.project_id === null).length;
  expect((await page.locator("table.events .unattached").count()) === Math.min(unattached, rows) || rows < events.total, "unattached events are not marked");
  // Search narrows the table to what the API finds.
  const q = "CRRC";
  await page.fill("#event-filters input[name=q]", q);
  await page.click("#event-filters button[type=submit]");
  await page.waitForFunction(() => location.hash.includes("q=CRRC"), null, T);
  const found = await getJSON(`/api/events?q=${q}&limit=100`);
  await page.waitForFunction((n) => document.querySelector("#events-total") && Number(document.querySelector("#events-total").dataset.total) === n, found.total, T);
  expect((await page.locator("table.events tbody tr").count()) === found.items.length, "search results differ from the API");
  // The other population states its own denominator.
  await go("#/problems?population=all-counted");
  await page.waitForSelector("#problem-rate", T);
  expect((await page.locator("#problem-rate").innerText()).includes("every project with at least one counted flow"), "the all-counted denominator is not stated");
});

await check("countries", async () => {
  await go("#/countries");
  await page.waitForSelector("table.countries tbody tr", T);
  const rows = await page.locator("table.countries tbody tr").count();
  expect(rows === 33, `${rows} countries listed, not the 33 LAC states`);
  const countries = await getJSON("/api/countries");
  const lac = countries.filter((c) => c.lac).sort((a, b) => b.amount_usd - a.amount_usd || a.name.localeCompare(b.name));
  const first = await page.locator("table.countries tbody tr").first().locator("td").allInnerTexts();
  expect(first[0] === lac[0].name, `largest first: ${first[0]} instead of ${lac[0].name}`);
  expect(first[2] === (await usd(lac[0].amount_usd)), `${first[0]} counted total ${first[2]} differs from the API`);
  // Ecuador: membership and problem rate as the API gives them.
  const ecu = await page.locator("table.countries tr.iso-ECU td").allInnerTexts();
  expect(ecu[1] === "member since 2018-12-01", `Ecuador's membership: ${ecu[1]}`);
  const pr = (await getJSON("/api/stats/problems?by=country")).find((r) => r.key === "ECU");
  if (pr && pr.projects) expect(ecu[9] === `${(pr.rate * 100).toFixed(1)}% (${pr.with_problems} of ${pr.projects})`, `Ecuador's problem rate ${ecu[9]}`);
  const ds = (await getJSON("/api/debt/service?by=country&year_from=2023&year_to=2023")).find((r) => r.key === "ECU");
  if (ds && ds.reported_usd !== null) expect(ecu[10] === (await usd(ds.reported_usd)), `Ecuador's reported debt service ${ecu[10]}`);
  // Sorting by name, then following a country to its page.
  await page.click("table.countries th a[data-sort=name]");
  await page.waitForFunction(() => location.hash === "#/countries?sort=name", null, T);
  await page.waitForFunction(() => document.querySelector("table.countries tbody tr td")?.innerText === "Antigua and Barbuda", null, T);
  await page.click("table.countries tr.iso-BRA td a");
  await page.waitForFunction(() => location.hash === "#/country/BRA", null, T);
  await page.waitForSelector("main h1", T);
  const zip = await page.evaluate(async (b) => {
    const r = await fetch(`${b}/api/export/datapackage.zip`);
    return [r.status, r.headers.get("content-type")];
  }, base);
  expect(zip[0] === 200 && zip[1] === "application/zip", `data package link: ${zip}`);
  expect((await page.locator("#nav-export").getAttribute("href")) === "/api/export/datapackage.zip", "no data package link");
});

await check("search", async () => {
  await go("#/");
  await page.fill("header input[name=q]", "Coca Codo");
  await page.press("header input[name=q]", "Enter");
  await page.waitForSelector("text=Coca Codo Sinclair", T);
});

await browser.close();
const all = [...failures, ...problems];
if (all.length) {
  console.error(`\n${all.length} problem(s):\n- ${all.join("\n- ")}`);
  process.exit(1);
}
console.log("all dashboard checks passed");
