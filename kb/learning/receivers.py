from django.dispatch import receiver

from kb.articles.signals import article_changed, feedback_given
from kb.tickets.signals import ticket_outcome_changed
from kb.wizard.signals import wizard_fix_confirmed


@receiver(article_changed)
def queue_gap_close(sender, article_id: int, **kwargs) -> None:
    """A published draft of a knowledge gap closes the gap (checked by the
    task: most changes are edits of articles that belong to no gap)."""
    from kb.learning.models import KnowledgeGap
    from kb.learning.tasks import knowledge_gap_close_task

    if KnowledgeGap.objects.filter(draft_article_id=article_id,
                                   status=KnowledgeGap.Status.OPEN).exists():
        knowledge_gap_close_task.delay(article_id=article_id)


@receiver(feedback_given)
def follow_votes(sender, article_id: int, **kwargs) -> None:
    """Votes move the success rate search and the wizard rank by."""
    from kb.learning.effectiveness import effectiveness_record_votes

    effectiveness_record_votes(article_id=article_id)


@receiver(wizard_fix_confirmed)
def count_wizard_fix(sender, article, session_ref: str, problem_code: str = "",
                     **kwargs) -> None:
    """A wizard session fixed by ``article`` counts for it (once per session)."""
    from kb.learning.effectiveness import effectiveness_record_wizard_fix

    effectiveness_record_wizard_fix(article=article, session_ref=session_ref,
                                    problem_code=problem_code)


@receiver(ticket_outcome_changed)
def queue_learning(sender, ticket_id: int, **kwargs) -> None:
    """A ticket closed or reopened (committed): learn from it on the worker."""
    from kb.learning.tasks import learn_from_ticket_task

    learn_from_ticket_task.delay(ticket_id=ticket_id)
