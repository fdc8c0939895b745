// The hall display: a clock, and (with ?speak=1 on a screen allowed to play sound) the call read aloud.
(function () {
  "use strict";
  var clock = document.getElementById("hall-clock");
  if (clock) {
    var offset = Number(clock.dataset.serverMs) - Date.now();
    var format = new Intl.DateTimeFormat("en-GB", {
      hour: "2-digit", minute: "2-digit", hour12: false, timeZone: clock.dataset.timeZone || undefined
    });
    var tick = function () { clock.textContent = format.format(new Date(Date.now() + offset)); };
    tick();
    setInterval(tick, 10000);
  }

  var announcement = document.getElementById("hall-announcement");
  if (!announcement || document.body.dataset.speak !== "1" || !("speechSynthesis" in window)) { return; }
  new MutationObserver(function () {
    var text = announcement.textContent.trim();
    if (!text) { return; }
    var words = new SpeechSynthesisUtterance(text);
    words.lang = document.documentElement.lang === "en" ? "en-GB" : "vi-VN";
    window.speechSynthesis.speak(words);
  }).observe(announcement, { childList: true, characterData: true, subtree: true });
})();
