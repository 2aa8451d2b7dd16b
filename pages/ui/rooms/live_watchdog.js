// The live board's watchdog, in the page's own document (pages/ui/rooms/live.py).
// The board's component (live_component/index.html) reloads the page when its server session
// is lost. If the component itself never loaded (the server went away while the page was
// still loading it, so Streamlit gave up on it), nothing would: the board would stay as it was
// for ever. So the component beats (window.mashLiveBeat) at each of its checks, and this
// watchdog, seeing a board on the page with no beat for QUIET_MS while the page is visible,
// asks the server's health check and, once it answers, loads the page again: at most
// MAX_RELOADS times in WINDOW_MS, so a broken page cannot reload for ever.
(function () {
  if (window.mashLiveWatchdog) return;
  window.mashLiveWatchdog = true;
  var QUIET_MS = 30000, EVERY_MS = 5000, MAX_RELOADS = 3, WINDOW_MS = 600000;
  var STORE = "mash_live_reloads";
  var since = Date.now();  // when the board (and this page's visibility) was last seen anew
  var present = false;
  function recent() {
    try {
      var now = Date.now();
      return JSON.parse(sessionStorage.getItem(STORE) || "[]").filter(function (t) {
        return typeof t === "number" && now - t < WINDOW_MS;
      });
    } catch (e) { return []; }
  }
  function reload() {
    var times = recent();
    if (times.length >= MAX_RELOADS) return;
    times.push(Date.now());
    try { sessionStorage.setItem(STORE, JSON.stringify(times)); } catch (e) { /* private mode */ }
    window.location.reload();
  }
  function check() {
    var frame = document.querySelector('iframe[src*="mash_live"]');
    var board = document.querySelector("span.mash-live-watch");
    if (!board || !frame) { present = false; return; }
    if (!present) { present = true; since = Date.now(); }
    if (document.hidden) return;
    var last = Math.max(window.mashLiveBeat || 0, since);
    if (Date.now() - last < QUIET_MS) return;
    var health = new URL("../../_stcore/health", frame.src).pathname;
    fetch(health, {cache: "no-store", credentials: "same-origin"})
      .then(function (r) { if (r.ok) reload(); })
      .catch(function () { /* still down: ask again at the next check */ });
  }
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) since = Date.now();
  });
  setInterval(check, EVERY_MS);
})();
