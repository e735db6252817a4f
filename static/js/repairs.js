// Repairs: small form helpers (the customer's signature pad is static/js/signature.js).
// No inline scripts (CSP): elements opt in with data- attributes.
(function () {
  "use strict";

  // <div data-show-when="name=value">: shown only while the form's radio `name` is `value`.
  function setUpToggles(root) {
    root.querySelectorAll("[data-show-when]").forEach(function (block) {
      var rule = block.getAttribute("data-show-when").split("=");
      var form = block.closest("form");
      if (!form) { return; }
      function update() {
        var chosen = form.querySelector("input[name='" + rule[0] + "']:checked");
        block.hidden = !(chosen && chosen.value === rule[1]);
      }
      form.addEventListener("change", update);
      update();
    });
  }

  function init() {
    setUpToggles(document);
  }
  document.addEventListener("DOMContentLoaded", init);
})();
