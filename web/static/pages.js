// Small behaviours of the pages, kept out of the HTML: the Content-Security-Policy allows no
// inline script (api/headers.py). Every page works without them.
(function () {
  "use strict";
  function each(selector, fn) {
    document.querySelectorAll(selector).forEach(fn);
  }
  document.addEventListener("DOMContentLoaded", function () {
    // «Печать»: a button that prints the page
    each("[data-print]", function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
    // a form that asks before it is sent (data-confirm holds the question)
    each("form[data-confirm]", function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.dataset.confirm)) { event.preventDefault(); }
      });
    });
    // a parallel's checkbox ticks its classes (without JavaScript the server expands it)
    each("input[data-parallel]", function (box) {
      box.addEventListener("change", function () {
        each('input[data-grade="' + box.dataset.parallel + '"]', function (c) {
          c.checked = box.checked;
        });
      });
    });
    // «Вся школа» ticks every parallel and class (without JavaScript the server takes the whole
    // school from this one box)
    each("input[data-whole]", function (box) {
      box.addEventListener("change", function () {
        each("input[data-parallel], input[data-grade]", function (c) { c.checked = box.checked; });
      });
    });
    // «Копировать»: the button's data-copy text (or the data-copy-from field's) to the
    // clipboard; the button says it was copied
    each("button[data-copy], button[data-copy-from]", function (button) {
      button.addEventListener("click", function () {
        var source = button.dataset.copyFrom && document.getElementById(button.dataset.copyFrom);
        var text = source ? source.value : button.dataset.copy;
        var label = button.textContent;
        function done() {
          button.textContent = "Скопировано ✓";
          window.setTimeout(function () { button.textContent = label; }, 2000);
        }
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(text).then(done, function () {});
        } else {  // plain http in the school network: the old way through a selection
          var area = document.createElement("textarea");
          area.value = text;
          area.setAttribute("readonly", "");
          area.className = "visually-hidden";
          document.body.appendChild(area);
          area.select();
          if (document.execCommand("copy")) { done(); }
          document.body.removeChild(area);
        }
      });
    });
    // a search field that filters rows as one types (data-filter: the rows; without
    // JavaScript the form asks the server)
    each("input[data-filter]", function (input) {
      var empty = document.getElementById("filter-empty");
      input.addEventListener("input", function () {
        var needle = input.value.trim().toLowerCase();
        var shown = 0;
        each(input.dataset.filter, function (row) {
          var hit = !needle || (row.dataset.target || "").toLowerCase().indexOf(needle) !== -1;
          row.hidden = !hit;
          if (hit) { shown += 1; }
        });
        if (empty) { empty.hidden = shown > 0; }
      });
    });
    // a local-act norm chosen: its value field shows what it takes («время ЧЧ:ММ…»)
    each("select[name=override_key]", function (select) {
      var row = select.closest(".row");
      var value = row && row.querySelector("input[name=override_value]");
      if (!value) { return; }
      select.addEventListener("change", function () {
        var option = select.options[select.selectedIndex];
        value.placeholder = (option && option.dataset.hint) || "";
      });
    });
    // a read-only address selected whole when focused, ready to copy
    each("input[data-select]", function (input) {
      input.addEventListener("focus", function () { input.select(); });
    });
  });
})();
