from django.dispatch import receiver

from kb.articles.signals import article_changed


@receiver(article_changed)
def queue_index_update(sender, article_id: int, **kwargs) -> None:
    from kb.search.tasks import index_article_task

    index_article_task.delay(article_id=article_id)
