"""``manage.py seed_demo``: load the demo logins, authors, companies and articles.

This module owns putting articles/demo.py into the database. It is
idempotent: everything is looked up by a stable key first (username, author
slug, company slug or ticker, article headline) and only what is missing is
created; existing rows, and existing users' passwords, are left alone.

Articles are made the way the desk makes them: written and corrected through
the edit service (articles/editing.py), with status and publish times changed
only through articles/workflow.py: a writer's copy is submitted for review and
the editor publishes it; the editor publishes their own copy straight from
draft. The authors and companies it writes are told to
newsroom.public_content.changed, as the admin's saves are.

Passwords: with DEBUG on, the fixed demo passwords in articles.demo; with
DEBUG off, a random password per login created, printed once at the end.
"""

import secrets
from collections import Counter
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from articles import demo, editing, workflow
from articles.models import Article, ArticleAuthor, Author, Correction
from articles.roles import EDITORS, WRITERS
from companies.models import Company, Ticker
from newsroom import public_content

HONG_KONG = ZoneInfo("Asia/Hong_Kong")
ADMIN_URL = "http://127.0.0.1:8000/admin/"
KINDS = ["users", "authors", "companies", "tickers", "articles", "corrections"]
ROLE_LABELS = {
    None: "superuser",
    EDITORS: "editor, in the Editors group",
    WRITERS: "writer, in the Writers group",
}


class Command(BaseCommand):
    help = (
        "Create demo logins (admin, editor, writer), authors, companies and "
        "fictional articles. Safe to run again: only what is missing is created."
    )

    def handle(self, *args, **options):
        self.created = Counter()
        self.present = Counter()
        self.now = timezone.now()
        self.written = []  # authors and companies created or given a ticker
        try:
            with transaction.atomic():
                users, logins = self._users()
                authors = self._authors(users)
                companies = self._companies()
                if self.written:
                    public_content.changed(*self.written)
                self._articles(users, authors, companies)
        except workflow.TransitionNotAllowed as error:
            raise CommandError(
                f"{error} The demo needs 'editor' in the Editors group and "
                "'writer' in the Writers group."
            ) from error
        self._report(logins)

    # --- Users and authors ----------------------------------------------------

    def _users(self):
        user_model = get_user_model()
        users, logins = {}, []
        for spec in demo.USERS:
            username = spec["username"]
            user = user_model.objects.filter(username=username).first()
            if user is not None:
                self.present["users"] += 1
                users[username] = user
                logins.append((username, spec["role"], None))
                continue
            if settings.DEBUG:
                password = demo.DEMO_PASSWORDS[username]
            else:
                password = secrets.token_urlsafe(12)
            fields = {
                "email": spec["email"],
                "first_name": spec["first_name"],
                "last_name": spec["last_name"],
            }
            if spec["superuser"]:
                user = user_model.objects.create_superuser(
                    username=username, password=password, **fields
                )
            else:
                user = user_model.objects.create_user(
                    username=username, password=password, is_staff=True, **fields
                )
                user.groups.add(self._group(spec["role"]))
            self.created["users"] += 1
            users[username] = user
            logins.append((username, spec["role"], password))
        return users, logins

    def _group(self, name):
        try:
            return Group.objects.get(name=name)
        except Group.DoesNotExist:
            raise CommandError(
                f"The group {name!r} does not exist; run `manage.py migrate` first."
            ) from None

    def _authors(self, users):
        profile_of = {s["author"]: s["username"] for s in demo.USERS if s["author"]}
        authors = {}
        for spec in demo.AUTHORS:
            author, created = Author.objects.get_or_create(
                slug=spec["slug"], defaults={"name": spec["name"], "bio": spec["bio"]}
            )
            self._count("authors", created)
            if created:
                self.written.append(author)
            user = users.get(profile_of.get(spec["slug"]))
            if (
                user is not None
                and author.user_id is None
                and not Author.objects.filter(user=user).exists()
            ):
                author.user = user
                author.save(update_fields=["user"])
            authors[spec["slug"]] = author
        return authors

    # --- Companies ------------------------------------------------------------

    def _companies(self):
        companies = {}
        for spec in demo.COMPANIES:
            company = Company.objects.filter(slug=spec["slug"]).first()
            if company is None:
                # Somebody may have added the company by hand under another slug.
                company = next(
                    (
                        ticker.company
                        for text in spec["tickers"]
                        if (ticker := Ticker.objects.lookup(text)) is not None
                    ),
                    None,
                )
            if company is None:
                company = Company.objects.create(
                    slug=spec["slug"],
                    name=spec["name"],
                    name_en=spec["name_en"],
                    name_hans=spec.get("name_hans", ""),
                    aliases=spec["aliases"],
                    description=spec["description"],
                )
                self._count("companies", True)
                self.written.append(company)
            else:
                self._count("companies", False)
            for text in spec["tickers"]:
                existing = Ticker.objects.lookup(text)
                if existing is not None:
                    self._count("tickers", False)
                    if existing.company_id != company.pk:
                        self.stderr.write(
                            f"Ticker {existing} belongs to {existing.company}, "
                            f"not {company}; left as it is."
                        )
                    continue
                symbol, _dot, exchange = text.rpartition(".")
                # Ticker.save() normalises the exchange code and the symbol.
                Ticker.objects.create(company=company, exchange=exchange, symbol=symbol)
                self._count("tickers", True)
                if company not in self.written:
                    self.written.append(company)
            companies[spec["slug"]] = company
        return companies

    # --- Articles -------------------------------------------------------------

    def _articles(self, users, authors, companies):
        editor = users["editor"]
        for spec in demo.ARTICLES:
            existing = Article.objects.filter(headline=spec["headline"]).first()
            if existing is not None:
                self._count("articles", False)
                if spec.get("correction"):
                    self._count(
                        "corrections",
                        False,
                        existing.corrections.filter(
                            wrong=spec["correction"]["wrong"]
                        ).exists(),
                    )
                continue
            creator = users[spec["created_by"]]
            article = self._write(spec, creator, authors, companies)
            self._count("articles", True)
            self._move(article, spec, creator=creator, editor=editor)

    def _write(self, spec, creator, authors, companies) -> Article:
        """The draft, written by ``creator`` as in the admin's form."""
        article = Article(
            kind=spec["kind"],
            headline=spec["headline"],
            title_en=spec.get("title_en", ""),
            dek=spec.get("dek", ""),
            key_points=spec.get("key_points", []),
            body=demo.body_html(spec["body"]),
            source=spec.get("source", ""),
            source_url=spec.get("source_url", ""),
        )

        def related():
            ArticleAuthor.objects.bulk_create(
                ArticleAuthor(article=article, author=authors[slug], position=position)
                for position, slug in enumerate(spec["authors"])
            )
            article.tags.add(*spec["tags"])
            article.companies.set([companies[slug] for slug in spec["companies"]])

        editing.save_article(article, by=creator, related=related)
        return article

    def _correct(self, article, spec, *, editor):
        """The demo's correction, added by the editor as in the admin's form."""
        correction = Correction(
            article=article,
            corrected_at=min(article.publish_at + timedelta(hours=2), self.now),
            wrong=spec["correction"]["wrong"],
            right=spec["correction"]["right"],
            created_by=editor,
        )
        editing.save_article(article, by=editor, related=correction.save)
        self._count("corrections", True)

    def _move(self, article, spec, *, creator, editor):
        """Take a new draft to its demo state through the workflow (and the
        edit service, for a correction)."""
        state = spec["state"]
        if state == "draft":
            return
        if state == "sent_back":
            workflow.submit(article, by=creator)
            workflow.send_back(article, by=editor, note=spec["note"])
            return
        if not workflow.can_publish(creator):
            workflow.submit(article, by=creator)
        if state == "review":
            return
        if state == "scheduled":
            soon = (self.now + timedelta(hours=3)).replace(second=0, microsecond=0)
            workflow.publish(article, by=editor, at=soon)
            return
        workflow.publish(article, by=editor, at=self._publish_time(*spec["when"]))
        if spec.get("correction"):
            self._correct(article, spec, editor=editor)
        # Made today, published days ago: unless the demo says it was edited
        # later, its last change is its publication (or its correction, which
        # says so itself), so no "updated" line.
        edited = spec.get("edited_after_hours")
        changed = article.publish_at + timedelta(hours=edited or 0)
        Article.objects.filter(pk=article.pk).update(updated_at=min(changed, self.now))
        if state == "unpublished":
            workflow.unpublish(article, by=editor, note=spec.get("note", ""))

    def _publish_time(self, business_days_ago: int, hh_mm: str) -> datetime:
        """That many Hong Kong business days back, at ``hh_mm``, never in the future."""
        hour, minute = (int(part) for part in hh_mm.split(":"))
        day = self.now.astimezone(HONG_KONG).date()
        remaining = business_days_ago
        while True:
            if day.weekday() < 5:
                at = datetime.combine(day, time(hour, minute), tzinfo=HONG_KONG)
                if remaining == 0 and at <= self.now:
                    return at
                remaining = max(remaining - 1, 0)
            day -= timedelta(days=1)

    # --- Output ---------------------------------------------------------------

    def _count(self, kind, created, found=True):
        if created:
            self.created[kind] += 1
        elif found:
            self.present[kind] += 1

    def _report(self, logins):
        write = self.stdout.write
        write(self.style.MIGRATE_HEADING("Demo data (fictional articles):"))
        for kind in KINDS:
            write(
                f"  {kind:<12} {self.created[kind]:>3} created, "
                f"{self.present[kind]:>3} already present"
            )
        articles = Article.objects.all()
        write(
            "  by state:    "
            f"{articles.live().count()} live, "
            f"{articles.scheduled().count()} scheduled, "
            f"{articles.filter(status=Article.Status.REVIEW).count()} in review, "
            f"{articles.filter(status=Article.Status.DRAFT).count()} drafts, "
            f"{articles.filter(status=Article.Status.UNPUBLISHED).count()} unpublished"
        )
        write("")
        write(self.style.MIGRATE_HEADING(f"Logins: sign in at {ADMIN_URL}"))
        for username, role, password in logins:
            label = ROLE_LABELS.get(role, role)
            if password is None:
                write(f"  {username:<8} {label:<30} already exists, password unchanged")
            else:
                write(f"  {username:<8} {label:<30} password: {password}")
        if settings.DEBUG and any(password is None for *_, password in logins):
            defaults = ", ".join(f"{k} / {v}" for k, v in demo.DEMO_PASSWORDS.items())
            write(f"  Unless changed since, the demo passwords are: {defaults}.")
        if any(password for *_, password in logins):
            if settings.DEBUG:
                write("  These are the fixed demo passwords (DEBUG is on).")
            else:
                write(
                    self.style.WARNING(
                        "  DEBUG is off: these passwords are random and shown only "
                        "now. Keep them somewhere safe."
                    )
                )
