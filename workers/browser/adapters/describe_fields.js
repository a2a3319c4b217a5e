// Every visible field of a form page, described (workers/browser/adapters/fields.py), each marked
// with data-applyline-field (and each option of a group with data-applyline-option).
() => {
  const norm = (s) => (s || "").replace(/\s+/g, " ").trim();
  const shown = (el) => {
    if (el.closest("[hidden], [aria-hidden=true]") && el.type !== "file") return false;
    const style = getComputedStyle(el);
    if (el.type !== "file" && (style.visibility === "hidden" || style.display === "none")) return false;
    if (el.type === "file") return !el.disabled && !el.closest("form[hidden], section[hidden], fieldset[hidden]");
    const box = el.getBoundingClientRect();
    return box.width > 0 || box.height > 0;
  };
  const byIds = (ids) => norm((ids || "").split(/\s+/).map((id) => document.getElementById(id))
    .filter(Boolean).map((node) => node.innerText).join(" "));
  const labelOf = (el) => {
    let text = el.labels && el.labels.length ? Array.from(el.labels).map((l) => l.innerText).join(" ") : "";
    if (!text && el.id) {
      const label = document.querySelector(`label[for="${CSS.escape(el.id)}"]`);
      if (label) text = label.innerText;
    }
    if (!text) text = byIds(el.getAttribute("aria-labelledby"));
    return norm(text);
  };
  const groupLabel = (container) => {
    if (!container) return "";
    const labelled = byIds(container.getAttribute("aria-labelledby"));
    if (labelled) return labelled;
    const legend = container.querySelector("legend");
    if (legend) return norm(legend.innerText);
    const label = container.querySelector("label:not(:has(input)), .label, [class*=label]");
    return label ? norm(label.innerText) : "";
  };
  const starred = (text) => /\*\s*$/.test(text);
  const fields = [];
  const seen = new Set();
  const add = (entry, elements) => {
    entry.index = fields.length;
    elements.forEach((el) => { el.setAttribute("data-applyline-field", String(entry.index)); seen.add(el); });
    fields.push(entry);
  };
  const selector = "input, select, textarea, [role=combobox]";
  document.querySelectorAll(selector).forEach((el) => {
    if (seen.has(el) || el.closest("header, nav")) return;
    const type = (el.getAttribute("type") || "").toLowerCase();
    if (["hidden", "submit", "button", "reset", "image"].includes(type) || !shown(el)) return;
    if (el.getAttribute("role") === "combobox" && el.closest("[role=listbox]")) return;
    if (type === "radio" || type === "checkbox") {
      const group = el.name ? Array.from(document.querySelectorAll(`input[name="${CSS.escape(el.name)}"]`)) : [el];
      if (type === "checkbox" && group.length === 1) {
        const label = labelOf(el);
        add({kind: "checkbox", tag: "input", type, label, aria: el.getAttribute("aria-label") || "",
             placeholder: "", name: el.name || "", id: el.id || "",
             required: el.required || starred(label), options: [label]}, [el]);
        return;
      }
      const container = el.closest("fieldset, [role=radiogroup], [role=group], .field") || el.parentElement;
      const label = groupLabel(container);
      const options = group.map((option) => labelOf(option) || option.value);
      group.forEach((option, i) => option.setAttribute("data-applyline-option", options[i]));
      add({kind: type === "radio" ? "radio" : "checkboxes", tag: "input", type, label,
           aria: container.getAttribute("aria-label") || "", placeholder: "", name: el.name || "",
           id: el.id || "", required: group.some((o) => o.required) || container.getAttribute("aria-required") === "true" || starred(label),
           options}, group);
      return;
    }
    const tag = el.tagName.toLowerCase();
    const combobox = el.getAttribute("role") === "combobox";
    const label = labelOf(el);
    const kind = type === "file" ? "file" : tag === "select" ? "select" : combobox ? "combobox" : tag === "textarea" ? "textarea" : "text";
    const options = tag === "select" ? Array.from(el.options).filter((o) => o.value !== "").map((o) => norm(o.textContent)) : [];
    add({kind, tag, type, label, aria: el.getAttribute("aria-label") || "",
         placeholder: el.getAttribute("placeholder") || "", name: el.getAttribute("name") || "",
         id: el.id || "", required: el.required || el.getAttribute("aria-required") === "true" || starred(label),
         options, controls: el.getAttribute("aria-controls") || "",
         locked: Boolean(el.readOnly || el.disabled)}, [el]);
  });
  // Questions answered by pressing one of a few buttons (Yes / No), as Ashby asks them.
  const groups = new Map();
  document.querySelectorAll("button[aria-pressed]").forEach((button) => {
    if (!shown(button) || seen.has(button)) return;
    const container = button.closest("[role=group], fieldset, .field") || button.parentElement;
    if (!groups.has(container)) groups.set(container, []);
    groups.get(container).push(button);
  });
  groups.forEach((buttons, container) => {
    const label = groupLabel(container);
    const options = buttons.map((button) => norm(button.innerText));
    buttons.forEach((button, i) => button.setAttribute("data-applyline-option", options[i]));
    add({kind: "buttons", tag: "button", type: "", label, aria: container.getAttribute("aria-label") || "",
         placeholder: "", name: "", id: container.id || "",
         required: container.getAttribute("aria-required") === "true" || starred(label), options}, buttons);
  });
  return fields;
}
