from concurrent.futures import ThreadPoolExecutor

import pytest
from django.http import QueryDict
from rest_framework.exceptions import ValidationError

from kb.core.serializers import validated
from kb.search.apis import SearchApi

Input = SearchApi.InputSerializer


def checked_by_a_new_serializer(query: str):
    serializer = Input(data=QueryDict(query))
    if serializer.is_valid():
        return serializer.validated_data
    return ValidationError(serializer.errors).detail


def checked_by_the_shared_one(query: str):
    try:
        return validated(Input, QueryDict(query))
    except ValidationError as exc:
        return exc.detail


@pytest.mark.parametrize("query", [
    "q=obs+dropped+frames",
    "q=x&lang=zh-hans&area=push&limit=50&offset=1000",
    "q=x&limit=0",
    "q=x&limit=5.0&offset=-1",
    "q=x&lang=fr&area=nowhere",
    "lang=en",
    "q=" + "a" * 20_001,
])
def test_the_shared_serializer_answers_as_a_new_one_does(query):
    assert checked_by_the_shared_one(query) == checked_by_a_new_serializer(query)


def test_requests_checked_at_once_each_get_their_own_answer():
    queries = [f"q=word{n}&limit={n % 60}" for n in range(400)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(checked_by_the_shared_one, queries))
    assert answers == [checked_by_a_new_serializer(query) for query in queries]
    refused = [answer for answer in answers if set(answer) == {"limit"}]
    assert 0 < len(refused) < len(answers)
