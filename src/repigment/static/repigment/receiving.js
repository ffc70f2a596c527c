/* Receiving at the counter: an optional sound cue after each scan (off unless the pharmacist
   turns it on; the choice is kept in this browser). The tone is made here with the Web Audio
   API: two rising notes when the pack is accepted, one low buzz when it is not. */
(function () {
  "use strict";
  var KEY = "repigment.scanSound";
  var box = document.getElementById("scan-sound");
  var audio = null;

  function enabled() {
    try { return window.localStorage.getItem(KEY) === "on"; } catch (e) { return false; }
  }

  function context() {
    var Make = window.AudioContext || window.webkitAudioContext;
    if (!Make) { return null; }
    if (!audio) { audio = new Make(); }
    if (audio.state === "suspended") { audio.resume(); }
    return audio;
  }

  function note(ctx, frequency, start, length, wave) {
    var osc = ctx.createOscillator();
    var gain = ctx.createGain();
    osc.type = wave;
    osc.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, ctx.currentTime + start);
    gain.gain.exponentialRampToValueAtTime(0.25, ctx.currentTime + start + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, ctx.currentTime + start + length);
    osc.connect(gain).connect(ctx.destination);
    osc.start(ctx.currentTime + start);
    osc.stop(ctx.currentTime + start + length + 0.05);
  }

  function cue() {
    var result = document.getElementById("scan-result");
    if (!result || !enabled()) { return; }
    var accepted = result.getAttribute("data-tone") === "ok";
    document.body.setAttribute("data-last-cue", accepted ? "accept" : "refuse");
    var ctx = context();
    if (!ctx) { return; }
    if (accepted) {
      note(ctx, 880, 0, 0.12, "sine");
      note(ctx, 1320, 0.13, 0.15, "sine");
    } else {
      note(ctx, 180, 0, 0.45, "square");
    }
  }

  if (box) {
    box.checked = enabled();
    box.addEventListener("change", function () {
      try { window.localStorage.setItem(KEY, box.checked ? "on" : "off"); } catch (e) { /* private mode */ }
      if (box.checked) { context(); }  /* a click unlocks audio for later scans */
    });
  }
  document.body.addEventListener("htmx:afterSettle", function (event) {
    if (event.target && event.target.id === "receive-page") { cue(); }
  });
  cue();  /* a scan posted without HTMX lands on a fresh page */
})();
