"""The curated synonym groups of fixtures/synonyms.toml: what they may contain,
how a query meets them, and how bootstrap brings them to an installation."""

import tomllib
from pathlib import Path

import pytest
from django.conf import settings

from kb.search.analysis import surface_words
from kb.search.models import Synonym
from kb.search.query import SynonymTable, stem_word
from kb.search.synonyms import synonyms_load_fixture

FIXTURE = Path(settings.KB_FIXTURES_DIR) / "synonyms.toml"
GROUPS = tomllib.loads(FIXTURE.read_text(encoding="utf-8"))["synonym"]
BY_KEY = {group["key"]: group for group in GROUPS}


def entry(term: str) -> tuple[str, ...]:
    """What a term of a group matches: its index terms, in order."""
    return tuple(stem_word(word) for _, word in surface_words(term))


def groups_with(term_entry: tuple[str, ...]) -> set[str]:
    return {group["key"] for group in GROUPS
            if term_entry in {entry(term) for term in group["terms"]}}


def test_keys_are_unique_and_every_group_has_two_terms_that_match_differently():
    assert len(BY_KEY) == len(GROUPS)
    for group in GROUPS:
        assert len({entry(term) for term in group["terms"] if entry(term)}) >= 2, group["key"]


@pytest.mark.parametrize("ambiguous", ["卡", "节点"])
def test_no_group_holds_a_word_that_is_part_of_unrelated_words(ambiguous):
    """卡 is also 采集卡, 显卡, 网卡, SIM卡; 节点 is also 推流节点."""
    for group in GROUPS:
        assert ambiguous not in group["terms"], group["key"]
        assert (ambiguous,) not in {entry(term) for term in group["terms"]}, group["key"]


def test_fenpian_is_ip_fragmentation_only():
    """分片 is IP fragmentation in Chinese streaming usage; HLS segments are 切片."""
    assert groups_with(("分片",)) == {"mtu"}
    assert groups_with(("fragment",)) == {"mtu"}  # "fragmentation", stemmed
    assert groups_with(("切片",)) == {"segment-v2"}


def test_stutter_and_edge_keep_their_unambiguous_words():
    assert {"卡顿", "卡住", "卡死"} <= set(BY_KEY["stutter-v3"]["terms"])
    assert {"边缘节点", "CDN 节点"} <= set(BY_KEY["cdn-edge-v2"]["terms"])


@pytest.mark.parametrize(("words", "key"), [
    (["丢帧", "掉帧", "dropped frames"], "dropped-frames"),
    (["推流地址", "服务器地址", "ingest url"], "push-url"),
    (["重连", "reconnect"], "reconnect"),
    (["webrtc", "whip", "whep", "快直播", "超低延时"], "webrtc"),
    (["codec", "编码格式", "av1", "10bit"], "codec"),
    (["srt passphrase", "加密", "密码"], "srt-passphrase"),
    (["origin", "源站"], "origin"),
    (["icp", "备案"], "icp"),
    (["cn2", "gia", "iepl", "精品网"], "premium-route"),
    (["互踢", "顶流", "流已存在"], "duplicate-publisher"),
    (["http-flv", "flv"], "http-flv"),
    (["m3u8"], "hls-playlist"),
    (["ll-hls"], "ll-hls"),
])
def test_the_words_customers_use_have_their_group(words, key):
    assert {entry(word) for word in words} <= {entry(term) for term in BY_KEY[key]["terms"]}


class TestAQueryMeetsTheGroups:
    table = SynonymTable([group["terms"] for group in GROUPS])

    def expanded(self, text: str) -> set[tuple[str, ...]]:
        terms = [stem_word(word) for _, word in surface_words(text)]
        return {other for _matched, others in self.table.expansions(terms) for other in others}

    def test_a_capture_card_or_a_sim_card_is_not_stutter(self):
        for text in ("采集卡", "显卡", "网卡", "SIM卡", "obs 采集卡 没画面"):
            assert ("卡顿",) not in self.expanded(text), text
        assert ("卡顿",) in self.expanded("画面卡住")

    def test_an_ingest_node_is_not_a_cdn_edge(self):
        assert ("边缘节点",) not in self.expanded("推流节点 时延高")
        assert ("边缘节点",) in self.expanded("CDN 节点 观众卡顿")

    def test_fenpian_finds_mtu_words_not_hls_segments(self):
        found = self.expanded("大包被丢 分片")
        assert ("mtu",) in found or ("mss",) in found
        assert ("切片",) not in found and ("segment",) not in found


@pytest.mark.django_db
class TestBootstrap:
    def test_an_installation_with_the_replaced_groups_gets_the_new_ones_and_keeps_edits(self):
        """bootstrap adds by key and never overwrites: a changed group has a new
        key, so an installation that has the old one gets it at the next run."""
        old = Synonym.objects.create(fixture_key="stutter",
                                     terms="stutter, lag, 卡顿, 卡, 转圈, 缓冲, 我们的词")
        added = synonyms_load_fixture(path=FIXTURE)
        assert added == len(GROUPS)  # "stutter" is no longer a fixture key
        new = Synonym.objects.get(fixture_key="stutter-v3")
        assert "卡" not in new.term_list and "卡顿" in new.term_list
        old.refresh_from_db()
        assert "我们的词" in old.term_list  # a curator's group is never rewritten
        assert synonyms_load_fixture(path=FIXTURE) == 0

    def test_the_groups_given_customers_words_replace_the_old_ones(self):
        old = Synonym.objects.create(
            fixture_key="av-sync", terms="out of sync, lip sync, audio delay, av sync, 音画不同步, "
                                         "声音不同步, 口型不对")
        synonyms_load_fixture(path=FIXTURE)
        assert not Synonym.objects.filter(pk=old.pk).exists()
        assert "对不上嘴型" in Synonym.objects.get(fixture_key="av-sync-v2").term_list

    def test_a_replaced_group_nobody_edited_is_removed(self):
        old = Synonym.objects.create(
            fixture_key="segment", terms="segment, chunk, fragment, ts file, 切片, 分片")
        synonyms_load_fixture(path=FIXTURE)
        assert not Synonym.objects.filter(pk=old.pk).exists()
        assert "分片" not in Synonym.objects.get(fixture_key="segment-v2").term_list
        # 分片 is left only where it means IP fragmentation.
        with_fragment = [g.fixture_key for g in Synonym.objects.all() if "分片" in g.term_list]
        assert with_fragment == ["mtu"]
