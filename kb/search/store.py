"""Where the index lives, and the one way to read and write it.

``KB_INDEX_DIR`` holds generations (``gen-<n>/``, each a complete Whoosh
index) and a ``CURRENT`` file naming the live one. A rebuild writes a new
generation beside the live one and switches ``CURRENT`` atomically, so
searches keep answering from the old generation while it runs. Incremental
updates write to the live generation, waiting for Whoosh's lock, so two
writers never corrupt each other.
"""

import logging
import os
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from whoosh import index as whoosh_index
from whoosh.index import Index
from whoosh.searching import Searcher

from kb.search.schema import build_schema

log = logging.getLogger(__name__)

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
    """Whether the live index opens and reads; the reason when it does not."""
    try:
        ix = open_index()
        with ix.searcher() as searcher:
            searcher.doc_count()
        return True, "ok"
    except IndexUnavailable as exc:
        return False, str(exc)
    except Exception as exc:  # a damaged segment raises all sorts of errors
        return False, f"search index is damaged: {exc!r}"


@dataclass
class NewGeneration:
    root: Path
    path: Path
    index: Index

    def activate(self) -> None:
        """Make this generation the live one and delete the older ones."""
        tmp = self.root / "CURRENT.tmp"
        tmp.write_text(self.path.name)
        os.replace(tmp, _current_file(self.root))
        for old in self.root.glob("gen-*"):
            if old != self.path:
                shutil.rmtree(old, ignore_errors=True)


def new_generation(root: Path | None = None) -> NewGeneration:
    root = root or index_root()
    root.mkdir(parents=True, exist_ok=True)
    path = root / f"gen-{time.time_ns()}"
    path.mkdir()
    return NewGeneration(root=root, path=path, index=whoosh_index.create_in(str(path),
                                                                           build_schema()))


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
    ``up_to_date`` (a directory listing, at most every 250 ms) notices
    incremental commits; both cost a file read, not an index reopen.
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
        _close_quietly(state.searcher)
        state.searcher = open_index().searcher()
    return state.searcher


def _close_quietly(searcher: Searcher) -> None:
    # Its files may be gone already (a rebuild deleted the old generation).
    try:
        searcher.close()
    except Exception:
        log.debug("searcher_close_failed", exc_info=True)
