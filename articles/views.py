"""Public pages of articles. Every query starts from ``Article.objects.live()``."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from . import preview
from .models import Article, Author


def render_article(request, article, *, preview=False):
    """The article page as readers see it; ``preview`` marks it and keeps it private."""
    response = render(
        request,
        "articles/article_detail.html",
        {
            "article": article,
            "authors": article.byline_authors,
            "companies": article.companies.prefetch_related("tickers"),
            "tags": article.tags.all(),
            "corrections": article.corrections.all(),
            "is_preview": preview,
        },
    )
    if preview:
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def home(request):
    articles = Article.objects.live().with_bylines()
    page = Paginator(articles, 20).get_page(request.GET.get("page"))
    return render(request, "articles/home.html", {"page": page})


def article_detail(request, pk, slug=None):
    article = get_object_or_404(Article.objects.live().with_bylines(), pk=pk)
    if (slug or "") != article.slug:
        return redirect(article, permanent=True)
    return render_article(request, article)


def author_detail(request, slug):
    author = get_object_or_404(Author, slug=slug)
    articles = Article.objects.live().filter(bylines__author=author).with_bylines()
    page = Paginator(articles, 20).get_page(request.GET.get("page"))
    return render(
        request, "articles/author_detail.html", {"author": author, "page": page}
    )


def preview_by_token(request, token):
    article = preview.article_for_token(token)
    if article is None:
        raise Http404
    article = Article.objects.with_bylines().get(pk=article.pk)
    return render_article(request, article, preview=True)
