"""A disk cache for the compiled form of giant regular expressions, kept between process starts.

spaCy's French tokenizer builds TOKEN_MATCH, a 1.4 MB pattern, when `spacy.lang.fr` is imported, and
CPython's `re` spends ~2.4 s of an 8 s worker start-up parsing and optimising it, in every process, on
every start. What `re` produces is a list of integers (the sre bytecode) that it hands to
`_sre.compile`; this module keeps that list on disk, keyed by the pattern, its flags and the exact
interpreter, and hands it back to `_sre.compile` on the next start. Patterns under `MIN_CHARS` and
anything unexpected (another interpreter, an unreadable, unwritable or corrupt cache) take the normal
path, so the worst case is the old start-up time, never a different regex.
"""

from __future__ import annotations

import _sre
import array
import contextlib
import hashlib
import json
import os
import re
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from re import _compiler, _parser  # type: ignore[attr-defined]
from typing import Any

MIN_CHARS = 100_000
_CODE_TYPE = "I"  # sre code words are 4 bytes (_sre.CODESIZE) on the platforms we run on
_INSTALLED_MARK = "_depeche_regex_cache"


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "depeche"


def cache_key(pattern: str, flags: int) -> str:
    """Every input that decides the bytecode: the pattern, its flags, and the interpreter's sre."""
    h = hashlib.sha256()
    h.update(f"{sys.version}|{_sre.MAGIC}|{_sre.CODESIZE}|{flags}|".encode())
    h.update(pattern.encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def _compile_parts(pattern: str, flags: int) -> tuple[int, list[int], int, dict[str, int], list[str | None]]:
    """What `re._compiler.compile` computes before calling `_sre.compile` (CPython 3.11-3.13)."""
    parsed = _parser.parse(pattern, flags)
    code = _compiler._code(parsed, flags)
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    return flags | parsed.state.flags, list(code), parsed.state.groups, groupindex, indexgroup


def _build(pattern: str, final_flags: int, code: list[int] | array.array[int], groups: int,
           groupindex: dict[str, int], indexgroup: list[str | None]) -> re.Pattern[str]:
    compiled: re.Pattern[str] = _sre.compile(pattern, final_flags, list(code), groups - 1, groupindex,
                                             tuple(indexgroup))
    return compiled


def _load(path: Path, pattern: str) -> re.Pattern[str] | None:
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    header_line, _, body = raw.partition(b"\n")
    try:
        header = json.loads(header_line)
        if hashlib.sha256(body).hexdigest() != header["sha256"]:
            return None  # truncated or altered: compile, and the store overwrites it
        code = array.array(_CODE_TYPE)
        code.frombytes(body)
        return _build(pattern, header["flags"], code, header["groups"], header["groupindex"], header["indexgroup"])
    except (ValueError, KeyError, TypeError):
        return None  # an unreadable header (a write cut short): compile, and the store overwrites it


def _store(path: Path, final_flags: int, code: list[int], groups: int, groupindex: dict[str, int],
           indexgroup: list[str | None]) -> None:
    body = array.array(_CODE_TYPE, code).tobytes()
    header = {"flags": final_flags, "groups": groups, "groupindex": groupindex, "indexgroup": indexgroup,
              "sha256": hashlib.sha256(body).hexdigest()}
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write then rename: several worker processes may start at once and race on the same file.
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        with os.fdopen(fd, "wb") as out:
            out.write(json.dumps(header).encode() + b"\n" + body)
        os.chmod(tmp, 0o644)  # an image built as root is read by the unprivileged service user
        os.replace(tmp, path)
    except OSError:
        # Read-only or full disk: the cache is an optimisation, not a requirement.
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def cached_compile(cache_dir: Path, pattern: str, flags: int) -> re.Pattern[str]:
    path = cache_dir / f"{cache_key(pattern, flags)}.sre"
    found = _load(path, pattern)
    if found is not None:
        return found
    final_flags, code, groups, groupindex, indexgroup = _compile_parts(pattern, flags)
    compiled = _build(pattern, final_flags, code, groups, groupindex, indexgroup)
    _store(path, final_flags, code, groups, groupindex, indexgroup)
    return compiled


def install(cache_dir: Path | None) -> bool:
    """Route giant patterns compiled by `re` in this process through the cache; True when active.

    Must run before `spacy.lang.fr` is imported. `re` keeps its own in-memory cache in front of this,
    so the tokenizer's second compile of the same pattern (in `from_disk`) costs nothing either.
    """
    if cache_dir is None or array.array(_CODE_TYPE).itemsize != _sre.CODESIZE:
        return False
    if not hasattr(_compiler, "_code") or not hasattr(_parser, "parse"):
        return False
    original: Callable[..., Any] = _compiler.compile
    if getattr(original, _INSTALLED_MARK, False):
        return True

    def compile(p: Any, flags: int = 0) -> Any:
        if not isinstance(p, str) or len(p) < MIN_CHARS or flags & re.DEBUG:
            return original(p, flags)
        try:
            return cached_compile(cache_dir, p, flags)
        except Exception:  # any surprise: the normal path gives the same regex, only slower
            return original(p, flags)

    setattr(compile, _INSTALLED_MARK, True)
    _compiler.compile = compile
    return True
