/* Flags a publish time that has already passed, before the form is sent.
 *
 * Inputs: <input type="datetime-local" data-nr-schedule-input data-now="…">,
 * whose value is Hong Kong time (UTC+8 all year; no daylight saving) whatever
 * the browser's own zone. data-now is the server's clock in milliseconds
 * when the page was made, so a wrong clock on the editor's machine does not
 * matter. The input's aria-describedby names its warning element
 * ([data-nr-past-warning], with the text in data-message).
 *
 * While typing, a past time is marked (aria-invalid) and explained. Pressing
 * a button that schedules ([data-nr-schedules]) with a past time is stopped,
 * and the field focused. The server refuses a past time anyway; this only
 * says so sooner. No inline scripts: the page's CSP forbids them.
 */
(function () {
  "use strict";

  const HONG_KONG_OFFSET_MS = 8 * 60 * 60 * 1000;
  // As on the server (articles/desk/scheduling.py): the current minute is not past.
  const TOLERANCE_MS = 60 * 1000;
  const VALUE_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/;

  function hongKongMs(value) {
    const m = VALUE_RE.exec(value || "");
    if (!m) return null;
    const utc = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]);
    return utc - HONG_KONG_OFFSET_MS;
  }

  function warningFor(input) {
    const ids = (input.getAttribute("aria-describedby") || "").split(/\s+/);
    for (const id of ids) {
      const element = id && document.getElementById(id);
      if (element && element.hasAttribute("data-nr-past-warning")) return element;
    }
    return null;
  }

  function setUp(input) {
    const serverNow = parseInt(input.dataset.now, 10);
    const skew = Number.isFinite(serverNow) ? serverNow - Date.now() : 0;
    const warning = warningFor(input);

    const isPast = function () {
      const at = hongKongMs(input.value);
      return at !== null && at < Date.now() + skew - TOLERANCE_MS;
    };

    const show = function () {
      const past = isPast();
      if (past) input.setAttribute("aria-invalid", "true");
      else input.removeAttribute("aria-invalid");
      if (warning) warning.textContent = past ? warning.dataset.message || "" : "";
      return past;
    };

    input.addEventListener("input", show);
    input.addEventListener("change", show);
    const form = input.form;
    if (!form) return;
    form.addEventListener("submit", function (event) {
      const button = event.submitter;
      if (!button || !button.hasAttribute("data-nr-schedules")) return;
      if (show()) {
        event.preventDefault();
        event.stopImmediatePropagation();
        const group = input.closest("details");
        if (group) group.open = true;
        input.focus();
      }
    });
  }

  function start() {
    document.querySelectorAll("input[data-nr-schedule-input]").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
