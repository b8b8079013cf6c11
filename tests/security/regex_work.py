"""How much work a backtracking regex engine does on an input: counted, not timed.

``search_steps(pattern, text)`` runs ``pattern`` over ``text`` the way a
backtracking engine such as Python's ``re`` does (every start position, every
alternative and every split of every repeat until one succeeds) and counts
the nodes it tries. On an input that does not match, the whole search tree is
walked whatever the engine's order, so the count is the size of that tree: it
grows linearly, polynomially or exponentially with the input as ``re``'s work
does. Counting instead of timing makes the test the same on a busy machine.

``adversarial_inputs(pattern)`` builds, for every repeat in the pattern, a text
that reaches it (the pattern's own witness up to there), repeats what it
accepts and ends with a character that makes the match fail.

Back-references are treated as matching nothing (none of our patterns has
one); everything else Python's parser produces is followed.
"""

import contextvars
import itertools
import re
import re._constants as C
import re._parser as parser

FAIL_CHARACTERS = ["!", "\n", " ", "a", "0", "\x00"]
# Which character a repeat's witness prefers, one input each: ambiguity
# shows only with a character two parts of the pattern both accept.
PREFERRED = ["a", "0", " "]
# Which alternative of each alternation the witness takes, one input each.
ALTERNATIVES = [0, 1, -1]
CANDIDATES = "a0 A!_-.,:;/\n\t#@中。，、「（）)(<>\"'=+*?[]{}|\\$^%&~`zZ9\u3000"


class TooMuchWork(Exception):
    pass


def _category(category, ch: str) -> bool:
    ascii_only = False
    if category in (C.CATEGORY_DIGIT, C.CATEGORY_UNI_DIGIT):
        return ch.isdecimal() and (ch.isascii() or not ascii_only)
    if category in (C.CATEGORY_NOT_DIGIT, C.CATEGORY_UNI_NOT_DIGIT):
        return not ch.isdecimal()
    if category in (C.CATEGORY_SPACE, C.CATEGORY_UNI_SPACE):
        return ch.isspace()
    if category in (C.CATEGORY_NOT_SPACE, C.CATEGORY_UNI_NOT_SPACE):
        return not ch.isspace()
    if category in (C.CATEGORY_WORD, C.CATEGORY_UNI_WORD):
        return ch.isalnum() or ch == "_"
    if category in (C.CATEGORY_NOT_WORD, C.CATEGORY_UNI_NOT_WORD):
        return not (ch.isalnum() or ch == "_")
    if category in (C.CATEGORY_LINEBREAK, C.CATEGORY_UNI_LINEBREAK):
        return ch == "\n"
    if category in (C.CATEGORY_NOT_LINEBREAK, C.CATEGORY_UNI_NOT_LINEBREAK):
        return ch != "\n"
    raise NotImplementedError(category)


def _in_set(items, ch: str, ignore_case: bool) -> bool:
    negate = False
    found = False
    chars = {ch, ch.lower(), ch.upper()} if ignore_case else {ch}
    for op, av in items:
        if op is C.NEGATE:
            negate = True
        elif op is C.LITERAL:
            found |= chr(av) in chars
        elif op is C.RANGE:
            found |= any(av[0] <= ord(c) <= av[1] for c in chars)
        elif op is C.CATEGORY:
            found |= _category(av, ch)
        elif op is C.CHARSET or op is C.BIGCHARSET:
            raise NotImplementedError(op)
    return found != negate


def char_matches(op, av, ch: str, flags: int) -> bool:
    ignore_case = bool(flags & re.IGNORECASE)
    if op is C.LITERAL:
        return ch == chr(av) or (ignore_case and ch.lower() == chr(av).lower())
    if op is C.NOT_LITERAL:
        return not (ch == chr(av) or (ignore_case and ch.lower() == chr(av).lower()))
    if op is C.ANY:
        return bool(flags & re.DOTALL) or ch != "\n"
    if op is C.IN:
        return _in_set(av, ch, ignore_case)
    raise NotImplementedError(op)


SINGLE = {C.LITERAL, C.NOT_LITERAL, C.ANY, C.IN}
REPEATS = {C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT}


class _Walker:
    def __init__(self, text: str, flags: int, limit: int):
        self.text = text
        self.flags = flags
        self.limit = limit
        self.steps = 0

    def _tick(self):
        self.steps += 1
        if self.steps > self.limit:
            raise TooMuchWork

    def _at(self, code, pos: int) -> bool:
        text, multiline = self.text, self.flags & re.MULTILINE
        if code in (C.AT_BEGINNING, C.AT_BEGINNING_LINE):
            return pos == 0 or bool(multiline and text[pos - 1] == "\n")
        if code is C.AT_BEGINNING_STRING:
            return pos == 0
        if code in (C.AT_END, C.AT_END_LINE):
            if pos == len(text) or (pos == len(text) - 1 and text[pos] == "\n"):
                return True
            return bool(multiline and text[pos] == "\n")
        if code is C.AT_END_STRING:
            return pos == len(text)

        def word(i):
            return 0 <= i < len(text) and (text[i].isalnum() or text[i] == "_")

        if code in (C.AT_BOUNDARY, C.AT_UNI_BOUNDARY):
            return word(pos - 1) != word(pos)
        if code in (C.AT_NON_BOUNDARY, C.AT_UNI_NON_BOUNDARY):
            return word(pos - 1) == word(pos)
        raise NotImplementedError(code)

    def match(self, nodes, i, pos, cont) -> bool:
        self._tick()
        if i == len(nodes):
            return cont(pos)
        op, av = nodes[i]
        text = self.text
        if op in SINGLE:
            return (
                pos < len(text)
                and char_matches(op, av, text[pos], self.flags)
                and self.match(nodes, i + 1, pos + 1, cont)
            )
        if op is C.AT:
            return self._at(av, pos) and self.match(nodes, i + 1, pos, cont)
        if op is C.SUBPATTERN:
            body = list(av[3])
            return self.match(body, 0, pos, lambda e: self.match(nodes, i + 1, e, cont))
        if op is C.BRANCH:
            return any(
                self.match(
                    list(alt), 0, pos, lambda e: self.match(nodes, i + 1, e, cont)
                )
                for alt in av[1]
            )
        if op in REPEATS:
            low, high, body = av[0], av[1], list(av[2])
            rest = lambda e: self.match(nodes, i + 1, e, cont)  # noqa: E731
            if op is C.POSSESSIVE_REPEAT:
                end = self._atomic_repeat(body, low, high, pos)
                return end is not None and rest(end)
            return self._repeat(
                body, low, high, pos, 0, rest, greedy=op is C.MAX_REPEAT
            )
        if op is C.ATOMIC_GROUP:
            ends = []
            self.match(list(av), 0, pos, lambda e: ends.append(e) or True)  # noqa: B023
            return bool(ends) and self.match(nodes, i + 1, ends[0], cont)
        if op in (C.ASSERT, C.ASSERT_NOT):
            direction, body = av[0], list(av[1])
            if direction == 1:
                found = self.match(body, 0, pos, lambda e: True)
            else:
                width = parser.SubPattern(parser.State(), body).getwidth()[0]
                start = pos - width
                found = start >= 0 and self.match(body, 0, start, lambda e: e == pos)
            if found == (op is C.ASSERT):
                return self.match(nodes, i + 1, pos, cont)
            return False
        if op is C.GROUPREF:
            return self.match(nodes, i + 1, pos, cont)
        if op is C.GROUPREF_EXISTS:
            _group, yes, no = av
            return any(
                self.match(
                    list(branch), 0, pos, lambda e: self.match(nodes, i + 1, e, cont)
                )
                for branch in (yes, no)
                if branch is not None
            )
        raise NotImplementedError(op)

    def _repeat(self, body, low, high, pos, count, rest, *, greedy) -> bool:
        def more():
            return count < high and self.match(
                body,
                0,
                pos,
                # An empty iteration past the minimum would loop for ever.
                lambda e: (
                    (e != pos or count < low)
                    and self._repeat(body, low, high, e, count + 1, rest, greedy=greedy)
                ),
            )

        def stop():
            return count >= low and rest(pos)

        return (more() or stop()) if greedy else (stop() or more())

    def _atomic_repeat(self, body, low, high, pos):
        count = 0
        while count < high:
            ends = []
            self.match(body, 0, pos, lambda e: ends.append(e) or True)  # noqa: B023
            if not ends or ends[0] == pos:
                break
            pos = ends[0]
            count += 1
        return pos if count >= low else None


def _parsed(pattern: re.Pattern):
    source = pattern.pattern
    if isinstance(source, bytes):
        source = source.decode("latin-1")
    flags = pattern.flags & ~re.ASCII if isinstance(pattern.pattern, str) else 0
    tree = parser.parse(source, flags & ~re.UNICODE)
    return list(tree.data), tree.state.flags | flags


def search_steps(pattern: re.Pattern, text: str, *, limit: int) -> int:
    """Nodes a backtracking search for ``pattern`` in ``text`` tries (at most
    ``limit``: past it, TooMuchWork)."""
    nodes, flags = _parsed(pattern)
    walker = _Walker(text, flags, limit)
    for start in range(len(text) + 1):
        if walker.match(nodes, 0, start, lambda e: True):
            break
    return walker.steps


# --- adversarial inputs ----------------------------------------------------------


ALTERNATIVE = contextvars.ContextVar("alternative", default=0)


class _Reached(Exception):
    def __init__(self, text):
        self.text = text


def _witness_char(op, av, flags, prefer) -> str:
    for ch in prefer + CANDIDATES:
        if char_matches(op, av, ch, flags):
            return ch
    for code in range(0x20, 0x3000):
        if char_matches(op, av, chr(code), flags):
            return chr(code)
    return "a"


def _contains(nodes, target) -> bool:
    for node in nodes:
        if node is target:
            return True
        op, av = node
        children = []
        if op is C.SUBPATTERN:
            children = [av[3]]
        elif op is C.BRANCH:
            children = av[1]
        elif op in REPEATS:
            children = [av[2]]
        elif op is C.ATOMIC_GROUP:
            children = [av]
        elif op is C.GROUPREF_EXISTS:
            children = [b for b in av[1:] if b is not None]
        if any(_contains(list(child), target) for child in children):
            return True
    return False


def _witness(nodes, flags, prefer, target=None, times=1) -> str:
    """A text ``nodes`` accept; with ``target`` (a repeat node), the text up
    to and including ``times`` repetitions of it, raised as _Reached."""
    out = []
    for node in nodes:
        op, av = node
        if op in SINGLE:
            out.append(_witness_char(op, av, flags, prefer))
        elif op is C.SUBPATTERN:
            out.append(_nested(list(av[3]), flags, prefer, target, times, out))
        elif op is C.BRANCH:
            alts = [list(a) for a in av[1]]
            pick = alts[ALTERNATIVE.get() if ALTERNATIVE.get() < len(alts) else -1]
            chosen = next((a for a in alts if _contains(a, target)), pick)
            out.append(_nested(chosen, flags, prefer, target, times, out))
        elif op in REPEATS:
            low, _high, body = av[0], av[1], list(av[2])
            if node is target:
                raise _Reached("".join(out) + _witness(body, flags, prefer) * times)
            count = max(low, 1) if _contains(body, target) else low
            for _ in range(count):
                out.append(_nested(body, flags, prefer, target, times, out))
        elif op is C.ATOMIC_GROUP:
            out.append(_nested(list(av), flags, prefer, target, times, out))
        elif op is C.GROUPREF_EXISTS:
            out.append(_nested(list(av[1]), flags, prefer, target, times, out))
        # Anchors, look-arounds and back-references add no text.
    return "".join(out)


def _nested(nodes, flags, prefer, target, times, out) -> str:
    try:
        return _witness(nodes, flags, prefer, target, times)
    except _Reached as reached:
        raise _Reached("".join(out) + reached.text) from None


def _repeats(nodes):
    for node in nodes:
        op, av = node
        if op in REPEATS:
            if av[1] > 1:
                yield node
            yield from _repeats(list(av[2]))
        elif op is C.SUBPATTERN:
            yield from _repeats(list(av[3]))
        elif op is C.BRANCH:
            for alt in av[1]:
                yield from _repeats(list(alt))
        elif op is C.ATOMIC_GROUP:
            yield from _repeats(list(av))
        elif op is C.GROUPREF_EXISTS:
            for branch in av[1:]:
                if branch is not None:
                    yield from _repeats(list(branch))


def adversarial_inputs(pattern: re.Pattern, times: int) -> list[str]:
    """For each repeat: what reaches it, what it accepts ``times`` times, and
    each of FAIL_CHARACTERS after."""
    nodes, flags = _parsed(pattern)
    texts = {}
    for target in _repeats(nodes):
        for prefer, alternative in itertools.product(PREFERRED, ALTERNATIVES):
            ALTERNATIVE.set(alternative)
            try:
                _witness(nodes, flags, prefer, target, times)
            except _Reached as reached:
                texts.update(dict.fromkeys(reached.text + f for f in FAIL_CHARACTERS))
    return list(texts)
