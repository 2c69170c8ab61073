"""How well the lawful-content screen does on the labelled postings.

    .venv/bin/python -m workflows.postings.screening_data.evaluate [--details]

Prints precision and recall per category and overall, the posting-level figures (a posting is
"flagged" when it has a blocking finding) and the number of clean postings blocked, the worst
error, which must be 0. ``--details`` also lists every posting the screen got wrong.

Postings whose id starts with "h" were written after the rules were frozen and never used to
tune them; their figures are printed separately as well.

The second held-out set (``held_out_postings.jsonl``, ids "x…") was written before the rules were
generalised (exclusion verbs, "either is acceptable") and is never used to tune them: its figures
are printed on their own, and ``--details`` never lists its postings unless ``--held-out-details``
is given (to look at them is to start tuning on them).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from workflows.postings.screening import CATEGORIES, blocking, screen_posting

DATA = Path(__file__).resolve().parent / "labelled_postings.jsonl"
HELD_OUT = Path(__file__).resolve().parent / "held_out_postings.jsonl"
# Categories whose findings block a posting (age only warns).
BLOCKING_CATEGORIES = frozenset(CATEGORIES) - {"age"}


@dataclass(frozen=True)
class Posting:
    id: str
    text: str
    expected: frozenset[str]


@dataclass(frozen=True)
class Outcome:
    posting: Posting
    found: frozenset[str]  # categories of every finding
    blocked: bool  # at least one blocking finding


@dataclass
class Counts:
    true_positive: int = 0
    false_positive: int = 0
    false_negative: int = 0

    @property
    def precision(self) -> float:
        flagged = self.true_positive + self.false_positive
        return self.true_positive / flagged if flagged else 1.0

    @property
    def recall(self) -> float:
        relevant = self.true_positive + self.false_negative
        return self.true_positive / relevant if relevant else 1.0

    def add(self, *, predicted: bool, actual: bool) -> None:
        if predicted and actual:
            self.true_positive += 1
        elif predicted:
            self.false_positive += 1
        elif actual:
            self.false_negative += 1


@dataclass
class Report:
    postings: int = 0
    clean: int = 0
    by_category: dict[str, Counts] = field(default_factory=dict)
    overall: Counts = field(default_factory=Counts)  # every (posting, category) pair
    flagged: Counts = field(default_factory=Counts)  # posting level, blocking findings
    clean_blocked: list[str] = field(default_factory=list)  # ids
    clean_warned: list[str] = field(default_factory=list)  # ids
    wrong: list[Outcome] = field(default_factory=list)


def load(path: Path = DATA) -> list[Posting]:
    postings = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                row = json.loads(line)
                postings.append(Posting(row["id"], row["text"], frozenset(row["expected"])))
    return postings


def screen(postings: Iterable[Posting]) -> list[Outcome]:
    outcomes = []
    for posting in postings:
        findings = screen_posting(posting.text)
        outcomes.append(
            Outcome(
                posting=posting,
                found=frozenset(f.category for f in findings),
                blocked=bool(blocking(findings)),
            )
        )
    return outcomes


def evaluate(outcomes: Sequence[Outcome]) -> Report:
    report = Report(by_category={category: Counts() for category in CATEGORIES})
    for outcome in outcomes:
        expected = outcome.posting.expected
        report.postings += 1
        report.clean += not expected
        for category in CATEGORIES:
            predicted, actual = category in outcome.found, category in expected
            report.by_category[category].add(predicted=predicted, actual=actual)
            report.overall.add(predicted=predicted, actual=actual)
        report.flagged.add(predicted=outcome.blocked, actual=bool(expected & BLOCKING_CATEGORIES))
        if not expected and outcome.blocked:
            report.clean_blocked.append(outcome.posting.id)
        elif not expected and outcome.found:
            report.clean_warned.append(outcome.posting.id)
        if outcome.found != expected:
            report.wrong.append(outcome)
    return report


def _line(name: str, counts: Counts) -> str:
    return (
        f"{name:<24} precision {counts.precision:6.1%}  recall {counts.recall:6.1%}  "
        f"(tp {counts.true_positive}, fp {counts.false_positive}, fn {counts.false_negative})"
    )


def render(title: str, report: Report, *, details: bool = False) -> str:
    lines = [
        f"== {title}: {report.postings} postings, {report.clean} clean ==",
        *(_line(category, counts) for category, counts in report.by_category.items()),
        _line("overall (category)", report.overall),
        _line("posting flagged (block)", report.flagged),
        f"clean postings blocked: {len(report.clean_blocked)} {report.clean_blocked or ''}",
        f"clean postings warned:  {len(report.clean_warned)} {report.clean_warned or ''}",
    ]
    if details:
        for outcome in report.wrong:
            missed = sorted(outcome.posting.expected - outcome.found)
            extra = sorted(outcome.found - outcome.posting.expected)
            lines.append(
                f"  {outcome.posting.id}: missed {missed} extra {extra}  {outcome.posting.text}"
            )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--details", action="store_true", help="list every wrong posting")
    parser.add_argument(
        "--held-out-details",
        action="store_true",
        help="list the wrong postings of the second held-out set too (not for tuning)",
    )
    args = parser.parse_args(argv)

    outcomes = screen(load())
    print(render("all", evaluate(outcomes), details=args.details))
    held_out = [o for o in outcomes if o.posting.id.startswith("h")]
    if held_out:
        print()
        print(
            render(
                "held out (written after the rules were first frozen)",
                evaluate(held_out),
                details=False,
            )
        )
    print()
    print(
        render(
            "second held-out set (written before the rules were generalised; never tuned on)",
            evaluate(screen(load(HELD_OUT))),
            details=args.held_out_details,
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
