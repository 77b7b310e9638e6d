// The BRI Monitor web page: search, facets, results, the pairings network and feed health.
//
// Everything shown comes from news feeds nobody controls, so no feed text ever reaches
// innerHTML: text goes in through textContent, and highlight fragments (HTML-escaped by
// the API except for <mark>) are taken apart and rebuilt as text nodes and <mark>s.
"use strict";

(() => {
  const PAGE_SIZE = 20;
  const FACET_FIELDS = ["province", "country", "sector"];
  const SVG_NS = "http://www.w3.org/2000/svg";

  const state = {
    view: "articles",
    q: "",
    sort: "relevance",
    relevant: false,
    published_from: "",
    published_to: "",
    province: [],
    country: [],
    sector: [],
  };
  let cursor = null;
  let shown = 0;
  let countryNames = {};
  // Answers can arrive out of order; only the latest request of each kind is shown.
  let searchSerial = 0;
  let pairingsSerial = 0;
  let feedsSerial = 0;
  const VIEWS = ["articles", "pairings", "feeds"];

  const $ = (id) => document.getElementById(id);

  // ---- building DOM safely ----

  function el(tag, props = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props)) {
      if (value === undefined || value === null) continue;
      if (key === "className") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value);
    }
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.append(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }

  function svg(tag, attrs = {}) {
    const node = document.createElementNS(SVG_NS, tag);
    for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
    return node;
  }

  const ENTITIES = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

  function decodeEntities(text) {
    return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, name) => {
      if (name[0] === "#") {
        const code = name[1] === "x" || name[1] === "X"
          ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
        return Number.isFinite(code) && code >= 0 && code <= 0x10ffff
          ? String.fromCodePoint(code) : whole;
      }
      return ENTITIES[name.toLowerCase()] ?? whole;
    });
  }

  // "a &lt;b&gt; <mark>c</mark>" -> text "a <b> " + <mark>c</mark>, without parsing HTML.
  function highlighted(fragment) {
    const out = document.createDocumentFragment();
    let inMark = false;
    for (const part of fragment.split(/(<mark>|<\/mark>)/)) {
      if (part === "<mark>") { inMark = true; continue; }
      if (part === "</mark>") { inMark = false; continue; }
      if (!part) continue;
      const text = document.createTextNode(decodeEntities(part));
      if (inMark) out.append(el("mark", {}, text));
      else out.append(text);
    }
    return out;
  }

  // Only web links: a feed could carry javascript: or data: URLs.
  function safeHref(url) {
    try {
      const parsed = new URL(url, window.location.href);
      return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
    } catch {
      return null;
    }
  }

  const day = (iso) => (iso ? String(iso).slice(0, 10) : "undated");
  const countryLabel = (code) => (countryNames[code] ? `${countryNames[code]} (${code})` : code);

  // ---- talking to the API ----

  function filterParams() {
    const params = new URLSearchParams();
    if (state.q.trim()) params.set("q", state.q.trim());
    if (state.relevant) params.set("relevant", "true");
    if (state.published_from) params.set("published_from", state.published_from);
    if (state.published_to) params.set("published_to", state.published_to);
    for (const field of FACET_FIELDS) for (const value of state[field]) params.append(field, value);
    return params;
  }

  async function getJson(path, params) {
    const response = await fetch(`${path}?${params}`, { headers: { Accept: "application/json" } });
    let body = null;
    try {
      body = await response.json();
    } catch {
      body = null;
    }
    if (!response.ok) {
      const detail = body && body.detail ? body.detail : `HTTP ${response.status}`;
      const field = body && body.field ? ` (${body.field})` : "";
      throw new Error(`${detail}${field}`);
    }
    return body;
  }

  function setStatus(text, isError = false) {
    const status = $("status");
    status.textContent = text;
    status.classList.toggle("error", isError);
  }

  // ---- articles view ----

  async function search() {
    const serial = ++searchSerial;
    const params = filterParams();
    params.set("sort", state.sort);
    params.set("size", String(PAGE_SIZE));
    // In the pairings view the status line speaks for the network.
    const report = state.view === "articles" ? setStatus : () => {};
    report("Searching…");
    try {
      const page = await getJson("/search", params);
      if (serial !== searchSerial) return; // a newer search has started
      cursor = page.next_cursor;
      shown = 0;
      $("results").replaceChildren();
      appendHits(page.hits);
      renderFacets(page.facets);
      renderMoreButton(page.total);
      const noun = page.total === 1 ? "article" : "articles";
      report(`${page.total.toLocaleString()} ${noun} · ${page.took_ms} ms`);
    } catch (error) {
      if (serial !== searchSerial) return;
      report(`Search failed: ${error.message}`, true);
    }
  }

  async function loadMore() {
    if (!cursor) return;
    const serial = searchSerial;
    const params = filterParams();
    params.set("sort", state.sort);
    params.set("size", String(PAGE_SIZE));
    params.set("facets", "false");
    params.set("cursor", cursor);
    $("more").disabled = true;
    try {
      const page = await getJson("/search", params);
      if (serial !== searchSerial) return;
      cursor = page.next_cursor;
      appendHits(page.hits);
      renderMoreButton(page.total);
    } catch (error) {
      setStatus(`Loading more failed: ${error.message}`, true);
    } finally {
      $("more").disabled = false;
    }
  }

  function renderMoreButton(total) {
    $("more").hidden = !cursor || shown >= total;
  }

  function appendHits(hits) {
    const list = $("results");
    for (const hit of hits) list.append(renderHit(hit));
    shown += hits.length;
  }

  function renderHit(hit) {
    const title = hit.title_html ? highlighted(hit.title_html) : document.createTextNode(hit.title || "(untitled)");
    const href = safeHref(hit.canonical_url || hit.url);
    const heading = el("h3", { className: "hit-title" },
      href ? el("a", { href, target: "_blank", rel: "noopener noreferrer nofollow" }, title) : title);
    const meta = el("p", { className: "meta" },
      `${day(hit.published)} · ${hit.site_name || (href ? new URL(href).hostname : "unknown source")}`,
      hit.relevant ? el("span", { className: "badge" }, "capacity cooperation") : null);
    const snippets = el("div", { className: "snippets" });
    for (const fragment of hit.snippets_html) {
      snippets.append(el("p", { className: "snippet" }, "… ", highlighted(fragment), " …"));
    }
    const read = el("button", { type: "button", className: "link", onclick: () => openArticle(hit.id) },
      "Read full text");
    return el("li", { className: "hit", "data-id": hit.id },
      heading, meta, renderLabels(hit), snippets, read);
  }

  function renderLabels(item) {
    const labels = el("div", { className: "labels" });
    for (const province of item.provinces || []) {
      labels.append(labelChip("province", province, province));
    }
    for (const country of item.countries || []) {
      labels.append(labelChip("country", country, countryLabel(country)));
    }
    for (const sector of item.sectors || []) labels.append(labelChip("sector", sector, sector));
    for (const pairing of item.pairings || []) {
      const sectors = pairing.sectors.length ? ` (${pairing.sectors.join(", ")})` : "";
      labels.append(el("span", { className: "chip pairing" },
        `${pairing.province} ↔ ${countryLabel(pairing.country)}${sectors}`));
    }
    return labels;
  }

  function labelChip(field, value, text) {
    return el("button", {
      type: "button", className: `chip ${field}`, title: `filter by ${field} ${value}`,
      onclick: () => addFilter(field, value),
    }, text);
  }

  async function openArticle(id) {
    const dialog = $("article");
    try {
      const article = await getJson(`/articles/${encodeURIComponent(id)}`, new URLSearchParams());
      $("article-title").textContent = article.title || "(untitled)";
      const href = safeHref(article.canonical_url || article.url);
      $("article-meta").replaceChildren(
        `${day(article.published)} · ${article.site_name || ""} `,
        href ? el("a", { href, target: "_blank", rel: "noopener noreferrer nofollow" }, "source") : "",
      );
      $("article-labels").replaceChildren(renderLabels(article));
      const body = $("article-text");
      body.replaceChildren();
      for (const paragraph of (article.text || "").split(/\n\s*\n/)) {
        if (paragraph.trim()) body.append(el("p", { text: paragraph.trim() }));
      }
      if (!dialog.open) dialog.showModal();
    } catch (error) {
      setStatus(`Could not open the article: ${error.message}`, true);
    }
  }

  // ---- facets ----

  function renderFacets(facets) {
    if (!facets) return;
    renderFacetList("province", facets.provinces, (b) => b.value);
    renderFacetList("country", facets.countries, (b) => (b.label ? `${b.label} (${b.value})` : b.value));
    renderFacetList("sector", facets.sectors, (b) => b.value);
    renderHistogram(facets.published);
  }

  function renderFacetList(field, buckets, labelOf) {
    const list = $(`facet-${field}`);
    list.replaceChildren();
    const active = new Set(state[field]);
    for (const bucket of buckets) {
      const on = active.has(bucket.value);
      list.append(el("li", {},
        el("button", {
          type: "button", className: "facet", "aria-pressed": String(on),
          "data-field": field, "data-value": bucket.value,
          onclick: () => (on ? removeFilter(field, bucket.value) : addFilter(field, bucket.value)),
        }, el("span", { className: "facet-label" }, labelOf(bucket)),
        el("span", { className: "count" }, bucket.count.toLocaleString()))));
    }
    if (!buckets.length) list.append(el("li", { className: "empty" }, "none"));
  }

  function renderHistogram(buckets) {
    const box = $("histogram");
    box.replaceChildren();
    if (!buckets.length) {
      box.append(el("p", { className: "empty" }, "no dates"));
      return;
    }
    const width = 240;
    const height = 60;
    const max = Math.max(...buckets.map((b) => b.count));
    // Months without articles have no bucket; place bars by month so gaps show as gaps
    // (unless a stray date would stretch the axis past twenty years).
    const monthOf = (bucket) => {
      const [year, month] = bucket.date.split("-").map(Number);
      return year * 12 + month - 1;
    };
    const first = monthOf(buckets[0]);
    const span = monthOf(buckets[buckets.length - 1]) - first + 1;
    const byTime = span <= 240;
    const slots = byTime ? span : buckets.length;
    const barWidth = width / slots;
    const chart = svg("svg", { viewBox: `0 0 ${width} ${height + 14}`, class: "bars" });
    buckets.forEach((bucket, i) => {
      const slot = byTime ? monthOf(bucket) - first : i;
      const barHeight = Math.max(1, (bucket.count / max) * height);
      const bar = svg("rect", {
        x: slot * barWidth + 0.5, y: height - barHeight, width: Math.max(1, barWidth - 1),
        height: barHeight, class: "bar", "data-date": bucket.date,
      });
      const tip = svg("title");
      tip.textContent = `${bucket.date.slice(0, 7)}: ${bucket.count} article(s); click to filter`;
      bar.append(tip);
      bar.addEventListener("click", () => {
        const start = new Date(`${bucket.date}T00:00:00Z`);
        const end = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 0));
        state.published_from = bucket.date;
        state.published_to = end.toISOString().slice(0, 10);
        syncForm();
        refresh();
      });
      chart.append(bar);
    });
    for (const [index, anchor] of [[0, "start"], [buckets.length - 1, "end"]]) {
      const label = svg("text", { x: anchor === "start" ? 0 : width, y: height + 12, "text-anchor": anchor });
      label.textContent = buckets[index].date.slice(0, 7);
      chart.append(label);
    }
    box.append(chart);
  }

  function addFilter(field, value) {
    if (!state[field].includes(value)) state[field].push(value);
    refresh();
  }

  function removeFilter(field, value) {
    state[field] = state[field].filter((v) => v !== value);
    refresh();
  }

  function renderActiveFilters() {
    const box = $("active-filters");
    box.replaceChildren();
    for (const field of FACET_FIELDS) {
      for (const value of state[field]) {
        const text = field === "country" ? countryLabel(value) : value;
        box.append(el("button", {
          type: "button", className: `chip active ${field}`, title: "remove this filter",
          "data-field": field, "data-value": value, onclick: () => removeFilter(field, value),
        }, `${field}: ${text} ×`));
      }
    }
    if (state.published_from || state.published_to) {
      box.append(el("button", {
        type: "button", className: "chip active", title: "remove the date range",
        onclick: () => {
          state.published_from = "";
          state.published_to = "";
          syncForm();
          refresh();
        },
      }, `published ${state.published_from || "…"} – ${state.published_to || "…"} ×`));
    }
  }

  // ---- pairings view ----

  async function loadPairings() {
    const serial = ++pairingsSerial;
    const params = filterParams();
    params.set("limit", "150");
    setStatus("Loading pairings…");
    try {
      const result = await getJson("/pairings", params);
      if (serial !== pairingsSerial) return;
      drawNetwork(result.edges);
      renderEdgeTable(result.edges);
      setStatus(`${result.edges.length} pairing(s) in ${result.total_articles.toLocaleString()} article(s)`);
    } catch (error) {
      if (serial !== pairingsSerial) return;
      setStatus(`Pairings failed: ${error.message}`, true);
    }
  }

  function totalsBy(edges, key) {
    const totals = new Map();
    for (const edge of edges) totals.set(edge[key], (totals.get(edge[key]) || 0) + edge.articles);
    return [...totals.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  }

  function drawNetwork(edges) {
    const network = $("network");
    network.replaceChildren();
    $("edge-info").hidden = true;
    if (!edges.length) {
      network.setAttribute("viewBox", "0 0 720 60");
      const empty = svg("text", { x: 360, y: 34, "text-anchor": "middle", class: "empty" });
      empty.textContent = "No pairings among the matching articles";
      network.append(empty);
      return;
    }
    const provinces = totalsBy(edges, "province");
    const countries = totalsBy(edges, "country");
    const row = 24;
    const width = 720;
    const left = 170;
    const right = width - 190;
    const height = Math.max(provinces.length, countries.length) * row + 20;
    network.setAttribute("viewBox", `0 0 ${width} ${height}`);
    const yOf = (list) => {
      const gap = (height - 20) / list.length;
      return new Map(list.map(([name], i) => [name, 10 + gap * (i + 0.5)]));
    };
    const provinceY = yOf(provinces);
    const countryY = yOf(countries);
    const maxArticles = Math.max(...edges.map((e) => e.articles));

    const lines = svg("g", { class: "edges-layer" });
    for (const edge of edges) {
      const y1 = provinceY.get(edge.province);
      const y2 = countryY.get(edge.country);
      const mid = (left + right) / 2;
      const path = svg("path", {
        d: `M${left},${y1} C${mid},${y1} ${mid},${y2} ${right},${y2}`,
        class: "edge",
        "stroke-width": (1 + 9 * Math.sqrt(edge.articles / maxArticles)).toFixed(2),
        "data-province": edge.province,
        "data-country": edge.country,
      });
      const tip = svg("title");
      tip.textContent = edgeSummary(edge);
      path.append(tip);
      path.addEventListener("mouseenter", () => showEdge(edge, path));
      path.addEventListener("mouseleave", () => hideEdge(path));
      lines.append(path);
    }
    network.append(lines);
    network.append(nodeColumn(provinces, provinceY, left, "end", "province", (n) => n));
    network.append(nodeColumn(countries, countryY, right, "start", "country", countryLabel));
  }

  function nodeColumn(nodes, yOf, x, anchor, field, labelOf) {
    const group = svg("g", { class: `nodes ${field}` });
    for (const [name, articles] of nodes) {
      const y = yOf.get(name);
      const node = svg("g", { class: "node", "data-field": field, "data-value": name });
      node.append(svg("circle", { cx: x, cy: y, r: 4 }));
      const label = svg("text", { x: anchor === "end" ? x - 8 : x + 8, y: y + 4, "text-anchor": anchor });
      label.textContent = `${labelOf(name)} · ${articles}`;
      const tip = svg("title");
      tip.textContent = `${labelOf(name)}: ${articles} article(s) summed over its pairings; click to filter`;
      node.append(label, tip);
      node.addEventListener("click", () => addFilter(field, name));
      node.addEventListener("mouseenter", () => $("network").querySelectorAll(`path.edge`).forEach((p) => {
        p.classList.toggle("dim", p.dataset[field] !== name);
      }));
      node.addEventListener("mouseleave", () => $("network").querySelectorAll("path.edge.dim")
        .forEach((p) => p.classList.remove("dim")));
      group.append(node);
    }
    return group;
  }

  function edgeSummary(edge) {
    const sectors = edge.sectors.map((s) => `${s.sector} (${s.articles})`).join(", ") || "no sector named";
    return `${edge.province} ↔ ${edge.country_name}: ${edge.articles} article(s); ${sectors}; ` +
      `first seen ${day(edge.first_seen)}, last seen ${day(edge.last_seen)}`;
  }

  function showEdge(edge, path) {
    path.classList.add("hover");
    const info = $("edge-info");
    const sectors = el("ul", {});
    for (const s of edge.sectors) sectors.append(el("li", {}, `${s.sector}: ${s.articles} article(s)`));
    if (!edge.sectors.length) sectors.append(el("li", {}, "no sector named"));
    info.replaceChildren(
      el("strong", {}, `${edge.province} ↔ ${edge.country_name}`),
      el("p", {}, `${edge.articles} article(s), first seen ${day(edge.first_seen)}, last seen ${day(edge.last_seen)}`),
      sectors,
    );
    info.hidden = false;
  }

  function hideEdge(path) {
    path.classList.remove("hover");
  }

  function renderEdgeTable(edges) {
    const body = $("edges").querySelector("tbody");
    body.replaceChildren();
    for (const edge of edges) {
      body.append(el("tr", {},
        el("td", {}, edge.province),
        el("td", {}, countryLabel(edge.country)),
        el("td", { className: "num" }, String(edge.articles)),
        el("td", {}, edge.sectors.map((s) => `${s.sector} (${s.articles})`).join(", ")),
        el("td", {}, day(edge.first_seen)),
        el("td", {}, day(edge.last_seen))));
    }
  }

  // ---- feeds view ----

  function ago(iso) {
    if (!iso) return "never";
    return `${duration(Date.now() - Date.parse(iso))} ago`;
  }

  function until(iso) {
    if (!iso) return "never";
    const wait = Date.parse(iso) - Date.now();
    return wait < 1000 ? "now" : `in ${duration(wait)}`;
  }

  function duration(ms) {
    const seconds = Math.max(0, ms / 1000);
    if (seconds < 120) return `${Math.round(seconds)} s`;
    if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
    if (seconds < 172800) return `${(seconds / 3600).toFixed(1)} h`;
    return `${(seconds / 86400).toFixed(1)} days`;
  }

  function feedLink(url) {
    // Only web addresses become links; anything else stays text.
    return /^https?:\/\//i.test(url)
      ? el("a", { className: "feed-url", href: url, rel: "noreferrer noopener" }, url)
      : el("span", { className: "feed-url" }, url);
  }

  function feedRow(feed) {
    const problem = feed.state === "gone" ? `gone: ${feed.gone_reason || ""}` : feed.last_error;
    const errorCell = problem
      ? el("td", {}, el("span", { className: "error-text" }, problem), " ",
        el("span", { className: "feed-url" }, feed.state === "gone" ? "" : ago(feed.last_error_at)))
      : el("td", {}, "—");
    return el("tr", { className: "feed-row", "data-state": feed.state, "data-url": feed.url },
      el("td", {}, el("span", { className: `feed-state ${feed.state}` }, feed.state)),
      el("td", {}, el("span", { className: "feed-title" }, feed.title || "(untitled)"),
        feedLink(feed.url)),
      el("td", { className: "when" }, ago(feed.last_success_at)),
      errorCell,
      el("td", { className: "num" }, String(feed.consecutive_failures)),
      el("td", { className: "num" },
        feed.not_modified_share === null ? "—" : `${Math.round(feed.not_modified_share * 100)} %`),
      el("td", { className: "num" },
        feed.entries_per_day === null ? "—" : feed.entries_per_day.toFixed(1)),
      el("td", { className: "when" }, until(feed.next_poll_at)));
  }

  async function loadFeeds() {
    const serial = ++feedsSerial;
    $("feeds-summary").textContent = "Loading feeds…";
    let body;
    try {
      body = await getJson("/feeds", new URLSearchParams());
    } catch (error) {
      if (serial !== feedsSerial) return;
      $("feeds-summary").textContent = `Feeds could not be loaded: ${error.message}`;
      return;
    }
    if (serial !== feedsSerial) return;
    const counts = body.states;
    $("feeds-summary").textContent = body.total === 0
      ? "No feeds are watched yet; add one with `bri feeds add URL`."
      : `${body.total} feeds: ${counts.active} active, ${counts.failing} failing, ${counts.gone} gone`;
    $("feeds").querySelector("tbody").replaceChildren(...body.feeds.map(feedRow));
  }

  // ---- page state ----

  function syncForm() {
    $("q").value = state.q;
    $("sort").value = state.sort;
    $("relevant").checked = state.relevant;
    $("published-from").value = state.published_from;
    $("published-to").value = state.published_to;
  }

  function readForm() {
    state.q = $("q").value;
    state.sort = $("sort").value;
    state.relevant = $("relevant").checked;
    state.published_from = $("published-from").value;
    state.published_to = $("published-to").value;
  }

  // The address bar holds the search, so a view can be bookmarked or shared.
  function saveToAddress() {
    const params = filterParams();
    if (state.sort !== "relevance") params.set("sort", state.sort);
    if (state.view !== "articles") params.set("view", state.view);
    const query = params.toString();
    history.replaceState(null, "", query ? `?${query}` : window.location.pathname);
  }

  function loadFromAddress() {
    const params = new URLSearchParams(window.location.search);
    state.q = params.get("q") || "";
    state.sort = params.get("sort") === "date" ? "date" : "relevance";
    state.relevant = params.get("relevant") === "true";
    state.published_from = params.get("published_from") || "";
    state.published_to = params.get("published_to") || "";
    for (const field of FACET_FIELDS) state[field] = params.getAll(field);
    state.view = VIEWS.includes(params.get("view")) ? params.get("view") : "articles";
  }

  function showView(view) {
    state.view = view;
    $("articles-view").hidden = view !== "articles";
    $("pairings-view").hidden = view !== "pairings";
    // The feeds list has nothing to do with the search: its form and facets step aside.
    const feeds = view === "feeds";
    $("feeds-view").hidden = !feeds;
    for (const id of ["search-form", "search-layout", "active-filters", "status"]) {
      $(id).hidden = feeds;
    }
    for (const name of VIEWS) {
      $(`tab-${name}`).setAttribute("aria-pressed", String(view === name));
    }
  }

  function refresh() {
    renderActiveFilters();
    saveToAddress();
    if (state.view === "feeds") {
      loadFeeds();
    } else if (state.view === "pairings") {
      // Facet counts still follow the search when the network is shown.
      search();
      loadPairings();
    } else {
      search();
    }
  }

  async function loadCountryNames() {
    try {
      const labels = await getJson("/labels", new URLSearchParams());
      countryNames = Object.fromEntries(labels.countries.map((c) => [c.code, c.name]));
    } catch {
      countryNames = {}; // codes alone still work
    }
  }

  function start() {
    $("search-form").addEventListener("submit", (event) => {
      event.preventDefault();
      readForm();
      refresh();
    });
    for (const id of ["sort", "relevant", "published-from", "published-to"]) {
      $(id).addEventListener("change", () => {
        readForm();
        refresh();
      });
    }
    $("more").addEventListener("click", loadMore);
    $("tab-articles").addEventListener("click", () => { showView("articles"); refresh(); });
    $("tab-pairings").addEventListener("click", () => { showView("pairings"); refresh(); });
    $("tab-feeds").addEventListener("click", () => { showView("feeds"); refresh(); });
    $("feeds-reload").addEventListener("click", loadFeeds);
    $("article-close").addEventListener("click", () => $("article").close());
    loadFromAddress();
    syncForm();
    showView(state.view);
    loadCountryNames().then(refresh);
  }

  start();
})();
