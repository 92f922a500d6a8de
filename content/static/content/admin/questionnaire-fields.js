/* The questionnaire editor shows only the fields that apply: reviewer alerts (提醒复核, yes/no
   alerts) on revisit questionnaires, scores on the suitability assessment, yes/no alerts on
   yes/no questions, options on choice questions. Hidden fields keep their values. */
(function () {
  function wrapper(input) {
    return input.closest('[data-field-wrapper]') || input.closest('.w-field__wrapper');
  }
  function show(input, visible) {
    var field = wrapper(input);
    if (field) field.hidden = !visible;
  }
  function apply() {
    var kindSelect = document.querySelector('select[name="kind"]');
    if (!kindSelect || !document.querySelector('[name^="questions-"]')) return;
    var kind = kindSelect.value;
    document.querySelectorAll('input[name^="questions-"][name$="-alert"]').forEach(function (el) {
      show(el, kind === 'revisit');
    });
    document.querySelectorAll('input[name^="questions-"][name$="-score"]').forEach(function (el) {
      show(el, kind === 'suitability');
    });
    document.querySelectorAll('select[name^="questions-"][name$="-value-kind"]').forEach(function (el) {
      var prefix = el.name.slice(0, -'kind'.length);
      var yesNo = el.value === 'yes_no';
      var choice = el.value === 'single' || el.value === 'multiple';
      ['yes_alerts', 'no_alerts'].forEach(function (name) {
        var input = document.querySelector('input[name="' + prefix + name + '"]');
        if (input) show(input, yesNo && kind === 'revisit');
      });
      var options = document.querySelector('[name="' + prefix + 'options-count"]');
      var list = options && (options.closest('[data-field-wrapper]') || options.parentElement);
      if (list) list.hidden = !choice;
    });
  }
  function start() {
    if (!document.querySelector('select[name="kind"]')) return;
    apply();
    document.addEventListener('change', apply);
    new MutationObserver(apply).observe(document.body, { childList: true, subtree: true });
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
