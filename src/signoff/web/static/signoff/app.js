// Small behaviours for staff pages. Every page also works without this file.
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("select[data-autosubmit]") && el.form) el.form.submit();
  });

  document.addEventListener("click", function (event) {
    var clear = event.target.closest && event.target.closest("[data-clear]");
    if (clear) {
      var target = document.querySelector(clear.getAttribute("data-clear"));
      if (target) {
        event.preventDefault();
        target.innerHTML = "";
      }
      return;
    }
    var copy = event.target.closest && event.target.closest("[data-copy]");
    if (copy) {
      var input = document.querySelector(copy.getAttribute("data-copy"));
      if (!input) return;
      input.select();
      var done = function () { copy.textContent = "Copied"; };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(input.value).then(done, function () { document.execCommand("copy"); done(); });
      } else {
        document.execCommand("copy");
        done();
      }
    }
  });

  // The one place a data-confirm question is asked. A plain form asks on submit; a form htmx
  // sends asks on htmx:confirm instead (htmx sends it before the submit event reaches here).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (!question || form.hasAttribute("hx-post")) return;
    if (!window.confirm(question)) event.preventDefault();
  });

  // --- Progress ---------------------------------------------------------------------------
  // Every htmx request disables the control that sent it and marks it busy until the answer
  // comes, so nothing is sent twice (one default here rather than hx-disabled-elt on every
  // button; an element's own hx-disabled-elt still works, htmx applies it first).
  var CONTROL = "button, input, select, textarea, a[href]";
  var busy = new WeakMap();

  function controlsOf(event) {
    var elt = event.detail.elt;
    var trigger = event.detail.requestConfig && event.detail.requestConfig.triggeringEvent;
    // Only what a person pressed: a poll, a part refreshing itself or a script's request has
    // no control to hold (the top bar's Today link asks for its counts every few seconds).
    if (!trigger || !trigger.isTrusted) return [];
    if (trigger.submitter) return [trigger.submitter];
    if (elt.tagName === "FORM") {
      var found = Array.prototype.filter.call(elt.elements, function (e) {
        return e.type === "submit";
      });
      // A form sent by a change (the approval status drop-down): the field that changed.
      var changed = trigger && trigger.target;
      if (changed && changed !== elt && changed.form === elt) found.push(changed);
      return found;
    }
    return elt.matches && elt.matches(CONTROL) ? [elt] : [];
  }

  function markBusy(control) {
    control.classList.add("is-busy");
    control.setAttribute("aria-busy", "true");
    if (control.tagName === "A") {
      control.setAttribute("aria-disabled", "true");
      return false;
    }
    if (control.disabled) return false;
    control.disabled = true;
    return true;
  }

  // Where on the screen the user last acted: the message goes to the other half (below). A
  // request from a pop-up keeps the place of what opened it, where the answer shows.
  var actedAt = null;

  document.addEventListener("htmx:beforeSend", function (event) {
    var controls = controlsOf(event);
    var elt = event.detail.elt;
    var dialog = elt.closest && elt.closest("dialog");
    if (dialog) {
      // Trying again: the last error said in the pop-up is no longer news.
      var said = dialog.querySelector("[data-dialog-error]");
      if (said) said.remove();
    } else if (controls.length) {
      var r = controls[0].getBoundingClientRect();
      actedAt = (r.top + r.bottom) / 2;
    }
    var marked = controls.map(function (control) {
      return { control: control, disabled: markBusy(control) };
    });
    if (marked.length) busy.set(elt, marked);
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var marked = busy.get(event.detail.elt);
    if (!marked) return;
    busy.delete(event.detail.elt);
    marked.forEach(function (m) {
      m.control.classList.remove("is-busy");
      m.control.removeAttribute("aria-busy");
      if (m.control.tagName === "A") m.control.removeAttribute("aria-disabled");
      if (m.disabled) m.control.disabled = false;
    });
  });

  // A plain form (a full page load follows): its button shows progress and a second press
  // sends nothing. The button stays enabled until then, so its own name and value are sent.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !form.matches || (form.target && form.target !== "_self")) return;
    if (form.hasAttribute("data-submitting")) {
      event.preventDefault();
      return;
    }
    form.setAttribute("data-submitting", "");
    var button = event.submitter;
    if (button) {
      button.classList.add("is-busy");
      button.setAttribute("aria-busy", "true");
    }
  });
  // Back to a page kept in the browser's memory: its forms can be sent again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    document.querySelectorAll("form[data-submitting]").forEach(function (form) {
      form.removeAttribute("data-submitting");
      form.querySelectorAll(".is-busy").forEach(function (b) {
        b.classList.remove("is-busy");
        b.removeAttribute("aria-busy");
      });
    });
  });

  // --- Messages ---------------------------------------------------------------------------
  // The flash region is a toast at the bottom of the window (app.css). Each message gets a
  // Dismiss button; a success or an information goes by itself after a while (not while the
  // pointer or the focus is on it); a warning or an error stays until dismissed or replaced.
  var LINGER_MS = 10000;

  function armMessage(message) {
    if (message.hasAttribute("data-armed")) return;
    message.setAttribute("data-armed", "");
    var text = document.createElement("span");
    text.className = "flash-text";
    while (message.firstChild) text.appendChild(message.firstChild);
    message.appendChild(text);
    var close = document.createElement("button");
    close.type = "button";
    close.className = "flash-close";
    close.setAttribute("aria-label", "Dismiss this message");
    close.textContent = "\u2715";
    close.addEventListener("click", function () { message.remove(); });
    message.appendChild(close);
    if (message.classList.contains("flash-error") || message.classList.contains("flash-warning")) return;
    var held = false;
    var hold = function () { held = true; };
    var release = function () { held = false; };
    message.addEventListener("pointerenter", hold);
    message.addEventListener("pointerleave", release);
    message.addEventListener("focusin", hold);
    message.addEventListener("focusout", release);
    var leave = function () {
      if (held) window.setTimeout(leave, 2000);
      else message.remove();
    };
    window.setTimeout(leave, LINGER_MS);
  }

  function armMessages(root) {
    if (!root || !root.querySelectorAll) return;
    if (root.matches && root.matches(".flash-msg")) armMessage(root);
    root.querySelectorAll(".flash-msg").forEach(armMessage);
  }

  // The region sits at the bottom of the window, or under the top bar when the user acted in
  // the lower half, so a message never covers the control just used.
  function placeMessages() {
    var flash = document.getElementById("flash");
    if (!flash || !flash.querySelector(".flash-msg")) return;
    var top = actedAt !== null && actedAt > window.innerHeight / 2;
    flash.classList.toggle("flash-top", top);
    if (top) {
      var bar = document.querySelector(".topbar");
      var below = bar ? Math.max(0, bar.getBoundingClientRect().bottom) : 0;
      flash.style.setProperty("--flash-top", below + 12 + "px");
    }
  }

  // What went wrong is said in the flash region and, when a pop-up is open (it covers the
  // page), at the top of the pop-up too.
  function showError(text) {
    var flash = document.getElementById("flash");
    if (flash) {
      flash.innerHTML = "";
      var p = document.createElement("p");
      p.className = "flash-msg flash-error";
      p.textContent = text;
      flash.appendChild(p);
      armMessage(p);
      placeMessages();
    }
    var dialog = document.querySelector("dialog[open]");
    if (dialog) {
      var inDialog = dialog.querySelector("[data-dialog-error]");
      if (!inDialog) {
        inDialog = document.createElement("p");
        inDialog.className = "flash-msg flash-error dialog-error";
        inDialog.setAttribute("role", "alert");
        inDialog.setAttribute("data-dialog-error", "");
        dialog.insertBefore(inDialog, dialog.firstChild);
      }
      inDialog.textContent = text;
    }
  }

  // --- Tables on phones -------------------------------------------------------------------
  // Below 700 px a table becomes cards (app.css); each cell then shows its column's name,
  // copied here from the header so the templates write it once.
  var STACKED = "table.table, table.share-contacts, table.line-inputs, table.outbox, table.share-links";

  function headerLabel(th) {
    var copy = th.cloneNode(true);
    copy.querySelectorAll(".visually-hidden, small, br").forEach(function (e) { e.remove(); });
    return copy.textContent.replace(/\s+/g, " ").trim();
  }

  function labelTable(table) {
    var heads = table.querySelectorAll(":scope > thead > tr > th");
    if (!heads.length) return;
    var labels = Array.prototype.map.call(heads, headerLabel);
    table.querySelectorAll(":scope > tbody > tr").forEach(function (row) {
      var column = 0;
      Array.prototype.forEach.call(row.children, function (cell) {
        var span = cell.colSpan || 1;
        if (!cell.hasAttribute("data-label")) cell.setAttribute("data-label", span > 1 ? "" : labels[column] || "");
        column += span;
      });
    });
    table.setAttribute("data-stack", "");
  }

  function labelTables(root) {
    if (!root || !root.querySelectorAll) return;
    var tables = root.closest ? root.closest(STACKED) : null;
    if (tables) labelTable(tables);
    root.querySelectorAll(STACKED).forEach(labelTable);
  }

  function prepare(root) {
    armMessages(root);
    placeMessages();
    labelTables(root);
  }
  // After the swap, before htmx settles: the new content never shows unprepared.
  document.addEventListener("htmx:afterSwap", function (event) { prepare(event.detail.target); });
  document.addEventListener("htmx:load", function (event) { prepare(event.detail.elt); });
  document.addEventListener("htmx:oobAfterSwap", function (event) { prepare(event.detail.target); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { prepare(document); });
  } else {
    prepare(document);
  }
  document.addEventListener("htmx:confirm", function (event) {
    var elt = event.detail.elt;
    var question = elt.getAttribute && elt.getAttribute("data-confirm");
    if (!question) return;
    event.preventDefault();
    if (window.confirm(question)) event.detail.issueRequest(true);
  });

  // htmx does not swap error responses; say what happened instead of doing nothing.
  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr.status;
    // The error pages name what happened (signoff.web.views.errors ERROR_HEADER).
    var code = event.detail.xhr.getResponseHeader("X-Signoff-Error");
    var text;
    if (code === "form_expired") {
      text = "This page was open too long and its form expired, so nothing was saved. Reload the page and try again.";
    } else if (status === 403) {
      text = "You are not allowed to do that. Your role may be read-only.";
    } else if (status === 404) {
      text = "That item no longer exists. Reload the page.";
    } else if (status === 413) {
      text = "That was too large to send, so nothing was saved.";
    } else if (status === 429) {
      text = "Too many attempts. Wait a few minutes and try again.";
    } else if (status === 503) {
      text = "Signoff cannot reach its database right now. Wait a minute and try again.";
    } else {
      text = "Something went wrong (" + status + "). Reload the page and try again.";
    }
    showError(text);
  });
  document.addEventListener("htmx:sendError", function () {
    showError("The server could not be reached. Check the connection and try again.");
  });

  // After a refused save, the first field in error is brought into view, away from the sticky
  // bars, and focused, so the message under it is read first. The summary's links do the same
  // for their field (a plain #fragment jump scrolls but does not focus).
  function showField(field) {
    if (!field) return;
    field.scrollIntoView({ block: "center" });
    field.focus({ preventScroll: true });
  }
  function firstInvalid(root) {
    return root.querySelector("[aria-invalid=true], .has-error input, .has-error select, .has-error textarea");
  }
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("main form .has-error, main form [aria-invalid=true]");
    if (form) showField(firstInvalid(form.closest("form")));
  });
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-error-link]");
    if (!link) return;
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (!field) return;
    event.preventDefault();
    showField(field);
  });

  // When a form is swapped in, put the cursor in its first empty text field (or first error).
  document.addEventListener("htmx:afterSwap", function (event) {
    var root = event.detail.target;
    if (!root || !root.querySelector) return;
    var form = root.querySelector("form");
    if (!form) return;
    var params = event.detail.requestConfig && event.detail.requestConfig.parameters;
    var added = false;
    try { added = Boolean(params && (params.get ? params.get("add_line") : params.add_line)); } catch (e) { added = false; }
    if (added) {
      var rows = form.querySelectorAll("tr.line-input");
      var last = rows.length && rows[rows.length - 1].querySelector("input[type=text]");
      if (last) { last.focus(); return; }
    }
    var first = form.querySelector("[aria-invalid=true], .has-error input, .has-error select") ||
      form.querySelector("input[type=text]:not([value]), input[type=text][value='']");
    if (first) first.focus({ preventScroll: false });
  });
})();
