"""The newsroom's roles, as Django groups, and what each may do.

Kept as data so the migration that creates the groups and the tests that
check them read the same table. Own-article rules (a writer edits only their
own drafts) are in workflow.can_edit; these are the model permissions.
"""

WRITERS = "Writers"
EDITORS = "Editors"

_WRITER_PERMISSIONS = [
    ("articles", "article", ["add", "change", "view"]),
    ("articles", "author", ["view"]),
    ("articles", "revision", ["view"]),
    ("companies", "company", ["view"]),
    ("companies", "ticker", ["view"]),
    ("taggit", "tag", ["add", "view"]),
]
_EDITOR_PERMISSIONS = [
    ("articles", "article", ["add", "change", "view", "delete"]),
    ("articles", "author", ["add", "change", "view"]),
    ("articles", "revision", ["view"]),
    ("articles", "correction", ["add", "view"]),
    ("articles", "previewlink", ["add", "view"]),
    ("articles", "transition", ["view"]),
    ("companies", "company", ["add", "change", "view"]),
    ("companies", "ticker", ["add", "change", "view", "delete"]),
    ("taggit", "tag", ["add", "change", "view"]),
    ("newsletter", "issue", ["add", "change", "view"]),
    ("newsletter", "issuepick", ["add", "change", "view", "delete"]),
    ("newsletter", "subscriber", ["change", "view"]),
    ("newsletter", "subscriptionevent", ["view"]),
    ("newsletter", "delivery", ["view"]),
]
_EDITOR_EXTRA = [("articles", "publish_article"), ("articles", "edit_any_article")]


def permission_codenames(role: str) -> set[tuple[str, str]]:
    """(app_label, codename) pairs the role's group holds."""
    table = _EDITOR_PERMISSIONS if role == EDITORS else _WRITER_PERMISSIONS
    pairs = {(app, f"{verb}_{model}") for app, model, verbs in table for verb in verbs}
    if role == EDITORS:
        pairs |= set(_EDITOR_EXTRA)
    return pairs


def ensure_groups(group_model, permission_model, *, apps_ready=None) -> None:
    """Create or update both groups with exactly the permissions above.

    ``apps_ready``: the app labels whose models exist yet (a migration that
    runs before a later app's tables); permissions of other apps are left for
    that app's own migration, which calls this again.
    """
    for role in (WRITERS, EDITORS):
        group, _ = group_model.objects.get_or_create(name=role)
        wanted = permission_codenames(role)
        if apps_ready is not None:
            wanted = {(app, code) for app, code in wanted if app in apps_ready}
        perms = [
            p
            for p in permission_model.objects.filter(
                codename__in={codename for _app, codename in wanted}
            ).select_related("content_type")
            if (p.content_type.app_label, p.codename) in wanted
        ]
        missing = wanted - {(p.content_type.app_label, p.codename) for p in perms}
        if missing:
            raise RuntimeError(f"permissions not found for {role}: {sorted(missing)}")
        group.permissions.set(perms)
