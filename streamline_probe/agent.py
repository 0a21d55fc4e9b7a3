"""streamline-probe: measure each line's ingest every minute and post the
samples to the site, keeping them in a local file while it cannot be reached.

Run it on the encoder machine (the customer's end of the line)::

    export STREAMLINE_PROBE_TOKEN=<the organization's API token>
    streamline-probe --site https://support.example.com \\
        --line 7=push.sea.example.com:1935 --line 9=push.eu.example.com:1935

Each minute, right after the minute begins, one burst per line
(streamline_probe.probing: ICMP echo when allowed, else TCP connect time to
the port) becomes a sample labelled with that minute. Samples are first
appended to the *backlog* (a JSON-lines file), then sent oldest first, at
most 1,000 a request, and removed from the backlog only once the site
accepted them; so a site that is down, a network that is cut or an agent
that is killed loses nothing, and the backlog goes out when the site
answers again. The site counts a minute sent twice once.

What the site refuses for good is not kept: samples older than the 7 days
the site accepts are dropped before sending; in a refused batch the samples
the site names (a line that is not the organization's, say) are dropped and
the rest sent again. A refused token stops the agent (exit status 2) with
the backlog kept. Pure Python 3.11 standard library, and icmplib for ICMP.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import datetime as dt
import json
import logging
import os
import re
import socket
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from streamline_probe.probing import DEFAULT_COUNT, METHODS, probe

try:
    import fcntl
except ImportError:  # Windows: one agent per backlog file is up to the user
    fcntl = None

log = logging.getLogger("streamline_probe")

VERSION = "0.1"
SAMPLES_PATH = "/api/v1/monitoring/samples"
BATCH = 1000
# The site refuses samples more than 7 days old; a margin for clock skew.
MAX_AGE = dt.timedelta(days=7) - dt.timedelta(minutes=10)
SENT_FIELDS = ("line", "at", "source", "sent", "received", "rtt_min_ms", "rtt_avg_ms",
               "rtt_max_ms", "jitter_ms")
EXIT_TOKEN_REFUSED = 2


@dataclass(frozen=True)
class Target:
    line: int
    host: str
    port: int


_TARGET = re.compile(r"^(\d+)=(\[[0-9A-Fa-f:.]+\]|[^:\s]+):(\d{1,5})$")


def parse_target(text: str) -> Target:
    """``LINE=HOST:PORT`` (an IPv6 address in brackets)."""
    match = _TARGET.match(text.strip())
    if match is None or not 1 <= int(match.group(3)) <= 65535:
        raise argparse.ArgumentTypeError(
            f"{text!r}: expected LINE=HOST:PORT, e.g. 7=push.sea.example.com:1935")
    return Target(line=int(match.group(1)), host=match.group(2).strip("[]"),
                  port=int(match.group(3)))


def iso_minute(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:00Z")


def measure(targets: list[Target], *, at: dt.datetime, source: str, count: int,
            method: str) -> list[dict]:
    """One burst per target, at once; a sample each (never raises)."""
    def one(target: Target) -> dict:
        burst = probe(target.host, target.port, count=count, method=method)
        if not burst.received:
            log.warning("line %s: nothing came back from %s:%s by %s (%s)", target.line,
                        target.host, target.port, burst.method, burst.error)
        return {"line": target.line, "at": iso_minute(at), "source": source,
                **burst.as_dict()}

    with concurrent.futures.ThreadPoolExecutor(max_workers=min(16, len(targets))) as pool:
        return list(pool.map(one, targets))


class Backlog:
    """Samples not yet accepted by the site, one JSON object a line."""

    def __init__(self, path: Path):
        self.path = path
        self.path.parent.mkdir(parents=True, exist_ok=True)

    @contextlib.contextmanager
    def locked(self):
        """One agent at a time on a backlog (where the OS can lock files)."""
        with open(self.path.with_name(self.path.name + ".lock"), "a") as lock:
            if fcntl is not None:
                fcntl.flock(lock, fcntl.LOCK_EX)
            yield

    def add(self, samples: list[dict]) -> None:
        with open(self.path, "a", encoding="utf-8") as file:
            for sample in samples:
                file.write(json.dumps(sample, separators=(",", ":")) + "\n")
            file.flush()
            os.fsync(file.fileno())

    def load(self) -> list[dict]:
        if not self.path.exists():
            return []
        samples = []
        with open(self.path, encoding="utf-8") as file:
            for number, line in enumerate(file, 1):
                try:
                    sample = json.loads(line)
                except ValueError:  # a line cut short by a crash mid-write
                    log.warning("backlog line %s is not a sample; dropped", number)
                    continue
                if isinstance(sample, dict):
                    samples.append(sample)
        return samples

    def replace(self, samples: list[dict]) -> None:
        """Keep exactly ``samples`` (written aside, then renamed over)."""
        aside = self.path.with_name(self.path.name + ".new")
        with open(aside, "w", encoding="utf-8") as file:
            for sample in samples:
                file.write(json.dumps(sample, separators=(",", ":")) + "\n")
            file.flush()
            os.fsync(file.fileno())
        os.replace(aside, self.path)


class SiteUnreachable(Exception):
    """The site did not answer, or answered that it cannot now (5xx, 429)."""

    def __init__(self, reason: str, retry_after: float = 0.0):
        super().__init__(reason)
        self.retry_after = retry_after


class TokenRefused(Exception):
    pass


class Site:
    def __init__(self, url: str, token: str, *, timeout: float = 15.0):
        self.url = url.rstrip("/") + SAMPLES_PATH
        self.token = token
        self.timeout = timeout

    def post(self, samples: list[dict]) -> tuple[int, dict]:
        """(status, body) of a 202 or a 400; raises for anything else."""
        body = json.dumps({"samples": [{k: s.get(k) for k in SENT_FIELDS}
                                       for s in samples]}).encode()
        request = urllib.request.Request(self.url, data=body, method="POST", headers={
            "Content-Type": "application/json", "Accept": "application/json",
            "Authorization": f"Token {self.token}",
            "User-Agent": f"streamline-probe/{VERSION}"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.status, _json(response.read())
        except urllib.error.HTTPError as exc:
            answer = _json(exc.read())
            if exc.code == 400:
                return 400, answer
            if exc.code in (401, 403):
                raise TokenRefused(answer.get("detail") or f"HTTP {exc.code}") from exc
            retry_after = _seconds(exc.headers.get("Retry-After"))
            raise SiteUnreachable(f"HTTP {exc.code}", retry_after) from exc
        except (urllib.error.URLError, OSError, TimeoutError) as exc:
            reason = getattr(exc, "reason", exc)
            raise SiteUnreachable(str(reason) or type(exc).__name__) from exc


def _json(raw: bytes) -> dict:
    try:
        value = json.loads(raw or b"{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _seconds(value: str | None) -> float:
    try:
        return max(0.0, float(value)) if value else 0.0
    except ValueError:
        return 0.0


def _refused_indexes(answer: dict, size: int) -> set[int]:
    """Which samples of a refused batch the site named (DRF keys a list's
    errors by index: ``{"samples": {"3": {...}}}`` or a list of errors)."""
    errors = answer.get("samples")
    if isinstance(errors, dict):
        return {int(k) for k in errors if str(k).isdigit() and int(k) < size}
    if isinstance(errors, list) and len(errors) == size:
        return {i for i, e in enumerate(errors) if e}
    return set()


@dataclass
class FlushReport:
    sent: int = 0
    duplicates: int = 0
    dropped: int = 0
    left: int = 0
    unreachable: str = ""
    retry_after: float = 0.0


def flush(site: Site, backlog: Backlog, *, now: dt.datetime | None = None) -> FlushReport:
    """Send the backlog, oldest first; keep what the site did not take."""
    report = FlushReport()
    now = now or dt.datetime.now(dt.UTC)
    with backlog.locked():
        pending = backlog.load()
        fresh = [s for s in pending if _age_ok(s, now)]
        if len(fresh) < len(pending):
            report.dropped += len(pending) - len(fresh)
            log.warning("dropped %s samples older than the site accepts",
                        len(pending) - len(fresh))
        pending = sorted(fresh, key=lambda s: str(s.get("at")))
        try:
            while pending:
                batch = pending[:BATCH]
                status, answer = site.post(batch)
                if status == 400:
                    refused = _refused_indexes(answer, len(batch))
                    if not refused:  # unreadable: it would be refused forever
                        refused = set(range(len(batch)))
                    log.warning("the site refused %s samples: %s", len(refused),
                                json.dumps(answer)[:500])
                    report.dropped += len(refused)
                    pending = [s for i, s in enumerate(batch) if i not in refused] + \
                        pending[BATCH:]
                else:
                    report.sent += int(answer.get("accepted", 0))
                    report.duplicates += int(answer.get("duplicates", 0))
                    pending = pending[BATCH:]
                backlog.replace(pending)
        except SiteUnreachable as exc:
            report.unreachable, report.retry_after = str(exc), exc.retry_after
            log.warning("site unreachable (%s): %s samples wait in %s", exc, len(pending),
                        backlog.path)
        finally:
            backlog.replace(pending)
            report.left = len(pending)
    return report


def _age_ok(sample: dict, now: dt.datetime) -> bool:
    try:
        at = dt.datetime.fromisoformat(str(sample["at"]).replace("Z", "+00:00"))
    except (KeyError, ValueError):
        return False
    return at.tzinfo is not None and at >= now - MAX_AGE


def default_source() -> str:
    name = re.sub(r"[^A-Za-z0-9._:@-]", "-", socket.gethostname())[:50].strip("-.")
    return f"agent-{name or 'encoder'}"


def default_backlog(source: str) -> Path:
    home = Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state")
    return home / "streamline-probe" / f"backlog-{source}.jsonl"


def arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="streamline-probe",
        description="Measure each line's ingest every minute and post the samples to the "
                    "site's monitoring API; while the site cannot be reached they wait in "
                    "a local backlog file. The token is read from STREAMLINE_PROBE_TOKEN "
                    "or --token-file.")
    parser.add_argument("--site", required=True, help="the site's address, e.g. "
                        "https://support.example.com")
    parser.add_argument("--line", dest="targets", type=parse_target, action="append",
                        required=True, metavar="LINE=HOST:PORT",
                        help="a line's id and the ingest it pushes to (repeat per line)")
    parser.add_argument("--token-file", type=Path,
                        help="a file holding the API token (else STREAMLINE_PROBE_TOKEN)")
    parser.add_argument("--source", default=None,
                        help="this agent's name in the samples (default agent-<hostname>)")
    parser.add_argument("--count", type=int, default=DEFAULT_COUNT,
                        help=f"probes per burst (default {DEFAULT_COUNT})")
    parser.add_argument("--method", choices=METHODS, default="auto",
                        help="icmp, tcp, or auto: ICMP when allowed, else TCP (default)")
    parser.add_argument("--backlog", type=Path, default=None,
                        help="the backlog file (default under ~/.local/state/streamline-probe)")
    parser.add_argument("--once", action="store_true",
                        help="measure this minute, send, and exit (for cron or a test)")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._:@-]{0,63}", args.source or "x") or \
            args.source == "site":
        parser.error("--source: letters, digits and . _ : @ - (at most 64), not \"site\"")
    if not 1 <= args.count <= 60:
        parser.error("--count: from 1 to 60")
    args.source = args.source or default_source()
    args.backlog = args.backlog or default_backlog(args.source)
    if args.token_file:
        try:
            args.token = args.token_file.read_text().strip()
        except OSError as exc:
            parser.error(f"--token-file: {exc.strerror}")
    else:
        args.token = os.environ.get("STREAMLINE_PROBE_TOKEN", "").strip()
    if not args.token:
        parser.error("no token: set STREAMLINE_PROBE_TOKEN or give --token-file")
    return args


def cycle(args: argparse.Namespace, site: Site, backlog: Backlog,
          at: dt.datetime) -> FlushReport:
    samples = measure(args.targets, at=at, source=args.source, count=args.count,
                      method=args.method)
    with backlog.locked():
        backlog.add(samples)
    report = flush(site, backlog)
    log.info("%s: %s measured, %s sent, %s duplicates, %s dropped, %s waiting",
             iso_minute(at), len(samples), report.sent, report.duplicates, report.dropped,
             report.left)
    return report


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    logging.basicConfig(level=logging.INFO if args.verbose or args.once else logging.WARNING,
                        format="%(asctime)s streamline-probe %(levelname)s %(message)s")
    site, backlog = Site(args.site, args.token), Backlog(args.backlog)
    not_before = 0.0
    while True:
        now = dt.datetime.now(dt.UTC)
        minute = now.replace(second=0, microsecond=0)
        try:
            if time.monotonic() >= not_before or args.once:
                report = cycle(args, site, backlog, minute)
                not_before = time.monotonic() + report.retry_after
            else:  # rate limited: measure, keep, send later
                with backlog.locked():
                    backlog.add(measure(args.targets, at=minute, source=args.source,
                                        count=args.count, method=args.method))
        except TokenRefused as exc:
            log.error("the site refused the token (%s); the backlog is kept in %s", exc,
                      backlog.path)
            return EXIT_TOKEN_REFUSED
        except Exception:  # keep measuring whatever one minute met
            log.exception("this minute failed; the next one goes on")
        if args.once:
            return 0
        following = minute + dt.timedelta(minutes=1)
        time.sleep(max(0.0, (following - dt.datetime.now(dt.UTC)).total_seconds()))


if __name__ == "__main__":
    sys.exit(main())
