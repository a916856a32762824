// Share dialogs on the RO page: open/close, and SHARE ESTIMATE waits for a recipient; the links
// table's Copy link button.
// Event delegation on the document, because htmx re-renders the action panel in place.
(function () {
  if (window.signoffShare) return;
  window.signoffShare = true;

  // A contact who is not chosen shows empty channel boxes, not greyed ticked ones that read as
  // "will be sent"; the ticks come back when the contact is chosen again.
  function showChannels(row, on) {
    row.querySelectorAll("[data-channel]").forEach(function (input) {
      if (on) {
        if (input.hasAttribute("data-was-checked")) {
          input.checked = input.getAttribute("data-was-checked") === "1";
          input.removeAttribute("data-was-checked");
        }
      } else if (!input.hasAttribute("data-was-checked")) {
        input.setAttribute("data-was-checked", input.checked ? "1" : "0");
        input.checked = false;
      }
    });
  }

  function sync(form) {
    var anySelected = false;
    form.querySelectorAll("[data-contact-row]").forEach(function (row) {
      var box = row.querySelector("[data-recipient]");
      var on = !!(box && box.checked);
      anySelected = anySelected || on;
      row.classList.toggle("is-selected", on);
      showChannels(row, on);
      row.querySelectorAll("[data-channel], [data-primary]").forEach(function (input) {
        // Send to Customer's channels follow the contact's preference: shown, never editable.
        input.disabled = !on || input.hasAttribute("data-locked");
      });
    });
    var submit = form.querySelector("[data-share-submit]");
    if (submit && !submit.hasAttribute("data-blocked")) submit.disabled = !anySelected;
  }

  document.addEventListener("click", function (event) {
    var opener = event.target.closest("[data-share-open]");
    if (opener && !opener.disabled) {
      var dialog = document.getElementById(opener.getAttribute("data-share-open"));
      if (dialog) {
        dialog.showModal();
        var form = dialog.querySelector("[data-share-form]");
        if (form) sync(form);
      }
      return;
    }
    var closer = event.target.closest("[data-share-close]");
    if (closer) {
      var open = closer.closest("dialog");
      if (open) open.close();
    }
  });

  document.addEventListener("change", function (event) {
    var form = event.target.closest("[data-share-form]");
    if (!form) return;
    if (event.target.matches("[data-recipient]") && event.target.checked) {
      // Ticking a contact with no channel ticked falls back to whatever they can receive.
      var row = event.target.closest("[data-contact-row]");
      showChannels(row, true);
      var channels = row.querySelectorAll("[data-channel]:not([data-locked])");
      var anyTicked = Array.prototype.some.call(channels, function (c) { return c.checked; });
      if (!anyTicked && channels.length) channels[0].checked = true;
    }
    sync(form);
  });

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (e) {
      return "";
    }
  }

  function copyStatus(button, text, isError) {
    var status = button.closest("td").querySelector("[data-copy-status]");
    if (!status) return null;
    status.textContent = text;
    status.classList.toggle("is-error", !!isError);
    return status;
  }

  // Copy link: the URL is fetched only when asked (it is never in the page), then copied. Where
  // the clipboard is unavailable (plain http), it is shown selected for Ctrl+C instead.
  function copyLink(button) {
    button.disabled = true;
    copyStatus(button, "Getting the link…");
    fetch(button.getAttribute("data-copy-link"), {
      method: "POST",
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (body) {
          if (!response.ok || !body.url) {
            throw new Error(body.error || "The link could not be fetched. Reload the page and try again.");
          }
          return body.url;
        });
      })
      .then(function (url) {
        var copied = navigator.clipboard && window.isSecureContext
          ? navigator.clipboard.writeText(url)
          : Promise.reject(new Error("no clipboard"));
        return copied.then(
          function () { copyStatus(button, "Link copied to the clipboard."); },
          function () {
            var status = copyStatus(button, "Copy this link (Ctrl+C): ");
            var field = document.createElement("input");
            field.type = "text";
            field.readOnly = true;
            field.value = url;
            field.setAttribute("aria-label", "The contact's link");
            status.appendChild(field);
            field.focus();
            field.select();
          }
        );
      })
      .catch(function (error) { copyStatus(button, error.message, true); })
      .then(function () { button.disabled = false; });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy-link]");
    if (button && !button.disabled) copyLink(button);
  });

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-share-form]").forEach(sync);
  });
})();
