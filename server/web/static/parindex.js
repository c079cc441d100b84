// ParIndex pages work without this file; it only adds comfort (no inline script: CSP).
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // The menu's groups: one open at a time, closed by a click elsewhere or Escape.
  const groups = Array.from(document.querySelectorAll("details.menu-group"));
  groups.forEach((group) => group.addEventListener("toggle", () => {
    if (group.open) groups.forEach((other) => { if (other !== group) other.open = false; });
  }));
  document.addEventListener("click", (event) => {
    groups.forEach((group) => { if (!group.contains(event.target)) group.open = false; });
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") groups.forEach((group) => { group.open = false; });
  });
  // "Print" buttons: the browser's print dialog, which also saves a PDF.
  document.querySelectorAll("button.print").forEach((button) => {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  });
});

// On a phone a table's rows stack as blocks (see parindex.css): each cell carries its
// column's name. Tables that scroll on purpose (.scroll-x) keep their columns.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("table.grid").forEach((table) => {
    if (table.closest(".scroll-x")) return;
    const heads = table.querySelectorAll("thead tr:last-child th");
    const names = Array.from(heads).flatMap((th) => Array(th.colSpan).fill(th.textContent.trim()));
    table.classList.add("stacks");
    table.querySelectorAll("tbody tr").forEach((row) => {
      let column = 0;
      Array.from(row.cells).forEach((cell) => {
        if (cell.colSpan === 1 && names[column]) cell.dataset.label = names[column];
        column += cell.colSpan;
      });
    });
  });
});
