#!/usr/bin/env python3
"""tests/diff/gen.py - small random programs for the differential test.

program(lang, seed) returns a Python ("py") or JavaScript ("js") program
built from random snippets: integer and float arithmetic, big integers,
strings with non-ASCII text, lists/dicts/sorting, closures, exceptions
caught and printed, recursion, JSON round trips and regexes. The same seed
always gives the same program (random.Random(seed), no other input).

The programs print only what both runtimes must agree on: no time, random
numbers, environment, files, object identities or hash-ordered sets of
strings. JavaScript prints through `print` with one string argument (native
qjs's print and the guest's agree on strings; they format other values
differently). Floats from libm (sin, exp, log) are printed to 12 digits:
the guest's libm is wasi-libc's, the native one glibc's, and the last bit
of a transcendental is not what this test is about. Some programs end with
an uncaught exception, whose type both runtimes must report.

    python3 tests/diff/gen.py py 42     # print the program for seed 42
"""
import json
import random
import sys

WORDS = ["café", "☕", "日本", "naïve", "Ärger", "straße", "ﬁx", "Ωmega", "İstanbul",
         "x", "abc", "Zebra", "emoji😀", "e\u0301", "ß", "ǅ", "", "hello world"]

# ---------------------------------------------------------------- helpers


def word(r):
    """One word of WORDS."""
    return r.choice(WORDS)


def text(r):
    """A short string of random words, separators included."""
    return r.choice([" ", "-", ", ", "/"]).join(word(r) for _ in range(r.randint(1, 4)))


def q(s):
    """A string literal of the program's language, with its non-ASCII text
    written as it is or escaped (chosen per program)."""
    if STYLE["lang"] == "py":
        return ascii(s) if STYLE["ascii"] else repr(s)
    return json.dumps(s, ensure_ascii=STYLE["ascii"])


STYLE = {"lang": "py", "ascii": False}  # set by program()


def int_expr(r, depth, ops, leaf):
    """A random expression string over integer leaves."""
    if depth == 0 or r.random() < 0.3:
        return leaf(r)
    return "(%s %s %s)" % (int_expr(r, depth - 1, ops, leaf), r.choice(ops),
                           int_expr(r, depth - 1, ops, leaf))


def small_int(r):
    """An integer literal, sometimes negative, sometimes large."""
    return str(r.choice([r.randint(-9, 9), r.randint(-1000, 1000), r.randint(0, 2**31)]))


def float_lit(r):
    """A float literal of assorted magnitude."""
    return repr(r.choice([r.uniform(-10, 10), r.uniform(-1e6, 1e6), 0.1, 0.2, 1 / 3,
                          1e21, 1e-7, 123456789.125, 2.5, -0.0, 5e-324, 1.7976931348623157e308,
                          round(r.uniform(0, 100), r.randint(0, 4)), 1.005, 2.675, 0.125,
                          1.45, 8.345, 4.35, 1e-10, 1.0000000000000002, 9.995, 1234.5678e10,
                          r.randint(-999, 999) / r.choice([8, 100, 1000, 1024])]))


# ---------------------------------------------------------------- Python


def py_ints(r):
    """Integer expressions, division by zero caught."""
    ops = ["+", "-", "*", "//", "%", "&", "|", "^"]
    leaf = lambda r: (small_int(r) if r.random() < 0.8
                      else "(%d ** %d)" % (r.randint(-12, 12), r.randint(0, 40)))
    lines = []
    for _ in range(r.randint(2, 5)):
        e = int_expr(r, 3, ops, leaf)
        lines.append("try:\n    print(%s)\nexcept Exception as e:\n"
                     "    print(type(e).__name__, e)" % e)
    return "\n".join(lines)


def py_floats(r):
    """Float arithmetic and formatting; libm results to 12 digits."""
    lines = []
    for _ in range(r.randint(2, 5)):
        a, b = float_lit(r), float_lit(r)
        op = r.choice(["+", "-", "*", "/", "**", "%"])
        lines.append("try:\n    x = %s %s %s\nexcept Exception as e:\n"
                     "    x = type(e).__name__\nprint(repr(x))" % (a, op, b))
        lines.append("print(repr(%s), str(%s), f'{%s:.%de}', round(%s, %d), f'{%s:,.2f}')"
                     % (a, a, a, r.randint(0, 8), b, r.randint(-2, 6), b))
        lines.append("print('%%.%df' %% %s, format(%s, '.17g'), f'{%s:g}', f'{%s:%%}')"
                     % (r.randint(0, 12), a, b, a, b))
        fn = r.choice(["sin", "cos", "exp", "log1p", "atan", "sqrt"])
        lines.append("import math\ntry:\n    print(f'{math.%s(%s):.12g}')\n"
                     "except Exception as e:\n    print(type(e).__name__, e)" % (fn, a))
    lines.append("print(float('%s'), int(%s), (%s).hex())"
                 % (r.choice(["inf", "-inf", "nan", "1e400", "0.1e-5"]), repr(r.uniform(-1e15, 1e15)), float_lit(r)))
    return "\n".join(lines)


def py_bigints(r):
    """Big integers: powers, factorials, modular arithmetic, shifts."""
    a, b = r.randint(2, 99), r.randint(50, 400)
    m = r.randint(2, 10**12)
    return "\n".join([
        "n = %d ** %d - %d" % (a, b, r.randint(0, 10**6)),
        "print(n %% %d, n // %d, len(str(n)), hex(n)[:40], n.bit_length())" % (m, m),
        "print(pow(%d, %d, %d), divmod(-n, %d))" % (a, b, m, m),
        "f = 1\nfor i in range(1, %d):\n    f *= i\nprint(str(f)[-30:], f %% 1000003)"
        % r.randint(20, 300),
        "print(int('%s', %d), (-n) >> %d, (1 << %d) | %d)"
        % (r.choice(["zz", "1010", "7f", "123"]), 36, r.randint(0, 90), r.randint(60, 200), r.randint(0, 99)),
    ])


def py_strings(r):
    """String methods, formatting and encodings on non-ASCII text."""
    s = text(r)
    lines = ["s = %s" % q(s),
             "print(s, len(s), s.upper(), s.lower(), s.casefold(), s.title())",
             "print(s[::-1], s[1:%d], s.split(), '|'.join(sorted(s.split())))" % r.randint(0, 9),
             "print(len(s.encode('utf-8')), [ord(c) for c in s[:5]], s.encode('utf-8')[:12])",
             "print(f'[{s:>20}]', f'[{s:^21}]', s.center(25, '*'), s.replace(%s, %s))"
             % (q(word(r)), q(word(r))),
             "print(s.find(%s), s.count('a'), s.startswith(%s), s.isalpha(), s.isascii())"
             % (q(word(r)), q(word(r))),
             "import unicodedata\nprint(len(unicodedata.normalize('NFD', s)), "
             "unicodedata.normalize('NFC', s) == s)",
             "print(repr(s), ascii(s), s.encode('utf-8', 'replace').decode('ascii', 'replace'))"]
    return "\n".join(lines)


def py_lists(r):
    """Lists, dicts, sorting, comprehensions."""
    xs = [r.randint(-50, 50) for _ in range(r.randint(0, 12))]
    ws = [word(r) for _ in range(r.randint(1, 6))]
    return "\n".join([
        "xs = %r" % xs,
        "ws = %s" % ("[" + ", ".join(q(w) for w in ws) + "]"),
        "print(sorted(xs), sorted(xs, key=lambda v: (v %% %d, -v)), xs[::2])" % r.randint(2, 7),
        "print(sum(xs), min(xs, default=None), max(xs, default=None), sorted(ws), sorted(ws, key=len))",
        "d = {}\nfor w in ws:\n    d[w] = d.get(w, 0) + 1\nprint(d, sorted(d.items()))",
        "print([v * v for v in xs if v % 3], dict(zip(ws, xs)), list(enumerate(ws))[:3])",
        "print(sorted({v %% 5 for v in xs}), tuple(reversed(xs)), xs.count(%d))" % r.randint(-5, 5),
    ])


def py_closures(r):
    """Closures, nonlocal, default-argument capture, decorators, generators."""
    k = r.randint(1, 9)
    return "\n".join([
        "def make(step):\n    total = 0\n    def add():\n        nonlocal total\n"
        "        total += step\n        return total\n    return add",
        "c = make(%d)\nprint([c() for _ in range(%d)])" % (k, r.randint(1, 6)),
        "fs = [lambda x, i=i: x * i for i in range(%d)]\nprint([f(%d) for f in fs])"
        % (r.randint(1, 6), k),
        "def deco(f):\n    def w(*a):\n        return ('<', f(*a), '>')\n    return w",
        "@deco\ndef g(a, b=%d):\n    return a + b\nprint(g(%d), g(1, 2))" % (k, r.randint(-9, 9)),
        "gen = (i * i for i in range(%d))\nprint(list(gen), list(gen))" % r.randint(0, 8),
    ])


PY_RAISES = ["1 / 0", "[][%d]", "{}['k']", "int('café')", "None.x", "'a' + 1",
             "raise ValueError('naïve ☕')", "import no_such_module_zz", "[].pop()",
             "float('x')", "chr(-1)", "'%d' % 'x'", "raise KeyError(%d)", "assert %d == 0, '日本'",
             "x = undefined_name_zz"]


def py_raise(r):
    return r.choice(PY_RAISES).replace("%d", str(r.randint(1, 9)))


def py_exceptions(r):
    """Exceptions raised, caught, printed; finally; chaining."""
    lines = ["class MyErr(Exception):\n    pass"]
    for _ in range(r.randint(2, 4)):
        lines.append("try:\n    %s\nexcept Exception as e:\n    print(type(e).__name__, str(e), "
                     "isinstance(e, (LookupError, ArithmeticError)))\nfinally:\n    print('finally')"
                     % py_raise(r))
    lines.append("try:\n    try:\n        raise MyErr(%s)\n    except MyErr as e:\n"
                 "        raise RuntimeError('wrapped') from e\nexcept RuntimeError as e:\n"
                 "    print(e, type(e.__cause__).__name__, e.__cause__)" % q(text(r)))
    return "\n".join(lines)


def py_recursion(r):
    """Recursion well inside both recursion limits."""
    n = r.randint(5, 25)
    d = r.randint(50, 200)
    return "\n".join([
        "from functools import lru_cache\n@lru_cache(None)\ndef fib(n):\n"
        "    return n if n < 2 else fib(n - 1) + fib(n - 2)\nprint(fib(%d), fib(%d))" % (n, n * 4),
        "def depth(n):\n    return 0 if n == 0 else 1 + depth(n - 1)\nprint(depth(%d))" % d,
        "def ack(m, n):\n    if m == 0:\n        return n + 1\n    if n == 0:\n"
        "        return ack(m - 1, 1)\n    return ack(m - 1, ack(m, n - 1))\nprint(ack(2, %d))"
        % r.randint(0, 6),
        "def perms(xs):\n    return [xs] if len(xs) <= 1 else [[x] + p for i, x in enumerate(xs) "
        "for p in perms(xs[:i] + xs[i + 1:])]\nprint(perms(%r)[:7])" % list(range(r.randint(1, 4))),
    ])


def value(r, depth):
    """A random JSON-able value as a literal valid in both languages."""
    kind = r.randint(0, 6 if depth > 0 else 4)
    if kind == 0:
        return str(r.randint(-10**6, 10**6))
    if kind == 1:
        return repr(r.choice([0.5, -2.25, 1e-3, 3.14159, 1e20, 0.1]))
    if kind == 2:
        return q(text(r))
    if kind == 3:
        return r.choice(["True", "False", "None"])
    if kind == 4:
        return q(word(r))
    if kind == 5:
        return "[" + ", ".join(value(r, depth - 1) for _ in range(r.randint(0, 4))) + "]"
    return "{" + ", ".join("%s: %s" % (q(word(r) + str(i)), value(r, depth - 1))
                           for i in range(r.randint(0, 4))) + "}"


def py_json(r):
    """json.dumps/loads round trips and a parse error."""
    v = value(r, 3)
    return "\n".join([
        "import json\nv = %s" % v,
        "s = json.dumps(v, ensure_ascii=%s, sort_keys=%s)" % (r.choice(["True", "False"]),
                                                               r.choice(["True", "False"])),
        "print(s)\nprint(json.loads(s) == v, json.dumps(v, indent=%d)[:200])" % r.randint(0, 3),
        "try:\n    json.loads(%s)\nexcept ValueError as e:\n    print(type(e).__name__, e)"
        % q(r.choice(['{"a": }', '[1, 2', 'café', '{"x": 1}', '"\\ud800"', 'NaN'])),
    ])


def py_regex(r):
    """re on non-ASCII text: findall, sub, split, groups, spans."""
    s = text(r) + " 12 ab-34 " + text(r)
    return "\n".join([
        "import re\ns = %s" % q(s),
        "print(re.findall(r'\\w+', s), re.findall(r'\\d+', s))",
        "print(re.sub(r'(\\w)(\\w*)', lambda m: m.group(2) + m.group(1), s))",
        "print(re.split(r'[\\s,/-]+', s), re.search(r'(?P<n>\\d+)', s).group('n'))",
        "print(re.sub(%s, '<\\\\g<0>>', s, flags=re.I))" % q(r.choice(["é", "[a-z]+", "日本?", "s+"])),
        "print([m.span() for m in re.finditer(r'[^\\x00-\\x7f]', s)][:6])",
    ])


PY_STDLIB = [
    "import decimal\nprint(decimal.Decimal(%(q)s.count('a') or 1) / decimal.Decimal(7), "
    "decimal.Decimal('1.10') * 3, round(decimal.Decimal('%(f)s'), 2))",
    "from fractions import Fraction\nprint(Fraction(%(i)d, 7) + Fraction(1, 3), Fraction(%(f)s).limit_denominator(100))",
    "import statistics\nprint(statistics.mean([%(i)d, 2, 3.5]), statistics.median([%(i)d, 5, 1, 9]))",
    "import datetime\nd = datetime.date(2024, 2, 29) + datetime.timedelta(days=%(i)d)\n"
    "print(d, d.isoformat(), d.strftime('%%A %%d %%B %%Y'), d.weekday())",
    "import hashlib\nprint(hashlib.sha256(%(q)s.encode()).hexdigest(), hashlib.md5(b'%(i)d').hexdigest())",
    "import zlib, binascii\nprint(zlib.crc32(%(q)s.encode()), binascii.hexlify(%(q)s.encode()[:8]), "
    "zlib.decompress(zlib.compress(%(q)s.encode())).decode())",
    "import base64\nprint(base64.b64encode(%(q)s.encode()), base64.b32encode(b'%(i)d'))",
    "print(%(q)s.encode('utf-16-le')[:10], %(q)s.encode('latin-1', 'replace'), "
    "%(q)s.encode('cp1252', 'xmlcharrefreplace'))",
    "print('日本語テキスト'.encode('shift_jis'), 'café'.encode('euc-jp'), '한국'.encode('euc-kr'), "
    "'中文'.encode('gb2312'), '中文'.encode('big5'))",
    "print('bücher-café.example'.encode('idna'), 'münchen'.encode('punycode'))",
    "import collections\nc = collections.Counter(%(q)s)\nprint(sorted(c.most_common(3)), "
    "collections.OrderedDict(a=%(i)d, b=2), collections.deque(range(5), maxlen=3))",
    "import itertools\nprint(list(itertools.permutations('abc', 2)), "
    "list(itertools.accumulate([%(i)d, 2, 3])), list(itertools.groupby('aabbbc'))[0][0])",
    "import heapq, bisect\nh = [%(i)d, 5, 1, 9, 3]\nheapq.heapify(h)\nprint(h, heapq.nsmallest(2, h), "
    "bisect.bisect([1, 3, 5, 7], %(i)d))",
    "import textwrap\nprint(textwrap.fill(%(q)s * 3, 12), textwrap.shorten(%(q)s * 4, 20))",
    "import struct\nprint(struct.pack('<iHd', %(i)d, 7, %(f)s), struct.calcsize('@iq'), "
    "struct.unpack('>I', b'\\x01\\x02\\x03\\x04'))",
    "import unicodedata\nprint(unicodedata.unidata_version, [unicodedata.name(c, '?') for c in %(q)s[:4]], "
    "unicodedata.category('☕'))",
    "import calendar\nprint(calendar.month(2024, %(m)d), calendar.isleap(2100))",
    "import html, urllib.parse\nprint(html.escape('<a href=\"x\">' + %(q)s), "
    "urllib.parse.quote(%(q)s), urllib.parse.urlparse('https://ex.com:8080/p?q=%(i)d#f'))",
    "import csv, io\nb = io.StringIO()\ncsv.writer(b).writerow([%(q)s, %(i)d, 'a,b', 'q\"'])\n"
    "print(repr(b.getvalue()), next(csv.reader(io.StringIO(b.getvalue()))))",
    "import pprint\npprint.pprint({'k%%d' %% i: list(range(i)) for i in range(%(m)d)}, width=40)",
    "import string\nprint(string.Template('$who likes $what').substitute(who=%(q)s, what='☕'), "
    "string.capwords(%(q)s))",
    "import difflib\nprint(list(difflib.unified_diff(['a', %(q)s], ['a', 'b'], lineterm='')))",
    "import math\nprint(math.factorial(%(m)d), math.gcd(%(i)d, 12), math.comb(20, %(m)d), "
    "math.isqrt(10**20 + %(i)d), math.fsum([0.1] * 10), math.prod(range(1, %(m)d)))",
    "import operator, functools\nprint(functools.reduce(operator.mul, range(1, %(m)d)), "
    "sorted([(2, 'b'), (1, 'z')], key=operator.itemgetter(1)))",
    "import dataclasses\n@dataclasses.dataclass(order=True)\nclass P:\n    x: int\n    y: str = 'é'\n"
    "print(P(%(i)d), sorted([P(2), P(1, 'z')]), dataclasses.asdict(P(3)))",
    "import enum\nclass Col(enum.Enum):\n    RED = %(i)d\n    BLUE = 'b'\nprint(Col.RED, list(Col), Col('b'))",
    "import array\na = array.array('d', [%(f)s, 2.5])\nprint(a, a.tobytes()[:8], array.array('u', %(q)s))",
]


def py_stdlib(r):
    """A few one-liners over standard modules (pure Python and C ones)."""
    vals = {"q": q(text(r)), "i": r.randint(-50, 50), "f": repr(r.choice([0.5, 2.675, 1.1, 3.0])),
            "m": r.randint(1, 12)}
    return "\n".join(t % vals for t in r.sample(PY_STDLIB, 3))


PY_SNIPPETS = [py_ints, py_floats, py_bigints, py_strings, py_lists, py_closures,
               py_exceptions, py_recursion, py_json, py_regex, py_stdlib]

# ---------------------------------------------------------------- JavaScript


def js_out(expr):
    """A statement printing expr as one string."""
    return "print(String(%s));" % expr


def js_try(expr):
    """Print expr, or the name and message of what it throws."""
    return "try { %s } catch (e) { print(e.name + ': ' + e.message); }" % js_out(expr)


def js_ints(r):
    """Integer and bitwise expressions, radix output."""
    ops = ["+", "-", "*", "%", "|", "&", "^", "<<", ">>", ">>>"]
    lines = [js_out(int_expr(r, 3, ops, small_int)) for _ in range(r.randint(2, 5))]
    lines.append(js_out("Math.trunc(%s / %s)" % (small_int(r), small_int(r))))
    lines.append(js_out("[%s, %s, %s].map(v => v.toString(%d)).join(' ')"
                        % (small_int(r), small_int(r), small_int(r), r.randint(2, 36))))
    return "\n".join(lines)


def js_floats(r):
    """Float arithmetic, toFixed/toPrecision/toExponential/toString(radix)."""
    lines = []
    for _ in range(r.randint(2, 5)):
        a, b = float_lit(r), float_lit(r)
        lines.append(js_out("(%s) %s (%s)" % (a, r.choice(["+", "-", "*", "/", "%", "**"]), b)))
        lines.append(js_try("(%s).toFixed(%d)" % (a, r.randint(0, 20))))
        lines.append(js_try("(%s).toPrecision(%d)" % (b, r.randint(1, 21))))
        lines.append(js_try("(%s).toExponential(%d)" % (a, r.randint(0, 20))))
        lines.append(js_try("(%s).toString(%d)" % (b, r.choice([2, 3, 7, 16, 36]))))
        fn = r.choice(["sin", "cos", "exp", "log1p", "atan", "sqrt", "cbrt"])
        lines.append(js_out("Math.%s(%s).toPrecision(12)" % (fn, a)))
    lines.append(js_out("[parseFloat('%s'), Number('%s'), 1/3, -0, 2**53 + 1, 0.1 * 3].join(' ')"
                        % (r.choice(["3.14abc", "1e400", ".5", "-0"]), r.choice(["0x1f", " 12 ", "1e-7", ""]))))
    return "\n".join(lines)


def js_bigints(r):
    """BigInt arithmetic, factorials, asUintN, conversion errors."""
    a, b = r.randint(2, 99), r.randint(50, 400)
    m = r.randint(2, 10**12)
    return "\n".join([
        "var n = %dn ** %dn - %dn;" % (a, b, r.randint(0, 10**6)),
        js_out("[n %% %dn, n / %dn, n.toString().length, n.toString(16).slice(0, 40)].join(' ')" % (m, m)),
        js_out("[-n %% %dn, (-n) >> %dn, BigInt.asUintN(64, n), BigInt(%d) * 3n].join(' ')"
               % (m, r.randint(0, 90), r.randint(-10**9, 10**9))),
        "var f = 1n; for (var i = 1n; i < %dn; i++) f *= i;" % r.randint(20, 300),
        js_out("f.toString().slice(-30) + ' ' + f % 1000003n"),
        js_try("BigInt(%s)" % r.choice(["1.5", "'12345678901234567890'", "'zz'", "2**60"])),
    ])


def js_strings(r):
    """String methods, normalisation and escaping on non-ASCII text."""
    s = text(r)
    return "\n".join([
        "var s = %s;" % q(s),
        js_out("[s, s.length, [...s].length, s.toUpperCase(), s.toLowerCase()].join(' | ')"),
        js_out("[...s].reverse().join('') + ' ' + s.slice(1, %d) + ' ' + s.split(' ').sort().join('|')"
               % r.randint(0, 9)),
        js_out("[...s].slice(0, 5).map(c => c.codePointAt(0)).join(',')"),
        js_out("s.padStart(20, '·') + '[' + s.padEnd(18) + ']' + s.repeat(2)"),
        js_out("[s.indexOf(%s), s.includes(%s), s.replace(%s, %s), s.replaceAll('a', 'ä')].join(' ')"
               % (q(word(r)), q(word(r)), q(word(r)), q(word(r)))),
        js_out("[s.normalize('NFD').length, s.normalize('NFC') === s, encodeURIComponent(s)].join(' ')"),
        js_out("JSON.stringify(s) + ' ' + escape(s).slice(0, 40) + ' ' + s.localeCompare(%s)" % q(word(r))),
    ])


def js_lists(r):
    """Arrays, objects, Map/Set, sorting, JSON output."""
    xs = [r.randint(-50, 50) for _ in range(r.randint(0, 12))]
    ws = [word(r) for _ in range(r.randint(1, 6))]
    return "\n".join([
        "var xs = %r;" % xs,
        "var ws = [%s];" % ", ".join(q(w) for w in ws),
        js_out("JSON.stringify([xs.slice().sort(), xs.slice().sort((a, b) => a - b)])"),
        js_out("JSON.stringify([ws.slice().sort(), ws.slice().sort((a, b) => a.length - b.length)])"),
        "var d = {}; for (var w of ws) d[w] = (d[w] || 0) + 1;",
        js_out("JSON.stringify([d, Object.entries(d), Object.keys(d).sort()])"),
        js_out("JSON.stringify([xs.map(v => v * v).filter(v => v % 3), "
               "xs.reduce((a, b) => a + b, 0), Math.max(...xs), Math.min(...xs)])"),
        "var m = new Map(ws.map((w, i) => [w, i])); var st = new Set(xs.map(v => v % 5));",
        js_out("JSON.stringify([[...m], [...st], Array.from({length: %d}, (_, i) => i * i)])"
               % r.randint(0, 6)),
        js_out("JSON.stringify(xs.flatMap(v => [v, -v]).slice(0, 8)) + ' ' + xs[xs.length - 1]"),
    ])


def js_closures(r):
    """Closures, classes, generators, promises and async functions."""
    k = r.randint(1, 9)
    return "\n".join([
        "function make(step) { let total = 0; return () => (total += step); }",
        "var c = make(%d); var got = []; for (let i = 0; i < %d; i++) got.push(c());" % (k, r.randint(1, 6)),
        js_out("got.join(',')"),
        "var fs = []; for (let i = 0; i < %d; i++) fs.push(x => x * i);" % r.randint(1, 6),
        js_out("fs.map(f => f(%d)).join(',')" % k),
        "class A { constructor(v) { this.v = v; } get twice() { return this.v * 2; } "
        "static of(v) { return new this(v); } }",
        "class B extends A { get twice() { return 'B' + super.twice; } }",
        js_out("[A.of(%d).twice, B.of(%d).twice, B.of(1) instanceof A].join(' ')" % (k, k)),
        "function* gen(n) { for (let i = 0; i < n; i++) yield i * i; }",
        js_out("[...gen(%d)].join(',')" % r.randint(0, 8)),
        "Promise.resolve(%d).then(v => print('then ' + v)); print('sync first');" % k,
        "(async () => { const v = await Promise.resolve(%s); print('async ' + v); })();" % q(word(r)),
    ])


JS_THROWS = ["null.x", "undefined_name_zz", "new Array(-1)", "(1).toFixed(200)", "JSON.parse('{bad')",
             "'abc'.repeat(-1)", "Symbol() + ''", "BigInt(1.5)", "1n + 1", "decodeURI('%')",
             "(class { #p = 1; static f(o) { return o.#p; } }).f({})",
             "(() => { throw new RangeError('naïve ☕'); })()", "Object.defineProperty(1, 'x', {})",
             "[].reduce((a, b) => a)", "new Proxy({}, { get() { throw new TypeError('日本'); } }).x"]


def js_exceptions(r):
    """Errors thrown, caught, printed; finally; custom classes."""
    lines = ["class MyErr extends Error { constructor(m) { super(m); this.name = 'MyErr'; } }"]
    for _ in range(r.randint(2, 4)):
        lines.append("try { %s; } catch (e) { print(e.name + ': ' + e.message + ' ' + "
                     "(e instanceof TypeError)); } finally { print('finally'); }" % r.choice(JS_THROWS))
    lines.append("try { throw new MyErr(%s); } catch (e) { print(e.name + ' ' + e.message + ' ' + "
                 "(e instanceof Error)); }" % q(text(r)))
    lines.append("try { throw %s; } catch (e) { print(typeof e + ' ' + String(e)); }"
                 % r.choice(["42", "'str'", "null", "{a: 1}", "[1, 2]"]))
    return "\n".join(lines)


def js_recursion(r):
    """Recursion well inside both stack limits."""
    n = r.randint(5, 25)
    return "\n".join([
        "var memo = {}; function fib(n) { return n < 2 ? n : memo[n] || (memo[n] = fib(n - 1) + fib(n - 2)); }",
        js_out("fib(%d) + ' ' + fib(%d)" % (n, n * 3)),
        "function depth(n) { return n === 0 ? 0 : 1 + depth(n - 1); }",
        js_out("depth(%d)" % r.randint(50, 300)),
        "function ack(m, n) { return m === 0 ? n + 1 : n === 0 ? ack(m - 1, 1) : ack(m - 1, ack(m, n - 1)); }",
        js_out("ack(2, %d)" % r.randint(0, 6)),
    ])


def js_json(r):
    """JSON.stringify/parse round trips, replacers and a parse error."""
    v = value(r, 3).replace("True", "true").replace("False", "false").replace("None", "null")
    return "\n".join([
        "var v = %s;" % v,
        "var s = JSON.stringify(v);",
        js_out("s"),
        js_out("JSON.stringify(JSON.parse(s)) === s"),
        js_out("JSON.stringify(v, null, %d).slice(0, 200)" % r.randint(0, 3)),
        js_out("JSON.stringify(v, (k, x) => typeof x === 'number' ? x * 2 : x)"),
        js_try("JSON.parse(%s)" % q(r.choice(['{"a": }', '[1, 2', 'café', '{"x": 1}', '"\\ud800"']))),
    ])


def js_regex(r):
    """Regexes on non-ASCII text: match, replace, split, named groups, /u."""
    s = text(r) + " 12 ab-34 " + text(r)
    return "\n".join([
        "var s = %s;" % q(s),
        js_out("JSON.stringify([s.match(/\\w+/g), s.match(/\\d+/g), s.match(/\\p{L}+/gu)])"),
        js_out("s.replace(/(\\w)(\\w*)/g, (m, a, b) => b + a)"),
        js_out("JSON.stringify(s.split(/[\\s,\\/-]+/)) + ' ' + s.match(/(?<n>\\d+)/).groups.n"),
        js_out("s.replace(new RegExp(%s, 'gi'), '<$&>')" % q(r.choice(["é", "[a-z]+", "日本?", "s+"]))),
        js_out("JSON.stringify([...s.matchAll(/[^\\x00-\\x7f]/gu)].map(m => m.index).slice(0, 6))"),
    ])


JS_BUILTINS = [
    "new Date(Date.UTC(2024, 1, 29, 12, %(i)d)).toISOString()",
    "JSON.stringify([new Date(%(i)d * 86400000).toISOString(), Date.UTC(2000, 0, 1), "
    "new Date('2024-03-10T10:00:00Z').getTime(), Date.parse('2020-01-01T00:00:00.000Z')])",
    "Array.from(new Uint8Array(new Float64Array([%(f)s]).buffer)).join(',')",
    "(() => { const dv = new DataView(new ArrayBuffer(8)); dv.setInt32(0, %(i)d); "
    "dv.setFloat32(4, %(f)s, true); return [dv.getUint8(3), dv.getUint32(0, true), dv.getFloat32(4, true)].join(' '); })()",
    "encodeURI(%(q)s) + ' ' + decodeURIComponent('%%E2%%98%%95%%20caf%%C3%%A9')",
    "[Symbol('é').toString(), Symbol.for('k').description, typeof Symbol.iterator].join(' ')",
    "Reflect.ownKeys({b: 1, 2: 0, a: 2, 1: 3, [Symbol.for('s')]: 4}).map(String).join(',')",
    "(() => { const p = new Proxy({}, {get: (t, k) => 'got ' + String(k)}); return p.x + ' ' + p[%(i)d]; })()",
    "String.raw`a\\n${%(i)d}` + ' ' + ((s, ...v) => s.raw.join('|') + v.join('+'))`x${1}y${%(q)s}z`",
    "(() => { const o = {a: {b: null}}; return [o?.a?.b?.c, o.x ?? 'dflt', o.a.b ?? %(i)d].join(' '); })()",
    "(() => { outer: for (let i = 0; i < 5; i++) { for (let j = 0; j < 5; j++) { if (i * j === %(m)d) "
    "return i + ',' + j; if (j > i) continue outer; } } return 'none'; })()",
    "[...%(q)s].map(c => c.charCodeAt(0).toString(16)).join(' ') + ' ' + %(q)s.charAt(1)",
    "[Number.MAX_SAFE_INTEGER, Number.EPSILON, Number.MIN_VALUE, Number.isInteger(%(f)s), "
    "Number.parseInt('%(i)dpx'), (%(i)d).toLocaleString()].join(' ')",
    "[Math.max(), Math.min(), Math.hypot(3, 4), Math.sign(-%(f)s), Math.clz32(%(i)d), "
    "Math.fround(%(f)s), Math.imul(%(i)d, 123456789), Math.round(-2.5), Math.round(%(f)s)].join(' ')",
    "Object.getOwnPropertyNames(class { static m() {} static s = 1 }).join(',')",
    "(() => { const w = new WeakMap(); const k = {}; w.set(k, %(i)d); return w.get(k) + ' ' + w.has({}); })()",
    "JSON.stringify(Object.fromEntries([['é', %(i)d], ['日本', [1, {x: null}]]]))",
    "[[3, 1, 2].sort().toString(), [10, 9, 1].sort().toString(), ['b', 'é', 'a', 'Z'].sort().toString(), "
    "[{k: 1, v: 'a'}, {k: 0, v: 'b'}, {k: 1, v: 'c'}].sort((x, y) => x.k - y.k).map(o => o.v).join('')].join(' ')",
    "[eval('%(i)d * 2'), new Function('a', 'return a + 1')(%(i)d), typeof globalThis].join(' ')",
    "(() => { let s = ''; for (const [k, v] of Object.entries({z: 1, a: 2})) s += k + v; "
    "for (const i in [7, 8]) s += i; return s; })()",
    "[%(q)s.codePointAt(0), String.fromCodePoint(0x1F600, 233), '\\u{1F600}'.length, "
    "'ǅ'.toLowerCase(), 'ß'.toUpperCase(), 'İ'.toLowerCase().length].join(' ')",
    "[isNaN('x'), isFinite('12'), parseInt('0x1F'), parseInt('z', 36), (255).toString(2), "
    "Number('0b101'), Number('0o17'), +[], +{}, [] + {}].join(' ')",
    "(() => { const a = [1, [2, [3, [4]]]]; return [a.flat(), a.flat(Infinity), Array.isArray(a)].join(' | '); })()",
]


def js_builtins(r):
    """A few expressions over built-in objects (Date only from fixed times)."""
    vals = {"q": q(text(r)), "i": r.randint(-50, 50), "f": repr(r.choice([0.5, 2.675, 1.1, 3.0, -7.25])),
            "m": r.randint(0, 12)}
    return "\n".join(js_try(t % vals) for t in r.sample(JS_BUILTINS, 4))


JS_SNIPPETS = [js_ints, js_floats, js_bigints, js_strings, js_lists, js_closures,
               js_exceptions, js_recursion, js_json, js_regex, js_builtins]

# ---------------------------------------------------------------- programs


def program(lang, seed):
    """The program for (lang, seed): 3-5 different snippets, maybe an
    uncaught error at the end."""
    r = random.Random("%s-%d" % (lang, seed))
    STYLE.update(lang=lang, ascii=r.random() < 0.2)
    snippets = PY_SNIPPETS if lang == "py" else JS_SNIPPETS
    parts = [f(r) for f in r.sample(snippets, r.randint(3, 5))]
    if r.random() < 0.15:
        parts.append(py_raise(r) if lang == "py" else r.choice(JS_THROWS) + ";")
    return "\n".join(parts) + "\n"


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("py", "js"):
        sys.exit("usage: gen.py py|js SEED")
    sys.stdout.write(program(sys.argv[1], int(sys.argv[2])))
