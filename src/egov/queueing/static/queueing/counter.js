// The counter panel: one key per frequent action (N next, L call again, P come, X done, V not present).
// A key presses the button that shows it, so htmx handles the request exactly as for a click.
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) { return; }
    if (event.target.closest && event.target.closest("input, textarea, select, [contenteditable]")) { return; }
    var key = (event.key || "").toLowerCase();
    if (key.length !== 1) { return; }
    var button = document.querySelector('#counter-panel [data-shortcut="' + key + '"]');
    if (button && !button.disabled) {
      event.preventDefault();
      button.click();
    }
  });
})();
