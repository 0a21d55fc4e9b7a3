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
  // The header's menu on a phone (the button is hidden on wider screens).
  document.addEventListener("click", function (event) {
    var button = event.target.closest("#site-menu-button");
    if (!button) { return; }
    var open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", open ? "true" : "false");
    document.getElementById("site-menu").classList.toggle("open", open);
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
    addCopyButtons(box);
  });

  // Each wizard step has an address of its own (htmx pushes it on every
  // step): the page's first entry gets its step's address too, so the
  // browser's Back goes to the previous step, not out of the wizard.
  function markWizardStep() {
    var box = document.getElementById("wizard-step");
    if (box && box.dataset.url && window.location.pathname !== box.dataset.url) {
      window.history.replaceState({htmx: true}, document.title, box.dataset.url);
    }
  }

  // Copy buttons: commands in a wizard step's help (data-copy holds the
  // command) and every code block of a fix.
  function copyText(button, text) {
    var done = function () {
      var label = button.textContent;
      button.textContent = document.body.dataset.copiedLabel || "Copied";
      setTimeout(function () { button.textContent = label; }, 1500);
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(done, function () {});
    }
  }
  function addCopyButtons(root) {
    root.querySelectorAll(".article-body pre").forEach(function (block) {
      if (block.querySelector(".copy-button")) { return; }
      var button = document.createElement("button");
      button.type = "button";
      button.className = "copy-button";
      button.textContent = document.body.dataset.copyLabel || "Copy";
      button.dataset.copyBlock = "1";
      block.appendChild(button);
    });
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest(".copy-button");
    if (!button) { return; }
    if (button.dataset.copy !== undefined) {
      copyText(button, button.dataset.copy);
    } else if (button.dataset.copyBlock) {
      var code = button.parentNode.querySelector("code") || button.parentNode;
      copyText(button, code.textContent.replace(button.textContent, "").trim());
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    markWizardStep();
    addCopyButtons(document);
  });
})();
