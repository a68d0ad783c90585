/* What-if: a migration run on a sponsor tree or a network, with band and per-leader retention. */
"use strict";

(() => {
  const { api, el, fmt, pct, cards, fillTable, plot, runJob, submitting, fail, empty, latest } = DL;
  const form = document.getElementById("whatif-form");
  const source = document.getElementById("source");
  const movers = document.getElementById("first-movers");
  const num = (id) => Number(document.getElementById(id).value);

  async function suggest() {
    const [kind, name] = source.value.split(":");
    const picks = document.getElementById("leader-picks");
    if (!name) return;
    const rows = kind === "genealogy"
      ? (await api(`/api/genealogies/${encodeURIComponent(name)}/leaders?top=8`)).leaders.filter((r) => r.downline > 0).slice(1, 6).map((r) => [r.id, `${r.id} (${fmt(r.downline)})`])
      : (await api(`/api/networks/${encodeURIComponent(name)}/nodes?top=5`)).map((r) => [r.id, `${r.id} (${fmt(r.out_degree)})`]);
    picks.replaceChildren(el("span", { class: "muted small", text: kind === "genealogy" ? "leaders: " : "best connected: " }),
      ...rows.map(([id, label]) => el("button", { type: "button", text: label, onclick: () => {
        const now = movers.value.split(",").map((s) => s.trim()).filter(Boolean);
        if (!now.includes(String(id))) now.push(String(id));
        movers.value = now.join(", ");
      } })));
    if (!movers.value && rows.length) movers.value = rows.slice(0, 2).map((r) => r[0]).join(", ");
  }

  function render(p, where) {
    document.getElementById("whatif-empty").hidden = true;
    document.getElementById("whatif-results").hidden = false;
    const who = p.genealogy ? `genealogy ${p.genealogy}` : `network ${p.network}`;
    document.getElementById("whatif-source").textContent = `${who} · first movers ${(p.first_mover_ids || []).join(", ")} · ${where || "new run"}`;
    const steps = p.curve.map((_, i) => i);
    const last = p.steps[p.steps.length - 1] || {};
    cards(document.getElementById("whatif-cards"), [
      ["members who moved (mean)", fmt(p.mean, 1)],
      ["95% interval", `${fmt(p.ci_low, 1)} – ${fmt(p.ci_high, 1)}`],
      ["share of all members", pct(p.mean / p.nodes)],
      ["new company at the end", fmt(last.new_platform, 1)],
      ["old company at the end", fmt(last.old_platform, 1)],
      ["runs", fmt(p.runs)],
    ]);
    plot("moved-chart", [
      { x: steps, y: p.band_high, mode: "lines", line: { width: 0 }, showlegend: false, hoverinfo: "skip" },
      { x: steps, y: p.band_low, mode: "lines", line: { width: 0 }, fill: "tonexty", fillcolor: "rgba(36,88,179,0.2)", name: "95% band" },
      { x: steps, y: p.curve, mode: "lines+markers", line: { color: "#2458b3" }, name: "moved (mean)" },
    ], { xaxis: { title: { text: "step" }, dtick: 1 }, yaxis: { title: { text: "members moved" }, rangemode: "tozero" } });
    const rows = p.steps;
    plot("platform-chart", [
      { x: rows.map((r) => r.step), y: rows.map((r) => r.old_platform), mode: "lines+markers", name: "old company", line: { color: "#d9822b" } },
      { x: rows.map((r) => r.step), y: rows.map((r) => r.new_platform), mode: "lines+markers", name: "new company", line: { color: "#2458b3" } },
      { x: rows.map((r) => r.step), y: rows.map((r) => r.recruited), type: "bar", name: "recruited", marker: { color: "#8fd19e" } },
      { x: rows.map((r) => r.step), y: rows.map((r) => r.dropped_out), type: "bar", name: "dropped out", marker: { color: "#e8a0a0" } },
    ], { xaxis: { title: { text: "step" }, dtick: 1 }, yaxis: { title: { text: "members" } }, barmode: "group" });
    const fm = p.first_movers;
    plot("retention-chart", [
      { type: "bar", x: fm.map((r) => String(r.first_mover)), y: fm.map((r) => r.share_followed), name: "share of downline that followed", marker: { color: "#2458b3" }, hovertemplate: "%{y:.1%}<extra></extra>" },
    ], { xaxis: { type: "category", title: { text: "leader" } }, yaxis: { tickformat: ".0%", range: [0, 1] }, hovermode: "closest" });
    fillTable(document.getElementById("retention-table"), fm.map((r) => [String(r.first_mover), r.downline, r.followed, pct(r.share_followed), r.downline_after_refill]));
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submitting(form, async () => {
      const [kind, name] = source.value.split(":");
      const firstMovers = movers.value.split(",").map((s) => s.trim()).filter(Boolean);
      if (!firstMovers.length) throw new Error("name at least one first mover");
      const body = {
        [kind]: name, first_movers: firstMovers, follow: document.getElementById("follow").value,
        attrition_old: num("attrition-old"), attrition_new: num("attrition-new"), backfill: num("backfill"),
        steps: num("steps"), runs: num("runs"),
      };
      const p = document.getElementById("p").value;
      if (p !== "") body.p = Number(p);
      const threshold = document.getElementById("threshold").value;
      if (threshold !== "") body.threshold = Number(threshold);
      if (kind === "genealogy") body.level_decay = num("level-decay");
      const seed = document.getElementById("seed").value;
      if (seed !== "") body.seed = Number(seed);
      render(await runJob("/api/cascade/migration", body, "whatif-job"));
    });
  });
  source.addEventListener("change", () => {
    movers.value = "";
    // On a follower network the edge probabilities (weighted cascade) are the default rule.
    document.getElementById("p").value = source.value.startsWith("network:") ? "" : "0.6";
    suggest().catch((error) => fail(error, "Suggesting first movers"));
  });
  (async () => {
    await suggest();
    const stored = await latest("migration");
    if (!stored) {
      empty("whatif-empty", source.value
        ? "No what-if stored yet: pick first movers above (the suggested leaders are filled in) and press Run what-if."
        : "Nothing to run on: load a genealogy or a network on the Overview page (or run make demo).");
      document.getElementById("whatif-results").hidden = true;
      return;
    }
    const p = stored.payload;
    const key = p.genealogy ? `genealogy:${p.genealogy}` : `network:${p.network}`;
    if ([...source.options].some((o) => o.value === key) && source.value !== key) {
      source.value = key;  // the form shows what the stored result ran on
      movers.value = (p.first_mover_ids || []).join(", ");
      document.getElementById("p").value = key.startsWith("network:") ? "" : "0.6";
      await suggest();
    }
    render(p, `stored result #${stored.id}`);
  })().catch((error) => fail(error, "Loading the latest what-if"));
})();
