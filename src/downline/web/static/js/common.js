/* Shared helpers of the dashboard pages: API calls, jobs with progress, small renderers. */
"use strict";

const DL = (() => {
  async function api(path, options = {}) {
    const init = { credentials: "same-origin", headers: {}, ...options };
    if (init.json !== undefined) {
      init.body = JSON.stringify(init.json);
      init.headers["Content-Type"] = "application/json";
      delete init.json;
    }
    const response = await fetch(path, init);
    if (response.status === 401) {
      window.location.href = "/login?next=" + encodeURIComponent(window.location.pathname);
      throw new Error("sign in first");
    }
    const type = response.headers.get("content-type") || "";
    const body = type.includes("application/json") ? await response.json() : await response.text();
    if (!response.ok) {
      let message = (body && body.detail) ? body.detail : String(body || response.statusText);
      if (body && body.line) message += ` (line ${body.line})`;
      const error = new Error(message);
      error.status = response.status;
      throw error;
    }
    return body;
  }

  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function fmt(value, digits = 1) {
    if (value === null || value === undefined || Number.isNaN(value)) return "–";
    if (typeof value !== "number") return String(value);
    if (Number.isInteger(value)) return value.toLocaleString("en-US");
    return value.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
  }

  function pct(value, digits = 1) {
    return value === null || value === undefined ? "–" : (100 * value).toFixed(digits) + "%";
  }

  function status(form, message, kind = "error") {
    const box = form.querySelector(".status");
    if (!box) return;
    box.textContent = message || "";
    box.className = "status " + kind;
  }

  function cards(container, items) {
    container.replaceChildren(...items.map(([label, value]) =>
      el("div", { class: "stat" }, el("div", { class: "value", text: value }), el("div", { class: "label", text: label }))));
  }

  function fillTable(table, rows) {
    const body = table.tBodies[0];
    body.replaceChildren(...rows.map((cells) => el("tr", {}, cells.map((c, i) =>
      c instanceof Node ? el("td", {}, c) :
        el("td", { class: typeof c === "number" || (i > 0 && /^[\d.,%–-]+$/.test(String(c ?? ""))) ? "num" : null,
          text: typeof c === "number" ? fmt(c, 3) : (c ?? "") })))));
  }

  /* Show an error on the page (a banner under the title) and in the console: nothing is
     swallowed. */
  function fail(error, where) {
    const message = (error && error.message) ? error.message : String(error);
    console.error(where ? `${where}: ${message}` : message, error);
    let banner = document.getElementById("page-error");
    if (!banner) {
      banner = el("div", { id: "page-error", class: "page-error", role: "alert" });
      const main = document.querySelector("main");
      const title = main.querySelector("h1");
      if (title) title.after(banner); else main.prepend(banner);
    }
    banner.textContent = where ? `${where}: ${message}` : message;
    banner.hidden = false;
  }

  /* An empty-state note in a container: what to do when there is nothing to show yet. */
  function empty(container, message) {
    const box = typeof container === "string" ? document.getElementById(container) : container;
    box.replaceChildren(el("p", { class: "empty-state", text: message }));
    box.hidden = false;
  }

  /* The newest stored result of a kind (optionally for one subject), or null. */
  async function latest(kind, subject) {
    const params = new URLSearchParams({ kind });
    if (subject) params.set("subject", subject);
    const rows = await api(`/api/results?${params}`);
    if (!rows.length) return null;
    return api(`/api/results/${rows[0].id}`);
  }

  function plural(n, one, many) { return `${fmt(n)} ${n === 1 ? one : (many || one + "s")}`; }

  function sleep(ms) { return new Promise((resolve) => setTimeout(resolve, ms)); }

  /* Submit a job, show its progress in the job box, resolve with the stored result. */
  async function runJob(url, body, boxId) {
    const box = document.getElementById(boxId);
    const bar = box.querySelector("progress");
    const state = box.querySelector(".job-state");
    const cancel = box.querySelector(".job-cancel");
    box.hidden = false;
    bar.value = 0;
    state.textContent = "queued";
    let job = await api(url, { method: "POST", json: body });
    cancel.hidden = false;
    cancel.onclick = () => api(`/api/jobs/${job.id}/cancel`, { method: "POST" }).catch(fail);
    while (job.state === "queued" || job.state === "running") {
      await sleep(250);
      job = await api(`/api/jobs/${job.id}`);
      bar.value = job.progress;
      state.textContent = `${job.state} ${Math.round(100 * job.progress)}%${job.message ? " · " + job.message : ""}`;
    }
    cancel.hidden = true;
    if (job.state !== "done") {
      state.textContent = job.error ? `${job.state}: ${job.error}` : job.state;
      throw new Error(job.state === "cancelled" ? "the job was cancelled" : (job.error || "the job failed"));
    }
    state.textContent = `done · result #${job.result_id}`;
    const result = await api(`/api/results/${job.result_id}`);
    return result.payload;
  }

  const plotConfig = { responsive: true, displaylogo: false };
  const baseLayout = {
    margin: { l: 55, r: 15, t: 10, b: 45 }, legend: { orientation: "h", y: -0.2 },
    font: { family: "system-ui, sans-serif", size: 12 }, hovermode: "x unified",
  };
  function plot(id, traces, layout = {}) {
    return Plotly.react(id, traces, { ...baseLayout, ...layout }, plotConfig);
  }

  async function submitting(form, work) {
    const button = form.querySelector("button[type=submit]");
    status(form, "");
    if (button) button.disabled = true;
    try {
      await work();
    } catch (error) {
      status(form, error.message || String(error));
      console.warn(error);
    } finally {
      if (button) button.disabled = false;
    }
  }

  return { api, el, fmt, pct, status, cards, fillTable, runJob, plot, submitting, sleep, fail, empty, latest, plural };
})();
