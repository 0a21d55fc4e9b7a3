"""The embedded broker under a producer and a consumer racing on one folder."""

import threading
import time
from queue import Empty

from kombu import Connection

MESSAGES = 1500


def _options(folder):
    (folder / "processed").mkdir()
    return {"data_folder_in": str(folder / "out"), "data_folder_out": str(folder / "out"),
            "processed_folder": str(folder / "processed"),
            "control_folder": str(folder / "control")}


def test_a_consumer_polling_while_messages_are_written_gets_every_message_once(tmp_path):
    # kombu's own filesystem transport loses a few dozen of these (the consumer
    # reads files that are still empty); every one must arrive, whole, once.
    options = _options(tmp_path)
    (tmp_path / "out").mkdir()
    received, failures = [], []

    def produce():
        with Connection("kbfs://", transport_options=options) as connection:
            channel = connection.channel()
            for number in range(MESSAGES):
                channel._put("celery", {"n": number, "body": "x" * 20_000})

    def consume():
        with Connection("kbfs://", transport_options=options) as connection:
            channel = connection.channel()
            deadline = time.monotonic() + 120
            while len(received) < MESSAGES and time.monotonic() < deadline:
                try:
                    received.append(channel._get("celery")["n"])
                except Empty:
                    continue
                except Exception as exc:  # noqa: BLE001 - any failure is the finding
                    failures.append(exc)

    consumer = threading.Thread(target=consume)
    producer = threading.Thread(target=produce)
    consumer.start()
    producer.start()
    producer.join()
    consumer.join()
    assert failures == []
    assert sorted(received) == list(range(MESSAGES))


def test_an_unreadable_message_is_set_aside_and_the_next_one_is_delivered(tmp_path, caplog):
    options = _options(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    (out / "0_damaged.celery.msg").write_bytes(b"")
    with Connection("kbfs://", transport_options=options) as connection:
        channel = connection.channel()
        channel._put("celery", {"n": 1})
        assert channel._get("celery") == {"n": 1}
    assert (tmp_path / "rejected" / "0_damaged.celery.msg").exists()
    assert "broker_message_unreadable file=0_damaged.celery.msg" in caplog.text


def test_a_message_still_being_written_is_not_taken(tmp_path):
    options = _options(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    (out / "1_partial.celery.msg.tmp").write_bytes(b'{"n": ')
    with Connection("kbfs://", transport_options=options) as connection:
        channel = connection.channel()
        try:
            channel._get("celery")
        except Empty:
            pass
        else:
            raise AssertionError("a partial message was delivered")
    assert (out / "1_partial.celery.msg.tmp").exists()
