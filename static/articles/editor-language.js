/*
 * The rich text editor's toolbar in the admin's language.
 *
 * django-prose-editor translates its dialogs through Django's JavaScript
 * catalogue (window.gettext, from the admin's jsi18n, which reads our
 * djangojs.po catalogues under locale/). Its toolbar buttons carry English
 * titles and labels of their own ("Insert table", "heading 2"); this script
 * passes those through the same catalogue, as the editor builds them.
 */
(function () {
  "use strict";

  if (typeof window.gettext !== "function") return;

  // Marked for makemessages: the toolbar's own words, as the editor writes them.
  const WORDS = [
    gettext("bold"), gettext("italic"), gettext("subscript"), gettext("superscript"),
    gettext("strike"), gettext("underline"), gettext("undo"), gettext("redo"),
    gettext("blockquote"), gettext("horizontal rule"), gettext("insert link"),
    gettext("remove link"), gettext("ordered list"), gettext("unordered list"),
    gettext("paragraph"), gettext("Paragraph"), gettext("figure"), gettext("edit HTML"),
    gettext("Insert table"), gettext("Merge cells"), gettext("Split cell"),
    gettext("Add column"), gettext("Add row"), gettext("Delete column"),
    gettext("Delete row"), gettext("Delete table"), gettext("Toggle header cell"),
    gettext("Code"), gettext("Code block"), gettext("Block style"),
    gettext("Reset all classes"), gettext("Styles"), gettext("Yes"), gettext("No"),
    gettext("Heading %s"),
    // The editor's dialogs, which it passes through gettext itself.
    gettext("Add caption"), gettext("Alternative Text"), gettext("Browse..."),
    gettext("Bullets"), gettext("Cancel"), gettext("Caption"), gettext("Columns"),
    gettext("Decimal numbers"), gettext("Edit Figure"), gettext("Edit HTML"),
    gettext("Edit Image"), gettext("Edit Link"), gettext("Image URL"),
    gettext("Include header row"), gettext("Insert Figure"), gettext("Insert Table"),
    gettext("Insert"), gettext("List properties"), gettext("List type"),
    gettext("Lowercase Roman numerals"), gettext("Lowercase letters"),
    gettext("Open in new window"), gettext("Prettify"), gettext("Remove caption"),
    gettext("Rows"), gettext("Start at"), gettext("Table Properties"),
    gettext(
      "The HTML contents of the editor. Note that the allowed HTML is restricted by the editor schema."
    ),
    gettext("Title"), gettext("Toggle fullscreen"), gettext("URL"), gettext("Update"),
    gettext("Uppercase Roman numerals"), gettext("Uppercase letters"),
  ];
  void WORDS;
  const HEADING = /^heading (\d)$/i;

  function translated(value) {
    if (!value) return value;
    const heading = HEADING.exec(value.trim());
    if (heading) return interpolate(gettext("Heading %s"), [heading[1]]);
    return gettext(value);
  }

  function translateElement(element) {
    for (const name of ["title", "aria-label"]) {
      const value = element.getAttribute(name);
      const better = translated(value);
      if (value && better !== value) element.setAttribute(name, better);
    }
    // Menu options show their name as text ("Heading 2", "Paragraph").
    if (element.childElementCount === 0 && !element.classList.contains("material-icons")) {
      const text = element.textContent;
      const better = translated(text);
      if (text && better !== text) element.textContent = better;
    }
  }

  function translateWithin(root) {
    if (!(root instanceof Element)) return;
    if (root.closest(".prose-editor, .prose-menubar, dialog")) translateElement(root);
    for (const element of root.querySelectorAll(
      ".prose-menubar *, .prose-editor [title], .prose-editor [aria-label], dialog *"
    )) {
      translateElement(element);
    }
  }

  function start() {
    translateWithin(document.body);
    new MutationObserver((changes) => {
      for (const change of changes) {
        for (const node of change.addedNodes) translateWithin(node);
      }
    }).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
