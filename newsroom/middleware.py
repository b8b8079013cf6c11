"""Site-wide middleware."""

from django.conf import settings
from django.utils import translation
from django.utils.cache import (
    add_never_cache_headers,
    patch_cache_control,
    patch_vary_headers,
)

from newsroom import editions

# Paths where the person's chosen language (the cookie) applies: the editors'
# admin and the language switch itself. Everything else is the public site.
COOKIE_LANGUAGE_PREFIXES = ("/admin/", "/i18n/")


class ChosenLanguageMiddleware:
    """Pick the language from the URL on the public site, from the cookie in the admin.

    The public site has two editions: Traditional at the root, Simplified under
    /zh-hans/ (converted on the way out, newsroom/editions.py). A public URL
    always gives the same edition, whatever the cookie or the browser says, so
    caches never mix them and no Vary header is needed.

    In the admin only an explicit choice (the language cookie set by
    ``set_language``) switches from Traditional Chinese; Django's
    LocaleMiddleware would follow the browser's Accept-Language instead, and
    an editor with an English browser would get an English admin.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        path = request.path_info
        simplified = False
        follows_cookie = path.startswith(COOKIE_LANGUAGE_PREFIXES)
        if follows_cookie:
            chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "").lower()
            language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        elif editions.is_simplified_path(path):
            language = editions.SIMPLIFIED
            simplified = True
        else:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        try:
            response = self.get_response(request)
            if simplified:
                editions.convert_response(response, request)
        finally:
            translation.deactivate()
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        if follows_cookie:
            patch_vary_headers(response, ("Cookie",))
        return response


# Never cacheable by a shared cache: the desk, previews, the language switch.
PRIVATE_PREFIXES = ("/admin/", "/i18n/", "/preview/", "/zh-hans/preview/")


class PublicCacheMiddleware:
    """Let browsers and a CDN cache public pages; never the desk or previews.

    A public GET that answers 200 or 301, sets no cookie and does not vary
    on the cookie gets ``Cache-Control: public, max-age=…,
    stale-while-revalidate=…``. Anything under PRIVATE_PREFIXES, and any
    response that touched the session or sets a cookie, is marked private.
    A view that set its own Cache-Control (previews, feeds) keeps it.
    Conditional GET (ETag, 304) is Django's ConditionalGetMiddleware, placed
    above the edition conversion so the ETag is that of the bytes sent.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path_info.startswith(PRIVATE_PREFIXES):
            if "Cache-Control" not in response:
                add_never_cache_headers(response)
            return response
        if request.method not in ("GET", "HEAD") or "Cache-Control" in response:
            return response
        varies_on_cookie = "cookie" in response.get("Vary", "").lower()
        if response.cookies or varies_on_cookie:
            patch_cache_control(response, private=True, no_cache=True)
        elif response.status_code in (200, 301):
            patch_cache_control(
                response,
                public=True,
                max_age=settings.PUBLIC_CACHE_SECONDS,
                s_maxage=settings.PUBLIC_CACHE_SECONDS,
                stale_while_revalidate=settings.PUBLIC_STALE_SECONDS,
            )
        return response
