from django.dispatch import Signal

# Sent after the transaction that changed a published article (or took one
# off the site) commits. Receivers get ``article_id``. The search index
# listens: articles do not depend on search.
article_changed = Signal()

# Sent inside the transaction that changes a published article (or takes one
# off the site), before it commits, with ``article_id``: for what must change
# with the article or not at all (a search index kept in the same database).
article_written = Signal()

# Sent after the transaction that recorded a "did this help?" answer commits.
# Receivers get ``article_id``; the learning loop recomputes the article's
# success rate.
feedback_given = Signal()
