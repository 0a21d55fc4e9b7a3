from django.shortcuts import get_object_or_404
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from kb.articles import selectors, services
from kb.articles.markdown import render_article_html
from kb.articles.models import Article
from kb.articles.throttles import FeedbackThrottle
from kb.core.choices import Language
from kb.core.fields import UtcDateTimeField
from kb.core.serializers import JsonInputSerializer
from kb.problems.models import Area


class ProblemFilter(filters.FilterSet):
    area = filters.ChoiceFilter(choices=Area.choices)


class ProblemListApi(generics.ListAPIView):
    """The problem codes of the taxonomy with how many published fixes each has."""

    class OutputSerializer(serializers.Serializer):
        code = serializers.CharField()
        area = serializers.CharField()
        summary_en = serializers.CharField()
        summary_zh = serializers.CharField()
        published_article_count = serializers.IntegerField()

    serializer_class = OutputSerializer
    filterset_class = ProblemFilter
    pagination_class = None

    def get_queryset(self):
        return selectors.problem_list_with_fix_counts()


class ArticleFilter(filters.FilterSet):
    problem = filters.CharFilter(field_name="problems__code", help_text="a problem code")
    area = filters.ChoiceFilter(choices=Area.choices)
    lang = filters.ChoiceFilter(field_name="language", choices=Language.choices)
    status = filters.ChoiceFilter(
        choices=Article.Status.choices, help_text="staff only; others see published articles"
    )

    class Meta:
        model = Article
        fields = ["problem", "area", "lang", "status"]


class ArticleSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="this language's version of the fix "
                                            "(a ticket resolved with it may name it so)")
    slug = serializers.CharField()
    lang = serializers.CharField(source="language")
    title = serializers.CharField()
    summary = serializers.CharField()
    area = serializers.CharField()
    status = serializers.CharField()
    problems = serializers.SerializerMethodField()
    url = serializers.CharField(source="get_absolute_url")
    version = serializers.IntegerField()
    last_verified = serializers.DateField()
    updated_at = UtcDateTimeField()

    def get_problems(self, article: Article) -> list[str]:
        return sorted(p.code for p in article.problems.all())


class ArticleListApi(generics.ListAPIView):
    """Published fixes, filtered by problem code, area, language (staff: status)."""

    serializer_class = ArticleSummarySerializer
    filterset_class = ArticleFilter

    def get_queryset(self):
        return selectors.article_list_visible_to(user=self.request.user).order_by(
            "language", "slug"
        ).distinct()


# An article's address: its language and slug (a launch article as example).
ARTICLE_PATH = [
    OpenApiParameter("language", str, OpenApiParameter.PATH, enum=Language.values),
    OpenApiParameter("slug", str, OpenApiParameter.PATH, examples=[
        OpenApiExample("a launch article", value="push-already-publishing")]),
]


def _visible_article(request: Request, language: str, slug: str) -> Article:
    return get_object_or_404(
        selectors.article_list_visible_to(user=request.user), language=language, slug=slug
    )


class ArticleDetailApi(APIView):
    class OutputSerializer(ArticleSummarySerializer):
        symptoms = serializers.ListField(source="symptom_list", child=serializers.CharField())
        tags = serializers.ListField(source="tag_list", child=serializers.CharField())
        roles = serializers.ListField(child=serializers.CharField())
        protocols = serializers.ListField(child=serializers.CharField())
        encoders = serializers.ListField(child=serializers.CharField())
        body = serializers.CharField()
        html = serializers.SerializerMethodField()
        translation = serializers.SerializerMethodField()
        feedback = serializers.SerializerMethodField()

        def get_html(self, article: Article) -> str:
            return render_article_html(article)

        def get_translation(self, article: Article) -> dict | None:
            other = selectors.article_translation(
                article=article, user=self.context["request"].user
            )
            if other is None:
                return None
            return {"slug": other.slug, "lang": other.language, "url": other.get_absolute_url()}

        def get_feedback(self, article: Article) -> dict:
            return selectors.article_feedback_summary(article=article)

    @extend_schema(responses=OutputSerializer, parameters=ARTICLE_PATH)
    def get(self, request: Request, language: str, slug: str) -> Response:
        article = _visible_article(request, language, slug)
        return Response(self.OutputSerializer(article, context={"request": request}).data)


class ArticleFeedbackApi(APIView):
    """Answer "Did this help?" for a published article."""

    throttle_classes = [FeedbackThrottle]

    class InputSerializer(JsonInputSerializer):
        helpful = serializers.BooleanField()
        comment = serializers.CharField(max_length=2000, required=False, allow_blank=True)

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        helpful = serializers.BooleanField()
        comment = serializers.CharField()
        created_at = UtcDateTimeField()

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer},
                   parameters=ARTICLE_PATH)
    def post(self, request: Request, language: str, slug: str) -> Response:
        data = self.InputSerializer(data=request.data)
        if not data.is_valid():
            raise ValidationError(data.errors)
        article = get_object_or_404(
            selectors.article_list_visible_to(user=None), language=language, slug=slug
        )
        feedback = services.feedback_create(article=article, **data.validated_data)
        return Response(self.OutputSerializer(feedback).data, status=status.HTTP_201_CREATED)
