// UI drift for the demo apps (the "drift" variant): the same app and data under a changed interface, so a stored
// workflow meets renamed labels, new element ids, fields in another order and a field moved into a tab.
// Loaded only when the variant is on (cookie demo_ui=drift or ECLAIR_DEMO_UI=drift); runs after demo.js.
document.addEventListener("DOMContentLoaded", () => {
  const RENAMED = {
    "Customer": "Client",
    "Subject": "Title",
    "Priority": "Importance",
    "Search": "Find",
    "Filter": "Apply filters",
    "Description": "Problem description",
    "Phone": "Telephone",
    "Email": "E-mail address",
    "City": "Town",
    "Company name": "Organisation",
    "Contact person": "Main contact",
    "Pulse (bpm)": "Heart rate (bpm)",
    "Save vitals": "Store vitals",
    "Save customer": "Save client",
    "Insurer": "Insurance company",
    "Member ID": "Membership number",
    "Payment terms": "Terms of payment",
    "Vendor name": "Supplier name",
    "Reason for rejection": "Rejection reason",
    "New comment": "Add a comment",
    "Date of birth": "Birth date",
    "Last name": "Surname",
    "Sign in": "Log in",
    "Username": "User name",
    "Reject invoice": "Decline invoice",
    "Save changes": "Update",
    "Create ticket": "Submit ticket",
  };
  const rename = (el) => {
    const text = el.textContent.trim();
    if (RENAMED[text] && el.children.length === 0) el.textContent = RENAMED[text];
  };
  document.querySelectorAll("main label, main button, main legend, main a.button").forEach(rename);

  // New ids for every form control; labels and widgets that point at them follow.
  document.querySelectorAll("main input[id], main select[id], main textarea[id]").forEach((control) => {
    const old = control.id;
    const fresh = "f" + Math.abs([...old].reduce((h, c) => (h * 31 + c.charCodeAt(0)) | 0, 7)).toString(36);
    control.id = fresh;
    document.querySelectorAll(`label[for="${old}"]`).forEach((l) => l.setAttribute("for", fresh));
    document.querySelectorAll(`[data-copy-from="${old}"]`).forEach((e) => { e.dataset.copyFrom = fresh; });
  });

  // Field groups: a label directly followed by its control (and a suggestion list after a combobox).
  const groups = (form) => [...form.querySelectorAll("label[for]")].flatMap((label) => {
    const control = label.nextElementSibling;
    if (!control || control.id !== label.getAttribute("for") || control.parentElement !== form) return [];
    const parts = [label, control];
    const list = control.getAttribute("aria-controls") && control.nextElementSibling;
    if (list && list.getAttribute("role") === "listbox") parts.push(list);
    return [parts];
  });
  document.querySelectorAll("main form").forEach((form) => {
    const found = groups(form);
    // Moved fields: each pair of neighbouring fields swaps places.
    for (let k = 0; k + 1 < found.length; k += 2) {
      const [first, second] = [found[k], found[k + 1]];
      second.forEach((el) => form.insertBefore(el, first[0]));
    }
    // A field moved into a tab: the last field of a long form now sits behind a "More fields" tab.
    if (found.length < 4) return;
    const last = found[found.length - 1];
    const tablist = document.createElement("div");
    tablist.setAttribute("role", "tablist");
    tablist.setAttribute("aria-label", "Form sections");
    const panel = document.createElement("div");
    panel.setAttribute("role", "tabpanel");
    panel.id = "more-fields-panel";
    panel.hidden = true;
    const tab = document.createElement("button");
    tab.type = "button";
    tab.setAttribute("role", "tab");
    tab.setAttribute("aria-selected", "false");
    tab.setAttribute("aria-controls", panel.id);
    tab.textContent = "More fields";
    tab.addEventListener("click", () => {
      panel.hidden = false;
      tab.setAttribute("aria-selected", "true");
    });
    tablist.appendChild(tab);
    panel.setAttribute("aria-label", "More fields");
    const anchor = last[0];
    form.insertBefore(tablist, anchor);
    form.insertBefore(panel, anchor);
    last.forEach((el) => panel.appendChild(el));
  });
});
