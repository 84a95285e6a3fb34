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
    // a read-only address selected whole when focused, ready to copy
    each("input[data-select]", function (input) {
      input.addEventListener("focus", function () { input.select(); });
    });
  });
})();
