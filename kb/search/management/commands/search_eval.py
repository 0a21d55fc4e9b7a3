from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from kb.search.evaluation import (
    evaluate,
    load_queries,
    rank_with_search,
    rank_with_substring,
    weak_shares,
)

DEFAULT = Path(settings.BASE_DIR) / "tests" / "search_eval" / "queries.toml"
UNCOVERED = Path(settings.BASE_DIR) / "tests" / "search_eval" / "uncovered.toml"


class Command(BaseCommand):
    help = (
        "Measure search relevance on the evaluation set: hit@1, hit@3 and MRR, "
        "overall, per language, per kind, for questions with numbers and per round "
        "(the held-out rounds are named in the file's header), next to a substring-match "
        "baseline; and how many searches are shown as weak matches."
    )

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=DEFAULT)
        parser.add_argument("--uncovered", type=Path, default=UNCOVERED,
                            help="questions the knowledge base does not cover")
        parser.add_argument("--misses", action="store_true", help="list queries missed at 3")

    def handle(self, *args, file: Path, uncovered: Path, misses: bool, **options):
        queries = self._load(file)
        outside = self._load(uncovered) if uncovered.exists() else []
        search = evaluate(queries, rank_with_search)
        baseline = evaluate(queries, rank_with_substring)
        self.stdout.write(f"{len(queries)} queries from {file}\n")
        header = f"{'slice':<16}{'n':>5}  {'hit@1':>7}{'hit@3':>7}{'MRR':>7}   " \
                 f"{'baseline hit@1':>15}{'hit@3':>7}{'MRR':>7}"
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        keys = ["all", *sorted(k for k in search if k.startswith("lang:")),
                *sorted(k for k in search if k.startswith("kind:")),
                *(["numbers"] if "numbers" in search else []),
                *sorted(k for k in search if k.startswith("round:"))]
        for key in keys:
            s, b = search[key].row(), baseline[key].row()
            self.stdout.write(
                f"{key:<16}{s['n']:>5}  {s['hit@1']:>7.3f}{s['hit@3']:>7.3f}{s['mrr']:>7.3f}   "
                f"{b['hit@1']:>15.3f}{b['hit@3']:>7.3f}{b['mrr']:>7.3f}"
            )
        covered = weak_shares(queries)
        self.stdout.write(
            f"\nshown as weak matches: {covered['weak']:.1%} of these searches, "
            f"{covered['weak_when_right']:.1%} of those whose first result is right; "
            f"{covered['account']:.1%} taken for account questions, "
            f"{covered['feature']:.1%} for questions about a feature")
        if outside:
            self._uncovered(outside, uncovered.name)
        if misses:
            self.stdout.write("\nmissed at 3:")
            for q, expect in search["all"].misses:
                self.stdout.write(f"  {q!r} -> {', '.join(expect)}")

    def _uncovered(self, outside, name: str) -> None:
        """Weak, account and feature shares of the questions the knowledge
        base does not cover, and per round when there are several (see the file)."""
        shares = weak_shares(outside)
        self.stdout.write(
            f"  and {shares['weak']:.1%} of {len(outside)} questions the knowledge base does "
            f"not cover ({name}), {shares['account']:.1%} taken for account questions, "
            f"{shares['feature']:.1%} for questions about a feature")
        rounds = sorted({query.round for query in outside})
        for number in rounds if len(rounds) > 1 else []:
            part = [query for query in outside if query.round == number]
            shares = weak_shares(part)
            self.stdout.write(f"    round {number}: {shares['weak']:.1%} of {len(part)} weak, "
                              f"{shares['account']:.1%} account questions, "
                              f"{shares['feature']:.1%} feature questions")

    @staticmethod
    def _load(path: Path):
        try:
            return load_queries(path)
        except (OSError, KeyError, ValueError) as exc:
            raise CommandError(f"cannot read {path}: {exc}") from exc
