from django.dispatch import receiver

from kb.articles.signals import article_changed


@receiver(article_changed)
def queue_gap_close(sender, article_id: int, **kwargs) -> None:
    """A published draft of a knowledge gap closes the gap (checked by the
    task: most changes are edits of articles that belong to no gap)."""
    from kb.learning.models import KnowledgeGap
    from kb.learning.tasks import knowledge_gap_close_task

    if KnowledgeGap.objects.filter(draft_article_id=article_id,
                                   status=KnowledgeGap.Status.OPEN).exists():
        knowledge_gap_close_task.delay(article_id=article_id)
