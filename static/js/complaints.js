// Complaints: the intake form's small helpers and readable deadline clocks (the signature pad
// is static/js/signature.js).
// No inline scripts (CSP): pages opt in with data- attributes.
(function () {
  "use strict";

  // --- Intake: a chosen customer fills in their unit; the letter fields show for written ones.
  function showLetter(form) {
    var letter = form.querySelector("[data-letter]");
    var written = form.querySelector("input[name=channel][value=written]");
    if (letter && written) {
      letter.hidden = !written.checked;
    }
  }

  function applyCustomer(radio) {
    var intake = radio.closest("[data-intake]");
    var unit = intake && intake.querySelector("select[name=unit]");
    if (unit && radio.checked && radio.getAttribute("data-unit")) {
      unit.value = radio.getAttribute("data-unit");
    }
  }

  // A single match comes back already chosen: its unit is filled in too.
  document.addEventListener("htmx:afterSwap", function (event) {
    var chosen = event.target.querySelector && event.target.querySelector("input[name=customer]:checked");
    if (chosen) { applyCustomer(chosen); }
  });

  document.addEventListener("change", function (event) {
    var el = event.target;
    var intake = el.closest && el.closest("[data-intake]");
    if (intake && el.name === "customer") {
      applyCustomer(el);
    }
    if (intake && el.name === "channel") {
      showLetter(intake);
    }
    var closing = el.closest && el.closest("[data-close-form]");
    if (closing && el.name === "confirmation") {
      showConfirmation(closing);
    }
  });

  // --- Closing: only the part of the confirmation that was chosen is shown.
  function showConfirmation(form) {
    var chosen = form.querySelector("input[name=confirmation]:checked");
    form.querySelectorAll("[data-confirm-show]").forEach(function (part) {
      part.hidden = !chosen || part.getAttribute("data-confirm-show") !== chosen.value;
    });
  }

  // --- Clocks: "2 d 3 h left" / "5 h overdue", kept current (snowball.js sets the colour).
  function span(minutes, clock) {
    var m = Math.abs(minutes);
    var days = Math.floor(m / 1440);
    var hours = Math.floor((m % 1440) / 60);
    var mins = m % 60;
    function unit(name, n) { return clock.getAttribute("data-" + name).replace("%s", String(n)); }
    if (days) { return unit("day", days) + (hours ? " " + unit("hour", hours) : ""); }
    if (hours) { return unit("hour", hours) + (mins ? " " + unit("minute", mins) : ""); }
    return unit("minute", mins);
  }
  function tick() {
    var now = Date.now();
    document.querySelectorAll(".clock[data-complaint-clock]").forEach(function (clock) {
      var minutes = Math.floor((Date.parse(clock.getAttribute("data-deadline")) - now) / 60000);
      var label = clock.getAttribute(minutes < 0 ? "data-late-text" : "data-left-text");
      clock.textContent = label.replace("%s", span(minutes, clock));
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-intake]").forEach(showLetter);
    document.querySelectorAll("[data-close-form]").forEach(showConfirmation);
    tick();
  });
  document.addEventListener("htmx:afterSwap", tick);
  window.setInterval(tick, 30000);
})();
