// A text filter over a long select's options (the staff ticket page's fixes
// and problem codes). Progressive enhancement: a select marked
// data-option-filter gets a search box above it; typing hides the options
// whose text lacks any of the typed words (chosen ones stay), and the groups
// left empty. Without
// script the select works as it is. The box's label and the count's wording
// come from the select's data attributes, translated by the server.
(function () {
  function normalized(text) {
    return text.toLocaleLowerCase().normalize("NFKC");
  }

  function enhance(select) {
    var box = document.createElement("input");
    box.type = "search";
    box.id = select.id + "-filter";
    box.autocomplete = "off";
    box.className = "option-filter";
    box.setAttribute("aria-controls", select.id);
    var label = document.createElement("label");
    label.htmlFor = box.id;
    label.textContent = select.dataset.filterLabel;
    var count = document.createElement("p");
    count.className = "option-filter-count";
    count.setAttribute("role", "status");
    // Empty until something is typed; stays in the page so it is announced.
    count.style.margin = "0";
    select.parentNode.insertBefore(label, select);
    select.parentNode.insertBefore(box, select);
    select.parentNode.insertBefore(count, select);

    // The empty choice ("No article fits") stays in sight whatever is typed.
    var options = Array.prototype.filter.call(select.options, function (option) {
      return option.value !== "";
    });

    function apply() {
      var words = normalized(box.value).split(/\s+/).filter(Boolean);
      var shown = 0;
      options.forEach(function (option) {
        var text = normalized(option.textContent + " " + option.value);
        var match = words.every(function (word) { return text.indexOf(word) !== -1; });
        // A chosen option stays in sight: what will be sent is never hidden.
        option.hidden = !match && !option.selected;
        if (match) { shown += 1; }
      });
      Array.prototype.forEach.call(select.querySelectorAll("optgroup"), function (group) {
        group.hidden = !Array.prototype.some.call(group.children, function (option) {
          return !option.hidden;
        });
      });
      count.textContent = words.length
        ? select.dataset.filterCount.replace("%(shown)s", shown).replace("%(total)s", options.length)
        : "";
    }

    box.addEventListener("input", apply);
    // Enter in the box picks the first match instead of sending the form.
    box.addEventListener("keydown", function (event) {
      if (event.key !== "Enter") { return; }
      event.preventDefault();
      var first = options.filter(function (option) { return !option.hidden; })[0];
      if (first) {
        first.selected = true;
        select.dispatchEvent(new Event("change", {bubbles: true}));
        select.focus();
      }
    });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("select[data-option-filter]"), enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
