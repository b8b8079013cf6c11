/* Names for the change form's controls that arrive without one.
 *
 * Screen readers (and axe-core) need a name on every control. Three kinds
 * come without: the rich text editor's editable area (django-prose-editor
 * builds it next to its <textarea>), Select2's boxes of the admin's
 * autocomplete fields (built next to the hidden <select>), and the fields
 * of tabular inlines (the byline), which Django heads with a column title
 * instead of a <label>. Each gets the text of its field's label or column
 * title as aria-label. The editor and Select2 build their elements after
 * this script runs (and again for a new byline row), so a MutationObserver
 * names them as they appear.
 */
(function () {
  "use strict";

  function clean(text) {
    return (text || "").replace(/\s+/g, " ").replace(/[\s:：*]+$/, "").trim();
  }

  // The text that names ``control``: its <label>, else its column's title.
  function nameOf(control) {
    if (!control) return "";
    if (control.id) {
      const label = document.querySelector('label[for="' + CSS.escape(control.id) + '"]');
      if (label) return clean(label.textContent);
    }
    const cell = control.closest("td");
    const table = cell && cell.closest("table");
    if (!table) return "";
    for (const name of cell.classList) {
      if (!name.startsWith("field-")) continue;
      const head = table.querySelector("thead th.column-" + CSS.escape(name.slice(6)));
      if (head) return clean(head.textContent);
    }
    return "";
  }

  function name(element, text) {
    if (text && !element.hasAttribute("aria-label")) element.setAttribute("aria-label", text);
  }

  function selectOf(select2Part) {
    const container = select2Part.closest(".select2-container");
    const select = container && container.previousElementSibling;
    return select && select.tagName === "SELECT" ? select : null;
  }

  function nameAll() {
    for (const area of document.querySelectorAll(".prose-editor .ProseMirror:not([aria-label])")) {
      const wrap = area.closest(".prose-editor");
      name(area, nameOf(wrap && wrap.querySelector("textarea")));
    }
    for (const part of document.querySelectorAll(
      ".select2-selection__rendered:not([aria-label]), .select2-search__field:not([aria-label])",
    )) {
      name(part, nameOf(selectOf(part)));
    }
    for (const control of document.querySelectorAll(
      ".tabular td[class*='field-'] :is(input, select, textarea):not([type='hidden']):not([aria-label])",
    )) {
      const labelled =
        control.labels && control.labels.length > 0 ? true : control.hasAttribute("aria-labelledby");
      if (!labelled) name(control, nameOf(control));
    }
  }

  let queued = false;
  function queue() {
    if (queued) return;
    queued = true;
    window.queueMicrotask(function () {
      queued = false;
      nameAll();
    });
  }

  function start() {
    nameAll();
    new MutationObserver(queue).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
