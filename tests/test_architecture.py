"""The folders show the architecture, and no module imports itself round a cycle.

articles/ is the content core (models, workflow, the edit service, revisions,
tagging, search, the importer); articles/desk/ is the editors' side and
articles/public/ the readers'. The rules, read from the source with ``ast``
(nothing is imported), counting imports inside functions too, since a lazy
import is how a cycle hides:

- no import cycle among the project's modules;
- the core imports neither side; the readers' side never imports the desk.
  The desk may import the readers' side: its preview is the reader's page.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("newsroom", "articles", "companies", "newsletter")


def project_modules(root: Path = ROOT) -> dict[str, Path]:
    """Dotted name → file, for every module of the project but migrations."""
    found = {}
    for package in PACKAGES:
        for path in (root / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _is_type_checking(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def imported_modules(name: str, path: Path, known) -> set[str]:
    """The project modules that ``name`` imports, anywhere in its body."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]

    def known_module(dotted: str) -> str | None:
        while dotted and dotted not in known:
            dotted = dotted.rpartition(".")[0]
        return dotted or None

    found = set()

    def visit(node):
        for child in ast.iter_child_nodes(node):
            if _is_type_checking(child):
                continue
            if isinstance(child, ast.Import):
                found.update(known_module(alias.name) for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = package.split(".")[
                        : len(package.split(".")) - child.level + 1
                    ]
                    module = ".".join([*base, *filter(None, [child.module])])
                else:
                    module = child.module
                for alias in child.names:
                    # "from . import views" imports the module views.
                    found.add(known_module(f"{module}.{alias.name}"))
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return found - {None, name}


def import_graph(root: Path = ROOT) -> dict[str, set[str]]:
    known = project_modules(root)
    return {name: imported_modules(name, path, known) for name, path in known.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def connect(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return found


@pytest.fixture(scope="module")
def graph():
    return import_graph()


def _side(module: str) -> str:
    if module.startswith("articles.desk"):
        return "desk"
    if module.startswith("articles.public"):
        return "public"
    if module == "articles" or module.startswith("articles."):
        return "core"
    return "other"


def test_the_graph_is_read_from_the_source(graph):
    # Edges the code is known to have, top-level and inside a function, so an
    # empty or partial graph cannot pass the tests below.
    assert "articles.editing" in graph["articles.desk.admin"]
    assert "articles.public.views" in graph["articles.desk.admin"]
    assert "articles.models" in graph["articles.revisions"]  # a lazy import
    assert "newsroom.chinese" in graph["companies.matching"]
    assert len(graph) > 100


def test_no_module_imports_itself_round_a_cycle(graph):
    assert cycles(graph) == []


def test_the_cycle_finder_finds_cycles_through_lazy_imports(tmp_path):
    package = tmp_path / "articles"
    package.mkdir()
    for other in PACKAGES[:1] + PACKAGES[2:]:
        (tmp_path / other).mkdir()
    (package / "__init__.py").write_text("")
    (package / "models.py").write_text("def save():\n    from . import search\n")
    (package / "search.py").write_text("from .models import Article\n")
    (package / "views.py").write_text("from articles import models\n")
    assert cycles(import_graph(tmp_path)) == [["articles.models", "articles.search"]]


def test_the_core_imports_neither_side_and_the_readers_side_not_the_desk(graph):
    allowed = {"core": {"core", "other"}, "public": {"core", "public", "other"}}
    wrong = [
        (module, target)
        for module, targets in graph.items()
        for target in targets
        if _side(module) in allowed and _side(target) not in allowed[_side(module)]
    ]
    assert wrong == []


def test_chinese_folding_is_defined_once_beside_the_conversion():
    definitions = {
        (name, path.relative_to(ROOT).as_posix())
        for path in project_modules().values()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef)
        and (name := node.name) in {"fold", "fold_table", "to_simplified", "convert"}
    }
    assert definitions == {
        (name, "newsroom/chinese.py")
        for name in ("fold", "fold_table", "to_simplified", "convert")
    }


# --- no model signals carry business logic --------------------------------------


def _project_receivers() -> list[tuple[str, str, str]]:
    """(signal, sender, receiver) for each receiver the project's code connects
    to a model signal of articles' content: articles, companies, tickers,
    authors, tags, bylines and the links (any sender counts too)."""
    import weakref

    from django.db.models import signals
    from django.dispatch.dispatcher import NONE_ID
    from taggit.models import Tag

    from articles.models import Article, ArticleAuthor, Author
    from companies.models import Company, Ticker

    models = [Article, ArticleAuthor, Author, Company, Ticker, Tag]
    models += [Article.tags.through, Article.companies.through]
    senders = {id(model): model.__name__ for model in models} | {NONE_ID: "any"}
    found = []
    for name in ("pre_save", "post_save", "pre_delete", "post_delete", "m2m_changed"):
        for (_key, sender), receiver, _async in getattr(signals, name).receivers:
            if isinstance(receiver, weakref.ReferenceType):
                receiver = receiver()
            module = getattr(receiver, "__module__", "") or ""
            if sender in senders and module.split(".")[0] in PACKAGES:
                found.append((name, senders[sender], f"{module}.{receiver.__name__}"))
    return found


@pytest.mark.django_db
def test_no_model_signal_receivers_on_content(client):
    # Every admin, view and command module is loaded: admin autodiscovery
    # ran at setup, and a request loads the URLconf and its views.
    client.get("/")
    assert _project_receivers() == []


def test_the_receiver_check_sees_a_project_receiver():
    from django.db.models.signals import post_delete

    from companies.models import Company

    def reindex(sender, **kwargs):
        pass

    reindex.__module__ = "companies.search"
    post_delete.connect(reindex, sender=Company, weak=False)
    try:
        found = ("post_delete", "Company", "companies.search.reindex")
        assert found in _project_receivers()
    finally:
        post_delete.disconnect(reindex, sender=Company)
