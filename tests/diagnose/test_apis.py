import base64
import json
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from tests.factories import make_article, make_translated_pair

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parents[1] / "diagnostics" / "samples"


@pytest.fixture
def api():
    return APIClient()


def post(api, payload, **extra):
    return api.post("/api/v1/diagnose", json.dumps(payload), content_type="application/json",
                    **extra)


@pytest.fixture
def fixes(problems):
    make_translated_pair(problems=[problems["net.loss-last-mile"]], slug="packet-loss-last-mile",
                         area="network", title="Packet loss on the first hops")
    make_translated_pair(problems=[problems["push.duplicate-publisher"]],
                         slug="push-already-publishing",
                         title="Push rejected: already publishing",
                         symptoms=["Already publishing"])
    make_article(problems=[problems["push.connect-refused"]], slug="push-connection-refused",
                 title="Encoder cannot connect")


class TestDiagnoseApi:
    def test_mtr_with_last_mile_loss_points_at_the_fix(self, api, fixes):
        mtr = (SAMPLES / "linux-mtr-report-lastmile.txt").read_text()
        data = post(api, {"role": "publisher", "protocol": "rtmp", "region": "cn",
                          "stream_down": False, "lang": "zh-hans",
                          "attachments": [{"name": "mtr.txt", "content": mtr}]}).json()
        attachment = data["attachments"][0]
        assert (attachment["name"], attachment["detected"]) == ("mtr.txt", "mtr")
        assert attachment["metrics"]["loss_starts_hop"] == 1
        finding = next(f for f in data["findings"] if f["kind"] == "path-loss-last-mile")
        assert finding["problems"] == ["net.loss-last-mile"]
        assert any("192.168.50.1" in line for line in finding["evidence"])
        top = data["suggestions"][0]
        assert top["problem"] == "net.loss-last-mile"
        assert 0 < top["confidence"] <= 1 and top["reason"]
        assert [a["lang"] for a in top["articles"]] == ["zh-hans", "en"]
        assert top["articles"][0]["url"] == "/kb/zh-hans/packet-loss-last-mile/"
        assert set(data["escalate"]) == {"recommended", "priority", "reason"}

    def test_description_alone_finds_fixes_through_search(self, api, fixes, settings):
        from kb.search.indexing import index_rebuild

        index_rebuild()
        data = post(api, {"description": "ffmpeg says Already publishing when I start"}).json()
        top = data["suggestions"][0]
        assert top["problem"] == "push.duplicate-publisher"
        assert top["articles"][0]["slug"] == "push-already-publishing"

    def test_the_rules_read_the_description_with_its_typos_corrected(self, api, fixes):
        from kb.diagnostics import diagnose
        from kb.search.indexing import index_rebuild

        index_rebuild()
        typed = "obs faild to conect to server"
        # As typed, no rule knows the words.
        assert not any("failed to connect" in s.reason.render("en").lower()
                       for s in diagnose(description=typed).suggestions)
        top = post(api, {"description": typed}).json()["suggestions"][0]
        assert top["problem"] == "push.connect-refused"
        assert "failed to connect" in top["reason"].lower()

    def test_a_description_longer_than_a_search_is_read_whole_by_the_rules(self, api, fixes):
        from kb.search.indexing import index_rebuild

        index_rebuild()
        # The search reads the first 500 characters and corrects "faild to
        # conect"; the message at the end is still read.
        typed = ("obs faild to conect to server. " + "The venue is busy tonight. " * 25
                 + "Now ffmpeg says Already publishing.")
        problems = [s["problem"] for s in post(api, {"description": typed}).json()["suggestions"]]
        assert "push.duplicate-publisher" in problems

    def test_a_platform_named_counts_for_less_than_the_fix_the_description_finds(
            self, api, problems):
        from kb.search.indexing import index_rebuild

        make_article(problems=[problems["enc.bitrate-too-high"]], slug="bitrate-too-high",
                     area="encoder", title="Encoder bitrate too high for the platform",
                     symptoms=["What bitrate should I use for 1080p?"])
        make_article(problems=[problems["push.restream-relay"]], slug="restream-relay",
                     title="Relaying to YouTube or Twitch fails",
                     symptoms=["Relay to YouTube keeps dropping"])
        index_rebuild()
        # YouTube is where the stream goes; the question is the bitrate.
        asked = post(api, {"description": "what bitrate should I use for 1080p30 on youtube"})
        assert asked.json()["suggestions"][0]["problem"] == "enc.bitrate-too-high"
        relayed = post(api, {"description": "ffmpeg relay to youtube keeps dropping"})
        assert relayed.json()["suggestions"][0]["problem"] == "push.restream-relay"

    def test_a_fix_the_customer_said_no_to_is_not_suggested_for_sharing_its_words(
            self, api, fixes):
        from kb.search.indexing import index_rebuild

        index_rebuild()
        asked = post(api, {"description": "packet loss on the first hops?"}).json()
        assert asked["suggestions"][0]["problem"] == "net.loss-last-mile"
        said = post(api, {"description": "packet loss on the first hops? "
                                         "ping says no packet loss"}).json()
        assert "net.loss-last-mile" not in [s["problem"] for s in said["suggestions"]]

    def test_a_description_that_only_shares_a_word_with_a_fix_says_the_match_is_weak(
            self, api, fixes):
        from kb.search.indexing import index_rebuild

        index_rebuild()
        # One word of seven is the connection fix's ("encoder").
        data = post(api, {"description": "studio lights flicker whenever the encoder fan spins"}
                    ).json()
        assert [s["problem"] for s in data["suggestions"]] == ["push.connect-refused"]
        weak = data["suggestions"][0]
        assert weak["confidence"] == 0.2
        assert "shares a few words" in weak["reason"] and "matches" not in weak["reason"]

    def test_an_account_question_goes_to_support_with_no_fix_that_shares_a_word(self, api,
                                                                               fixes):
        from kb.search.indexing import index_rebuild

        index_rebuild()
        # "publishing" is a word of the duplicate-publisher fix, not its question.
        data = post(api, {"description": "invoice for publishing last month"}).json()
        assert data["suggestions"] == []
        assert data["escalate"]["recommended"] is True
        assert data["escalate"]["priority"] == "P4"
        assert "account, billing" in data["escalate"]["reason"]
        data = post(api, {"description": "修改登录密码", "lang": "zh-hans"}).json()
        assert data["escalate"]["reason"].startswith("这是账号、账单、合同或登录方面的问题")
        # A stream that is down stays P1, whatever else the customer asks.
        data = post(api, {"stream_down": True, "description": "invoice, and the stream is down"}
                    ).json()
        assert data["escalate"]["priority"] == "P1"

    def test_a_feature_question_goes_to_support_with_no_fix_that_shares_a_word(self, api,
                                                                               fixes):
        from kb.search.indexing import index_rebuild

        index_rebuild()
        data = post(api, {"description": "how do we add a watermark when publishing"}).json()
        assert data["suggestions"] == []
        assert data["escalate"]["recommended"] is True
        assert data["escalate"]["priority"] == "P4"
        assert "how to use a feature" in data["escalate"]["reason"]
        data = post(api, {"description": "直播怎么加水印", "lang": "zh-hans"}).json()
        assert data["escalate"]["reason"].startswith("这是关于如何使用某项产品功能的问题")

    def test_stream_down_is_p1(self, api, fixes):
        data = post(api, {"stream_down": True, "description": "stream is down"}).json()
        assert data["escalate"]["recommended"] is True
        assert data["escalate"]["priority"] == "P1"

    def test_utf16_windows_tracert_as_base64(self, api, fixes):
        raw = (SAMPLES / "windows-tracert-zh-utf16.txt").read_bytes()
        data = post(api, {"attachments": [
            {"name": "tracert.txt", "content_base64": base64.b64encode(raw).decode()}
        ]}).json()
        assert data["attachments"][0]["detected"] == "tracert"
        assert data["attachments"][0]["platform"] == "windows"

    def test_a_router_paste_has_no_platform_and_is_named_for_its_router(self, api, fixes):
        ping = (SAMPLES / "huawei-ping-loss-20pct.txt").read_text()
        data = post(api, {"attachments": [{"name": "ping.txt", "content": ping}]},
                    HTTP_ACCEPT_LANGUAGE="zh-hans").json()
        attachment = data["attachments"][0]
        assert (attachment["detected"], attachment["platform"]) == ("ping", None)
        assert attachment["tool"] == "华为/H3C 设备 ping"
        assert attachment["metrics"]["loss_pct"] == 20.0

    def test_binary_is_unknown_with_an_explanation(self, api, db):
        blob = base64.b64encode(bytes(range(256)) * 50).decode()
        data = post(api, {"attachments": [{"name": "x.bin", "content_base64": blob}]}).json()
        assert data["attachments"][0]["detected"] == "unknown"
        assert data["attachments"][0]["notes"]

    def test_empty_request_is_answered(self, api, db):
        data = post(api, {}).json()
        assert data["suggestions"] == [] and data["escalate"]["recommended"] is False


class TestDiagnoseApiBadInput:
    def test_attachment_over_2_mb_is_413_with_advice(self, api, db):
        response = post(api, {"attachments": [{"name": "obs.log",
                                               "content": "x" * (2 * 1024 * 1024 + 1)}]})
        assert response.status_code == 413
        assert "limit is 2 MB" in response.json()["detail"]

    def test_more_than_five_attachments_is_400(self, api, db):
        response = post(api, {"attachments": [{"content": "ping"}] * 6})
        assert response.status_code == 400
        assert "At most 5 attachments" in str(response.json()["attachments"])

    @pytest.mark.parametrize("payload, field", [
        ({"role": "streamer"}, "role"), ({"protocol": "rtsp"}, "protocol"),
        ({"region": "mars"}, "region"), ({"stream_down": "maybe"}, "stream_down"),
        ({"attachments": [{"content_base64": "%%%"}]}, "attachments"),
        ({"attachments": "ping"}, "attachments"),
        ({"description": "x" * 20_001}, "description"),
    ])
    def test_invalid_fields_are_400_with_field_errors(self, api, db, payload, field):
        response = post(api, payload)
        assert response.status_code == 400
        assert field in response.json()

    def test_malformed_json_is_400(self, api, db):
        response = api.post("/api/v1/diagnose", "{oops", content_type="application/json")
        assert response.status_code == 400

    def test_diagnose_is_in_the_schema(self, api, db):
        paths = api.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()["paths"]
        assert "/api/v1/diagnose" in paths


SIDECARS = sorted(SAMPLES.glob("*.expected.json"))


@pytest.mark.parametrize("sidecar", SIDECARS, ids=[s.name[:-14] for s in SIDECARS])
def test_api_reads_every_real_sample_as_its_parser_does(api, db, sidecar):
    expected = json.loads(sidecar.read_text(encoding="utf-8"))
    raw = (SAMPLES / sidecar.name.removesuffix(".expected.json")).read_bytes()
    data = post(api, {"attachments": [
        {"name": "paste.txt", "content_base64": base64.b64encode(raw).decode()}
    ]}).json()
    attachment = data["attachments"][0]
    assert attachment["detected"] == expected["detected"]
    assert attachment["platform"] == expected["platform"]
    for metric, value in expected["metrics"].items():
        assert attachment["metrics"][metric] == value, metric
