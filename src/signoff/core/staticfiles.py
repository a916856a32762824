"""The static files storage: whitenoise's hashed and compressed files, compressed once."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from whitenoise.storage import CompressedManifestStaticFilesStorage


class IncrementalCompressedManifestStorage(CompressedManifestStaticFilesStorage):
    """Hashed names with gzip and Brotli copies (whitenoise), each compressed once.

    `signoff migrate` collects the static files at every upgrade and `signoff run` at every
    start, and Brotli at its best level takes seconds per large file (the API docs' bundle).
    Pages name files by their hashed names, so only those are compressed, and a hashed name
    changes with the file's content: one that already has a compressed copy was compressed
    before. Files under their plain names are still served, uncompressed.
    """

    def compress_files(self, paths: Iterable[str]) -> Iterator[tuple[str, str]]:
        hashed = set(self.hashed_files.values())
        fresh = [name for name in paths if name in hashed and not self._compressed(name)]
        yield from super().compress_files(fresh)

    def _compressed(self, name: str) -> bool:
        source = self.path(name)
        return any(Path(source + suffix).exists() for suffix in (".gz", ".br"))
