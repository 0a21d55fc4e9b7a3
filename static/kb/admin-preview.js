// Live preview of the article Markdown, rendered and sanitized by the server
// exactly as the site will show it.
(function () {
  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  function init() {
    var source = document.getElementById("id_body");
    var target = document.getElementById("kb-preview");
    if (!source || !target) { return; }
    var language = document.getElementById("id_language");
    var timer = null;
    function refresh() {
      var body = new URLSearchParams();
      body.set("body", source.value);
      body.set("language", language ? language.value : (target.dataset.language || "en"));
      fetch(target.dataset.previewUrl, {
        method: "POST",
        headers: {"X-CSRFToken": csrfToken(), "Content-Type": "application/x-www-form-urlencoded"},
        body: body.toString(),
        credentials: "same-origin",
      }).then(function (response) { return response.json(); })
        .then(function (data) {
          // The server sanitized this HTML with nh3.
          if (data.html !== undefined) { target.innerHTML = data.html; }
          else { target.textContent = JSON.stringify(data.errors || data); }
        })
        .catch(function () { target.textContent = "Preview unavailable."; });
    }
    source.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(refresh, 300);
    });
    refresh();
  }
  document.addEventListener("DOMContentLoaded", init);
})();
