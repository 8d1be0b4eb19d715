"""The kept files' names: SHA-256 of what they were made from, whichever module computes it."""

from __future__ import annotations

import hashlib
import importlib
from collections.abc import Iterator

import pytest

from tumorboard import cache_folder

SAMPLES = [b"", b"abc", "tumorboard.case/1 \u00e9".encode(), bytes(range(256)) * 300]


@pytest.fixture(autouse=True)
def fresh_choice() -> Iterator[None]:
    cache_folder._sha256.cache_clear()
    yield
    cache_folder._sha256.cache_clear()


def test_the_key_is_the_sha256_hashlib_computes() -> None:
    for data in SAMPLES:
        assert cache_folder.content_key(data) == hashlib.sha256(data).hexdigest()
    assert cache_folder._sha256() is not hashlib.sha256  # CPython's own module, not OpenSSL's


def test_without_the_builtin_module_hashlib_computes_the_same_key(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.import_module

    def without_builtin(name: str, package: str | None = None) -> object:
        if name in ("_sha2", "_sha256"):
            raise ImportError(name)
        return real(name, package)

    monkeypatch.setattr(importlib, "import_module", without_builtin)
    assert cache_folder._sha256() is hashlib.sha256
    for data in SAMPLES:
        assert cache_folder.content_key(data) == hashlib.sha256(data).hexdigest()
