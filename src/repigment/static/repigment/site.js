// A table too wide for the screen scrolls inside its .table-wrap; a keyboard user can only
// scroll it if the wrapper takes focus, so a wrapper that overflows is made focusable and
// named after its table's caption or the heading before it (WCAG 2.1.1; axe
// "scrollable-region-focusable"). Run on load, after an htmx swap and on resize.
(function () {
  "use strict";
  function label(wrap) {
    var caption = wrap.querySelector("caption");
    if (caption && caption.textContent.trim()) { return caption.textContent.trim(); }
    var previous = wrap.previousElementSibling;
    while (previous && !/^H[1-6]$/.test(previous.tagName)) { previous = previous.previousElementSibling; }
    return previous ? previous.textContent.trim() : "";
  }
  function mark() {
    var wraps = document.querySelectorAll(".table-wrap");
    for (var i = 0; i < wraps.length; i++) {
      var wrap = wraps[i];
      if (wrap.scrollWidth > wrap.clientWidth + 1) {
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "region");
        if (!wrap.hasAttribute("aria-label")) { wrap.setAttribute("aria-label", label(wrap) || document.title); }
      } else if (wrap.getAttribute("tabindex") === "0") {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
      }
    }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", mark); } else { mark(); }
  document.addEventListener("htmx:afterSwap", mark);
  var pending = null;
  window.addEventListener("resize", function () {
    clearTimeout(pending);
    pending = setTimeout(mark, 100);
  });
})();

// After a failed submit the page opens on its error summary: focus goes to it, so a screen
// reader reads what to correct and a keyboard user starts from there. Each link in it puts the
// focus in its field (a plain jump to the id would only scroll) with the field's label in view.
(function () {
  "use strict";
  function focusSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) { summary.focus(); }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", focusSummary); } else { focusSummary(); }
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("[data-error-summary] a[href^='#']") : null;
    if (!link) { return; }
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (!field) { return; }
    event.preventDefault();
    var holder = field.closest(".field") || field;
    holder.scrollIntoView();
    field.focus({ preventScroll: true });
  });
})();
