// ruta's trade views: China–LAC goods trade as both sides report it. Plain SVG and DOM
// built with createElement / text nodes (never markup), over /api/trade and
// /api/trade/totals. Each view returns its card at once and fills it when the data arrive.
"use strict";

const Trade = (() => {
  const { svg, title, usd } = Charts;
  const COLORS = { china: "#c0392b", partner: "#4c6a92", gap: "rgba(192,57,43,0.22)", export: "#c0392b", import: "#4c6a92" };

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) if (v !== null && v !== undefined) e.setAttribute(k, String(v));
    for (const c of children.flat(Infinity)) {
      if (c === null || c === undefined || c === false) continue;
      e.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }

  function card(heading, ...body) {
    return el("section", { class: "card trade" }, el("h2", {}, heading), ...body);
  }

  function caption(text) {
    return el("p", { class: "caption" }, text);
  }

  function niceMax(v) {
    if (!(v > 0)) return 1;
    const p = Math.pow(10, Math.floor(Math.log10(v)));
    for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
    return 10 * p;
  }

  // Lines over years: series [{name, color, dash, points: [[year, value]]}], and optional
  // bands [{color, upper: Map(year→v), lower: Map(year→v)}] shaded between two series.
  function lines(series, opts) {
    const o = Object.assign({ width: 600, height: 240, bands: [] }, opts || {});
    const m = { l: 64, r: 10, t: 10, b: 28 };
    const w = o.width - m.l - m.r, hgt = o.height - m.t - m.b;
    const root = svg("svg", { viewBox: `0 0 ${o.width} ${o.height}`, class: "chart line", role: "img" });
    let all = series.flatMap((s) => s.points);
    if (!all.length) return root;
    // Start where values reach half a percent of the largest: decades of near-zero trade
    // would flatten the years that matter.
    const top = Math.max(...all.map((p) => p[1]));
    const start = Math.min(...all.filter((p) => p[1] >= top * 0.005).map((p) => p[0]));
    series = series.map((s) => Object.assign({}, s, { points: s.points.filter((p) => p[0] >= start) }));
    all = series.flatMap((s) => s.points);
    const years = all.map((p) => p[0]);
    const y0 = Math.min(...years), y1 = Math.max(...years);
    const max = niceMax(Math.max(...all.map((p) => p[1])));
    const x = (yr) => m.l + (y1 === y0 ? w / 2 : ((yr - y0) / (y1 - y0)) * w);
    const y = (v) => m.t + hgt - (v / max) * hgt;
    for (let i = 0; i <= 4; i++) {
      const gy = m.t + hgt - (hgt * i) / 4;
      root.appendChild(svg("line", { x1: m.l, x2: m.l + w, y1: gy, y2: gy, class: "grid" }));
      root.appendChild(svg("text", { x: m.l - 6, y: gy + 4, class: "axis", "text-anchor": "end" }, usd((max * i) / 4)));
    }
    for (const b of o.bands) {
      const yrs = [...b.upper.keys()].filter((k) => b.lower.has(k)).sort((a, c) => a - c);
      // One polygon per run of consecutive years present on both sides.
      let run = [];
      const flush = () => {
        if (run.length > 1) {
          const top = run.map((k) => `${x(k)},${y(Math.max(b.upper.get(k), b.lower.get(k)))}`);
          const bottom = run.slice().reverse().map((k) => `${x(k)},${y(Math.min(b.upper.get(k), b.lower.get(k)))}`);
          root.appendChild(svg("polygon", { points: top.concat(bottom).join(" "), fill: b.color, stroke: "none" }, title("Gap between the two reporters")));
        }
        run = [];
      };
      for (const k of yrs.filter((k) => k >= start)) {
        if (run.length && k !== run[run.length - 1] + 1) flush();
        run.push(k);
      }
      flush();
    }
    for (const s of series) {
      const pts = s.points.slice().sort((a, c) => a[0] - c[0]);
      if (!pts.length) continue;
      root.appendChild(svg("polyline", { points: pts.map((p) => `${x(p[0])},${y(p[1])}`).join(" "), fill: "none", stroke: s.color, "stroke-width": 2, "stroke-dasharray": s.dash || null }));
      for (const p of pts) {
        // p[2]: a note for the tooltip; p[3]: draw hollow (a partial value).
        root.appendChild(svg("circle", { cx: x(p[0]), cy: y(p[1]), r: p[3] ? 3.5 : 2.5, fill: p[3] ? "#fff" : s.color, stroke: s.color, "stroke-width": 1.5 }, title(`${p[0]}: ${s.name} ${usd(p[1])}${p[2] ? " " + p[2] : ""}`)));
      }
    }
    const span = y1 - y0;
    const every = Math.max(1, Math.ceil((span + 1) / 12));
    for (let yr = y0; yr <= y1; yr += every) root.appendChild(svg("text", { x: x(yr), y: m.t + hgt + 16, class: "axis", "text-anchor": "middle" }, String(yr)));
    return root;
  }

  // Swatches are coloured through the CSSOM (style attributes would break the CSP).
  function legend(items) {
    return el(
      "div",
      { class: "legend" },
      items.map(([name, color, dash]) => {
        const sw = el("i", {});
        sw.style.background = color;
        if (dash) sw.style.opacity = "0.6";
        return el("span", {}, sw, name);
      })
    );
  }

  // An article's own address when it is http(s), else its API record.
  function sourceHref(s) {
    return s.url && /^https?:\/\//i.test(s.url) ? s.url : `/api/sources/${Number(s.source_id)}`;
  }

  // The country page: per flow, China-reported and partner-reported values with the gap
  // shaded, the latest year in a table, and trade figures stated in the news.
  function countrySection(api, iso3, name) {
    const body = el("div", {}, el("p", { class: "loading" }, "Loading trade…"));
    const c = card("Trade with China, as each side reports it", body);
    Promise.all([api(`/api/trade?country=${encodeURIComponent(iso3)}&by=year`), api(`/api/trade?country=${encodeURIComponent(iso3)}&reporter=news`)])
      .then(([rows, news]) => {
        body.textContent = "";
        if (!rows.length && !news.length) {
          body.appendChild(el("p", { class: "muted" }, "No trade figures imported for this country (ruta import dots / comtrade)."));
          return;
        }
        const charts = el("div", { class: "grid2" });
        for (const [flow, heading] of [["export", `China → ${name}`], ["import", `${name} → China`]]) {
          const china = rows.filter((r) => r.flow === flow && r.reporter === "CHN" && r.value_usd !== null);
          const partner = rows.filter((r) => r.flow === flow && r.reporter === iso3 && r.value_usd !== null);
          if (!china.length && !partner.length) continue;
          const byYear = (list) => new Map(list.map((r) => [r.year, r.value_usd]));
          charts.appendChild(
            el(
              "div",
              {},
              el("h3", {}, heading),
              lines(
                [
                  { name: "China reports", color: COLORS.china, points: china.map((r) => [r.year, r.value_usd]) },
                  { name: `${name} reports`, color: COLORS.partner, dash: "5 3", points: partner.map((r) => [r.year, r.value_usd]) },
                ],
                { bands: [{ color: COLORS.gap, upper: byYear(china), lower: byYear(partner) }] }
              )
            )
          );
        }
        body.appendChild(legend([["China reports", COLORS.china], [`${name} reports`, COLORS.partner, true], ["gap", COLORS.gap]]));
        body.appendChild(charts);
        // The latest year both sides report, else the latest year.
        const both = rows.filter((r) => r.mirror_usd !== null).map((r) => r.year);
        const latest = Math.max(...(both.length ? both : rows.map((r) => r.year)));
        const rowsLatest = ["export", "import"].map((flow) => {
          const ch = rows.find((r) => r.year === latest && r.flow === flow && r.reporter === "CHN");
          const pa = rows.find((r) => r.year === latest && r.flow === flow && r.reporter === iso3);
          const any = ch || pa || {};
          const shown = (ch && ch.displayed && "China") || (pa && pa.displayed && name) || "—";
          const share = pa && pa.share_pct !== null ? `${pa.share_pct.toFixed(1)}%` : "—";
          const gap = any.gap_usd === null || any.gap_usd === undefined ? "—" : (any.gap_usd < 0 ? "−" : "+") + usd(Math.abs(any.gap_usd));
          return [flow === "export" ? `China → ${name}` : `${name} → China`, usd(ch && ch.value_usd), usd(pa && pa.value_usd), gap, any.gap_pct === null || any.gap_pct === undefined ? "—" : `${any.gap_pct.toFixed(1)}%`, shown, share];
        });
        body.appendChild(
          el(
            "table",
            { class: "data" },
            el("thead", {}, el("tr", {}, ["Flow, " + latest, "China reports", `${name} reports`, "Gap", "Gap %", "Shown", "China's share"].map((x, i) => el("th", { class: i > 0 && i < 5 ? "num" : null }, x)))),
            el("tbody", {}, rowsLatest.map((cells) => el("tr", {}, cells.map((x, i) => el("td", { class: i > 0 && i < 5 ? "num" : null }, x)))))
          )
        );
        body.appendChild(caption("Goods, nominal US dollars: exports FOB, imports CIF. Sources: IMF Direction of Trade Statistics and UN Comtrade files as imported. Shown: the importer's figure unless missing; gap: the country's figure minus China's. China's share: of the country's exports or imports, where its world totals are imported."));
        if (news.length) {
          body.appendChild(el("h3", {}, "Trade figures stated in the news"));
          body.appendChild(
            el(
              "ul",
              { class: "trade-news" },
              news.map((r) => {
                const s = r.sources[0] || {};
                const what = r.value_usd !== null ? usd(r.value_usd) : `${r.share_pct}% of ${name}'s ${r.flow === "import" ? "exports" : "imports"}`;
                const flow = r.flow === "total" ? "two-way trade" : r.flow === "export" ? `China → ${name}` : `${name} → China`;
                return el("li", {}, `${r.year}, ${flow}: ${what} — `, el("q", {}, s.quote || ""), " ", el("a", { href: sourceHref(s) }, s.file || "article"));
              })
            )
          );
        }
      })
      .catch((e) => {
        body.textContent = "";
        body.appendChild(el("p", { class: "error" }, `Trade could not be loaded: ${e.message}`));
      });
    return c;
  }

  // The overview: China–LAC trade per year (shown values summed over the states the
  // imported files cover), next to the finance bars.
  function overviewSection(api) {
    const body = el("div", { class: "chart-wrap" }, el("p", { class: "loading" }, "Loading trade…"));
    const c = card("China–LAC trade by year", body);
    api("/api/trade/totals")
      .then((totals) => {
        body.textContent = "";
        if (!totals.length) {
          body.appendChild(el("p", { class: "muted" }, "No trade figures imported yet (ruta import dots / comtrade)."));
          return;
        }
        body.appendChild(legend([["China → LAC", COLORS.export], ["LAC → China", COLORS.import]]));
        const most = Math.max(...totals.map((t) => t.countries));
        const pt = (t, v) => [t.year, v, `(${t.countries} state${t.countries === 1 ? "" : "s"})`, t.countries < most];
        body.appendChild(
          lines(
            [
              { name: "China → LAC", color: COLORS.export, points: totals.map((t) => pt(t, t.export_usd)) },
              { name: "LAC → China", color: COLORS.import, points: totals.map((t) => pt(t, t.import_usd)) },
            ],
            { width: 900, height: 220 }
          )
        );
        const last = totals[totals.length - 1];
        body.appendChild(caption(`Goods trade in nominal US dollars, the importer's figure unless missing, summed over the LAC states the imported files cover (up to ${most}; ${last.countries} in ${last.year}; hollow points: fewer states) — not a regional total unless every state is imported.`));
      })
      .catch((e) => {
        body.textContent = "";
        body.appendChild(el("p", { class: "error" }, `Trade could not be loaded: ${e.message}`));
      });
    return c;
  }

  return { countrySection, overviewSection, lines };
})();
