"""The vocabularies every list and serializer of the API reads, memoised per process and data
version: treaties and indicators in their display order, as (id, code) pairs."""

from hotpath.cache import versioned
from laws.models import Indicator
from treaties.models import Treaty


def indicators_in_order():
    return Indicator.objects.select_related("topic").order_by(
        "topic__order", "topic__slug", "order", "slug"
    )


@versioned
def treaty_ids() -> list[tuple[int, str]]:
    return list(Treaty.objects.order_by("order", "code").values_list("pk", "code"))


@versioned
def indicator_ids() -> list[tuple[int, str]]:
    return list(indicators_in_order().values_list("pk", "slug"))
