"""The embedded Celery broker: kombu's filesystem transport, made safe.

``make run`` needs a broker without a server. kombu's filesystem transport
creates each message file under its final name and then writes it, so a
worker polling the folder can take a file the web process is still writing,
read it empty and die with "Unrecoverable error: JSONDecodeError" (kombu
issue 1551), losing the message. Here a message is written under a name the
worker never takes (``.tmp`` suffix), flushed, and renamed into place:
``os.replace`` is atomic on one file system, so a worker sees a whole
message or none. A file that still cannot be read (written by an older
version, or damaged on disk) is set aside under ``rejected/`` with a log
line instead of stopping the worker.

Selected by the ``kbfs://`` broker URL (the default); the alias is
registered when ``kb.celery`` is imported.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import uuid
from time import monotonic

from kombu.exceptions import ChannelError
from kombu.transport import TRANSPORT_ALIASES, filesystem
from kombu.utils.encoding import bytes_to_str, str_to_bytes
from kombu.utils.json import dumps, loads

log = logging.getLogger(__name__)

SCHEME = "kbfs"


class Channel(filesystem.Channel):
    # kombu names the second parameter "message" in its base class and
    # "payload" in the filesystem transport; this follows the latter.
    def _put(self, queue, payload, **kwargs):  # type: ignore[override]
        """Write the message under a temporary name, then rename it into place."""
        name = f"{int(round(monotonic() * 1000))}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        partial = final + ".tmp"
        try:
            with open(partial, "wb") as handle:
                handle.write(str_to_bytes(dumps(payload)))
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(partial, final)
        except OSError as exc:
            try:
                os.unlink(partial)
            except OSError:
                pass
            raise ChannelError(f"Cannot add file {final!r} to directory") from exc

    def _get(self, queue, timeout=None):
        """Take the oldest whole message of ``queue``; set aside unreadable ones."""
        wanted = f"{queue}.msg"
        for filename in sorted(os.listdir(self.data_folder_in)):
            if filename.partition(".")[2] != wanted:
                continue  # another queue's message, or one still being written
            processed = (self.processed_folder if self.store_processed
                         else tempfile.gettempdir())
            try:
                shutil.move(os.path.join(self.data_folder_in, filename), processed)
            except OSError:
                continue  # taken by another consumer meanwhile
            path = os.path.join(processed, filename)
            try:
                with open(path, "rb") as handle:
                    raw = handle.read()
            except OSError as exc:
                raise ChannelError(f"Cannot read file {path!r} from queue.") from exc
            try:
                payload = loads(bytes_to_str(raw))
            except (ValueError, json.JSONDecodeError):
                self._reject(path, filename, raw)
                continue
            if not self.store_processed:
                os.remove(path)
            return payload
        raise filesystem.Empty()

    def _reject(self, path: str, filename: str, raw: bytes) -> None:
        rejected = os.path.join(os.path.dirname(self.data_folder_in.rstrip("/")), "rejected")
        os.makedirs(rejected, exist_ok=True)
        shutil.move(path, os.path.join(rejected, filename))
        log.error("broker_message_unreadable file=%s bytes=%d moved_to=%s", filename,
                  len(raw), rejected)


class Transport(filesystem.Transport):
    Channel = Channel
    driver_type = "filesystem"
    driver_name = "kbfs"


def register() -> None:
    TRANSPORT_ALIASES.setdefault(SCHEME, f"{__name__}:Transport")
