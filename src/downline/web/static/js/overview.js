/* Overview: uploads, removal, and the live job list. */
"use strict";

(() => {
  const { api, el, status, submitting, fillTable, fmt, fail } = DL;

  for (const form of document.querySelectorAll("form.upload")) {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      submitting(form, async () => {
        status(form, "uploading…", "muted");
        const data = new FormData(form);
        const info = await api(form.dataset.endpoint, { method: "POST", body: data });
        const size = info.members !== undefined ? `${fmt(info.members)} members`
          : `${fmt(info.nodes)} nodes, ${fmt(info.edges)} edges`;
        status(form, `Loaded ${info.name}: ${size}.`, "ok");
        setTimeout(() => window.location.reload(), 600);
      });
    });
  }

  for (const button of document.querySelectorAll("button[data-delete]")) {
    button.addEventListener("click", async () => {
      if (!window.confirm(`Remove ${button.dataset.name} from the workspace?`)) return;
      try {
        await api(`/api/${button.dataset.delete}/${encodeURIComponent(button.dataset.name)}`, { method: "DELETE" });
        window.location.reload();
      } catch (error) { fail(error, `Removing ${button.dataset.name}`); }
    });
  }

  const samples = document.getElementById("load-samples");
  if (samples) {
    samples.addEventListener("click", async () => {
      samples.disabled = true;
      try {
        await api("/api/workspace/samples", { method: "POST" });
        window.location.reload();
      } catch (error) { samples.disabled = false; fail(error, "Loading the sample data"); }
    });
  }

  const jobsTable = document.getElementById("jobs-table");
  async function refreshJobs() {
    const jobs = await api("/api/jobs");
    if (!jobs.length) {
      jobsTable.tBodies[0].replaceChildren(el("tr", { class: "empty" }, el("td", { colspan: 6, text: "No job since the server started." })));
    } else {
      fillTable(jobsTable, jobs.slice(0, 15).map((job) => [
        job.id, job.kind, job.subject || "", job.state,
        el("progress", { max: 1, value: job.progress }),
        job.result_id ? el("a", { href: `/api/results/${job.result_id}`, target: "_blank", rel: "noopener", text: `result #${job.result_id}` })
          : (job.error || ""),
      ]));
    }
    const active = jobs.some((job) => job.state === "queued" || job.state === "running");
    setTimeout(() => refreshJobs().catch((error) => fail(error, "Listing the jobs")), active ? 1000 : 5000);
  }
  refreshJobs().catch((error) => fail(error, "Listing the jobs"));
})();
