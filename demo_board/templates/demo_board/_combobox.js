// Comboboxes: the listbox exists only while open. `element` is an <input role="combobox">
// (typing filters) or a <button role="combobox">; `options` their labels; `chosen` is called
// with the label picked.
function boardCombobox(element, options, chosen) {
  const isInput = element.tagName === "INPUT";
  const listId = element.getAttribute("aria-controls");
  let list = null;
  let active = -1;

  function current() { return isInput ? element.value : element.dataset.value; }
  function items() { return list ? Array.from(list.querySelectorAll("[role=option]")) : []; }
  function close() {
    if (list) { list.remove(); list = null; }
    active = -1;
    element.setAttribute("aria-expanded", "false");
    element.removeAttribute("aria-activedescendant");
  }
  function choose(label) {
    if (isInput) { element.value = label; } else { element.dataset.value = label; element.textContent = label; }
    close();
    if (chosen) chosen(label);
    element.dispatchEvent(new Event("change", { bubbles: true }));
  }
  function open(filter) {
    close();
    const needle = (filter || "").toLowerCase();
    const shown = options.filter((label) => !needle || label.toLowerCase().includes(needle));
    list = document.createElement("ul");
    list.id = listId;
    list.className = "listbox";
    list.setAttribute("role", "listbox");
    shown.forEach((label, index) => {
      const option = document.createElement("li");
      option.id = listId + "-option-" + index;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", String(label === current()));
      option.textContent = label;
      // Keep the focus on the combobox, so that its blur does not close the list first.
      option.addEventListener("mousedown", (event) => event.preventDefault());
      option.addEventListener("click", () => choose(label));
      list.appendChild(option);
    });
    if (!shown.length) {
      const none = document.createElement("li");
      none.className = "no-options";
      none.textContent = "No options";
      list.appendChild(none);
    }
    element.parentElement.appendChild(list);
    element.setAttribute("aria-expanded", "true");
  }
  function move(step) {
    const all = items();
    if (!all.length) return;
    active = (active + step + all.length) % all.length;
    all.forEach((item, index) => { item.dataset.active = String(index === active); });
    element.setAttribute("aria-activedescendant", all[active].id);
    all[active].scrollIntoView({ block: "nearest" });
  }

  element.addEventListener("click", () => { if (list) { close(); } else { open(""); } });
  element.addEventListener("blur", close);
  if (isInput) element.addEventListener("input", () => open(element.value));
  element.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!list) open(isInput ? element.value : "");
      move(event.key === "ArrowDown" ? 1 : -1);
    } else if (event.key === "Enter" && list && active >= 0) {
      event.preventDefault();
      choose(items()[active].textContent);
    } else if (event.key === "Escape") {
      close();
    }
  });
}
