// Navigation (templates/components/_main_nav.html and the user menu in base.html). Without this file the menu is a
// <details> disclosure that works on its own. Here: the bar open on wide screens (for browsers that cannot show a
// closed <details> by CSS), aria-expanded on every summary, one dropdown open at a time, Escape and a click outside
// close a dropdown, and on a phone the group of the current page opens with the menu.
(function () {
  "use strict";
  var wide = window.matchMedia("(min-width: 768px)");

  function all(selector) { return Array.prototype.slice.call(document.querySelectorAll(selector)); }
  function summaryOf(details) { return details.querySelector(":scope > summary"); }
  function sync(details) {
    var summary = summaryOf(details);
    if (summary) { summary.setAttribute("aria-expanded", details.open ? "true" : "false"); }
  }
  // Dropdowns float over the page: the user menu always, the groups of the bar on wide screens.
  function dropdowns() {
    return all("[data-nav-dropdown]").concat(wide.matches ? all("[data-nav-group]") : []);
  }
  function layout() {
    all("[data-nav-menu]").forEach(function (menu) { menu.open = wide.matches; });
    all("[data-nav-group]").forEach(function (group) {
      group.open = !wide.matches && group.hasAttribute("data-nav-current");
    });
    all("[data-nav-menu], [data-nav-group], [data-nav-dropdown]").forEach(sync);
  }

  document.addEventListener("toggle", function (event) {
    var details = event.target;
    if (!details.matches || !details.matches("[data-nav-menu], [data-nav-group], [data-nav-dropdown]")) { return; }
    sync(details);
    if (details.open && dropdowns().indexOf(details) >= 0) {
      dropdowns().forEach(function (other) { if (other !== details && other.open) { other.open = false; } });
    }
  }, true);

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var open = dropdowns().concat(wide.matches ? [] : all("[data-nav-menu]")).filter(function (details) {
      return details.open && details.contains(document.activeElement);
    });
    if (open.length) {
      var details = open[open.length - 1];  // the innermost one
      details.open = false;
      summaryOf(details).focus();
    }
  });

  document.addEventListener("click", function (event) {
    dropdowns().forEach(function (details) {
      if (details.open && !details.contains(event.target)) { details.open = false; }
    });
  });

  if (wide.addEventListener) { wide.addEventListener("change", layout); }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", layout);
  } else {
    layout();
  }
})();
