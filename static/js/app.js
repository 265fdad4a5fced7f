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

// ---------------------------------------------------------------------------------------------------------------
// Forms: text limits and field errors after an autosave (portal/core/textlimits.py, templates/macros/forms.html).
// - A text field with maxlength gets a counter below it once it is close to the limit ("120 karakter tersisa"):
//   shown at once, announced politely (aria-live) after a pause in typing. Its words come from
//   <meta name="form-texts"> in base.html; without them no counter is shown.
// - A paste longer than the room left is not cut by the browser (which would do it silently): the whole text goes
//   in and the counter says how many characters are too many; the server then refuses that field with its message
//   while the other fields of an autosave are saved.
// - After an htmx swap, every error slot (data-error-for) sets or clears aria-invalid on its field, which keeps
//   what was typed: autosave answers replace only the slots, never the field.
(function () {
  "use strict";
  var texts = null;
  var timers = {};

  function say(key, n) {
    if (texts === null) {
      var meta = document.querySelector('meta[name="form-texts"]');
      texts = meta ? meta.dataset : {};
    }
    var template = texts[key];
    return template ? template.replace("{n}", n.toLocaleString(document.documentElement.lang || "id")) : "";
  }

  function limitOf(field) {
    if (!field || !field.getAttribute || !(field.tagName === "TEXTAREA" ||
        (field.tagName === "INPUT" && /^(text|search|url|email|tel)$/.test(field.type)))) {
      return 0;
    }
    var max = parseInt(field.getAttribute("maxlength"), 10);
    return max > 0 ? max : 0;
  }

  // Shown within 10 % of the limit, and at least in the last 20 characters.
  function near(max) { return Math.max(20, Math.ceil(max * 0.1)); }

  function counterFor(field, create) {
    var counter = field.id ? document.getElementById(field.id + "-count") : field.nextElementSibling;
    if (counter && counter.classList.contains("char-count")) { return counter; }
    if (!create || !say("left", 0)) { return null; }
    counter = document.createElement("small");
    counter.className = "char-count";
    if (field.id) { counter.id = field.id + "-count"; }
    var shown = document.createElement("span");
    shown.setAttribute("aria-hidden", "true");
    var spoken = document.createElement("span");
    spoken.className = "visually-hidden";
    spoken.setAttribute("aria-live", "polite");
    counter.appendChild(shown);
    counter.appendChild(spoken);
    field.insertAdjacentElement("afterend", counter);
    return counter;
  }

  function update(field) {
    var max = limitOf(field);
    var counter = max && counterFor(field, true);
    if (!counter) { return; }
    var left = max - field.value.length;
    var message = left > near(max) ? "" : (left >= 0 ? say("left", left) : say("over", -left));
    counter.classList.toggle("char-count-over", left < 0);
    counter.classList.toggle("char-count-shown", message !== "");
    counter.firstChild.textContent = message;
    var key = field.id || field.name;
    clearTimeout(timers[key]);
    timers[key] = setTimeout(function () { counter.lastChild.textContent = message; }, 900);
  }

  // The live region exists before its text changes (created on focus), or screen readers may not announce it.
  document.addEventListener("focusin", function (event) {
    if (limitOf(event.target)) { update(event.target); }
  });
  document.addEventListener("input", function (event) {
    if (limitOf(event.target)) { update(event.target); }
  });

  document.addEventListener("paste", function (event) {
    var field = event.target;
    var max = limitOf(field);
    if (!max || !event.clipboardData || field.selectionStart === null) { return; }
    var pasted = event.clipboardData.getData("text/plain");
    pasted = field.tagName === "TEXTAREA" ? pasted.replace(/\r\n?/g, "\n") : pasted.replace(/[\r\n]+/g, " ");
    var start = field.selectionStart;
    var end = field.selectionEnd;
    if (field.value.length - (end - start) + pasted.length <= max) { return; }
    event.preventDefault();
    field.setRangeText(pasted, start, end, "end");
    field.dispatchEvent(new Event("input", { bubbles: true }));
  });

  function syncErrors() {
    var slots = document.querySelectorAll("[data-error-for]");
    for (var i = 0; i < slots.length; i++) {
      var slot = slots[i];
      var field = document.getElementById(slot.getAttribute("data-error-for"));
      if (!field) { continue; }
      var ids = (field.getAttribute("aria-describedby") || "").split(/\s+/).filter(function (id) {
        return id && id !== slot.id;
      });
      if (slot.textContent.trim()) {
        field.setAttribute("aria-invalid", "true");
        ids.unshift(slot.id);
        var box = slot.closest("details");
        if (box) { box.open = true; }
      } else {
        field.removeAttribute("aria-invalid");
      }
      if (ids.length) { field.setAttribute("aria-describedby", ids.join(" ")); }
      else { field.removeAttribute("aria-describedby"); }
    }
  }
  document.addEventListener("htmx:afterSettle", syncErrors);
})();

// A form that autosaves with htmx and is then sent with one of its buttons (a normal submission, e.g. the
// questionnaire's "Kirim"): an autosave still waiting for its delay must not follow the submission, or it would
// arrive after the answer was sent. Registered last, so a submission cancelled by data-confirm or taken over by
// htmx (defaultPrevented) leaves the form's autosave alone.
(function () {
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !form.hasAttribute("hx-post")) { return; }
    form.setAttribute("data-submitting", "");
    window.setTimeout(function () { form.removeAttribute("data-submitting"); }, 10000);
  });
  document.addEventListener("htmx:confirm", function (event) {
    var form = event.detail.elt && event.detail.elt.closest && event.detail.elt.closest("form");
    if (form && form.hasAttribute("data-submitting")) { event.preventDefault(); }
  });
})();
