"""Backups: the newsroom's data and media in one .tar.gz, and back.

An archive (``manage.py backup``) holds

- ``data.jsonl``: Django's JSON Lines serialisation of the accounts, groups,
  admin log, tags, companies, articles (with revisions, status changes,
  corrections, bylines, company links, preview links, imported copy) and the
  newsletter (subscribers, their history, issues, picks, deliveries);
- ``media/<name>``: every file in the default storage (hero images, author
  photos, renditions), whatever the rows say;
- ``manifest.json``, last: format, creation time, Django version, database,
  rows per model, and the size and SHA-256 of every other member.

Left out, because a freshly migrated database makes them itself: content
types, permissions (rows point at both by natural key, app label and model
name, which survive a new database), the search index (rebuilt after a
restore), sessions, login throttling records and task results.

Groups are written by name (``Editors`` and ``Writers`` exist in every
migrated database, with other primary keys); every other row keeps its
primary key, so links, revisions and URLs stay as they were. taggit's own
natural key for tagged items (the object id alone) is not unique, so no
blanket ``--natural-primary``.

JSON Lines, not one JSON array: both writing and loading go one row at a time,
where Django's ``json`` loader reads the whole file into memory first.

``restore`` checks every hash before it touches anything, loads the rows in
one transaction and writes the media inside it: a damaged archive, a row that
will not load or a storage error leaves the database as it was (and removes
the files it had written). The archive holds password hashes and subscribers'
addresses: keep it like the database itself.
"""

import datetime
import hashlib
import json
import os
import shutil
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import django
from django.apps import apps
from django.core import serializers
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection, transaction

from newsroom.progress import silent

FORMAT = 1
DATA = "data.jsonl"
MANIFEST = "manifest.json"
MEDIA = "media/"
# What is backed up: app labels, or app_label.Model.
INCLUDE = [
    "auth.Group",
    "auth.User",
    "admin.LogEntry",
    "taggit",
    "companies",
    "articles",
    "newsletter",
]
# Derived data, rebuilt after a restore.
EXCLUDE = {"articles.searchdocument"}
# Written by natural key: rows the target database already has under other pks.
BY_NATURAL_KEY = {"auth.group"}
CHUNK = 1024 * 1024


class BackupError(Exception):
    """Why a backup or a restore could not be made, in one line."""


@dataclass
class Summary:
    path: Path
    counts: dict = field(default_factory=dict)
    media_files: int = 0
    media_bytes: int = 0

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


def backed_up_models() -> list:
    """The models in the archive, each after those it refers to by natural key."""
    by_app: dict = {}
    for label in INCLUDE:
        if "." in label:
            model = apps.get_model(label)
            by_app.setdefault(model._meta.app_config, []).append(model)
        else:
            config = apps.get_app_config(label)
            by_app.setdefault(config, []).extend(config.get_models())
    models = serializers.sort_dependencies(by_app.items(), allow_cycles=True)
    return [m for m in models if m._meta.label_lower not in EXCLUDE]


class _Hashing:
    """A file object that hashes what is read through it."""

    def __init__(self, file):
        self.file = file
        self.sha256 = hashlib.sha256()

    def read(self, size=-1):
        data = self.file.read(size)
        self.sha256.update(data)
        return data


def _sha256_of(file) -> str:
    digest = hashlib.sha256()
    while chunk := file.read(CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


def _storage_files(directory: str = ""):
    """Every file name in the default storage, walked directory by directory."""
    try:
        directories, files = default_storage.listdir(directory)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{directory}/{name}" if directory else name
    for name in sorted(directories):
        yield from _storage_files(f"{directory}/{name}" if directory else name)


def _dump(stream, counts: dict, progress) -> None:
    for model in backed_up_models():
        label = model._meta.label_lower
        queryset = model._base_manager.order_by(model._meta.pk.name)

        def counted(rows, label=label):
            for row in rows:
                counts[label] = counts.get(label, 0) + 1
                progress.advance()
                yield row

        counts.setdefault(label, 0)
        serializers.serialize(
            "jsonl",
            counted(queryset.iterator(chunk_size=2000)),
            stream=stream,
            use_natural_foreign_keys=True,
            use_natural_primary_keys=label in BY_NATURAL_KEY,
        )


def _dump_consistently(stream, counts: dict, progress) -> None:
    # On PostgreSQL, one snapshot for every table, so no row refers to one
    # written after its table was read. (SQLite is for development: its
    # IMMEDIATE transactions would lock out writers for the whole dump.)
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(
                    "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY"
                )
            progress.total = _row_count()
            _dump(stream, counts, progress)
    else:
        progress.total = _row_count()
        _dump(stream, counts, progress)


def backed_up_counts(*, media: bool = True) -> tuple[int, int]:
    """Rows and media files an archive made now would hold (for a dry run)."""
    return _row_count(), (sum(1 for _name in _storage_files()) if media else 0)


def _row_count() -> int:
    return sum(model._base_manager.count() for model in backed_up_models())


def _add(archive, name: str, file, size: int) -> str:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = int(datetime.datetime.now().timestamp())
    info.mode = 0o600
    hashing = _Hashing(file)
    archive.addfile(info, hashing)
    return hashing.sha256.hexdigest()


def _add_media(archive, name: str, files: dict, summary: Summary) -> None:
    try:
        size = default_storage.size(name)
        file = default_storage.open(name, "rb")
    except FileNotFoundError:
        return  # deleted since the listing
    with file:
        digest = _add(archive, MEDIA + name, file, size)
    files[MEDIA + name] = {"size": size, "sha256": digest}
    summary.media_files += 1
    summary.media_bytes += size


def write_backup(path, *, media: bool = True, progress=silent) -> Summary:
    """Write the archive to ``path`` (via a temporary file beside it).

    Without ``media``, the rows only (the media backed up another way, e.g.
    the object store's own versioning). ``progress`` makes a progress
    (newsroom.progress) per stage.
    """
    path = Path(path)
    if not path.parent.is_dir():
        raise BackupError(f"No such directory: {path.parent}")
    summary = Summary(path=path)
    files = {}
    partial = path.with_name(path.name + ".partial")
    try:
        with tempfile.TemporaryDirectory() as scratch:
            data_path = Path(scratch) / DATA
            with open(data_path, "w", encoding="utf-8", newline="\n") as stream:
                with progress("Backing up rows", unit="rows") as rows:
                    _dump_consistently(stream, summary.counts, rows)
            with tarfile.open(partial, "w:gz", compresslevel=6) as archive:
                with open(data_path, "rb") as data:
                    size = data_path.stat().st_size
                    files[DATA] = {
                        "size": size,
                        "sha256": _add(archive, DATA, data, size),
                    }
                names = list(_storage_files()) if media else []
                with progress(
                    "Backing up media", total=len(names), unit="files"
                ) as stage:
                    for name in names:
                        _add_media(archive, name, files, summary)
                        stage.advance()
                manifest = json.dumps(
                    {
                        "format": FORMAT,
                        "created": datetime.datetime.now(datetime.UTC).isoformat(),
                        "django": django.get_version(),
                        "database": connection.vendor,
                        "media": media,
                        "counts": summary.counts,
                        "files": files,
                    },
                    ensure_ascii=False,
                    indent=1,
                ).encode()
                _add(archive, MANIFEST, _BytesReader(manifest), len(manifest))
        os.chmod(partial, 0o600)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return summary


class _BytesReader:
    def __init__(self, data: bytes):
        self.data, self.position = data, 0

    def read(self, size=-1):
        end = len(self.data) if size < 0 else self.position + size
        chunk = self.data[self.position : end]
        self.position += len(chunk)
        return chunk


# --- restoring ------------------------------------------------------------------


def _open_archive(path: Path):
    if not path.exists():
        raise BackupError(f"No such file: {path}")
    try:
        return tarfile.open(path, "r:*")
    except (tarfile.TarError, OSError, EOFError):
        raise BackupError(f"{path} is not a tar archive") from None


def _read_manifest(archive, path: Path) -> dict:
    try:
        member = archive.getmember(MANIFEST)
        manifest = json.loads(archive.extractfile(member).read())
    except KeyError:
        raise BackupError(f"{path} is not a newsroom backup: no {MANIFEST}") from None
    except (ValueError, tarfile.TarError, OSError, EOFError, AttributeError) as error:
        raise BackupError(f"{path}: unreadable {MANIFEST} ({error})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path}: unknown backup format in {MANIFEST}")
    if DATA not in manifest.get("files", {}):
        raise BackupError(f"{path}: the manifest lists no {DATA}")
    return manifest


def _safe_media_name(name: str) -> str | None:
    """The storage name for archive member ``name``, or None if unsafe."""
    if not name.startswith(MEDIA):
        return None
    relative = PurePosixPath(name[len(MEDIA) :])
    if relative.is_absolute() or not relative.parts:
        return None
    if any(part in ("", ".", "..") for part in relative.parts) or "\\" in name:
        return None
    return str(relative)


def _extract_checked(
    archive, manifest: dict, path: Path, scratch: Path, progress=silent
) -> dict:
    """Copy every member to ``scratch``, checking it against the manifest.

    Returns {storage name: scratch path} for the media files.
    """
    expected = manifest["files"]
    seen, media = set(), {}
    with progress("Checking the archive", total=len(expected), unit="files") as stage:
        _extract_members(archive, expected, path, scratch, seen, media, stage)
    missing = sorted(set(expected) - seen)
    if missing:
        what = DATA if DATA in missing else missing[0]
        raise BackupError(f"{path}: {what} is missing from the archive")
    return media


def _extract_members(archive, expected, path, scratch, seen, media, stage) -> None:
    try:
        for member in archive:
            if member.name == MANIFEST:
                continue
            if member.name not in expected:
                raise BackupError(f"{path}: {member.name} is not in the manifest")
            if not member.isfile():
                raise BackupError(f"{path}: {member.name} is not a regular file")
            if member.name == DATA:
                target = scratch / DATA
            else:
                storage_name = _safe_media_name(member.name)
                if storage_name is None:
                    raise BackupError(f"{path}: unsafe file name {member.name!r}")
                target = scratch / "media" / storage_name
                media[storage_name] = target
            target.parent.mkdir(parents=True, exist_ok=True)
            source = _Hashing(archive.extractfile(member))
            with open(target, "wb") as out:
                shutil.copyfileobj(source, out, CHUNK)
            if source.sha256.hexdigest() != expected[member.name]["sha256"]:
                raise BackupError(
                    f"{path}: hash mismatch for {member.name}; the archive is "
                    "damaged, nothing was restored"
                )
            seen.add(member.name)
            stage.advance()
    except (tarfile.TarError, OSError, EOFError) as error:
        raise BackupError(f"{path}: the archive is damaged ({error})") from None


def _write_media(media: dict, written: list, stage) -> None:
    for name, source in media.items():
        stage.advance()
        if default_storage.exists(name):
            with default_storage.open(name, "rb") as current:
                same = _sha256_of(current) == _sha256_of_path(source)
            if same:
                continue
            default_storage.delete(name)
        with open(source, "rb") as content:
            saved = default_storage.save(name, File(content, name=name))
        written.append(saved)
        if saved != name:
            raise BackupError(f"The storage saved {name} as {saved}")


def _sha256_of_path(path: Path) -> str:
    with open(path, "rb") as file:
        return _sha256_of(file)


def verify_backup(path, *, progress=silent) -> Summary:
    """Check an archive as ``restore`` would, writing nothing to the database.

    Every member against the manifest's size and hash, and every row of the
    data readable, with as many rows per model as the manifest says.
    """
    path = Path(path)
    with _open_archive(path) as archive:
        manifest = _read_manifest(archive, path)
        with tempfile.TemporaryDirectory() as scratch:
            scratch = Path(scratch)
            media = _extract_checked(archive, manifest, path, scratch, progress)
            counts: dict = {}
            with open(scratch / DATA, encoding="utf-8") as data:
                for number, line in enumerate(data, 1):
                    try:
                        label = json.loads(line)["model"]
                    except (ValueError, KeyError, TypeError):
                        raise BackupError(
                            f"{path}: row {number} of {DATA} is not a serialised row"
                        ) from None
                    counts[label] = counts.get(label, 0) + 1
    expected = {label: n for label, n in manifest.get("counts", {}).items() if n}
    if counts != expected:
        raise BackupError(
            f"{path}: the rows in {DATA} differ from the manifest's counts"
        )
    summary = Summary(path=path, counts=counts)
    summary.media_files = len(media)
    summary.media_bytes = sum(manifest["files"][MEDIA + name]["size"] for name in media)
    return summary


def restore_backup(path, *, force: bool = False, progress=silent) -> Summary:
    """Load the archive at ``path``: all of it, or nothing."""
    from articles import search
    from articles.models import Article

    path = Path(path)
    with _open_archive(path) as archive:
        manifest = _read_manifest(archive, path)
        existing = Article.objects.count()
        if existing and not force:
            raise BackupError(
                f"The database already holds {existing} articles; restore into a "
                "freshly migrated database, or give --force to load over them"
            )
        with tempfile.TemporaryDirectory() as scratch:
            scratch = Path(scratch)
            media = _extract_checked(archive, manifest, path, scratch, progress)
            written: list = []
            try:
                with transaction.atomic():
                    call_command("loaddata", str(scratch / DATA), verbosity=0)
                    search.rebuild()
                    with progress(
                        "Writing media", total=len(media), unit="files"
                    ) as stage:
                        _write_media(media, written, stage)
            except BaseException as error:
                for name in written:
                    default_storage.delete(name)
                if isinstance(error, BackupError) or not isinstance(error, Exception):
                    raise
                reason = str(error).strip().splitlines()[0] if str(error) else ""
                raise BackupError(
                    f"{path}: nothing was restored, the data would not load "
                    f"({type(error).__name__}: {reason})"
                ) from error
    summary = Summary(path=path, counts=dict(manifest.get("counts", {})))
    summary.media_files = len(media)
    summary.media_bytes = sum(manifest["files"][MEDIA + name]["size"] for name in media)
    return summary
