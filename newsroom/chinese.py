"""Chinese text: conversion between the scripts, and folding for matching.

Conversion is OpenCC's. The newsroom writes Hong Kong Traditional, so the
Simplified edition, e-mails and search convert with ``hk2s`` (not ``t2s``,
which keeps 衞 where Simplified readers write 卫); what readers type in
Simplified goes back with ``s2hk``. One converter per configuration and
process, made on first use (loading one takes about 10 ms).

Folding puts Traditional, Simplified and variant spellings (萬科/万科, 綠/绿,
裏/裡/里), upper and lower case and full-width Latin (ＮＩＯ) in one form, so
that company names, tags and search terms meet whatever script they were
typed in:

- Chinese characters fold to Simplified with hk2s, one character at a time.
  Folding is many-to-one (發/髮 → 发), which is what matching wants;
  converting whole phrases can change the length of the text, one character
  at a time cannot, so a position in the folded text is the same position in
  the original.
- Latin letters are lower-cased where that keeps one character (casefold
  would turn ß into ss and move every position after it).

The fold is a table built once per process, so it needs no lock; numpy
applies it (one lookup per code point of the text's UTF-32), which costs a
fraction of ``str.translate`` with the same table.
"""

import functools
import threading

import numpy as np

SIMPLIFIED_CONFIG = "hk2s"
TRADITIONAL_CONFIG = "s2hk"

# Chinese blocks of the Basic Multilingual Plane: radicals, punctuation, kana,
# Extension A, the unified ideographs, compatibility ideographs.
_CJK_RANGES = ((0x2E80, 0x9FFF), (0xF900, 0xFAFF))
# Characters above the BMP (Extension B on) are left as they are: no name we
# know needs them, and the table stays a flat 65,536-entry list.
TABLE_SIZE = 0x10000


# --- Conversion ---------------------------------------------------------------

# The binding does not document thread safety: one conversion at a time.
# Cached pages never convert, so the lock costs nothing on the hot path.
_lock = threading.Lock()


@functools.cache
def _converter(config: str):
    import opencc

    return opencc.OpenCC(config)


def convert(text: str, config: str) -> str:
    """``text`` converted with the OpenCC configuration ``config``, uncached."""
    converter = _converter(config)
    # OpenCC's C library stops at a NUL character; convert around it.
    with _lock:
        return "\x00".join(converter.convert(part) for part in text.split("\x00"))


def to_simplified(text: str) -> str:
    """Hong Kong Traditional → Simplified."""
    return convert(text, SIMPLIFIED_CONFIG)


def to_traditional(text: str) -> str:
    """Simplified → Hong Kong Traditional."""
    return convert(text, TRADITIONAL_CONFIG)


# --- Folding ------------------------------------------------------------------


@functools.cache
def fold_table() -> list[str]:
    """Code point → folded character, for ``str.translate``; length-preserving."""
    # A list indexed by code point: str.translate finds every character in it,
    # where a dict would raise (and swallow) KeyError for each unchanged one.
    table = [chr(code) for code in range(TABLE_SIZE)]
    for code in range(TABLE_SIZE):
        lower = table[code].lower()
        if len(lower) == 1:
            table[code] = lower
    # Full-width ASCII (ＮＩＯ, ２０２４) → ASCII, common in Chinese copy.
    for code in range(0xFF01, 0xFF5F):
        table[code] = chr(code - 0xFEE0).lower()
    for code, simplified in _simplified_characters().items():
        table[code] = simplified
    return table


def _simplified_characters() -> dict[int, str]:
    characters = [chr(c) for low, high in _CJK_RANGES for c in range(low, high + 1)]
    # A newline between characters: no OpenCC phrase spans it, so each one is
    # converted on its own, in one call.
    converted = to_simplified("\n".join(characters)).split("\n")
    if len(converted) != len(characters):  # pragma: no cover - defensive
        converted = [to_simplified(c) for c in characters]
    return {
        ord(original): simplified
        for original, simplified in zip(characters, converted, strict=True)
        if len(simplified) == 1 and simplified != original
    }


@functools.cache
def fold_codes() -> np.ndarray:
    """``fold_table()`` as code points."""
    return code_points("".join(fold_table()))


def code_points(text: str) -> np.ndarray:
    # surrogatepass: a lone surrogate is still one character of the text.
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def from_code_points(codes: np.ndarray) -> str:
    return codes.tobytes().decode("utf-32-le", "surrogatepass")


def fold(text: str) -> str:
    """``text`` in the folded form, exactly as long as ``text``."""
    codes = code_points(text)
    folded = fold_codes().take(codes & 0xFFFF)
    if codes.size and codes.max() >= TABLE_SIZE:
        folded = np.where(codes < TABLE_SIZE, folded, codes)
    return from_code_points(folded)
