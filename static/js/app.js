// Small progressive enhancements. The portal works without this file.
(function () {
  "use strict";
  // Move focus to the flash area after an htmx swap that carried a message, so screen readers hear it.
  document.addEventListener("htmx:afterSettle", function (event) {
    var flash = document.getElementById("flash");
    if (flash && flash.textContent.trim() && event.detail.target && event.detail.target.id === "flash") {
      flash.setAttribute("tabindex", "-1");
      flash.focus();
    }
  });
  // Buttons with data-print open the browser's print dialog (printed password slips, org chart).
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-print]");
    if (button) {
      event.preventDefault();
      window.print();
    }
  });
  // Forms with data-confirm ask before submitting (deactivate, reset password). Without JS they submit.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.getAttribute && form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  }, true);
})();
