// The IngestWorker dashboard. Polls the worker's own JSON every 1.5 s; everything it draws is
// built with DOM calls and textContent, never innerHTML, because document text comes from the wild.
"use strict";

const POLL_MS = 1500;
const SVG = "http://www.w3.org/2000/svg";
const OUTCOME_COLORS = { accepted: "#2e9d5b", rejected: "#d9822b", poisoned: "#c23b3b" };
const PALETTE = ["#d9822b", "#c9b02b", "#8a5cd0", "#d45d9a", "#3aa7b8", "#7a8b3a", "#b0703a", "#5a6fd0", "#a04bb0", "#4b9f8a"];
let selectedId = null;
const reasonColors = new Map();

function el(tag, props, ...children) {
  const node = document.createElement(tag);
  if (props) for (const [k, v] of Object.entries(props)) {
    if (k === "class") node.className = v; else if (k === "text") node.textContent = v; else node.setAttribute(k, v);
  }
  for (const child of children) if (child != null) node.append(child);
  return node;
}

function svg(tag, attrs, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  if (text != null) node.textContent = text;
  return node;
}

// Horizontal lines at 0, half and the top of a chart's scale, each labelled on the left.
function gridLines(max, y, left, width) {
  const nodes = [];
  for (const tick of [0, max / 2, max]) {
    const v = Math.round(tick);
    nodes.push(svg("line", { x1: left, x2: width, y1: y(v), y2: y(v), stroke: "#e3e6eb" }));
    nodes.push(svg("text", { x: left - 4, y: y(v) + 3, "text-anchor": "end" }, String(v)));
  }
  return nodes;
}

function colorOf(reason) {
  if (!reasonColors.has(reason)) reasonColors.set(reason, PALETTE[reasonColors.size % PALETTE.length]);
  return reasonColors.get(reason);
}

function code(text, extra) { return el("span", { class: "code" + (extra ? " " + extra : ""), text }); }

async function getJson(path) {
  const response = await fetch(path, { cache: "no-store" });
  if (!response.ok && response.status !== 503) throw new Error(path + ": HTTP " + response.status);
  return response.json();
}

function time(iso) { return new Date(iso).toLocaleTimeString([], { hour12: false }); }

function renderCounters(c) {
  const items = [
    ["inflight", "in flight", c.inFlight], ["accepted", "accepted", c.accepted], ["rejected", "rejected", c.rejected],
    ["failed", "failed attempts", c.failed], ["poisoned", "poisoned", c.poisoned], ["seen", "seen", c.seen],
  ];
  document.getElementById("counters").replaceChildren(...items.map(([cls, label, value]) =>
    el("div", { class: "counter " + cls, "data-counter": cls }, el("div", { class: "value", text: String(value) }), el("div", { class: "label", text: label }))));
}

function renderMinutes(minutes) {
  const chart = document.getElementById("chart-minutes");
  const W = 600, H = 180, left = 28, bottom = 22, top = 8;
  const reasons = [...new Set(minutes.flatMap(m => Object.keys(m.reasons)))].sort();
  const max = Math.max(1, ...minutes.map(m => m.accepted + m.rejected + m.poisoned));
  const bw = (W - left) / minutes.length;
  const y = v => (H - bottom) - v / max * (H - bottom - top);
  const nodes = gridLines(max, y, left, W);
  minutes.forEach((m, i) => {
    const x = left + i * bw + 0.5;
    let base = 0;
    const stack = [["accepted", m.accepted, OUTCOME_COLORS.accepted], ...reasons.map(r => [r, m.reasons[r] || 0, colorOf(r)]), ["poisoned", m.poisoned, OUTCOME_COLORS.poisoned]];
    for (const [name, n, color] of stack) {
      if (!n) continue;
      const rect = svg("rect", { x, width: Math.max(1, bw - 1), y: y(base + n), height: y(base) - y(base + n), fill: color });
      rect.append(svg("title", {}, `${time(m.minute)} ${name}: ${n}`));
      nodes.push(rect);
      base += n;
    }
    if (i % 10 === 0 || i === minutes.length - 1)
      nodes.push(svg("text", { x: i === minutes.length - 1 ? W : x + bw / 2, y: H - 6, "text-anchor": i === minutes.length - 1 ? "end" : "middle" },
        i === minutes.length - 1 ? "now" : time(m.minute).slice(0, 5)));
  });
  chart.replaceChildren(...nodes);
  const legend = [["accepted", OUTCOME_COLORS.accepted], ...reasons.map(r => [r, colorOf(r)]), ["poisoned", OUTCOME_COLORS.poisoned]];
  document.getElementById("legend-minutes").replaceChildren(...legend.map(([name, color]) => {
    const swatch = el("i", { class: "swatch" }); swatch.style.background = color;
    return el("span", null, swatch, name);
  }));
}

function renderScores(buckets) {
  const chart = document.getElementById("chart-scores");
  const W = 400, H = 180, left = 28, bottom = 22, top = 8;
  const max = Math.max(1, ...buckets.map(b => b.accepted + b.rejected));
  const bw = (W - left) / buckets.length;
  const y = v => (H - bottom) - v / max * (H - bottom - top);
  const nodes = gridLines(max, y, left, W);
  buckets.forEach((b, i) => {
    const x = left + i * bw + 2;
    let base = 0;
    for (const [name, n] of [["rejected", b.rejected], ["accepted", b.accepted]]) {
      if (!n) continue;
      const rect = svg("rect", { x, width: bw - 4, y: y(base + n), height: y(base) - y(base + n), fill: OUTCOME_COLORS[name], rx: 2 });
      rect.append(svg("title", {}, `${b.from.toFixed(1)}–${b.to.toFixed(1)} ${name}: ${n}`));
      nodes.push(rect);
      base += n;
    }
    nodes.push(svg("text", { x: x + (bw - 4) / 2, y: H - 6, "text-anchor": "middle" }, b.from.toFixed(1)));
  });
  chart.replaceChildren(...nodes);
}

function renderLanguages(languages) {
  const box = document.getElementById("languages");
  if (!languages.length) { box.replaceChildren(el("p", { class: "muted", text: "No documents yet." })); return; }
  const total = languages.reduce((s, l) => s + l.documents, 0);
  box.replaceChildren(...languages.slice(0, 8).map(l => {
    const fill = el("div", { class: "fill" }); fill.style.width = (100 * l.documents / total).toFixed(1) + "%";
    return el("div", { class: "bar" }, code(l.code), el("div", { class: "track" }, fill), el("span", { class: "n", text: String(l.documents) }));
  }));
}

function reasonsCell(reasons) {
  const td = el("td");
  if (!reasons.length) td.append(el("span", { class: "muted", text: "–" }));
  for (const r of reasons) td.append(code(r));
  return td;
}

function renderDocuments(docs) {
  document.getElementById("empty").hidden = docs.length > 0;
  const rows = docs.map(d => {
    const tr = el("tr", { "data-id": String(d.id), "data-blob": d.blobName, "data-outcome": d.outcome },
      el("td", { class: "num", text: time(d.at) }),
      el("td", { class: "name", text: d.blobName }),
      el("td", null, el("span", { class: "badge " + d.outcome, text: d.outcome })),
      reasonsCell(d.reasons),
      el("td", { text: d.stage || "–" }),
      el("td", { text: d.language || "–" }),
      el("td", { class: "num", text: d.qualityScore == null ? "–" : d.qualityScore.toFixed(2) }),
      el("td", { class: "num", text: `${d.keptLineCount} / ${d.removedLineCount}` }));
    if (d.id === selectedId) tr.classList.add("selected");
    tr.addEventListener("click", () => showDetail(d.id));
    return tr;
  });
  document.querySelector("#documents tbody").replaceChildren(...rows);
}

function lineItems(lines, total, removed) {
  if (!lines.length) return [el("li", { class: "none", text: removed ? "Nothing was removed." : "Nothing was kept." })];
  const items = lines.map(line => removed
    ? el("li", null, code(line.reason, "reason"), document.createTextNode(line.text))
    : el("li", { text: line }));
  if (total > lines.length) items.push(el("li", { class: "none", text: `… and ${total - lines.length} more (not listed)` }));
  return items;
}

async function showDetail(id) {
  selectedId = id;
  document.querySelectorAll("#documents tbody tr").forEach(tr => tr.classList.toggle("selected", tr.dataset.id === String(id)));
  const d = await getJson("/api/documents/" + id);
  if (d.error) return;
  const section = document.getElementById("detail");
  document.getElementById("detail-name").textContent = d.blobName;
  const facts = [
    ["decision", el("span", null, el("span", { class: "badge " + d.outcome, text: d.outcome }), " ", ...d.reasons.map(r => code(r)))],
    ["stage", d.stage], ["why", d.message], ["title", d.title],
    ["language", d.language && `${d.language} (${(d.languageConfidence * 100).toFixed(0)}%)`],
    ["quality", d.qualityScore != null && el("span", null, d.qualityScore.toFixed(3) + " ", ...d.qualityFailed.map(r => code(r)))],
    ["flags", d.flags.length && el("span", null, ...d.flags.map(f => code(f)))],
    ["output", `${d.outputContainer}/${d.outputName}`],
  ].filter(([, v]) => v);
  document.getElementById("decision").replaceChildren(...facts.flatMap(([k, v]) =>
    [el("dt", { text: k }), el("dd", null, typeof v === "string" ? document.createTextNode(v) : v)]));
  document.getElementById("kept-count").textContent = `(${d.keptLineCount})`;
  document.getElementById("removed-count").textContent = `(${d.removedLineCount}, ${d.removedChars} characters)`;
  document.getElementById("kept-lines").replaceChildren(...lineItems(d.keptLines, d.keptLineCount, false));
  document.getElementById("removed-lines").replaceChildren(...lineItems(d.removedLines, d.removedLineCount, true));
  section.hidden = false;
  section.dataset.id = String(id);
}

document.getElementById("detail-close").addEventListener("click", () => {
  selectedId = null;
  document.getElementById("detail").hidden = true;
  document.querySelectorAll("#documents tbody tr.selected").forEach(tr => tr.classList.remove("selected"));
});

async function poll() {
  try {
    const [summary, docs, ready] = await Promise.all([getJson("/api/summary"), getJson("/api/documents"), getJson("/healthz/ready")]);
    const w = summary.worker;
    document.getElementById("worker").textContent =
      `${w.machine} · pid ${w.processId} · ${w.mode} mode${w.scanLeader == null ? "" : w.scanLeader ? " (scan leader)" : " (not scan leader)"} · '${w.input}' · pipeline v${w.pipelineVersion}`;
    const pill = document.getElementById("ready");
    pill.textContent = ready.status === "Unhealthy" ? "not ready" : "ready";
    pill.className = "pill " + (ready.status === "Unhealthy" ? "bad" : "ok");
    pill.title = Object.entries(ready.checks).map(([k, c]) => `${k}: ${c.description}`).join("\n");
    renderCounters(summary.counters);
    renderMinutes(summary.minutes);
    renderScores(summary.qualityScores);
    renderLanguages(summary.languages);
    renderDocuments(docs);
    document.getElementById("updated").textContent = "updated " + new Date().toLocaleTimeString([], { hour12: false });
  } catch (e) {
    document.getElementById("updated").textContent = "worker unreachable: " + e.message;
  }
  setTimeout(poll, POLL_MS);
}

poll();
