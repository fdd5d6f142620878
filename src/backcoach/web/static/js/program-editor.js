// The program editor: reorder with the up/down buttons or by dragging a row with the mouse, remove a
// row, add one back from the list. The form underneath stays plain: each row's "included" box and
// "position" number are what the server reads, so this script only keeps them in step with the rows.
(function () {
  "use strict";
  var list = document.getElementById("editor-list");
  if (!list) return;
  var add = document.getElementById("editor-add");
  var addSelect = document.getElementById("add-exercise");
  var addButton = document.getElementById("add-exercise-button");
  var status = document.getElementById("editor-status");

  function rows() { return Array.prototype.slice.call(list.querySelectorAll(".editor-row")); }
  function box(row) { return row.querySelector('input[name$=".included"]'); }
  function name(row) { return row.querySelector(".include strong").textContent; }
  function say(text) { if (status) status.textContent = text; }

  function refresh() {
    var position = 1;
    rows().forEach(function (row) {
      var included = box(row).checked;
      row.hidden = !included;
      row.classList.toggle("not-included", !included);
      row.querySelector('input[name$=".position"]').value = included ? position++ : 90 + position;
    });
    addSelect.innerHTML = '<option value="">Choose...</option>';
    rows().filter(function (row) { return !box(row).checked; }).forEach(function (row) {
      var option = document.createElement("option");
      option.value = row.getAttribute("data-exercise");
      option.textContent = name(row);
      addSelect.appendChild(option);
    });
    add.hidden = addSelect.options.length <= 1;
  }

  function move(row, direction) {
    var shown = rows().filter(function (r) { return !r.hidden; });
    var at = shown.indexOf(row);
    var other = shown[at + (direction === "up" ? -1 : 1)];
    if (!other) return;
    if (direction === "up") list.insertBefore(row, other); else list.insertBefore(other, row);
    refresh();
    say(name(row) + " moved " + direction + ".");
    row.querySelector('[data-move="' + direction + '"]').focus();
  }

  rows().forEach(function (row) {
    row.querySelector(".position-field").hidden = true;
    row.querySelector(".move-buttons").hidden = false;
    box(row).closest("label").classList.add("include-hidden");
    row.addEventListener("click", function (ev) {
      var button = ev.target.closest("button");
      if (!button) return;
      if (button.hasAttribute("data-move")) move(row, button.getAttribute("data-move"));
      if (button.hasAttribute("data-remove")) { box(row).checked = false; refresh(); say(name(row) + " removed."); addSelect.focus(); }
    });
    // Dragging with a mouse: drop a row before the row it is dropped on.
    row.addEventListener("dragstart", function (ev) {
      if (ev.target.closest("input, textarea, select")) { ev.preventDefault(); return; }
      row.classList.add("dragging");
      ev.dataTransfer.effectAllowed = "move";
      ev.dataTransfer.setData("text/plain", row.getAttribute("data-exercise"));
    });
    row.addEventListener("dragend", function () { row.classList.remove("dragging"); refresh(); });
    row.addEventListener("dragover", function (ev) {
      var dragging = list.querySelector(".dragging");
      if (!dragging || dragging === row) return;
      ev.preventDefault();
      var rect = row.getBoundingClientRect();
      var after = ev.clientY > rect.top + rect.height / 2;
      list.insertBefore(dragging, after ? row.nextSibling : row);
    });
    row.addEventListener("drop", function (ev) { ev.preventDefault(); refresh(); });
  });

  addButton.addEventListener("click", function () {
    var id = addSelect.value;
    if (!id) return;
    var row = list.querySelector('[data-exercise="' + id + '"]');
    box(row).checked = true;
    // added exercises go to the end of the program
    var shown = rows().filter(function (r) { return box(r).checked && r !== row; });
    var last = shown[shown.length - 1];
    list.insertBefore(row, last ? last.nextSibling : list.firstChild);
    refresh();
    say(name(row) + " added at the end.");
    row.querySelector('input[name$=".sets"]').focus();
  });
  refresh();
})();
