// Tag suggestions for the article form's tag field.
// Tags are separated by commas or Chinese punctuation (，、；), as the server
// parses them (articles/tagging.py). Suggestions for the tag being typed come
// from the admin's tag-suggest endpoint and are offered through a native
// <datalist> whose options are the whole field value with that last tag
// completed, so picking one keeps the tags already typed.
//
// A tag typed in the other script of an existing tag (电动车 for 電動車) is
// saved as the existing tag anyway; the endpoint names it ("existing") and a
// note under the field says so, with a button that puts the existing name in.
// The datalist cannot show it: browsers only list options matching the text.
(function () {
  "use strict";
  const SEPARATORS = /[,，、;；]/;

  function lastTag(value) {
    const parts = value.split(SEPARATORS);
    return parts[parts.length - 1].trim();
  }

  // The field's value with the tag being typed replaced by ``name``.
  function withLastTag(value, name) {
    const head = value.slice(0, value.length - value.split(SEPARATORS).pop().length);
    // Full-width punctuation carries its own space; an ASCII comma wants one.
    return head + (/[,;]$/.test(head) ? " " : "") + name;
  }

  function format(template, values) {
    return (template || "").replace(/%\((\w+)\)s/g, (match, key) =>
      key in values ? values[key] : match);
  }

  function attach(input) {
    const list = document.createElement("datalist");
    list.id = input.id + "_suggestions";
    input.setAttribute("list", list.id);
    input.after(list);

    const note = document.createElement("div");
    note.id = input.id + "_existing";
    note.className = "nr-tag-existing";
    note.setAttribute("role", "status");
    list.after(note);
    let existing = null;

    function offer(typed, name) {
      existing = name;
      if (!name) { note.replaceChildren(); return; }
      const text = document.createElement("span");
      text.className = "help";
      text.textContent = format(input.dataset.existingMessage, { typed: typed, name: name });
      const use = document.createElement("button");
      use.type = "button";
      use.className = "button nr-tag-use";
      use.textContent = format(input.dataset.useLabel, { name: name });
      note.replaceChildren(text, " ", use);
    }

    note.addEventListener("click", function (event) {
      if (!existing || !event.target.closest(".nr-tag-use")) return;
      input.value = withLastTag(input.value, existing);
      offer(null, null);
      input.focus();
    });

    let timer = null;
    let controller = null;

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(async function () {
        const query = lastTag(input.value);
        if (!query) { list.replaceChildren(); offer(null, null); return; }
        if (controller) controller.abort();
        controller = new AbortController();
        const url = input.dataset.suggestUrl + "?q=" + encodeURIComponent(query);
        let data;
        try {
          const response = await fetch(url, { signal: controller.signal, credentials: "same-origin" });
          if (!response.ok) return;
          data = await response.json();
        } catch (error) {
          return; // aborted or offline: no suggestions, typing goes on
        }
        if (lastTag(input.value) !== query) return; // typed on meanwhile
        const typed = new Set(input.value.split(SEPARATORS).map((t) => t.trim()));
        list.replaceChildren(...data.results
          .filter((name) => !typed.has(name) || name === query)
          .map((name) => {
            const option = document.createElement("option");
            option.value = withLastTag(input.value, name);
            option.label = name;
            return option;
          }));
        offer(query, data.existing && !typed.has(data.existing) ? data.existing : null);
      }, 200);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-suggest-url]").forEach(attach);
  });
})();
