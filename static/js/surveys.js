/* Surveys: progressive enhancement only. Without this script every question is shown, and the server
   ignores answers to questions whose condition is not met. */
(function () {
  "use strict";

  function matches(form, name, value) {
    var inputs = form.querySelectorAll('input[name="' + name + '"]');
    for (var i = 0; i < inputs.length; i++) {
      if (inputs[i].checked && inputs[i].value === value) { return true; }
    }
    return false;
  }

  function update(form) {
    var blocks = form.querySelectorAll("[data-show-if-name]");
    for (var i = 0; i < blocks.length; i++) {
      var block = blocks[i];
      var shown = matches(form, block.getAttribute("data-show-if-name"), block.getAttribute("data-show-if-value"));
      block.hidden = !shown;
      var fields = block.querySelectorAll("input, textarea, select");
      for (var j = 0; j < fields.length; j++) { fields[j].disabled = !shown; }
    }
  }

  var forms = document.querySelectorAll("form.survey-form");
  for (var f = 0; f < forms.length; f++) {
    (function (form) {
      form.addEventListener("change", function () { update(form); });
      update(form);
    })(forms[f]);
  }

  var printButtons = document.querySelectorAll("[data-print]");
  for (var p = 0; p < printButtons.length; p++) {
    printButtons[p].hidden = false;
    printButtons[p].addEventListener("click", function () { window.print(); });
  }
})();
