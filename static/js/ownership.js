// The registration desk: Enter in the mobile field moves on instead of registering, so a
// receptionist never registers a customer with only the number typed. No inline scripts (CSP).
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    var el = event.target;
    if (event.key !== "Enter" || !el.form || !el.form.hasAttribute("data-testid")) {
      return;
    }
    if (el.name === "mobile" || el.name === "referrer_mobile") {
      event.preventDefault();
      var next = el.form.querySelector(el.name === "mobile" ? "[name=name]" : "[name=asks_for_referrer_consultant]");
      if (next) {
        next.focus();
      }
    }
  });
})();
