// The customer's signature pad, one for every app (checked on the server by crm/signatures.py).
// No inline scripts (CSP): a page opts in with data- attributes inside its <form>:
//   <canvas data-signature-pad>            where the customer draws (finger, pen or mouse)
//   <input type="hidden" name="signature">  receives the drawing as a PNG data URL
//   <button type="button" data-signature-clear>  wipes the pad
// Optional on the canvas: data-signature-field="name" (another hidden field),
// data-signature-skip="name" (a checkbox that, when ticked, sends no drawing: signed on paper).
(function () {
  "use strict";

  var PREFIX = "data:image/png;base64,";
  var MAX_SIDE = 2400; // crm/signatures.py refuses anything bigger
  var LINE_WIDTH = 2.5; // in CSS pixels, whatever the screen's density

  function setUpPad(canvas) {
    var form = canvas.closest("form");
    if (!form) { return; }
    var field = form.querySelector(
      "input[name='" + (canvas.getAttribute("data-signature-field") || "signature") + "']"
    );
    if (!field) { return; }
    var skipName = canvas.getAttribute("data-signature-skip");
    var skip = skipName && form.querySelector("input[name='" + skipName + "']");
    var context = canvas.getContext("2d");
    var drawing = false;
    var drawn = false;
    var last = null;

    // High-DPI: one canvas pixel per device pixel, so strokes stay sharp on phones. Once
    // something is drawn the canvas keeps its pixels (CSS stretches it if the page reflows:
    // re-drawing it at another size would blur the signature).
    function fit() {
      var box = canvas.getBoundingClientRect();
      if (drawn || !box.width || !box.height) { return; } // hidden for now: fitted when shown
      var ratio = Math.min(window.devicePixelRatio || 1, MAX_SIDE / box.width, MAX_SIDE / box.height);
      var width = Math.round(box.width * ratio);
      var height = Math.round(box.height * ratio);
      if (canvas.width !== width || canvas.height !== height) {
        canvas.width = width;
        canvas.height = height;
      }
    }

    function scale() {
      var box = canvas.getBoundingClientRect();
      return box.width ? canvas.width / box.width : 1;
    }

    function pen() {
      context.lineWidth = LINE_WIDTH * scale();
      context.lineCap = "round";
      context.lineJoin = "round";
      context.strokeStyle = "#111827";
      context.fillStyle = "#111827";
    }

    function point(event) {
      var box = canvas.getBoundingClientRect();
      return {
        x: (event.clientX - box.left) * (canvas.width / box.width),
        y: (event.clientY - box.top) * (canvas.height / box.height)
      };
    }

    function save() {
      field.value = drawn && !(skip && skip.checked) ? canvas.toDataURL("image/png") : "";
    }

    function restore(dataUrl) {
      var image = new Image();
      drawn = true;
      image.onload = function () {
        context.drawImage(image, 0, 0, canvas.width, canvas.height);
        save();
      };
      image.src = dataUrl;
    }

    canvas.addEventListener("pointerdown", function (event) {
      event.preventDefault();
      fit();
      pen();
      canvas.setPointerCapture(event.pointerId);
      drawing = true;
      last = point(event);
      context.beginPath();
      context.arc(last.x, last.y, context.lineWidth / 2, 0, Math.PI * 2);
      context.fill();
      drawn = true;
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!drawing) { return; }
      event.preventDefault();
      // Coalesced events keep fast finger strokes smooth where the browser offers them.
      var events = event.getCoalescedEvents ? event.getCoalescedEvents() : [];
      if (!events.length) { events = [event]; }
      context.beginPath();
      context.moveTo(last.x, last.y);
      events.forEach(function (each) {
        last = point(each);
        context.lineTo(last.x, last.y);
      });
      context.stroke();
    });
    ["pointerup", "pointercancel", "pointerleave"].forEach(function (name) {
      canvas.addEventListener(name, function () {
        if (drawing) {
          drawing = false;
          save();
        }
      });
    });

    var clear = form.querySelector("[data-signature-clear]");
    if (clear) {
      clear.addEventListener("click", function () {
        context.clearRect(0, 0, canvas.width, canvas.height);
        drawn = false;
        field.value = "";
      });
    }
    if (skip) { skip.addEventListener("change", save); }
    form.addEventListener("submit", save);

    // After a form error the page comes back with the drawing in the field: show it again.
    var returned = field.value.indexOf(PREFIX) === 0 ? field.value : "";
    fit();
    if (returned) { restore(returned); }
    if (window.ResizeObserver) {
      new ResizeObserver(fit).observe(canvas);
    } else {
      window.addEventListener("resize", fit);
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("canvas[data-signature-pad]").forEach(setUpPad);
  });
})();
