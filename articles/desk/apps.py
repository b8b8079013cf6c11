from django.apps import AppConfig


class DeskConfig(AppConfig):
    """The editors' side of articles: the admin, the dashboard, quick actions,
    the import screen, their forms and template tags. It has no models: it
    works on the content core (articles/) and is an app only so that Django
    finds its admin module and template tags."""

    name = "articles.desk"
    label = "desk"
