"""`{% load words %}`: `"a b c"|words` is the list ["a", "b", "c"] — for `{% if field.name in "name
season"|words %}`, where the plain string would also match a field whose name merely contains a word
(« season » in « minimum_per_season »)."""

from django import template

register = template.Library()


@register.filter
def words(text: str) -> list[str]:
    return str(text).split()
