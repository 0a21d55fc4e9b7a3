"""Opening a segment without copying it.

Whoosh reads a compound segment through a memory map, but wraps each file
inside it in a ``BytesIO``, which copies the file: opening a searcher on a
5,000-article index copied its term and posting files (tens of megabytes),
about 30 ms, and every edit opens a new searcher in every serving thread.
``ViewFile`` reads the memory map in place, so a segment costs what is read
from it. Applied once, when the search store is imported.
"""

from __future__ import annotations

import io

from whoosh.filedb import structfile


class ViewFile(io.RawIOBase):
    """A read-only file over a buffer (a memory map's view), never copied whole."""

    def __init__(self, buffer):
        super().__init__()
        self._view = memoryview(buffer).cast("B")
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_CUR:
            offset = max(0, offset + self._pos)
        elif whence == io.SEEK_END:
            offset = max(0, offset + len(self._view))
        if offset < 0:
            raise ValueError(f"negative seek position {offset}")
        self._pos = offset
        return offset

    def tell(self) -> int:
        return self._pos

    def readinto(self, buffer) -> int:
        target = memoryview(buffer).cast("B")
        chunk = self._view[self._pos:self._pos + len(target)]
        target[:len(chunk)] = chunk
        self._pos += len(chunk)
        return len(chunk)

    def read(self, size: int | None = -1) -> bytes:
        end = len(self._view) if size is None or size < 0 else self._pos + size
        data = self._view[self._pos:end].tobytes()
        self._pos += len(data)
        return data

    def readline(self, size: int | None = -1) -> bytes:
        end = len(self._view)
        limit = end if size is None or size < 0 else min(end, self._pos + size)
        start = self._pos
        while self._pos < limit:
            block = self._view[self._pos:min(limit, self._pos + 256)].tobytes()
            newline = block.find(b"\n")
            if newline >= 0:
                self._pos += newline + 1
                break
            self._pos += len(block)
        return self._view[start:self._pos].tobytes()

    def close(self) -> None:
        # Drop the view: the memory map can close once no file uses it.
        try:
            self._view.release()
        except BufferError:  # a slice still in use: the view goes with it
            pass
        super().close()


def _buffer_file_init(self, buf, name=None, onclose=None):
    self._buf = buf
    self._name = name
    self.file = ViewFile(buf)
    self.onclose = onclose
    self.is_real = False
    self.is_closed = False


def install() -> None:
    """Make Whoosh's buffer files read in place (idempotent)."""
    structfile.BufferFile.__init__ = _buffer_file_init
