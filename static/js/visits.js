// Visits: small behaviours, opted into with data- attributes (no inline scripts: CSP).
(function () {
  "use strict";
  // <input type="checkbox" data-check-all="name">: tick or untick every checkbox of that name.
  document.addEventListener("change", function (event) {
    var box = event.target;
    var name = box.getAttribute && box.getAttribute("data-check-all");
    if (!name || !box.form) {
      return;
    }
    box.form.querySelectorAll('input[type="checkbox"][name="' + name + '"]').forEach(function (el) {
      el.checked = box.checked;
    });
  });
})();
