/* The article change form (add and change).
 *
 * 1. No lost edits. What the person types into the fields in FIELDS is kept
 *    in this browser's localStorage, under "newsroom:local-draft:" + the key
 *    in #id_local_draft_key ("article-<pk>" or "article-new-<user pk>"), as
 *    {savedAt, baseVersion, fields}. It is written shortly after each edit,
 *    when the form is submitted, and when the page is hidden or left. It is
 *    dropped only when the server confirms the save: the page after a
 *    successful save carries <meta name="nr-saved-drafts"> (see
 *    templates/admin/base_site.html and saved-drafts.js). A crashed tab, a
 *    refused save (validation error, stale version) or an expired session
 *    therefore keep the copy, and the next time the form is opened the
 *    #nr-local-draft banner offers to restore it.
 * 2. A live character count and reading time in #nr-meter, by the rule of
 *    articles/sanitize.py (count_characters, reading_minutes).
 * 3. Preview-link messages: the <input class="nr-copy"> selects its text on
 *    click or focus.
 *
 * No inline scripts or handlers: the template passes text and settings in
 * data-attributes. #id_local_draft_key gets data-state (waiting, none,
 * offered, restored, discarded, kept, off) once the local copy is set up.
 */
(function () {
  "use strict";

  const PREFIX = "newsroom:local-draft:";
  const FIELDS = [
    "headline",
    "title_en",
    "dek",
    "key_points",
    "body",
    "tags",
    "source",
    "workflow_note",
  ];
  const KEY_RE = /^article-(new-)?\d+$/;
  const STORE_DELAY_MS = 500;
  const METER_DELAY_MS = 120;
  // How long to wait for the rich text editor before comparing without it.
  const EDITOR_WAIT_MS = 5000;
  // Copies nobody came back to are dropped after this long.
  const MAX_AGE_MS = 30 * 24 * 60 * 60 * 1000;

  // --- storage ---------------------------------------------------------------

  const storage = (function () {
    try {
      const s = window.localStorage;
      s.setItem(PREFIX + "probe", "1");
      s.removeItem(PREFIX + "probe");
      return s;
    } catch (error) {
      return null; // Disabled or unavailable: no local copies.
    }
  })();

  function readCopy(key) {
    if (!storage) return null;
    try {
      const copy = JSON.parse(storage.getItem(PREFIX + key));
      if (copy && typeof copy === "object" && copy.fields && typeof copy.fields === "object") {
        return copy;
      }
    } catch (error) {
      // Unreadable: treat as absent.
    }
    return null;
  }

  function removeCopy(key) {
    if (!storage) return;
    try {
      storage.removeItem(PREFIX + key);
    } catch (error) {
      // Nothing to do.
    }
  }

  function pruneCopies(keep) {
    if (!storage) return;
    const now = Date.now();
    const names = [];
    for (let i = 0; i < storage.length; i++) names.push(storage.key(i));
    for (const name of names) {
      if (!name || !name.startsWith(PREFIX) || name === PREFIX + keep) continue;
      const copy = readCopy(name.slice(PREFIX.length));
      if (!copy || !(now - Number(copy.savedAt) < MAX_AGE_MS)) removeCopy(name.slice(PREFIX.length));
    }
  }

  function writeCopy(key, copy) {
    if (!storage) return false;
    const text = JSON.stringify(copy);
    try {
      storage.setItem(PREFIX + key, text);
      return true;
    } catch (error) {
      // Most likely the quota: drop old copies and try once more.
      pruneCopies(key);
      try {
        storage.setItem(PREFIX + key, text);
        return true;
      } catch (again) {
        console.warn("newsroom: could not keep a local copy of the article", again);
        return false;
      }
    }
  }

  function dropSavedCopies() {
    // saved-drafts.js does the same on every admin page; doing it here too
    // means the order in which the two scripts run does not matter.
    const meta = document.querySelector('meta[name="nr-saved-drafts"]');
    if (!meta) return;
    for (const key of (meta.getAttribute("content") || "").split(/\s+/)) {
      if (KEY_RE.test(key)) removeCopy(key);
    }
  }

  // --- the rich text editor (django-prose-editor, Tiptap on ProseMirror) ------
  //
  // createTextareaEditor() wraps the <textarea name="body"> in a
  // div.prose-editor and, on every change, writes the editor's HTML into the
  // textarea and dispatches "input" on it. Tiptap sets the Editor instance as
  // the .editor property of its contenteditable element; the preset also
  // dispatches "prose-editor:ready" with {editor, textarea} when it is built.

  function isProseTextarea(textarea) {
    if (!textarea) return false;
    for (const attribute of textarea.attributes) {
      if (attribute.name.startsWith("data-django-prose-editor")) return true;
    }
    return false;
  }

  function proseEditorFor(textarea) {
    const wrap = textarea && textarea.closest(".prose-editor");
    if (!wrap) return null;
    for (const dom of wrap.querySelectorAll(".ProseMirror")) {
      if (dom.editor && !dom.editor.isDestroyed) return dom.editor;
    }
    return null;
  }

  function whenEditorReady(textarea, callback) {
    let done = false;
    const finish = function () {
      if (done) return;
      done = true;
      document.removeEventListener("prose-editor:ready", onReady);
      callback();
    };
    const onReady = function (event) {
      if (!event.detail || event.detail.textarea === textarea) finish();
    };
    if (!isProseTextarea(textarea) || proseEditorFor(textarea)) {
      finish();
      return;
    }
    document.addEventListener("prose-editor:ready", onReady);
    window.setTimeout(finish, EDITOR_WAIT_MS);
  }

  // Same as django-prose-editor: an empty document is an empty string.
  function actuallyEmpty(html) {
    return /^<(\w+)(\s[^>]*)?><\/\1>$/i.test(html) ? "" : html;
  }

  function bodyValue(textarea) {
    const editor = proseEditorFor(textarea);
    return editor ? actuallyEmpty(editor.getHTML()) : textarea.value;
  }

  function setBody(textarea, html) {
    const editor = proseEditorFor(textarea);
    if (editor) {
      // Parsed through the editor's schema; the editor's update handler
      // copies the result into the textarea. One undo step reverts it.
      editor.commands.setContent(html, { emitUpdate: true });
      textarea.value = actuallyEmpty(editor.getHTML());
    } else {
      textarea.value = html;
    }
    textarea.dispatchEvent(new Event("change", { bubbles: true }));
  }

  // --- counting, by the rule of articles/sanitize.py ---------------------------

  const BLOCK_TAGS = new Set([
    "P", "H2", "H3", "LI", "BLOCKQUOTE", "FIGCAPTION", "CAPTION", "TR", "BR",
    "TABLE", "UL", "OL", "FIGURE",
  ]);
  const CJK_RE = /[\u3400-\u9fff\uf900-\ufaff\u{20000}-\u{2fa1f}]/gu;
  const LATIN_WORD_RE = /[A-Za-z0-9][A-Za-z0-9'\u2019.-]*/g;
  const CJK_CHARS_PER_MINUTE = 450;
  const LATIN_WORDS_PER_MINUTE = 230;

  // html_to_text: the text, with a line break around each block.
  function htmlToText(html) {
    if (!html) return "";
    const doc = new DOMParser().parseFromString(html, "text/html"); // inert
    const parts = [];
    const walk = function (node) {
      for (const child of node.childNodes) {
        if (child.nodeType === Node.TEXT_NODE) {
          parts.push(child.data);
        } else if (child.nodeType === Node.ELEMENT_NODE) {
          const tag = child.tagName;
          if (tag === "SCRIPT" || tag === "STYLE" || tag === "TEMPLATE") continue;
          if (BLOCK_TAGS.has(tag)) parts.push("\n");
          else if (tag === "TD" || tag === "TH") parts.push("\t");
          walk(child);
          if (BLOCK_TAGS.has(tag)) parts.push("\n");
        }
      }
    };
    walk(doc.body);
    return parts.join("");
  }

  // LinesFormField.to_python: one point per non-empty line, bullets dropped.
  function keyPointLines(text) {
    return (text || "")
      .split(/\r\n|\r|\n/)
      .map((line) => line.replace(/^[ \t\u3000]+|[ \t\u3000]+$/g, ""))
      .map((line) => line.replace(/^[•·\-*・ ]+/, "").trim())
      .filter(Boolean);
  }

  // Code points, as Python counts: a character outside the BMP is one.
  function countCharacters(text) {
    return Array.from((text || "").replace(/\s/g, "")).length;
  }

  // Python's round(): halves go to the even neighbour.
  function pythonRound(x) {
    const floor = Math.floor(x);
    const diff = x - floor;
    if (diff > 0.5) return floor + 1;
    if (diff < 0.5) return floor;
    return floor % 2 === 0 ? floor : floor + 1;
  }

  function readingMinutes(text) {
    if (!text || !text.trim()) return 0;
    const cjk = (text.match(CJK_RE) || []).length;
    const words = (text.match(LATIN_WORD_RE) || []).length;
    const minutes = cjk / CJK_CHARS_PER_MINUTE + words / LATIN_WORDS_PER_MINUTE;
    return Math.max(1, pythonRound(minutes + 0.49));
  }

  // --- helpers --------------------------------------------------------------

  function fill(template, values) {
    return String(template || "").replace(/%\((\w+)\)s/g, (all, name) =>
      name in values ? String(values[name]) : all,
    );
  }

  function pageLanguage() {
    return document.documentElement.lang || undefined;
  }

  // The one way times are written for people (newsroom/display.py):
  // 2026年12月6日 12:50 HKT, on Hong Kong's clock whatever the browser's zone.
  function formatTime(ms) {
    const date = new Date(Number(ms));
    const parts = {};
    new Intl.DateTimeFormat("en-GB", {
      timeZone: "Asia/Hong_Kong",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    })
      .formatToParts(date)
      .forEach((part) => {
        parts[part.type] = part.value;
      });
    return `${parts.year}年${Number(parts.month)}月${Number(parts.day)}日 ${parts.hour}:${parts.minute} HKT`;
  }

  function listFormat(items) {
    try {
      return new Intl.ListFormat(pageLanguage(), { type: "conjunction" }).format(items);
    } catch (error) {
      return items.join(", ");
    }
  }

  function fieldLabel(element) {
    const label = element.id && document.querySelector('label[for="' + element.id + '"]');
    const text = label ? label.textContent : element.name;
    return text.replace(/[\s:：]+$/, "").trim();
  }

  function normalise(value) {
    return String(value == null ? "" : value).replace(/\r\n?/g, "\n");
  }

  // --- the form ---------------------------------------------------------------

  function editableFields(form) {
    const found = {};
    for (const name of FIELDS) {
      const element = form.elements.namedItem(name);
      if (
        (element instanceof HTMLInputElement || element instanceof HTMLTextAreaElement) &&
        element.type !== "hidden" &&
        !element.disabled &&
        !element.readOnly
      ) {
        found[name] = element;
      }
    }
    return found;
  }

  function setUpMeter(fields) {
    const meter = document.getElementById("nr-meter");
    if (!meter || !fields.headline) return function () {};
    const chars = document.createElement("span");
    chars.className = "nr-meter-chars";
    const minutes = document.createElement("span");
    minutes.className = "nr-meter-minutes";
    meter.replaceChildren(chars, minutes);
    let timer = null;

    const update = function () {
      timer = null;
      const text = [
        fields.headline ? fields.headline.value : "",
        fields.dek ? fields.dek.value : "",
        ...keyPointLines(fields.key_points ? fields.key_points.value : ""),
        fields.body ? htmlToText(bodyValue(fields.body)) : "",
      ].join("\n");
      const count = countCharacters(text);
      const read = readingMinutes(text);
      chars.dataset.count = String(count);
      chars.textContent = count.toLocaleString(pageLanguage()) + " " + (meter.dataset.charsLabel || "");
      minutes.dataset.minutes = String(read);
      minutes.textContent = read ? read + " " + (meter.dataset.minutesLabel || "") : "";
      minutes.hidden = !read;
    };
    update();
    return function (now) {
      if (timer !== null) window.clearTimeout(timer);
      if (now) update();
      else timer = window.setTimeout(update, METER_DELAY_MS);
    };
  }

  function setUpLocalCopy(form, keyInput, fields, updateMeter) {
    const key = keyInput.value;
    const setState = function (state) {
      keyInput.dataset.state = state;
    };
    if (!storage || !KEY_RE.test(key) || !fields.headline) {
      setState("off");
      return;
    }
    setState("waiting");
    dropSavedCopies();
    pruneCopies(key);

    const isNew = key.startsWith("article-new-");
    const loadedVersion = parseInt(keyInput.dataset.version, 10) || 0;
    const baseVersionInput = form.elements.namedItem("base_version");
    const banner = document.getElementById("nr-local-draft");
    // The server re-rendered the form after a refused save: it holds the
    // person's unsaved text, not what is saved.
    const hasErrors = document.querySelector(".errornote") !== null;
    // On reload or back/forward the browser may refill the fields itself.
    const refilled = Object.values(fields).some(
      (element) => normalise(element.value) !== normalise(element.defaultValue),
    );
    // Until the person edits, there is nothing of theirs to keep, unless the
    // form already holds unsaved text.
    let dirty = hasErrors || refilled;
    let ready = false;
    let initial = null; // the saved values, when the form was loaded clean
    let pending = null; // the copy offered in the banner, not yet decided on
    let submitting = false;
    let timer = null;

    const snapshot = function () {
      const values = {};
      for (const [name, element] of Object.entries(fields)) {
        values[name] = normalise(name === "body" ? bodyValue(element) : element.value);
      }
      return values;
    };

    const differing = function (copyFields, values) {
      return Object.keys(values).filter(
        (name) => Object.hasOwn(copyFields, name) && normalise(copyFields[name]) !== values[name],
      );
    };

    const baseVersion = function () {
      const value = baseVersionInput ? parseInt(baseVersionInput.value, 10) : NaN;
      return Number.isFinite(value) ? value : loadedVersion;
    };

    const store = function () {
      if (timer !== null) {
        window.clearTimeout(timer);
        timer = null;
      }
      if (!ready || !dirty) return;
      const values = snapshot();
      if (initial && differing(values, initial).length === 0) {
        // Back to exactly what is saved: nothing to keep (but leave a copy
        // that is still on offer alone).
        if (!pending) removeCopy(key);
        return;
      }
      writeCopy(key, { savedAt: Date.now(), baseVersion: baseVersion(), fields: values });
    };

    const hideBanner = function () {
      if (!banner) return;
      banner.hidden = true;
      banner.replaceChildren();
    };

    const restore = function (copy) {
      for (const [name, element] of Object.entries(fields)) {
        if (!Object.hasOwn(copy.fields, name)) continue;
        const value = normalise(copy.fields[name]);
        if (name === "body") {
          setBody(element, value);
        } else if (normalise(element.value) !== value) {
          element.value = value;
          element.dispatchEvent(new Event("change", { bubbles: true }));
        }
      }
      // The copy was typed on an older version: saving it must not silently
      // overwrite what was saved since. With the older base version the
      // server refuses the first save and shows the latest version to merge.
      const copyVersion = parseInt(copy.baseVersion, 10);
      if (!isNew && baseVersionInput && copyVersion > 0 && copyVersion < loadedVersion) {
        baseVersionInput.value = String(copyVersion);
      }
      pending = null;
      dirty = true;
      hideBanner();
      setState("restored");
      store();
      updateMeter(true);
      fields.headline.focus();
    };

    const discard = function () {
      pending = null;
      removeCopy(key);
      hideBanner();
      setState("discarded");
      // Anything typed meanwhile is kept again.
      store();
    };

    const offer = function (copy, changed) {
      if (!banner) {
        setState("none");
        return;
      }
      const message = document.createElement("p");
      message.textContent = fill(banner.dataset.message, { time: formatTime(copy.savedAt) });
      const parts = [message];
      if (banner.dataset.fieldsMessage && changed.length) {
        const which = document.createElement("p");
        which.className = "nr-local-draft-fields";
        which.textContent = fill(banner.dataset.fieldsMessage, {
          fields: listFormat(changed.map((name) => fieldLabel(fields[name]))),
        });
        parts.push(which);
      }
      const copyVersion = parseInt(copy.baseVersion, 10);
      if (!isNew && banner.dataset.olderMessage && copyVersion > 0 && copyVersion < loadedVersion) {
        const older = document.createElement("p");
        older.className = "nr-local-draft-older";
        older.textContent = fill(banner.dataset.olderMessage, {
          version: copyVersion,
          current: loadedVersion,
        });
        parts.push(older);
      }
      const buttons = document.createElement("p");
      buttons.className = "nr-local-draft-buttons";
      const restoreButton = document.createElement("button");
      restoreButton.type = "button";
      restoreButton.className = "button default nr-local-draft-restore";
      restoreButton.textContent = banner.dataset.restoreLabel || "Restore";
      restoreButton.addEventListener("click", () => restore(pending || copy));
      const discardButton = document.createElement("button");
      discardButton.type = "button";
      discardButton.className = "button nr-local-draft-discard";
      discardButton.textContent = banner.dataset.discardLabel || "Discard";
      discardButton.addEventListener("click", discard);
      buttons.append(restoreButton, discardButton);
      parts.push(buttons);
      banner.replaceChildren(...parts);
      banner.hidden = false;
      setState("offered");
    };

    const onEdit = function (event) {
      const target = event.target;
      const ours =
        (target && target.name && Object.hasOwn(fields, target.name) && fields[target.name] === target) ||
        (fields.body && target instanceof Element && target.closest(".prose-editor") !== null);
      if (!ours) return;
      dirty = true;
      submitting = false;
      updateMeter(false);
      if (timer !== null) window.clearTimeout(timer);
      timer = window.setTimeout(store, STORE_DELAY_MS);
    };
    form.addEventListener("input", onEdit);
    form.addEventListener("change", onEdit);

    form.addEventListener("submit", function () {
      // Keep exactly what is sent: if the save fails, or the session has
      // expired, this is what the person gets back.
      store();
      submitting = true;
    });

    const flush = function () {
      // After a submit, the copy was written; writing again while the next
      // page loads could resurrect a copy that page has just dropped.
      if (!submitting) store();
    };
    window.addEventListener("pagehide", flush);
    window.addEventListener("beforeunload", flush);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") flush();
    });

    whenEditorReady(fields.body, function () {
      ready = true;
      updateMeter(true);
      if (hasErrors || refilled) {
        // The form holds the unsaved text already; keep it safe.
        store();
        setState("kept");
        return;
      }
      initial = snapshot();
      const copy = readCopy(key);
      if (!copy) {
        setState("none");
      } else {
        const changed = differing(copy.fields, initial);
        if (changed.length === 0) {
          removeCopy(key);
          setState("none");
        } else {
          pending = copy;
          offer(copy, changed);
        }
      }
      // Anything typed while the editor was loading.
      if (dirty) store();
    });
  }

  // --- preview links ------------------------------------------------------------

  function selectCopyField(event) {
    const target = event.target;
    if (target instanceof HTMLInputElement && target.classList.contains("nr-copy")) {
      target.select();
    }
  }

  // --- start --------------------------------------------------------------------

  function start() {
    document.addEventListener("focusin", selectCopyField);
    document.addEventListener("click", selectCopyField);

    const keyInput = document.getElementById("id_local_draft_key");
    const form = keyInput && keyInput.form;
    if (!form) {
      dropSavedCopies();
      return;
    }
    const fields = editableFields(form);
    const updateMeter = setUpMeter(fields);
    setUpLocalCopy(form, keyInput, fields, updateMeter);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
