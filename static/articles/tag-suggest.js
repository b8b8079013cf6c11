// Tag suggestions for the article form's tag field.
// Tags are separated by commas or Chinese punctuation (，、；), as the server
// parses them (articles/tagging.py). Suggestions for the tag being typed come
// from the admin's tag-suggest endpoint and are offered through a native
// <datalist> whose options are the whole field value with that last tag
// completed, so picking one keeps the tags already typed.
(function () {
  "use strict";
  const SEPARATORS = /[,，、;；]/;

  function lastTag(value) {
    const parts = value.split(SEPARATORS);
    return parts[parts.length - 1].trim();
  }

  function attach(input) {
    const list = document.createElement("datalist");
    list.id = input.id + "_suggestions";
    input.setAttribute("list", list.id);
    input.after(list);
    let timer = null;
    let controller = null;

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(async function () {
        const query = lastTag(input.value);
        if (!query) { list.replaceChildren(); return; }
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
        const head = input.value.slice(0, input.value.length - input.value.split(SEPARATORS).pop().length);
        const typed = new Set(input.value.split(SEPARATORS).map((t) => t.trim()));
        list.replaceChildren(...data.results
          .filter((name) => !typed.has(name) || name === query)
          .map((name) => {
            const option = document.createElement("option");
            option.value = head + (head && !/\s$/.test(head) ? " " : "") + name;
            option.label = name;
            return option;
          }));
      }, 200);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-suggest-url]").forEach(attach);
  });
})();
