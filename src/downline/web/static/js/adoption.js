/* Adoption: Bass fit and forecast with bands, Rogers categories as bands, and the chasm. */
"use strict";

(() => {
  const { el, fmt, pct, cards, fillTable, plot, runJob, submitting, fail, empty, latest } = DL;
  const form = document.getElementById("adoption-form");
  const source = document.getElementById("source");
  const bandColors = {
    innovators: "rgba(179,38,30,0.10)", early_adopters: "rgba(217,130,43,0.12)",
    early_majority: "rgba(36,88,179,0.08)", late_majority: "rgba(36,88,179,0.14)", laggards: "rgba(94,106,122,0.12)",
  };
  const nice = (name) => name.replace("_", " ");

  function render(p, where) {
    document.getElementById("adoption-empty").hidden = true;
    document.getElementById("adoption-results").hidden = false;
    document.getElementById("adoption-source").textContent = `${p.source || ""} · ${where || "new fit"}`;
    const verdict = document.getElementById("adoption-verdict");
    verdict.textContent = p.verdict || "";
    verdict.className = "callout verdict-box" + (p.identified === false ? " bad" : "");
    const bass = p.bass;
    if (p.identified === false) {
      cards(document.getElementById("bass-cards"), [
        ["adopters seen", fmt(p.data.adopters.reduce((a, b) => a + b, 0))],
        ["periods", fmt(p.data.t.length)],
        ["fit", "not identified"],
      ]);
    } else cards(document.getElementById("bass-cards"), [
      ["market potential m", fmt(bass.m, 0)],
      ["innovation p", fmt(bass.p, 4)],
      ["imitation q", fmt(bass.q, 3)],
      ["peak (period)", fmt(bass.peak_time, 1)],
      ["R²", fmt(bass.r2, 3)],
      ["fit", bass.converged ? "converged" : "not converged"],
    ]);
    const f = p.forecast;
    const labels = p.data.labels;
    const tick = (t) => (t - 1 < labels.length ? labels[t - 1] : `+${t - labels.length}`);
    const every = Math.max(1, Math.ceil(f.t.length / 12));
    const tickvals = f.t.filter((_, i) => i % every === 0);
    const shapes = (p.rogers_bands || []).map((b) => ({
      type: "rect", xref: "x", yref: "paper", x0: b.t_start, x1: b.t_end, y0: 0, y1: 1,
      fillcolor: bandColors[b.category] || "rgba(0,0,0,0.05)", line: { width: 0 }, layer: "below",
    }));
    const annotations = (p.rogers_bands || []).filter((b) => b.t_end - b.t_start > 0.4).map((b) => ({
      x: (b.t_start + b.t_end) / 2, y: 1, xref: "x", yref: "paper", yanchor: "bottom", showarrow: false,
      text: nice(b.category), font: { size: 10, color: "#5e6a7a" },
    }));
    plot("curve-chart", [
      { x: f.t, y: f.pred_upper, mode: "lines", line: { width: 0 }, showlegend: false, hoverinfo: "skip" },
      { x: f.t, y: f.pred_lower, mode: "lines", line: { width: 0 }, fill: "tonexty", fillcolor: "rgba(36,88,179,0.10)", name: "95% prediction band" },
      { x: f.t, y: f.upper, mode: "lines", line: { width: 0 }, showlegend: false, hoverinfo: "skip" },
      { x: f.t, y: f.lower, mode: "lines", line: { width: 0 }, fill: "tonexty", fillcolor: "rgba(36,88,179,0.25)", name: "95% confidence band" },
      { x: p.data.t, y: p.data.adopters, type: "bar", name: "observed", marker: { color: "#9aa7b8" } },
      { x: f.t, y: f.adopters, mode: "lines", name: p.identified === false ? "Bass curve (not identified)" : "Bass fit and forecast", line: { color: "#2458b3", width: 2.5, dash: p.identified === false ? "dot" : "solid" } },
    ], {
      shapes, annotations, margin: { l: 55, r: 15, t: 25, b: 60 },
      xaxis: { tickvals, ticktext: tickvals.map(tick), title: { text: p.data.freq ? `period (${p.data.freq})` : "period" } },
      yaxis: { title: { text: "adopters per period" }, rangemode: "tozero" },
    });
    let running = 0;
    const observedCum = p.data.adopters.map((v) => (running += v));
    plot("cumulative-chart", [
      { x: p.data.t, y: observedCum, mode: "markers", name: "observed", marker: { color: "#5e6a7a" } },
      { x: f.t, y: f.cumulative, mode: "lines", name: "Bass m·F(t)", line: { color: "#2458b3" } },
    ], { xaxis: { tickvals, ticktext: tickvals.map(tick) }, yaxis: { title: { text: "cumulative adopters" }, rangemode: "tozero" } });

    const rogers = p.rogers;
    const chasm = document.getElementById("chasm");
    if (rogers) {
      const cats = rogers.categories;
      plot("rogers-chart", [
        { type: "bar", name: "observed share", x: cats.map((c) => nice(c.category)), y: cats.map((c) => c.share), marker: { color: "#2458b3" } },
        { type: "bar", name: "Rogers' share", x: cats.map((c) => nice(c.category)), y: cats.map((c) => c.expected_share), marker: { color: "#b9c3d0" } },
      ], { barmode: "group", yaxis: { tickformat: ".0%" }, hovermode: "closest" });
      fillTable(document.getElementById("rogers-table"), cats.map((c) => [nice(c.category), c.count, pct(c.share), pct(c.expected_share)]));
      const ch = rogers.chasm;
      chasm.textContent = ch.chasm
        ? `Chasm: adoption slows at the start of the early majority (rate after / before = ${fmt(ch.ratio, 2)}, below 1).`
        : `No chasm: adoption keeps speeding up into the early majority (rate after / before = ${fmt(ch.ratio, 2)}; a bell curve gives about 1.63).`;
    } else {
      chasm.textContent = "Rogers categories need at least two adopters at different times.";
    }
    document.getElementById("adoption-warnings").textContent = (p.warnings || []).join(" ");
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submitting(form, async () => {
      const value = source.value;
      const body = { horizon: Number(document.getElementById("horizon").value) };
      if (value === "inline") {
        body.adopters = document.getElementById("adopters").value.split(/[\s,;]+/).filter(Boolean).map(Number);
      } else {
        const [kind, name] = value.split(":");
        if (kind === "genealogy") body.genealogy = name;
        else if (kind === "result") body.result_id = Number(name);
        else body.example = name;
      }
      const freq = document.getElementById("freq").value;
      if (freq && value.startsWith("genealogy:")) body.freq = freq;
      render(await runJob("/api/adoption/fit", body, "adoption-job"));
    });
  });

  (async () => {
    const stored = await latest("adoption");
    if (!stored) {
      empty("adoption-empty", "No fit stored yet: pick an adoption record above (a what-if result, a shipped example or a genealogy's join dates) and press Fit.");
      document.getElementById("adoption-results").hidden = true;
      return;
    }
    render(stored.payload, `stored result #${stored.id}`);
  })().catch((error) => fail(error, "Loading the latest fit"));
})();
