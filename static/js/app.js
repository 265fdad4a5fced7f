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
      // Capturing on document runs before htmx's own listener on the form: stop the event reaching it.
      event.preventDefault();
      event.stopPropagation();
    }
  }, true);
})();
// A <select data-fill-target="#id"> copies the chosen option's text into that field (feedback phrases), where it
// can be edited before sending. Without JS the form's "Gunakan frasa" button does the same on the server.
document.addEventListener("change", function (event) {
  var select = event.target;
  var selector = select && select.getAttribute && select.getAttribute("data-fill-target");
  if (!selector || !select.value) { return; }
  var target = document.querySelector(selector);
  var option = select.options[select.selectedIndex];
  if (!target || !option) { return; }
  var current = target.value.trim();
  target.value = current ? current + " " + option.text : option.text;
  target.focus();
});
// A submit button with data-confirm asks before its own submission (the questionnaire's "Kirim", not "Simpan draf").
document.addEventListener("submit", function (event) {
  var button = event.submitter;
  var message = button && button.getAttribute && button.getAttribute("data-confirm");
  if (message && !window.confirm(message)) {
    event.preventDefault();
    event.stopPropagation();
  }
}, true);
