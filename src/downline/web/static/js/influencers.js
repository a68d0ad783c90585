/* Influencers: leaderboard by method with expected spread, and an ego-network graph. */
"use strict";

(() => {
  const { api, el, fmt, fillTable, plot, runJob, submitting, status } = DL;
  const form = document.getElementById("influencers-form");
  const network = document.getElementById("network");
  const tabs = document.getElementById("method-tabs");
  const egoForm = document.getElementById("ego-form");
  const egoNode = document.getElementById("ego-node");
  let board = null;
  let cy = null;

  const names = { imm: "IMM", degree: "degree", "degree-discount": "degree discount", "opim-c": "OPIM-C", celf: "CELF", pagerank: "PageRank", kcore: "k-core" };

  function showMethod(method) {
    for (const b of tabs.querySelectorAll("button")) b.classList.toggle("active", b.dataset.method === method);
    const row = board.methods.find((m) => m.method === method);
    fillTable(document.getElementById("leaderboard"), row.seeds.map((s) => [
      s.rank, el("a", { href: "#", "data-node": s.id, text: String(s.id) }), s.gain, s.score,
    ]));
  }

  function render(payload) {
    board = payload;
    const rows = payload.methods;
    plot("spread-chart", [{
      type: "bar", x: rows.map((r) => names[r.method] || r.method), y: rows.map((r) => r.spread.mean),
      error_y: { type: "data", symmetric: false, array: rows.map((r) => r.spread.ci_high - r.spread.mean), arrayminus: rows.map((r) => r.spread.mean - r.spread.ci_low) },
      marker: { color: rows.map((r, i) => (i === 0 ? "#2458b3" : "#8fb1e8")) },
      hovertemplate: "%{y:.1f} people reached<extra></extra>",
    }], { yaxis: { title: { text: `expected spread of ${payload.k} seeds` } }, hovermode: "closest" });
    tabs.replaceChildren(...rows.map((r) => el("button", { type: "button", "data-method": r.method,
      text: `${names[r.method] || r.method} · ${fmt(r.spread.mean, 1)}`, onclick: () => showMethod(r.method) })));
    showMethod(rows[0].method);
    if (rows[0].seeds.length) { egoNode.value = rows[0].seeds[0].id; drawEgo(); }
  }

  async function drawEgo() {
    const params = new URLSearchParams({ node: egoNode.value.trim(), radius: document.getElementById("ego-radius").value, limit: document.getElementById("ego-limit").value });
    const ego = await api(`/api/networks/${encodeURIComponent(network.value)}/ego?${params}`);
    const maxLevel = Math.max(...ego.nodes.map((n) => n.level));
    const colors = ["#b3261e", "#2458b3", "#5f8fd9", "#a9c1ea", "#d5e0f3"];
    const elements = [
      ...ego.nodes.map((n) => ({ data: { id: String(n.id), label: String(n.id), level: n.level, size: 14 + 4 * Math.sqrt(n.out_degree), color: colors[Math.min(n.level, colors.length - 1)] } })),
      ...ego.edges.map((e, i) => ({ data: { id: `e${i}`, source: String(e.source), target: String(e.target) } })),
    ];
    if (cy) cy.destroy();
    cy = cytoscape({
      container: document.getElementById("ego-graph"),
      elements,
      style: [
        { selector: "node", style: { "background-color": "data(color)", width: "data(size)", height: "data(size)", label: "data(label)", "font-size": 9, color: "#1d2430", "text-valign": "center", "text-halign": "right", "text-margin-x": 2 } },
        { selector: "edge", style: { width: 0.6, "line-color": "#b9c3d0", "curve-style": "haystack", opacity: 0.7 } },
        { selector: "node:selected", style: { "border-width": 3, "border-color": "#14213d" } },
      ],
      layout: { name: "concentric", concentric: (node) => maxLevel - node.data("level"), levelWidth: () => 1, minNodeSpacing: 6, animate: false },
      wheelSensitivity: 0.3,
    });
    cy.on("tap", "node", (event) => { egoNode.value = event.target.id(); drawEgo().catch((e) => status(egoForm, e.message)); });
    document.getElementById("ego-title").textContent = `${ego.center}: ${ego.nodes.length - 1} people within ${ego.radius} hop(s)${ego.truncated ? " (first ones only)" : ""}`;
    document.getElementById("ego-legend").textContent = `Red: ${ego.center}; darker blue: closer. Node size grows with the number of people each one reaches directly. ${ego.edges.length} ties drawn. Click a person to centre the graph on them.`;
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submitting(form, async () => {
      const methods = [...form.querySelectorAll("input[name=method]:checked")].map((c) => c.value);
      if (!methods.length) throw new Error("pick at least one method");
      const body = {
        network: network.value, k: Number(document.getElementById("k").value), methods,
        model: document.getElementById("model").value, weights: document.getElementById("weights").value,
        runs: Number(document.getElementById("runs").value),
      };
      const seed = document.getElementById("seed").value;
      if (seed !== "") body.seed = Number(seed);
      render(await runJob("/api/influence/jobs", body, "influencers-job"));
    });
  });
  egoForm.addEventListener("submit", (event) => { event.preventDefault(); submitting(egoForm, drawEgo); });
  document.getElementById("leaderboard").addEventListener("click", (event) => {
    const link = event.target.closest("[data-node]");
    if (!link) return;
    event.preventDefault();
    egoNode.value = link.dataset.node;
    submitting(egoForm, drawEgo);
  });

  (async () => {
    if (!network.value) return;
    const results = await api(`/api/results?kind=influencers&subject=${encodeURIComponent(network.value)}`);
    if (results.length) render((await api(`/api/results/${results[0].id}`)).payload);
  })().catch(() => {});
})();
