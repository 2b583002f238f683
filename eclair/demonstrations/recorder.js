// Injected into every frame of a recording context (context.add_init_script). Reports DOM events to the
// Python binding window.__eclairRecord with the target element's id, role, accessible name, tag, xpath,
// value and bbox. Password values never leave the page: a {{placeholder}} is sent instead.
(() => {
  if (window.__eclairRecorderInstalled) return;
  window.__eclairRecorderInstalled = true;
  const isTop = window === window.top;
  const CONTROL = 'a[href],button,input,select,textarea,summary,label,[role=button],[role=link],[role=tab],' +
    '[role=menuitem],[role=option],[role=checkbox],[role=radio],[role=switch],[role=combobox],[role=textbox],' +
    '[role=treeitem],[contenteditable=""],[contenteditable=true],[onclick],[data-eclair-id]';
  const INPUT_ROLES = { button: "button", submit: "button", reset: "button", image: "button", checkbox: "checkbox",
    radio: "radio", range: "slider", number: "spinbutton", search: "searchbox", file: "button" };
  const clean = (s, n = 80) => { s = (s || "").replace(/\s+/g, " ").trim(); return s.length > n ? s.slice(0, n) : s; };
  const queue = [];

  function send(payload) {
    payload.ts = Date.now();
    payload.top = isTop;
    payload.frame_url = location.href;
    queue.push(payload);
    if (typeof window.__eclairRecord !== "function") { setTimeout(() => send({ type: "noop" }), 50); return; }
    while (queue.length) {
      const next = queue.shift();
      if (next.type !== "noop") window.__eclairRecord(next).catch(() => {});
    }
  }

  function roleOf(el) {
    const explicit = (el.getAttribute("role") || "").split(" ")[0];
    if (explicit) return explicit;
    const tag = el.tagName;
    if (tag === "A") return el.hasAttribute("href") ? "link" : "";
    if (tag === "BUTTON" || tag === "SUMMARY") return "button";
    if (tag === "SELECT") return el.multiple || el.size > 1 ? "listbox" : "combobox";
    if (tag === "TEXTAREA") return "textbox";
    if (tag === "INPUT") return INPUT_ROLES[(el.type || "text").toLowerCase()] || "textbox";
    if (tag === "LABEL") return "label";
    if (el.isContentEditable) return "textbox";
    return "";
  }

  function nameOf(el) {
    const by = el.getAttribute("aria-labelledby");
    if (by) {
      const text = by.split(/\s+/).map((id) => document.getElementById(id)).filter(Boolean)
        .map((n) => n.innerText || n.textContent).join(" ");
      if (clean(text)) return clean(text);
    }
    if (el.getAttribute("aria-label")) return clean(el.getAttribute("aria-label"));
    const tag = el.tagName;
    if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA") {
      const type = (el.type || "").toLowerCase();
      if (["button", "submit", "reset"].includes(type)) return clean(el.value || type);
      if (el.labels && el.labels.length) {
        const label = el.labels[0].cloneNode(true);
        label.querySelectorAll("input,select,textarea").forEach((n) => n.remove());
        if (clean(label.textContent)) return clean(label.textContent);
      }
      return clean(el.getAttribute("placeholder") || el.getAttribute("title") || el.getAttribute("name") || "");
    }
    const text = clean(el.innerText || el.textContent || "");
    if (text) return text;
    const img = el.querySelector && el.querySelector("img[alt]");
    return clean((img && img.alt) || el.getAttribute("title") || "");
  }

  function xpathOf(el) {
    if (el.id) return `//*[@id="${el.id}"]`;
    const parts = [];
    for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
      let index = 1;
      for (let sib = node.previousElementSibling; sib; sib = sib.previousElementSibling) {
        if (sib.tagName === node.tagName) index++;
      }
      parts.unshift(`${node.tagName.toLowerCase()}[${index}]`);
      if (node.id) { parts[0] = `*[@id="${node.id}"]`; return "//" + parts.join("/"); }
    }
    return "/" + parts.join("/");
  }

  const isSecret = (el) => el.tagName === "INPUT" && (el.type || "").toLowerCase() === "password";
  const placeholderFor = (el) => "{{" + (clean(el.getAttribute("name") || el.id || "password").toLowerCase()
    .replace(/[^a-z0-9]+/g, "_").replace(/^_|_$/g, "") || "password") + "}}";

  function valueOf(el) {
    if (isSecret(el)) return el.value ? placeholderFor(el) : "";
    if (el.tagName === "INPUT" && (el.type || "").toLowerCase() === "file") {
      return Array.from(el.files || []).map((f) => f.name).join(", ");
    }
    if (el.tagName === "SELECT") {
      const chosen = Array.from(el.selectedOptions || []).map((o) => clean(o.label || o.textContent));
      return chosen.join(", ");
    }
    if ("value" in el && typeof el.value === "string") return el.value;
    if (el.isContentEditable) return el.innerText;
    return null;
  }

  function describe(raw) {
    let el = raw;
    if (!el || el.nodeType !== 1) return null;
    el = el.closest(CONTROL) || el;
    const r = el.getBoundingClientRect();
    const value = valueOf(el);
    return {
      eclair_id: el.getAttribute("data-eclair-id") || "",
      role: roleOf(el), name: nameOf(el), tag: el.tagName.toLowerCase(), xpath: xpathOf(el),
      input_type: el.tagName === "INPUT" ? (el.type || "text").toLowerCase() : "",
      value: value === null ? null : clean(value, 500),
      bbox: [r.x, r.y, r.width, r.height],
      frame: isTop ? "" : (window.name || location.href),
    };
  }

  const targetOf = (e) => (e.composedPath && e.composedPath()[0]) || e.target;

  for (const type of ["mousedown", "mouseup", "click"]) {
    document.addEventListener(type, (e) => { if (e.button === 0) send({ type, target: describe(targetOf(e)) }); }, true);
  }
  document.addEventListener("input", (e) => {
    const el = targetOf(e);
    const target = describe(el);
    if (target) send({ type: "input", target, value: target.value, secret: isSecret(el) });
  }, true);
  document.addEventListener("change", (e) => {
    const el = targetOf(e);
    const target = describe(el);
    if (target) send({ type: "change", target, value: target.value, checked: !!el.checked, secret: isSecret(el) });
  }, true);
  document.addEventListener("keydown", (e) => {
    if (["Enter", "Tab", "Escape"].includes(e.key)) send({ type: "keydown", key: e.key, target: describe(targetOf(e)) });
  }, true);
  document.addEventListener("submit", (e) => send({ type: "submit", target: describe(targetOf(e)) }), true);

  // one scroll event per burst, with the distance scrolled since the previous burst; only scrolls a person
  // caused (wheel, touch, scroll keys, scrollbar drag) count, not the scrolling into view a click does
  const lastScroll = new WeakMap();
  let burst = null;
  let userScrollUntil = 0;
  const userIntent = () => { userScrollUntil = Date.now() + 300; };  // smooth scrolling ends within this
  document.addEventListener("wheel", userIntent, { capture: true, passive: true });
  document.addEventListener("touchmove", userIntent, { capture: true, passive: true });
  document.addEventListener("keydown", (e) => {
    if (["PageDown", "PageUp", "ArrowDown", "ArrowUp", "Home", "End", " "].includes(e.key)) userIntent();
  }, true);
  document.addEventListener("mousedown", (e) => {
    const root = document.scrollingElement || document.documentElement;
    if (e.clientX >= root.clientWidth || e.clientY >= root.clientHeight) userIntent();  // on a scrollbar
  }, true);
  function flushBurst() {
    if (!burst) return;
    const el = burst.el, user = burst.user;
    clearTimeout(burst.timer);
    burst = null;
    const [x0, y0] = lastScroll.get(el) || [0, 0];
    const dx = el.scrollLeft - x0, dy = el.scrollTop - y0;
    lastScroll.set(el, [el.scrollLeft, el.scrollTop]);
    if (user && Math.abs(dx) + Math.abs(dy) >= 1) send({ type: "scroll", target: describe(el), dx, dy });
  }
  document.addEventListener("scroll", (e) => {
    const el = e.target === document ? document.scrollingElement || document.documentElement : e.target;
    if (burst && burst.el !== el) flushBurst();
    if (!burst) burst = { el, user: false };
    if (Date.now() <= userScrollUntil) burst.user = true;
    clearTimeout(burst.timer);
    burst.timer = setTimeout(flushBurst, 250);
  }, true);

  const loaded = () => send({ type: "load", url: location.href, referrer: document.referrer, title: document.title });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", loaded, { once: true });
  else loaded();
})();
