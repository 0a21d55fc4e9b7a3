"""streamline-probe, the customer's agent, run as a program against a live
site (the test server) and a real ingest port on loopback: it posts its
minute, keeps minutes while the site cannot be reached and sends the
backlog later, and drops only what the site would refuse for good."""

import datetime as dt
import json
import os
import socket
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from django.conf import settings
from rest_framework.authtoken.models import Token

import streamline_probe
from kb.monitoring.models import Sample
from streamline_probe.agent import iso_minute, main
from tests.monitoring.conftest import make_line

pytestmark = pytest.mark.django_db(transaction=True)

REPO = Path(streamline_probe.__file__).parent.parent


@pytest.fixture
def ingest():
    server = socket.create_server(("127.0.0.1", 0), backlog=64)
    yield server.getsockname()[1]
    server.close()


@pytest.fixture
def nobody_listens():
    free = socket.create_server(("127.0.0.1", 0))
    port = free.getsockname()[1]
    free.close()
    return port


@pytest.fixture
def customer(acme, ingest):
    org, alice = acme
    line = make_line(org, name="Studio -> local ingest", host="127.0.0.1", port=ingest)
    return line, Token.objects.create(user=alice).key


def agent(site: str, token: str, *targets: str, backlog: Path, extra=()):
    """Run the agent once, as a customer would run it (a program of its own)."""
    return subprocess.run(
        [sys.executable, "-m", "streamline_probe.agent", "--site", site, "--once",
         "--source", "encoder-1", "--count", "3", "--method", "tcp", "--backlog", str(backlog),
         *[arg for target in targets for arg in ("--line", target)], *extra],
        capture_output=True, text=True, timeout=120, cwd=REPO,
        env={**os.environ, "STREAMLINE_PROBE_TOKEN": token})


def backlog_minutes(path: Path, line_id: int, minutes: int) -> list[dict]:
    """What an agent cut off from the site for ``minutes`` would have kept,
    ending two hours ago: the agent's own minute (its clock, in another
    process, which a clock-moving test run starts afresh) comes after them
    whatever the two clocks say."""
    end = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0) - dt.timedelta(hours=2)
    rows = [{"line": line_id, "at": iso_minute(end - dt.timedelta(minutes=n)),
             "source": "encoder-1", "sent": 3, "received": 3, "rtt_min_ms": 70.0,
             "rtt_avg_ms": 72.0, "rtt_max_ms": 75.0, "jitter_ms": 1.5, "method": "tcp",
             "error": ""} for n in range(minutes, 0, -1)]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return rows


def test_the_agent_posts_its_minute(customer, live_server, ingest, tmp_path):
    line, token = customer
    backlog = tmp_path / "backlog.jsonl"
    done = agent(live_server.url, token, f"{line.pk}=127.0.0.1:{ingest}", backlog=backlog)
    assert done.returncode == 0, done.stderr
    sample = Sample.objects.get(line=line)
    assert (sample.source, sample.sent, sample.received) == ("encoder-1", 3, 3)
    assert sample.rtt_avg_ms is not None and sample.at.second == 0
    assert backlog.read_text() == ""


def test_while_the_site_is_unreachable_minutes_wait_and_go_later(
        customer, live_server, ingest, nobody_listens, tmp_path):
    line, token = customer
    backlog = tmp_path / "backlog.jsonl"
    # Cut off for 1,500 minutes (a day and more): more than one request holds.
    kept = backlog_minutes(backlog, line.pk, 1500)
    done = agent(f"http://127.0.0.1:{nobody_listens}", token,
                 f"{line.pk}=127.0.0.1:{ingest}", backlog=backlog)
    assert done.returncode == 0, done.stderr
    assert "site unreachable" in done.stderr
    assert len(backlog.read_text().splitlines()) == 1501 and not Sample.objects.exists()
    done = agent(live_server.url, token, f"{line.pk}=127.0.0.1:{ingest}", backlog=backlog)
    assert done.returncode == 0, done.stderr
    assert backlog.read_text() == ""
    # Each kept minute once, then the minutes of the two runs (one when both
    # ran in the same minute: the site counts a minute sent twice once).
    stored = {iso_minute(at) for at in Sample.objects.filter(line=line)
              .values_list("at", flat=True)}
    assert {row["at"] for row in kept} <= stored
    assert Sample.objects.filter(line=line).count() in (1501, 1502)
    oldest = Sample.objects.filter(line=line).order_by("at").first()
    assert iso_minute(oldest.at) == kept[0]["at"] and oldest.rtt_avg_ms == 72.0


def test_a_rate_limited_agent_keeps_the_rest_for_later(customer, live_server, ingest,
                                                       settings, tmp_path):
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
        **rates, "monitoring_samples": "1/minute"}}
    line, token = customer
    backlog = tmp_path / "backlog.jsonl"
    kept = backlog_minutes(backlog, line.pk, 1200)
    done = agent(live_server.url, token, f"{line.pk}=127.0.0.1:{ingest}", backlog=backlog)
    assert done.returncode == 0, done.stderr
    assert "HTTP 429" in done.stderr
    # The oldest thousand went; the rest (and this minute) wait, in order.
    assert Sample.objects.filter(line=line).count() == 1000
    waiting = [json.loads(row) for row in backlog.read_text().splitlines()]
    assert len(waiting) == 201 and waiting[0]["at"] == kept[1000]["at"]


def test_what_the_site_would_refuse_for_good_is_dropped_the_rest_is_sent(
        customer, live_server, ingest, globex, tmp_path):
    line, token = customer
    foreign = make_line(globex[0], name="Globex line")
    backlog = tmp_path / "backlog.jsonl"
    rows = backlog_minutes(backlog, line.pk, 3)
    old = {**rows[0], "at": iso_minute(dt.datetime.now(dt.UTC) - dt.timedelta(days=8))}
    theirs = {**rows[1], "line": foreign.pk}
    with backlog.open("a") as file:
        file.write(json.dumps(old) + "\n" + json.dumps(theirs) + "\n" + "{cut short\n")
    done = agent(live_server.url, token, f"{line.pk}=127.0.0.1:{ingest}", backlog=backlog)
    assert done.returncode == 0, done.stderr
    assert backlog.read_text() == ""
    assert Sample.objects.filter(line=line).count() == 4  # 3 kept + this minute
    assert not Sample.objects.filter(line=foreign).exists()
    assert "older than the site accepts" in done.stderr and "refused 1 samples" in done.stderr


def test_a_refused_token_stops_the_agent_and_keeps_the_backlog(customer, live_server, ingest,
                                                               tmp_path):
    line, _ = customer
    backlog = tmp_path / "backlog.jsonl"
    done = agent(live_server.url, "not-a-token", f"{line.pk}=127.0.0.1:{ingest}",
                 backlog=backlog)
    assert done.returncode == 2
    assert "refused the token" in done.stderr
    assert len(backlog.read_text().splitlines()) == 1


def test_an_ingest_that_does_not_resolve_is_posted_as_total_loss(customer, live_server,
                                                                 tmp_path):
    line, token = customer
    done = agent(live_server.url, token, f"{line.pk}=ingest.nowhere.invalid:1935",
                 backlog=tmp_path / "backlog.jsonl")
    assert done.returncode == 0, done.stderr
    sample = Sample.objects.get(line=line)
    assert (sample.sent, sample.received, sample.rtt_avg_ms) == (3, 0, None)
    assert "cannot resolve ingest.nowhere.invalid" in done.stderr


@pytest.mark.parametrize("argv, message", [
    (["--line", "7=push.example.com"], "expected LINE=HOST:PORT"),
    (["--line", "7=push.example.com:99999"], "expected LINE=HOST:PORT"),
    (["--line", "7=push.example.com:1935", "--source", "site"], "not \"site\""),
    (["--line", "7=push.example.com:1935", "--count", "0"], "from 1 to 60"),
])
def test_bad_arguments_are_refused_with_a_message(argv, message, capsys, monkeypatch):
    monkeypatch.setenv("STREAMLINE_PROBE_TOKEN", "x")
    with pytest.raises(SystemExit) as stopped:
        main(["--site", "http://127.0.0.1:1", *argv])
    assert stopped.value.code == 2 and message in capsys.readouterr().err


def test_without_a_token_it_says_where_to_put_one(capsys, monkeypatch):
    monkeypatch.delenv("STREAMLINE_PROBE_TOKEN", raising=False)
    with pytest.raises(SystemExit):
        main(["--site", "http://127.0.0.1:1", "--line", "7=push.example.com:1935"])
    assert "STREAMLINE_PROBE_TOKEN" in capsys.readouterr().err


def test_it_is_installed_as_a_console_script_without_django():
    scripts = tomllib.loads((Path(settings.BASE_DIR) / "pyproject.toml").read_text())[
        "project"]["scripts"]
    assert scripts["streamline-probe"] == "streamline_probe.agent:main"
    code = ("import sys, streamline_probe.agent; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'django', 'kb', 'celery', "
            "'rest_framework'}))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, cwd=REPO)
    assert done.stdout.strip() == "[]", done.stderr
