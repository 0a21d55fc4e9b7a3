"""What one article looks like in the index."""

from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from kb.search.analysis import bilingual_analyzer

# Field weights: the words a customer sees (title, symptoms) weigh most.
FIELD_BOOSTS = {
    "title": 5.0,
    "symptoms": 4.0,
    "tags": 3.0,
    "summary": 2.0,
    "learned": 1.5,
    "body": 1.0,
}
# Fields that keep positions, so quoted or pasted error strings match as phrases.
PHRASE_FIELDS = ("title", "symptoms", "summary", "learned")
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
        title=TEXT(analyzer=analyzer, field_boost=FIELD_BOOSTS["title"], stored=True),
        symptoms=TEXT(analyzer=analyzer, field_boost=FIELD_BOOSTS["symptoms"], stored=True),
        tags=TEXT(analyzer=analyzer, field_boost=FIELD_BOOSTS["tags"]),
        summary=TEXT(analyzer=analyzer, field_boost=FIELD_BOOSTS["summary"], stored=True),
        learned=TEXT(analyzer=analyzer, field_boost=FIELD_BOOSTS["learned"]),
        # The long body is searched for words, not phrases: no positions keeps
        # it small and fast (it dominates query time).
        body=TEXT(analyzer=analyzer, field_boost=FIELD_BOOSTS["body"], phrase=False),
        # Every distinct unstemmed word of the article: the vocabulary that
        # typo correction and "did you mean" draw on. Never scored.
        vocab=KEYWORD(lowercase=True, scorable=False),
        url=STORED(),
    )
