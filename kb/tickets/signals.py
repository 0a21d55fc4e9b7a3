from django.dispatch import Signal

# Sent after the transaction that closed or reopened a ticket commits.
# Receivers get ``ticket_id``. The learning loop listens and learns from the
# ticket (idempotently): tickets do not depend on learning.
ticket_outcome_changed = Signal()
