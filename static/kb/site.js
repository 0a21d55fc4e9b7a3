// Report the viewer's time zone so the server shows times in it.
(function () {
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone && document.cookie.indexOf("tz=" + encodeURIComponent(zone)) === -1) {
      document.cookie = "tz=" + encodeURIComponent(zone) + ";path=/;max-age=31536000;samesite=lax";
    }
  } catch (e) { /* an old browser: times stay in UTC */ }
  // Show the form again with its message when the server refuses it (400:
  // invalid, 403: not allowed, 409: a step already answered, 413: too large,
  // 429: too many); htmx swaps only 2xx responses by default.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if ([400, 403, 409, 413, 429].indexOf(status) !== -1) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-autosubmit]")) { event.target.form.submit(); }
  });
  // The wizard: after a step is swapped in, move focus to its question so
  // keyboard and screen-reader users continue from there.
  document.addEventListener("htmx:afterSwap", function (event) {
    var box = document.getElementById("wizard-step");
    if (!box || !event.detail.target || event.detail.target.id !== "wizard-step") { return; }
    var target = box.querySelector("[role=alert], .wizard-prompt, h2");
    if (target) {
      if (!target.hasAttribute("tabindex")) { target.setAttribute("tabindex", "-1"); }
      target.focus();
    }
  });
})();
