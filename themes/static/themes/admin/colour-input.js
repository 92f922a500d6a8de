/* Keeps the colour picker and the hex field of a theme colour in step. */
(function () {
  function bind(root) {
    var picker = root.querySelector('input[type="color"]');
    var text = root.querySelector('input[type="text"]');
    if (!picker || !text || root.dataset.bound) return;
    root.dataset.bound = '1';
    picker.addEventListener('input', function () { text.value = picker.value; });
    text.addEventListener('input', function () {
      if (/^#[0-9a-fA-F]{6}$/.test(text.value)) picker.value = text.value.toLowerCase();
    });
  }
  function bindAll() { document.querySelectorAll('[data-colour-input]').forEach(bind); }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', bindAll);
  else bindAll();
})();
