"""What one article looks like in the index.

Few searched fields keep Whoosh fast (every word of a query looks in each
searched field): ``head`` holds what the customer sees (title and symptoms)
and weighs most, ``meta`` the summary, tags and learned phrases, ``body``
the rest. Title, symptoms and summary are also stored for display.
"""

from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from kb.search.analysis import bilingual_analyzer

FIELD_BOOSTS = {"head": 5.0, "meta": 2.0, "body": 1.0}
# Fields that keep positions, so quoted or pasted error strings match as phrases.
PHRASE_FIELDS = ("head", "meta")
TEXT_FIELDS = tuple(FIELD_BOOSTS)


def build_schema() -> Schema:
    analyzer = bilingual_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        slug=ID(stored=True),
        lang=ID(stored=True),
        area=ID(stored=True),
        group=ID(stored=True),
        problems=KEYWORD(stored=True, commas=True, scorable=False),
        version=NUMERIC(stored=True),
        head=TEXT(analyzer=analyzer, field_boost=FIELD_BOOSTS["head"]),
        meta=TEXT(analyzer=analyzer, field_boost=FIELD_BOOSTS["meta"]),
        # The long body is searched for words, not phrases: no positions keeps
        # it small and fast (it dominates query time).
        body=TEXT(analyzer=analyzer, field_boost=FIELD_BOOSTS["body"], phrase=False),
        # Every distinct unstemmed word of the article: the vocabulary that
        # typo correction and "did you mean" draw on. Never scored.
        vocab=KEYWORD(lowercase=True, scorable=False),
        title=STORED(),
        symptoms=STORED(),
        summary=STORED(),
        url=STORED(),
        # 1.0 for a fix, less for a reference page (kb.search.documents).
        weight=STORED(),
    )
