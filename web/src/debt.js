// ruta's debt views: on the country page, the debt service to China that ruta's loan
// schedules project beside what the World Bank reports, with the assumptions in words;
// on loans, a "collateralised / oil-backed" mark. Plain SVG and DOM built with
// createElement / text nodes (never markup), over /api/debt/service and /api/debt/loans.
"use strict";

const Debt = (() => {
  const { usd } = Charts;
  const COLORS = { projected: "#4c6a92", reported: "#c0392b", gap: "rgba(192,57,43,0.18)" };

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) if (v !== null && v !== undefined) e.setAttribute(k, String(v));
    for (const c of children.flat(Infinity)) {
      if (c === null || c === undefined || c === false) continue;
      e.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }

  function caption(text) {
    return el("p", { class: "caption" }, text);
  }

  function pct(v) {
    return v === null || v === undefined ? "—" : `${v.toFixed(2)}%`;
  }

  // "collateralised", "oil-backed" or both, with what secures the loan as the tooltip;
  // null for a loan no source says is secured.
  function loanMark(terms) {
    if (!terms) return null;
    const marks = [];
    if (terms.collateralized === true) marks.push("collateralised");
    if (terms.commodity) marks.push(`${terms.commodity === "oil" ? "oil" : terms.commodity}-backed`);
    if (!marks.length) return null;
    const tip = terms.collateral ? `Collateral: ${terms.collateral.slice(0, 400)}${terms.collateral.length > 400 ? "…" : ""}` : "A source says the loan is collateralised.";
    return el("span", { class: "mark collateral", title: tip }, marks.join(" / "));
  }

  // A loan's terms in a few words: "2% · 21.75 y (5 grace) · GE 54.70".
  function termsLine(terms) {
    if (!terms) return null;
    const parts = [];
    if (terms.interest_rate !== null) parts.push(`${terms.interest_rate}%`);
    else if (terms.reference_rate) parts.push(terms.reference_rate);
    if (terms.maturity_years !== null) parts.push(`${terms.maturity_years} y${terms.grace_years !== null ? ` (${terms.grace_years} grace)` : ""}`);
    const ge = terms.grant_element && terms.grant_element.oecd_cash_flow;
    if (ge !== null && ge !== undefined) parts.push(`grant element ${ge.toFixed(2)}`);
    return parts.length ? el("span", { class: "terms" }, parts.join(" · ")) : null;
  }

  // Every distinct assumption among the scheduled loans, with how many loans took it.
  function assumptionCounts(loans) {
    const m = new Map();
    for (const l of loans) for (const a of new Set(l.assumptions)) m.set(a, (m.get(a) || 0) + 1);
    return [...m.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  }

  // The country page: projected and reported debt service to China per year, the gap
  // shaded; the years in a table; what the projection assumed; the secured loans.
  function countrySection(api, iso3, name) {
    const body = el("div", {}, el("p", { class: "loading" }, "Loading debt…"));
    const c = el("section", { class: "card debt" }, el("h2", {}, "Debt service to China: projected beside reported"), body);
    const q = `country=${encodeURIComponent(iso3)}`;
    Promise.all([api(`/api/debt/service?${q}&by=year&year_from=2000&year_to=2030`), api(`/api/debt/loans?${q}`)])
      .then(([rows, loans]) => {
        body.textContent = "";
        const scheduled = loans.filter((l) => l.scheduled);
        const lacking = loans.filter((l) => !l.scheduled);
        const reported = rows.filter((r) => r.reported_usd !== null);
        if (!scheduled.length && !reported.length) {
          body.appendChild(el("p", { class: "muted" }, loans.length ? `${loans.length} counted loan(s), none with the terms a schedule needs; no reported debt service imported (ruta import wb-ids).` : "No loans recorded and no reported debt service imported (ruta import wb-ids)."));
          return;
        }
        const shown = rows.filter((r) => r.projected_usd > 0 || r.reported_usd !== null);
        const projMap = new Map(shown.map((r) => [r.key, r.projected_usd]));
        const repMap = new Map(reported.map((r) => [r.key, r.reported_usd]));
        body.appendChild(
          el(
            "div",
            { class: "legend" },
            [["projected from ruta's loans", COLORS.projected], ["reported (World Bank IDS)", COLORS.reported], ["gap", COLORS.gap]].map(([n, col]) => {
              const sw = el("i", {});
              sw.style.background = col;
              return el("span", {}, sw, n);
            })
          )
        );
        body.appendChild(
          Trade.lines(
            [
              { name: "projected", color: COLORS.projected, points: shown.map((r) => [r.key, r.projected_usd]) },
              { name: "reported", color: COLORS.reported, dash: "5 3", points: reported.map((r) => [r.key, r.reported_usd, r.reported_is_projection ? "(the Bank's projection)" : "", r.reported_is_projection]) },
            ],
            { width: 900, height: 260, bands: [{ color: COLORS.gap, upper: projMap, lower: repMap }] }
          )
        );
        body.appendChild(
          el(
            "table",
            { class: "data" },
            el("thead", {}, el("tr", {}, ["Year", "Projected", "Reported", "Gap", "Projected, % GDP", "Reported, % GDP", "Outstanding (projected)"].map((x, i) => el("th", { class: i > 0 ? "num" : null }, x)))),
            el(
              "tbody",
              {},
              shown
                .filter((r) => r.key >= 2010 && r.key <= 2025)
                .map((r) =>
                  el(
                    "tr",
                    {},
                    [String(r.key), usd(r.projected_usd), r.reported_usd === null ? "—" : usd(r.reported_usd) + (r.reported_is_projection ? " (projection)" : ""), r.gap_usd === null ? "—" : (r.gap_usd < 0 ? "−" : "+") + usd(Math.abs(r.gap_usd)), pct(r.gdp_share), pct(r.reported_gdp_share), usd(r.outstanding_usd)].map((x, i) => el("td", { class: i > 0 ? "num" : null }, x))
                  )
                )
            )
          )
        );
        // The assumptions, in words.
        const sum = (ls) => ls.reduce((a, l) => a + (l.amount_usd_nominal || 0), 0);
        const words = el("div", { class: "assumptions" });
        words.appendChild(el("h3", {}, "What the projection assumes"));
        words.appendChild(
          el(
            "p",
            {},
            `${scheduled.length} of ${loans.length} counted loans to ${name} state enough terms to be scheduled (${usd(sum(scheduled))} of ${usd(sum(loans))} face value, nominal). ` +
              (lacking.length ? `${lacking.length} lack a maturity, an amount or a commitment year and are left out: their debt service is not in the projected line. ` : "") +
              "Repayments are equal semiannual instalments of principal from the first to the last repayment date (or from commitment plus grace to commitment plus maturity), with interest on the outstanding balance."
          )
        );
        const counts = assumptionCounts(scheduled);
        if (counts.length) words.appendChild(el("ul", {}, counts.map(([a, n]) => el("li", {}, `${a} (${n} loan${n === 1 ? "" : "s"})`))));
        body.appendChild(words);
        const secured = loans.filter((l) => loanMark(l.terms));
        if (secured.length) {
          body.appendChild(el("h3", {}, "Collateralised and commodity-backed loans"));
          body.appendChild(
            el(
              "ul",
              { class: "secured" },
              secured.map((l) => el("li", {}, el("a", { href: `#/project/${encodeURIComponent(l.project_id || l.flow_id)}` }, l.project_name || l.flow_id), ` (${l.year || "year unknown"}, ${usd(l.amount_usd_nominal)}) `, loanMark(l.terms), " ", termsLine(l.terms)))
            )
          );
        }
        body.appendChild(
          caption(
            "Nominal US dollars. Projected: principal and interest falling due on the counted loans ruta holds with terms. Reported: principal and interest paid to China on public and publicly guaranteed debt as the World Bank's International Debt Statistics record it (its latest years are the Bank's own projections, hollow points). They differ because ruta does not hold every loan or its terms; IDS counts only debt owed or guaranteed by the public sector, and lists Chinese commercial banks — and, as debtors report them, some policy-bank loans — under private creditors rather than China; money is disbursed over years, not at commitment; and reschedulings and deferrals move what falls due."
          )
        );
      })
      .catch((e) => {
        body.textContent = "";
        body.appendChild(el("p", { class: "error" }, `Debt could not be loaded: ${e.message}`));
      });
    return c;
  }

  return { countrySection, loanMark, termsLine };
})();
