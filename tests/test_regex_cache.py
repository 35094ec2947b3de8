"""The start-up regex cache gives back exactly the regex `re` would have compiled, or compiles it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from service import regex_cache


def _fresh(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """What CPython compiles with no cache in the way (re's own cache bypassed too)."""
    final_flags, code, groups, groupindex, indexgroup = regex_cache._compile_parts(pattern, flags)
    return regex_cache._build(pattern, final_flags, code, groups, groupindex, indexgroup)


@pytest.fixture
def giant() -> str:
    """A pattern over MIN_CHARS shaped like spaCy's TOKEN_MATCH: many anchored alternatives with classes."""
    words = [f"mot{i}[-‐]suite(?P<g{i}>[a-zà-ÿ]+)?" if i % 500 == 0 else f"mot{i}[-‐]suite[a-zà-ÿ]*"
             for i in range(6000)]
    pattern = "(?iu)" + "|".join(f"(?:^{w}$)" for w in words)
    assert len(pattern) >= regex_cache.MIN_CHARS
    return pattern


def test_pattern_loaded_from_the_cache_has_the_same_bytecode_as_a_fresh_compile(tmp_path: Path, giant: str) -> None:
    first = regex_cache.cached_compile(tmp_path, giant, 0)
    assert list(tmp_path.glob("*.sre")), "the first compile stores the bytecode"
    second = regex_cache.cached_compile(tmp_path, giant, 0)
    fresh = _fresh(giant)
    # Pattern equality compares flags, the pattern text and the bytecode word for word.
    assert first == fresh
    assert second == fresh
    assert second.groupindex == fresh.groupindex


def test_pattern_loaded_from_the_cache_matches_what_a_fresh_compile_matches(tmp_path: Path, giant: str) -> None:
    regex_cache.cached_compile(tmp_path, giant, 0)
    cached = regex_cache.cached_compile(tmp_path, giant, 0)
    fresh = _fresh(giant)
    for text in ("mot42-suiteé", "MOT4999‐SUITE", "mot500-suitexyz", "mot6000-suite", "mot1-suit", ""):
        got, want = cached.match(text), fresh.match(text)
        assert (got and got.group(0), got and got.groupdict()) == (want and want.group(0), want and want.groupdict())


def test_corrupt_cache_file_is_ignored_and_the_pattern_compiled(tmp_path: Path, giant: str) -> None:
    regex_cache.cached_compile(tmp_path, giant, 0)
    (stored,) = tmp_path.glob("*.sre")
    data = bytearray(stored.read_bytes())
    data[-5] ^= 0xFF  # one flipped byte in the bytecode
    stored.write_bytes(bytes(data))
    assert regex_cache.cached_compile(tmp_path, giant, 0) == _fresh(giant)


def test_unwritable_cache_dir_still_gives_the_pattern(tmp_path: Path, giant: str) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the cache dir should be")
    assert regex_cache.cached_compile(blocker, giant, 0) == _fresh(giant)


def test_key_changes_with_the_flags_and_the_pattern() -> None:
    assert regex_cache.cache_key("a" * 10, 0) != regex_cache.cache_key("a" * 10, re.IGNORECASE)
    assert regex_cache.cache_key("a" * 10, 0) != regex_cache.cache_key("a" * 11, 0)


def test_french_tokenizer_pattern_from_the_cache_equals_a_fresh_compile(tmp_path: Path) -> None:
    from spacy.lang.fr.tokenizer_exceptions import TOKEN_MATCH

    pattern: re.Pattern[str] = TOKEN_MATCH.__self__  # type: ignore[attr-defined]
    assert len(pattern.pattern) >= regex_cache.MIN_CHARS, "the pattern this cache exists for"
    regex_cache.cached_compile(tmp_path, pattern.pattern, 0)
    assert regex_cache.cached_compile(tmp_path, pattern.pattern, 0) == _fresh(pattern.pattern)


def test_cache_file_with_an_unreadable_header_is_compiled_and_rewritten(tmp_path: Path, giant: str) -> None:
    regex_cache.cached_compile(tmp_path, giant, 0)
    (stored,) = tmp_path.glob("*.sre")
    stored.write_bytes(b"{not json")  # a write cut short
    assert regex_cache.cached_compile(tmp_path, giant, 0) == _fresh(giant)
    assert stored.read_bytes().startswith(b'{"flags"'), "the next start finds a good file again"
