"""NLP benchmark: throughput against bare jieba, cold start, peak memory, huge input.

Run by hand: ``python bench/bench_nlp.py`` (figures go in the README). Not part of the tests.
"""

from __future__ import annotations

import csv
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEXTS_FILES = [ROOT / "tests" / "data" / n for n in ("devset.csv", "alt_train.csv", "alt_test.csv")]


def load_texts() -> list[str]:
    texts: list[str] = []
    for path in TEXTS_FILES:
        with path.open(encoding="utf-8") as handle:
            texts.extend(row["text"] for row in csv.DictReader(handle))
    return texts


def throughput(texts: list[str], rounds: int = 15) -> tuple[float, float, float]:
    """Messages per second of bare jieba.lcut, of nlp.classify (curated + learned keywords,
    urgency, explanation) and of the curated keywords alone: the best of interleaved rounds
    (as timeit advises: slower rounds measure the machine's other work, not the code)."""
    import jieba

    import nlp

    jieba.setLogLevel(60)
    jieba.lcut("预热")
    full = nlp.default_classifier()
    curated = nlp.Classifier(full.taxonomy, None, segmenter=full.segmenter)
    runners = [jieba.lcut, full.classify, curated.classify]
    rates: list[list[float]] = [[], [], []]
    for _ in range(rounds):
        for runner, rate in zip(runners, rates, strict=True):
            runner("预热")
            start = time.perf_counter()
            for text in texts:
                runner(text)
            rate.append(len(texts) / (time.perf_counter() - start))
    bare, ours, alone = (max(rate) for rate in rates)
    return bare, ours, alone


def cold_start() -> float:
    """Seconds for a new process to import nlp and classify one message (cache warm)."""
    code = (
        "import time; t=time.perf_counter(); import nlp; nlp.classify('楼道里堆满杂物'); "
        "print(time.perf_counter()-t)"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)  # warm cache
    runs = [
        float(
            subprocess.run(
                [sys.executable, "-c", code], check=True, capture_output=True, text=True
            ).stdout
        )
        for _ in range(3)
    ]
    return statistics.median(runs)


def peak_memory_mib(count: int = 10_000) -> float:
    """Peak RSS (MiB) of a process that classified ``count`` messages."""
    code = (
        "import csv,resource,sys,nlp\n"
        f"texts=[r['text'] for r in csv.DictReader(open({str(TEXTS_FILES[0])!r},encoding='utf-8'))]\n"
        f"for i in range({count}): nlp.classify(texts[i % len(texts)] + str(i))\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return int(out.stdout) / 1024


def huge_input_ms() -> float:
    import nlp

    text = ("楼道里堆满了杂物，电动车在充电。" * 7000)[:100_000]
    start = time.perf_counter()
    nlp.classify(text)
    return (time.perf_counter() - start) * 1000


def long_word_ms() -> float:
    """Milliseconds to classify one word of 4,096 random letters (no spaces: one token)."""
    import random

    import nlp

    classifier = nlp.default_classifier()
    classifier.classify("预热")
    word = "".join(random.Random(4096).choices("abcdefghijklmnopqrstuvwxyz", k=4096))
    start = time.perf_counter()
    classifier.classify(word)
    return (time.perf_counter() - start) * 1000


def main() -> None:
    texts = load_texts()
    bare, ours, alone = throughput(texts)
    print(f"messages                      {len(texts)}")
    print(f"bare jieba.lcut               {bare:,.0f} msg/s")
    print(f"nlp.classify                  {ours:,.0f} msg/s  ({ours / bare:.2f}x of jieba)")
    print(f"  curated keywords only       {alone:,.0f} msg/s  ({alone / bare:.2f}x of jieba)")
    print(f"cold start (import+classify)  {cold_start():.2f} s")
    print(f"100,000-character input       {huge_input_ms():.1f} ms")
    print(f"one 4,096-letter word         {long_word_ms():.1f} ms")
    print(f"peak RSS after 10,000 msgs    {peak_memory_mib():.0f} MiB")
    print(
        f"this process peak RSS         {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
    )


if __name__ == "__main__":
    main()
