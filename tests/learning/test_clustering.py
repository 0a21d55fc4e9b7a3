from kb.learning.clustering import Clusterer, ticket_terms

SCTE = [
    "Ad markers vanish after the break: SCTE-35 cue markers dropped at the ad break",
    "SCTE-35 cues missing in HLS; the ad break cue markers are dropped",
    "No ad insertion, SCTE markers lost at the ad break in the HLS playlist",
    "SCTE-35 广告标记在插播时丢失 ad break cue markers dropped",
]
OTHER = [
    "Invoice address wrong, please change the billing address",
    "Chinese subtitles garbled, the WebVTT track shows mojibake",
    "Geo restriction blocks viewers in Canada with access denied",
]


def _assign_all(texts, clusterer=None, codes=()):
    clusterer = clusterer or Clusterer()
    return clusterer, [clusterer.assign(n, ticket_terms(t, codes)) for n, t in enumerate(texts)]


class TestClusterer:
    def test_three_similar_tickets_form_a_group_the_fourth_joins_it(self):
        clusterer, steps = _assign_all(SCTE)
        assert steps[0].new_group == [] and steps[1].new_group == []
        assert sorted(steps[2].new_group) == [0, 1, 2]
        clusterer.set_group(steps[2].new_group, "gap")
        assert steps[3].join is None  # assigned before the group existed
        clusterer.set_group([3], "gap")
        later = clusterer.assign(99, ticket_terms(SCTE[1]))
        assert later.join == "gap"

    def test_unrelated_tickets_stay_alone(self):
        _, steps = _assign_all(OTHER)
        assert all(step.join is None and not step.new_group for step in steps)

    def test_different_problem_codes_weigh_against_a_match(self):
        clusterer = Clusterer()
        same = clusterer.similarity(ticket_terms(SCTE[0], ["ops.ads"]),
                                    ticket_terms(SCTE[1], ["ops.ads"]))
        different = clusterer.similarity(ticket_terms(SCTE[0], ["ops.ads"]),
                                         ticket_terms(SCTE[1], ["play.captions"]))
        assert different < same

    def test_only_candidates_sharing_a_term_are_compared(self):
        clusterer, _ = _assign_all(OTHER)
        assert clusterer.candidates(ticket_terms("SCTE-35 markers dropped")) == []


def test_either_apostrophe_makes_the_same_term():
    # macOS and iOS type U+2019: "couldn’t connect" is the ticket
    # "couldn't connect", as search reads it.
    assert ticket_terms("OBS couldn’t connect") == ticket_terms("OBS couldn't connect")


def test_ticket_terms_keep_the_words_search_alone_drops():
    # 直播 is a stop word of search only: the terms stored for closed
    # tickets stay as they were written, and new tickets are compared with them.
    assert "直播" in ticket_terms("直播卡顿")
