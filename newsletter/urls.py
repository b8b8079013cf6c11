from django.urls import path, re_path

from . import personal, views, web

app_name = "newsletter"

urlpatterns = [
    path("", views.index, name="index"),
    path("subscribe/", views.subscribe, name="subscribe"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("follow/", views.follow, name="follow"),
    path("follow/<str:token>/", views.follow_confirm, name="follow_confirm"),
    path("me/<str:token>/", personal.manage, name="manage"),
    path("alerts-off/<str:token>/", personal.alerts_off, name="alerts_off"),
    re_path(r"^(?P<week>[0-9]{4}-W[0-9]{2})/$", web.issue_detail, name="issue"),
]
