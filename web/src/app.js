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
      a.classList.toggle("active", a.dataset.nav === page || (page === "project" && a.dataset.nav === "projects"));
    }
    view.replaceChildren(h("p", { class: "loading" }, "Loading…"));
    try {
      if (!state.countries.length) state.countries = await api("/api/countries");
      let el;
      if (page === "overview") el = await overview();
      else if (page === "map") el = await mapPage();
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

  // ---- overview ----------------------------------------------------------------------
  async function overview() {
    const [meta, byYear, share, byKind, byLender] = await Promise.all([
      api("/api/meta"),
      api("/api/stats/flows?by=year&split=sector_group"),
      api("/api/stats/frontier-share?by=year"),
      api("/api/stats/flows?by=flow_kind"),
      api("/api/stats/flows?by=lender"),
    ]);
    state.meta = meta;
    const c = meta.counts;
    const top = state.countries.filter((x) => x.amount_usd > 0).slice(0, 12);
    const groups = Object.keys(Charts.GROUP_COLORS);
    return h(
      "div",
      { class: "overview" },
      h("h1", {}, "China's finance, investment and contracts in Latin America and the Caribbean"),
      h("p", { class: "lede" }, `${c.projects.toLocaleString()} projects, ${c.claims.toLocaleString()} sourced claims from ${c.sources.toLocaleString()} sources, ${c.events.toLocaleString()} recorded events.`),
      section(
        "Amounts by year, by sector group",
        Charts.legend(groups),
        h("div", { class: "chart-wrap", id: "chart-by-year" }, Charts.stackedBars(byYear)),
        caption(AGG_NOTE + " New frontier: digital and telecoms, renewable energy, electric vehicles and batteries, critical minerals such as lithium.")
      ),
      Trade.overviewSection(api),
      section("New-frontier share of each year's amount", h("div", { class: "chart-wrap" }, Charts.shareLine(share)), caption("Share of each year's total (constant 2021 USD, counted flows) in new-frontier sectors.")),
      h(
        "div",
        { class: "grid2" },
        section("By flow kind", Charts.bars(byKind.map((r) => ({ label: label(r.label), value: r.amount_usd, title: `${label(r.label)}: ${usd(r.amount_usd)}, ${r.count} flows` }))), caption(AGG_NOTE)),
        section(
          "By lender",
          Charts.bars(byLender.slice(0, 12).map((r) => ({ label: r.label, value: r.amount_usd, href: `#/org/${enc(r.key)}` }))),
          caption("Counted loans only; a loan with several Chinese lenders is split evenly among them; loans whose lender no source states are shown as such. " + AGG_NOTE)
        )
      ),
      section(
        "Top countries",
        Charts.bars(top.map((x) => ({ label: x.name, value: x.amount_usd, href: `#/country/${x.iso3}`, title: `${x.name}: ${usd(x.amount_usd)}, ${x.counted_flows} counted flows. ${briWords(x)}` })), { width: 900 }),
        caption(AGG_NOTE)
      ),
      caption(`US dollar conversions: ${meta.conversion}.`)
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
    const o = Object.assign({ width: 900, height: 760, box: LAC_BOX, markers: [], highlight: null, choropleth: true }, opts || {});
    const project = Charts.projection(o.box, o.width, o.height);
    const byNumeric = {};
    for (const c of state.countries) byNumeric[String(Number(c.numeric))] = c;
    const max = Math.max(1, ...state.countries.filter((c) => c.lac).map((c) => c.amount_usd));
    const root = Charts.svg("svg", { viewBox: `0 0 ${o.width} ${o.height}`, class: "map", role: "img" });
    root.appendChild(Charts.svg("rect", { x: 0, y: 0, width: o.width, height: o.height, class: "sea" }));
    for (const f of features) {
      const c = byNumeric[String(Number(f.id))];
      const d = Charts.pathOf(f.geometry, project);
      if (!d) continue;
      const lac = c && c.lac;
      const fill = o.highlight ? (c && c.iso3 === o.highlight ? "#4c6a92" : lac ? "#dfe4ea" : "#f2f2ef") : lac && o.choropleth ? Charts.choropleth(c.amount_usd, max) : "#f2f2ef";
      const p = Charts.svg("path", { d, fill, class: lac ? "country lac" : "country", "data-iso3": c ? c.iso3 : null }, Charts.title(c ? `${c.name}: ${usd(c.amount_usd)} (${c.projects} projects)` : "—"));
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
    return root;
  }

  function markerLegend() {
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
    return el;
  }

  async function mapPage() {
    const [features, page] = await Promise.all([atlas(), api("/api/projects?limit=1000&sort=-amount")]);
    const markers = page.items.filter((p) => p.lat !== null && p.lon !== null);
    return h(
      "div",
      { class: "map-page" },
      h("h1", {}, "Map of Latin America and the Caribbean"),
      h("p", { class: "lede" }, "Countries shaded by the total that counts in aggregates (constant 2021 USD, log scale); dots are the 1,000 largest projects with a location. Click a country for its page, a dot for its project."),
      markerLegend(),
      h("div", { class: "map-wrap", id: "map" }, drawMap(features, { markers })),
      caption("Boundaries: Natural Earth 1:50m (world-atlas), bundled with ruta. " + AGG_NOTE)
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
