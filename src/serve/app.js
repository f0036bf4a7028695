// newsdex search page. Talks only to /api/search on its own server. Every text from the index
// is put into the page with textContent (never as HTML), so news text cannot inject markup.
"use strict";

const PAGE_SIZE = 10;
const MAX_OFFSET = 10000;

const $ = (id) => document.getElementById(id);
const form = $("search"), box = $("q"), fromBox = $("from"), toBox = $("to"), sortBox = $("sort"), anyBox = $("any");
const statusLine = $("status"), hitList = $("hits"), pager = $("pager"), chips = $("chips");

// The search the page shows; the URL mirrors it, so it can be bookmarked and shared.
let state = { q: "", from: "", to: "", sources: [], sort: "relevance", any: false, page: 1 };
let inFlight = null;

function fromUrl() {
  const p = new URLSearchParams(location.search);
  const page = parseInt(p.get("page") || "1", 10);
  return {
    q: p.get("q") || "",
    from: p.get("from") || "",
    to: p.get("to") || "",
    sources: p.getAll("source").filter((s) => s !== ""),
    sort: ["relevance", "newest", "oldest"].includes(p.get("sort")) ? p.get("sort") : "relevance",
    any: p.get("any") === "true",
    page: Number.isFinite(page) && page > 0 ? page : 1,
  };
}

function toParams(s) {
  const p = new URLSearchParams();
  if (s.q) p.set("q", s.q);
  if (s.from) p.set("from", s.from);
  if (s.to) p.set("to", s.to);
  for (const source of s.sources) p.append("source", source);
  if (s.sort !== "relevance") p.set("sort", s.sort);
  if (s.any) p.set("any", "true");
  return p;
}

function fillForm(s) {
  box.value = s.q;
  fromBox.value = s.from;
  toBox.value = s.to;
  sortBox.value = s.sort;
  anyBox.checked = s.any;
}

// Runs the search in `state`; `push` adds it to the browser history.
async function run(push) {
  const shown = toParams(state);
  if (state.page > 1) shown.set("page", String(state.page));
  const url = shown.toString() ? "?" + shown : location.pathname;
  if (push) history.pushState(null, "", url); else history.replaceState(null, "", url);
  document.title = state.q ? state.q + " — newsdex" : "newsdex";

  if (!state.q) {
    // The engine needs words to look for; an empty box shows how to start instead.
    if (inFlight) inFlight.abort();
    showError({ error: "Type what to look for, then press Enter. Syntax: the Syntax button." });
    statusLine.className = "";
    $("chips-box").hidden = true;
    return;
  }
  const api = toParams(state);
  api.set("limit", String(PAGE_SIZE));
  api.set("offset", String((state.page - 1) * PAGE_SIZE));
  api.set("facets", "true");
  if (inFlight) inFlight.abort();
  inFlight = new AbortController();
  statusLine.className = "";
  statusLine.textContent = "Searching…";
  document.body.setAttribute("aria-busy", "true");
  try {
    const response = await fetch("/api/search?" + api, { signal: inFlight.signal });
    const doc = await response.json();
    if (!response.ok) return showError(doc);
    render(doc);
  } catch (e) {
    if (e.name !== "AbortError") showError({ error: "The server did not answer (" + e.message + ")." });
  } finally {
    document.body.removeAttribute("aria-busy");
  }
}

function showError(doc) {
  statusLine.className = "error";
  const where = doc.parameter ? " (" + doc.parameter + ")" : "";
  statusLine.textContent = (doc.error || "The search failed.") + where;
  hitList.replaceChildren();
  pager.replaceChildren();
  chips.replaceChildren();
  $("timeline-box").hidden = true;
  $("suggestions").hidden = true;
}

function render(doc) {
  const total = doc.total;
  // Past 10,000 the engine stops counting unless facets are asked for: a lower bound.
  const more = doc.total_exact === false ? "+" : "";
  const first = (state.page - 1) * PAGE_SIZE + 1;
  statusLine.textContent = total === 0
    ? "Nothing matched."
    : total.toLocaleString("en") + more + (total === 1 ? " entry" : " entries") +
      (doc.hits.length ? " — showing " + first + "–" + (first + doc.hits.length - 1) : "") +
      " (" + Number(doc.took_ms).toFixed(1) + " ms)";
  renderSuggestions(doc.suggestions || []);
  renderHits(doc.hits);
  renderChips(doc.facets ? doc.facets.sources : []);
  renderTimeline(doc.facets ? doc.facets.timeline : null);
  renderPager(total);
}

function renderSuggestions(list) {
  const line = $("suggestions");
  line.replaceChildren();
  line.hidden = list.length === 0;
  if (!list.length) return;
  line.append("Did you mean ");
  list.forEach((s, i) => {
    if (i) line.append(", ");
    const a = el("a", { href: "?" + toParams({ ...state, q: s.query, any: s.any, page: 1 }) }, s.query + (s.any ? " (any word)" : ""));
    a.addEventListener("click", (e) => { e.preventDefault(); state = { ...state, q: s.query, any: s.any, page: 1 }; fillForm(state); run(true); });
    line.append(a, " (" + s.total + (s.total_exact === false ? "+" : "") + ")");
  });
  line.append("?");
}

function el(tag, attrs, text) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

// Only web addresses become links (never javascript: or data: ones).
function safeUrl(url) {
  if (typeof url !== "string") return null;
  try {
    const u = new URL(url);
    return u.protocol === "http:" || u.protocol === "https:" ? u.href : null;
  } catch (_) {
    return null;
  }
}

// The snippet with its highlights: the offsets are UTF-8 byte offsets into the text.
function snippetNode(text, highlights) {
  const p = el("p", { class: "snippet" });
  const bytes = new TextEncoder().encode(text);
  const decode = (a, b) => new TextDecoder().decode(bytes.subarray(a, b));
  let at = 0;
  for (const [start, end] of highlights) {
    if (start < at || end > bytes.length || end <= start) continue;
    p.append(decode(at, start), el("mark", {}, decode(start, end)));
    at = end;
  }
  p.append(decode(at, bytes.length));
  return p;
}

function isWikinews(hit) {
  const url = safeUrl(hit.url);
  return (hit.sources || []).includes("Wikinews") || (url !== null && new URL(url).hostname.endsWith("wikinews.org"));
}

function renderHits(hits) {
  hitList.replaceChildren();
  for (const hit of hits) {
    const li = el("li", { class: "hit" });
    const h = el("h3");
    const url = safeUrl(hit.url);
    const title = hit.title || "(untitled)";
    if (url) h.append(el("a", { href: url, rel: "noopener noreferrer" }, title)); else h.textContent = title;
    li.append(h);
    const meta = el("div", { class: "meta" });
    if (hit.date) meta.append(el("time", { datetime: hit.date }, formatDate(hit.date)));
    if (hit.kind) meta.append(el("span", {}, hit.kind));
    if (hit.sources && hit.sources.length) meta.append(el("span", { class: "sources" }, hit.sources.join(", ")));
    if (hit.authors && hit.authors.length) meta.append(el("span", {}, "by " + hit.authors.join(", ")));
    const page = hit.page || {};
    const pageUrl = safeUrl(page.url);
    if (page.title || pageUrl) {
      const span = el("span", {}, "on ");
      if (pageUrl) span.append(el("a", { href: pageUrl, rel: "noopener noreferrer" }, page.title || pageUrl));
      else span.append(page.title);
      if (hit.pages && hit.pages.length > 1) span.append(" and " + (hit.pages.length - 1) + " more");
      meta.append(span);
    }
    li.append(meta, snippetNode(hit.snippet || "", hit.highlights || []));
    if (isWikinews(hit)) {
      const credit = el("p", { class: "credit" }, "From ");
      credit.append(url ? el("a", { href: url, rel: "noopener noreferrer" }, "Wikinews") : "Wikinews");
      credit.append(", © Wikinews contributors, ");
      credit.append(el("a", { href: "https://creativecommons.org/licenses/by/2.5/", rel: "license noopener" }, "CC BY 2.5"));
      li.append(credit);
    }
    hitList.append(li);
  }
}

function formatDate(value) {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  const d = new Date(value);
  return isNaN(d) ? value : d.toISOString().slice(0, 16).replace("T", " ") + " UTC";
}

function renderChips(sources) {
  chips.replaceChildren();
  const counts = new Map(sources.map((s) => [s.value, s.count]));
  const names = sources.map((s) => s.value);
  for (const chosen of state.sources) if (!counts.has(chosen)) names.push(chosen);
  $("chips-box").hidden = names.length === 0;
  for (const name of names) {
    const on = state.sources.includes(name);
    const chip = el("button", { type: "button", class: "chip", "aria-pressed": String(on), "data-source": name });
    chip.append(name);
    if (counts.has(name)) chip.append(el("span", { class: "count" }, counts.get(name).toLocaleString("en")));
    chip.setAttribute("aria-label", name + (counts.has(name) ? ", " + counts.get(name) + " entries" : "") + (on ? ", filtering" : ""));
    chip.addEventListener("click", () => {
      const sources = on ? state.sources.filter((s) => s !== name) : state.sources.concat([name]);
      state = { ...state, sources, page: 1 };
      run(true);
    });
    chips.append(chip);
  }
}

// Bucket start "YYYY-MM-DD" → the last day of that bucket.
function bucketEnd(start, interval) {
  const d = new Date(start + "T00:00:00Z");
  if (interval === "week") d.setUTCDate(d.getUTCDate() + 6);
  else if (interval === "month") { d.setUTCMonth(d.getUTCMonth() + 1, 1); d.setUTCDate(0); }
  else if (interval === "year") { d.setUTCFullYear(d.getUTCFullYear() + 1, 0, 1); d.setUTCDate(0); }
  return d.toISOString().slice(0, 10);
}

function bucketLabel(start, interval) {
  if (interval === "year") return start.slice(0, 4);
  if (interval === "month") return start.slice(0, 7);
  if (interval === "week") return "week of " + start;
  return start;
}

function renderTimeline(timeline) {
  const holder = $("timeline");
  holder.replaceChildren();
  const buckets = timeline ? timeline.buckets : [];
  $("timeline-box").hidden = buckets.length === 0;
  if (!buckets.length) return;
  const NS = "http://www.w3.org/2000/svg";
  const W = 600, H = 100, top = 4, base = 84;
  const svg = document.createElementNS(NS, "svg");
  svg.setAttribute("viewBox", "0 0 " + W + " " + H);
  svg.setAttribute("preserveAspectRatio", "none");
  svg.setAttribute("role", "group");
  svg.setAttribute("aria-label", "Matching entries per " + timeline.interval);
  const max = Math.max(1, ...buckets.map((b) => b.count));
  const step = W / buckets.length;
  const bars = [];
  let dragFrom = null;
  const choose = (a, b) => {
    const [i, j] = a <= b ? [a, b] : [b, a];
    state = { ...state, from: buckets[i].start, to: bucketEnd(buckets[j].start, timeline.interval), page: 1 };
    fillForm(state);
    run(true);
  };
  const mark = (a, b) => bars.forEach((g, k) => g.classList.toggle("on", a !== null && k >= Math.min(a, b) && k <= Math.max(a, b)));
  buckets.forEach((b, i) => {
    const g = document.createElementNS(NS, "g");
    g.setAttribute("class", "bucket");
    g.setAttribute("tabindex", "0");
    g.setAttribute("role", "button");
    const label = bucketLabel(b.start, timeline.interval) + ": " + b.count + (b.count === 1 ? " entry" : " entries");
    g.setAttribute("aria-label", label);
    g.dataset.start = b.start;
    const hit = document.createElementNS(NS, "rect");
    hit.setAttribute("class", "hit");
    hit.setAttribute("x", i * step); hit.setAttribute("y", 0); hit.setAttribute("width", step); hit.setAttribute("height", base);
    const h = b.count ? Math.max(2, (b.count / max) * (base - top)) : 0;
    const bar = document.createElementNS(NS, "rect");
    bar.setAttribute("class", "barshape");
    bar.setAttribute("x", i * step + Math.min(1, step * 0.1)); bar.setAttribute("width", Math.max(0.5, step - Math.min(2, step * 0.2)));
    bar.setAttribute("y", base - h); bar.setAttribute("height", h);
    const tip = document.createElementNS(NS, "title");
    tip.textContent = label;
    g.append(tip, hit, bar);
    g.addEventListener("pointerdown", (e) => { dragFrom = i; mark(i, i); e.preventDefault(); });
    g.addEventListener("pointerenter", () => { if (dragFrom !== null) mark(dragFrom, i); });
    g.addEventListener("pointerup", () => { if (dragFrom !== null) { const a = dragFrom; dragFrom = null; choose(a, i); } });
    g.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); choose(i, i); } });
    bars.push(g);
    svg.append(g);
  });
  svg.addEventListener("pointerleave", () => { dragFrom = null; mark(null, null); });
  const axis = (x, anchor, text) => {
    const t = document.createElementNS(NS, "text");
    t.setAttribute("class", "axis"); t.setAttribute("x", x); t.setAttribute("y", H - 3); t.setAttribute("text-anchor", anchor);
    t.textContent = text;
    svg.append(t);
  };
  axis(2, "start", bucketLabel(buckets[0].start, timeline.interval));
  if (buckets.length > 1) axis(W - 2, "end", bucketLabel(buckets[buckets.length - 1].start, timeline.interval));
  holder.append(svg);
}

function renderPager(total) {
  pager.replaceChildren();
  const last = Math.min(Math.ceil(total / PAGE_SIZE), Math.floor(MAX_OFFSET / PAGE_SIZE) + 1);
  if (last <= 1) return;
  const go = (page) => () => { state = { ...state, page }; run(true); window.scrollTo(0, 0); };
  const button = (text, page, label, current) => {
    const b = el("button", { type: "button", "aria-label": label }, text);
    if (current) b.setAttribute("aria-current", "page");
    b.addEventListener("click", go(page));
    pager.append(b);
  };
  if (state.page > 1) button("‹ Previous", state.page - 1, "Previous page");
  const from = Math.max(1, state.page - 3), to = Math.min(last, state.page + 3);
  if (from > 1) button("1", 1, "Page 1");
  for (let p = from; p <= to; p++) button(String(p), p, "Page " + p, p === state.page);
  if (to < last) button(String(last), last, "Page " + last);
  if (state.page < last) button("Next ›", state.page + 1, "Next page");
}

function readForm() {
  return { ...state, q: box.value.trim(), from: fromBox.value, to: toBox.value, sort: sortBox.value, any: anyBox.checked, page: 1 };
}

form.addEventListener("submit", (e) => { e.preventDefault(); state = readForm(); run(true); });
for (const input of [fromBox, toBox, sortBox, anyBox]) input.addEventListener("change", () => { state = readForm(); run(true); });
$("clear-dates").addEventListener("click", () => { fromBox.value = ""; toBox.value = ""; state = readForm(); run(true); });
$("syntax-toggle").addEventListener("click", (e) => {
  const panel = $("syntax");
  panel.hidden = !panel.hidden;
  e.currentTarget.setAttribute("aria-expanded", String(!panel.hidden));
});
document.addEventListener("keydown", (e) => {
  const typing = ["INPUT", "SELECT", "TEXTAREA"].includes(document.activeElement.tagName);
  if (e.key === "/" && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) { e.preventDefault(); box.focus(); box.select(); }
});
window.addEventListener("popstate", () => { state = fromUrl(); fillForm(state); run(false); });

state = fromUrl();
fillForm(state);
run(false);
box.focus();
