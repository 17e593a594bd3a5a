"""Command line: ``python -m nlp classify | eval | train``.

Errors (missing file, CSV without label/text, empty file, unknown model format) print one line
to stderr and exit with code 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from nlp import default_model
from nlp.classifier import Classification, Classifier
from nlp.dataset import DatasetError, read_examples
from nlp.metrics import Report, evaluate
from nlp.model import ModelError, load_model, save_model
from nlp.taxonomy import TaxonomyError, load_taxonomy

EXIT_USAGE = 2


def _classifier(args: argparse.Namespace) -> Classifier:
    model = load_model(args.model) if args.model else None if args.taxonomy else default_model()
    taxonomy = load_taxonomy(args.taxonomy) if args.taxonomy else None
    return Classifier(taxonomy, model)


def _describe(result: Classification) -> str:
    words = "、".join(k.term for k in result.keywords[:5]) or "-"
    urgent = f"  紧急:{'、'.join(result.urgent_terms)}" if result.urgent else ""
    return f"{result.category}\t{result.label}\t{result.confidence:.2f}\t{words}{urgent}"


def run_classify(args: argparse.Namespace) -> int:
    """Classify each stdin line."""
    classifier = _classifier(args)
    for line in sys.stdin:
        text = line.rstrip("\n")
        result = classifier.classify(text)
        out = json.dumps(result.to_json(), ensure_ascii=False) if args.json else _describe(result)
        print(out, flush=True)
    return 0


def _print_report(report: Report) -> None:
    print(f"accuracy  {report.accuracy:.4f}")
    print(f"macro-F1  {report.macro_f1:.4f}")
    print(f"{'label':<20} {'prec':>6} {'recall':>6} {'f1':>6} {'n':>5}")
    for label, row in report.per_label.items():
        print(
            f"{label:<20} {row['precision']:>6.3f} {row['recall']:>6.3f} "
            f"{row['f1']:>6.3f} {int(row['support']):>5}"
        )
    print("confusion (gold → predicted: count, errors only)")
    for gold, counts in report.confusion.items():
        errors = ", ".join(f"{p}: {n}" for p, n in counts.items() if p != gold)
        if errors:
            print(f"  {gold} → {errors}")


def run_eval(args: argparse.Namespace) -> int:
    """Evaluate on a labelled CSV."""
    examples = read_examples(args.file)
    classifier = _classifier(args)
    predicted = [classifier.classify(e.text).category for e in examples]
    report = evaluate([e.label for e in examples], predicted)
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False))
    else:
        _print_report(report)
    return 0


def run_train(args: argparse.Namespace) -> int:
    """Learn a keyword model from a labelled CSV and write it."""
    from nlp.learn import top_terms, train

    examples = [e for path in args.file for e in read_examples(path)]
    base = Classifier(load_taxonomy(args.taxonomy)) if args.taxonomy else Classifier()
    try:
        model = train(examples, base=base, chars=not args.words_only)
    except ValueError as exc:
        raise DatasetError(f"{args.file[0]}: {exc}") from exc
    save_model(model, args.out)
    print(f"learned {len(model.weights)} terms for {len(model.labels)} labels ({model.method})")
    if set(model.labels) <= set(base.taxonomy.codes):
        print(f"curated keyword scores are added with a weight of {model.curated_weight:.2f}")
    for label in model.labels:
        terms = " ".join(f"{t}({w:.2f})" for t, w in top_terms(model, label, 8))
        print(f"{label}: {terms}")
    print(f"model written to {args.out}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m nlp", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    classify = commands.add_parser("classify", help="classify each line of stdin")
    evaluate_ = commands.add_parser("eval", help="evaluate on a labelled CSV (label,text)")
    evaluate_.add_argument("file", type=Path)
    train = commands.add_parser("train", help="learn keyword weights from labelled CSVs")
    train.add_argument("file", type=Path, nargs="+")
    train.add_argument("--out", type=Path, required=True, help="model file to write")
    train.add_argument(
        "--words-only", action="store_true", help="no character pairs: faster, a little less exact"
    )
    for sub in (classify, evaluate_, train):
        sub.add_argument("--taxonomy", type=Path, help="taxonomy YAML (default: shipped)")
    for sub in (classify, evaluate_):
        sub.add_argument("--model", type=Path, help="model file written by train")
        sub.add_argument("--json", action="store_true", help="machine-readable output")
    classify.set_defaults(run=run_classify)
    evaluate_.set_defaults(run=run_eval)
    train.set_defaults(run=run_train)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args))
    except (DatasetError, ModelError, TaxonomyError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
