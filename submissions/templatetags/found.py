"""`{{ labels|counted }}`: ["squirrel", "bird", "squirrel"] reads "squirrel × 2, bird"."""

from collections import Counter

from django import template

register = template.Library()


@register.filter
def counted(labels: list[str]) -> str:
    # Counts, not plurals: the classes are any words a deployment configures.
    # Ties keep the order given (the most confident first).
    return ", ".join(
        label if count == 1 else f"{label} × {count}"
        for label, count in Counter(labels).most_common()
    )
