"""How well a search's best result matches what was typed.

BM25 scores add up over the query's words, so a raw score means nothing on
its own: a long question scores higher than a one-word search whatever they
find. A match is judged against what a real match on those words scores:
per scored word, the best score any article reaches on it in the fields it
was looked up in (the word's ceiling; for a typo, its correction's), and for
a word no article has, what the rarest word would score (for the first two
such words: see ``UNSEEN_WORDS_COUNTED``). The best result's
score over the sum of the ceilings is the match's confidence, from 0 to 1.

On the evaluation set (tests/search_eval), searches whose first result is a
right fix score well above ``WEAK_CONFIDENCE``; searches for what the
knowledge base does not cover (invoices, refunds, passwords:
tests/search_eval/uncovered.toml) score below it, because their telling
words are in no article and only everyday words match. Below it, the search
page says the matches are weak and offers the wizard and support.
"""

from __future__ import annotations

from whoosh import query as wq

from kb.search.schema import TEXT_FIELDS

# Measured with `manage.py search_eval` (see the module docstring).
WEAK_CONFIDENCE = 0.3
# Words no article has that count, as the rarest word, in what a real match
# scores. What tells a question the articles do not cover is one or two such
# words (invoice, refund, 发票); a long message that tells its story names a
# city, a venue, a band or an encore besides, and counting each of them made
# the ideal grow with the telling: on the evaluation set, 5.1 % of searches
# whose first result is right were shown as weak, 3.2 % with this bound, and
# the share of uncovered questions shown as weak did not move (86.8 %; with
# a bound of 1, 84.3 %).
UNSEEN_WORDS_COUNTED = 2


def _ceiling(view, q: wq.Query, boost: float = 1.0) -> float:
    """The best score each of the clause's terms reaches, added up as the
    ranking adds them."""
    if type(q) is wq.Term:
        return boost * q.boost * view.term_ceiling(q.fieldname, q.text)
    if isinstance(q, wq.Or):
        inner = boost if len(q.subqueries) == 1 else boost * q.boost
        return sum(_ceiling(view, sub, inner) for sub in q.subqueries)
    return 0.0


def ideal_score(view, word_clauses: list[list[wq.Query]]) -> float:
    """What a result matching every scored word as well as any article does
    would score. A word no article has counts as the rarest word (the first
    ``UNSEEN_WORDS_COUNTED`` of them), even when a correction of it matches:
    whether the correction is what the customer meant is for "did you mean"
    to find out (kb.search.services)."""
    unseen = None
    unseen_counted = 0
    total = 0.0
    for alternatives in word_clauses:
        best = _ceiling(view, alternatives[0]) if alternatives else 0.0
        if best <= 0.0:
            if unseen_counted == UNSEEN_WORDS_COUNTED:
                continue
            if unseen is None:
                unseen = sum(view.unseen_term_ceiling(name) for name in TEXT_FIELDS)
            unseen_counted += 1
            best = unseen
        total += best
    return total


def match_confidence(score: float, ideal: float) -> float:
    if ideal <= 0.0:
        return 0.0
    return min(1.0, score / ideal)
