#!/usr/bin/env node
// tests/mcp/load.mjs BINARY [--clients N] [--calls N] [--workers N] [--mode mcp|cli] [--json]
//
// Load test of `llm-sandbox mcp --http`: N concurrent clients each make
// --calls execute_code calls one after another (2/3 Python `print(i*i)`,
// 1/3 JavaScript), as stateless 2026-07-28 requests over plain fetch, and
// every result's stdout is checked. Before and after, the server's
// descendant processes and open fds are counted: once the load is over
// they must come back to what they were after a warm-up (the zygotes and
// the pools stay; nothing per call may leak). Prints throughput and
// p50/p95 latency, then "mcp-load: N passed, M failed".
//
// --mode cli runs the same mix through `BINARY run` processes instead (no
// server; for bench/mcp_bench.sh). --json adds one summary line
// `{"mode":..,"calls":..,"seconds":..,"per_s":..,"p50_ms":..,"p95_ms":..}`.
// Node 20, no npm packages.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const args = process.argv.slice(2);
const BIN = path.resolve(args[0] ?? '');
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const CLIENTS = Number(opt('clients', 20));
const CALLS = Number(opt('calls', 200));
const WORKERS = Number(opt('workers', 2));
const MODE = opt('mode', 'mcp');
const JSON_OUT = args.includes('--json');
const TOKEN = 'load-test-token';
const SETTLE_MS = 20000; // how long the counts may take to come back
const IDLE_CLOSE_MS = 5000; // fetch (undici) closes idle keep-alive sockets after 4 s

if (!args[0] || !fs.existsSync(BIN)) {
  console.error('usage: load.mjs BINARY [--clients N] [--calls N] [--workers N] [--mode mcp|cli] [--json]');
  process.exit(64);
}

let passed = 0, failed = 0;
const ok = (name) => { passed++; console.log(`ok   ${name}`); };
const bad = (name, why) => { failed++; console.log(`FAIL ${name}`); console.log(`     ${String(why).slice(0, 600)}`); };
const check = (name, cond, why) => (cond ? ok(name) : bad(name, why));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The call a client makes as its k-th: language, code, expected stdout.
function workItem(client, k) {
  const i = client * 1000 + k;
  if (k % 3 === 2) return { lang: 'javascript', code: `const i = ${i}; console.log(i * i)`, want: `${i * i}\n` };
  return { lang: 'python', code: `i = ${i}\nprint(i*i)`, want: `${i * i}\n` };
}

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.round((p / 100) * (sorted.length - 1))))];
}

// ---- process accounting (/proc) -------------------------------------------

// pid -> ppid of every process.
function processTable() {
  const table = new Map();
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // state ppid ...
      table.set(Number(d), Number(rest[1]));
    } catch { /* gone */ }
  }
  return table;
}

// Every descendant of pid.
function descendants(pid) {
  const table = processTable(), out = [];
  const children = new Map();
  for (const [p, pp] of table) {
    if (!children.has(pp)) children.set(pp, []);
    children.get(pp).push(p);
  }
  const queue = [pid];
  while (queue.length) {
    for (const c of children.get(queue.shift()) ?? []) { out.push(c); queue.push(c); }
  }
  return out;
}

const fdCount = (pid) => { try { return fs.readdirSync(`/proc/${pid}/fd`).length; } catch { return -1; } };
const rssKiB = (pid) => {
  try { return Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))[1]); } catch { return -1; }
};
const snapshot = (pid) => {
  const kids = descendants(pid);
  return { procs: kids.length, fds: fdCount(pid), kidFds: kids.reduce((n, k) => n + Math.max(0, fdCount(k)), 0), rss: rssKiB(pid) };
};
const show = (s) => `${s.procs} descendants, ${s.fds} fds (descendants' fds ${s.kidFds}), RSS ${(s.rss / 1024).toFixed(1)} MiB`;

// ---- the server -----------------------------------------------------------

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

async function startServer(tmp) {
  const port = await freePort();
  const errFile = path.join(tmp, 'server.err');
  const err = fs.openSync(errFile, 'w');
  const child = spawn(BIN, ['mcp', '--http', `127.0.0.1:${port}`, '--workers', String(WORKERS),
    '--auth-token', TOKEN, '--storage-dir', path.join(tmp, 'storage'), '--rate-limit', '0',
    '--audit-log', path.join(tmp, 'audit.jsonl')], { stdio: ['ignore', 'ignore', err] });
  fs.closeSync(err);
  let exited = null;
  child.on('exit', (code, sig) => { exited = { code, sig }; });
  const base = `http://127.0.0.1:${port}`;
  for (let t = 0; t < 150 && exited === null; t++) {
    try {
      const r = await fetch(`${base}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } });
      if (r.status === 200) return { child, base, errFile, exited: () => exited };
    } catch { /* not yet */ }
    await sleep(200);
  }
  throw new Error(`the server did not start: ${fs.readFileSync(errFile, 'utf8').slice(-1000)}`);
}

const META = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientCapabilities': {},
  'io.modelcontextprotocol/clientInfo': { name: 'load.mjs', version: '1' },
};

// One stateless execute_code call; resolves to {stdout, error} .
async function mcpExecute(base, id, item) {
  const body = JSON.stringify({
    jsonrpc: '2.0', id, method: 'tools/call',
    params: { name: 'execute_code', arguments: { code: item.code, language: item.lang }, _meta: META },
  });
  const r = await fetch(`${base}/mcp`, {
    method: 'POST', body, signal: AbortSignal.timeout(120000),
    headers: {
      Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json',
      Accept: 'application/json, text/event-stream', 'MCP-Protocol-Version': '2026-07-28',
      'Mcp-Method': 'tools/call', 'Mcp-Name': 'execute_code',
    },
  });
  let text = await r.text();
  if ((r.headers.get('content-type') ?? '').startsWith('text/event-stream'))
    text = text.split('\n').filter((l) => l.startsWith('data: ')).pop()?.slice(6) ?? '';
  if (r.status !== 200) return { error: `http ${r.status}: ${text.slice(0, 300)}` };
  const msg = JSON.parse(text);
  if (msg.id !== id) return { error: `response id ${msg.id} for request ${id}` };
  if (msg.error) return { error: `JSON-RPC error ${JSON.stringify(msg.error)}` };
  if (msg.result.isError) return { error: `isError: ${msg.result.content?.[0]?.text?.slice(0, 300)}` };
  return { stdout: msg.result.structuredContent?.stdout };
}

// One `BIN run` process; resolves to {stdout, error}.
function cliExecute(item) {
  return new Promise((resolve) => {
    const p = spawn(BIN, ['run', '--lang', item.lang, '-c', item.code], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { err += d; });
    p.on('close', (code) => resolve(code === 0 ? { stdout: out } : { error: `exit ${code}: ${err.slice(0, 300)}` }));
  });
}

// Run the clients; returns {latencies, errors, seconds}.
async function runLoad(execute, clients, calls) {
  const latencies = [], errors = [];
  let nextId = 1;
  const client = async (c) => {
    for (let k = 0; k < calls; k++) {
      const item = workItem(c, k), id = nextId++;
      const t0 = performance.now();
      let res;
      try { res = await execute(id, item); } catch (e) { res = { error: String(e) }; }
      latencies.push(performance.now() - t0);
      if (res.error === undefined && res.stdout !== item.want)
        res.error = `${item.lang} stdout ${JSON.stringify(res.stdout)}, want ${JSON.stringify(item.want)}`;
      if (res.error !== undefined) errors.push(`client ${c} call ${k}: ${res.error}`);
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: clients }, (_, c) => client(c)));
  return { latencies, errors, seconds: (performance.now() - t0) / 1000 };
}

function report(mode, { latencies, errors, seconds }) {
  const sorted = [...latencies].sort((a, b) => a - b);
  const s = {
    mode, calls: latencies.length, errors: errors.length, seconds: +seconds.toFixed(2),
    per_s: +(latencies.length / seconds).toFixed(1),
    p50_ms: +percentile(sorted, 50).toFixed(2), p95_ms: +percentile(sorted, 95).toFixed(2),
    max_ms: +sorted[sorted.length - 1].toFixed(2),
  };
  console.log(`     ${mode}: ${s.calls} calls (${CLIENTS} clients x ${CALLS}) in ${s.seconds} s: ` +
    `${s.per_s} calls/s, p50 ${s.p50_ms} ms, p95 ${s.p95_ms} ms, max ${s.max_ms} ms`);
  for (const e of errors.slice(0, 5)) console.log(`     error: ${e}`);
  return s;
}

// ---- main -------------------------------------------------------------------

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lsb-load-'));
  let server = null;
  try {
    if (MODE === 'cli') {
      const res = await runLoad((_id, item) => cliExecute(item), CLIENTS, CALLS);
      const s = report('cli', res);
      check(`cli: all ${s.calls} runs printed the right stdout`, res.errors.length === 0, res.errors[0]);
      if (JSON_OUT) console.log(JSON.stringify(s));
      return;
    }
    server = await startServer(tmp);
    const pid = server.child.pid;
    await sleep(1000);
    const cold = snapshot(pid);
    console.log(`     started: ${show(cold)}`);
    // Warm-up: one call of each language, so whatever is made on first
    // use (zygotes, folders, pools) exists before the baseline.
    const warm = await runLoad((id, item) => mcpExecute(server.base, id, item), 2, 3);
    check('warm-up calls succeed', warm.errors.length === 0, warm.errors[0]);
    await sleep(IDLE_CLOSE_MS); // fetch's idle keep-alive sockets close by then
    const before = snapshot(pid);
    console.log(`     baseline after warm-up: ${show(before)}`);

    let peak = { procs: 0, fds: 0 };
    const sampler = setInterval(() => {
      const s = snapshot(pid);
      peak = { procs: Math.max(peak.procs, s.procs), fds: Math.max(peak.fds, s.fds) };
    }, 250);
    const res = await runLoad((id, item) => mcpExecute(server.base, id, item), CLIENTS, CALLS);
    clearInterval(sampler);
    const s = report('mcp', res);
    console.log(`     peak during load: ${peak.procs} descendants, ${peak.fds} fds`);
    check(`all ${s.calls} calls answered with the right stdout`, res.errors.length === 0,
      `${res.errors.length} errors; first: ${res.errors[0]}`);
    check('server alive after the load', server.exited() === null, JSON.stringify(server.exited()));

    // Settle: the counts must come back to the baseline.
    let after = snapshot(pid);
    for (let t = 0; t < SETTLE_MS / 250 && (after.procs > before.procs || after.fds > before.fds || after.kidFds > before.kidFds); t++) {
      await sleep(250);
      after = snapshot(pid);
    }
    console.log(`     after settling: ${show(after)}`);
    check(`descendant processes back to the baseline (${after.procs} <= ${before.procs})`,
      after.procs <= before.procs, show(after));
    check(`open fds back to the baseline (${after.fds} <= ${before.fds})`,
      after.fds <= before.fds, show(after));
    check(`descendants' fds back to the baseline (${after.kidFds} <= ${before.kidFds})`,
      after.kidFds <= before.kidFds, show(after));
    check(`server RSS did not run away (${(after.rss / 1024).toFixed(1)} MiB < 4 x ${(before.rss / 1024).toFixed(1)} + 64 MiB)`,
      after.rss < before.rss * 4 + 65536, show(after));

    const m = await (await fetch(`${server.base}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } })).text();
    const metric = (re) => { const x = re.exec(m); return x ? Number(x[1]) : NaN; };
    const okRuns = [...m.matchAll(/^lsb_executions_total\{runtime="[a-z]+",outcome="success"\} (\d+)$/gm)]
      .reduce((n, x) => n + Number(x[1]), 0);
    const total = s.calls + 6;
    check(`metrics: ${total} successful executions counted`, okRuns === total, `got ${okRuns}`);
    check('metrics: nothing running or queued',
      metric(/^lsb_executions_running (\d+)$/m) === 0 && metric(/^lsb_executions_queued (\d+)$/m) === 0,
      m.split('\n').filter((l) => l.startsWith('lsb_executions_')).join('; '));
    const bodies = m.match(/^lsb_rejections_total\{reason="[a-z]+"\} [1-9]\d*$/gm);
    check('metrics: no rejections', bodies === null, String(bodies));
    const stderrLines = fs.readFileSync(server.errFile, 'utf8').split('\n').filter((l) => l.trim());
    const nonJson = stderrLines.filter((l) => { try { JSON.parse(l); return false; } catch { return true; } });
    check('server stderr: JSON log lines only', nonJson.length === 0, nonJson.slice(0, 3).join(' | '));
    const errorsLogged = stderrLines.filter((l) => /"level":"error"/.test(l));
    check('server logged no errors', errorsLogged.length === 0, errorsLogged.slice(0, 3).join(' | '));
    if (JSON_OUT) console.log(JSON.stringify(s));
  } finally {
    if (server !== null && server.exited() === null) {
      server.child.kill('SIGTERM');
      for (let t = 0; t < 50 && server.exited() === null; t++) await sleep(100);
      check('server stops on SIGTERM', server.exited() !== null && server.exited().code === 0,
        JSON.stringify(server.exited()));
      if (server.exited() === null) server.child.kill('SIGKILL');
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main()
  .catch((e) => bad('load test ran to the end', e.stack ?? e))
  .finally(() => {
    console.log(`mcp-load: ${passed} passed, ${failed} failed`);
    process.exitCode = failed === 0 ? 0 : 1;
  });
