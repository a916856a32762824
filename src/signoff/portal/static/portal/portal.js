/*
 * Small behaviours of the approval screens. Everything works without this file; it only
 * makes the approver's name a blue button that opens the list (in person), keeps a form
 * from being sent twice, and moves focus to an error so screen readers announce it.
 */
(function () {
  "use strict";

  function approver(root) {
    var toggle = root.querySelector("[data-approver-toggle]");
    var select = root.querySelector("[data-approver-select]");
    var name = root.querySelector("[data-approver-name]");
    var relationship = root.querySelector("[data-approver-relationship]");
    if (!toggle || !select) {
      return;
    }
    toggle.hidden = false;
    select.classList.add("approver-select-collapsed");
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") === "true";
      toggle.setAttribute("aria-expanded", String(!open));
      select.classList.toggle("approver-select-collapsed", open);
      if (!open) {
        select.focus();
        // Open the list straight away, so one tap on the name shows the contacts.
        if (typeof select.showPicker === "function") {
          try {
            select.showPicker();
          } catch (error) {
            // Not allowed here (older browser or no user gesture): the list is shown, focused.
          }
        }
      }
    });
    select.addEventListener("change", function () {
      var option = select.options[select.selectedIndex];
      name.textContent = option.dataset.name || option.textContent;
      if (relationship) {
        relationship.textContent = option.dataset.relationship
          ? " (" + option.dataset.relationship + ")"
          : "";
      }
      toggle.setAttribute("aria-expanded", "false");
      select.classList.add("approver-select-collapsed");
      toggle.focus();
    });
  }

  function once(form) {
    form.addEventListener("submit", function () {
      var button = form.querySelector("[data-submit]");
      if (button) {
        // Disabled a tick later, so the browser still sends the click.
        window.setTimeout(function () {
          button.disabled = true;
        }, 0);
      }
    });
  }

  function start() {
    document.querySelectorAll("[data-approver]").forEach(approver);
    document.querySelectorAll("[data-approval-form]").forEach(once);
    var notice = document.querySelector("[data-autofocus]");
    if (notice) {
      notice.focus();
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
