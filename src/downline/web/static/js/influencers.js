/* Influencers: leaderboard by method with expected spread, and an ego-network graph. */
"use strict";

(() => {
  const { api, el, fmt, fillTable, plot, runJob, submitting, status, fail, empty, latest, plural } = DL;
  const form = document.getElementById("influencers-form");
  const network = document.getElementById("network");
  const tabs = document.getElementById("method-tabs");
  const egoForm = document.getElementById("ego-form");
  const egoNode = document.getElementById("ego-node");
  let board = null;
  let cy = null;

  const names = { imm: "IMM", degree: "degree", "degree-discount": "degree discount", "opim-c": "OPIM-C", hist: "HIST", celf: "CELF", pagerank: "PageRank", kcore: "k-core" };
  const palette = ["#2458b3", "#d9822b", "#2e8b57", "#8e44ad", "#c0392b", "#16a085", "#7f8c8d", "#b7950b", "#5d6d7e", "#e84393"];

  /* One row per method from InfluencerReport.to_dict(): best Monte Carlo spread first. */
  function rows(report) {
    return Object.entries(report.methods).map(([method, m]) => ({ method, ...m }))
      .sort((a, b) => b.monte_carlo.mean - a.monte_carlo.mean);
  }

  function showMethod(method) {
    for (const b of tabs.querySelectorAll("button")) b.classList.toggle("active", b.dataset.method === method);
    const m = board.methods[method];
    fillTable(document.getElementById("leaderboard"), m.seeds.map((id, i) => [
      i + 1, el("a", { href: "#", "data-node": id, text: String(id) }), m.gains[i], m.downline[i],
    ]));
  }

  function render(report, where) {
    if (!report || typeof report.methods !== "object" || Array.isArray(report.methods)) {
      throw new Error(`${where || "this result"} is not an influencer report (no methods); rank again`);
    }
    board = report;
    document.getElementById("influencers-empty").hidden = true;
    document.getElementById("influencers-results").hidden = false;
    const list = rows(report);
    plot("spread-chart", [{
      type: "bar", x: list.map((r) => names[r.method] || r.method), y: list.map((r) => r.monte_carlo.mean),
      error_y: { type: "data", symmetric: false, array: list.map((r) => r.monte_carlo.ci_high - r.monte_carlo.mean), arrayminus: list.map((r) => r.monte_carlo.mean - r.monte_carlo.ci_low) },
      marker: { color: list.map((r, i) => (i === 0 ? "#2458b3" : "#8fb1e8")) },
      hovertemplate: "%{y:.1f} people reached<extra></extra>",
    }], { yaxis: { title: { text: `expected spread of ${report.k} seeds` } }, hovermode: "closest" });
    tabs.replaceChildren(...list.map((r) => el("button", { type: "button", "data-method": r.method,
      text: `${names[r.method] || r.method} · ${fmt(r.monte_carlo.mean, 1)}`, onclick: () => showMethod(r.method) })));
    showMethod(list[0].method);
    document.getElementById("influencers-source").textContent = `${report.network || report.genealogy || report.graph || ""} · ${report.model.toUpperCase()} · ${fmt(report.nodes)} people · ${where || "new run"}`;
    if (report.network && list[0].seeds.length) {
      egoNode.value = list[0].seeds[0];
      submitting(egoForm, drawEgo);
    }
  }

  async function drawEgo() {
    const net = board && board.network ? board.network : network.value;
    const radius = document.getElementById("ego-radius").value;
    const params = new URLSearchParams({ node: egoNode.value.trim(), radius, limit: document.getElementById("ego-limit").value });
    const ego = await api(`/api/networks/${encodeURIComponent(net)}/ego?${params}`);
    const maxDeg = Math.max(1, ...ego.nodes.map((n) => n.out_degree));
    const elements = [
      ...ego.nodes.map((n) => ({
        data: { id: String(n.id), label: String(n.id), level: n.level, reach: n.out_degree, community: n.community,
          size: 8 + 26 * Math.sqrt(n.out_degree / maxDeg),
          color: n.level === 0 ? "#b3261e" : palette[n.community % palette.length] },
        classes: n.level === 0 ? "center" : (n.level === 1 ? "direct" : "second"),
      })),
      ...ego.edges.map((e, i) => ({ data: { id: `e${i}`, source: String(e.source), target: String(e.target) },
        classes: String(e.source) === String(ego.center) ? "from-center" : "" })),
    ];
    if (cy) cy.destroy();
    cy = cytoscape({
      container: document.getElementById("ego-graph"),
      elements,
      style: [
        { selector: "node", style: { "background-color": "data(color)", width: "data(size)", height: "data(size)", label: "", "font-size": 11, color: "#1d2430", "text-valign": "top", "text-background-color": "#fff", "text-background-opacity": 0.85, "text-background-padding": 2 } },
        { selector: "node.second", style: { opacity: 0.55 } },
        { selector: "node.direct", style: { "border-width": 2, "border-color": "#14213d" } },
        { selector: "node.center", style: { label: "data(label)", "border-width": 3, "border-color": "#14213d", "z-index": 10 } },
        { selector: "node.hover", style: { label: "data(label)", "z-index": 20 } },
        { selector: "edge", style: { width: 0.5, "line-color": "#c9d1dc", "curve-style": "haystack", opacity: 0.35 } },
        { selector: "edge.from-center", style: { width: 1.2, "line-color": "#b3261e", opacity: 0.45 } },
        { selector: "edge.hover", style: { width: 2, "line-color": "#14213d", opacity: 0.9 } },
      ],
      layout: { name: "cose", animate: false, randomize: false, nodeRepulsion: () => 9000, idealEdgeLength: () => 70, gravity: 0.4, numIter: 1500, componentSpacing: 60 },
      wheelSensitivity: 0.3,
    });
    const tip = document.getElementById("ego-tip");
    cy.on("mouseover", "node", (event) => {
      const n = event.target;
      n.addClass("hover");
      n.connectedEdges().addClass("hover");
      tip.textContent = `${n.data("label")}: reaches ${plural(n.data("reach"), "person", "people")} directly · ${n.data("level") === 0 ? "the seed" : plural(n.data("level"), "hop") + " from the seed"}${n.data("community") >= 0 ? " · group " + (n.data("community") + 1) : ""}`;
    });
    cy.on("mouseout", "node", (event) => { event.target.removeClass("hover"); event.target.connectedEdges().removeClass("hover"); });
    cy.on("tap", "node", (event) => { egoNode.value = event.target.id(); submitting(egoForm, drawEgo); });
    const direct = ego.nodes.filter((n) => n.level === 1).length;
    document.getElementById("ego-title").textContent = `${ego.center}: ${plural(ego.nodes.length - 1, "person", "people")} within ${plural(ego.radius, "hop")}${ego.truncated ? " (the first ones only)" : ""}`;
    document.getElementById("ego-legend").textContent = `Red: ${ego.center}, the seed; outlined: the ${plural(direct, "person", "people")} they reach directly (their downline), red ties; faded: two hops away. Colours: ${plural(ego.communities, "group")} of people tied to each other. Size: how many people each one reaches directly. ${plural(ego.edges.length, "tie")}. Hover for names, click to re-centre.`;
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
    const stored = await latest("influencers");
    if (!stored) {
      empty("influencers-empty", network.value
        ? "No ranking stored yet: choose the methods above and press Rank (about a minute on the sample)."
        : "No network loaded: upload one on the Overview page (or run make demo), then rank its influencers here.");
      document.getElementById("influencers-results").hidden = true;
      return;
    }
    if (stored.payload.network && [...network.options].some((o) => o.value === stored.payload.network)) network.value = stored.payload.network;
    render(stored.payload, `stored result #${stored.id}`);
  })().catch((error) => fail(error, "Loading the latest ranking"));
})();
