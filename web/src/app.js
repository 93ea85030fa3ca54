// ruta's dashboard: a hash-routed single page over the JSON API. Every piece of data is
// inserted as text (textContent / text nodes), never as markup.
"use strict";

(() => {
  const view = document.getElementById("view");
  const { usd, GROUP_LABELS } = Charts;

  // ---- small DOM helpers -------------------------------------------------------------
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") el.className = v;
      else if (k === "href") el.setAttribute("href", safeHref(v));
      else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, clean(v));
    }
    for (const c of children.flat(Infinity)) {
      if (c === null || c === undefined || c === false) continue;
      el.appendChild(c instanceof Node ? c : document.createTextNode(clean(c)));
    }
    return el;
  }

  // Bidirectional controls (right-to-left override, isolates, marks) would let a name
  // reorder the text around it: shown as text, they are removed.
  const BIDI = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;
  function clean(v) {
    return String(v).replace(BIDI, "");
  }

  // Links go to our own pages and API, or to http(s) sources; nothing else. A link that
  // starts with `//` (or `/\`) would leave the site, so it is not one of ours.
  function safeHref(v) {
    const s = String(v).trim();
    if (s.startsWith("#")) return s;
    if (s.startsWith("/") && !s.startsWith("//") && !s.startsWith("/\\")) return s;
    if (/^https?:\/\/[^\s]/i.test(s)) return s;
    return "#";
  }

  function enc(s) {
    return encodeURIComponent(String(s));
  }

  async function api(path) {
    const r = await fetch(path, { headers: { Accept: "application/json" } });
    const body = await r.json().catch(() => null);
    if (!r.ok) {
      const err = new Error((body && body.detail) || `${r.status} ${r.statusText}`);
      err.status = r.status;
      throw err;
    }
    return body;
  }

  const LABELS = { m_and_a: "M&A", fdi: "FDI", construction_contract: "Construction contract", loan: "Loan", grant: "Grant", other: "Other" };

  function label(s) {
    return GROUP_LABELS[s] || LABELS[s] || String(s || "").replace(/_/g, " ");
  }

  function countryName(iso3) {
    return (state.countries.find((c) => c.iso3 === iso3) || {}).name || iso3 || "—";
  }

  function projectLink(id, name) {
    return h("a", { href: `#/project/${enc(id)}` }, name);
  }

  function section(titleText, ...body) {
    return h("section", { class: "card" }, h("h2", {}, titleText), ...body);
  }

  function caption(text) {
    return h("p", { class: "caption" }, text);
  }

  const AGG_NOTE =
    "Constant 2021 US dollars (ruta's one method: nominal dollars at the year's exchange rate, US GDP deflator). Sums flows, each once: duplicates across datasets and releases, contracts paid for by counted loans, refinancings, umbrella agreements, pledges and AidData's Recommended For Aggregates = No are left out, each with its reason.";

  function table(headers, rows, opts) {
    const o = opts || {};
    return h(
      "table",
      { class: o.class || "data" },
      h("thead", {}, h("tr", {}, headers.map((x, i) => h("th", { class: o.numeric && o.numeric.includes(i) ? "num" : null }, x)))),
      h("tbody", {}, rows.map((cells) => h("tr", { class: cells.rowClass || null }, cells.map((c, i) => h("td", { class: o.numeric && o.numeric.includes(i) ? "num" : null }, c)))))
    );
  }

  // ---- state and routing -------------------------------------------------------------
  const state = { countries: [], meta: null, atlas: null };

  function parseHash() {
    const raw = location.hash.replace(/^#/, "") || "/";
    const [path, query] = raw.split("?");
    // A malformed escape (`#/project/%`) is a page that does not exist, not a crash.
    const parts = path.split("/").filter(Boolean).map((p) => {
      try {
        return decodeURIComponent(p);
      } catch (_) {
        return null;
      }
    });
    return { parts, params: new URLSearchParams(query || ""), bad: parts.includes(null) };
  }

  async function route() {
    const { parts, params, bad } = parseHash();
    const page = parts[0] || "overview";
    if (bad) {
      view.replaceChildren(h("div", { class: "error" }, h("h1", {}, "Not found"), h("p", {}, "This address is malformed: " + location.hash)));
      return;
    }
    for (const a of document.querySelectorAll("nav a[data-nav]")) {
      a.classList.toggle("active", a.dataset.nav === page || (page === "project" && a.dataset.nav === "projects") || (page === "country" && a.dataset.nav === "countries"));
    }
    view.replaceChildren(h("p", { class: "loading" }, "Loading…"));
    try {
      if (!state.countries.length) state.countries = await api("/api/countries");
      let el;
      if (page === "overview") el = await overview(params);
      else if (page === "map") el = await mapPage(params);
      else if (page === "problems") el = await problemsPage(params);
      else if (page === "countries") el = await countriesPage(params);
      else if (page === "projects") el = await projectsPage(params);
      else if (page === "project") el = await projectPage(parts[1]);
      else if (page === "country") el = await countryPage(parts[1]);
      else if (page === "organizations") el = await organizationsPage(params);
      else if (page === "org") el = await orgPage(parts[1]);
      else if (page === "search") el = await searchPage(params);
      else el = h("p", { class: "error" }, "No such page.");
      view.replaceChildren(el);
      window.scrollTo(0, 0);
    } catch (e) {
      view.replaceChildren(h("div", { class: "error" }, h("h1", {}, e.status === 404 ? "Not found" : "Something went wrong"), h("p", {}, e.message)));
    }
  }

  // ---- filters of the overview and the map ---------------------------------------------
  // Kept in the address so a view can be shared: `#/?country=ECU&lender=china-eximbank&
  // from=2010&to=2015`. Each maps to the API's filter parameter of the same meaning.
  const VIEW_FILTERS = { country: "country", sector_group: "sector_group", flow_kind: "flow_kind", lender: "org", from: "year_from", to: "year_to" };
  const FLOW_KINDS = ["loan", "grant", "equity", "m_and_a", "construction_contract", "debt_relief", "unknown"];

  function apiFilter(params) {
    const q = new URLSearchParams();
    for (const [k, a] of Object.entries(VIEW_FILTERS)) {
      const v = (params.get(k) || "").trim();
      if (v) q.set(a, v);
    }
    return q;
  }

  function withQuery(path, q) {
    const s = q.toString();
    return s ? `${path}${path.includes("?") ? "&" : "?"}${s}` : path;
  }

  function yearsOf(params) {
    const f = parseInt(params.get("from"), 10), t = parseInt(params.get("to"), 10);
    return [Number.isInteger(f) ? f : null, Number.isInteger(t) ? t : null];
  }

  async function lenderList() {
    if (!state.lenders) state.lenders = (await api("/api/stats/flows?by=lender")).filter((r) => r.key && r.key !== "unattributed");
    return state.lenders;
  }

  // The filter form: choosing a value (or Apply) rewrites the address, which redraws.
  function viewFilters(params, base, lenders, extra) {
    const form = h(
      "form",
      { class: "filters", id: "view-filters" },
      select("country", state.countries.filter((c) => c.lac).map((c) => [c.iso3, c.name]).sort((a, b) => a[1].localeCompare(b[1])), params.get("country"), "All countries"),
      select("sector_group", VOCAB.sector_group.map((v) => [v, label(v)]), params.get("sector_group"), "All sector groups"),
      select("flow_kind", FLOW_KINDS.map((v) => [v, label(v)]), params.get("flow_kind"), "All flow kinds"),
      select("lender", lenders.map((r) => [r.key, r.label]), params.get("lender"), "All lenders"),
      h("input", { type: "number", name: "from", placeholder: "From year", min: 1900, max: 2100, value: params.get("from") || "", "aria-label": "From year" }),
      h("input", { type: "number", name: "to", placeholder: "To year", min: 1900, max: 2100, value: params.get("to") || "", "aria-label": "To year" }),
      extra || null,
      h("button", { type: "submit" }, "Apply"),
      h("a", { href: base, class: "reset" }, "Clear")
    );
    const go = () => {
      const next = new URLSearchParams();
      for (const [k, v] of new FormData(form)) if (String(v).trim()) next.set(k, String(v).trim());
      const qs = next.toString();
      location.hash = qs ? `${base}?${qs}` : base;
    };
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      go();
    });
    for (const el of form.querySelectorAll("select, input[type=checkbox]")) el.addEventListener("change", go);
    return form;
  }

  // The filters in words, for the line under the form.
  function filterWords(params, lenders) {
    const parts = [];
    if (params.get("country")) parts.push(countryName(params.get("country")));
    if (params.get("sector_group")) parts.push(label(params.get("sector_group")));
    if (params.get("flow_kind")) parts.push(label(params.get("flow_kind")));
    if (params.get("lender")) parts.push(`with ${(lenders.find((r) => r.key === params.get("lender")) || {}).label || params.get("lender")}`);
    const [f, t] = yearsOf(params);
    if (f !== null || t !== null) parts.push(f !== null && t !== null ? `${f}–${t}` : f !== null ? `from ${f}` : `to ${t}`);
    return parts;
  }

  // ---- overview ----------------------------------------------------------------------
  async function overview(params) {
    const q = apiFilter(params);
    const years = yearsOf(params);
    const [meta, byYear, share, byKind, byLender, byCountry, lenders] = await Promise.all([
      api("/api/meta"),
      api(withQuery("/api/stats/flows?by=year&split=sector_group", q)),
      api(withQuery("/api/stats/frontier-share?by=year", q)),
      api(withQuery("/api/stats/flows?by=flow_kind", q)),
      api(withQuery("/api/stats/flows?by=lender", q)),
      api(withQuery("/api/stats/flows?by=country", q)),
      lenderList(),
    ]);
    state.meta = meta;
    const c = meta.counts;
    const top = byCountry.filter((x) => x.key && x.amount_usd > 0).slice(0, 12);
    const groups = Object.keys(Charts.GROUP_COLORS);
    const words = filterWords(params, lenders);
    const total = byKind.reduce((a, r) => a + (r.amount_usd || 0), 0);
    const flows = byKind.reduce((a, r) => a + (r.count || 0), 0);
    const byCountryRow = (iso3) => state.countries.find((x) => x.iso3 === iso3) || {};
    return h(
      "div",
      { class: "overview" },
      h("h1", {}, "China's finance, investment and contracts in Latin America and the Caribbean"),
      h("p", { class: "lede" }, `${c.projects.toLocaleString()} projects, ${c.claims.toLocaleString()} sourced claims from ${c.sources.toLocaleString()} sources, ${c.events.toLocaleString()} recorded events. `, h("a", { href: "/api/export/datapackage.zip", id: "export-package" }, "Download everything as a data package (zip of CSV tables)"), "."),
      viewFilters(params, "#/", lenders),
      h("p", { class: "summary", id: "filter-total", "data-amount": String(total), "data-count": String(flows) }, `${words.length ? words.join(" · ") + ": " : "Everything: "}${usd(total)} in ${flows.toLocaleString()} counted flows.`),
      section(
        "Amounts by year, by sector group",
        Charts.legend(groups),
        h("div", { class: "chart-wrap", id: "chart-by-year" }, Charts.stackedBars(byYear, { years })),
        caption(AGG_NOTE + " New frontier: digital and telecoms, renewable energy, electric vehicles and batteries, critical minerals such as lithium. Years with nothing recorded keep their place on the axis.")
      ),
      words.length ? null : Trade.overviewSection(api),
      section("New-frontier share of each year's amount", h("div", { class: "chart-wrap", id: "chart-share" }, Charts.shareLine(share, { years })), caption("Share of each year's total (constant 2021 USD, counted flows) in new-frontier sectors.")),
      h(
        "div",
        { class: "grid2" },
        section("By flow kind", h("div", { id: "chart-by-kind" }, Charts.bars(byKind.map((r) => ({ label: label(r.label), value: r.amount_usd, title: `${label(r.label)}: ${usd(r.amount_usd)}, ${r.count} flows` })))), caption(AGG_NOTE)),
        section(
          "By lender",
          Charts.bars(byLender.slice(0, 12).map((r) => ({ label: r.label, value: r.amount_usd, href: r.key && r.key !== "unattributed" ? `#/org/${enc(r.key)}` : null }))),
          caption("Counted loans only; a loan with several Chinese lenders is split evenly among them; loans whose lender no source states are shown as such. " + AGG_NOTE)
        )
      ),
      section(
        "Top countries",
        Charts.bars(top.map((x) => ({ label: x.label, value: x.amount_usd, href: `#/country/${x.key}`, title: `${x.label}: ${usd(x.amount_usd)}, ${x.count} counted flows. ${briWords(byCountryRow(x.key))}` })), { width: 900 }),
        caption(AGG_NOTE + " "),
        h("p", {}, h("a", { href: "#/countries" }, "Every country, sortable →"))
      ),
      caption(`US dollar conversions: ${meta.conversion}. The lender filter keeps the projects the organisation takes part in.`)
    );
  }

  // ---- map ---------------------------------------------------------------------------
  const LAC_BOX = [-118, -56, -33, 33];

  async function atlas() {
    if (!state.atlas) {
      const topo = await api("/assets/countries-50m.json");
      state.atlas = topojson.feature(topo, topo.objects.countries).features;
    }
    return state.atlas;
  }

  function drawMap(features, opts) {
    const o = Object.assign({ width: 900, height: 760, box: LAC_BOX, markers: [], ports: [], highlight: null, choropleth: true, amounts: null }, opts || {});
    // Filtered totals per country when the map is filtered, else the counted totals.
    const amountOf = (c) => (o.amounts ? o.amounts[c.iso3] || 0 : c.amount_usd);
    const project = Charts.projection(o.box, o.width, o.height);
    const byNumeric = {};
    for (const c of state.countries) byNumeric[String(Number(c.numeric))] = c;
    const max = Math.max(1, ...state.countries.filter((c) => c.lac).map(amountOf));
    const root = Charts.svg("svg", { viewBox: `0 0 ${o.width} ${o.height}`, class: "map", role: "img" });
    root.appendChild(Charts.svg("rect", { x: 0, y: 0, width: o.width, height: o.height, class: "sea" }));
    for (const f of features) {
      const c = byNumeric[String(Number(f.id))];
      const d = Charts.pathOf(f.geometry, project);
      if (!d) continue;
      const lac = c && c.lac;
      const fill = o.highlight ? (c && c.iso3 === o.highlight ? "#4c6a92" : lac ? "#dfe4ea" : "#f2f2ef") : lac && o.choropleth ? Charts.choropleth(amountOf(c), max) : "#f2f2ef";
      const p = Charts.svg("path", { d, fill, class: lac ? "country lac" : "country", "data-iso3": c ? c.iso3 : null }, Charts.title(c ? (o.amounts ? `${c.name}: ${usd(amountOf(c))} (filtered)` : `${c.name}: ${usd(c.amount_usd)} (${c.projects} projects)`) : "—"));
      if (lac) p.addEventListener("click", () => (location.hash = `#/country/${c.iso3}`));
      root.appendChild(p);
    }
    for (const m of o.markers) {
      if (m.lat === null || m.lon === null || m.lat === undefined) continue;
      const [x, y] = project([m.lon, m.lat]);
      if (x < 0 || y < 0 || x > o.width || y > o.height) continue;
      const st = Charts.markerStyle(m.precision);
      const dot = Charts.svg("circle", { cx: x.toFixed(1), cy: y.toFixed(1), r: st.r, class: st.cls, "data-id": m.id }, Charts.title(`${m.name} — ${usd(m.amount_usd)}${m.precision ? ` (location precision ${m.precision})` : ""}`));
      dot.addEventListener("click", (ev) => {
        ev.stopPropagation();
        location.hash = `#/project/${enc(m.id)}`;
      });
      root.appendChild(dot);
    }
    // Ports with Chinese firms: diamonds, drawn over the project dots.
    for (const m of o.ports) {
      if (m.lat === null || m.lon === null || m.lat === undefined) continue;
      const [x, y] = project([m.lon, m.lat]);
      if (x < 0 || y < 0 || x > o.width || y > o.height) continue;
      const d = `M${x.toFixed(1)},${(y - 6).toFixed(1)}L${(x + 6).toFixed(1)},${y.toFixed(1)}L${x.toFixed(1)},${(y + 6).toFixed(1)}L${(x - 6).toFixed(1)},${y.toFixed(1)}Z`;
      const port = Charts.svg("path", { d, class: "port", "data-id": m.id }, Charts.title(`Port: ${m.name} (${countryName(m.country)})`));
      port.addEventListener("click", (ev) => {
        ev.stopPropagation();
        location.hash = `#/project/${enc(m.id)}`;
      });
      root.appendChild(port);
    }
    return root;
  }

  function markerLegend(ports) {
    const items = [
      [1, "exact location"],
      [3, "near a place or admin-2 area"],
      [6, "admin-1 area"],
      [8, "country only"],
    ];
    const el = h("div", { class: "legend markers" });
    for (const [p, text] of items) {
      const st = Charts.markerStyle(p);
      const s = Charts.svg("svg", { width: 16, height: 16, viewBox: "0 0 16 16" }, Charts.svg("circle", { cx: 8, cy: 8, r: st.r, class: st.cls }));
      el.appendChild(h("span", {}, s, text));
    }
    if (ports) el.appendChild(h("span", {}, Charts.svg("svg", { width: 16, height: 16, viewBox: "0 0 16 16" }, Charts.svg("path", { d: "M8,2L14,8L8,14L2,8Z", class: "port" })), "port with Chinese firms"));
    return el;
  }

  // The dataset `ruta import ports` writes (ports with Chinese firms).
  const PORTS_DATASET = "LAC ports with Chinese firms";

  async function mapPage(params) {
    const q = apiFilter(params);
    const showPorts = params.get("ports") === "1";
    const filtered = q.toString() !== "";
    const listQuery = new URLSearchParams(q);
    listQuery.set("limit", "1000");
    listQuery.set("sort", "-amount");
    const portQuery = new URLSearchParams({ dataset: PORTS_DATASET, limit: "1000" });
    if (params.get("country")) portQuery.set("country", params.get("country"));
    const [features, page, byCountry, lenders, ports] = await Promise.all([
      atlas(),
      api(`/api/projects?${listQuery}`),
      filtered ? api(withQuery("/api/stats/flows?by=country", q)) : null,
      lenderList(),
      showPorts ? api(`/api/projects?${portQuery}`) : null,
    ]);
    const markers = page.items.filter((p) => p.lat !== null && p.lon !== null);
    const amounts = byCountry ? Object.fromEntries(byCountry.filter((r) => r.key).map((r) => [r.key, r.amount_usd])) : null;
    const portItems = ports ? ports.items.filter((p) => p.lat !== null && p.lon !== null) : [];
    const toggle = h("label", { class: "toggle" }, h("input", { type: "checkbox", name: "ports", value: "1", checked: showPorts ? "checked" : null, id: "ports-toggle" }), " Ports with Chinese firms");
    const words = filterWords(params, lenders);
    return h(
      "div",
      { class: "map-page" },
      h("h1", {}, "Map of Latin America and the Caribbean"),
      viewFilters(params, "#/map", lenders, toggle),
      h("p", { class: "lede" }, `${words.length ? words.join(" · ") + ": c" : "C"}ountries shaded by the total that counts in aggregates (constant 2021 USD, log scale); dots are the ${markers.length.toLocaleString()} largest matching projects with a location${showPorts ? `; diamonds the ${portItems.length} ports with Chinese firms (ruta import ports)` : ""}. Click a country for its page, a dot for its project.`),
      markerLegend(showPorts),
      h("div", { class: "map-wrap", id: "map" }, drawMap(features, { markers, amounts, ports: portItems })),
      caption("Boundaries: Natural Earth 1:50m (world-atlas), bundled with ruta. " + AGG_NOTE + (showPorts ? " The port layer follows the country filter only." : ""))
    );
  }

  // ---- projects ----------------------------------------------------------------------
  const VOCAB = {
    sector_group: ["traditional_infrastructure", "new_frontier", "extractives", "agriculture", "social", "finance_other"],
    flow_kind: ["loan", "grant", "fdi", "m_and_a", "construction_contract", "other"],
    status: ["pledge", "commitment", "implementation", "completion", "suspended", "cancelled"],
  };
  const SORTS = [
    ["-amount", "Largest first"],
    ["amount", "Smallest first"],
    ["-year", "Newest first"],
    ["year", "Oldest first"],
    ["name", "Name"],
    ["country", "Country"],
    ["relevance", "Best match"],
  ];
  const FILTER_KEYS = ["country", "sector_group", "flow_kind", "status", "bri", "q", "org", "year_from", "year_to", "sort"];

  function select(name, options, value, allLabel) {
    return h("select", { name, "aria-label": name }, h("option", { value: "" }, allLabel), options.map(([v, t]) => h("option", { value: v, selected: v === value ? "selected" : null }, t)));
  }

  async function projectsPage(params) {
    const limit = 50;
    const offset = Math.max(0, Number(params.get("offset") || 0) | 0);
    const q = new URLSearchParams();
    for (const k of FILTER_KEYS) if (params.get(k)) q.set(k, params.get(k));
    const listQuery = new URLSearchParams(q);
    listQuery.set("limit", String(limit));
    listQuery.set("offset", String(offset));
    const page = await api(`/api/projects?${listQuery}`);
    const form = h(
      "form",
      { class: "filters", id: "filters" },
      select("country", state.countries.filter((c) => c.lac || c.projects).map((c) => [c.iso3, c.name]).sort((a, b) => a[1].localeCompare(b[1])), params.get("country"), "All countries"),
      select("sector_group", VOCAB.sector_group.map((v) => [v, label(v)]), params.get("sector_group"), "All sector groups"),
      select("flow_kind", VOCAB.flow_kind.map((v) => [v, label(v)]), params.get("flow_kind"), "All flow kinds"),
      select("status", VOCAB.status.map((v) => [v, label(v)]), params.get("status"), "Any status"),
      select("bri", [["member", "Committed while a Belt and Road member"], ["non-member", "Committed while not a member"]], params.get("bri"), "Belt and Road: any"),
      h("input", { type: "search", name: "q", placeholder: "Full text", value: params.get("q") || "", "aria-label": "Full text" }),
      h("input", { type: "number", name: "year_from", placeholder: "From year", min: 1900, max: 2100, value: params.get("year_from") || "", "aria-label": "From year" }),
      h("input", { type: "number", name: "year_to", placeholder: "To year", min: 1900, max: 2100, value: params.get("year_to") || "", "aria-label": "To year" }),
      select("sort", SORTS, params.get("sort"), "Sort: largest first"),
      h("button", { type: "submit" }, "Apply")
    );
    if (params.get("org")) form.appendChild(h("input", { type: "hidden", name: "org", value: params.get("org") }));
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const next = new URLSearchParams();
      for (const [k, v] of new FormData(form)) if (String(v).trim()) next.set(k, String(v).trim());
      location.hash = `#/projects?${next}`;
    });
    for (const s of form.querySelectorAll("select")) s.addEventListener("change", () => form.requestSubmit());
    const rows = page.items.map((p) => [
      projectLink(p.id, p.name),
      p.country ? h("a", { href: `#/country/${p.country}` }, countryName(p.country)) : "—",
      label(p.sector_group),
      label(p.flow_kind),
      label(p.status || "—"),
      usd(p.amount_usd),
      p.year === null ? "—" : String(p.year),
      String(p.sources),
    ]);
    const pageLink = (off, text) => {
      const n = new URLSearchParams(q);
      n.set("offset", String(off));
      return h("a", { href: `#/projects?${n}`, class: "button" }, text);
    };
    return h(
      "div",
      {},
      h("h1", {}, "Projects"),
      form,
      h(
        "p",
        { class: "summary" },
        `${page.total.toLocaleString()} projects match. `,
        h("a", { href: `/api/projects.csv?${q}`, id: "export-csv" }, "Export CSV"),
        " · ",
        h("a", { href: `/api/projects.geojson?${q}`, id: "export-geojson" }, "Export GeoJSON")
      ),
      table(["Project", "Country", "Sector group", "Flow", "Status", "Amount (2021 USD)", "Year", "Sources"], rows, { numeric: [5, 6, 7], class: "data projects" }),
      h(
        "div",
        { class: "pager" },
        offset > 0 ? pageLink(Math.max(0, offset - limit), "← Previous") : null,
        h("span", {}, page.total ? `${offset + 1}–${offset + page.items.length} of ${page.total.toLocaleString()}` : "No projects"),
        page.next_offset !== null ? pageLink(page.next_offset, "Next →") : null
      )
    );
  }

  // ---- one project -------------------------------------------------------------------
  function sourceCell(s) {
    const name = [s.publisher, s.title].filter(Boolean).join(" — ") || (s.dataset ? `${s.dataset} ${s.dataset_version || ""} record ${s.record_id || ""}` : `source ${s.id}`);
    return s.url ? h("a", { href: s.url, rel: "noopener noreferrer", target: "_blank" }, name) : name;
  }

  function evidenceTable(claims) {
    const rows = claims.map((c) => {
      const cells = [
        c.field.replace(/_/g, " "),
        h("span", { class: "value" }, c.display, c.qualifier ? h("small", {}, ` (${c.qualifier})`) : null),
        sourceCell(c.source),
        c.source.date || "—",
        c.quote ? h("q", {}, c.quote) : "—",
        c.locator || "—",
        c.confidence < 1 ? `${Math.round(c.confidence * 100)}%` : "—",
        [c.chosen ? "shown" : null, c.conflict ? "conflicts" : null, c.superseded ? "superseded" : null].filter(Boolean).join(", ") || "—",
      ];
      cells.rowClass = [c.conflict ? "conflict" : "", c.chosen ? "chosen" : "", c.superseded ? "superseded" : ""].join(" ").trim() || null;
      return cells;
    });
    return table(["Field", "Value", "Source", "Date", "Quote", "Where", "Confidence", "Standing"], rows, { class: "data evidence" });
  }

  function timeline(events) {
    if (!events.length) return h("p", { class: "muted" }, "No events recorded.");
    return h(
      "ol",
      { class: "timeline" },
      events.map((e) =>
        h(
          "li",
          { class: e.problem ? "problem" : "milestone" },
          h("span", { class: "date" }, e.date || "undated"),
          h("span", { class: "kind" }, label(e.kind)),
          h("p", {}, e.summary),
          h("ul", { class: "sources" }, e.sources.map((s) => h("li", {}, sourceCell(s.source), s.quote && s.quote !== e.summary ? h("q", {}, s.quote) : null)))
        )
      )
    );
  }

  // A flow's relations: kind, the other record, and why the relation exists — the
  // dataset field, registry entry or rule; the linker's match probability (its
  // waterfall on hover); or the person who decided.
  function relationWhy(r) {
    if (r.origin === "linker") {
      const ev = r.evidence || {};
      const rows = (ev.rows || []).filter((x) => x.weight !== 0).map((x) => `${x.comparison}: ${x.level} (${x.weight > 0 ? "+" : ""}${x.weight})`);
      return { text: `linker p=${r.score === null ? "?" : Number(r.score).toFixed(3)}${r.judgement === "candidate" ? ", candidate" : ""}`, title: `${r.rule}; ${ev.blocking_rule || ""}\n${rows.join("\n")}\nmatch weight ${ev.match_weight}` };
    }
    if (r.origin === "person") return { text: `${r.judgement === "negative" ? "rejected" : r.judgement === "positive" ? "accepted" : "decision undone"} by ${(r.evidence && r.evidence.decided_by) || "a person"}`, title: r.created_at };
    return { text: `${r.origin}: ${r.rule}`, title: r.rule };
  }

  function relationList(rels) {
    const shown = (rels || []).filter((r) => r.kind !== "same_project");
    if (!shown.length) return "—";
    return h(
      "ul",
      { class: "relations" },
      shown.map((r) => {
        const why = relationWhy(r);
        const arrow = r.direction === "out" ? "→" : r.direction === "in" ? "←" : "~";
        return h("li", { title: why.title }, `${label(r.kind)} ${arrow} `, h("span", { class: "mono" }, r.other), h("span", { class: "muted" }, ` (${why.text})`));
      })
    );
  }

  async function projectPage(id) {
    const p = await api(`/api/projects/${enc(id)}`);
    const fields = [
      ["Country", p.country ? h("a", { href: `#/country/${p.country}` }, countryName(p.country)) : "—"],
      ["Sector", `${label(p.sector_group)}${p.sector_subgroup ? " / " + p.sector_subgroup : ""}${p.sector_name ? " (CRS " + (p.sector_code || "") + " " + p.sector_name + ")" : ""}`],
      ["Main flow kind", label(p.flow_kind)],
      ["Status", label(p.status || "—")],
      ["Project value", p.value ? `${p.value.currency} ${Number(p.value.amount).toLocaleString()}${p.value.year ? " (" + p.value.year + ")" : ""} = ${usd(p.value.amount_usd)} constant 2021 USD${p.value.claim.qualifier ? " — " + p.value.claim.qualifier : ""}` : "— (no source states it)"],
      ["Counted flows", `${usd(p.counted_usd)} constant 2021 USD (${p.flows.filter((f) => f.counted).length} of ${p.flows.length} flows count in totals)`],
      ["Year", p.year === null ? "—" : String(p.year)],
    ];
    if (p.redirected_from) fields.push(["Asked for", `${p.redirected_from}, a record of this project`]);
    for (const [k, v] of Object.entries(p.dates || {})) if (v) fields.push([k.replace(/_/g, " "), String(v)]);
    const conflicts = p.claims.filter((c) => c.conflict);
    const loc = p.locations.find((l) => l.lat !== null && l.lon !== null);
    const features = loc ? await atlas() : null;
    return h(
      "article",
      { class: "project" },
      h("h1", { id: "project-name" }, p.name),
      p.aliases.length ? h("p", { class: "aliases" }, "Also: ", p.aliases.map((a) => a.name || a.alias || "").filter(Boolean).join("; ")) : null,
      p.description ? h("p", { class: "lede" }, p.description) : null,
      h("div", { class: "grid2" }, section("Fields", h("dl", { class: "fields" }, fields.map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]))), loc ? section("Location", h("div", { class: "mini-map" }, drawMap(features, { box: [loc.lon - 12, loc.lat - 9, loc.lon + 12, loc.lat + 9], width: 440, height: 330, markers: [Object.assign({ id: p.id, name: p.name, amount_usd: p.amount_usd }, loc)], highlight: p.country, choropleth: false })), caption(`${loc.place || loc.admin1 || ""} (precision ${loc.precision || "?"})`)) : null),
      section(
        "Flows",
        p.flows.length
          ? table(
              ["Flow", "Kind", "Year", "Amount", "Constant 2021 USD", "Counted", "Evidence", "Relations (why)"],
              p.flows.map((f) => [
                h("span", { class: "mono" }, f.id),
                [label(f.kind) + (f.kind_inferred ? " (inferred)" : ""), f.terms ? [" ", Debt.loanMark(f.terms), " ", Debt.termsLine(f.terms)] : null],
                f.year === null ? "—" : String(f.year),
                f.amount ? `${f.amount.currency} ${Number(f.amount.value).toLocaleString()}` : "—",
                usd(f.amount_usd),
                f.counted ? "yes" : h("span", { class: "muted", title: f.not_counted_reason }, "no: " + f.not_counted_reason.replace(/_/g, " ")),
                f.records.map((r) => (r.dataset === "registry" ? "ruta registry" : `${r.dataset} ${r.version || ""}${r.file ? ", " + r.file : ""}${r.sheet ? " [" + r.sheet + "]" : ""}${r.line ? " line " + r.line : ""}`)).join("; "),
                relationList(f.relations),
              ]),
              { numeric: [2, 4] }
            )
          : h("p", { class: "muted" }, "No flow recorded: nothing of this project counts in totals."),
        caption("Every flow is counted once: a duplicate of another record, an older release, a contract paid for by a counted loan, a refinancing, an umbrella agreement with recorded parts, a pledge or a cancelled commitment says why it does not count.")
      ),
      section(
        "Evidence",
        conflicts.length ? h("p", { class: "warning" }, `Sources disagree on ${[...new Set(conflicts.map((c) => c.field))].join(", ")}: every value is shown with its source.`) : null,
        evidenceTable(p.claims),
        caption("Shown: the value the display rule picks (dataset record > official document > report > news; then confidence, then the newer source). Every claim stays visible.")
      ),
      section("Parties", p.parties.length ? table(["Organization", "Role", "Share"], p.parties.map((x) => [h("a", { href: `#/org/${enc(x.org_id)}` }, x.name), label(x.role), x.share === null ? "—" : `${x.share}%`])) : h("p", { class: "muted" }, "None recorded.")),
      section("Events", timeline(p.events)),
      p.parent || p.children.length || p.records.length > 1
        ? section("Related records", h("ul", {}, p.parent ? h("li", {}, "Part of ", projectLink(p.parent.id, p.parent.name)) : null, p.children.map((c) => h("li", {}, "Includes ", projectLink(c.id, c.name))), p.records.filter((r) => r.id !== p.id).map((r) => h("li", {}, "Record ", h("span", { class: "mono" }, r.id), ` (${r.dataset || "ruta registry"}): ${r.name}`))))
        : null,
      p.references.length ? section("Cited sources", h("ul", {}, p.references.map((s) => h("li", {}, sourceCell(s))))) : null
    );
  }

  // ---- country -----------------------------------------------------------------------
  // Belt and Road membership in words, with its dates (GFDC's list; see c.bri_source).
  function briWords(c) {
    if (c.bri_member) return c.bri_joined ? `Belt and Road member since ${c.bri_joined}.` : "Belt and Road member (joining date uncertain).";
    if (c.bri_listed && c.bri_exited) return `Belt and Road member from ${c.bri_joined || "an uncertain date"} until it left on ${c.bri_exited}.`;
    return "Not a Belt and Road member.";
  }

  async function countryPage(iso3) {
    const c = await api(`/api/countries/${enc(iso3)}`);
    const features = await atlas();
    return h(
      "div",
      { class: "country" },
      h("h1", {}, c.name),
      h("p", { class: "lede" }, `${c.projects} projects; ${c.counted_flows} flows count in totals: ${usd(c.amount_usd)}.${c.capital ? " Capital: " + c.capital + "." : ""}`),
      h(
        "p",
        { class: "bri", id: "bri" },
        briWords(c),
        c.bri_listed ? ` Committed while a member: ${usd(c.amount_usd_bri_member)} of the counted total. ` : " ",
        h("a", { href: `#/projects?country=${c.iso3}&bri=member` }, "Projects committed while a member →"),
        caption(`Membership and dates: ${c.bri_source}. A commitment known only by its year is taken on 1 July.`)
      ),
      h(
        "div",
        { class: "grid2" },
        section("Amounts by year, by sector group", Charts.legend(), Charts.stackedBars(c.by_year, { width: 600, height: 260 }), caption(AGG_NOTE)),
        section("Where", h("div", { class: "mini-map" }, drawMap(features, { box: c.lon !== null ? [c.lon - 14, c.lat - 11, c.lon + 14, c.lat + 11] : LAC_BOX, width: 440, height: 330, highlight: c.iso3, markers: c.top_projects, choropleth: false })))
      ),
      h(
        "div",
        { class: "grid2" },
        section("Lenders", c.lenders.length ? Charts.bars(c.lenders.slice(0, 10).map((r) => ({ label: r.label, value: r.amount_usd, href: `#/org/${enc(r.key)}` }))) : h("p", { class: "muted" }, "No loans recorded.")),
        section("By sector group", Charts.bars(c.by_sector_group.map((r) => ({ label: label(r.label), value: r.amount_usd, color: Charts.GROUP_COLORS[r.key] }))))
      ),
      Trade.countrySection(api, c.iso3, c.name),
      Debt.countrySection(api, c.iso3, c.name),
      section("Largest projects", table(["Project", "Sector group", "Flow", "Amount (2021 USD)", "Year"], c.top_projects.map((p) => [projectLink(p.id, p.name), label(p.sector_group), label(p.flow_kind), usd(p.amount_usd), p.year === null ? "—" : String(p.year)]), { numeric: [3, 4] }), h("p", {}, h("a", { href: `#/projects?country=${c.iso3}` }, "All projects in " + c.name + " →"))),
      section("Events", c.events.length ? h("ol", { class: "timeline" }, c.events.map((e) => h("li", { class: e.problem ? "problem" : "milestone" }, h("span", { class: "date" }, e.date || "undated"), h("span", { class: "kind" }, label(e.kind)), " ", projectLink(e.project_id, e.project_name), h("p", {}, e.summary)))) : h("p", { class: "muted" }, "No events recorded."))
    );
  }

  // ---- problems ----------------------------------------------------------------------
  // The populations of /api/stats/problems, in the words `ruta problems` prints.
  const POPULATIONS = {
    "infrastructure-finance": "infrastructure projects with Chinese finance: traditional infrastructure and new-frontier projects with at least one counted loan or grant (the population of AidData's 35 % figure)",
    "all-counted": "every project with at least one counted flow",
  };
  const EVENT_KINDS = ["corruption", "protest", "labour_abuse", "environmental_harm", "structural_defect", "delay_cost_overrun", "arbitration", "debt_distress", "cancellation", "inauguration", "milestone"];
  const EVENT_COLORS = {
    corruption: "#8e3b46", protest: "#d9822b", labour_abuse: "#b3541e", environmental_harm: "#5b8c3a", structural_defect: "#7a5c3e",
    delay_cost_overrun: "#c9a227", arbitration: "#4c6a92", debt_distress: "#9b5fa8", cancellation: "#1d2530", inauguration: "#7fb3d5", milestone: "#a7b1bd",
  };

  function pct(rate) {
    return rate === null || rate === undefined ? "—" : `${(rate * 100).toFixed(1)}%`;
  }

  function rateBars(rows, href, width) {
    const shown = rows.filter((r) => r.projects > 0).slice(0, 15);
    if (!shown.length) return h("p", { class: "muted" }, "No projects in the population.");
    return Charts.bars(
      shown.map((r) => ({
        label: r.label,
        value: r.rate || 0,
        valueText: `${pct(r.rate)} (${r.with_problems} of ${r.projects})`,
        title: `${r.label}: ${r.with_problems} of ${r.projects} projects met at least one problem (${pct(r.rate)})`,
        href: href ? href(r) : null,
        color: "#b3541e",
      })),
      { width: width || 560 }
    );
  }

  // Every event (all pages of /api/events), for the chart over time.
  async function allEvents() {
    const out = [];
    let offset = 0;
    for (let i = 0; i < 50; i++) {
      const page = await api(`/api/events?limit=1000&offset=${offset}`);
      out.push(...page.items);
      if (page.next_offset === null) break;
      offset = page.next_offset;
    }
    return out;
  }

  function eventSource(s) {
    const name = [s.publisher, s.title].filter(Boolean).join(" — ") || s.file || `source ${s.id}`;
    return s.url ? h("a", { href: s.url, rel: "noopener noreferrer", target: "_blank" }, name) : name;
  }

  async function problemsPage(params) {
    const population = params.get("population") === "all-counted" ? "all-counted" : "infrastructure-finance";
    const pq = `population=${population}`;
    const eq = new URLSearchParams();
    for (const k of ["q", "kind"]) if ((params.get(k) || "").trim()) eq.set(k, params.get(k).trim());
    if (params.get("problems") === "1") eq.set("problems", "true");
    if (params.get("unattached") === "1") eq.set("unattached", "true");
    const limit = 100;
    const offset = Math.max(0, Number(params.get("offset") || 0) | 0);
    const listQuery = new URLSearchParams(eq);
    listQuery.set("limit", String(limit));
    listQuery.set("offset", String(offset));
    const [bySector, byCountry, byLender, everything, page] = await Promise.all([
      api(`/api/stats/problems?by=sector_group&${pq}`),
      api(`/api/stats/problems?by=country&${pq}`),
      api(`/api/stats/problems?by=lender&${pq}`),
      allEvents(),
      api(`/api/events?${listQuery}`),
    ]);
    // Each project has one sector group: the groups add up to the population.
    const projects = bySector.reduce((a, r) => a + r.projects, 0);
    const withProblems = bySector.reduce((a, r) => a + r.with_problems, 0);
    const overall = projects ? withProblems / projects : null;
    const timeRows = [];
    let undated = 0;
    for (const e of everything) {
      const y = e.date ? parseInt(e.date.slice(0, 4), 10) : NaN;
      if (!Number.isInteger(y)) {
        undated++;
        continue;
      }
      const row = timeRows.find((r) => r.key === y && r.split === e.kind);
      if (row) row.count++;
      else timeRows.push({ key: y, split: e.kind, count: 1 });
    }
    const kindsSeen = EVENT_KINDS.filter((k) => everything.some((e) => e.kind === k));
    const popForm = h(
      "form",
      { class: "filters" },
      select("population", [["infrastructure-finance", "Infrastructure projects with Chinese finance"], ["all-counted", "Every project with a counted flow"]], population, "Population"),
    );
    popForm.querySelector("select").addEventListener("change", (ev) => {
      const next = new URLSearchParams(params);
      next.set("population", ev.target.value || "infrastructure-finance");
      next.delete("offset");
      location.hash = `#/problems?${next}`;
    });
    const searchForm = h(
      "form",
      { class: "filters", id: "event-filters" },
      h("input", { type: "search", name: "q", placeholder: "Words of the summary, project or quotes", value: params.get("q") || "", "aria-label": "Search events" }),
      select("kind", EVENT_KINDS.map((k) => [k, label(k)]), params.get("kind"), "Every kind"),
      h("label", { class: "toggle" }, h("input", { type: "checkbox", name: "problems", value: "1", checked: params.get("problems") === "1" ? "checked" : null }), " problems only"),
      h("label", { class: "toggle" }, h("input", { type: "checkbox", name: "unattached", value: "1", checked: params.get("unattached") === "1" ? "checked" : null }), " unattached only"),
      h("button", { type: "submit" }, "Search")
    );
    const goSearch = () => {
      const next = new URLSearchParams();
      if (params.get("population")) next.set("population", params.get("population"));
      for (const [k, v] of new FormData(searchForm)) if (String(v).trim()) next.set(k, String(v).trim());
      location.hash = `#/problems?${next}`;
    };
    searchForm.addEventListener("submit", (ev) => {
      ev.preventDefault();
      goSearch();
    });
    for (const el of searchForm.querySelectorAll("select, input[type=checkbox]")) el.addEventListener("change", goSearch);
    const pageLink = (off, text) => {
      const n = new URLSearchParams(params);
      n.set("offset", String(off));
      return h("a", { href: `#/problems?${n}`, class: "button" }, text);
    };
    return h(
      "div",
      { class: "problems" },
      h("h1", {}, "Implementation problems"),
      popForm,
      h(
        "p",
        { class: "lede", id: "problem-rate", "data-projects": String(projects), "data-with-problems": String(withProblems) },
        `${withProblems.toLocaleString()} of ${projects.toLocaleString()} projects (${pct(overall)}) met at least one sourced problem — corruption, protest, labour abuse, environmental harm, structural defect, delay or cost overrun, arbitration, debt distress or cancellation. `,
        h("span", { class: "denominator" }, `Denominator: ${POPULATIONS[population]}.`)
      ),
      h(
        "div",
        { class: "grid2" },
        section("Rate by sector group", h("div", { id: "rate-by-sector" }, rateBars(bySector, (r) => (r.key ? `#/projects?sector_group=${enc(r.key)}` : null)))),
        section("Rate by lender", h("div", { id: "rate-by-lender" }, rateBars(byLender, (r) => (r.key && r.key !== "unattributed" ? `#/org/${enc(r.key)}` : null))), caption("A project counts once for each Chinese lender of its counted loans."))
      ),
      section("Rate by country", h("div", { id: "rate-by-country" }, rateBars(byCountry, (r) => (r.key ? `#/country/${enc(r.key)}` : null), 1100)), caption("The 15 countries with the most projects in the population.")),
      section(
        "Events over time, by kind",
        Charts.legend(kindsSeen, EVENT_COLORS, Object.fromEntries(EVENT_KINDS.map((k) => [k, label(k)]))),
        h("div", { class: "chart-wrap", id: "events-by-year" }, timeRows.length ? Charts.stackedBars(timeRows, { order: EVENT_KINDS, colors: EVENT_COLORS, labels: Object.fromEntries(EVENT_KINDS.map((k) => [k, label(k)])), value: (r) => r.count, format: (v) => (Number.isInteger(v) ? String(v) : v.toFixed(1)), unit: "events", height: 260 }) : h("p", { class: "muted" }, "No dated events.")),
        caption(`Every recorded event (${everything.length.toLocaleString()}), problems and milestones, by the year a source dates it${undated ? `; ${undated} undated not shown` : ""}. Years with none keep their place on the axis.`)
      ),
      section(
        "Every event",
        searchForm,
        h("p", { class: "summary", id: "events-total", "data-total": String(page.total) }, `${page.total.toLocaleString()} events match.`),
        table(
          ["Date", "Kind", "Project", "Country", "What happened", "Sources"],
          page.items.map((e) => {
            const cells = [
              e.date || "undated",
              label(e.kind),
              e.project_id ? projectLink(e.project_id, e.project_name || e.project_id) : h("span", { class: "muted unattached" }, "unattached"),
              e.country ? h("a", { href: `#/country/${e.country}` }, countryName(e.country)) : "—",
              e.summary,
              e.sources.length ? h("ul", { class: "sources" }, e.sources.map((x) => h("li", {}, eventSource(x)))) : "—",
            ];
            cells.rowClass = e.problem ? "problem" : null;
            return cells;
          }),
          { class: "data events" }
        ),
        h(
          "div",
          { class: "pager" },
          offset > 0 ? pageLink(Math.max(0, offset - limit), "← Previous") : null,
          h("span", {}, page.total ? `${offset + 1}–${offset + page.items.length} of ${page.total.toLocaleString()}` : "No events"),
          page.next_offset !== null ? pageLink(page.next_offset, "Next →") : null
        ),
        caption("An unattached event is one no project could be identified for.")
      )
    );
  }

  // ---- countries ---------------------------------------------------------------------
  // The World Bank's latest year of actual debt service (2024–25 are its projections).
  const DEBT_YEAR = 2023;
  const KIND_COLUMNS = [
    ["loan", "Loans"],
    ["grant", "Grants"],
    ["equity", "Equity"],
    ["m_and_a", "M&A"],
    ["construction_contract", "Contracts"],
  ];

  async function countriesPage(params) {
    const [byKind, problems, service, trade] = await Promise.all([
      api("/api/stats/flows?by=country&split=flow_kind"),
      api("/api/stats/problems?by=country"),
      api(`/api/debt/service?by=country&year_from=${DEBT_YEAR}&year_to=${DEBT_YEAR}`),
      api("/api/trade/countries"),
    ]);
    const rows = state.countries.filter((c) => c.lac).map((c) => {
      const kinds = {};
      for (const r of byKind) if (r.key === c.iso3) kinds[r.split] = (kinds[r.split] || 0) + r.amount_usd;
      const other = Object.entries(kinds).filter(([k]) => !KIND_COLUMNS.some(([x]) => x === k)).reduce((a, [, v]) => a + v, 0);
      const pr = problems.find((r) => r.key === c.iso3) || null;
      const ds = service.find((r) => r.key === c.iso3) || null;
      const tr = trade.find((r) => r.country === c.iso3) || null;
      return {
        c,
        name: c.name,
        bri: c.bri_member ? 2 : c.bri_listed ? 1 : 0,
        amount: c.amount_usd,
        kinds,
        other,
        rate: pr && pr.projects ? pr.rate : null,
        pr,
        reported: ds ? ds.reported_usd : null,
        projected: ds ? ds.projected_usd : null,
        trade: tr ? (tr.export_usd || 0) + (tr.import_usd || 0) : null,
        tr,
      };
    });
    const COLS = [
      ["name", "Country", (r) => r.name],
      ["bri", "Belt and Road", (r) => r.bri],
      ["amount", "Counted total", (r) => r.amount],
      ...KIND_COLUMNS.map(([k, t]) => [k, t, (r) => r.kinds[k] || 0]),
      ["other", "Other", (r) => r.other],
      ["rate", "Problem rate", (r) => r.rate],
      ["reported", `Debt service ${DEBT_YEAR}, reported`, (r) => r.reported],
      ["projected", `Debt service ${DEBT_YEAR}, projected`, (r) => r.projected],
      ["trade", "Trade with China", (r) => r.trade],
    ];
    const sort = params.get("sort") || "-amount";
    const desc = sort.startsWith("-");
    const col = COLS.find((x) => x[0] === sort.replace(/^-/, "")) || COLS[2];
    rows.sort((a, b) => {
      const x = col[2](a), y = col[2](b);
      if (x === null || x === undefined) return y === null || y === undefined ? a.name.localeCompare(b.name) : 1;
      if (y === null || y === undefined) return -1;
      const d = typeof x === "string" ? x.localeCompare(y) : x - y;
      return (desc ? -d : d) || a.name.localeCompare(b.name);
    });
    const headers = COLS.map(([k, t]) => {
      const active = col[0] === k;
      const next = active && !desc ? `-${k}` : active ? k : k === "name" ? k : `-${k}`;
      return h("a", { href: `#/countries?sort=${next}`, class: active ? "sorted" : null, "data-sort": k, title: "Sort by this column" }, t, active ? (desc ? " ▼" : " ▲") : "");
    });
    const briCell = (c) => (c.bri_member ? `member since ${c.bri_joined || "?"}` : c.bri_listed && c.bri_exited ? `left ${c.bri_exited}` : "no");
    return h(
      "div",
      { class: "countries" },
      h("h1", {}, "Countries"),
      h("p", { class: "lede" }, "The 33 Latin American and Caribbean states: what counts in totals, by flow kind; the problem rate; Belt and Road membership; debt service to China; goods trade with China. Click a column to sort, a country for its page."),
      table(
        headers,
        rows.map((r) => {
          const cells = [
            h("a", { href: `#/country/${r.c.iso3}` }, r.name),
            briCell(r.c),
            usd(r.amount),
            ...KIND_COLUMNS.map(([k]) => (r.kinds[k] ? usd(r.kinds[k]) : "—")),
            r.other ? usd(r.other) : "—",
            r.pr && r.pr.projects ? `${pct(r.rate)} (${r.pr.with_problems} of ${r.pr.projects})` : "—",
            usd(r.reported),
            usd(r.projected),
            r.tr ? `${usd(r.trade)} (${r.tr.year})` : "—",
          ];
          cells.rowClass = `iso-${r.c.iso3}`;
          return cells;
        }),
        { class: "data countries", numeric: [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12] }
      ),
      caption(AGG_NOTE),
      caption(`Problem rate: projects with at least one sourced problem event, of ${POPULATIONS["infrastructure-finance"]}. Debt service: principal and interest to Chinese creditors in ${DEBT_YEAR}, as the World Bank's International Debt Statistics report it (imported with ruta import wb-ids) and as ruta's loan schedules project it (nominal USD; see each country page for the assumptions). Trade: goods exports and imports between China and the country in the latest year the imported files cover (nominal USD, the display rule's side of the mirror).`)
    );
  }

  // ---- organizations -----------------------------------------------------------------
  async function organizationsPage(params) {
    const q = params.get("q") || "";
    const offset = Math.max(0, Number(params.get("offset") || 0) | 0);
    const page = await api(`/api/organizations?limit=100&offset=${offset}${q ? "&q=" + enc(q) : ""}`);
    const form = h("form", { class: "filters" }, h("input", { type: "search", name: "q", value: q, placeholder: "Name or alias", "aria-label": "Organization" }), h("button", { type: "submit" }, "Search"));
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const v = new FormData(form).get("q");
      location.hash = `#/organizations${v ? "?q=" + enc(v) : ""}`;
    });
    return h(
      "div",
      {},
      h("h1", {}, "Organizations"),
      form,
      h("p", { class: "summary" }, `${page.total.toLocaleString()} organizations.`),
      table(["Organization", "Kind", "Country", "Projects", "Roles"], page.items.map((o) => [h("a", { href: `#/org/${enc(o.id)}` }, o.name), label(o.kind || "—"), o.country || "—", String(o.projects), Object.entries(o.roles || {}).map(([r, n]) => `${r} ${n}`).join(", ")]), { numeric: [3] }),
      page.next_offset !== null ? h("p", {}, h("a", { class: "button", href: `#/organizations?offset=${page.next_offset}${q ? "&q=" + enc(q) : ""}` }, "More →")) : null
    );
  }

  async function orgPage(id) {
    const o = await api(`/api/organizations/${enc(id)}`);
    return h(
      "div",
      { class: "org" },
      h("h1", {}, o.name),
      h("p", { class: "lede" }, `${label(o.kind || "organization")}${o.country ? ", " + countryName(o.country) : ""}. ${o.projects} projects.`),
      o.aliases.length ? h("p", { class: "aliases" }, "Also known as: ", o.aliases.join("; ")) : null,
      o.parent ? h("p", {}, "Part of ", h("a", { href: `#/org/${enc(o.parent.id)}` }, o.parent.name)) : null,
      o.children.length ? h("p", {}, "Subsidiaries: ", o.children.map((c, i) => [i ? ", " : "", h("a", { href: `#/org/${enc(c.id)}` }, c.name)])) : null,
      h(
        "div",
        { class: "grid2" },
        section("By year", Charts.bars(o.by_year.filter((r) => r.key !== null).map((r) => ({ label: String(r.key), value: r.amount_usd }))), caption(AGG_NOTE)),
        section("By country", Charts.bars(o.by_country.slice(0, 12).map((r) => ({ label: r.label, value: r.amount_usd, href: r.key ? `#/country/${r.key}` : null }))), caption(AGG_NOTE))
      ),
      section("Projects", table(["Project", "Role", "Country", "Amount (2021 USD)", "Year"], o.projects_list.map((p) => [projectLink(p.id, p.name), label(p.role), p.country ? countryName(p.country) : "—", usd(p.amount_usd), p.year === null ? "—" : String(p.year)]), { numeric: [3, 4] }))
    );
  }

  // ---- search ------------------------------------------------------------------------
  async function searchPage(params) {
    const q = params.get("q") || "";
    if (!q.trim()) return h("p", {}, "Type words to search for.");
    const r = await api(`/api/search?q=${enc(q)}`);
    const list = (items, f) => (items.length ? h("ul", {}, items.map((x) => h("li", {}, f(x)))) : h("p", { class: "muted" }, "Nothing."));
    return h(
      "div",
      { class: "search-results" },
      h("h1", {}, `Search: ${q}`),
      section("Projects", list(r.projects, (p) => [projectLink(p.id, p.name), ` — ${countryName(p.country)}, ${usd(p.amount_usd)}`])),
      section("Organizations", list(r.organizations, (o) => h("a", { href: `#/org/${enc(o.id)}` }, o.name))),
      section("Claims", list(r.claims, (c) => [projectLink(c.project_id, c.project_name), ": ", h("q", {}, c.quote)])),
      section("Sources", list(r.sources, (s) => sourceCell(s))),
      section("Figures from the news not linked to a project", list(r.evidence, (e) => [h("strong", {}, e.text), " — ", h("q", {}, e.quote), " ", sourceCell({ id: e.source_id, title: e.source_title, publisher: e.source_publisher, url: e.source_url })]))
    );
  }

  document.getElementById("search").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const q = new FormData(ev.target).get("q");
    if (q) location.hash = `#/search?q=${enc(q)}`;
  });
  window.addEventListener("hashchange", route);
  route();
})();
