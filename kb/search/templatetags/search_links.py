from django import template

from kb.search.clicks import click_url

register = template.Library()


@register.simple_tag
def search_click_url(log_id: int, article_id: int, rank: int) -> str:
    """``{% search_click_url results.log_id hit.article_id rank %}``: a
    result's link that records the click (kb.search.clicks)."""
    return click_url(log_id=log_id, article_id=article_id, rank=rank)
