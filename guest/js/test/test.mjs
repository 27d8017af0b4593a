// test.mjs - end-to-end tests of the QuickJS guest through run-node.mjs
// (Node's WASI standing in for the C host). Each case runs one program (or
// several, in one instance, like a live session) and checks stdout, stderr
// and the exit status; the number-formatting case compares thousands of
// toFixed/toPrecision/toExponential results with V8. Session cases use a
// temporary /app and a /data/js holding our own modules (guest/js/lib).
//
//   node guest/js/test/test.mjs OUT/quickjs.wasm     (or set QUICKJS_WASM)
//
// Prints "ok"/"not ok" per case and ends with "N passed, N failed"; exits
// non-zero when a case fails.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { cpSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';

const here = dirname(fileURLToPath(import.meta.url));
const RUN_NODE = join(here, 'run-node.mjs');
const wasm = process.argv[2] ?? process.env.QUICKJS_WASM;
if (!wasm) {
  console.error('usage: node test.mjs OUT/quickjs.wasm');
  process.exit(2);
}
const RUN_TIMEOUT_MS = 120000;
const FUZZ_COUNT = 3000;
const FUZZ_SEED = 20210327;

// Runs one program, or each of an array of programs in turn on one
// instance; returns { stdout, stderr, status } with run-node's own
// "[run-node] exit_code" lines removed from stderr.
function run(code, args = []) {
  const codes = (Array.isArray(code) ? code : [code]).flatMap((c) => ['-e', c]);
  const r = spawnSync(process.execPath,
    ['--no-turbo-fast-api-calls', RUN_NODE, '--wasm', wasm, ...args, ...codes],
    { encoding: 'utf8', timeout: RUN_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 });
  const stderr = r.stderr.split('\n').filter((l) => !l.startsWith('[run-node] exit_code=')).join('\n');
  return { stdout: r.stdout, stderr, status: r.status };
}

const cases = [];
const test = (name, fn) => cases.push({ name, fn });

function expect(cond, what, r) {
  if (!cond) {
    const detail = r ? `\n--- stdout\n${r.stdout}--- stderr\n${r.stderr}\n--- status ${r.status}` : '';
    throw new Error(what + detail);
  }
}
const expectOut = (r, stdout, status = 0) => {
  expect(r.stdout === stdout, `stdout should be ${JSON.stringify(stdout)}`, r);
  expect(r.status === status, `status should be ${status}`, r);
};

// ---- basics --------------------------------------------------------------
test('map/join prints 2,4,6', () => {
  expectOut(run('console.log([1,2,3].map(x=>x*2).join(","))'), '2,4,6\n');
});

test('error stack carries the user line numbers', () => {
  const r = run('let a = 1;\nlet b = 2;\nx + 1;\n');
  expect(r.status === 1, 'status 1', r);
  expect(r.stderr.startsWith("ReferenceError: 'x' is not defined\n    at <eval> (main.js:3)\n"), 'stack', r);
  expect(r.stderr.includes('[run-node] report_error type="ReferenceError" message="\'x\' is not defined"'), 'report_error', r);
});

test('nested frames, filename from the request, one-line script', () => {
  const r = run('function g() {\n  // two\n  throw new TypeError("boom");\n}\ng();', ['--filename', 'task.js']);
  expect(r.stderr.startsWith('TypeError: boom\n    at g (task.js:3)\n    at <eval> (task.js:5)\n'), 'stack', r);
  const one = run('null.f');
  expect(one.stderr.startsWith("TypeError: cannot read property 'f' of null\n    at <eval> (main.js:1)\n"), 'one-line', one);
});

test('syntax error names the line', () => {
  const r = run('let ok = 1;\nlet x = ;');
  expect(r.status === 1 && r.stderr.startsWith("SyntaxError: unexpected token in expression: ';'\n    at main.js:2"), 'syntax', r);
});

test('thrown non-Error value', () => {
  const r = run('throw "boom"');
  expect(r.status === 1 && r.stderr.startsWith("Uncaught 'boom'\n"), 'uncaught', r);
});

test('stdout before an error is kept; console.error goes to stderr', () => {
  const r = run('console.log("before"); console.error("warned", {a: 1}); undefinedFn();');
  expect(r.stdout === 'before\n', 'stdout', r);
  expect(r.stderr.startsWith("warned { a: 1 }\nReferenceError: 'undefinedFn' is not defined"), 'stderr', r);
});

test('shebang line, UTF-8 output', () => {
  expectOut(run('#!/usr/bin/env node\nconsole.log("héllo ✓ 😀", [..."😀"].length)'), 'héllo ✓ 😀 1\n');
});

// ---- jobs, timers, exit --------------------------------------------------
test('promise jobs run after the script', () => {
  expectOut(run('Promise.resolve().then(()=>console.log("job")); console.log("sync")'), 'sync\njob\n');
});

test('timers run in due order after microtasks, on a virtual clock', () => {
  const code = `
setTimeout(() => console.log("t20"), 20);
setTimeout(() => console.log("t10"), 10);
(async () => { await null; console.log("async"); await new Promise(r => setTimeout(r, 5)); console.log("slept"); })();
queueMicrotask(() => console.log("micro"));
let k = 0; const iv = setInterval(() => { console.log("tick", ++k); if (k === 2) clearInterval(iv); }, 1);
console.log("sync");`;
  expectOut(run(code), 'sync\nasync\nmicro\ntick 1\ntick 2\nslept\nt10\nt20\n');
});

test('unhandled rejection fails the run; a handled one does not', () => {
  const r = run('async function main() { throw new RangeError("late") }\nmain(); console.log("after")');
  expect(r.status === 1 && r.stdout === 'after\n', 'status', r);
  expect(r.stderr.startsWith('RangeError: late\n    at main (main.js:1)'), 'stack', r);
  expectOut(run('Promise.reject(1).catch(() => console.log("caught"))'), 'caught\n');
});

test('process.exit cannot be caught; exitCode is honoured', () => {
  expectOut(run('try { process.exit(3) } catch (e) { console.log("swallowed") }'), '', 3);
  expectOut(run('console.log("x"); process.exitCode = 4'), 'x\n', 4);
  expectOut(run('Promise.resolve().then(() => process.exit(5)).then(() => console.log("no"))'), '', 5);
  expectOut(run('setTimeout(() => { process.exit(0); console.log("no") }, 1); setTimeout(() => console.log("no2"), 2)'), '', 0);
});

test('process.env and process.argv come from the request', () => {
  const r = run('console.log(process.env.FOO, process.env.X, Object.keys(process.env).length, process.argv[1])',
    ['--env', 'FOO=bar', '--env', 'X=a=b', '--filename', 'job.js']);
  expectOut(r, 'bar a=b 2 job.js\n');
});

test('working directory is /app', () => {
  expectOut(run('console.log(process.cwd())'), '/app\n');
});

// ---- formatting ----------------------------------------------------------
test('console.log formats values like Node', () => {
  const code = `console.log({a:1,b:"x",c:[1,2,{d:new Map([[1,2]])}]}, [1,2,3], new Set([1]), null, undefined, 1n, Symbol("s"));
console.log(function foo(){}, class A{}, new Date(0), /x/g, -0, [ , 1], Object.create(null), {"a-b": 1});
console.log("%s is %d%%", "Bob", 42, "extra");
console.log([1,2,3,4,5,6,7]);`;
  expectOut(run(code),
    "{ a: 1, b: 'x', c: [ 1, 2, { d: [Map] } ] } [ 1, 2, 3 ] Set(1) { 1 } null undefined 1n Symbol(s)\n" +
    "[Function: foo] [class A] 1970-01-01T00:00:00.000Z /x/g -0 [ <1 empty item>, 1 ] [Object: null prototype] {} { 'a-b': 1 }\n" +
    'Bob is 42% extra\n' +
    '[\n  1, 2, 3, 4,\n  5, 6, 7\n]\n');
});

test('JSON, RegExp, Date, BigInt', () => {
  const code = `console.log(JSON.stringify({a:[1,{b:2}],c:"é"}), JSON.parse("[1,2]")[1]);
console.log("2024-01-15".match(/(\\d+)-(\\d+)-(\\d+)/).slice(1).join("/"), /(?<y>\\d{4})/.exec("in 1999").groups.y);
console.log(new Date(Date.UTC(2020, 1, 29)).toISOString(), new Date("2020-01-01T00:00:00Z").getTime(), typeof Date.now());
console.log(2n ** 64n, (255).toString(16), 0.1 + 0.2);`;
  expectOut(run(code), '{"a":[1,{"b":2}],"c":"é"} 2\n2024/01/15 1999\n' +
    '2020-02-29T00:00:00.000Z 1577836800000 number\n18446744073709551616n ff 0.30000000000000004\n');
});

// ---- numbers -------------------------------------------------------------
test('toFixed/toPrecision/toExponential round ties away from zero, on the exact value', () => {
  const code = `console.log([(2.5).toFixed(0), (1.005).toFixed(2), (0.5).toFixed(0), (-2.5).toFixed(0),
  (1.45).toFixed(1), (1.25).toFixed(1), (-0.0001).toFixed(2), (1e21).toFixed(2), (123.456).toFixed(10),
  (2.5).toPrecision(1), (25).toPrecision(1), (999.99).toPrecision(3), (0).toPrecision(3),
  (2.5).toExponential(0), (1.45).toExponential(1), (12345).toExponential(2)].join(" "))`;
  expectOut(run(code), '3 1.00 1 -3 1.4 1.3 -0.00 1e+21 123.4560000000 3 3e+1 1.00e+3 0.00 3e+0 1.4e+0 1.23e+4\n');
});

// Deterministic PRNG (xorshift32) so a failure can be replayed.
function makeRandom(seed) {
  let s = seed >>> 0;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s / 2 ** 32;
  };
}

test(`${FUZZ_COUNT} random doubles format exactly as V8 formats them`, () => {
  const rnd = makeRandom(FUZZ_SEED);
  const bits = new BigUint64Array(FUZZ_COUNT);
  const view = new Float64Array(bits.buffer);
  const digits = [];
  for (let i = 0; i < FUZZ_COUNT; i++) {
    const kind = i % 4;
    let x;
    if (kind === 0) { // any finite double
      do {
        bits[i] = (BigInt(Math.floor(rnd() * 2 ** 32)) << 32n) | BigInt(Math.floor(rnd() * 2 ** 32));
        x = view[i];
      } while (!Number.isFinite(x));
    } else if (kind === 1) { // exact binary fractions: real ties
      x = Math.floor(rnd() * 2 ** 20) / 2 ** Math.floor(rnd() * 12);
    } else if (kind === 2) { // short decimals: near-ties like 1.005
      x = Number((rnd() * 1000).toFixed(Math.floor(rnd() * 6)) + '5');
    } else { // wide magnitudes
      x = (rnd() - 0.5) * 10 ** Math.floor(rnd() * 44 - 22);
    }
    if (rnd() < 0.5) x = -x;
    view[i] = x;
    digits.push([Math.floor(rnd() * 21), 1 + Math.floor(rnd() * 21), Math.floor(rnd() * 21)]);
  }
  const expected = [];
  for (let i = 0; i < FUZZ_COUNT; i++) {
    const x = view[i];
    const [f, p, e] = digits[i];
    expected.push(`${x.toFixed(f)} ${x.toPrecision(p)} ${x.toExponential(e)} ${x.toExponential()} ${String(x)}`);
  }
  const code = `const bits = new BigUint64Array([${Array.from(bits, (b) => b + 'n').join(',')}]);
const xs = new Float64Array(bits.buffer);
const ds = ${JSON.stringify(digits)};
const out = [];
for (let i = 0; i < xs.length; i++) {
  const x = xs[i], [f, p, e] = ds[i];
  out.push(x.toFixed(f) + " " + x.toPrecision(p) + " " + x.toExponential(e) + " " + x.toExponential() + " " + String(x));
}
print(out.join("\\n"));`;
  const r = run(code);
  expect(r.status === 0, 'status 0', r);
  const got = r.stdout.split('\n');
  const bad = [];
  for (let i = 0; i < FUZZ_COUNT; i++) {
    if (got[i] !== expected[i]) bad.push(`x=${view[i]} digits=${digits[i]}: got ${got[i]}, V8 ${expected[i]}`);
  }
  expect(bad.length === 0, `${bad.length} mismatches, first: ${bad.slice(0, 5).join('\n')}`);
});

// ---- limits --------------------------------------------------------------
test('new ArrayBuffer(2**31) fails cleanly', () => {
  const r = run('new ArrayBuffer(2**31)');
  expect(r.status === 1 && r.stderr.startsWith('RangeError: invalid array buffer length'), 'RangeError', r);
});

test('allocations beyond the memory cap raise "out of memory"', () => {
  const progs = ['new ArrayBuffer(2**30)', 'let s = "x"; while (true) s += s;',
    'let a = []; while (true) a.push({ x: a.length })'];
  for (const p of progs) {
    const r = run(p);
    expect(r.status === 1 && r.stderr.startsWith('InternalError: out of memory'), p, r);
    expect(r.stderr.includes('report_error type="InternalError" message="out of memory"'), 'report', r);
  }
  expectOut(run('try { new ArrayBuffer(2**30) } catch (e) { console.log("caught", e.message) } console.log("alive")'),
    'caught out of memory\nalive\n');
});

test('after an out-of-memory run the next run of the session works', () => {
  const r = run('if (!globalThis.once) { globalThis.once = 1; const a = []; while (true) a.push("y".repeat(1000) + a.length) } else console.log("fine")',
    ['--runs', '2']);
  expectOut(r, 'fine\n');
});

test('unbounded recursion is a catchable stack overflow, not a trap', () => {
  const r = run('let n = 0; function f() { n++; return f(); }\ntry { f() } catch (e) { console.log(e.name, e.message, n > 1000) }\nf()');
  expect(r.stdout === 'InternalError stack overflow true\n', 'caught', r);
  expect(r.status === 1, 'status', r);
  expect(r.stderr.startsWith('InternalError: stack overflow\n    at f (main.js:1)\n    at f (main.js:1)\n    at f (main.js:1)\n' +
                             '    [previous line repeated '), 'folded stack', r);
  expect(!r.stderr.includes('trap'), 'no trap', r);
});

// ---- snapshot and sessions -----------------------------------------------
test('Math.random is reseeded in every instance restored from the snapshot', () => {
  const r = run('console.log(Math.random())', ['--snapshot', '--runs', '3']);
  const values = r.stdout.trim().split('\n');
  expect(r.status === 0 && values.length === 3, '3 runs', r);
  expect(new Set(values).size === 3, `values differ: ${values}`, r);
});

test('a live session keeps globals between runs', () => {
  expectOut(run('globalThis.n = (globalThis.n || 0) + 1; console.log(n)', ['--runs', '3']), '1\n2\n3\n');
});

// ---- REPL-style declarations (patches/0002) ------------------------------
test('top-level let/const/class/function can be declared again in a later run', () => {
  const cell = 'let x = 1; const c = 2; class K { v() { return 3 } } function f() { return x + c }\n' +
               'var v = 4; console.log(x, c, new K().v(), f(), v)';
  expectOut(run([cell, cell, 'x = 10; console.log(f(), globalThis.c, Object.keys(globalThis).join())']),
    '1 2 3 3 4\n1 2 3 3 4\n12 2 x,c,K,f,v\n');
});

test('a const stays read-only; names may change kind between runs', () => {
  expectOut(run(['const k = 1; try { k = 2 } catch (e) { console.log(e.name, e.message) } console.log(k)',
                 'let k = 5; k++; console.log(k)', 'var k; console.log(k); const k2 = [k]; function k3() {}',
                 'const k3 = 7; console.log(k2, k3)']),
    "TypeError 'k' is read-only\n1\n6\n6\n[ 6 ] 7\n");
});

test('block and function scopes are unchanged; one script cannot declare twice', () => {
  expectOut(run(['{ let inner = 1 } for (let i = 0; i < 2; i++) {} (function () { let local = 2 })();\n' +
                 'console.log(typeof inner, typeof i, typeof local)']), 'undefined undefined undefined\n');
  const r = run('let twice = 1;\nlet twice = 2;');
  expect(r.status === 1 && r.stderr.startsWith('SyntaxError: invalid redefinition of lexical identifier'), 'same-script redeclaration', r);
  const fixed = run('let NaN = 1');
  expect(fixed.status === 1 && fixed.stderr.startsWith("SyntaxError: redeclaration of 'NaN'"), 'fixed globals', fixed);
});

// ---- sessions: run options, durable globals, scratch --------------------
const tempDirs = [];
function tempDir(tag) {
  const d = mkdtempSync(join(tmpdir(), `lsb-js-test-${tag}-`));
  tempDirs.push(d);
  return d;
}
const STATE = '/app/.lsb/state.json';
const stateOpt = ['--option', `state_file=${STATE}`];
const warnings = (r) => r.stderr.split('\n').filter((l) => l.startsWith('[run-node] emit kind=1 '))
  .map((l) => JSON.parse(l.slice(l.indexOf('text=') + 5)));

test('after a successful run the persistable globals are saved as JSON', () => {
  const app = tempDir('app');
  const r = run(['let n = 1; const s = "hi"; var list = [1, {b: 2}]; globalThis.g = {d: new Date(0)};\n' +
                 'function f() {} class C {} let big = 10n; let m = new Map(); let cyc = {}; cyc.self = cyc;\n' +
                 'let u; let nan = NaN; let sym = Symbol("s"); let when = new Date(0); let obj = Object.create(null); obj.k = 1;',
                 'n += 1'], ['--app', app, ...stateOpt]);
  expectOut(r, '');
  const saved = readFileSync(join(app, '.lsb', 'state.json'), 'utf8');
  expect(saved === '{"_state":{},"n":2,"s":"hi","list":[1,{"b":2}],"obj":{"k":1},"g":{"d":"1970-01-01T00:00:00.000Z"}}', `saved ${saved}`);
  expect(!existsSync(join(app, '.lsb', 'state.json.tmp')), 'no temp file left');
  const failed = run('n = 99; throw new Error("no")', ['--app', app, ...stateOpt]);
  expect(failed.status === 1 && readFileSync(join(app, '.lsb', 'state.json'), 'utf8') === saved, 'a failed run persists nothing', failed);
});

test('restore=1 loads the state file before the code runs', () => {
  const app = tempDir('app');
  mkdirSync(join(app, '.lsb'));
  writeFileSync(join(app, '.lsb', 'state.json'), '{"n":2,"list":[1,2],"console":"not mine","__proto__":{"x":1}}');
  expectOut(run(['console.log(n, list, typeof console.log, globalThis.x); let n = 3;', 'console.log(n)'],
                ['--app', app, '--restore', ...stateOpt]), '2 [ 1, 2 ] function undefined\n3\n');
  expect(readFileSync(join(app, '.lsb', 'state.json'), 'utf8').startsWith('{"n":3,'), 'saved again');
});

test('a corrupt, non-object or oversized state file is one warning and a fresh session', () => {
  const cases = [['{bad', /could not be read \(SyntaxError: .*\); the session starts with fresh state$/],
                 ['[1, 2]', /holds a JSON array, not an object; the session starts with fresh state$/],
                 ['{"n": "' + 'x'.repeat(200) + '"}', /is 209 bytes, over the 100-byte limit; the session starts with fresh state$/]];
  for (const [content, message] of cases) {
    const app = tempDir('app');
    mkdirSync(join(app, '.lsb'));
    writeFileSync(join(app, '.lsb', 'state.json'), content);
    const r = run('console.log(typeof n)', ['--app', app, '--restore', ...stateOpt, '--option', 'state_max=100']);
    expectOut(r, 'undefined\n');
    const w = warnings(r);
    expect(w.length === 1 && message.test(w[0]) && w[0].includes(STATE), `one warning matching ${message}, got ${JSON.stringify(w)}`, r);
  }
});

test('globals over state_max are not saved, with a warning', () => {
  const app = tempDir('app');
  const r = run('let big = "y".repeat(500)', ['--app', app, ...stateOpt, '--option', 'state_max=100']);
  expect(r.status === 0 && !existsSync(join(app, '.lsb', 'state.json')), 'nothing written', r);
  const w = warnings(r);
  expect(w.length === 1 && /the globals need 522 bytes of JSON, over the 100-byte state limit/.test(w[0]), 'warning', r);
});

test('_state: {} before the first run with a state file, kept across live runs and restores', () => {
  const app = tempDir('app');
  const bump = '_state.counter = (_state.counter || 0) + 1; _state.word = "café ☕ 日本"; console.log(_state.counter)';
  expectOut(run([bump, bump, bump], ['--app', app, ...stateOpt]), '1\n2\n3\n');
  expect(JSON.parse(readFileSync(join(app, '.lsb', 'state.json'), 'utf8'))._state.counter === 3, 'saved 3');
  expectOut(run(bump, ['--app', app, '--restore', ...stateOpt]), '4\n');
  expectOut(run('console.log(typeof _state)'), 'undefined\n');
  expectOut(run('_state = 1; throw new Error("no")', ['--app', app, '--restore', ...stateOpt]), '', 1);
  expectOut(run('console.log(_state.counter, _state.word)', ['--app', app, '--restore', ...stateOpt]), '4 café ☕ 日本\n');
});

test('scratch=1 leaves no globals behind and persists nothing', () => {
  const app = tempDir('app');
  const r = run(['let a = 1; var b = 2; globalThis.c = 3; function d() {} console.log(a + b + c)',
                 'console.log(typeof a, typeof b, typeof c, typeof d)'],
                ['--app', app, ...stateOpt, '--option', 'scratch=1']);
  expectOut(r, '6\nundefined undefined undefined undefined\n');
  expect(!existsSync(join(app, '.lsb')), 'nothing persisted', r);
});

test('lsb_init fails clearly without a prelude from the host', () => {
  const empty = join(tempDir('prelude'), 'empty.js');
  writeFileSync(empty, '');
  const r = run('1', ['--prelude', empty]);
  expect(r.status === 3 && r.stderr.includes('the host sent no prelude source'), 'init failure', r);
});

// ---- file helpers and require() -------------------------------------------
const dataDir = tempDir('data');
cpSync(join(here, '..', 'lib'), join(dataDir, 'js'), { recursive: true });

test('file helpers read and write under /app; /data is read-only', () => {
  const app = tempDir('app');
  const code = `writeJson('d/x.json', {a: [1, 2]}); writeLines('l.txt', ['p', 'q']); appendText('l.txt', '\\nr\\n');
writeBytes('b.bin', [0, 255, 7]); copyFile('b.bin', 'd');
console.log(readJson('/app/d/x.json').a[1], readLines('l.txt').join(), fileSize('d/b.bin'), fileSize('none'), fileExists('d'));
console.log(listFiles('.', {recursive: true}).join());
try { writeText('/data/js/x', 'no') } catch (e) { console.log(e.code, e.message) }
try { readText('nope.txt') } catch (e) { console.log(e.message) }`;
  expectOut(run(code, ['--app', app, '--data', dataDir]),
    '2 p,q,r, 3 null true\nb.bin,d,d/b.bin,d/x.json,l.txt\n' +
    "EROFS Cannot write file: /data/js/x (EROFS: read-only file system, writeText '/data/js/x': /data is read-only: write under /app)\n" +
    "File not found: nope.txt (ENOENT: no such file or directory, open '/app/nope.txt')\n");
  expect(readFileSync(join(app, 'd', 'b.bin')).equals(Buffer.from([0, 255, 7])), 'binary copy');
});

test('require() loads /data/js modules, relative files and JSON; errors name the module', () => {
  const app = tempDir('app');
  writeFileSync(join(app, 'helper.js'), 'const cfg = require("./cfg.json"); module.exports = { twice: (x) => 2 * x, cfg, file: __filename };');
  writeFileSync(join(app, 'cfg.json'), '{"k": 1}');
  const code = `const csv = require('csv-simple'); const h = require('./helper');
console.log(JSON.stringify(csv.parse('a,b\\n1,"x, ""y"""\\n', {header: true})), h.twice(21), h.cfg.k, h.file, require('./helper') === h);
console.log(require('string-utils').kebabCase('helloWorld'), requireVendor('json-utils').get({a: [{b: 5}]}, 'a[0].b'));
for (const name of ['fs', 'node:path', 'no-such-module']) {
  try { require(name) } catch (e) { console.log(e.code, e.message.split('\\n')[0].slice(0, 60)) }
}`;
  expectOut(run(code, ['--app', app, '--data', dataDir]),
    '[{"a":"1","b":"x, \\"y\\""}] 42 1 /app/helper.js true\nhello-world 5\n' +
    "MODULE_NOT_FOUND Cannot find module 'fs': Node.js built-in modules do not exi\n" +
    "MODULE_NOT_FOUND Cannot find module 'node:path': Node.js built-in modules do \n" +
    "MODULE_NOT_FOUND Cannot find module 'no-such-module'\n");
});

let passed = 0;
let failed = 0;
for (const c of cases) {
  const t0 = Date.now();
  try {
    c.fn();
    passed++;
    console.log(`ok - ${c.name} (${Date.now() - t0} ms)`);
  } catch (e) {
    failed++;
    console.log(`not ok - ${c.name}\n  ${String(e.message).split('\n').join('\n  ')}`);
  }
}
for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
