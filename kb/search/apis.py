from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from kb.core.choices import Language
from kb.core.fields import QueryIntegerField
from kb.core.serializers import validated
from kb.problems.models import Area
from kb.search.models import SearchQuery
from kb.search.services import SearchResults, search_articles
from kb.search.throttles import SearchThrottle


class SearchApi(APIView):
    """Find the fixes for a symptom, an error string, a keyword or a typo."""

    throttle_classes = [SearchThrottle]

    class InputSerializer(serializers.Serializer):
        q = serializers.CharField(allow_blank=True, trim_whitespace=False, max_length=20_000)
        lang = serializers.ChoiceField(choices=Language.values, required=False)
        area = serializers.ChoiceField(choices=Area.values, required=False)
        limit = QueryIntegerField(min_value=1, max_value=50, default=10)
        offset = QueryIntegerField(min_value=0, max_value=1000, default=0)

    class OutputSerializer(serializers.Serializer):
        class ResultSerializer(serializers.Serializer):
            slug = serializers.CharField()
            title = serializers.CharField()
            lang = serializers.CharField()
            url = serializers.CharField()
            problems = serializers.ListField(child=serializers.CharField())
            snippet = serializers.CharField()
            score = serializers.FloatField()

        query = serializers.CharField()
        suggestion = serializers.CharField(allow_null=True)
        results = ResultSerializer(many=True, source="hits")
        total = serializers.IntegerField()
        truncated = serializers.BooleanField()
        weak = serializers.BooleanField(
            help_text="True when nothing matched, or only weakly: the knowledge base may not "
                      "cover the question (offer the wizard or support)")
        account_question = serializers.BooleanField(
            help_text="True when the question is about an account, billing, a contract or "
                      "signing in, which support answers rather than an article (weak too)")
        feature_question = serializers.BooleanField(
            help_text="True when the question asks how to use a feature of the service (a "
                      "watermark, captions, DRM, co-hosting, chat moderation, viewer "
                      "statistics), which support answers rather than a fix (weak too)")

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="what the customer typed (any text)"),
            OpenApiParameter("lang", str, enum=Language.values,
                             description="the reader's language: shown first"),
            OpenApiParameter("area", str, enum=Area.values, required=False),
            OpenApiParameter("limit", int, required=False),
            OpenApiParameter("offset", int, required=False),
        ],
        responses=OutputSerializer,
    )
    def get(self, request: Request) -> Response:
        params = validated(self.InputSerializer, request.query_params)
        results = search_articles(
            text=params["q"],
            language=params.get("lang", Language.EN),
            area=params.get("area"),
            limit=params["limit"],
            offset=params["offset"],
            source=SearchQuery.Source.API,
            # An API answer has no click links: its log row can wait.
            record_after_response=True,
        )
        return Response(search_payload(results))


def search_payload(results: SearchResults) -> dict:
    """``SearchApi.OutputSerializer(results).data``, built directly: DRF
    deep-copies its field objects for every response, about a millisecond
    per search (a third of the API's own cost). The serializer still
    documents the shape; a test keeps the two equal."""
    return {
        "query": str(results.query),
        "suggestion": None if results.suggestion is None else str(results.suggestion),
        "results": [
            {
                "slug": str(hit.slug),
                "title": str(hit.title),
                "lang": str(hit.lang),
                "url": str(hit.url),
                "problems": [str(code) for code in hit.problems],
                "snippet": str(hit.snippet),
                "score": float(hit.score),
            }
            for hit in results.hits
        ],
        "total": int(results.total),
        "truncated": bool(results.truncated),
        "weak": bool(results.weak),
        "account_question": bool(results.account_question),
        "feature_question": bool(results.feature_question),
    }
