/* Drops the browser's local copies of articles that were just saved.
 *
 * After a successful save, the admin page that follows carries
 * <meta name="nr-saved-drafts" content="article-12 article-new-3"> (see
 * templates/admin/base_site.html). The copies article-form.js keeps under
 * those keys are no longer needed. A failed save (validation error, stale
 * version, expired session) never emits the meta, so its copy is kept.
 */
(function () {
  "use strict";

  var PREFIX = "newsroom:local-draft:";
  var meta = document.querySelector('meta[name="nr-saved-drafts"]');
  if (!meta) return;
  var keys = (meta.getAttribute("content") || "").split(/\s+/);
  for (var i = 0; i < keys.length; i++) {
    if (!/^article-(new-)?\d+$/.test(keys[i])) continue;
    try {
      window.localStorage.removeItem(PREFIX + keys[i]);
    } catch (error) {
      // Storage disabled: there is no copy to drop.
    }
  }
})();
