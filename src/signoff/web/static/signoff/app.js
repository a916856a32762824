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
  document.addEventListener("htmx:confirm", function (event) {
    var elt = event.detail.elt;
    var question = elt.getAttribute && elt.getAttribute("data-confirm");
    if (!question) return;
    event.preventDefault();
    if (window.confirm(question)) event.detail.issueRequest(true);
  });

  // htmx does not swap error responses; say what happened instead of doing nothing.
  document.addEventListener("htmx:responseError", function (event) {
    var flash = document.getElementById("flash");
    if (!flash) return;
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
    flash.innerHTML = "";
    var p = document.createElement("p");
    p.className = "flash-msg flash-error";
    p.textContent = text;
    flash.appendChild(p);
  });
  document.addEventListener("htmx:sendError", function () {
    var flash = document.getElementById("flash");
    if (flash) flash.innerHTML = '<p class="flash-msg flash-error">The server could not be reached. Check the connection and try again.</p>';
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
