"""``{{ user|person }}`` and ``{{ value|hkt }}`` in every template (a builtin)."""

from django import template

from newsroom.display import hk_datetime, person_name

register = template.Library()


@register.filter
def person(user):
    """The person's name as the desk writes it (newsroom.display.person_name)."""
    return person_name(user)


@register.filter
def hkt(value, arg=""):
    """``2026年12月6日 12:50 HKT``; ``|hkt:"seconds"`` adds the seconds."""
    return hk_datetime(value, seconds=arg == "seconds")
