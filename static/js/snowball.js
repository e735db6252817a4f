// Snowball's small behaviours. No inline scripts anywhere (CSP): pages opt in with data- attributes.
(function () {
  "use strict";

  // <form data-confirm="…">: ask before submitting a destructive or final action.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  // <select data-autosubmit>: filters that apply as soon as they change.
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.hasAttribute && el.hasAttribute("data-autosubmit") && el.form) {
      el.form.requestSubmit ? el.form.requestSubmit() : el.form.submit();
    }
  });

  // <button data-print>: open the browser's print dialog for A4 views.
  document.addEventListener("click", function (event) {
    var el = event.target.closest && event.target.closest("[data-print]");
    if (el) {
      event.preventDefault();
      window.print();
    }
  });

  // [data-unit-picker] (crm.forms.UnitField): htmx looks units up as one types, so the Find
  // button, there for browsers without JavaScript, goes — and with it its claim to be the
  // form's default button (Enter in another field saves the form again). Enter in the search
  // box looks up at once instead of submitting; the down arrow moves to the units found.
  function pickers() {
    document.querySelectorAll("[data-unit-picker-find]").forEach(function (button) {
      button.remove();
    });
  }
  document.addEventListener("DOMContentLoaded", pickers);
  document.addEventListener("htmx:afterSwap", pickers);
  document.addEventListener("keydown", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches("[data-unit-picker] input[type=search]")) {
      return;
    }
    if (event.key === "Enter") {
      event.preventDefault();
      box.dispatchEvent(new Event("unitlookup"));
    } else if (event.key === "ArrowDown") {
      var picker = box.closest("[data-unit-picker]");
      var radio = picker.querySelector(".unit-choices input:checked") ||
        picker.querySelector(".unit-choices input[type=radio]");
      if (radio) {
        event.preventDefault();
        radio.focus();
      }
    }
  });

  // <span class="clock" data-deadline="ISO" data-warn-minutes="N">: minutes left, live.
  function tick() {
    var now = Date.now();
    document.querySelectorAll(".clock[data-deadline]").forEach(function (clock) {
      var deadline = Date.parse(clock.getAttribute("data-deadline"));
      var warn = parseInt(clock.getAttribute("data-warn-minutes") || "0", 10);
      var minutes = Math.floor((deadline - now) / 60000);
      clock.classList.remove("ok", "warn", "late");
      clock.classList.add(minutes < 0 ? "late" : minutes <= warn ? "warn" : "ok");
      var label = minutes < 0 ? clock.getAttribute("data-late-label") : clock.getAttribute("data-left-label");
      if (label) {
        clock.textContent = label.replace("%s", String(Math.abs(minutes)));
      }
    });
  }
  document.addEventListener("DOMContentLoaded", tick);
  document.addEventListener("htmx:afterSwap", tick);
  window.setInterval(tick, 15000);
})();
