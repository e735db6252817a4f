// Repairs: the customer's signature drawn on the technician's phone, and small form helpers.
// No inline scripts (CSP): elements opt in with data- attributes.
(function () {
  "use strict";

  // <canvas data-signature-pad> inside <form data-signature-form>: drawn with a finger or
  // mouse; on submit the drawing goes into the form's hidden "signature" field as a PNG.
  function setUpPad(canvas) {
    var form = canvas.closest("form");
    var field = form && form.querySelector("input[name=signature]");
    if (!field) { return; }
    var ctx = canvas.getContext("2d");
    var drawing = false;
    var drawn = false;
    var last = null;
    ctx.lineWidth = 3;
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    ctx.strokeStyle = "#111";

    function point(event) {
      var box = canvas.getBoundingClientRect();
      return {
        x: (event.clientX - box.left) * (canvas.width / box.width),
        y: (event.clientY - box.top) * (canvas.height / box.height)
      };
    }
    canvas.addEventListener("pointerdown", function (event) {
      event.preventDefault();
      canvas.setPointerCapture(event.pointerId);
      drawing = true;
      last = point(event);
      ctx.beginPath();
      ctx.arc(last.x, last.y, 1.2, 0, Math.PI * 2);
      ctx.fillStyle = "#111";
      ctx.fill();
      drawn = true;
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!drawing) { return; }
      event.preventDefault();
      var next = point(event);
      ctx.beginPath();
      ctx.moveTo(last.x, last.y);
      ctx.lineTo(next.x, next.y);
      ctx.stroke();
      last = next;
      drawn = true;
    });
    ["pointerup", "pointercancel", "pointerleave"].forEach(function (name) {
      canvas.addEventListener(name, function () { drawing = false; });
    });
    var clear = form.querySelector("[data-signature-clear]");
    if (clear) {
      clear.addEventListener("click", function () {
        ctx.clearRect(0, 0, canvas.width, canvas.height);
        drawn = false;
        field.value = "";
      });
    }
    form.addEventListener("submit", function () {
      field.value = drawn ? canvas.toDataURL("image/png") : "";
    });
  }

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
    document.querySelectorAll("canvas[data-signature-pad]").forEach(setUpPad);
    setUpToggles(document);
  }
  document.addEventListener("DOMContentLoaded", init);
})();
