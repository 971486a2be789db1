// Kingmaker dashboard: the pages call the JSON API under /api/ and draw with Plotly.
// Every string from a scenario is set as text (never as HTML).
"use strict";

const data = JSON.parse(document.getElementById("page-data").textContent);
const page = document.body.dataset.page;

async function api(path, options = {}) {
  const response = await fetch(path, {
    headers: options.body instanceof FormData ? {} : { "Content-Type": "application/json" },
    credentials: "same-origin",
    ...options,
  });
  let body = null;
  try { body = await response.json(); } catch (e) { body = { error: response.statusText }; }
  if (!response.ok) {
    const error = new Error(body.error || response.statusText);
    error.problems = body.problems || [];
    throw error;
  }
  return body;
}

function say(element, text, kind = "") {
  element.textContent = text;
  element.className = "message " + kind;
}

function sayProblems(element, error) {
  say(element, error.message, "error");
  if (error.problems && error.problems.length) {
    const list = document.createElement("ul");
    for (const p of error.problems.slice(0, 50)) {
      const item = document.createElement("li");
      item.textContent = p.text || [p.where, p.message].filter(Boolean).join(": ");
      list.appendChild(item);
    }
    element.appendChild(list);
  }
}

// Plotly reads a few HTML tags in its texts (<b>, <a>, <br>...): escape them so that a name
// is shown exactly as written.
function plotlyText(text) {
  return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function fmt(x, digits = 1) {
  return x === null || x === undefined ? "-" : Number(x).toFixed(digits);
}

const MODEL_COLOURS = {
  compromise: "#1f77b4", median: "#2ca02c", condorcet: "#9467bd", eum: "#d62728",
  smp: "#ff7f0e", exchange: "#8c564b",
};
function colour(model) { return MODEL_COLOURS[model.split(":")[0]] || "#555"; }

// One issue's chart: actors' positions (sized by capability x salience) and each model's
// forecast on the issue's labelled scale, the status quo and the observed outcome marked.
function issueChart(element, issue, forecasts, baseline, positions) {
  const traces = [];
  if (positions && positions.length) {
    const maxWeight = Math.max(...positions.map(p => p.weight), 1e-9);
    traces.push({
      type: "scatter", mode: "markers", name: "actors", y: positions.map(() => "actors"),
      x: positions.map(p => p.position),
      text: positions.map(p => `${plotlyText(p.name)}: ${fmt(p.position)} (weight ${fmt(p.weight, 2)})`),
      hoverinfo: "text",
      marker: { size: positions.map(p => 8 + 22 * Math.sqrt(p.weight / maxWeight)),
                color: "rgba(90,90,90,0.35)", line: { color: "#444", width: 1 } },
    });
  }
  const models = Object.keys(forecasts);
  if (baseline) {
    traces.push({
      type: "scatter", mode: "markers", name: "as given", y: models, x: models.map(m => baseline[m]),
      hovertemplate: "%{y} as given: %{x:.1f}<extra></extra>",
      marker: { symbol: "circle-open", size: 14, color: models.map(colour), line: { width: 2 } },
    });
  }
  traces.push({
    type: "scatter", mode: "markers", name: baseline ? "edited" : "forecast", y: models,
    x: models.map(m => forecasts[m]), hovertemplate: "%{y}: %{x:.1f}<extra></extra>",
    marker: { symbol: "diamond", size: 12, color: models.map(colour) },
  });
  const shapes = [], annotations = [];
  // the two labels sit on two rows above the chart, so that close values never overlap
  for (const [value, label, dash, shift] of [[issue.status_quo, "status quo", "dot", 13], [issue.observed, "observed", "dash", 0]]) {
    if (value === null || value === undefined) continue;
    shapes.push({ type: "line", x0: value, x1: value, yref: "paper", y0: 0, y1: 1, line: { dash, color: "#333", width: 1 } });
    annotations.push({ x: value, yref: "paper", y: 1, yanchor: "bottom", yshift: shift, text: label,
                       showarrow: false, font: { size: 10 } });
  }
  const anchors = issue.anchors || [];
  const layout = {
    height: 120 + 26 * (models.length + 1), margin: { l: 90, r: 20, t: 34, b: 40 },
    xaxis: { range: [issue.min - (issue.max - issue.min) * 0.03, issue.max + (issue.max - issue.min) * 0.03],
             // the scale's labelled points as ticks; Plotly's own ticks when it has none
             ...(anchors.length ? { tickvals: anchors.map(a => a.value), ticktext: anchors.map(a => String(a.value)) } : {}),
             title: { text: (baseline ? "○ as given   ◆ edited   " : "◆ forecast   ") +
                            (positions && positions.length ? "● actors, sized by capability × salience   " : "") +
                            "(hover a point for details)", font: { size: 10 } },
             zeroline: false },
    yaxis: { categoryorder: "array", categoryarray: ["actors", ...models].reverse(), automargin: true },
    showlegend: false, shapes, annotations, font: { family: "system-ui, sans-serif", size: 11 },
  };
  Plotly.react(element, traces, layout, { displayModeBar: false, responsive: true });
}

// ---------------------------------------------------------------- scenario list
function scenariosPage() {
  const form = document.getElementById("upload");
  const result = document.getElementById("upload-result");
  form.addEventListener("submit", async event => {
    event.preventDefault();
    const body = new FormData();
    body.append("file", document.getElementById("upload-file").files[0]);
    say(result, "Checking…");
    try {
      const made = await api("/api/scenarios", { method: "POST", body });
      say(result, `Valid: ${made.title}. Opening…`, "ok");
      window.location.assign(`/scenarios/${encodeURIComponent(made.id)}`);
    } catch (error) { sayProblems(result, error); }
  });
  const fromPath = document.getElementById("from-path");
  if (fromPath) fromPath.addEventListener("submit", async event => {
    event.preventDefault();
    try {
      const made = await api("/api/scenarios/from-path", {
        method: "POST", body: JSON.stringify({ path: document.getElementById("path-input").value }),
      });
      window.location.assign(`/scenarios/${encodeURIComponent(made.id)}`);
    } catch (error) { sayProblems(result, error); }
  });
}

// ---------------------------------------------------------------- scenario: what-if and jobs
function scenarioPage() {
  const ref = data.ref;
  const issues = Object.fromEntries(data.issues.map(i => [i.id, i]));
  const status = document.getElementById("whatif-status");
  let pending = null, sequence = 0;

  function edits() {
    const set = [];
    for (const box of document.querySelectorAll("input.num")) {
      const edited = box.value !== "" && Number(box.value) !== Number(box.dataset.original);
      box.classList.toggle("edited", edited);
      if (!edited) continue;
      set.push({ actor: box.dataset.actor, issue: box.dataset.issue || null,
                 parameter: box.dataset.parameter, value: Number(box.value) });
    }
    const presets = [...document.querySelectorAll("input.preset:checked")].map(b => b.value);
    const away = [...document.querySelectorAll("input.away:checked")].map(b => b.value);
    return { set, presets, away };
  }

  function render(answer) {
    for (const issue of answer.issues) {
      const card = document.querySelector(`.issue-card[data-issue="${CSS.escape(issue.id)}"]`);
      const tbody = card.querySelector("tbody");
      tbody.replaceChildren();
      for (const model of answer.models) {
        const before = issue.baseline[model], after = issue.forecasts[model];
        const row = document.createElement("tr");
        const change = after !== null && before !== null ? after - before : null;
        for (const [text, cls] of [[model, ""], [fmt(before), "num"], [fmt(after), "num value"],
                                   [change === null ? "-" : (change >= 0 ? "+" : "") + fmt(change), "num"]]) {
          const cell = document.createElement("td");
          cell.textContent = text;
          cell.className = cls;
          cell.dataset.model = model;
          row.appendChild(cell);
        }
        if (change !== null && Math.abs(change) > 1e-9) row.classList.add("moved");
        tbody.appendChild(row);
      }
      const chart = card.querySelector(".chart");
      issueChart(chart, issues[issue.id], issue.forecasts, issue.baseline, issue.positions);
    }
  }

  async function update() {
    const mine = ++sequence;
    const started = performance.now();
    say(status, "Computing…");
    try {
      const answer = await api(`/api/scenarios/${encodeURIComponent(ref)}/what-if`,
                               { method: "POST", body: JSON.stringify(edits()) });
      if (mine !== sequence) return;  // a newer edit is on its way
      render(answer);
      const e = edits();
      const n = e.set.length + e.presets.length + e.away.length;
      say(status, n ? `${n} edit${n > 1 ? "s" : ""} applied · ${Math.round(performance.now() - started)} ms` :
                      `As given · ${Math.round(performance.now() - started)} ms`, "ok");
      document.body.dataset.whatif = String(mine);
    } catch (error) {
      if (mine === sequence) sayProblems(status, error);
    }
  }

  function soon() { clearTimeout(pending); pending = setTimeout(update, 120); }
  for (const input of document.querySelectorAll("input.num, input.preset, input.away")) {
    input.addEventListener("input", soon);
    input.addEventListener("change", soon);
  }
  document.getElementById("reset").addEventListener("click", () => {
    for (const box of document.querySelectorAll("input.num")) box.value = box.dataset.original;
    for (const box of document.querySelectorAll("input.preset, input.away")) box.checked = false;
    update();
  });
  document.getElementById("save-version").addEventListener("click", async () => {
    const out = document.getElementById("version-result");
    try {
      const made = await api(`/api/scenarios/${encodeURIComponent(ref)}/versions`, {
        method: "POST",
        body: JSON.stringify({ edits: edits(), note: document.getElementById("version-note").value || null }),
      });
      out.replaceChildren();
      say(out, "Saved as version ", "ok");
      const link = document.createElement("a");
      link.href = `/scenarios/${encodeURIComponent(made.id)}`;
      link.textContent = made.id.slice(0, 12);
      link.id = "version-link";
      const runs = document.createElement("a");
      runs.href = "/runs";
      runs.textContent = "Runs";
      out.append(link, " (its forecast is kept under ", runs, ")");
    } catch (error) { sayProblems(out, error); }
  });

  // jobs
  const form = document.getElementById("job-form");
  const bar = document.getElementById("job-bar");
  const jobStatus = document.getElementById("job-status");
  const cancel = document.getElementById("job-cancel");
  let current = null;
  const command = document.getElementById("job-command");
  function showActor() {  // the actor matters to advise only; draws are samples to sensitivity
    document.getElementById("job-actor").parentElement.hidden = command.value !== "advise";
    document.getElementById("job-draws-label").firstChild.textContent =
      command.value === "sensitivity" ? "Samples " : command.value === "forecast" ? "Draws (unused) " : "Draws ";
  }
  command.addEventListener("change", showActor);
  showActor();
  form.addEventListener("submit", async event => {
    event.preventDefault();
    const command = document.getElementById("job-command").value;
    const models = document.getElementById("job-models").value === "fast"
      ? ["compromise", "median", "condorcet", "eum"] : null;
    const body = {
      command, scenario: ref, edits: edits(), models,
      draws: Number(document.getElementById("job-draws").value) || null,
      seed: document.getElementById("job-seed").value === "" ? null : Number(document.getElementById("job-seed").value),
      actor: command === "advise" ? document.getElementById("job-actor").value : null,
    };
    bar.style.width = "0%";
    try {
      const job = await api("/api/jobs", { method: "POST", body: JSON.stringify(body) });
      current = job.id;
      cancel.disabled = false;
      document.getElementById("job-start").disabled = true;
      watch(job.id);
    } catch (error) { sayProblems(jobStatus, error); }
  });
  cancel.addEventListener("click", async () => {
    if (current) await api(`/api/jobs/${current}/cancel`, { method: "POST" });
  });
  async function watch(id) {
    let job;
    try { job = await api(`/api/jobs/${id}`); } catch (error) { sayProblems(jobStatus, error); return; }
    bar.style.width = `${Math.round(100 * job.fraction)}%`;
    bar.parentElement.dataset.fraction = String(job.fraction);
    if (!["complete", "failed", "cancelled"].includes(job.status)) {
      say(jobStatus, `${job.command}: ${job.status}${job.total ? ` · ${job.done} of ${job.total}` : ""}${job.stage ? ` · ${job.stage}` : ""}`);
      setTimeout(() => watch(id), 250);
      return;
    }
    cancel.disabled = true;
    document.getElementById("job-start").disabled = false;
    jobStatus.replaceChildren();
    if (job.status === "complete") {
      say(jobStatus, `${job.command} complete: `, "ok");
      const link = document.createElement("a");
      link.href = `/runs/${job.run_id}`;
      link.id = "job-run-link";
      link.textContent = `run ${job.run_id.slice(0, 10)}`;
      jobStatus.appendChild(link);
    } else {
      say(jobStatus, `${job.command} ${job.status}${job.error ? ": " + job.error : ""}`, job.status === "failed" ? "error" : "");
    }
  }
  update();
}

// ---------------------------------------------------------------- runs, run, compare
function runsPage() {
  const picks = () => [...document.querySelectorAll("input.pick:checked")].map(b => b.value);
  const button = document.getElementById("compare");
  for (const box of document.querySelectorAll("input.pick")) {
    box.addEventListener("change", () => { button.disabled = picks().length !== 2; });
  }
  button.addEventListener("click", () => {
    const [b, a] = picks();  // the table is newest first: the older run is A
    window.location.assign(`/compare?a=${encodeURIComponent(a)}&b=${encodeURIComponent(b)}`);
  });
  const filters = ["filter-scenario", "filter-command", "filter-since"].map(id => document.getElementById(id));
  function filter() {
    const [scenario, command, since] = filters.map(f => f.value.trim());
    for (const row of document.querySelectorAll("#runs-table tbody tr[data-scenario]")) {
      const show = (!scenario || row.dataset.scenario.includes(scenario)) &&
                   (!command || row.dataset.command === command) &&
                   (!since || row.dataset.created >= since);
      row.hidden = !show;
    }
  }
  for (const f of filters) f.addEventListener("input", filter);
}

// Models in a steady order (the dashboard's colours first), whatever order a record keeps.
function byModel(a, b) {
  const known = Object.keys(MODEL_COLOURS);
  const rank = m => { const k = known.indexOf(m.split(":")[0]); return k < 0 ? known.length : k; };
  return rank(a) - rank(b) || a.localeCompare(b);
}

function headlineCharts(container, issues, sets) {
  const pending = [];
  for (const issue of issues) {
    const card = document.createElement("div");
    card.className = "issue-card";
    const title = document.createElement("h3");
    title.textContent = issue.id;
    const question = document.createElement("p");
    question.className = "question";
    question.textContent = issue.question;
    const chart = document.createElement("div");
    chart.className = "chart";
    card.append(title, question, chart);
    container.appendChild(card);
    const [first, second] = sets.map(h => Object.fromEntries(
      Object.entries(h || {}).filter(([, v]) => v && v[issue.id] !== undefined)
        .sort(([a], [b]) => byModel(a, b)).map(([m, v]) => [m, v[issue.id]])));
    pending.push(() => issueChart(chart, issue, second || first, second ? first : null, null));
  }
  // drawn once every card is in the grid: a chart sized before its neighbours arrive would
  // keep the width of a row of its own
  for (const draw of pending) draw();
}

// A stored run's charts come from the server, built by the report's chart builders
// (kingmaker.report): the page only lays them out.
async function runPage() {
  const container = document.getElementById("run-charts");
  if (!container) return;
  const loading = document.getElementById("charts-loading");
  let answer;
  try {
    answer = await api(`/api/runs/${encodeURIComponent(data.id)}/charts`);
  } catch (error) {
    say(loading, error.message, "error");
    return;
  }
  loading.remove();
  if (!answer.charts.length) say(container, "This kind of run has no charts.");
  const pending = [];
  for (const chart of answer.charts) {
    const card = document.createElement("div");
    card.className = "issue-card";
    card.dataset.chart = chart.key;
    card.setAttribute("aria-label", chart.title);  // the figure shows its own title
    const box = document.createElement("div");
    box.className = "chart";
    card.append(box);
    container.appendChild(card);
    pending.push(() => Plotly.react(box, chart.figure.data, chart.figure.layout,
                                    { displayModeBar: false, responsive: true }));
  }
  for (const draw of pending) draw();  // once every card is in the grid (see headlineCharts)
}

function comparePage() {
  const container = document.getElementById("compare-charts");
  if (container && data.a.headline && data.b.headline) {
    headlineCharts(container, data.b.issues.length ? data.b.issues : data.a.issues,
                   [data.a.headline, data.b.headline]);
  }
}

({ scenarios: scenariosPage, scenario: scenarioPage, runs: runsPage, run: runPage,
   compare: comparePage }[page] || (() => {}))();
