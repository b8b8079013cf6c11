from django.urls import path

from . import views

app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("articles/<int:pk>/", views.article_detail, name="detail"),
    path("articles/<int:pk>/<slug:slug>/", views.article_detail, name="detail"),
    path("authors/<slug:slug>/", views.author_detail, name="author"),
    path("preview/<str:token>/", views.preview_by_token, name="preview"),
]
