import pytest

from tests.factories import make_article


@pytest.fixture
def kb_articles(problems):
    """A small bilingual knowledge base, written the way curators write."""
    p = problems
    return {
        "refused": make_article(
            problems=[p["push.connect-refused"]], slug="push-connection-refused",
            title="Encoder cannot connect: connection refused or timed out",
            summary="The encoder never reaches the ingest server.",
            symptoms=["Failed to connect to server", "Connection refused"],
            body="## Symptoms\n\nOBS says Failed to connect to server. Port 1935 is blocked.",
        ),
        "refused_zh": make_article(
            problems=[p["push.connect-refused"]], slug="push-connection-refused",
            language="zh-hans", title="推流端无法连接推流服务器：连接被拒绝或超时",
            summary="推流端连不上推流服务器。",
            symptoms=["无法连接到服务器", "Failed to connect to server"],
            body="## 现象\n\n推流失败，OBS 提示无法连接到服务器。1935 端口被封。",
        ),
        "duplicate": make_article(
            problems=[p["push.duplicate-publisher"]], slug="push-already-publishing",
            title="Push rejected: the stream is already being published",
            summary="A second encoder holds the same stream key.",
            symptoms=["Already publishing", "NetStream.Publish.BadName"],
            body="## Symptoms\n\nnginx-rtmp logs already publishing.",
        ),
        "keyframe": make_article(
            problems=[p["enc.keyframe-interval"]], slug="keyframe-interval-2s", area="encoder",
            title="Keyframe interval is not a fixed 2 seconds",
            summary="Set the keyframe interval to 2 s at a constant frame rate.",
            symptoms=["slow start", "segments of uneven length"],
            body="## Fix\n\nIn OBS set Keyframe Interval to 2.",
        ),
        "hotlink_zh": make_article(
            problems=[p["play.forbidden-403"]], slug="playback-403-forbidden",
            area="playback", language="zh-hans", title="拉流返回 403：防盗链或鉴权失败",
            summary="Referer 或 Token 鉴权失败。", symptoms=["403 Forbidden"],
            body="## 现象\n\n播放器报 403，检查防盗链配置。",
        ),
        "buffering": make_article(
            problems=[p["play.viewer-buffering"]], slug="viewers-buffering", area="playback",
            title="Viewers keep buffering while the publisher side is healthy",
            summary="Edge capacity or the viewers' network, not the encoder.",
            symptoms=["bufferStalledError", "the player keeps spinning"],
            body="## Symptoms\n\nViewers buffer while the preview is fine.",
        ),
    }
