// Gas billing's small behaviours (no inline scripts: strict CSP).
(function () {
  "use strict";

  // <form data-signature-form> with <canvas data-signature-canvas>: the customer signs with a
  // finger or the mouse; on submit the drawing goes into the hidden field as a PNG data URL.
  function setUpSignature(form) {
    var canvas = form.querySelector("[data-signature-canvas]");
    var field = form.querySelector("input[name=signature]");
    var paper = form.querySelector("input[name=on_paper]");
    if (!canvas || !field) {
      return;
    }
    var context = canvas.getContext("2d");
    var drawing = false;
    var drawn = false;

    function fit() {
      var ratio = window.devicePixelRatio || 1;
      var box = canvas.getBoundingClientRect();
      canvas.width = Math.round(box.width * ratio);
      canvas.height = Math.round(box.height * ratio);
      context.setTransform(ratio, 0, 0, ratio, 0, 0);
      context.lineWidth = 2.5;
      context.lineCap = "round";
      context.lineJoin = "round";
      context.strokeStyle = "#111";
      drawn = false;
    }

    function point(event) {
      var box = canvas.getBoundingClientRect();
      return { x: event.clientX - box.left, y: event.clientY - box.top };
    }

    canvas.addEventListener("pointerdown", function (event) {
      drawing = true;
      canvas.setPointerCapture(event.pointerId);
      var p = point(event);
      context.beginPath();
      context.moveTo(p.x, p.y);
      context.lineTo(p.x + 0.1, p.y + 0.1);
      context.stroke();
      drawn = true;
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!drawing) {
        return;
      }
      var p = point(event);
      context.lineTo(p.x, p.y);
      context.stroke();
    });
    ["pointerup", "pointercancel", "pointerleave"].forEach(function (name) {
      canvas.addEventListener(name, function () {
        drawing = false;
      });
    });

    var clear = form.querySelector("[data-signature-clear]");
    if (clear) {
      clear.addEventListener("click", function () {
        context.clearRect(0, 0, canvas.width, canvas.height);
        drawn = false;
      });
    }

    form.addEventListener("submit", function () {
      field.value = drawn && !(paper && paper.checked) ? canvas.toDataURL("image/png") : "";
    });

    fit();
    window.addEventListener("resize", function () {
      if (!drawn) {
        fit();
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-signature-form]").forEach(setUpSignature);
  });
})();
