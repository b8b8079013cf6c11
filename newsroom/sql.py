"""Plain SQL beside the ORM, for the public pages' reads of a fixed shape.

Building a query through the ORM costs 0.2 to 0.6 ms of CPU however simple
the query; the same statement from a cursor costs about 0.07 ms. ``fetch``
runs a statement (prepared on PostgreSQL when asked); ``columns`` and
``instance`` read a model's row and make of it the instance the ORM would
make, through the same converters and ``from_db``, without building a query.
articles/rows.py and the company page read through these.
"""

import functools

import psycopg
from django.db import connections


def fetch(connection, statement: str, params, *, prepared: bool = False) -> list:
    """The rows ``statement`` gives. ``prepared``: on PostgreSQL, a statement
    the server plans once per connection (when the connection allows it:
    settings.DATABASE_PREPARED_STATEMENTS) and then runs with its generic
    plan. Only for reads whose best plan does not depend on the values
    given: a lookup by key, not a read whose best plan depends on how often
    a company or tag is covered."""
    # Django's own cursor binds values on the client and is never prepared.
    # Its query log (DEBUG, tests counting queries) shows each statement
    # with its values, which a cursor binding on the server cannot give, so
    # a logged read goes through it.
    if prepared and connection.vendor == "postgresql" and not connection.queries_logged:
        # What connection.cursor() does before it makes its own: the health
        # check (a request's first read reconnects to a restarted server),
        # the connection, the thread check.
        connection.close_if_health_check_failed()
        connection.ensure_connection()
        connection.validate_thread_sharing()
        cursor = connection.make_cursor(psycopg.Cursor(connection.connection))
    else:
        cursor = connection.cursor()
    with cursor:
        cursor.execute(statement, params)
        return cursor.fetchall()


@functools.cache  # models x database aliases x table aliases: bounded
def columns(model, alias: str, table: str) -> str:
    """The model's columns, in field order, for ``instance``: ``table.column``."""
    quote = connections[alias].ops.quote_name
    return ", ".join(f"{table}.{quote(f.column)}" for f in model._meta.concrete_fields)


def instance(model, connection, values):
    """The ``model`` instance for a row of ``columns``'s values, as the ORM
    makes it: the backend's and the fields' converters, then ``from_db``."""
    names, converters = _reading(model, connection.alias)
    values = list(values)
    for position, column, functions in converters:
        for function in functions:
            values[position] = function(values[position], column, connection)
    return model.from_db(connection.alias, names, values)


@functools.cache  # models x database aliases: bounded
def _reading(model, alias: str) -> tuple[list[str], list[tuple]]:
    connection = connections[alias]
    fields = model._meta.concrete_fields
    converters = []  # as the ORM's compiler finds them (get_converters)
    for position, field in enumerate(fields):
        column = field.get_col(model._meta.db_table)
        functions = connection.ops.get_db_converters(column)
        functions += column.get_db_converters(connection)
        if functions:
            converters.append((position, column, functions))
    return [f.attname for f in fields], converters
