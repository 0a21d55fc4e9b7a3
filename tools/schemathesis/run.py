"""Fuzz the whole API with schemathesis, as a customer and anonymously.

    .venv/bin/python tools/schemathesis/run.py [--max-examples N] [--seed N]

A throwaway site: a folder under var/ (KB_VAR_DIR) holds a fresh SQLite
database, search index and broker, filled by ``manage.py bootstrap
--demo-users``; a token is made for the demo customer. ``manage.py runserver``
serves it on a free loopback port, with every throttle rate raised (through
the rate variables of kb/settings.py) so that fuzzing meets the API and not a
wall of 429s. schemathesis then runs every operation of /api/v1/schema/ twice,
with the customer's token and without credentials, with every check; any 5xx,
schema violation or undocumented status fails the run (exit status 1). The
server is stopped and the folder removed at the end.

Nothing queued by the API runs (no worker): the site's answers are what is
tested here; the tasks have their own tests.
"""

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SCHEMA_PATH = "/api/v1/schema/"

RELAY_SECRET = "fuzz-relay-secret"

# Every throttle scope of kb/settings.py, raised for this run only.
HIGH = "1000000/minute"
RATE_VARIABLES = [
    "KB_FEEDBACK_RATE", "KB_FEEDBACK_ADDRESS_RATE", "KB_SEARCH_RATE", "KB_SEARCH_ADDRESS_RATE",
    "KB_DIAGNOSE_RATE", "KB_DIAGNOSE_ADDRESS_RATE", "KB_WIZARD_RATE", "KB_WIZARD_ADDRESS_RATE",
    "KB_TICKET_RATE", "KB_TICKET_ADDRESS_RATE", "KB_MONITORING_SAMPLES_RATE",
    "KB_MONITORING_LINES_RATE",
]

# Checks that cannot apply to this API, and why; every other check runs.
EXCLUDED_CHECKS = {
    # Validity here depends on the database and on rules an OpenAPI schema
    # cannot state: an article id or problem code must exist, a ticket must
    # be in the right state for an action, a time must fall in the SLA
    # preview's century, a token-less request to a public operation may
    # still be refused for a missing CSRF token. Such input is schema-valid
    # and rightly refused (400, 403, 404), which this check reports.
    "positive_data_acceptance",
}

TOKEN_SCRIPT = """
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
token, _ = Token.objects.get_or_create(user=get_user_model().objects.get(username="customer"))
print(token.key)
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_served(url: str, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server stopped (exit status {server.returncode})")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"{url} did not answer within {timeout:.0f} s")


def run_schemathesis(label: str, base: str, args: argparse.Namespace, reports: Path,
                     env: dict, headers: list[str]) -> tuple[int, dict]:
    report = reports / f"{label}.json"
    command = [
        str(BIN / "schemathesis"), "run", base + SCHEMA_PATH, "--url", base,
        "--checks", "all", "--exclude-checks", ",".join(sorted(EXCLUDED_CHECKS)),
        "--max-examples", str(args.max_examples), "--seed", str(args.seed),
        # One worker: Python 3.11 before 3.11.8 can raise a spurious
        # SystemError (AST recursion depth mismatch, CPython gh-106905) when
        # schemathesis parses source in two threads at once.
        "--workers", "1", "--request-timeout", "30", "--no-color",
        "--report", "json", "--report-json-path", str(report),
        "--max-failures", "50",
        *[part for header in headers for part in ("--header", header)],
    ]
    print(f"[fuzz] {label}: {' '.join(command[:3])} ...", flush=True)
    started = time.monotonic()
    try:
        status = subprocess.run(command, cwd=reports, env=env, timeout=args.run_timeout).returncode
    except subprocess.TimeoutExpired:
        print(f"[fuzz] {label}: still running after {args.run_timeout} s: fewer "
              "--max-examples, or a slow operation to find", flush=True)
        return 1, {}
    summary = json.loads(report.read_text()) if report.exists() else {}
    cases = summary.get("test_cases", {})
    print(f"[fuzz] {label}: exit status {status} in {time.monotonic() - started:.0f} s; "
          f"{cases.get('generated', '?')} cases, {cases.get('with_failures', '?')} failing, "
          f"{len(summary.get('failures', []))} unique failures", flush=True)
    return status, summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-examples", type=int, default=25,
                        help="cases per operation and phase (default 25)")
    parser.add_argument("--seed", type=int, default=20261202,
                        help="the same seed finds the same cases again")
    parser.add_argument("--run-timeout", type=int, default=420,
                        help="seconds each of the two runs may take (default 420; a run "
                             "takes about 150 s on a busy 2-core machine)")
    parser.add_argument("--keep", action="store_true",
                        help="keep the folder (database, server log, reports)")
    args = parser.parse_args()

    (ROOT / "var").mkdir(exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="fuzz-", dir=ROOT / "var"))
    env = {key: value for key, value in os.environ.items()
           # The throwaway site's own database and broker, never CI's.
           if key not in {"DATABASE_URL", "KB_BROKER_URL", "KB_CACHE_URL"}}
    env.update({"KB_VAR_DIR": str(work), "DEBUG": "1", "PYTHONUNBUFFERED": "1",
                "KB_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
                # The mail relay takes raw e-mails (media_types.py makes them);
                # the customer's run knows the relay's secret.
                "KB_MAIL_RELAY_SECRET": RELAY_SECRET,
                "SCHEMATHESIS_HOOKS": "media_types",
                "PYTHONPATH": str(Path(__file__).resolve().parent),
                **{name: HIGH for name in RATE_VARIABLES}})
    python = str(BIN / "python")
    server = None
    results: list[tuple[int, dict]] = []
    errors: list[str] = []
    try:
        print(f"[fuzz] bootstrapping a throwaway site in {work.relative_to(ROOT)}", flush=True)
        subprocess.run([python, "manage.py", "bootstrap", "--demo-users"], cwd=ROOT, env=env,
                       check=True, stdout=subprocess.DEVNULL)
        token = subprocess.run([python, "manage.py", "shell", "-c", TOKEN_SCRIPT], cwd=ROOT,
                               env=env, check=True, capture_output=True,
                               text=True).stdout.split()[-1]
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log = (work / "server.log").open("w")
        server = subprocess.Popen(
            [python, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        wait_until_served(base + SCHEMA_PATH, server)
        print(f"[fuzz] serving on {base}", flush=True)
        reports = work / "reports"
        reports.mkdir()
        results = [
            run_schemathesis("customer", base, args, reports, env,
                             [f"Authorization: Token {token}",
                              f"X-KB-Relay-Secret: {RELAY_SECRET}"]),
            run_schemathesis("anonymous", base, args, reports, env, []),
        ]
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
        errors = _server_errors(work / "server.log")
        if errors:
            print("[fuzz] server errors (tracebacks) in the log:", flush=True)
            print("\n".join(errors[:40]), flush=True)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"[fuzz] kept {work}", flush=True)
    cases = [summary.get("test_cases", {}) for _, summary in results]
    generated = sum(c.get("generated", 0) for c in cases)
    failing = sum(c.get("with_failures", 0) for c in cases)
    failed = [status for status, _ in results if status != 0] or errors
    # The plain closing line a CI log reader counts.
    print(f"schemathesis: {generated - failing} passed, {failing or len(failed)} failed",
          flush=True)
    return 1 if failed else 0


def _server_errors(log: Path) -> list[str]:
    """The requests the server answered with a 5xx (Django logs each one)."""
    if not log.exists():
        return []
    return [line for line in log.read_text(errors="replace").splitlines()
            if "Internal Server Error:" in line]


if __name__ == "__main__":
    sys.exit(main())
