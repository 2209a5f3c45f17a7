/* dailycast site: progressive enhancement only. Without it every page still reads, the audio plays,
   chapter and cue times are links to the MP3 at that time (media fragment #t=). */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  /* Copy the feed URL. navigator.clipboard needs a secure context (https, localhost); on a LAN
     address over http it is missing, so fall back to selecting the text and execCommand. */
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var input = document.getElementById(button.getAttribute("data-copy"));
    var status = document.querySelector(".copy-status");
    if (!input) return;
    button.hidden = false;
    function say(key) {
      if (!status) return;
      status.textContent = "";
      window.setTimeout(function () { status.textContent = status.getAttribute(key) || ""; }, 50);
    }
    function fallback() {
      input.focus();
      input.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      say(ok ? "data-copied" : "data-failed");
    }
    button.addEventListener("click", function () {
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(input.value).then(function () { say("data-copied"); }, fallback);
      } else {
        fallback();
      }
    });
    input.addEventListener("focus", function () { input.select(); });
  });

  var audio = document.getElementById("player");
  if (!audio) return;
  var cues = Array.prototype.slice.call(document.querySelectorAll(".cue[data-start]"));
  var chapters = Array.prototype.slice.call(document.querySelectorAll(".chapters a[data-start]"));
  document.querySelectorAll(".js-only").forEach(function (el) { el.hidden = false; });

  function seek(seconds, play) {
    if (!isFinite(seconds)) return;
    function go() {
      audio.currentTime = seconds;
      if (play) {
        var p = audio.play();
        if (p && p.catch) p.catch(function () { /* autoplay refused: the position is still set */ });
      }
      highlight();
    }
    if (audio.readyState >= 1) go();  // HAVE_METADATA: currentTime can be set
    else {
      audio.addEventListener("loadedmetadata", go, { once: true });
      if (audio.preload === "none" || audio.networkState === 0) audio.load();
    }
  }

  /* Chapter links and cue time links: seek instead of leaving the page. Enter on a focused link
     fires click too, so the keyboard path is the same. */
  document.addEventListener("click", function (event) {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    var target = event.target.closest ? event.target.closest("a.seek[data-start], .cue[data-start]") : null;
    if (!target) return;
    if (target.classList.contains("cue")) {
      if (event.target.closest("a:not(.seek)")) return;            // a real link inside a cue
      var selection = window.getSelection && window.getSelection();
      if (selection && String(selection).length > 0) return;       // selecting text, not seeking
    }
    event.preventDefault();
    seek(parseFloat(target.getAttribute("data-start")), true);
  });

  /* The cue and chapter at the current time: aria-current, and the cue kept in view while the
     listener follows along (only if the previous one was visible, so reading elsewhere is left alone). */
  var currentCue = null;
  var currentChapter = null;
  function find(list, t) {
    var found = null;
    for (var i = 0; i < list.length; i++) {
      var start = parseFloat(list[i].getAttribute("data-start"));
      var end = parseFloat(list[i].getAttribute("data-end"));
      if (t >= start && (isNaN(end) || t < end)) found = list[i];
      else if (start > t) break;
    }
    return found;
  }
  function visible(el) {
    var r = el.getBoundingClientRect();
    return r.bottom > 0 && r.top < (window.innerHeight || document.documentElement.clientHeight);
  }
  function highlight() {
    var t = audio.currentTime;
    var cue = find(cues, t);
    if (cue !== currentCue) {
      var follow = currentCue && visible(currentCue) && !audio.paused;
      if (currentCue) currentCue.removeAttribute("aria-current");
      if (cue) cue.setAttribute("aria-current", "true");
      currentCue = cue;
      if (cue && follow && !visible(cue)) cue.scrollIntoView({ block: "nearest" });
    }
    var chapter = find(chapters, t);
    if (chapter !== currentChapter) {
      if (currentChapter) currentChapter.removeAttribute("aria-current");
      if (chapter) chapter.setAttribute("aria-current", "true");
      currentChapter = chapter;
    }
  }
  ["timeupdate", "seeked", "loadedmetadata"].forEach(function (name) { audio.addEventListener(name, highlight); });

  /* A shared link like episode.html#t=83 starts the player there (no autoplay). */
  var match = /[#&]t=(\d+(?:\.\d+)?)/.exec(window.location.hash);
  if (match) seek(parseFloat(match[1]), false);
})();
