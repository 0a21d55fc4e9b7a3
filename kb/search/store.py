"""Where the index lives, and the one way to read and write it.

``KB_INDEX_DIR`` holds generations (``gen-<n>/``, each a complete Whoosh
index) and a ``CURRENT`` file naming the live one. A rebuild writes a new
generation beside the live one and switches ``CURRENT`` atomically, so
searches keep answering from the old generation while it runs. Incremental
updates write to the live generation, waiting for Whoosh's lock, so two
writers never corrupt each other.

Damage is found where it shows. Every commit records the SHA-256 of the
files it wrote in the generation's ``CHECKSUMS.json`` (Whoosh never changes a
file once written), so :func:`index_health` notices a flipped byte in any
segment by reading the files once (about 0.1 s for 5,000 articles), not only
an index that fails to open. A rebuild holds ``REBUILD.lock`` and leaves a
``REBUILDING`` marker until it switches: a rebuild killed midway leaves the
marker and its partial generation, which :func:`recover_interrupted_rebuild`
removes at worker start, and reports so the rebuild is queued again.
"""

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import shutil
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from whoosh import index as whoosh_index
from whoosh.index import Index
from whoosh.searching import Searcher

from kb.search import ranking, whoosh_files
from kb.search.analysis import ANALYSIS_VERSION
from kb.search.schema import build_schema

log = logging.getLogger(__name__)

whoosh_files.install()

WRITE_LOCK_TIMEOUT_S = 30.0


class IndexUnavailable(Exception):
    """There is no usable index (missing or corrupt): rebuild it."""


def index_root() -> Path:
    return Path(settings.KB_INDEX_DIR)


def _current_file(root: Path) -> Path:
    return root / "CURRENT"


def current_generation_dir(root: Path | None = None) -> Path | None:
    root = root or index_root()
    try:
        name = _current_file(root).read_text().strip()
    except OSError:
        return None
    path = root / name
    return path if name and path.is_dir() else None


def open_index(root: Path | None = None) -> Index:
    path = current_generation_dir(root)
    if path is None or not whoosh_index.exists_in(str(path)):
        raise IndexUnavailable(f"no search index in {root or index_root()}")
    try:
        return whoosh_index.open_dir(str(path))
    except Exception as exc:  # a damaged index raises many kinds of error
        raise IndexUnavailable(f"search index in {path} cannot be opened: {exc!r}") from exc


def index_health() -> tuple[bool, str]:
    """Whether the live index is whole, opens and reads; the reason when not."""
    try:
        damaged = checksums_verify(current_generation_dir())
        if damaged:
            return False, f"search index is damaged: {damaged}"
        ix = open_index()
        with ix.searcher() as searcher:
            searcher.doc_count()
        return True, "ok"
    except IndexUnavailable as exc:
        return False, str(exc)
    except Exception as exc:  # a damaged segment raises all sorts of errors
        return False, f"search index is damaged: {exc!r}"


def index_analysis_version() -> int | None:
    """The text analysis the live generation was built under (1 when it
    records none); None when there is no index."""
    path = current_generation_dir()
    if path is None:
        return None
    try:
        return int((path / ANALYSIS).read_text().strip())
    except (OSError, ValueError):
        return 1


# Checksums ---------------------------------------------------------------------
CHECKSUMS = "CHECKSUMS.json"
_UNCHECKED = {CHECKSUMS, CHECKSUMS + ".tmp", CHECKSUMS + ".lock"}


def _digest(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


def _index_files(path: Path) -> list[Path]:
    # Lock files change while a writer holds them; everything else is written once.
    return [f for f in path.iterdir()
            if f.is_file() and f.name not in _UNCHECKED and not f.name.endswith("LOCK")]


@contextlib.contextmanager
def _flock(path: Path, *, blocking: bool = True) -> Iterator[bool]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def checksums_record(path: Path) -> None:
    """Record the digest of every file of generation ``path`` not recorded yet
    (after a commit); forget files a commit removed."""
    with _flock(path / (CHECKSUMS + ".lock")):
        known = _read_checksums(path)
        files = {f.name: f for f in _index_files(path)}
        recorded = {name: known.get(name) or _digest(f) for name, f in files.items()}
        tmp = path / (CHECKSUMS + ".tmp")
        tmp.write_text(json.dumps(recorded, sort_keys=True))
        os.replace(tmp, path / CHECKSUMS)


def _read_checksums(path: Path) -> dict[str, str]:
    try:
        return json.loads((path / CHECKSUMS).read_text())
    except (OSError, ValueError):
        return {}


def checksums_verify(path: Path | None) -> str:
    """The first recorded file of generation ``path`` whose bytes changed or
    that vanished while the live table of contents still needs it; "" if none."""
    if path is None:
        return ""
    for name, expected in sorted(_read_checksums(path).items()):
        try:
            actual = _digest(path / name)
        except FileNotFoundError:
            # Merged away by a commit that has not recorded yet, or lost.
            if name in _read_checksums(path):
                return f"{name} is missing"
            continue
        if actual != expected:
            return f"{name} does not match its recorded checksum"
    return ""


# Generations -------------------------------------------------------------------
REBUILD_LOCK_FILE = "REBUILD.lock"
REBUILDING = "REBUILDING"
# In each generation: the text analysis it was built under (its number).
ANALYSIS = "ANALYSIS"


@dataclass
class NewGeneration:
    root: Path
    path: Path
    index: Index

    def activate(self) -> None:
        """Make this generation the live one and delete the older ones."""
        checksums_record(self.path)
        tmp = self.root / "CURRENT.tmp"
        tmp.write_text(self.path.name)
        os.replace(tmp, _current_file(self.root))
        (self.root / REBUILDING).unlink(missing_ok=True)
        for old in self.root.glob("gen-*"):
            if old != self.path:
                shutil.rmtree(old, ignore_errors=True)

    def discard(self) -> None:
        """Drop a generation that will not be finished (its build failed)."""
        shutil.rmtree(self.path, ignore_errors=True)
        (self.root / REBUILDING).unlink(missing_ok=True)


def new_generation(root: Path | None = None) -> NewGeneration:
    root = root or index_root()
    root.mkdir(parents=True, exist_ok=True)
    # Named for the time, made unique (two rebuilds in one clock tick, or
    # under a test's frozen clock, must not share a folder).
    path = root / f"gen-{time.time_ns()}-{uuid.uuid4().hex[:8]}"
    path.mkdir()
    (path / ANALYSIS).write_text(str(ANALYSIS_VERSION))
    (root / REBUILDING).write_text(path.name)
    return NewGeneration(root=root, path=path, index=whoosh_index.create_in(str(path),
                                                                           build_schema()))


@contextlib.contextmanager
def rebuild_lock(root: Path | None = None) -> Iterator[None]:
    """Held for the whole of a rebuild: one rebuild at a time on this machine."""
    with _flock((root or index_root()) / REBUILD_LOCK_FILE):
        yield


def recover_interrupted_rebuild(root: Path | None = None) -> bool:
    """Remove what a rebuild killed midway left behind (its partial generation
    and marker). True when a rebuild was interrupted and should run again.
    Does nothing while a rebuild is running."""
    root = root or index_root()
    if not root.is_dir():
        return False
    with _flock(root / REBUILD_LOCK_FILE, blocking=False) as free:
        if not free:
            return False
        live = current_generation_dir(root)
        interrupted = (root / REBUILDING).exists()
        for partial in root.glob("gen-*"):
            if partial != live:
                log.warning("index_partial_generation_removed path=%s", partial)
                shutil.rmtree(partial, ignore_errors=True)
        (root / REBUILDING).unlink(missing_ok=True)
        return interrupted


def writer(ix: Index, **kwargs):
    return ix.writer(timeout=WRITE_LOCK_TIMEOUT_S, **kwargs)


# Searchers: one per thread, refreshed on a cheap check, not reopened per query.
_local = threading.local()


@dataclass
class _SearcherState:
    generation: Path
    searcher: Searcher


def get_searcher() -> Searcher:
    """A searcher of the live index that sees commits made since it opened.

    Reading ``CURRENT`` notices a rebuild by another process; Whoosh's
    ``up_to_date`` (a listing of the generation's directory) notices
    incremental commits; together some 30 microseconds, not an index reopen.
    """
    live = current_generation_dir()
    if live is None:
        raise IndexUnavailable(f"no search index in {index_root()}")
    state: _SearcherState | None = getattr(_local, "state", None)
    if state is None or state.generation != live:
        if state is not None:
            _close_quietly(state.searcher)
        state = _SearcherState(generation=live, searcher=open_index().searcher())
        _local.state = state
    elif not state.searcher.up_to_date():
        # Reopen rather than Searcher.refresh(): refresh reuses segment
        # readers that miss deletions made since (an edited article would
        # still match its old words) and fails on an empty index.
        previous = state.searcher
        state.searcher = open_index().searcher()
        # An edit: the same index, so the last searcher's terms are worth
        # scoring now (kb.search.ranking.warm); a search never fails for it.
        try:
            ranking.warm(state.searcher, previous)
        except Exception:
            log.warning("searcher_warm_failed", exc_info=True)
        _close_quietly(previous)
    return state.searcher


def _close_quietly(searcher: Searcher) -> None:
    # Its files may be gone already (a rebuild deleted the old generation).
    try:
        searcher.close()
    except Exception:
        log.debug("searcher_close_failed", exc_info=True)
