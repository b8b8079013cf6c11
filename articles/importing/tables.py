"""Tables in raw copy: Markdown-style pipe tables and tables spread one cell per line.

Both become ``Table`` values (header cells and rows) that render as HTML. A
table that cannot be rebuilt with confidence is left to the parser as text.
"""

import re
from dataclasses import dataclass, field

from django.utils.html import escape

_SEPARATOR_RE = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?$")
# A number as financial tables write it: 1,415,769  (105,691)  -59.0 %  RMB801
# 3.83  n/a  —. A bare year (2024) is a column heading, not a value.
_NUMBER_RE = re.compile(
    r"^(?:(?:RMB|HK\$|US\$|\$|¥|￥)\s*)?[-+−–]?\(?[-+−–]?\d[\d,]*(?:\.\d+)?\)?"
    r"\s*(?:%|倍|x|pp|bps)?$|^(?:[-–—]|n/?a|n\.?m\.?|不適用|不适用)$",
    re.IGNORECASE,
)
_YEAR_RE = re.compile(
    r"^(?:19|20)\d{2}(?:年|E|F)?$|^(?:FY|Q[1-4]|[1-4]Q|H[12]|[12]H)\s?\d{2,4}$"
)
# Column headings other than periods: YoY, Change, 同比 ...
_COLUMN_LABEL_RE = re.compile(
    r"^(?:YoY|QoQ|HoH|Change|Chg\.?|% ?change|%|Diff\.?|Variance|同比|環比|环比"
    r"|按年|按季|變動|变动|增減|增减|升跌|變幅|变幅|差額|差额)$",
    re.IGNORECASE,
)
_SENTENCE_END_RE = re.compile(r"[。！？!?]$")


@dataclass
class Table:
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    # Heading text that spans columns (units, periods), shown before the table.
    note: str = ""
    # Cells at the end of the input that turned out not to be the table's.
    unused_cells: int = 0

    def html(self) -> str:
        parts = ["<table>"]
        if self.header:
            cells = "".join(f"<th>{escape(cell)}</th>" for cell in self.header)
            parts.append(f"<thead><tr>{cells}</tr></thead>")
        parts.append("<tbody>")
        for row in self.rows:
            cells = "".join(f"<td>{escape(cell)}</td>" for cell in row)
            parts.append(f"<tr>{cells}</tr>")
        parts.append("</tbody></table>")
        html = "".join(parts)
        return f"<p>{escape(self.note)}</p>{html}" if self.note else html

    def text(self) -> str:
        lines = [self.note] if self.note else []
        lines += [" | ".join(row) for row in [self.header, *self.rows] if row]
        return "\n".join(lines)

    @property
    def is_empty(self) -> bool:
        return not any(cell.strip() for row in self.rows for cell in row)


# --- pipe tables --------------------------------------------------------------


def is_separator(line: str) -> bool:
    return bool(_SEPARATOR_RE.match(line.strip())) and "-" in line


def is_pipe_line(line: str) -> bool:
    if "|" not in line:
        return False
    return line.startswith("|") or line.endswith("|") or line.count("|") >= 2


def _cells(line: str) -> list[str]:
    inner = line.strip()
    if inner.startswith("|"):
        inner = inner[1:]
    if inner.endswith("|"):
        inner = inner[:-1]
    return [cell.strip() for cell in inner.split("|")]


def parse_pipe_table(lines: list[str]) -> Table | None:
    """A table from consecutive pipe lines, or None when the shape is unclear.

    Rows broken over several lines (as scraped pages often have them) are
    joined until they have as many cells as the header.
    """
    if len(lines) < 2:
        return None
    header = _cells(lines[0])
    rest = lines[1:]
    if rest and _SEPARATOR_RE.match(rest[0].strip()):
        rest = rest[1:]
    width = len(header)
    if width < 2:
        return None
    rows, pending = [], []
    for line in rest:
        if _SEPARATOR_RE.match(line.strip()):
            continue
        pending += _cells(line)
        if len(pending) >= width:
            if len(pending) > width:
                return None
            rows.append(pending)
            pending = []
    if pending:
        if not any(pending):
            pending = []
        else:
            rows.append(pending + [""] * (width - len(pending)))
    return Table(header=header, rows=rows)


# --- one cell per line ----------------------------------------------------------


def is_number(cell: str) -> bool:
    return bool(_NUMBER_RE.match(cell.strip()))


def is_cell(cell: str) -> bool:
    """Short enough, and not a sentence, to be a table cell."""
    cell = cell.strip()
    if not 0 < len(cell) <= 100 or _SENTENCE_END_RE.search(cell):
        return False
    if cell.endswith(".") and not is_number(cell):
        return False
    return len(cell.split()) <= 14


def _is_column_label(cell: str) -> bool:
    return bool(_YEAR_RE.match(cell) or _COLUMN_LABEL_RE.match(cell))


def rebuild_cell_table(cells: list[str]) -> Table | None:
    """A table from cells listed one per line (header first), or None.

    The shape is clear when at least three rows are a label followed by
    numbers and most of them have two values or more. Missing values are the
    last columns; labels with no values (section rows) are rows of their own.
    """
    rows: list[tuple[str, list[str]]] = []
    unused = 0
    # The heading runs to the last period (2025, FY24) before the first
    # label followed by a value; labels after it are section rows.
    first_row = next(
        (
            i
            for i in range(len(cells) - 1)
            if not is_number(cells[i])
            and not _YEAR_RE.match(cells[i])
            and is_number(cells[i + 1])
            and not _YEAR_RE.match(cells[i + 1])
        ),
        None,
    )
    if first_row is None:
        return None
    periods = [i for i in range(first_row) if _YEAR_RE.match(cells[i])]
    index = periods[-1] + 1 if periods else 0
    header_cells = cells[:index]
    while index < len(cells):
        label = cells[index]
        index += 1
        values = []
        while index < len(cells) and is_number(cells[index]):
            values.append(cells[index])
            index += 1
        if is_number(label):
            return None
        rows.append((label, values))
    full = [values for _label, values in rows if values]
    if len(full) < 3:
        return None
    width = max(len(values) for values in full)
    # Labels with no values after the last row are the text that follows.
    while rows and not rows[-1][1]:
        rows.pop()
        unused += 1
    # Most rows carry two values or more (the last column is often left
    # blank, e.g. a change that is not meaningful).
    if width < 2 or sum(len(values) >= 2 for values in full) * 2 < len(full):
        return None
    if len(full) * 2 < len(rows):  # more bare labels than rows of figures
        return None
    labels = [cell for cell in header_cells if _is_column_label(cell)]
    others = [cell for cell in header_cells if not _is_column_label(cell)]
    header: list[str] = []
    if len(labels) == width:
        # A two-row heading flattened one cell per line puts a column that
        # spans both rows (YoY) before the years under a shared heading: the
        # years are the first columns, in order.
        years = [cell for cell in labels if _YEAR_RE.match(cell)]
        header = ["; ".join(others), *years, *[c for c in labels if c not in years]]
        note = ""
    else:
        note = " ".join(header_cells)
    body = [[label, *values, *[""] * (width - len(values))] for label, values in rows]
    return Table(header=header, rows=body, note=note, unused_cells=unused)
