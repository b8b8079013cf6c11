import pytest


@pytest.fixture
def indexed(django_capture_on_commit_callbacks):
    """``with indexed():`` around creating articles runs the index updates
    that ``Article.save()`` schedules for after the commit (tests run inside a
    transaction that never commits)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
