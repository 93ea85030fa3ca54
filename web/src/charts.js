// ruta's charts and maps: plain SVG built with DOM calls (no innerHTML, so every label is
// text, never markup).
"use strict";

const Charts = (() => {
  const NS = "http://www.w3.org/2000/svg";

  // Bidirectional controls in labels are removed (they could reorder the text around
  // them); links stay on this site.
  const BIDI = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;
  const clean = (v) => String(v).replace(BIDI, "");
  const ownHref = (v) => {
    const s = String(v);
    return s.startsWith("#") || (s.startsWith("/") && !s.startsWith("//") && !s.startsWith("/\\")) ? s : "#";
  };

  function svg(tag, attrs, ...children) {
    const el = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v !== null && v !== undefined) el.setAttribute(k, k === "href" ? ownHref(v) : clean(v));
    }
    for (const c of children) {
      if (c === null || c === undefined) continue;
      el.appendChild(typeof c === "string" ? document.createTextNode(clean(c)) : c);
    }
    return el;
  }

  function title(text) {
    return svg("title", {}, String(text));
  }

  // Colours per sector group, consistent on every page.
  const GROUP_COLORS = {
    traditional_infrastructure: "#4c6a92",
    new_frontier: "#d9822b",
    extractives: "#7a5c3e",
    agriculture: "#5b8c3a",
    social: "#9b5fa8",
    finance_other: "#8a8f98",
  };
  const GROUP_LABELS = {
    traditional_infrastructure: "Traditional infrastructure",
    new_frontier: "New frontier",
    extractives: "Extractives",
    agriculture: "Agriculture",
    social: "Social",
    finance_other: "Finance and other",
  };

  function usd(v) {
    if (v === null || v === undefined || Number.isNaN(v)) return "—";
    const a = Math.abs(v);
    if (a >= 1e9) return "$" + (v / 1e9).toFixed(a >= 1e11 ? 0 : 2) + " bn";
    if (a >= 1e6) return "$" + (v / 1e6).toFixed(a >= 1e8 ? 0 : 1) + " m";
    if (a >= 1e3) return "$" + (v / 1e3).toFixed(0) + " k";
    return "$" + v.toFixed(0);
  }

  function niceMax(v) {
    if (!(v > 0)) return 1;
    const p = Math.pow(10, Math.floor(Math.log10(v)));
    for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
    return 10 * p;
  }

  // Every year from the first to the last (or the range asked for), so a year with
  // nothing shows as an empty slot instead of disappearing from the axis.
  function yearRange(keys, range) {
    const ys = keys.filter((k) => Number.isInteger(k));
    const lo = range && Number.isInteger(range[0]) ? range[0] : ys.length ? Math.min(...ys) : null;
    const hi = range && Number.isInteger(range[1]) ? range[1] : ys.length ? Math.max(...ys) : null;
    if (lo === null || hi === null || hi < lo || hi - lo > 300) return keys;
    const out = [];
    for (let y = lo; y <= hi; y++) out.push(y);
    return out;
  }

  // Stacked bars: rows [{key, split, amount_usd, count}], one bar per key. Year keys are
  // filled in from the first to the last year (or `opts.years`, [from, to]): empty years
  // stay on the axis. `opts.colors`, `opts.labels`, `opts.value` (the row's number),
  // `opts.format` and `opts.unit` make it serve counts as well as dollars.
  function stackedBars(rows, opts) {
    const o = Object.assign({ width: 900, height: 320, order: Object.keys(GROUP_COLORS), colors: GROUP_COLORS, labels: GROUP_LABELS, value: (r) => r.amount_usd, format: usd, unit: "projects", years: null }, opts || {});
    let keys = [...new Set(rows.map((r) => r.key))].filter((k) => k !== null).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    if (keys.every((k) => Number.isInteger(k))) keys = yearRange(keys, o.years);
    const totals = {};
    for (const r of rows) if (r.key !== null) totals[r.key] = (totals[r.key] || 0) + o.value(r);
    const max = niceMax(Math.max(0, ...Object.values(totals)));
    const m = { l: 64, r: 10, t: 10, b: 40 };
    const w = o.width - m.l - m.r, h = o.height - m.t - m.b;
    const root = svg("svg", { viewBox: `0 0 ${o.width} ${o.height}`, class: "chart stacked", role: "img" });
    for (let i = 0; i <= 4; i++) {
      const y = m.t + h - (h * i) / 4;
      root.appendChild(svg("line", { x1: m.l, x2: m.l + w, y1: y, y2: y, class: "grid" }));
      root.appendChild(svg("text", { x: m.l - 6, y: y + 4, class: "axis", "text-anchor": "end" }, o.format((max * i) / 4)));
    }
    const bw = keys.length ? w / keys.length : w;
    const every = Math.max(1, Math.ceil(keys.length / 20));
    keys.forEach((k, i) => {
      let y0 = 0;
      const x = m.l + i * bw + bw * 0.1;
      const mine = rows.filter((x) => x.key === k);
      if (!mine.some((r) => o.value(r) > 0)) {
        // An empty year: a slot with its label and a tooltip saying so.
        root.appendChild(svg("rect", { x, y: m.t, width: bw * 0.8, height: h, class: "empty", "data-key": k }, title(`${k}: nothing recorded`)));
      }
      for (const g of o.order) {
        const r = mine.find((x) => x.split === g);
        if (!r || !(o.value(r) > 0)) continue;
        const bh = (o.value(r) / max) * h;
        root.appendChild(
          svg("rect", { x, y: m.t + h - y0 - bh, width: bw * 0.8, height: bh, fill: o.colors[g] || "#999", class: "bar", "data-key": k, "data-split": g },
            title(`${k} · ${o.labels[g] || g}: ${o.format(o.value(r))}${r.count !== undefined ? ` (${r.count} ${o.unit})` : ""}`)));
        y0 += bh;
      }
      if (i % every === 0) {
        root.appendChild(svg("text", { x: x + bw * 0.4, y: m.t + h + 16, class: "axis", "text-anchor": "middle", "data-year": k }, String(k)));
      }
    });
    return root;
  }

  function legend(groups, colors, labels) {
    const cs = colors || GROUP_COLORS, ls = labels || GROUP_LABELS;
    const el = document.createElement("div");
    el.className = "legend";
    for (const g of groups || Object.keys(cs)) {
      const item = document.createElement("span");
      const sw = document.createElement("i");
      sw.style.background = cs[g] || "#999";
      item.appendChild(sw);
      item.appendChild(document.createTextNode(ls[g] || g));
      el.appendChild(item);
    }
    return el;
  }

  // Horizontal bars: rows [{label, value, href?, title?}].
  function bars(rows, opts) {
    const o = Object.assign({ width: 440, barHeight: 22, color: "#4c6a92" }, opts || {});
    const max = Math.max(1, ...rows.map((r) => r.value || 0));
    const lw = 200, vw = 80;
    const height = rows.length * o.barHeight + 6;
    const root = svg("svg", { viewBox: `0 0 ${o.width} ${height}`, class: "chart bars", role: "img" });
    rows.forEach((r, i) => {
      const y = i * o.barHeight + 3;
      const label = r.label.length > 30 ? r.label.slice(0, 29) + "…" : r.label;
      const text = svg("text", { x: lw - 6, y: y + o.barHeight * 0.65, "text-anchor": "end", class: "label" }, label);
      if (r.href) {
        const a = svg("a", { href: r.href }, text);
        root.appendChild(a);
      } else {
        root.appendChild(text);
      }
      const bwid = Math.max(1, ((o.width - lw - vw) * (r.value || 0)) / max);
      root.appendChild(svg("rect", { x: lw, y: y + 3, width: bwid, height: o.barHeight - 6, fill: r.color || o.color, class: "bar" }, title(r.title || `${r.label}: ${usd(r.value)}`)));
      root.appendChild(svg("text", { x: lw + bwid + 4, y: y + o.barHeight * 0.65, class: "value" }, r.valueText || usd(r.value)));
    });
    return root;
  }

  // A line of shares 0..1 by year: rows [{key, share}].
  function shareLine(rows, opts) {
    const o = Object.assign({ width: 900, height: 200, years: null }, opts || {});
    const pts = rows.filter((r) => r.share !== null && r.share !== undefined);
    const m = { l: 64, r: 10, t: 10, b: 30 };
    const w = o.width - m.l - m.r, h = o.height - m.t - m.b;
    const root = svg("svg", { viewBox: `0 0 ${o.width} ${o.height}`, class: "chart line", role: "img" });
    for (let i = 0; i <= 4; i++) {
      const y = m.t + h - (h * i) / 4;
      root.appendChild(svg("line", { x1: m.l, x2: m.l + w, y1: y, y2: y, class: "grid" }));
      root.appendChild(svg("text", { x: m.l - 6, y: y + 4, class: "axis", "text-anchor": "end" }, `${i * 25}%`));
    }
    if (!pts.length) return root;
    const span = yearRange(pts.map((p) => p.key), o.years);
    const k0 = span[0], k1 = span[span.length - 1];
    const x = (k) => m.l + (k1 === k0 ? w / 2 : ((k - k0) / (k1 - k0)) * w);
    const y = (s) => m.t + h - s * h;
    root.appendChild(svg("polyline", { points: pts.map((p) => `${x(p.key)},${y(p.share)}`).join(" "), class: "share" }));
    for (const p of pts) {
      root.appendChild(svg("circle", { cx: x(p.key), cy: y(p.share), r: 3, class: "share-dot" }, title(`${p.key}: ${(p.share * 100).toFixed(1)}% new frontier (${usd(p.new_frontier_usd)} of ${usd(p.amount_usd)})`)));
    }
    // The axis names every year of the range (empty years included), not only those
    // with a point.
    const every = Math.max(1, Math.ceil(span.length / 16));
    span.forEach((k, i) => {
      if (i % every === 0) root.appendChild(svg("text", { x: x(k), y: m.t + h + 16, class: "axis", "text-anchor": "middle", "data-year": k }, String(k)));
    });
    return root;
  }

  // Web Mercator, fitted to a lon/lat box.
  function projection(box, width, height) {
    const [x0, y0, x1, y1] = box;
    const merc = (lat) => Math.log(Math.tan(Math.PI / 4 + (Math.max(-85, Math.min(85, lat)) * Math.PI) / 360));
    const mx0 = (x0 * Math.PI) / 180, mx1 = (x1 * Math.PI) / 180;
    const my0 = merc(y0), my1 = merc(y1);
    const s = Math.min(width / (mx1 - mx0), height / (my1 - my0));
    const ox = (width - s * (mx1 - mx0)) / 2, oy = (height - s * (my1 - my0)) / 2;
    return ([lon, lat]) => [ox + s * ((lon * Math.PI) / 180 - mx0), oy + s * (my1 - merc(lat))];
  }

  function pathOf(geometry, project) {
    if (!geometry) return "";
    const polys = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.type === "MultiPolygon" ? geometry.coordinates : [];
    let d = "";
    for (const poly of polys) {
      for (const ring of poly) {
        // A ring that crosses the antimeridian (Fiji, Russia) would draw a line across
        // the whole map: start a new subpath at each jump instead.
        let prev = null;
        let broken = false;
        ring.forEach((pt) => {
          const [px, py] = project(pt);
          const jump = prev !== null && Math.abs(pt[0] - prev) > 180;
          broken = broken || jump;
          d += (prev === null || jump ? "M" : "L") + px.toFixed(1) + "," + py.toFixed(1);
          prev = pt[0];
        });
        if (!broken) d += "Z";
      }
    }
    return d;
  }

  // Sequential colour for a value on a log scale.
  function choropleth(value, max) {
    if (!(value > 0)) return "#eef0f3";
    const t = Math.max(0, Math.min(1, Math.log10(value) / Math.log10(Math.max(10, max))));
    const a = [222, 235, 247], b = [8, 69, 148];
    const c = a.map((x, i) => Math.round(x + (b[i] - x) * Math.pow(t, 2.2)));
    return `rgb(${c[0]},${c[1]},${c[2]})`;
  }

  // Marker style by IATI location precision: exact points are solid, admin areas hollow,
  // country-level approximations small and faint.
  function markerStyle(precision) {
    if (precision === 1 || precision === 2) return { r: 4.5, cls: "marker exact" };
    if (precision === 3 || precision === 4) return { r: 5, cls: "marker near" };
    if (precision === 5 || precision === 6 || precision === 7) return { r: 6, cls: "marker area" };
    return { r: 3, cls: "marker country" };
  }

  return { svg, title, usd, yearRange, stackedBars, legend, bars, shareLine, projection, pathOf, choropleth, markerStyle, GROUP_COLORS, GROUP_LABELS };
})();
