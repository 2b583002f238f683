// Read the structure of one document for exploration: links, forms (fields with labels, kinds, options,
// required), tables (columns, row links) and buttons. Read-only: nothing is clicked or changed.
() => {
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== "hidden" && s.display !== "none";
  };
  const clean = (t) => (t || "").replace(/\s+/g, " ").trim().slice(0, 120);
  const labelOf = (el) => {
    if (el.labels && el.labels.length) return clean(el.labels[0].innerText);
    const aria = el.getAttribute("aria-label");
    if (aria) return clean(aria);
    const by = el.getAttribute("aria-labelledby");
    if (by) {
      const ref = document.getElementById(by);
      if (ref) return clean(ref.innerText);
    }
    const wrap = el.closest("label");
    if (wrap) return clean(wrap.innerText);
    return clean(el.getAttribute("placeholder") || el.getAttribute("name") || el.id || "");
  };
  const fieldOf = (el) => {
    const tag = el.tagName.toLowerCase();
    const kind = tag === "select" ? "select" : tag === "textarea" ? "textarea" : (el.getAttribute("type") || "text").toLowerCase();
    const options = tag === "select" ? Array.from(el.options).map((o) => clean(o.textContent)).filter((t) => t) : [];
    return {
      label: labelOf(el),
      name: el.getAttribute("name") || el.id || "",
      kind,
      required: el.required || el.getAttribute("aria-required") === "true",
      options,
      suggests: el.getAttribute("role") === "combobox" || el.hasAttribute("list") || el.hasAttribute("aria-autocomplete"),
      min: el.min !== undefined && el.min !== "" && !isNaN(Number(el.min)) ? Number(el.min) : null,
      max: el.max !== undefined && el.max !== "" && !isNaN(Number(el.max)) ? Number(el.max) : null,
      value: tag === "select" ? clean(el.selectedOptions[0] ? el.selectedOptions[0].textContent : "") : (kind === "password" ? "" : clean(el.value)),
    };
  };
  const buttonName = (b) => clean(b.innerText || b.value || b.getAttribute("aria-label") || "");
  const links = Array.from(document.querySelectorAll("a[href]"))
    .filter(visible)
    .map((a) => ({ href: a.href, text: clean(a.innerText || a.getAttribute("aria-label") || a.title) }))
    .filter((l) => l.href.startsWith("http"));
  const forms = Array.from(document.querySelectorAll("form")).filter(visible).map((f) => ({
    action: f.action || location.href,
    method: (f.getAttribute("method") || "get").toLowerCase(),
    fields: Array.from(f.querySelectorAll("input, select, textarea"))
      .filter((el) => el.type !== "hidden" && el.type !== "submit" && el.type !== "button" && (visible(el) || el.tagName === "SELECT"))
      .map(fieldOf),
    buttons: Array.from(f.querySelectorAll("button, input[type=submit]")).filter(visible).map(buttonName).filter((t) => t),
  }));
  const tables = Array.from(document.querySelectorAll("table")).filter(visible).map((t) => {
    const head = Array.from(t.querySelectorAll("thead th, tr:first-child th")).map((th) => clean(th.innerText));
    const rows = Array.from(t.querySelectorAll("tbody tr"));
    return {
      columns: head,
      rows: rows.length,
      row_links: rows.slice(0, 50).flatMap((r) => Array.from(r.querySelectorAll("a[href]")).map((a) => a.href)),
      row_hrefs: rows.slice(0, 200).map((r) => { const a = r.querySelector("a[href]"); return a ? a.href : ""; }),
      sample: rows.slice(0, 200).map((r) => Array.from(r.querySelectorAll("td")).map((td) => clean(td.innerText))),
    };
  });
  const buttons = Array.from(document.querySelectorAll("button, [role=button], input[type=submit], input[type=button]"))
    .filter((b) => visible(b) && !b.closest("form"))
    .map(buttonName)
    .filter((t) => t);
  const headings = Array.from(document.querySelectorAll("h1, h2")).filter(visible).map((h) => clean(h.innerText));
  const text = (document.body ? document.body.innerText : "").slice(0, 20000);
  return JSON.stringify({ url: location.href, title: document.title, headings, links, forms, tables, buttons, text });
}
