# pgo_train.py - what the python guest's profile-guided build runs.
#
# scripts/guests.sh compiles the AOT guest with gcc -fprofile-generate, links
# a trainer host and runs this file as the prelude of a throwaway snapshot
# (lsb_init runs it in-process, so the profile is written at exit), then
# compiles the guest again with the profile. It appends one call,
# train([...]), with the sources of bench/workloads/py_*.py.
#
# The code below is the kind models write: text munging, dicts and lists,
# comprehensions, classes, exceptions, formatting, json, re, csv, math,
# datetime, collections, sorting. It must be deterministic and quiet: no
# clock, no randomness without a seed, nothing printed.
import collections
import csv
import dataclasses
import datetime
import decimal
import fractions
import functools
import io
import itertools
import json
import math
import random
import re
import statistics
import string
import textwrap


@dataclasses.dataclass
class Order:
    order_id: int
    customer: str
    amount: float
    tags: list


class Inventory:
    """A small class hierarchy with properties, dunder methods and errors."""

    def __init__(self):
        self.items = {}

    def add(self, name, qty):
        if qty < 0:
            raise ValueError(f"negative quantity for {name!r}")
        self.items[name] = self.items.get(name, 0) + qty

    def __len__(self):
        return len(self.items)

    def __iter__(self):
        return iter(sorted(self.items.items()))

    @property
    def total(self):
        return sum(self.items.values())


def text_work(rng):
    words = ["alpha", "beta", "gamma", "délta", "épsilon", "日本", "zeta", "eta"]
    text = " ".join(rng.choice(words) for _ in range(4000))
    counts = collections.Counter(text.split())
    title = text.title()[:200]
    wrapped = textwrap.fill(text[:2000], width=60)
    found = re.findall(r"\b[a-z]{4,}\b", text)
    swapped = re.sub(r"(\w+) (\w+)", r"\2 \1", text[:3000])
    table = str.maketrans(string.ascii_lowercase, string.ascii_lowercase[::-1])
    encoded = text.translate(table).encode("utf-8").decode("utf-8")
    parts = [f"{w:>10}|{n:05d}|{n / 7:.3f}|{hex(n)}" for w, n in counts.most_common()]
    return len(title) + len(wrapped) + len(found) + len(swapped) + len(encoded) + len(parts)


def data_work(rng):
    orders = [
        Order(i, f"cust{rng.randrange(50)}", round(rng.uniform(1, 500), 2), ["a", "b"][: i % 3])
        for i in range(3000)
    ]
    by_customer = collections.defaultdict(list)
    for o in orders:
        by_customer[o.customer].append(o.amount)
    summary = {c: (len(v), sum(v), statistics.mean(v), max(v)) for c, v in by_customer.items()}
    ranked = sorted(summary.items(), key=lambda kv: (-kv[1][1], kv[0]))[:10]
    blob = json.dumps([dataclasses.asdict(o) for o in orders[:500]], indent=2, sort_keys=True)
    back = json.loads(blob)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "customer", "amount"])
    for o in orders:
        writer.writerow([o.order_id, o.customer, o.amount])
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    grouped = {k: len(list(g)) for k, g in itertools.groupby(sorted(r["customer"] for r in rows))}
    return len(ranked) + len(back) + len(grouped)


def number_work(rng):
    values = [rng.gauss(0, 1) for _ in range(5000)]
    stats = (statistics.median(values), statistics.pstdev(values), math.fsum(values))
    dec = sum(decimal.Decimal(i) / decimal.Decimal(7) for i in range(1, 400))
    frac = sum(fractions.Fraction(1, i) for i in range(1, 60))
    primes = [n for n in range(2, 6000) if all(n % d for d in range(2, math.isqrt(n) + 1))]
    big = math.factorial(300) // math.comb(200, 100)

    @functools.lru_cache(maxsize=None)
    def fib(n):
        return n if n < 2 else fib(n - 1) + fib(n - 2)

    matrix = [[(i * j) % 17 for j in range(40)] for i in range(40)]
    product = [[sum(a * b for a, b in zip(row, col)) for col in zip(*matrix)] for row in matrix]
    return len(stats) + int(dec) + int(frac) + len(primes) + big % 97 + fib(90) % 13 + product[3][5]


def control_work():
    inv = Inventory()
    errors = 0
    for i in range(3000):
        try:
            inv.add(f"item{i % 97}", i % 11 - 2)
        except ValueError:
            errors += 1
    day = datetime.date(2024, 1, 1)
    dates = [(day + datetime.timedelta(days=i)).isoformat() for i in range(500)]
    gen = (x * x for x in range(10000) if x % 3)
    return len(inv) + inv.total + errors + len(dates) + sum(gen) % 1000


def run():
    """lsb_init needs the prelude to define run(); the trainer never calls it."""


def train(workloads):
    rng = random.Random(12345)
    for _ in range(3):
        text_work(rng)
        data_work(rng)
        number_work(rng)
        control_work()
    for source in workloads:
        exec(compile(source, "<workload>", "exec"), {"__name__": "__main__", "print": lambda *a, **k: None})
