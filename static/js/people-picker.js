// People picker (templates/components/_people_picker.html): the WAI-ARIA 1.2 combobox pattern with a listbox popup
// ("list autocomplete with manual selection"). Without this file the picker is a text field and a "Cari" button that
// the server resolves. Here:
// - the text field becomes role=combobox (aria-autocomplete=list, aria-expanded, aria-controls) and htmx fills the
//   listbox as the user types (hx-trigger on the field; the options come from org.people_search);
// - ArrowDown/ArrowUp move the active option (aria-activedescendant, aria-selected), Enter chooses it, Escape closes
//   the list, Tab leaves (the list closes), a click chooses too;
// - a polite live region says how many people were found, and who was chosen;
// - choosing puts the id into the hidden input, shows the person with a "Ganti" button and hides the text field;
//   "Ganti" empties both and brings the text field back.
(function () {
  "use strict";

  function part(picker, name) { return picker.querySelector("[data-pp-" + name + "]"); }
  function inputOf(picker) { return part(picker, "input"); }
  function listboxOf(picker) {
    var input = inputOf(picker);
    return input ? document.getElementById(input.id + "-listbox") : null;
  }
  function options(picker) {
    var listbox = listboxOf(picker);
    return listbox ? Array.prototype.slice.call(listbox.querySelectorAll("[role=option]")) : [];
  }
  function isOpen(picker) { return inputOf(picker).getAttribute("aria-expanded") === "true"; }

  // The live region is present from the start; clearing it first makes a repeated message heard again.
  function announce(picker, message) {
    var status = part(picker, "status");
    if (!status) { return; }
    status.textContent = "";
    window.setTimeout(function () { status.textContent = message || ""; }, 60);
  }

  function setActive(picker, option) {
    var input = inputOf(picker);
    options(picker).forEach(function (other) {
      var active = other === option;
      other.setAttribute("aria-selected", active ? "true" : "false");
      other.classList.toggle("pp-active", active);
    });
    if (option) {
      input.setAttribute("aria-activedescendant", option.id);
      if (option.scrollIntoView) { option.scrollIntoView({ block: "nearest" }); }
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function activeOption(picker) {
    var id = inputOf(picker).getAttribute("aria-activedescendant");
    return id ? document.getElementById(id) : null;
  }

  function open(picker) {
    if (!options(picker).length) { return false; }
    part(picker, "results").hidden = false;
    inputOf(picker).setAttribute("aria-expanded", "true");
    return true;
  }

  function close(picker) {
    setActive(picker, null);
    inputOf(picker).setAttribute("aria-expanded", "false");
    part(picker, "results").hidden = true;
  }

  function move(picker, step) {
    var list = options(picker);
    if (!list.length) { return; }
    if (!isOpen(picker)) {
      open(picker);
      setActive(picker, step > 0 ? list[0] : list[list.length - 1]);
      return;
    }
    var index = list.indexOf(activeOption(picker));
    index = index < 0 ? (step > 0 ? 0 : list.length - 1) : (index + step + list.length) % list.length;
    setActive(picker, list[index]);
  }

  function showChosen(picker, chosen) {
    part(picker, "chosen").hidden = !chosen;
    part(picker, "entry").hidden = chosen;
    part(picker, "change").hidden = !chosen;
  }

  function choose(picker, option) {
    var input = inputOf(picker);
    var data = option.dataset;
    part(picker, "value").value = data.id;
    input.value = data.nip;  // the text designates the chosen person too (the server checks that they agree)
    var person = part(picker, "person");
    person.textContent = "";
    [["pp-name", data.name], ["pp-nip", data.nip], ["pp-meta", data.position + " \u00b7 " + data.unit]]
      .forEach(function (item, i) {
        if (i) { person.appendChild(document.createTextNode(" ")); }
        var span = document.createElement("span");
        span.className = item[0];
        span.textContent = item[1];
        person.appendChild(span);
      });
    // The radio buttons of an earlier ambiguous answer would override this choice: they go.
    var matches = part(picker, "matches");
    if (matches) { matches.parentNode.removeChild(matches); }
    close(picker);
    showChosen(picker, true);
    part(picker, "change").focus();
    var said = [data.name, data.nip, data.position, data.unit].join(", ");
    announce(picker, (picker.getAttribute("data-text-chosen") || "{person}").replace("{person}", said));
    part(picker, "value").dispatchEvent(new Event("change", { bubbles: true }));
  }

  function change(picker) {
    var input = inputOf(picker);
    part(picker, "value").value = "";
    input.value = "";
    showChosen(picker, false);
    close(picker);
    announce(picker, "");
    input.focus();
  }

  function setup(picker) {
    if (picker.hasAttribute("data-pp-ready")) { return; }
    picker.setAttribute("data-pp-ready", "");
    var input = inputOf(picker);
    var results = part(picker, "results");
    if (!input || !results) { return; }
    if (!listboxOf(picker)) {  // aria-controls names an element that exists before the first search
      var listbox = document.createElement("ul");
      listbox.id = input.id + "-listbox";
      listbox.className = "pp-listbox";
      listbox.setAttribute("role", "listbox");
      listbox.setAttribute("aria-labelledby", input.id + "-label");
      results.appendChild(listbox);
    }
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", input.id + "-listbox");
    results.hidden = true;
    part(picker, "search").hidden = true;  // the list follows the typing; "Cari" is for browsers without JS
    showChosen(picker, Boolean(part(picker, "value").value && part(picker, "person").textContent.trim()));
  }

  function setupAll(root) {
    if (!root || !root.querySelectorAll) { return; }
    if (root.matches && root.matches("[data-people-picker]")) { setup(root); }
    Array.prototype.forEach.call(root.querySelectorAll("[data-people-picker]"), setup);
  }

  function pickerOf(node) {
    return node && node.closest ? node.closest("[data-people-picker][data-pp-ready]") : null;
  }

  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!input.hasAttribute || !input.hasAttribute("data-pp-input")) { return; }
    var picker = pickerOf(input);
    if (!picker) { return; }
    if (event.key === "ArrowDown" || event.key === "Down") {
      event.preventDefault();
      move(picker, 1);
    } else if (event.key === "ArrowUp" || event.key === "Up") {
      event.preventDefault();
      move(picker, -1);
    } else if (event.key === "Enter") {
      var option = isOpen(picker) && activeOption(picker);
      if (option) {
        event.preventDefault();  // choose, do not submit the form
        choose(picker, option);
      }
    } else if (event.key === "Escape" || event.key === "Esc") {
      if (isOpen(picker)) {
        event.preventDefault();
        event.stopPropagation();
        close(picker);
      }
    } else if (event.key === "Tab") {
      close(picker);
    }
  });

  // Typing means another person: the earlier choice no longer holds.
  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.hasAttribute || !input.hasAttribute("data-pp-input")) { return; }
    var picker = pickerOf(input);
    if (picker) { part(picker, "value").value = ""; }
  });

  // A press on an option must not take the focus away from the text field before the click chooses it.
  document.addEventListener("mousedown", function (event) {
    if (event.target.closest && event.target.closest(".pp-listbox [role=option]")) { event.preventDefault(); }
  });

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!target.closest) { return; }
    var option = target.closest(".pp-listbox [role=option]");
    var button = target.closest("[data-pp-change]");
    var picker = pickerOf(option || button);
    if (picker && option) { choose(picker, option); }
    if (picker && button) { change(picker); }
  });

  document.addEventListener("focusout", function (event) {
    var picker = pickerOf(event.target);
    if (!picker) { return; }
    window.setTimeout(function () {
      if (!picker.contains(document.activeElement)) { close(picker); }
    }, 0);
  });

  // New options from the server: open the list (or close it when there are none) and say what was found.
  document.addEventListener("htmx:afterSwap", function (event) {
    var results = event.detail && event.detail.target;
    if (!results || !results.hasAttribute || !results.hasAttribute("data-pp-results")) { return; }
    var picker = pickerOf(results);
    if (!picker) { return; }
    var input = inputOf(picker);
    if (part(picker, "value").value || !part(picker, "entry") || part(picker, "entry").hidden) {
      close(picker);  // a person was chosen while this answer was on its way
      return;
    }
    setActive(picker, null);
    var summary = results.querySelector("[data-pp-summary]");
    var hasOptions = options(picker).length > 0;
    if (hasOptions && document.activeElement === input) {
      open(picker);
    } else {
      input.setAttribute("aria-expanded", "false");
      results.hidden = !(summary && document.activeElement === input);
    }
    announce(picker, summary ? summary.textContent.trim() : "");
  });

  document.addEventListener("htmx:load", function (event) { setupAll(event.detail && event.detail.elt); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { setupAll(document); });
  } else {
    setupAll(document);
  }
})();
