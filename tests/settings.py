"""Test-only overrides, in one place. The database comes from DATABASE_URL.

Run against PostgreSQL with
DATABASE_URL=postgres://postgres@127.0.0.1:5432/test pytest
"""

import os
import tempfile

os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "tests-only-not-secret")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="newsroom-test-media-"))
os.environ.setdefault("SECURE_COOKIES", "0")
# The test client speaks plain HTTP; production redirects to HTTPS.
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")

from newsroom.settings import *  # noqa: E402,F403

# Manifest storage needs collectstatic; tests use the plain storage.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve static files from the apps' folders, without collectstatic.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The page cache is on, as in production (newsroom/pagecache.py); every test
# starts with it empty (tests/conftest.py). Redis when REDIS_URL is set.
PAGE_CACHE = True
PAGE_CACHE_ALIAS = "pages"
if os.environ.get("REDIS_URL"):
    CACHES["pages"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["REDIS_URL"],
        "KEY_PREFIX": "newsroom-tests",
    }
else:
    CACHES["pages"] = {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "pages",
    }
# django-axes logs every login at INFO; tests log in thousands of times.
LOGGING["loggers"]["axes"] = {"level": "WARNING"}  # noqa: F405
