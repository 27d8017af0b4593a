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
import os from 'node:os';
import path from 'node:path';
import {
  bad, check, commandLine, mcpExecute, metricsText, percentile, show, sleep, snapshot, startServer, stopServer, tally,
} from './harness.mjs';

const { args, BIN, opt } = commandLine();
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

// The call a client makes as its k-th: language, code, expected stdout.
function workItem(client, k) {
  const i = client * 1000 + k;
  if (k % 3 === 2) return { lang: 'javascript', code: `const i = ${i}; console.log(i * i)`, want: `${i * i}\n` };
  return { lang: 'python', code: `i = ${i}\nprint(i*i)`, want: `${i * i}\n` };
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
    server = await startServer({ bin: BIN, tmp, workers: WORKERS, token: TOKEN });
    const pid = server.child.pid;
    await sleep(1000);
    const cold = snapshot(pid);
    console.log(`     started: ${show(cold)}`);
    // Warm-up: one call of each language, so whatever is made on first
    // use (zygotes, folders, pools) exists before the baseline.
    const warm = await runLoad((id, item) => mcpExecute(server, id, item), 2, 3);
    check('warm-up calls succeed', warm.errors.length === 0, warm.errors[0]);
    await sleep(IDLE_CLOSE_MS); // fetch's idle keep-alive sockets close by then
    const before = snapshot(pid);
    console.log(`     baseline after warm-up: ${show(before)}`);

    let peak = { procs: 0, fds: 0 };
    const sampler = setInterval(() => {
      const s = snapshot(pid);
      peak = { procs: Math.max(peak.procs, s.procs), fds: Math.max(peak.fds, s.fds) };
    }, 250);
    const res = await runLoad((id, item) => mcpExecute(server, id, item), CLIENTS, CALLS);
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

    const m = await metricsText(server);
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
      const how = await stopServer(server);
      check('server stops on SIGTERM', how !== null && how.code === 0, JSON.stringify(how));
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main()
  .catch((e) => bad('load test ran to the end', e.stack ?? e))
  .finally(() => {
    console.log(`mcp-load: ${tally.passed} passed, ${tally.failed} failed`);
    process.exitCode = tally.failed === 0 ? 0 : 1;
  });
