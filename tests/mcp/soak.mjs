#!/usr/bin/env node
// tests/mcp/soak.mjs BINARY [--seconds N] [--sample N] [--clients N] [--workers N] [--name NAME]
//
// Soak test of `llm-sandbox mcp --http` (issue 14): --clients (50)
// concurrent clients for --seconds (600), each calling execute_code in a
// loop with a mix of Python and JavaScript, one-shots and sessions (every
// fifth client owns one), timeouts, cancels (cancel_execution on the
// client's session), memory bombs and output floods; every result is
// checked against what its kind must give. Every --sample seconds (60) it
// records the server's RSS, fds, threads, descendant processes and open
// sessions, and at the end asserts they stayed flat: the peak of the
// second half is within 1.5x (plus a little slack) of the first half's,
// and once the load stops the counts come back near the warm baseline.
// Prints the samples, exec/s and p50/p95/p99 latency, then
// "NAME: N passed, M failed" (NAME is soak by default; CI runs
// `--seconds 60 --sample 10 --name soak-short`). Node 20, no npm packages.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  bad, check, commandLine, mcpCall, metricsText, percentile, sleep, snapshot, startServer, stopServer, tally,
} from './harness.mjs';

const { args, BIN, opt } = commandLine();
const SECONDS = Number(opt('seconds', 600));
const SAMPLE_S = Number(opt('sample', 60));
const CLIENTS = Number(opt('clients', 50));
const WORKERS = Number(opt('workers', 2));
const NAME = opt('name', 'soak');
const TOKEN = 'soak-test-token';

if (!args[0] || !fs.existsSync(BIN)) {
  console.error('usage: soak.mjs BINARY [--seconds N] [--sample N] [--clients N] [--workers N] [--name NAME]');
  process.exit(64);
}

// ---- the mix ------------------------------------------------------------------

// Each kind: the execute_code arguments for client c's k-th call, and a
// check of the result object (true, or why not).
const text = (r) => r.content?.[0]?.text ?? '';
const out = (r) => r.structuredContent?.stdout ?? '';
const KINDS = {
  python: {
    args: (c, k) => ({ language: 'python', code: `print('café ☕', ${c} * ${k})` }),
    want: (r, c, k) => !r.isError && out(r) === `café ☕ ${c * k}\n`,
  },
  javascript: {
    args: (c, k) => ({ language: 'javascript', code: `console.log('日本', ${c} + ${k})` }),
    want: (r, c, k) => !r.isError && out(r) === `日本 ${c + k}\n`,
  },
  session: { // the client's own session: its counter grows by one per call
    args: (c, k, s) => ({
      session_id: s.id,
      code: s.lang === 'python' ? 'n = globals().get("n", 0) + 1\nprint("n", n)'
        : 'globalThis.n = (globalThis.n || 0) + 1; console.log("n", n)',
    }),
    want: (r, c, k, s) => !r.isError && out(r) === `n ${++s.n}\n`,
  },
  timeout: {
    args: (c) => ({ language: c % 2 ? 'javascript' : 'python', timeout: 1, code: c % 2 ? 'for (;;) {}' : 'while True: pass' }),
    want: (r) => r.isError === true && /time/i.test(text(r)),
  },
  memory: {
    args: (c) => (c % 2 ? { language: 'javascript', code: 'const a = []; for (;;) a.push(new ArrayBuffer(1 << 24));' }
      : { language: 'python', code: 'x = bytearray(3 * 1024 ** 3)' }),
    want: (r) => r.isError === true && /memory|RangeError|allocat/i.test(text(r)),
  },
  flood: {
    args: (c) => (c % 2 ? { language: 'javascript', code: "for (let i = 0; i < 30000; i++) console.log('flood ☕', i)" }
      : { language: 'python', code: "for i in range(30000): print('flood ☕', i)" }),
    want: (r) => r.isError === false && r.structuredContent?.output_truncated === true,
  },
};
const CYCLE = ['python', 'javascript', 'session', 'python', 'javascript', 'session', 'python', 'javascript',
  'timeout', 'python', 'javascript', 'session', 'memory', 'python', 'javascript', 'flood', 'python',
  'javascript', 'session', 'cancel'];
const QUICK = new Set(['python', 'javascript', 'session']);

// ---- the clients ----------------------------------------------------------------

const stats = { calls: 0, latencies: [], quick: [], unexpected: [], byKind: {} };
let nextId = 1;

function record(kind, ms, good, why) {
  stats.calls++;
  stats.latencies.push(ms);
  if (QUICK.has(kind)) stats.quick.push(ms);
  const k = (stats.byKind[kind] ??= { calls: 0, bad: 0 });
  k.calls++;
  if (!good) { k.bad++; if (stats.unexpected.length < 20) stats.unexpected.push(`${kind}: ${why}`); }
}

// A long run on the session, cancelled with cancel_execution (retried
// until the run is there to cancel): the run must end as cancelled.
async function cancelCall(server, s) {
  const code = s.lang === 'python' ? 'while True: pass' : 'for (;;) {}';
  const run = mcpCall(server, nextId++, 'execute_code', { session_id: s.id, code, timeout: 60 });
  let done = false;
  run.finally(() => { done = true; });
  for (let i = 0; i < 200 && !done; i++) {
    await sleep(250);
    if (!done) await mcpCall(server, nextId++, 'cancel_execution', { session_id: s.id });
  }
  const { result, error } = await run;
  if (error !== undefined) return [false, error];
  return [result.isError === true && /cancel/i.test(text(result)), text(result).slice(0, 200)];
}

async function client(server, c, session, until) {
  for (let k = 0; performance.now() < until; k++) {
    let kind = CYCLE[(k + c) % CYCLE.length];
    if ((kind === 'session' || kind === 'cancel') && session === null) kind = c % 2 ? 'javascript' : 'python';
    const t0 = performance.now();
    let good, why;
    try {
      if (kind === 'cancel') {
        [good, why] = await cancelCall(server, session);
      } else {
        const { result, error } = await mcpCall(server, nextId++, 'execute_code', KINDS[kind].args(c, k, session));
        good = error === undefined && KINDS[kind].want(result, c, k, session);
        why = error ?? JSON.stringify(result).slice(0, 300);
      }
    } catch (e) { good = false; why = String(e); }
    record(kind, performance.now() - t0, good, why);
  }
}

// ---- sampling -------------------------------------------------------------------

const gauge = (m, name) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(m)?.[1] ?? NaN);

async function sample(server, t0, prevCalls) {
  const s = snapshot(server.child.pid);
  const m = await metricsText(server);
  return {
    t: Math.round((performance.now() - t0) / 1000), rssMiB: +(s.rss / 1024).toFixed(1), fds: s.fds,
    threads: s.threads, procs: s.procs, sessions: gauge(m, 'lsb_sessions'), live: gauge(m, 'lsb_live_sessions'),
    calls: stats.calls, perS: +((stats.calls - prevCalls) / SAMPLE_S).toFixed(1),
  };
}

const showSample = (s) => `     t=${String(s.t).padStart(4)} s  RSS ${String(s.rssMiB).padStart(6)} MiB  fds ${String(s.fds).padStart(4)}  ` +
  `threads ${String(s.threads).padStart(3)}  procs ${String(s.procs).padStart(3)}  sessions ${s.sessions} (live ${s.live})  ` +
  `calls ${s.calls} (${s.perS}/s)`;

// The peak of the second half of samples against the first half's.
function flat(samples, key, slack) {
  const body = samples.slice(1); // the first is taken as the load ramps up
  const half = Math.ceil(body.length / 2);
  const early = Math.max(...body.slice(0, half).map((s) => s[key]));
  const late = Math.max(...body.slice(half).map((s) => s[key]));
  check(`${key} stays flat: late peak ${late} <= 1.5 x early peak ${early} + ${slack}`,
    late <= early * 1.5 + slack, samples.map((s) => s[key]).join(' '));
}

// ---- main -------------------------------------------------------------------------

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lsb-soak-'));
  let server = null;
  try {
    server = await startServer({
      bin: BIN, tmp, workers: WORKERS, token: TOKEN,
      extra: ['--fuel', '1000000000000', '--max-sessions', String(CLIENTS + 10), '--max-output-chars', '20000', '--max-outputs-size', '32MiB'],
    });
    const sessions = [];
    for (let c = 0; c < CLIENTS; c++) {
      if (c % 5 !== 0) { sessions.push(null); continue; }
      const lang = (c / 5) % 2 ? 'javascript' : 'python';
      const { result, error } = await mcpCall(server, nextId++, 'create_session', { language: lang, auto_persist_globals: lang === 'python' });
      if (error !== undefined || result.isError) throw new Error(`create_session: ${error ?? text(result)}`);
      sessions.push({ id: result.structuredContent.session_id, lang, n: 0 });
    }
    const t0 = performance.now();
    const until = t0 + SECONDS * 1000;
    const samples = [];
    let prev = 0;
    const load = Promise.all(sessions.map((s, c) => client(server, c, s, until)));
    while (performance.now() < until) {
      await Promise.race([sleep(SAMPLE_S * 1000), load]);
      const s = await sample(server, t0, prev);
      prev = s.calls;
      samples.push(s);
      console.log(showSample(s));
    }
    await load;
    const seconds = (performance.now() - t0) / 1000;
    const all = [...stats.latencies].sort((a, b) => a - b), quick = [...stats.quick].sort((a, b) => a - b);
    const pct = (v) => `p50 ${percentile(v, 50).toFixed(0)} ms, p95 ${percentile(v, 95).toFixed(0)} ms, p99 ${percentile(v, 99).toFixed(0)} ms`;
    console.log(`     ${stats.calls} calls by ${CLIENTS} clients in ${seconds.toFixed(0)} s: ${(stats.calls / seconds).toFixed(1)} exec/s`);
    console.log(`     every call: ${pct(all)}; quick calls (one-shot and session prints): ${pct(quick)}`);
    console.log(`     by kind: ${JSON.stringify(stats.byKind)}`);
    for (const u of stats.unexpected.slice(0, 5)) console.log(`     unexpected: ${u}`);
    check(`every one of ${stats.calls} calls gave what its kind must give`,
      stats.unexpected.length === 0 && stats.calls > 0, `${stats.unexpected.length} unexpected`);
    check('every kind ran', Object.keys(stats.byKind).length === Object.keys(KINDS).length + 1, JSON.stringify(stats.byKind));
    check('the server is alive', server.exited() === null, JSON.stringify(server.exited()));
    if (samples.length >= 3) {
      flat(samples, 'rssMiB', 32);
      flat(samples, 'fds', 32);
      flat(samples, 'threads', 8);
      flat(samples, 'procs', 8);
      flat(samples, 'sessions', 0);
    } else bad('enough samples to judge flatness', `${samples.length} samples`);
    const base = samples[0];
    await sleep(5000); // fetch's idle keep-alive sockets close by then
    const after = snapshot(server.child.pid);
    console.log(`     after the load: RSS ${(after.rss / 1024).toFixed(1)} MiB, ${after.fds} fds, ${after.threads} threads, ${after.procs} processes`);
    check(`processes come back within the sessions' own (${after.procs} <= ${base.procs} + ${sessions.filter(Boolean).length})`,
      after.procs <= base.procs + sessions.filter(Boolean).length, JSON.stringify(after));
    const m = await metricsText(server);
    check('nothing running or queued once the load stops',
      gauge(m, 'lsb_executions_running') === 0 && gauge(m, 'lsb_executions_queued') === 0,
      m.split('\n').filter((l) => l.startsWith('lsb_executions_')).join('; '));
    const outputs = path.join(tmp, 'storage', 'outputs');
    const outBytes = fs.existsSync(outputs) ? fs.readdirSync(outputs).reduce((n, f) => n + fs.statSync(path.join(outputs, f)).size, 0) : 0;
    check(`the outputs folder stays under its cap (${(outBytes / 1048576).toFixed(1)} MiB <= 32 MiB)`, outBytes <= 32 << 20, outBytes);
    const how = await stopServer(server);
    check('server stops on SIGTERM', how !== null && how.code === 0, JSON.stringify(how));
  } finally {
    if (server !== null && server.exited() === null) server.child.kill('SIGKILL');
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main()
  .catch((e) => bad('soak ran to the end', e.stack ?? e))
  .finally(() => {
    console.log(`${NAME}: ${tally.passed} passed, ${tally.failed} failed`);
    process.exitCode = tally.failed === 0 ? 0 : 1;
  });
