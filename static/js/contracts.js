/* Contracts: the optional drawn signature. A <canvas data-sign-pad> the signer draws on
   with a finger, pen or mouse; on submit its PNG goes into the hidden drawn_signature
   field. Without JavaScript the pad stays hidden and the typed name signs alone. */
(function () {
  "use strict";

  function setup(pad) {
    var form = pad.closest("form");
    var field = form && form.querySelector("input[name=drawn_signature]");
    if (!field || pad.dataset.ready) return;
    pad.dataset.ready = "1";
    var wrap = pad.closest("[data-sign-pad-wrap]");
    if (wrap) wrap.hidden = false;
    var ctx = pad.getContext("2d");
    var drawing = false;
    var drawn = false;

    function size() {
      var ratio = window.devicePixelRatio || 1;
      var rect = pad.getBoundingClientRect();
      pad.width = Math.round(rect.width * ratio);
      pad.height = Math.round(rect.height * ratio);
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.lineWidth = 2.2;
      ctx.lineCap = "round";
      ctx.lineJoin = "round";
      ctx.strokeStyle = "#1d1d24";
      drawn = false;
      field.value = "";
    }

    function point(event) {
      var rect = pad.getBoundingClientRect();
      return { x: event.clientX - rect.left, y: event.clientY - rect.top };
    }

    pad.addEventListener("pointerdown", function (event) {
      drawing = true;
      pad.setPointerCapture(event.pointerId);
      var p = point(event);
      ctx.beginPath();
      ctx.moveTo(p.x, p.y);
      event.preventDefault();
    });
    pad.addEventListener("pointermove", function (event) {
      if (!drawing) return;
      var p = point(event);
      ctx.lineTo(p.x, p.y);
      ctx.stroke();
      drawn = true;
      event.preventDefault();
    });
    ["pointerup", "pointercancel"].forEach(function (name) {
      pad.addEventListener(name, function (event) {
        drawing = false;
        // Let go of the pointer, or the page's next tap would land on the pad.
        if (pad.hasPointerCapture(event.pointerId)) pad.releasePointerCapture(event.pointerId);
      });
    });
    var clear = wrap && wrap.querySelector("[data-sign-pad-clear]");
    if (clear) {
      clear.addEventListener("click", function () {
        ctx.clearRect(0, 0, pad.width, pad.height);
        drawn = false;
        field.value = "";
      });
    }
    form.addEventListener("submit", function () {
      field.value = drawn ? pad.toDataURL("image/png") : "";
      // One submission: a double click must not post twice (the server copes anyway).
      var button = form.querySelector("button[type=submit]");
      if (button) window.setTimeout(function () { button.disabled = true; }, 0);
    });
    size();
  }

  function init(root) {
    root.querySelectorAll("canvas[data-sign-pad]").forEach(setup);
  }
  init(document);
  document.addEventListener("htmx:load", function (event) {
    if (event.detail && event.detail.elt) init(event.detail.elt);
  });
})();
