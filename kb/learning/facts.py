"""What learning reads about a ticket: its facts, and their digest."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from kb.tickets.models import Ticket, TicketAttachment
from kb.tickets.selectors import description_without_wizard
from kb.wizard.models import WizardSession


@dataclass
class TicketFacts:
    ticket_id: int
    status: str
    subject: str
    description: str
    summary: str
    created_at: dt.datetime
    closed_at: dt.datetime | None
    article_ids: list[int] = field(default_factory=list)
    problem_codes: list[str] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)

    @property
    def digest(self) -> str:
        digest = hashlib.sha256()
        for part in (self.status, self.closed_at.isoformat() if self.closed_at else "",
                     ",".join(map(str, sorted(self.article_ids))),
                     ",".join(sorted(self.problem_codes)), self.subject, self.description,
                     self.summary, *self.attachments):
            # Length-prefixed, so that no two different tickets hash alike.
            encoded = part.encode()
            digest.update(b"%d:" % len(encoded))
            digest.update(encoded)
        return digest.hexdigest()

    @property
    def text(self) -> str:
        return f"{self.subject}\n{self.description}\n{self.summary}"


def ticket_facts(ticket_ids: list[int]) -> list[TicketFacts]:
    """Everything learning reads about these tickets, in five queries."""
    wanted = set(ticket_ids)
    if len(ticket_ids) > 100 and max(ticket_ids) - min(ticket_ids) < 2 * len(ticket_ids):
        # A replay's batch is a run of ids: a range reads faster than an
        # IN list of thousands (what lies between and is not wanted is
        # dropped below).
        span = {"pk__gte": min(ticket_ids), "pk__lte": max(ticket_ids)}
        link_span = {"ticket_id__gte": span["pk__gte"], "ticket_id__lte": span["pk__lte"]}
    else:
        span, link_span = {"pk__in": ticket_ids}, {"ticket_id__in": ticket_ids}
    facts = {
        row["id"]: TicketFacts(
            ticket_id=row["id"], status=row["status"], subject=row["subject"],
            description=row["description"], summary=row["resolution_summary"],
            created_at=row["created_at"], closed_at=row["closed_at"],
        )
        for row in Ticket.objects.filter(**span).values(
            "id", "status", "subject", "description", "resolution_summary", "created_at",
            "closed_at")
        if row["id"] in wanted
    }
    for ticket_id, article_id in Ticket.articles.through.objects.filter(
            **link_span).values_list("ticket_id", "article_id"):
        if ticket_id in facts:
            facts[ticket_id].article_ids.append(article_id)
    for ticket_id, code in Ticket.problems.through.objects.filter(
            **link_span).values_list("ticket_id", "problem__code"):
        if ticket_id in facts:
            facts[ticket_id].problem_codes.append(code)
    for ticket_id, content in TicketAttachment.objects.filter(
            **link_span).order_by("pk").values_list("ticket_id", "content"):
        if ticket_id in facts:
            facts[ticket_id].attachments.append(content)
    # A ticket filed from the wizard carries its transcript below the
    # customer's words: the same questions and fix titles on every such
    # ticket ("Fix offered: ... did it fix it? no"), which would become
    # learned phrases and pull unrelated tickets into one knowledge gap.
    sessions: dict[int, list] = {}
    for ticket_id, session_id in WizardSession.objects.filter(
            **link_span).values_list("ticket_id", "id"):
        sessions.setdefault(ticket_id, []).append(session_id)
    for ticket_id, session_ids in sessions.items():
        if ticket_id in facts:
            facts[ticket_id].description = description_without_wizard(
                facts[ticket_id].description, session_ids=session_ids)
    for item in facts.values():
        item.article_ids.sort()
        item.problem_codes.sort()
    return [facts[i] for i in ticket_ids if i in facts]
