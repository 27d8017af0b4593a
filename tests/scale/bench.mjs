#!/usr/bin/env node
// tests/scale/bench.mjs BINARY [--clients N] [--seconds S] [--rounds R] [--pairs P] [--trials T]
//
// The scale-out benchmark, run by bench/scale.sh (so by `make bench`).
// Everything goes through the official MCP SDK on protocol 2025-11-25 (the
// clients HAProxy hashes), with lib.mjs's cluster: 3 nodes on one shared
// storage dir, HAProxy with the shipped deploy/haproxy.cfg.
//  1. throughput: --clients (16) clients calling execute_code with a small
//     fixed Python snippet (one-shot) for --seconds (5), with 1 node
//     direct (the baseline) and 1, 2, 3 nodes behind HAProxy; --rounds (2)
//     rounds, the configurations interleaved in each, calls summed;
//  2. the latency HAProxy adds: --pairs (100) sequential calls straight to
//     node1 and through HAProxy (whose only node is node1), alternating,
//     for a ping and for execute_code;
//  3. failover: --trials (3) times, 6 clients with a session each; the node
//     serving most of them is killed with kill -9, and each of its clients
//     retries until a run succeeds on another node: the time from the kill
//     to that success. The node is then started again on its port.
// Prints, never asserts (the exit status is nonzero only if it could not
// measure).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { commandLine, percentile, sleep } from '../mcp/harness.mjs';
import {
  killNode, makeCluster, nodeOfSession, ScaleClient, startNode, startProxy, statusOf, stdoutOf, stopCluster,
} from './lib.mjs';

const { BIN, opt } = commandLine();
const CLIENTS = Number(opt('clients', 16));
const SECONDS = Number(opt('seconds', 5));
const ROUNDS = Number(opt('rounds', 2));
const PAIRS = Number(opt('pairs', 100));
const TRIALS = Number(opt('trials', 3));
const SNIPPET = { language: 'python', code: 'print(sum(i * i for i in range(1000)))' };
const SNIPPET_OUT = '332833500\n';

const ms = (x) => x.toFixed(2).padStart(8);
const signed = (x) => `${x >= 0 ? '+' : '-'}${Math.abs(x).toFixed(2)}`;

// ---- 1. throughput -------------------------------------------------------------

// CLIENTS clients of url calling SNIPPET for seconds; resolves to
// {calls, errors, perNode: Map node -> calls}.
async function throughput(url, token, seconds = SECONDS) {
  const clients = await Promise.all(Array.from({ length: CLIENTS }, (_, i) =>
    new ScaleClient(url, token, `bench-${i}`).connect()));
  const res = { calls: 0, errors: 0, perNode: new Map() };
  const end = performance.now() + seconds * 1000;
  await Promise.all(clients.map(async (c) => {
    while (performance.now() < end) {
      try {
        const r = await c.call('execute_code', SNIPPET);
        if (r.isError || stdoutOf(r) !== SNIPPET_OUT) { res.errors++; continue; }
        if (performance.now() > end) break; // finished after the window: not counted
        res.calls++;
        const node = c.served.at(-1)?.node ?? 'direct';
        res.perNode.set(node, (res.perNode.get(node) ?? 0) + 1);
      } catch { res.errors++; await sleep(50); }
    }
  }));
  for (const c of clients) await c.close();
  return res;
}

async function benchThroughput(cluster, nodes, proxies) {
  console.log(`== 1. throughput: ${CLIENTS} clients, one-shot execute_code of a small Python snippet, ` +
    `${SECONDS} s x ${ROUNDS} rounds per configuration, interleaved`);
  console.log(`  (all nodes share this machine's ${os.cpus().length} cores, so more nodes add no CPU; each node runs ` +
    '--workers = cores executions at once, so n nodes also run n times as many at once)');
  const configs = [{ label: '1 node, direct (baseline)', url: nodes[0].url },
    ...proxies.map((p, i) => ({ label: `${i + 1} node${i ? 's' : ''} behind HAProxy`, url: p.url }))];
  const sums = configs.map(() => ({ calls: 0, errors: 0, perNode: new Map() }));
  for (const cfg of configs) await throughput(cfg.url, cluster.token, 1); // warm-up: zygotes, connections
  for (let r = 0; r < ROUNDS; r++) {
    for (const [i, cfg] of configs.entries()) {
      const m = await throughput(cfg.url, cluster.token);
      sums[i].calls += m.calls;
      sums[i].errors += m.errors;
      for (const [n, k] of m.perNode) sums[i].perNode.set(n, (sums[i].perNode.get(n) ?? 0) + k);
    }
  }
  const base = sums[0].calls / (SECONDS * ROUNDS);
  for (const [i, cfg] of configs.entries()) {
    const rate = sums[i].calls / (SECONDS * ROUNDS);
    const split = [...sums[i].perNode].filter(([n]) => n !== 'direct').sort()
      .map(([n, k]) => `${n} ${k}`).join(', ');
    console.log(`  ${cfg.label.padEnd(28)} ${rate.toFixed(1).padStart(7)} calls/s  x${(rate / base).toFixed(2)}` +
      `${sums[i].errors ? `  (${sums[i].errors} errors)` : ''}${split ? `  [calls per node: ${split}]` : ''}`);
  }
}

// ---- 2. latency HAProxy adds ---------------------------------------------------

async function benchLatency(cluster, nodes, proxy1) {
  console.log(`== 2. latency HAProxy adds: ${PAIRS} sequential calls each, direct and through HAProxy alternating ` +
    '(HAProxy with node1 only)');
  const direct = await new ScaleClient(nodes[0].url, cluster.token, 'bench-direct').connect();
  const proxied = await new ScaleClient(proxy1.url, cluster.token, 'bench-proxied').connect();
  const kinds = {
    'ping': (c) => c.client.ping(),
    'execute_code print(1)': (c) => c.call('execute_code', { language: 'python', code: 'print(1)' }),
  };
  for (const [kind, call] of Object.entries(kinds)) {
    const t = { direct: [], proxied: [] };
    for (let i = 0; i < PAIRS + 5; i++) {
      for (const [name, c] of i % 2 ? [['direct', direct], ['proxied', proxied]] : [['proxied', proxied], ['direct', direct]]) {
        const t0 = performance.now();
        await call(c);
        if (i >= 5) t[name].push(performance.now() - t0); // the first 5 warm up
      }
    }
    const [d, p] = [t.direct.sort((a, b) => a - b), t.proxied.sort((a, b) => a - b)];
    const row = (q) => `p${q} direct ${ms(percentile(d, q))} ms  HAProxy ${ms(percentile(p, q))} ms  ` +
      `${signed(percentile(p, q) - percentile(d, q))} ms`;
    console.log(`  ${kind.padEnd(22)} ${row(50)}`);
    console.log(`  ${''.padEnd(22)} ${row(95)}`);
  }
  await direct.close();
  await proxied.close();
}

// ---- 3. failover ---------------------------------------------------------------

// One trial: returns the ms from the kill to each victim client's first
// successful run (on another node), and restarts the victim.
async function failoverTrial(cluster, nodes, proxy, trial) {
  const clients = await Promise.all(Array.from({ length: 6 }, async (_, i) => {
    const c = await new ScaleClient(proxy.url, cluster.token, `bench-fail-${trial}-${i}`).connect();
    const r = await c.call('create_session', { language: 'python', auto_persist_globals: true });
    c.sid = r.structuredContent.session_id;
    await c.call('execute_code', { session_id: c.sid, code: 'n = 1\nprint(n)' });
    return c;
  }));
  const count = new Map();
  for (const c of clients) { c.node = nodeOfSession(c, c.sessionId); count.set(c.node, (count.get(c.node) ?? 0) + 1); }
  const victimName = [...count].sort((a, b) => b[1] - a[1])[0][0];
  const victim = nodes.find((n) => n.name === victimName);
  const hit = clients.filter((c) => c.node === victimName);
  const killedAt = killNode(victim);
  const times = await Promise.all(hit.map(async (c) => {
    for (;;) {
      try {
        const r = await c.call('execute_code', { session_id: c.sid, code: 'n += 1\nprint(n)' });
        if (!r.isError && stdoutOf(r) === '2\n') return performance.now() - killedAt;
      } catch (err) {
        if (statusOf(err) === 404) await c.connect().catch(() => {});
      }
      if (performance.now() - killedAt > 60000) return NaN;
      await sleep(10);
    }
  }));
  for (const c of clients) await c.close();
  await sleep(300);
  nodes[nodes.indexOf(victim)] = await startNode(cluster, victim.name, victim.port);
  await sleep(2500); // HAProxy's rise: 2 checks 1 s apart
  return { victim: victimName, times };
}

async function benchFailover(cluster, nodes, proxy) {
  console.log(`== 3. failover: kill -9 of the node serving most of 6 sessions, to each of its sessions' ` +
    `first successful run on another node (${TRIALS} trials; clients retry every 10 ms)`);
  const all = [];
  for (let t = 0; t < TRIALS; t++) {
    const { victim, times } = await failoverTrial(cluster, nodes, proxy, t);
    all.push(...times);
    console.log(`  trial ${t + 1}: killed ${victim}, its ${times.length} session(s) ran again after ` +
      `${times.map((x) => `${x.toFixed(0)} ms`).join(', ')}`);
  }
  const s = all.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  console.log(`  median ${percentile(s, 50).toFixed(0)} ms, max ${s.at(-1)?.toFixed(0)} ms over ${s.length} sessions` +
    `${s.length < all.length ? ` (${all.length - s.length} never ran again within 60 s)` : ''}`);
}

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lsb-scale-bench-'));
  const cluster = makeCluster(BIN, tmp);
  let failed = false;
  try {
    const nodes = [];
    for (const name of ['node1', 'node2', 'node3']) nodes.push(await startNode(cluster, name));
    const proxies = [];
    for (let k = 1; k <= 3; k++) proxies.push(await startProxy(cluster, nodes.slice(0, k), `haproxy-${k}`));
    await benchThroughput(cluster, nodes, proxies);
    await benchLatency(cluster, nodes, proxies[0]);
    await benchFailover(cluster, nodes, proxies[2]);
  } catch (err) {
    console.log(`  (scale bench failed: ${err.stack ?? err}; logs in ${tmp})`);
    failed = true;
  } finally {
    await stopCluster(cluster);
  }
  if (!failed) fs.rmSync(tmp, { recursive: true, force: true });
  process.exit(failed ? 1 : 0);
}

await main();
