// Small, dependency-free widgets shared by the demo apps: tabs, modal dialogs, autocomplete, line items.
document.addEventListener("DOMContentLoaded", () => {
  // Tabs: role=tab buttons show the panel named by aria-controls.
  document.querySelectorAll("[role=tablist]").forEach((list) => {
    const tabs = list.querySelectorAll("[role=tab]");
    tabs.forEach((tab) => tab.addEventListener("click", () => {
      tabs.forEach((t) => {
        t.setAttribute("aria-selected", String(t === tab));
        document.getElementById(t.getAttribute("aria-controls")).hidden = t !== tab;
      });
    }));
  });
  // Modals: data-open-dialog="id" opens a <dialog>; data-close-dialog closes the enclosing one.
  document.querySelectorAll("[data-open-dialog]").forEach((btn) => btn.addEventListener("click", (ev) => {
    ev.preventDefault();
    const dialog = document.getElementById(btn.dataset.openDialog);
    const form = btn.closest("form");
    // Copy the values the modal confirms (e.g. the chosen status, selected rows) into it.
    dialog.querySelectorAll("[data-copy-from]").forEach((el) => {
      const src = document.getElementById(el.dataset.copyFrom);
      if (src) el.textContent = src.options ? src.options[src.selectedIndex].text : src.value;
    });
    if (form && dialog.dataset.countChecked) {
      const n = form.querySelectorAll("input[name=ids]:checked").length;
      dialog.querySelector("[data-count]").textContent = String(n);
    }
    dialog.showModal();
  }));
  document.querySelectorAll("[data-close-dialog]").forEach((btn) => btn.addEventListener("click", (ev) => {
    ev.preventDefault();
    btn.closest("dialog").close();
  }));
  // Select-all checkbox for bulk actions.
  document.querySelectorAll("[data-select-all]").forEach((box) => box.addEventListener("change", () => {
    box.closest("form").querySelectorAll("input[name=ids]").forEach((b) => { b.checked = box.checked; });
  }));
  // Autocomplete: typing fetches matches into a listbox; choosing one fills the input.
  document.querySelectorAll("input[data-autocomplete]").forEach((input) => {
    const list = document.getElementById(input.getAttribute("aria-controls"));
    input.addEventListener("input", async () => {
      const q = input.value.trim();
      list.innerHTML = "";
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      if (q.length < 2) return;
      const res = await fetch(input.dataset.autocomplete + "?q=" + encodeURIComponent(q));
      const names = await res.json();
      if (input.value.trim() !== q) return;
      names.forEach((name) => {
        const li = document.createElement("li");
        li.setAttribute("role", "option");
        li.textContent = name;
        li.addEventListener("click", () => {
          input.value = name;
          list.hidden = true;
          input.setAttribute("aria-expanded", "false");
        });
        list.appendChild(li);
      });
      list.hidden = names.length === 0;
      input.setAttribute("aria-expanded", String(names.length > 0));
    });
  });
  // Line items: add/remove rows and keep the totals in sync.
  const lines = document.getElementById("line-items");
  if (lines) {
    const body = lines.querySelector("tbody");
    const template = document.getElementById("line-template");
    const recompute = () => {
      let total = 0;
      body.querySelectorAll("tr").forEach((row, i) => {
        const qty = parseFloat(row.querySelector("[name=qty]").value) || 0;
        const price = parseFloat(row.querySelector("[name=unit_price]").value) || 0;
        row.querySelector(".line-total").textContent = (qty * price).toFixed(2);
        // Keep the accessible names ("Description 2", "Remove line 2") in step with the row numbers.
        row.querySelectorAll("input[data-label]").forEach((el) => el.setAttribute("aria-label", el.dataset.label + " " + (i + 1)));
        row.querySelectorAll(".row-no").forEach((el) => { el.textContent = String(i + 1); });
        row.querySelectorAll("button[data-remove-line]").forEach((b) => b.setAttribute("aria-label", "Remove line " + (i + 1)));
        total += qty * price;
      });
      document.getElementById("order-total").textContent = total.toFixed(2);
    };
    document.getElementById("add-line").addEventListener("click", (ev) => {
      ev.preventDefault();
      body.appendChild(template.content.firstElementChild.cloneNode(true));
      recompute();
    });
    body.addEventListener("click", (ev) => {
      const btn = ev.target.closest("button[data-remove-line]");
      if (btn) { ev.preventDefault(); btn.closest("tr").remove(); recompute(); }
    });
    body.addEventListener("input", recompute);
    recompute();
  }
});
