#!/usr/bin/env node
// tests/scale/cluster.mjs BINARY [--clients N] [--after N] [--seconds S]
//
// Scale-out test (issue 15): 3 `llm-sandbox mcp --http` nodes sharing one
// --storage-dir, behind HAProxy running the shipped deploy/haproxy.cfg (only
// ports and server lines substituted), on loopback. --clients (20) clients
// of the official MCP TypeScript SDK (protocol 2025-11-25: HAProxy hashes on
// their Mcp-Session-Id) each create an auto-persist Python session through
// HAProxy, then loop runs that add one to a persisted global counter,
// append "RUN_ID COUNTER" (the run id has non-ASCII text) to /app/runs.txt
// and print the counter. Once every client has run a few times, the node
// serving the most clients is killed with kill -9. A client whose call
// fails keeps its sandbox session and goes on through HAProxy: it
// re-initializes when a node answers 404 for its Mcp-Session-Id (as the
// MCP spec says), and otherwise sends its next run on the same protocol
// session. A failed run is never sent again: its id is "in doubt" (it may
// or may not have run on the dying node) and the next run has a new id.
// The loops stop once every client has --after (5) acknowledged runs after
// the kill (or after --seconds, 60). Then, per session, from the shared
// storage dir on disk and a last run through HAProxy:
//  - every acknowledged run id is in runs.txt exactly once, with the
//    counter value that run printed;
//  - no run id is there twice (no run executed twice), and every line
//    there is a run the client sent;
//  - the counter chain holds (see checkChain), so the persisted counter
//    equals the acknowledged runs plus the in-doubt runs that completed;
//  - every client continued after the kill.
// Prints one line per check, then "scale: N passed, M failed".
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { check, commandLine, sleep, tally } from '../mcp/harness.mjs';
import {
  killNode, makeCluster, nodeOfSession, ScaleClient, startNode, startProxy, statusOf, stdoutOf, stopCluster,
  tail, textOf, treeOf,
} from './lib.mjs';

const { args, BIN, opt } = commandLine();
const CLIENTS = Number(opt('clients', 20));
const AFTER = Number(opt('after', 5));
const SECONDS = Number(opt('seconds', 60));
const BEFORE = 3; // acknowledged runs per client before the kill
if (!args[0] || !fs.existsSync(BIN)) {
  console.error('usage: cluster.mjs BINARY [--clients N] [--after N] [--seconds S]');
  process.exit(64);
}

// One run of client c: its k-th run id, in the code and in the file line.
const runId = (c, k) => `c${c}-k${k}-café-☕-日本`;
// The sleep between the line and the end of the run (when the counter is
// saved) makes a kill likely to land in it: a run that wrote its line but
// never saved its counter.
const runCode = (id) => [
  'import time',
  'counter = globals().get("counter", 0) + 1',
  `open("/app/runs.txt", "a", encoding="utf-8").write(${JSON.stringify(id)} + " " + str(counter) + "\\n")`,
  'time.sleep(0.2)',
  'print(counter)',
].join('\n');

// ---- one client's loop ------------------------------------------------------------

// state of client c: {c, sc (ScaleClient), sid (sandbox session), acked:
// Map id -> {counter, at}, doubt: Set of ids whose call failed, sent: Set,
// errors: [{at, status, why}], reinits}.
async function runLoop(st, shared) {
  for (let k = 0; !shared.stop; k++) {
    const id = runId(st.c, k);
    st.sent.add(id);
    try {
      const r = await st.sc.call('execute_code', { session_id: st.sid, code: runCode(id) });
      const n = Number(stdoutOf(r).trim());
      if (r.isError || !Number.isInteger(n) || stdoutOf(r) !== `${n}\n`) throw Object.assign(new Error(textOf(r).slice(0, 300)), { tool: true });
      st.acked.set(id, { counter: n, at: performance.now() });
      st.fails = 0;
    } catch (err) {
      st.doubt.add(id);
      const status = statusOf(err);
      st.errors.push({ at: performance.now(), status, why: String(err.message ?? err).slice(0, 200) });
      await sleep(100);
      // 404: this node does not know the protocol session (the spec: send
      // initialize again). Five failures in a row: start afresh too.
      if (status === 404 || ++st.fails >= 5) {
        st.fails = 0;
        await st.sc.connect().then(() => st.reinits++, () => {});
      }
    }
  }
}

// ---- the checks of one session ------------------------------------------------------

// The lines "RUN_ID COUNTER" of a session's runs.txt, read from the shared
// storage dir on disk (not through a node).
function fileLines(storage, sid) {
  const file = path.join(storage, 'sessions', sid, 'workspace', 'runs.txt');
  return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => {
    const i = l.lastIndexOf(' ');
    return { id: l.slice(0, i), counter: Number(l.slice(i + 1)) };
  });
}

// The counter chain. Runs of one session are serialised, so runs.txt is in
// execution order. A run reads the counter the last completed run saved,
// adds one, appends its line, and its new value is saved at the end of the
// run (auto_persist_globals). So line i's counter is 1 + the number of
// earlier runs whose globals were saved: from one line to the next the
// counter grows by 1 if the run of the first one completed, and stays the
// same if that run died before saving (its node was killed mid-run). An
// acknowledged run completed, so it must be followed by +1; "stays" is
// allowed only after an in-doubt run. The final counter (read by a last
// run) must equal the last line's counter if that run completed, or one
// less. Hence: final counter = acknowledged runs + in-doubt runs that
// completed (their node died after the run saved, before the response).
// Returns {err: null when it holds, else why not; completed, stalled: the
// in-doubt runs that wrote their line and did / did not save the counter}.
function checkChain(lines, st, final) {
  const out = { err: null, completed: 0, stalled: 0 };
  if (lines.length && lines[0].counter !== 1) return { ...out, err: `the first line's counter is ${lines[0].counter}` };
  for (let i = 0; i < lines.length; i++) {
    const next = i + 1 < lines.length ? lines[i + 1].counter : final + 1;
    const step = next - lines[i].counter;
    if (step !== 0 && step !== 1) return { ...out, err: `counter ${lines[i].counter} then ${next} (line ${i + 1})` };
    if (step === 0 && !st.doubt.has(lines[i].id)) return { ...out, err: `acknowledged run ${lines[i].id} did not save its counter` };
    if (st.doubt.has(lines[i].id)) out[step === 1 ? 'completed' : 'stalled']++;
  }
  if (final !== st.acked.size + out.completed)
    out.err = `final counter ${final}, acknowledged ${st.acked.size} + completed in doubt ${out.completed}`;
  return out;
}

// Every check of one client's session; returns a list of failures, and
// adds the in-doubt runs that wrote a line to tally ({completed, stalled}).
async function verifySession(st, storage, tally) {
  const why = [];
  let lines = [];
  try { lines = fileLines(storage, st.sid); } catch (e) { return [`runs.txt unreadable: ${e.message}`]; }
  const seen = new Map();
  for (const l of lines) seen.set(l.id, (seen.get(l.id) ?? 0) + 1);
  for (const [id, n] of seen) if (n > 1) why.push(`run ${id} is in runs.txt ${n} times (executed twice)`);
  for (const l of lines) if (!st.sent.has(l.id)) why.push(`runs.txt has a line no client sent: ${l.id}`);
  for (const l of lines) if (!st.acked.has(l.id) && !st.doubt.has(l.id)) why.push(`run ${l.id} is in runs.txt but was never answered nor failed`);
  for (const [id, a] of st.acked) {
    const line = lines.find((l) => l.id === id);
    if (!line) why.push(`acknowledged run ${id} is missing from runs.txt`);
    else if (line.counter !== a.counter) why.push(`run ${id} printed ${a.counter} but wrote ${line.counter}`);
  }
  let final = NaN;
  for (let t = 0; t < 5 && Number.isNaN(final); t++) {
    try {
      const r = await st.sc.call('execute_code', { session_id: st.sid, code: 'print(globals().get("counter", 0))' });
      if (!r.isError) final = Number(stdoutOf(r).trim());
    } catch { await sleep(200); }
  }
  if (Number.isNaN(final)) why.push('the final read of the counter failed');
  else {
    const c = checkChain(lines, st, final);
    if (c.err) why.push(c.err);
    tally.completed += c.completed;
    tally.stalled += c.stalled;
  }
  return why;
}

// Whether pid is alive, and its command line.
const isAlive = (pid) => { try { process.kill(pid, 0); return true; } catch { return false; } };
const cmdline = (pid) => { try { return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' '); } catch { return '?'; } };

// ---- X-Forwarded-For ----------------------------------------------------------------

// A POST /mcp ping to url with token and extra headers (without a protocol
// session: a node that admits it answers 400, past the token and block
// checks); resolves to {status, node (X-Served-By)}.
async function probe(url, token, headers) {
  const r = await fetch(url, {
    method: 'POST', body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', ...headers },
  });
  await r.text();
  return { status: r.status, node: r.headers.get('x-served-by') };
}

// The clients a node's audit log says it blocked for wrong tokens.
const blockedClients = (node) => {
  try {
    return fs.readFileSync(node.audit, 'utf8').split('\n').filter((l) => l.includes('"auth_blocked"'))
      .map((l) => JSON.parse(l).client);
  } catch { return []; }
};

// Run last: it gets loopback blocked on one node for 60 s. Wrong tokens
// count per client address, and a node started with --trusted-proxy
// 127.0.0.1 takes that address from X-Forwarded-For:
//  - straight to a node (from 127.0.0.1, trusted), 10 wrong tokens naming
//    198.51.100.9 block that address only: the right token from another
//    forwarded address still gets in, from 198.51.100.9 it does not;
//  - through HAProxy, a client's own X-Forwarded-For (203.0.113.7) is
//    dropped (http-request del-header): the node blocks the address
//    HAProxy saw (loopback), never the one the client wrote.
async function checkForwardedFor(cluster, node, proxy) {
  const wrong = `${cluster.token}-wrong`;
  const fwd = (ip) => ({ 'X-Forwarded-For': ip });
  for (let i = 0; i < 10; i++) await probe(node.url, wrong, fwd('198.51.100.9'));
  const other = await probe(node.url, cluster.token, fwd('198.51.100.10'));
  const same = await probe(node.url, cluster.token, fwd('198.51.100.9'));
  check('--trusted-proxy: wrong tokens block the client X-Forwarded-For names, not the proxy ' +
    `(other client ${other.status}, the guesser ${same.status}; audit: ${blockedClients(node).join(', ')})`,
  ![401, 429].includes(other.status) && same.status === 429 && blockedClients(node).includes('ip:198.51.100.9'),
  `statuses ${other.status}/${same.status}`);
  const forged = { ...fwd('203.0.113.7'), 'Mcp-Session-Id': 'xff-probe' }; // one hash: one node
  const answers = [];
  for (let i = 0; i < 11; i++) answers.push(await probe(proxy.url, wrong, forged));
  const via = cluster.nodes.find((n) => n.name === answers[0].node);
  const blocked = via ? blockedClients(via) : [];
  check('HAProxy drops a client\'s own X-Forwarded-For: the node blocks the address HAProxy saw ' +
    `(${via?.name}: ${blocked.join(', ')})`,
  blocked.includes('ip:127.0.0.1') && !blocked.includes('ip:203.0.113.7') && answers.at(-1).status === 429,
  `answers ${answers.map((a) => `${a.node}:${a.status}`).join(' ')}`);
}

// ---- the scenario ------------------------------------------------------------------

// Bring up the cluster and the clients with their sessions.
async function setUp(cluster) {
  const nodes = [];
  for (const name of ['node1', 'node2', 'node3']) nodes.push(await startNode(cluster, name));
  const proxy = await startProxy(cluster, nodes);
  const states = [];
  await Promise.all(Array.from({ length: CLIENTS }, async (_, c) => {
    const sc = await new ScaleClient(proxy.url, cluster.token, `scale-client-${c}`).connect();
    const r = await sc.call('create_session', { language: 'python', auto_persist_globals: true });
    const sid = r.structuredContent?.session_id;
    if (r.isError || !sid) throw new Error(`create_session: ${textOf(r)}`);
    states[c] = { c, sc, sid, acked: new Map(), doubt: new Set(), sent: new Set(), errors: [], fails: 0, reinits: 0 };
  }));
  return { nodes, proxy, states };
}

// Wait until cond() or ms pass; true if cond() held.
async function until(cond, ms) {
  const end = performance.now() + ms;
  while (!cond() && performance.now() < end) await sleep(100);
  return cond();
}

// The checks that HAProxy balanced as deploy/haproxy.cfg says: initialize
// (no Mcp-Session-Id) spread over the nodes, and every later request of a
// protocol session on one node (before any node died).
function checkBalancing(states, nodes) {
  const initNodes = new Set(states.map((s) => s.sc.served.find((x) => x.sid === null)?.node));
  check(`initialize (no Mcp-Session-Id) is balanced over the nodes: ${[...initNodes].sort().join(', ')}`,
    initNodes.size === nodes.length, `only ${[...initNodes]}`);
  const split = states.filter((s) => new Set(s.sc.served.filter((x) => x.sid).map((x) => x.node)).size !== 1);
  check(`each client's requests with its Mcp-Session-Id all went to one node (${states.length} clients)`,
    split.length === 0, split.map((s) => `client ${s.c}: ${s.sc.served.map((x) => x.node).join(' ')}`).join('; '));
}

// The node most clients' protocol sessions hash to.
function busiestNode(states, nodes) {
  const count = new Map(nodes.map((n) => [n.name, 0]));
  for (const s of states) {
    const n = nodeOfSession(s.sc, s.sc.sessionId);
    count.set(n, (count.get(n) ?? 0) + 1);
  }
  const [name, clients] = [...count].sort((a, b) => b[1] - a[1])[0];
  return { victim: nodes.find((n) => n.name === name), clients, count };
}

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lsb-scale-'));
  const cluster = makeCluster(BIN, tmp);
  let leftovers = [];
  const t0 = performance.now();
  try {
    const { nodes, proxy, states } = await setUp(cluster);
    check(`${CLIENTS} clients created auto-persist sessions through HAProxy`, states.length === CLIENTS, states.length);
    const shared = { stop: false };
    const loops = states.map((st) => runLoop(st, shared));
    const warm = await until(() => states.every((s) => s.acked.size >= BEFORE), 60000);
    check(`every client ran ${BEFORE} times before the kill`, warm, states.map((s) => s.acked.size).join(' '));
    checkBalancing(states, nodes);

    const { victim, clients, count } = busiestNode(states, nodes);
    leftovers = treeOf(victim);
    const killedAt = killNode(victim);
    console.log(`# killed ${victim.name} (pid ${victim.pid}) with kill -9: it served ${clients} of ${CLIENTS} clients ` +
      `(${[...count].map(([n, k]) => `${n} ${k}`).join(', ')})`);
    const afterKill = (s) => [...s.acked.values()].filter((a) => a.at > killedAt).length;
    const went = await until(() => states.every((s) => afterKill(s) >= AFTER), SECONDS * 1000);
    shared.stop = true;
    await Promise.all(loops);
    check(`every client continued: >= ${AFTER} acknowledged runs after the kill`, went,
      states.map((s) => `c${s.c}:${afterKill(s)}`).join(' '));
    const hit = states.filter((s) => s.errors.some((e) => e.at > killedAt));
    check(`the kill hit clients mid-session (${hit.length} saw a failed call, ` +
      `${states.reduce((n, s) => n + s.doubt.size, 0)} runs in doubt)`, hit.length > 0, 'no client noticed the kill');
    const reinit = states.filter((s) => s.reinits > 0);
    check(`no client had to initialize again: the other nodes took the Mcp-Session-Ids ${victim.name} issued ` +
      '(protocol sessions in the shared storage dir)', reinit.length === 0,
    reinit.map((s) => `client ${s.c}: ${s.errors.map((e) => e.status ?? e.why).join(', ')}`).join('; '));
    const others = nodes.filter((n) => n !== victim);
    check(`the other nodes live (${others.map((n) => n.name).join(', ')}) and HAProxy too`,
      others.every((n) => n.exited() === null) && proxy.exited() === null,
      others.map((n) => `${n.name} ${JSON.stringify(n.exited())}: ${tail(n.log, 400)}`).join('; '));
    const after = states.filter((s) => s.sc.served.some((x) => x.sent > killedAt && x.node === victim.name && x.status === 200));
    check(`no request sent after the kill was answered by ${victim.name}`, after.length === 0, after.map((s) => s.c));

    const alive = await until(() => leftovers.every((p) => !isAlive(p)), 5000);
    check(`the killed node's ${leftovers.length} processes (zygotes, live sessions) all exited`, alive,
      leftovers.filter(isAlive).map((p) => `${p}: ${cmdline(p)}`).join(' | '));
    const bad = [], doubt = { completed: 0, stalled: 0 };
    for (const st of states) for (const w of await verifySession(st, cluster.storage, doubt)) bad.push(`client ${st.c} (${st.sid}): ${w}`);
    const acked = states.reduce((n, s) => n + s.acked.size, 0);
    check(`every session's runs.txt has each of the ${acked} acknowledged runs exactly once, no run twice, ` +
      'and its persisted counter = acknowledged + completed in-doubt runs ' +
      `(in-doubt runs that wrote their line: ${doubt.completed} saved the counter, ${doubt.stalled} died before)`,
    bad.length === 0, bad.slice(0, 8).join('\n     '));
    for (const s of states) await s.sc.close();
    await checkForwardedFor(cluster, others[0], proxy);
  } catch (err) {
    check('the scenario ran to its end', false, err.stack ?? err);
  } finally {
    await stopCluster(cluster, leftovers);
  }
  console.log(`# ${((performance.now() - t0) / 1000).toFixed(1)} s${tally.failed ? `; logs kept in ${tmp}` : ''}`);
  console.log(`scale: ${tally.passed} passed, ${tally.failed} failed`);
  if (tally.failed === 0) fs.rmSync(tmp, { recursive: true, force: true });
  process.exit(tally.failed === 0 ? 0 : 1);
}

await main();
