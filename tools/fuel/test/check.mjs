// check.mjs - runs modules instrumented by lsb-fuel under Node and checks the
// fuel and globals exports. Usage: node check.mjs DIR, where DIR holds
// NAME.wasm (plain) and NAME.fuel.wasm (instrumented) for each test .wat.
// Prints one "PASS name" or "FAIL name: why" line per check.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
const BUDGET = 1_000_000_000n;

class OutOfFuel extends Error {}

function instantiate(name, extra = {}) {
  const bytes = readFileSync(join(dir, name));
  const imports = { lsb: { out_of_fuel() { throw new OutOfFuel('out of fuel'); } }, ...extra };
  return new WebAssembly.Instance(new WebAssembly.Module(bytes), imports).exports;
}

// Runs fn with the given budget; returns { consumed, error }.
function metered(ex, budget, fn) {
  ex.lsb_fuel_set(budget);
  let error = null;
  try { fn(); } catch (e) { error = e; }
  return { consumed: budget - ex.lsb_fuel_get(), error };
}

function check(name, fn) {
  try {
    const why = fn();
    console.log(why ? `FAIL ${name}: ${why}` : `PASS ${name}`);
  } catch (e) {
    console.log(`FAIL ${name}: threw ${e && e.stack ? e.stack.split('\n')[0] : e}`);
  }
}

const loop = instantiate('loop.fuel.wasm');

check('infinite loop runs out of fuel', () => {
  const r = metered(loop, 1_000_000n, () => loop.spin());
  return r.error instanceof OutOfFuel ? null : `got ${r.error}`;
});

check('counted loop: exact cost 4 + 12n', () => {
  for (const n of [0, 1, 1000]) {
    const r = metered(loop, BUDGET, () => loop.sum(n));
    const want = 4n + 12n * BigInt(n);
    if (r.error || r.consumed !== want) return `sum(${n}) consumed ${r.consumed}, want ${want}`;
  }
  return null;
});

check('counted loop: repeatable and proportional to n', () => {
  const c = (n) => metered(loop, BUDGET, () => loop.sum(n)).consumed;
  const a = c(1000), b = c(1000), c2 = c(2000), c3 = c(3000);
  if (a !== b) return `two runs differ: ${a} vs ${b}`;
  if (c3 - c2 !== c2 - a || c2 - a <= 0n) return `not linear: ${a} ${c2} ${c3}`;
  return null;
});

check('budget boundary: exact budget suffices, one less runs out', () => {
  const cost = 4n + 12n * 100n;
  const ok = metered(loop, cost, () => loop.sum(100));
  const short = metered(loop, cost - 1n, () => loop.sum(100));
  if (ok.error || ok.consumed !== cost) return `exact budget: ${ok.error}, consumed ${ok.consumed}`;
  return short.error instanceof OutOfFuel ? null : `budget-1: ${short.error}`;
});

check('result unchanged by instrumentation', () => {
  const plain = instantiate('loop.wasm');
  let got;
  metered(loop, BUDGET, () => { got = loop.sum(1000); });
  return plain.sum(1000) === got ? null : `sum ${got}, want ${plain.sum(1000)}`;
});

const rec = instantiate('recursion.fuel.wasm');

check('recursion without loops: exact cost 7n+4', () => {
  const r = metered(rec, BUDGET, () => rec.down(100));
  return !r.error && r.consumed === 704n ? null : `consumed ${r.consumed} (${r.error})`;
});

const tails = instantiate('tails.fuel.wasm');

check('tails: merged only when they always run', () => {
  const want = { f: [7n, 3n], g: [3n, 4n] };
  for (const [fn, costs] of Object.entries(want))
    for (const x of [0, 1]) {
      const r = metered(tails, BUDGET, () => tails[fn](x));
      if (r.error || r.consumed !== costs[x]) return `${fn}(${x}) consumed ${r.consumed}, want ${costs[x]}`;
    }
  return null;
});

const ex = instantiate('exits.fuel.wasm');

check('early exits: each path pays for what it runs', () => {
  const cases = [
    ['early', [0], 9n], ['early', [1], 3n],
    ['ret', [0], 5n], ['ret', [1], 4n],
    ['table', [0, 0], 8n], ['table', [0, 1], 5n], ['table', [1, 0], 4n], ['table', [2, 0], 3n],
    ['table', [7, 1], 3n],
    ['nested', [0], 4n], ['nested', [1], 10n], ['nested', [2], 12n],
  ];
  for (const [fn, args, want] of cases) {
    const r = metered(ex, BUDGET, () => ex[fn](...args));
    if (r.error || r.consumed !== want) return `${fn}(${args}) consumed ${r.consumed}, want ${want}`;
  }
  return null;
});

check('early exits: results unchanged by instrumentation', () => {
  const plain = instantiate('exits.wasm');
  ex.lsb_fuel_set(BUDGET);
  for (const [fn, args] of [['early', [0]], ['early', [1]], ['ret', [0]], ['ret', [1]],
    ['table', [0, 0]], ['table', [0, 1]], ['table', [1, 0]], ['table', [2, 0]],
    ['nested', [0]], ['nested', [1]], ['nested', [2]]])
    if (ex[fn](...args) !== plain[fn](...args)) return `${fn}(${args}) differs`;
  return null;
});

// --fold 16 and --fold 4 (lsb-fuel's opt-in; LSB_FUEL_FOLD=16 make uses 16): a
// rest after an early exit that costs at most N is charged with the region
// before it, so only a path that takes the exit pays more, by what it skips.
//   early: the rest (6) joins the entry (3): 9 either way; with 4 it stays.
//   ret: the rest after the if (3) joins the entry (2): ret(0) = 5, ret(1) =
//     5 + the then arm's 2 = 7.
//   table: the cases are rests after the br_table's block and are never
//     folded into the dispatch; case 0's rest after its br_if (4) joins case
//     0 (2): table(0, 0) = 2 + 6 = 8, table(0, 1) = 2 + 6 + 1 = 9.
//   nested: the rest after $in (2) joins the entry (4 -> 6); the rest after
//     the second br_if (2) joins the one after the first (4 -> 6), which
//     with 16 joins the entry too (12), with 4 does not (6, then 6 more).
check('--fold: a fast path pays for at most N units it skips', () => {
  const cases = [
    ['early', [0], 9n, 9n], ['early', [1], 9n, 3n],
    ['ret', [0], 5n, 5n], ['ret', [1], 7n, 7n],
    ['table', [0, 0], 8n, 8n], ['table', [0, 1], 9n, 9n], ['table', [1, 0], 4n, 4n],
    ['table', [2, 0], 3n, 3n], ['table', [7, 1], 3n, 3n],
    ['nested', [0], 12n, 6n], ['nested', [1], 12n, 12n], ['nested', [2], 12n, 12n],
  ];
  const fold16 = instantiate('exits.fold.wasm'), fold4 = instantiate('exits.fold4.wasm');
  for (const [fn, args, want16, want4] of cases)
    for (const [mod, want, n] of [[fold16, want16, 16], [fold4, want4, 4]]) {
      const r = metered(mod, BUDGET, () => mod[fn](...args));
      if (r.error || r.consumed !== want) return `--fold ${n}: ${fn}(${args}) consumed ${r.consumed}, want ${want}`;
      const exact = metered(ex, BUDGET, () => ex[fn](...args)).consumed;
      if (r.consumed < exact) return `--fold ${n}: ${fn}(${args}) paid ${r.consumed}, less than it ran (${exact})`;
    }
  return null;
});

// Folded into a loop header, a rest is paid on every iteration; only the
// iteration that leaves pays for one it skips. switch.wat: the rest after
// the header's br_if (6) joins the header (3 -> 9, n + 1 times), and the
// handlers stay apart: run(n, 0) = 1 + 9 (n + 1) + 5n = 10 + 14n, run(n, 1)
// = 10 + 18n. loop.wat: the rest (9) joins the header: 1 + 12 (n + 1).
check('--fold: loops still pay per iteration for what they run', () => {
  const s = instantiate('switch.fold.wasm'), l = instantiate('loop.fold.wasm');
  const n = 1000;
  const got = [metered(s, BUDGET, () => s.run(n, 0)), metered(s, BUDGET, () => s.run(n, 1)),
    metered(l, BUDGET, () => l.sum(n))];
  const want = [10n + 14n * BigInt(n), 10n + 18n * BigInt(n), 13n + 12n * BigInt(n)];
  for (let i = 0; i < 3; i++)
    if (got[i].error || got[i].consumed !== want[i]) return `case ${i}: ${got[i].consumed}, want ${want[i]}`;
  return null;
});

check('--fold: an endless loop and an endless recursion still run out', () => {
  const l = instantiate('loop.fold.wasm'), r = instantiate('recursion.fold.wasm');
  // (1,000 units: the recursion must run out before Node's stack does)
  for (const [what, mod, fn] of [['spin', l, () => l.spin()], ['forever', r, () => r.forever()]]) {
    const res = metered(mod, 1_000n, fn);
    if (!(res.error instanceof OutOfFuel)) return `${what}: ${res.error}`;
  }
  return metered(r, BUDGET, () => r.down(100)).consumed === 704n ? null : 'down(100) is not 7n + 4';
});

const sw = instantiate('switch.fuel.wasm');

check('dispatch loop: each iteration pays for the handler it runs', () => {
  const n = 1000;
  const want = [4n + 14n * BigInt(n), 4n + 18n * BigInt(n)];
  for (const which of [0, 1]) {
    const r = metered(sw, BUDGET, () => sw.run(n, which));
    if (r.error || r.consumed !== want[which])
      return `run(${n}, ${which}) consumed ${r.consumed}, want ${want[which]}`;
  }
  return null;
});

check('dispatch loop: result unchanged by instrumentation', () => {
  const plain = instantiate('switch.wasm');
  let got;
  metered(sw, BUDGET, () => { got = sw.run(50, 1); });
  return got === plain.run(50, 1) ? null : `got ${got}, want ${plain.run(50, 1)}`;
});

check('deep recursion without loops runs out of fuel', () => {
  const r = metered(rec, 10_000n, () => rec.down(1_000_000_000));
  return r.error instanceof OutOfFuel ? null : `got ${r.error}`;
});

check('infinite recursion runs out of fuel before the stack does', () => {
  const r = metered(rec, 1_000n, () => rec.forever());
  return r.error instanceof OutOfFuel ? null : `got ${r.error}`;
});

const od = instantiate('overdraft.fuel.wasm');

check('if arms subtract without testing: exact costs 3 and 9', () => {
  for (const [x, want] of [[0, 3n], [1, 9n]]) {
    const r = metered(od, BUDGET, () => od.arm(x));
    if (r.error || r.consumed !== want) return `arm(${x}) consumed ${r.consumed}, want ${want}`;
  }
  return null;
});

check('an untested overdraft is caught when the export returns', () => {
  // 3 units pass the entry test; the then arm (6 more) overdraws by 1.
  const ok = metered(od, 9n, () => od.arm(1));
  const short = metered(od, 8n, () => od.arm(1));
  if (ok.error || ok.consumed !== 9n) return `exact budget: ${ok.error}, consumed ${ok.consumed}`;
  if (!(short.error instanceof OutOfFuel)) return `budget-1: ${short.error}`;
  return short.consumed === 9n ? null : `budget-1 consumed ${short.consumed}, want 9 (the whole arm)`;
});

check('a leaf tests only when its export returns', () => {
  // arm calls nothing, so its entry (2) only subtracts: with budget 1 the
  // else arm (1) still runs, and the wrapper stops it with 3 consumed
  const r = metered(od, 1n, () => od.arm(0));
  if (!(r.error instanceof OutOfFuel)) return `got ${r.error}`;
  return r.consumed === 3n ? null : `consumed ${r.consumed}, want 3 (the whole leaf)`;
});

check('an overdraft in a callee is caught by the caller export', () => {
  const ok = metered(od, 12n, () => od.outer());
  const short = metered(od, 11n, () => od.outer());
  if (ok.error || ok.consumed !== 12n) return `exact budget: ${ok.error}, consumed ${ok.consumed}`;
  return short.error instanceof OutOfFuel ? null : `budget-1: ${short.error}`;
});

const traps = instantiate('traps.fuel.wasm');

check('a trap keeps the charges before it: crash(1000) 8006, stray(1000) 8007', () => {
  // entry 3 (+1 for stray's load) + count's loop: header 3 * 1001 + body 5 * 1000
  for (const [fn, want, kind] of [['crash', 8006n, 'unreachable'], ['stray', 8007n, 'out of bounds']]) {
    const r = metered(traps, BUDGET, () => traps[fn](1000));
    if (!(r.error instanceof WebAssembly.RuntimeError) || !r.error.message.includes(kind))
      return `${fn}: got ${r.error}`;
    if (r.consumed !== want) return `${fn}(1000) consumed ${r.consumed}, want ${want}`;
  }
  return null;
});

check('call_indirect: entries 1 and 3 run in this instance, 0, 2, 4, 5 and -1 trap after 3', () => {
  // call_at's region: the constant, the index and the call, 3; a callee's, 3
  for (const [i, want] of [[1, 107], [3, 700]]) {
    let got;
    const r = metered(traps, BUDGET, () => { got = traps.call_at(i); });
    if (r.error || got !== want || r.consumed !== 6n) return `call_at(${i}): ${got}, ${r.error}, ${r.consumed}`;
  }
  for (const i of [0, 2, 4, 5, -1]) {
    const r = metered(traps, BUDGET, () => traps.call_at(i));
    if (!(r.error instanceof WebAssembly.RuntimeError) || r.consumed !== 3n)
      return `call_at(${i}): ${r.error}, consumed ${r.consumed}`;
  }
  return null;
});

const imp = new WebAssembly.Global({ value: 'i32', mutable: true }, 42);
const glob = instantiate('globals.fuel.wasm', { env: { imp } });
const f32bits = (x) => BigInt(new Uint32Array(new Float32Array([x]).buffer)[0]);
const f64bits = (x) => new BigInt64Array(new Float64Array([x]).buffer)[0];

check('globals: count covers every mutable global, not fuel or immutables', () => {
  const n = glob.lsb_globals_count();
  return n === 5 ? null : `count ${n}, want 5`;
});

check('globals: initial values in module order (floats as bits, i32 zero-extended)', () => {
  const want = [42n, 0xfffffff0n, -5n, f32bits(1.5), f64bits(-2.25)];
  const got = want.map((_, i) => glob.lsb_global_get(i));
  return got.every((v, i) => v === want[i]) ? null : `got ${got}`;
});

check('globals: set/get round-trip incl. non-exported and imported', () => {
  glob.lsb_fuel_set(BUDGET); // the get_* helpers below are metered guest code
  glob.lsb_global_set(0, 77n);
  glob.lsb_global_set(1, 4096n);
  glob.lsb_global_set(2, -(2n ** 62n));
  glob.lsb_global_set(3, f32bits(3.5));
  glob.lsb_global_set(4, f64bits(1e300));
  if (imp.value !== 77) return `imported ${imp.value}`;
  if (glob.get_sp() !== 4096) return `sp ${glob.get_sp()}`;
  if (glob.big.value !== -(2n ** 62n)) return `big ${glob.big.value}`;
  if (glob.get_f() !== 3.5) return `f ${glob.get_f()}`;
  if (glob.get_d() !== 1e300) return `d ${glob.get_d()}`;
  if (glob.lsb_global_get(1) !== 4096n) return 'get after set';
  return glob.get_const() === 7 ? null : 'immutable changed';
});

check('globals: snapshot and restore of all globals', () => {
  const n = glob.lsb_globals_count();
  const snap = Array.from({ length: n }, (_, i) => glob.lsb_global_get(i));
  for (let i = 0; i < n; i++) glob.lsb_global_set(i, 0n);
  snap.forEach((v, i) => glob.lsb_global_set(i, v));
  const again = Array.from({ length: n }, (_, i) => glob.lsb_global_get(i));
  return again.every((v, i) => v === snap[i]) ? null : `restored ${again}`;
});

check('globals: out-of-range get returns 0, set does nothing', () => {
  const before = [0, 1, 2, 3, 4].map((i) => glob.lsb_global_get(i));
  glob.lsb_global_set(5, 123n);
  glob.lsb_global_set(-1, 123n);
  const after = [0, 1, 2, 3, 4].map((i) => glob.lsb_global_get(i));
  if (glob.lsb_global_get(5) !== 0n || glob.lsb_global_get(-1) !== 0n) return 'get not 0';
  return after.every((v, i) => v === before[i]) ? null : 'set changed a global';
});

check('fuel get/set round-trip', () => {
  glob.lsb_fuel_set(-(2n ** 63n));
  const a = glob.lsb_fuel_get();
  glob.lsb_fuel_set(123456789012n);
  return a === -(2n ** 63n) && glob.lsb_fuel_get() === 123456789012n ? null : 'mismatch';
});

check('supported features: same result, repeatable fuel', () => {
  const want = instantiate('features.wasm').run();
  const runs = [1, 2].map(() => {
    const ex = instantiate('features.fuel.wasm');
    let got;
    const r = metered(ex, BUDGET, () => { got = ex.run(); });
    if (r.error) throw r.error;
    return { got, consumed: r.consumed };
  });
  if (runs[0].got !== want || runs[1].got !== want) return `result ${runs[0].got}, want ${want}`;
  return runs[0].consumed === runs[1].consumed && runs[0].consumed > 0n
    ? null : `consumed ${runs[0].consumed} vs ${runs[1].consumed}`;
});
