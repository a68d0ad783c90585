/* Genealogy: downline report, tree explorer, per-level and attrition charts. */
"use strict";

(() => {
  const { api, el, fmt, pct, cards, fillTable, plot, submitting, fail } = DL;
  const word = (n, one, many) => (n === 1 ? one : (many || one + "s"));
  const form = document.getElementById("genealogy-form");
  const pick = document.getElementById("genealogy");
  const member = document.getElementById("member");
  const freq = document.getElementById("freq");
  const base = () => `/api/genealogies/${encodeURIComponent(pick.value)}`;
  const q = (params) => new URLSearchParams(Object.entries(params).filter(([, v]) => v !== "" && v !== null)).toString();

  async function loadLeaders() {
    if (!pick.value) return;
    const { leaders } = await api(`${base()}/leaders?top=30`);
    document.getElementById("leaders").replaceChildren(...leaders.map((l) =>
      el("option", { value: l.id, text: `${fmt(l.downline)} in downline` })));
  }

  function nodeLabel(node) {
    return [
      el("span", { class: "node" + (node.active ? "" : " left"), "data-member": node.id, text: node.id === null ? "company" : String(node.id), title: "open this member" }),
      el("span", { class: "meta", text: `${fmt(node.downline)} below · ${fmt(node.frontline)} frontline${node.rank ? " · " + node.rank : ""}${node.active ? "" : " · left"}` }),
    ];
  }

  function renderNode(node) {
    const li = el("li", { "data-id": node.id });
    const hasKids = node.frontline > 0;
    const toggle = el("span", { class: "toggle", text: hasKids ? (node.children ? "▾" : "▸") : "·" });
    li.append(toggle, ...nodeLabel(node));
    let list = null;
    if (node.children) {
      list = el("ul", {}, node.children.map(renderNode));
      if (node.hidden_children) list.append(el("li", { class: "muted small", text: `… ${node.hidden_children} smaller legs not shown` }));
      li.append(list);
    }
    if (hasKids) {
      toggle.addEventListener("click", async () => {
        if (list) { list.hidden = !list.hidden; toggle.textContent = list.hidden ? "▸" : "▾"; return; }
        let sub;
        try {
          sub = await api(`${base()}/tree?${q({ member: node.id, depth: 1 })}`);
        } catch (error) { fail(error, `Opening ${node.id}`); return; }
        list = el("ul", {}, (sub.children || []).map(renderNode));
        if (sub.hidden_children) list.append(el("li", { class: "muted small", text: `… ${sub.hidden_children} smaller legs not shown` }));
        li.append(list);
        toggle.textContent = "▾";
      });
    }
    return li;
  }

  async function show() {
    const who = member.value.trim();
    const [report, tree, byPeriod, byLevel, recruits] = await Promise.all([
      api(`${base()}/report?${q({ member: who })}`),
      api(`${base()}/tree?${q({ member: who, depth: 2 })}`),
      api(`${base()}/attrition?${q({ member: who, freq: freq.value })}`),
      api(`${base()}/attrition?${q({ member: who, by: "level" })}`),
      api(`${base()}/recruits?${q({ member: who, freq: freq.value })}`),
    ]);
    // Without a member the report is the founder's downline: the CLI's figures.
    const whose = report.member === null ? "the company" : (who ? String(report.member) : `${report.member} (founder)`);
    cards(document.getElementById("report-cards"), [
      [`${word(report.size, "member")} in the downline of ${whose}`, fmt(report.size)],
      [`${word(report.depth, "level")} deep`, fmt(report.depth)],
      [`active on ${report.at}`, fmt(report.active)],
      ["left", fmt(report.left)],
      [word(report.legs.length, "leg"), fmt(report.legs.length)],
      ["in the largest leg", pct(report.largest_leg_share, 0)],
      ["group volume", fmt(report.group_volume, 0)],
    ]);
    const upline = document.getElementById("upline");
    upline.textContent = tree.upline && tree.upline.length ? `Upline: ${tree.upline.join(" → ")}` : "";
    document.getElementById("tree").replaceChildren(el("ul", {}, renderNode(tree)));

    const levels = report.levels.map((l) => l.level);
    plot("levels-chart", [
      { type: "bar", name: "active", x: levels, y: report.levels.map((l) => l.active), marker: { color: "#2458b3" } },
      { type: "bar", name: "left", x: levels, y: report.levels.map((l) => l.left), marker: { color: "#d9822b" } },
      { type: "bar", name: "not yet joined", x: levels, y: report.levels.map((l) => l.members - l.active - l.left), marker: { color: "#b9c3d0" } },
    ], { barmode: "stack", xaxis: { title: { text: "level below" }, dtick: 1 }, yaxis: { title: { text: "members" } } });

    plot("attrition-chart", [
      { type: "bar", name: "joined", x: recruits.periods, y: recruits.recruits, marker: { color: "#8fb1e8" } },
      { type: "bar", name: "left", x: byPeriod.periods, y: byPeriod.left, marker: { color: "#d9822b" } },
      { type: "scatter", mode: "lines+markers", name: "attrition rate", x: byPeriod.periods, y: byPeriod.rate, yaxis: "y2", line: { color: "#b3261e" } },
    ], { barmode: "group", margin: { l: 55, r: 60, t: 10, b: 45 }, yaxis: { title: { text: "members" } }, yaxis2: { title: { text: "rate" }, overlaying: "y", side: "right", tickformat: ".0%", rangemode: "tozero" } });

    plot("level-attrition-chart", [
      { type: "bar", name: "share who left", x: byLevel.levels, y: byLevel.rate, marker: { color: "#d9822b" },
        customdata: byLevel.members, hovertemplate: "%{y:.1%} of %{customdata} members" },
    ], { xaxis: { title: { text: "level below" }, dtick: 1 }, yaxis: { tickformat: ".0%", title: { text: "left by " + byLevel.at } } });

    fillTable(document.getElementById("legs-table"), report.legs.slice(0, 25).map((leg) => [
      el("a", { href: "#", "data-member": leg.root, text: String(leg.root) }), leg.size, leg.active, pct(leg.size / report.size),
    ]));
  }

  document.addEventListener("click", (event) => {
    const target = event.target.closest("[data-member]");
    if (!target || target.dataset.member === "null") return;
    event.preventDefault();
    member.value = target.dataset.member;
    submitting(form, show);
  });
  form.addEventListener("submit", (event) => { event.preventDefault(); submitting(form, show); });
  pick.addEventListener("change", () => {
    member.value = "";
    loadLeaders().catch((error) => fail(error, "Listing the leaders"));
    submitting(form, show);
  });
  if (pick.value) {
    loadLeaders().catch((error) => fail(error, "Listing the leaders"));
    submitting(form, show);
  } else {
    DL.empty("report-cards", "No genealogy loaded: upload a member table on the Overview page (or run make demo).");
  }
})();
