"""Site-wide middleware."""

from django.conf import settings
from django.utils import translation


class ChosenLanguageMiddleware:
    """Speak Traditional Chinese unless the person chose another language.

    Django's LocaleMiddleware would follow the browser's Accept-Language, so an
    editor with an English browser would get an English admin. The newsroom
    works in Traditional Chinese first: only an explicit choice (the language
    cookie set by ``set_language``) switches it.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "").lower()
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        translation.deactivate()
        return response
