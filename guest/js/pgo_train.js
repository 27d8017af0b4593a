/*
 * pgo_train.js - what the QuickJS guest's profile-guided build runs.
 *
 * scripts/guests.sh compiles the AOT guest with gcc -fprofile-generate,
 * links a trainer host and runs this file as the prelude of a throwaway
 * snapshot (lsb_init evaluates it in-process, so the profile is written at
 * exit), then compiles the guest again with the profile. It is shaped like
 * prelude.js (one function expression that returns the driver's hooks);
 * guests.sh puts `var LSB_TRAIN_WORKLOADS = [...]` in front, the sources of
 * bench/workloads/js_*.js, each run in its own function scope.
 *
 * The code is the kind models write: strings and template literals, arrays
 * and their higher-order methods, objects and Maps, classes, closures,
 * exceptions, JSON, regular expressions, Dates, numbers and BigInt. It is
 * deterministic (its own generator, no clock) and prints nothing.
 */
(function (native) {
  'use strict';
  const quiet = function () {};
  globalThis.console = { log: quiet, error: quiet, warn: quiet, info: quiet, debug: quiet };
  globalThis.print = quiet;

  let seed = 12345;
  const next = (n) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const WORDS = ['alpha', 'beta', 'gamma', 'délta', 'épsilon', '日本', 'zeta', 'eta'];

  function textWork() {
    const words = Array.from({ length: 4000 }, () => WORDS[next(WORDS.length)]);
    const text = words.join(' ');
    const counts = new Map();
    for (const w of text.split(/\s+/)) counts.set(w, (counts.get(w) || 0) + 1);
    const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    const lines = ranked.map(([w, n]) => `${w.padStart(10)}|${String(n).padStart(5, '0')}|${(n / 7).toFixed(3)}`);
    const swapped = text.slice(0, 3000).replace(/(\w+) (\w+)/g, '$2 $1');
    const found = text.match(/\b[a-z]{4,}\b/g) || [];
    const upper = text.toUpperCase().toLowerCase().normalize('NFC');
    return lines.length + swapped.length + found.length + upper.length + text.indexOf('zeta');
  }

  class Account {
    constructor(id, owner) {
      this.id = id;
      this.owner = owner;
      this.entries = [];
    }
    deposit(amount) {
      if (!(amount > 0)) throw new RangeError(`bad amount ${amount}`);
      this.entries.push({ amount, at: new Date(Date.UTC(2024, 0, 1 + this.entries.length)) });
    }
    get balance() {
      return this.entries.reduce((sum, e) => sum + e.amount, 0);
    }
  }

  function dataWork() {
    const accounts = Array.from({ length: 300 }, (_, i) => new Account(i, `owner${next(40)}`));
    let errors = 0;
    for (let i = 0; i < 6000; i++) {
      try {
        accounts[next(accounts.length)].deposit(next(500) - 20);
      } catch (e) {
        if (e instanceof RangeError) errors++;
      }
    }
    const byOwner = {};
    for (const a of accounts) (byOwner[a.owner] = byOwner[a.owner] || []).push(a.balance);
    const summary = Object.entries(byOwner).map(([owner, v]) => ({
      owner, n: v.length, total: v.reduce((s, x) => s + x, 0), max: Math.max(...v),
    }));
    const blob = JSON.stringify(summary, null, 2);
    const back = JSON.parse(blob).filter((r) => r.total > 100).sort((a, b) => a.owner < b.owner ? -1 : 1);
    const iso = accounts[0].entries.map((e) => e.at.toISOString()).join(',');
    const set = new Set(accounts.map((a) => a.owner));
    return back.length + errors + iso.length + set.size;
  }

  function numberWork() {
    const values = Array.from({ length: 5000 }, () => next(100000) / 1000);
    const mean = values.reduce((s, x) => s + x, 0) / values.length;
    const sd = Math.sqrt(values.reduce((s, x) => s + (x - mean) ** 2, 0) / values.length);
    const sorted = [...values].sort((a, b) => a - b);
    const primes = [];
    for (let n = 2; primes.length < 600; n++) if (primes.every((p) => p * p > n || n % p)) primes.push(n);
    let big = 1n;
    for (let i = 1n; i < 120n; i++) big *= i;
    const memo = new Map();
    const fib = (n) => n < 2 ? n : memo.get(n) ?? (memo.set(n, fib(n - 1) + fib(n - 2)), memo.get(n));
    const matrix = Array.from({ length: 30 }, (_, i) => Array.from({ length: 30 }, (_, j) => (i * j) % 17));
    const product = matrix.map((row) => matrix[0].map((_, j) => row.reduce((s, x, k) => s + x * matrix[k][j], 0)));
    const typed = new Float64Array(values);
    return mean + sd + sorted[2500] + primes.length + Number(big % 97n) + fib(70) % 13 + product[3][5] + typed[7];
  }

  for (let round = 0; round < 3; round++) {
    textWork();
    dataWork();
    numberWork();
  }
  for (const source of LSB_TRAIN_WORKLOADS) new Function(source)();

  return { inspect: quiet, runTimer: quiet, formatError: quiet, startRun: quiet, endRun: quiet, process: {} };
})
