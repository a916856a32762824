/* The approval pop-ups on the RO page.
 *
 * The server renders every form so it works with JavaScript off; this script only adds: open the
 * pop-up as a modal <dialog>, keep the confirm button disabled until a reason is chosen, show the
 * oral-authorization fields for phone and verbal reasons, pre-fill the number called from the
 * chosen contact, and close the pop-up (restoring the drop-down) when cancelled or done.
 * htmx loads this file again with each pop-up, so it sets itself up once and then only
 * initialises new pop-ups.
 */
(function () {
  "use strict";

  var ORAL_KINDS = ["phone", "verbal"];

  function selectedKind(form) {
    var reason = form.querySelector("[data-reason]");
    var option = reason && reason.selectedOptions[0];
    return option ? option.getAttribute("data-kind") || "" : "";
  }

  function sync(form) {
    var reason = form.querySelector("[data-reason]");
    var confirm = form.querySelector("[data-decide-confirm]");
    var kind = selectedKind(form);
    if (confirm) confirm.disabled = !(reason && reason.value);
    var oral = form.querySelector("[data-oral-fields]");
    if (oral) {
      var isOral = ORAL_KINDS.indexOf(kind) !== -1;
      // Hidden fields are also disabled, so a contact is only recorded when staff could see it.
      oral.hidden = !isOral;
      oral.disabled = !isOral;
      var phoneField = oral.querySelector("[data-phone-field]");
      var phone = oral.querySelector("[data-number-called]");
      if (phoneField) phoneField.hidden = kind !== "phone";
      if (phone) phone.disabled = kind !== "phone";
    }
  }

  function prefillPhone(form, contactSelect) {
    var phone = form.querySelector("[data-number-called]");
    if (!phone || phone.dataset.touched) return;
    var option = contactSelect.selectedOptions[0];
    phone.value = option ? option.getAttribute("data-phone") || "" : "";
  }

  function resetStatusSelect(dialog) {
    var operation = dialog.getAttribute("data-operation");
    if (!operation) return;
    var select = document.querySelector("#status-op-" + operation + " .approval-status-form select");
    if (select) select.value = "";
  }

  function openDialog(dialog) {
    if (dialog.dataset.ready) return;
    dialog.dataset.ready = "1";
    dialog.addEventListener("close", function () {
      // Cancelling changes nothing: the drop-down shows the current status again.
      resetStatusSelect(dialog);
      dialog.remove();
    });
    if (!dialog.open) dialog.showModal();
  }

  function each(root, selector, fn) {
    if (!root || !root.querySelectorAll) return;
    if (root.matches && root.matches(selector)) fn(root);
    root.querySelectorAll(selector).forEach(fn);
  }

  function init(root) {
    each(root, "[data-decide-form]", sync);
    each(root, "dialog[data-approval-dialog]", openDialog);
  }

  if (!window.signoffApprovals) {
    window.signoffApprovals = { init: init };

    document.addEventListener("change", function (event) {
      var form = event.target.closest && event.target.closest("[data-decide-form]");
      if (!form) return;
      if (event.target.matches("[data-contact]")) prefillPhone(form, event.target);
      sync(form);
    });
    document.addEventListener("input", function (event) {
      if (event.target.matches && event.target.matches("[data-decide-form] [data-number-called]")) {
        event.target.dataset.touched = "1";
      }
    });
    document.addEventListener("click", function (event) {
      var cancel = event.target.closest && event.target.closest("[data-cancel]");
      var dialog = cancel && cancel.closest("dialog");
      if (dialog) dialog.close();
    });
    document.addEventListener("signoff:decision-recorded", function () {
      document.querySelectorAll("dialog[data-approval-dialog][open]").forEach(function (d) {
        d.close();
      });
    });
    // Choosing the drop-down's first entry (the current status) asks for nothing. Checked here
    // rather than in an hx-trigger filter, which htmx would have to eval (the CSP forbids it).
    document.addEventListener("htmx:beforeRequest", function (event) {
      var form = event.detail.elt && event.detail.elt.closest && event.detail.elt.closest(".approval-status-form");
      var select = form && form.querySelector("select");
      if (select && !select.value) event.preventDefault();
    });
    // The pop-up could not open (operation removed meanwhile, role changed, server error; the
    // page's flash says which): the drop-down must not keep showing a status not recorded.
    document.addEventListener("htmx:responseError", function (event) {
      var form = event.detail.elt && event.detail.elt.closest && event.detail.elt.closest(".approval-status-form");
      var select = form && form.querySelector("select");
      if (select) select.value = "";
    });
    document.addEventListener("htmx:load", function (event) {
      init(event.detail.elt);
    });
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", function () {
        init(document);
      });
    }
  }
  init(document);
})();
