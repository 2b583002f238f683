// One pass over a frame's DOM (open shadow roots and same-origin iframes included): stamp a stable
// data-eclair-id on every visible interactive or text-bearing element and return what the agent needs.
// Runs as `frame.evaluate(SNAPSHOT, {prefix, offsetX, offsetY, frameLabel})`; one call per frame.
(args) => {
  const ATTR = "data-eclair-id";
  const top = window;
  if (top.__eclairNext === undefined) top.__eclairNext = 1;
  const vw = window.innerWidth, vh = window.innerHeight;
  const out = [], crossOrigin = [];
  let rowCounter = 0;
  const rowKeys = new WeakMap();

  const INPUT_ROLES = {
    button: "button", submit: "button", reset: "button", image: "button", checkbox: "checkbox",
    radio: "radio", range: "slider", number: "spinbutton", search: "searchbox", file: "button",
  };
  const INTERACTIVE_ROLES = new Set([
    "button", "link", "checkbox", "radio", "textbox", "searchbox", "combobox", "listbox", "option",
    "menuitem", "menuitemcheckbox", "menuitemradio", "tab", "switch", "slider", "spinbutton", "treeitem",
  ]);
  const TEXT_ROLES = { H1: "heading", H2: "heading", H3: "heading", H4: "heading", H5: "heading", H6: "heading",
    TD: "cell", TH: "columnheader", LI: "listitem", LABEL: "label", LEGEND: "label", CAPTION: "caption",
    DT: "term", DD: "definition" };
  // ARIA grids (div-based data tables) read like <table>s: cells of one row share a line.
  const ARIA_TEXT_ROLES = { cell: "cell", gridcell: "cell", columnheader: "columnheader", rowheader: "cell",
    listitem: "listitem", term: "term", definition: "definition" };
  // the value format date-like inputs take (a date input shows mm/dd/yyyy but its value is yyyy-mm-dd)
  const VALUE_FORMATS = { date: "yyyy-mm-dd", month: "yyyy-mm", week: "yyyy-Www", time: "hh:mm",
    "datetime-local": "yyyy-mm-ddThh:mm" };
  const NATIVE_CONTROLS = new Set(["BUTTON", "INPUT", "SELECT", "TEXTAREA"]);
  const SKIP = new Set(["SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE", "HEAD", "META", "LINK", "svg"]);
  const INLINE = new Set(["A", "ABBR", "B", "BDI", "BDO", "BR", "CITE", "CODE", "DATA", "DFN", "EM", "FONT", "I",
    "KBD", "MARK", "Q", "S", "SAMP", "SMALL", "SPAN", "STRONG", "SUB", "SUP", "TIME", "U", "VAR", "WBR", "IMG",
    "INPUT", "SELECT", "TEXTAREA", "BUTTON", "OUTPUT", "METER", "PROGRESS"]);

  const clean = (s, n = 120) => {
    s = (s || "").replace(/\s+/g, " ").trim();
    return s.length > n ? s.slice(0, n - 1) + "…" : s;
  };

  function roleOf(el) {
    const explicit = (el.getAttribute("role") || "").split(" ")[0];
    if (explicit && explicit !== "presentation" && explicit !== "none" && explicit !== "generic") return explicit;
    const tag = el.tagName;
    // an anchor without href but with a tooltip is a scripted button ("Prev" / "Next" of a date picker)
    if (tag === "A") return el.hasAttribute("href") || el.hasAttribute("title") ? "link" : "";
    if (tag === "BUTTON" || tag === "SUMMARY") return "button";
    if (tag === "SELECT") return el.multiple || el.size > 1 ? "listbox" : "combobox";
    if (tag === "TEXTAREA") return "textbox";
    if (tag === "OPTION") return "option";
    if (tag === "INPUT") {
      const t = (el.type || "text").toLowerCase();
      if (t === "hidden") return "";
      return INPUT_ROLES[t] || "textbox";
    }
    if (el.isContentEditable && (el.parentElement === null || !el.parentElement.isContentEditable)) return "textbox";
    if (tag === "IMG") return el.alt ? "img" : "";
    return "";
  }

  function tabbable(el) {
    const ti = el.getAttribute("tabindex");
    return ti !== null && ti !== "-1" && !INLINE.has(el.tagName) && el !== document.body;
  }

  function pointerTarget(el) {
    if (getComputedStyle(el).cursor !== "pointer") return false;
    const parent = el.parentElement;
    if (!parent || getComputedStyle(parent).cursor !== "pointer") return true;
    return el.tagName === "LI" && parent.closest("li") !== null;  // a nested list item (tree, menu) is its own
  }

  // A focusable list whose items show the pointer (an autocomplete menu): the items are the targets, not the list
  function pointerItems(el) {
    if (el.childElementCount < 2 || getComputedStyle(el).cursor === "pointer") return false;
    return Array.from(el.children).filter((c) => getComputedStyle(c).cursor === "pointer").length >= 2;
  }

  // An icon: a small leaf with no text that shows an image (CSS `content: url()`, an <img> without alt, or a
  // background image on a pointer target): an "img" named from its file, id and classes ("trash", "send reply").
  const GENERIC = new Set(["icon", "icons", "btn", "button", "fa", "fas", "far", "glyphicon", "material", "ui",
    "img", "image", "png", "svg", "gif", "jpg", "jpeg", "white", "black", "hover", "active", "clicked", "hide"]);
  // Returns the icon's box, or null. Its role is always "img", pointer or not: hovering must not change it.
  function iconBox(el) {
    if (el.childElementCount || (el.textContent || "").trim()) return null;
    const rect = el.getBoundingClientRect();  // only for leaves without text: this runs on every such element
    if (rect.width > 48 || rect.height > 48 || rect.width <= 0 || rect.height <= 0) return null;
    const st = getComputedStyle(el);
    const pointer = st.cursor === "pointer";
    const image = (el.tagName === "IMG" && !el.alt) || st.content.startsWith("url(")
      || (pointer && st.backgroundImage.startsWith("url("));
    return image ? rect : null;
  }
  function hintName(el) {
    const said = clean(el.getAttribute("aria-label")) || clean(el.getAttribute("title"));
    if (said) return said;
    const st = getComputedStyle(el);
    const file = (s) => { const m = /([^/"'()]+)\.[a-z]{3,4}["')]*$/i.exec(s || ""); return m ? m[1] : ""; };
    const raw = [el.id, el.getAttribute("class"), file(el.tagName === "IMG" ? el.src : st.content),
      file(st.backgroundImage)].join(" ");
    const words = raw.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase().split(/[^a-z]+/);
    const out = [];
    for (const w of words) if (w.length > 1 && !GENERIC.has(w) && !out.includes(w)) out.push(w);
    return out.slice(0, 4).join(" ");
  }

  // A pointer box made of side-by-side inline blocks, each with its own text ("Reply | Forward"): each block is
  // its own target (one handler each), not one merged button.
  function sideBySide(el) {
    let text = "";
    for (const n of el.childNodes) if (n.nodeType === 3) text += n.textContent;
    if (text.trim()) return null;
    const parts = Array.from(el.children).filter((c) => !SKIP.has(c.tagName) && (c.innerText || "").trim());
    if (parts.length < 2) return null;
    if (!parts.every((c) => getComputedStyle(c).display.startsWith("inline-"))) return null;
    const rects = parts.map((c) => c.getBoundingClientRect());
    const oneLine = rects.every((r) => r.top < rects[0].bottom && r.bottom > rects[0].top);
    return oneLine ? parts.map((c, i) => [c, rects[i]]) : null;
  }

  function isInteractive(el, role) {
    if (INTERACTIVE_ROLES.has(role)) return true;
    if (el.hasAttribute("onclick")) return true;
    const ti = el.getAttribute("tabindex");
    return ti !== null && ti !== "-1" && role !== "" && role !== "img";
  }

  function textOf(el) {
    return clean(el.innerText !== undefined ? el.innerText : el.textContent);
  }

  function nameOf(el, role) {
    const by = el.getAttribute("aria-labelledby");
    if (by) {
      const root = el.getRootNode();
      const parts = by.split(/\s+/).map((id) => root.getElementById ? root.getElementById(id) : document.getElementById(id));
      const s = clean(parts.filter(Boolean).map((p) => p.innerText || p.textContent).join(" "));
      if (s) return s;
    }
    const aria = clean(el.getAttribute("aria-label"));
    if (aria) return aria;
    const tag = el.tagName;
    if ((tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA") && el.labels && el.labels.length) {
      const s = clean(Array.from(el.labels).map((l) => l.innerText || l.textContent).join(" "));
      if (s) return s;
    }
    if (tag === "INPUT") {
      const t = (el.type || "").toLowerCase();
      if (t === "submit" || t === "button" || t === "reset") return clean(el.value) || (t === "submit" ? "Submit" : t === "reset" ? "Reset" : "");
      if (t === "image") return clean(el.alt) || "Submit";
    }
    if (tag === "IMG") return clean(el.alt);
    if (tag !== "INPUT" && tag !== "SELECT" && tag !== "TEXTAREA" && !(role === "textbox" && el.isContentEditable)) {
      const s = textOf(el);
      if (s) return s;
    }
    return clean(el.getAttribute("title"));
  }

  function valueOf(el, role) {
    const tag = el.tagName;
    if (tag === "SELECT") {
      const sel = Array.from(el.selectedOptions || []).map((o) => clean(o.label || o.text));
      return sel.join(", ");
    }
    if (tag === "TEXTAREA") return el.value.slice(0, 2000);
    if (tag === "INPUT") {
      const t = (el.type || "text").toLowerCase();
      if (t === "checkbox" || t === "radio" || t === "button" || t === "submit" || t === "reset" || t === "image") return null;
      if (t === "password") return el.value ? "••••" : "";  // never expose a password, even to the agent
      if (t === "file") return Array.from(el.files || []).map((f) => f.name).join(", ");
      return el.value.slice(0, 2000);
    }
    if (role === "textbox" && el.isContentEditable) return clean(el.innerText, 200);
    const v = el.getAttribute("aria-valuenow") || el.getAttribute("aria-valuetext");
    return v;
  }

  function statesOf(el, role, activeEl) {
    const s = [];
    const a = (n) => el.getAttribute(n);
    if (el.checked === true || a("aria-checked") === "true") s.push("checked");
    if ((el.tagName === "OPTION" && el.selected) || a("aria-selected") === "true") s.push("selected");
    if (el.disabled === true || a("aria-disabled") === "true") s.push("disabled");
    if (a("aria-expanded") === "true" || (el.tagName === "SUMMARY" && el.parentElement && el.parentElement.open)) s.push("expanded");
    if (el === activeEl) s.push("focused");
    if (el.required === true || a("aria-required") === "true") s.push("required");
    let userInvalid = false;
    try { userInvalid = el.matches(":user-invalid"); } catch (e) { /* older engines */ }
    if (a("aria-invalid") === "true" || userInvalid) s.push("invalid");
    if (el.readOnly === true || a("aria-readonly") === "true") s.push("readonly");
    // a field with its own suggestion list (it turns the browser's off, or says so in ARIA)
    const auto = a("aria-autocomplete");
    if (auto === "list" || auto === "both" || (el.tagName === "INPUT" && a("autocomplete") === "off")) s.push("autocomplete");
    return s;
  }

  function shown(el, rect) {
    if (rect.width <= 0 || rect.height <= 0) return false;
    if (el.checkVisibility) return el.checkVisibility({ opacityProperty: true, visibilityProperty: true });
    const st = getComputedStyle(el);
    return st.visibility !== "hidden" && st.display !== "none" && st.opacity !== "0";
  }

  const seen = new Set();
  function stamp(el) {
    let id = el.getAttribute(ATTR);
    // cloned nodes carry their original's id: give the clone a fresh one so ids stay unique
    if (!id || seen.has(id)) {
      id = args.prefix + String(top.__eclairNext++);
      el.setAttribute(ATTR, id);
    }
    else if (args.prefix === "") {
      const n = Number(id);  // ids stamped before a counter reset (document.open, restored DOM) stay taken
      if (n >= top.__eclairNext) top.__eclairNext = n + 1;
    }
    seen.add(id);
    return id;
  }

  // The focused element through open shadow roots and same-origin iframes.
  function deepActive(doc) {
    let a = doc.activeElement;
    for (;;) {
      if (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
      else if (a && (a.tagName === "IFRAME" || a.tagName === "FRAME")) {
        let inner = null;
        try { inner = a.contentDocument; } catch (e) { inner = null; }
        if (!inner || !inner.activeElement || inner.activeElement === inner.body) return a;
        a = inner.activeElement;
      } else return a;
    }
  }

  function rowKey(el) {
    const tr = el.closest("tr, [role=row]");
    if (!tr) return null;
    if (!rowKeys.has(tr)) rowKeys.set(tr, ++rowCounter);
    return rowKeys.get(tr);
  }

  // Text directly inside `el` plus its inline children's text; children that get their own line are left out.
  function ownText(el) {
    let s = "";
    for (const n of el.childNodes) {
      if (n.nodeType === 3) s += n.textContent;
      else if (n.nodeType === 1 && !claimsOwnLine(n) && !n.querySelector(BLOCKS)) {
        s += " " + (n.innerText !== undefined ? n.innerText : n.textContent || "");
      }
    }
    return clean(s, 300);
  }

  const BLOCKS = "div, p, ul, ol, li, table";  // an inline box holding these (a menu in a span) is walked, not read
  // Tag-based (no computed style) so the walk stays one cheap pass.
  function claimsOwnLine(n) {
    if (SKIP.has(n.tagName) || TEXT_ROLES[n.tagName]) return true;
    if (!INLINE.has(n.tagName)) return true;
    return roleOf(n) !== "" || n.hasAttribute("onclick");
  }

  // Where acting on `el` goes: a link's href, a submit button's form action (the security gate reads it).
  function targetOf(el, tag) {
    if (tag === "A" && el.href) return String(el.href).slice(0, 300);
    const submits = (tag === "BUTTON" && el.type === "submit") || (tag === "INPUT" && (el.type === "submit" || el.type === "image"));
    if (!submits || !el.form) return "";
    return String(el.hasAttribute("formaction") ? el.formAction : el.form.action).slice(0, 300);
  }

  // Keys with default values are left out: a big page sends thousands of these.
  function emit(el, role, interactive, rect, ox, oy, frameLabel, activeEl, name) {
    const x = rect.left + ox, y = rect.top + oy, w = rect.width, h = rect.height;
    const round = (v) => Math.round(v * 10) / 10;
    const tag = el.tagName;
    const item = { id: stamp(el), role, tag: tag.toLowerCase(), bbox: [round(x), round(y), round(w), round(h)] };
    if (frameLabel) item.frame = frameLabel;
    if (y < vh && y + h > 0 && x < vw && x + w > 0) item.inView = true;
    if (interactive) {
      item.name = name || nameOf(el, role);
      const value = valueOf(el, role);
      if (value !== null && value !== undefined) item.value = value;
      const states = statesOf(el, role, activeEl);
      if (states.length) item.states = states;
      const placeholder = clean(el.getAttribute("placeholder")) || (tag === "INPUT" && VALUE_FORMATS[el.type]) || "";
      if (placeholder) item.placeholder = placeholder;
      const leadsTo = targetOf(el, tag);
      if (leadsTo) item.target_url = leadsTo;
      if (el.tagName === "SELECT") item.options = Array.from(el.options).map((o) => clean(o.label || o.text, 60));
      else if (role === "combobox" || role === "listbox") {
        const opts = el.querySelectorAll("[role=option]");
        if (opts.length) item.options = Array.from(opts).slice(0, 50).map((o) => clean(o.innerText || o.textContent, 60));
      }
    } else {
      item.name = name;
      if (role === "cell" || role === "columnheader") item.row = rowKey(el);
    }
    out.push(item);
  }

  function walk(root, ox, oy, frameLabel, activeEl, insideInteractive) {
    for (const el of root.children || []) visit(el, ox, oy, frameLabel, activeEl, insideInteractive);
  }

  function visit(el, ox, oy, frameLabel, activeEl, inside0) {
    const tag = el.tagName;
    if (SKIP.has(tag)) return;
    // a native control inside a scripted (ARIA-role or clickable) container is its own target: a button in a tab
    const insideInteractive = inside0 === "aria" && NATIVE_CONTROLS.has(tag) ? false : inside0;
    if (tag === "SLOT") {
      for (const n of el.assignedElements({ flatten: true })) visit(n, ox, oy, frameLabel, activeEl, insideInteractive);
      return;
    }
    if (el.getAttribute("aria-hidden") === "true") return;
    const inline = INLINE.has(tag);
    // display:none (on it or an ancestor) hides the whole subtree
    if (!inline && el.checkVisibility && !el.checkVisibility()) return;
    let role = roleOf(el);
    let interactive = !insideInteractive && role !== "" && isInteractive(el, role);
    if (!interactive && !insideInteractive && role === "" && (el.hasAttribute("onclick") || tabbable(el))
      && !(tabbable(el) && !el.hasAttribute("onclick") && pointerItems(el))) {
      role = "clickable";  // a scripted control without an ARIA role
      interactive = true;
    }
    let clickable = false, nested = false, icon = null;
    const isFile = tag === "INPUT" && el.type === "file";
    if (interactive && el.inert) return;  // inert subtrees cannot be used
    if (interactive && modal && !modal.contains(el)) {
      // a modal dialog blocks the rest of the page: only its own controls can be used
    } else if (interactive) {
      const rect = el.getBoundingClientRect();
      if (shown(el, rect) || isFile) emit(el, role, true, rect, ox, oy, frameLabel, activeEl);
    } else if (!insideInteractive && role === "" && !el.childElementCount && !(modal && !modal.contains(el))
      && (icon = iconBox(el)) && shown(el, icon)) {
      const name = hintName(el);
      if (name) emit(el, "img", clickable, icon, ox, oy, frameLabel, activeEl, name);
    } else if (!insideInteractive && (role === "img" || role === "heading" || !inline)) {
      const textRole = role === "img" || role === "heading" ? role : ARIA_TEXT_ROLES[role] || TEXT_ROLES[tag] || "text";
      const isLabelOfControl = tag === "LABEL" && el.control;
      const name = role === "img" ? clean(el.alt) : isLabelOfControl ? "" : ownText(el);
      const free = !isLabelOfControl && tag !== "LABEL" && !(modal && !modal.contains(el));
      const few = el.childElementCount > 1 && el.childElementCount <= 6;
      // text in a box that shows a pointer cursor is how many apps mark a click target (delegated handlers)
      const pointer = free && (name || few) && shown(el, el.getBoundingClientRect()) && pointerTarget(el);
      const parts = pointer && few ? sideBySide(el) : null;
      if (parts) {
        for (const [part, r] of parts) emit(part, "clickable", true, r, ox, oy, frameLabel, activeEl, textOf(part));
        return;
      }
      if (name) {
        const rect = el.getBoundingClientRect();
        if (shown(el, rect)) {
          clickable = pointer;
          nested = clickable && tag === "LI" && el.querySelector("li") !== null;
          // a line of text inside a pointer box that has no text of its own (a list row, a card) clicks that box
          clickable = clickable || (free && textRole === "text" && getComputedStyle(el).cursor === "pointer");
          if (clickable) emit(el, "clickable", true, rect, ox, oy, frameLabel, activeEl, nested ? name : "");
          else emit(el, textRole, false, rect, ox, oy, frameLabel, activeEl, name);
        }
      }
    } else if (!insideInteractive && inline && role === "" && tag !== "IMG" && !(modal && !modal.contains(el))) {
      // an inline span styled as a link (pointer cursor, delegated handler) inside running text
      const rect = el.getBoundingClientRect();
      if (shown(el, rect) && pointerTarget(el)) {
        const name = ownText(el);
        clickable = !!name;
        if (clickable) emit(el, "clickable", true, rect, ox, oy, frameLabel, activeEl);
      }
    }
    if (tag === "IFRAME" || tag === "FRAME") {
      const label = el.getAttribute("name") || el.src || "iframe";
      let doc = null;
      try { doc = el.contentDocument; } catch (e) { doc = null; }
      const r = el.getBoundingClientRect();
      const fx = ox + r.left + el.clientLeft, fy = oy + r.top + el.clientTop;
      if (doc && doc.body) walk(doc.body, fx, fy, label, deepActive(doc), insideInteractive);
      else crossOrigin.push({ name: el.getAttribute("name") || "", src: el.src, x: fx, y: fy });
      return;
    }
    const scripted = (interactive || clickable) && !NATIVE_CONTROLS.has(tag) && tag !== "A" && tag !== "LABEL";
    // a tree item's sub-items are targets of their own
    const inside = nested ? insideInteractive : insideInteractive === true || ((interactive || clickable) && !scripted)
      ? true : scripted ? "aria" : insideInteractive;
    walk(el.shadowRoot || el, ox, oy, frameLabel, activeEl, inside);
  }

  let modal = null;
  try { modal = document.querySelector("dialog:modal"); } catch (e) { modal = null; }
  const activeEl = deepActive(document);
  if (document.body) walk(document.body, args.offsetX, args.offsetY, args.frameLabel, activeEl, false);
  const focusedId = activeEl && activeEl !== document.body ? activeEl.getAttribute(ATTR) : null;
  return { elements: out, crossOrigin, focused: focusedId, title: document.title, scrollY: window.scrollY, vw, vh,
    docHeight: document.documentElement.scrollHeight };
}
