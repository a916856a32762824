/*
 * Signoff signature pad: draw with a finger, stylus or mouse (pointer events), clear, and
 * export both the stroke points (the server rebuilds the SVG from them) and a PNG
 * (canvas.toDataURL) into hidden form fields.
 *
 * Points are kept in a fixed 600 x 200 logical space, so a signature drawn on a phone and one
 * drawn on a tablet have the same coordinates; the canvas is redrawn at the screen's pixel
 * density whenever it changes size.
 */
(function () {
  "use strict";

  var WIDTH = 600;
  var HEIGHT = 200;
  var INK = "#111827";

  function round1(value) {
    return Math.round(value * 10) / 10;
  }

  function clamp(value, max) {
    return Math.min(Math.max(value, 0), max);
  }

  function setup(root) {
    var canvas = root.querySelector("[data-signature-canvas]");
    var pngField = root.querySelector("[data-signature-png]");
    var strokesField = root.querySelector("[data-signature-strokes]");
    var clearButton = root.querySelector("[data-signature-clear]");
    var status = root.querySelector("[data-signature-status]");
    var context = canvas.getContext("2d");
    var strokes = [];
    var current = null;

    function toLogical(event) {
      var box = canvas.getBoundingClientRect();
      return [
        round1(clamp(((event.clientX - box.left) * WIDTH) / box.width, WIDTH)),
        round1(clamp(((event.clientY - box.top) * HEIGHT) / box.height, HEIGHT)),
      ];
    }

    function prepare() {
      context.setTransform(1, 0, 0, 1, 0, 0);
      context.clearRect(0, 0, canvas.width, canvas.height);
      context.setTransform(canvas.width / WIDTH, 0, 0, canvas.height / HEIGHT, 0, 0);
      context.lineWidth = 3;
      context.lineCap = "round";
      context.lineJoin = "round";
      context.strokeStyle = INK;
    }

    function drawStroke(stroke) {
      context.beginPath();
      context.moveTo(stroke[0][0], stroke[0][1]);
      if (stroke.length === 1) {
        context.lineTo(stroke[0][0] + 0.01, stroke[0][1]);
      }
      for (var i = 1; i < stroke.length; i++) {
        context.lineTo(stroke[i][0], stroke[i][1]);
      }
      context.stroke();
    }

    function redraw() {
      prepare();
      strokes.forEach(drawStroke);
    }

    function resize() {
      var box = canvas.getBoundingClientRect();
      var ratio = Math.min(window.devicePixelRatio || 1, 2);
      var width = Math.max(1, Math.round(box.width * ratio));
      var height = Math.max(1, Math.round(box.height * ratio));
      if (canvas.width !== width || canvas.height !== height) {
        canvas.width = width;
        canvas.height = height;
        redraw();
        save();
      }
    }

    function save() {
      var signed = strokes.length > 0;
      pngField.value = signed ? canvas.toDataURL("image/png") : "";
      strokesField.value = signed ? JSON.stringify(strokes) : "";
      root.classList.toggle("sigpad-signed", signed);
      if (status) {
        status.textContent = signed ? status.dataset.signed : status.dataset.empty;
      }
    }

    function extend(event) {
      var events = event.getCoalescedEvents ? event.getCoalescedEvents() : [];
      if (!events.length) {
        events = [event];
      }
      events.forEach(function (e) {
        var point = toLogical(e);
        var last = current[current.length - 1];
        if (point[0] !== last[0] || point[1] !== last[1]) {
          current.push(point);
        }
      });
    }

    canvas.addEventListener("pointerdown", function (event) {
      if (event.button !== undefined && event.button > 0) {
        return;
      }
      event.preventDefault();
      canvas.setPointerCapture(event.pointerId);
      current = [toLogical(event)];
      strokes.push(current);
      redraw();
    });

    canvas.addEventListener("pointermove", function (event) {
      if (!current) {
        return;
      }
      event.preventDefault();
      extend(event);
      redraw();
    });

    function finish() {
      if (!current) {
        return;
      }
      current = null;
      save();
    }

    canvas.addEventListener("pointerup", finish);
    canvas.addEventListener("pointercancel", finish);
    canvas.addEventListener("lostpointercapture", finish);

    clearButton.addEventListener("click", function () {
      strokes = [];
      current = null;
      redraw();
      save();
    });

    window.addEventListener("resize", resize);
    resize();
  }

  function start() {
    document.querySelectorAll("[data-signature-pad]").forEach(setup);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
