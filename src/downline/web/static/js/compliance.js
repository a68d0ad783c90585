/* Compliance: legs coloured by violation rate, case queue with deadlines and actions,
   repeat offenders, leaders, the approved library with share counts. */
"use strict";

(() => {
  const { api, el, fmt, cards, fillTable, plot, submitting, status } = DL;
  const form = document.getElementById("compliance-form");
  const queueForm = document.getElementById("queue-form");
  const approveForm = document.getElementById("approve-form");
  const pick = document.getElementById("company");
  const base = () => `/api/compliance/${encodeURIComponent(pick.value)}`;
  const q = (params) => new URLSearchParams(Object.entries(params).filter(([, v]) => v !== "" && v !== null && v !== false)).toString();

  /* White (at or below the company rate) to red (three times it or more). */
  function rateColour(rate, company) {
    const t = Math.max(0, Math.min(1, (rate - company) / (2 * Math.max(company, 1e-9))));
    const g = Math.round(255 - 170 * t), b = Math.round(255 - 190 * t);
    return `rgb(255,${g},${b})`;
  }

  function renderReport(r) {
    const company = r.company.rate_per_100 ?? 0;
    cards(document.getElementById("compliance-cards"), [
      ["posts", fmt(r.posts)], ["violations", fmt(r.violations)],
      ["per 100 posts", `${fmt(company, 1)} (${fmt(r.company.low, 1)}–${fmt(r.company.high, 1)})`],
      ["dismissed", fmt(r.dismissed)], ["active cases", fmt(r.resolution.active ?? 0)],
      ["median hours to resolve", fmt(r.resolution.median_hours ?? null, 1)],
      ["repeat offenders", fmt(r.repeat_offenders.length)],
    ]);
    const legs = r.by_leg.slice(0, 15);
    const body = document.querySelector("#legs-table tbody");
    body.replaceChildren(...legs.map((g) => el("tr", { "data-leg": g.group, style: `background:${rateColour(g.rate_per_100, company)}` },
      el("td", {}, el("span", { class: "swatch", style: `background:${rateColour(g.rate_per_100, company)}` }), g.group),
      el("td", { class: "num", text: fmt(g.posts) }), el("td", { class: "num", text: fmt(g.violations) }),
      el("td", { class: "num", text: fmt(g.rate_per_100, 1) }),
      el("td", { text: `${fmt(g.low, 1)}–${fmt(g.high, 1)}${g.low > r.company.high ? " above company" : ""}` }))));
    if (!legs.length) body.replaceChildren(el("tr", {}, el("td", { colspan: 5, class: "muted", text: "No posts yet." })));
    const shown = legs.slice().reverse();
    plot("legs-chart", [{
      type: "bar", orientation: "h", y: shown.map((g) => `leg ${g.group}`), x: shown.map((g) => g.rate_per_100),
      marker: { color: shown.map((g) => rateColour(g.rate_per_100, company)), line: { color: "#999", width: 1 } },
      error_x: { type: "data", symmetric: false, array: shown.map((g) => g.high - g.rate_per_100), arrayminus: shown.map((g) => g.rate_per_100 - g.low) },
      hovertemplate: "%{y}: %{x:.1f} per 100 posts<extra></extra>", name: "legs",
    }], { shapes: [{ type: "line", x0: company, x1: company, yref: "paper", y0: 0, y1: 1, line: { dash: "dot", color: "#c00" } }],
      xaxis: { title: "violations per 100 posts" }, margin: { l: 80, r: 15, t: 10, b: 45 }, hovermode: "closest", showlegend: false });
    plot("weekly-chart", [
      { type: "bar", x: r.weekly.map((w) => w.week), y: r.weekly.map((w) => w.posts), name: "posts", marker: { color: "#cfd8e3" } },
      { type: "scatter", mode: "lines", x: r.weekly.map((w) => w.week), y: r.weekly.map((w) => w.violations), name: "violations", line: { color: "#c0392b" } },
    ], { yaxis: { title: "per week" } });
    fillTable(document.getElementById("leaders-table"), r.leaders.slice(0, 10).map((x) => [
      x.member_id, x.rank ?? "", x.downline_violations, fmt(x.rate_per_100, 1), fmt(x.mean_distance, 1)]));
    fillTable(document.getElementById("offenders-table"), r.repeat_offenders.slice(0, 15).map((x) => [
      x.member_id, x.violations, x.posts, x.max_offence, x.leg ?? "", x.sponsor ?? ""]));
  }

  async function actOn(caseId, action) {
    const actor = document.getElementById("actor").value.trim();
    try {
      await api(`${base()}/cases/${caseId}/actions`, { method: "POST", json: { action, actor } });
      status(queueForm, `case ${caseId}: ${action} done`, "ok");
      await Promise.all([loadQueue(), loadReport()]);
    } catch (error) {
      status(queueForm, error.message || String(error));
    }
  }

  function renderQueue(queue) {
    const c = queue.counts;
    document.getElementById("queue-summary").textContent =
      `${fmt(queue.total)} cases match · open ${fmt(c.open)}, notified ${fmt(c.notified)}, escalated ${fmt(c.escalated)}, resolved ${fmt(c.resolved)}, dismissed ${fmt(c.dismissed)} · overdue ${fmt(c.overdue)}`;
    const body = document.querySelector("#cases-table tbody");
    body.replaceChildren(...queue.cases.slice(0, 100).map((k) => {
      const final = k.state === "resolved" || k.state === "dismissed";
      const buttons = final ? [] : [
        k.state !== "escalated" ? el("button", { type: "button", class: "small", "data-act": "escalate", onclick: () => actOn(k.case_id, "escalate"), text: "escalate" }) : null,
        el("button", { type: "button", class: "small", "data-act": "resolve", onclick: () => actOn(k.case_id, "resolve"), text: "resolve" }),
        el("button", { type: "button", class: "small", "data-act": "dismiss", onclick: () => actOn(k.case_id, "dismiss"), text: "dismiss" }),
      ];
      return el("tr", { "data-case": k.case_id, class: k.overdue ? "overdue" : null },
        el("td", { text: k.case_id }), el("td", { text: k.post_id }), el("td", { text: k.member_id }),
        el("td", { text: k.leg ?? "" }), el("td", { class: "num", text: k.offence }), el("td", { text: k.rule_ids }),
        el("td", { class: "state", text: k.state }),
        el("td", {}, k.due_at ? `${k.due_action} by ${k.due_at.slice(0, 16).replace("T", " ")} ` : "",
          k.overdue ? el("span", { class: "badge late", text: "overdue" }) : null),
        el("td", { text: k.notified.join(", ") }), el("td", {}, buttons));
    }));
    if (!queue.cases.length) body.replaceChildren(el("tr", {}, el("td", { colspan: 10, class: "muted", text: "No case matches." })));
  }

  function renderLibrary(lib) {
    fillTable(document.getElementById("library-table"), lib.items.map((x) => [
      x.item_id, x.version, x.shares, x.edited, x.members, x.text.length > 90 ? x.text.slice(0, 90) + "…" : x.text]));
    document.querySelectorAll("#library-table tbody tr").forEach((tr, i) => tr.setAttribute("data-item", lib.items[i].item_id));
    document.getElementById("edits").replaceChildren(...lib.edits.slice(0, 5).map((e) => el("li", {},
      el("div", { class: e.violation ? "error" : "muted", text: `${e.post_id} by ${e.member_id}: ${e.violation ? "flagged " + e.rule_ids : "clean"} · similarity ${fmt(e.similarity, 1)}` }),
      el("div", { class: "post" }, ...e.diff.map((d) => d.op === "=" ? `${d.text} ` :
        [el(d.op === "+" ? "ins" : "del", { class: "diff", text: d.text }), " "])))));
  }

  async function loadReport() { renderReport(await api(`${base()}/report?min_posts=30`)); }
  async function loadLibrary() { renderLibrary(await api(`${base()}/library`)); }
  async function loadQueue() {
    renderQueue(await api(`${base()}/cases?${q({
      state: document.getElementById("state").value, leg: document.getElementById("leg").value.trim(),
      member: document.getElementById("member").value.trim(), overdue: document.getElementById("overdue").checked ? "true" : "" })}`));
  }

  async function loadAll() {
    if (!pick.value) return;
    await Promise.all([loadReport(), loadQueue(), loadLibrary()]);
  }

  form.addEventListener("submit", (event) => { event.preventDefault(); submitting(form, loadAll); });
  queueForm.addEventListener("submit", (event) => { event.preventDefault(); submitting(queueForm, loadQueue); });
  approveForm.addEventListener("submit", (event) => {
    event.preventDefault();
    submitting(approveForm, async () => {
      const item = await api(`${base()}/library`, { method: "POST", json: {
        text: document.getElementById("approve-text").value, approved_by: document.getElementById("actor").value.trim() } });
      status(approveForm, `approved as item ${item.item_id} (version ${item.version})`, "ok");
      await loadLibrary();
    });
  });
  document.getElementById("legs-table").addEventListener("click", (event) => {
    const row = event.target.closest("tr[data-leg]");
    if (!row) return;
    document.getElementById("leg").value = row.dataset.leg;
    submitting(queueForm, loadQueue);
  });
  /* Open on a company that has posts (the newest genealogy may have none). */
  submitting(form, async () => {
    const programs = await api("/api/compliance");
    const names = programs.map((p) => p.genealogy);
    if (names.length && !names.includes(pick.value) &&
        [...pick.options].some((o) => o.value === names[0])) pick.value = names[0];
    await loadAll();
  });
})();
