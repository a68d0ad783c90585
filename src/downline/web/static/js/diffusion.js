/* Diffusion network: summary per period, classification, adoption drawn on the network. */
"use strict";

(() => {
  const { api, el, fmt, cards, plot, submitting } = DL;
  const form = document.getElementById("diffusion-form");
  const slider = document.getElementById("period");
  let current = null;

  const read = (input) => new Promise((resolve, reject) => {
    const file = input.files && input.files[0];
    if (!file) { reject(new Error("choose both tables")); return; }
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(new Error(`cannot read ${file.name}`));
    reader.readAsText(file);
  });

  function drawNetwork(k) {
    const d = current.draw;
    const period = d.periods[k];
    document.getElementById("period-label").textContent = String(period);
    const xs = [], ys = [];
    for (const [i, j] of d.ties) {
      xs.push(d.xy[i][0], d.xy[j][0], null);
      ys.push(d.xy[i][1], d.xy[j][1], null);
    }
    const adopted = d.toa.map((t) => t !== null && t <= period);
    const color = d.toa.map((t) => (t === null || t > period ? "#c9d1dc" : t === period ? "#d9822b" : "#2458b3"));
    plot("network-chart", [
      { x: xs, y: ys, mode: "lines", line: { width: 0.5, color: "#b8c2cf" }, hoverinfo: "skip", showlegend: false },
      { x: d.xy.map((p) => p[0]), y: d.xy.map((p) => p[1]), mode: "markers", showlegend: false,
        text: d.ids.map((id, i) => `${id}: ${d.toa[i] === null ? "never adopted" : "adopted " + d.toa[i]}`),
        hoverinfo: "text", marker: { size: 7, color, line: { width: 0.5, color: "#5e6a7a" } } },
    ], { margin: { l: 5, r: 5, t: 5, b: 5 }, xaxis: { visible: false }, yaxis: { visible: false },
      annotations: [{ x: 0, y: 1.02, xref: "paper", yref: "paper", showarrow: false, xanchor: "left",
        text: `${adopted.filter(Boolean).length} of ${d.ids.length} adopted (orange: this period)` }] });
  }

  function render(p) {
    current = p;
    const s = p.summary;
    const th = p.thresholds;
    cards(document.getElementById("diffusion-cards"), [
      ["nodes", fmt(p.network.nodes, 0)],
      ["ties", fmt(Array.isArray(p.network.edges) ? p.network.edges[0] : p.network.edges, 0)],
      ["adopters", fmt(p.network.adopters, 0)],
      ["never adopted", fmt(s.right_censoring, 0)],
      ["mean threshold", fmt(th.mean, 3)],
      ["Bass q / p", p.bass ? `${fmt(p.bass.q, 3)} / ${fmt(p.bass.p, 3)}` : "-"],
    ]);
    const rows = s.periods;
    plot("curve-chart", [
      { x: rows.map((r) => r.period), y: rows.map((r) => r.share), mode: "lines+markers", name: "cumulative adoption" },
      { x: rows.map((r) => r.period), y: rows.map((r) => r.hazard), mode: "lines+markers", name: "hazard rate", yaxis: "y2", line: { dash: "dash" } },
    ], { yaxis: { title: { text: "share of nodes" }, range: [0, 1.05] },
      yaxis2: { title: { text: "hazard" }, overlaying: "y", side: "right", rangemode: "tozero" },
      xaxis: { title: { text: "period" } }, legend: { orientation: "h" },
      margin: { l: 55, r: 60, t: 20, b: 50 } });
    const body = document.querySelector("#summary-table tbody");
    body.replaceChildren(...rows.map((r) => el("tr", {},
      ...[r.period, r.adopters, r.cumulative, fmt(r.share, 2), fmt(r.hazard, 3), fmt(r.density, 4),
        fmt(r.moran_obs, 3), fmt(r.moran_sd, 3), fmt(r.moran_pval, 3)].map((v) => el("td", { class: "num", text: v ?? "-" })))));
    const c = p.classification;
    const head = document.querySelector("#class-table thead");
    const cbody = document.querySelector("#class-table tbody");
    if (c) {
      const cols = Object.keys(Object.values(c.percent)[0]);
      head.replaceChildren(el("tr", {}, el("th", { text: "time of adoption" }), ...cols.map((k) => el("th", { class: "num", text: k }))));
      cbody.replaceChildren(...Object.entries(c.percent).map(([name, row]) => el("tr", {},
        el("td", { text: name }), ...cols.map((k) => el("td", { class: "num", text: fmt(row[k], 2) })))));
      document.getElementById("cutoffs").textContent =
        `cut-offs (mean - sd, mean, mean + sd): time ${c.toa_cutoffs.map((v) => fmt(v, 3)).join(", ")}; threshold ${c.thr_cutoffs.map((v) => fmt(v, 3)).join(", ")}`;
    }
    document.getElementById("diffusion-notes").textContent = (p.notes || []).join(" · ");
    if (p.draw) {
      slider.max = String(p.draw.periods.length - 1);
      slider.value = slider.max;
      drawNetwork(p.draw.periods.length - 1);
    }
  }

  slider.addEventListener("input", () => { if (current && current.draw) drawNetwork(Number(slider.value)); });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submitting(form, async () => {
      const [nodes, edges] = await Promise.all([read(document.getElementById("nodes-file")), read(document.getElementById("edges-file"))]);
      const group = document.getElementById("group").value.trim();
      render(await api("/api/diffusion/network", { method: "POST", json: {
        nodes, edges, toa_column: document.getElementById("toa-column").value.trim() || "toa",
        group: group || null, netdiffuser: document.getElementById("netdiffuser").checked } }));
    });
  });
})();
