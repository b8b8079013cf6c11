from django.urls import path, re_path

from . import views, web

app_name = "newsletter"

urlpatterns = [
    path("", views.index, name="index"),
    path("subscribe/", views.subscribe, name="subscribe"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    re_path(r"^(?P<week>[0-9]{4}-W[0-9]{2})/$", web.issue_detail, name="issue"),
]
