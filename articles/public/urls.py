from django.urls import path

from companies import views as company_views

from . import search_views, views

app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("articles/", views.article_list, name="list"),
    path("briefs/", views.brief_list, name="briefs"),
    path("features/", views.feature_list, name="features"),
    path("articles/<int:pk>/", views.article_detail, name="detail"),
    path("articles/<int:pk>/<slug:slug>/", views.article_detail, name="detail"),
    path("authors/", views.author_index, name="authors"),
    path("authors/<slug:slug>/", views.author_detail, name="author"),
    # Tag slugs may be Chinese, which <slug:> refuses.
    path("tags/", views.tag_index, name="tags"),
    path("tags/<str:slug>/", views.tag_detail, name="tag"),
    path("archive/", views.archive_index, name="archive"),
    path("archive/<int:year>/<int:month>/", views.archive_month, name="archive_month"),
    path("corrections/", views.correction_list, name="corrections"),
    path("search/", search_views.search_page, name="search"),
    # The ticker view belongs to companies/, but its address sits at the root,
    # where only this URLconf is mounted.
    path("tickers/<str:ticker>/", company_views.ticker_redirect, name="ticker"),
    path("preview/<str:token>/", views.preview_by_token, name="preview"),
]
