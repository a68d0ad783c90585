/* Pitch: screen one post (highlighted spans, rule, explanation, rewrite) or a batch file. */
"use strict";

(() => {
  const { api, el, fmt, fillTable, submitting } = DL;
  const form = document.getElementById("screen-form");
  const batchForm = document.getElementById("batch-form");

  function render(result) {
    document.getElementById("screen-result").hidden = false;
    const verdict = document.getElementById("verdict");
    verdict.textContent = result.violation
      ? `Flagged: ${result.rule_ids.join(", ")} · risk ${fmt(result.risk, 2)}`
      : `No rule broken · risk ${fmt(result.risk, 2)}`;
    verdict.className = "verdict " + (result.violation ? "bad" : "good");
    // The server escapes every character of the post; only its <mark> tags are markup.
    document.getElementById("highlighted").innerHTML = result.highlighted_html;
    document.getElementById("flags").replaceChildren(...result.flags.map((f) => el("li", {},
      el("div", {}, el("span", { class: "rule", text: `${f.rule_id} ` }), el("span", { text: f.title }),
        el("span", { class: "muted", text: ` · ${f.category}, ${f.severity}` })),
      el("div", {}, "Words: ", el("mark", { class: f.category, text: f.text })),
      el("div", { class: "why", text: f.explanation }),
      el("div", { class: "source", text: `Source: ${f.source}` }),
      el("div", { class: "instead", text: `Instead: ${f.rewrite}` }))));
    if (!result.flags.length) document.getElementById("flags").replaceChildren(el("li", { class: "muted", text: "Nothing to fix." }));
    document.getElementById("rewrite").textContent = result.suggested_text;
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submitting(form, async () => {
      render(await api("/api/pitch/screen", { method: "POST", json: {
        text: document.getElementById("post").value, model: document.getElementById("use-model").checked } }));
    });
  });

  batchForm.addEventListener("submit", (event) => {
    event.preventDefault();
    submitting(batchForm, async () => {
      const data = new FormData(batchForm);
      data.set("model", batchForm.querySelector("input[name=model]").checked ? "true" : "false");
      const out = await api("/api/pitch/batch", { method: "POST", body: data });
      document.getElementById("batch-result").hidden = false;
      document.getElementById("batch-summary").textContent = `${fmt(out.n_posts)} posts screened, ${fmt(out.n_violations)} flagged (stored as result #${out.result_id}).`;
      document.getElementById("batch-csv").href = out.report_csv;
      document.getElementById("batch-html").href = out.report_html;
      fillTable(document.getElementById("batch-table"), out.posts.map((p) => [
        p.id, p.violation ? "flagged" : "ok", p.risk,
        p.flags.map((f) => f.rule_id).filter((v, i, a) => a.indexOf(v) === i).join(" "),
        p.text.length > 160 ? p.text.slice(0, 160) + "…" : p.text,
      ]));
    });
  });
})();
