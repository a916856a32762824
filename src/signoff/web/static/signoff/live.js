/* The open RO page keeps up with what changes elsewhere (docs: web/estimate.py).
 *
 * Every few seconds (#ro-live's data-poll-seconds), while the tab is visible, it sends #ro-live's question (htmx does the
 * request; the server answers 204 when nothing changed). When the server says the RO changed
 * (signoff:ro-stale), the estimate block is fetched again, but never under staff's hands: while
 * a pop-up is open, a form is being filled in the block, or an operation form is open, it waits
 * and refreshes at the first poll after.
 */
(function () {
  "use strict";

  var stale = false;

  function live() {
    return document.getElementById("ro-live");
  }

  function busy() {
    if (document.querySelector("dialog[open]") || document.getElementById("op-form")) return true;
    var slot = document.getElementById("op-form-slot");
    if (slot && slot.children.length) return true;
    var estimate = document.getElementById("ro-estimate");
    var active = document.activeElement;
    return !!(estimate && active && estimate.contains(active) && active.matches("input, select, textarea"));
  }

  function refreshEstimate() {
    var el = live();
    if (!stale || !el || busy() || !window.htmx) return;
    stale = false;
    window.htmx.ajax("GET", el.getAttribute("data-live-estimate"), {
      target: "#ro-estimate",
      swap: "outerHTML",
    });
  }

  function poll() {
    var el = live();
    if (!el || document.visibilityState !== "visible" || !window.htmx) return;
    refreshEstimate();
    window.htmx.trigger(el, "signoff:poll");
  }

  document.body.addEventListener("signoff:ro-stale", function () {
    stale = true;
    refreshEstimate();
  });
  document.addEventListener("visibilitychange", poll);
  var el = live();
  var seconds = el ? Number(el.getAttribute("data-poll-seconds")) : 0;
  if (seconds > 0) window.setInterval(poll, seconds * 1000);
})();
