from django_filters import rest_framework as filters
from rest_framework import generics, serializers

from kb.problems.models import Area
from kb.problems.selectors import problem_list


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
        return problem_list()
