// tests/mcp/harness.mjs - what the load, soak and scale-out tests share
// (load.mjs, soak.mjs, tests/scale/): the server's process accounting from /proc (descendants, fds,
// RSS, threads), starting `llm-sandbox mcp --http` on a free port, one
// stateless 2026-07-28 tools/call over plain fetch, percentiles and the
// ok/bad counters, and the command line. Node 20, no npm packages.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The command line "BIN [--name value]...": the binary's absolute path, the
// raw arguments, and opt(name, default) for one option's value.
export function commandLine(argv = process.argv.slice(2)) {
  const opt = (name, dflt) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : dflt;
  };
  return { args: argv, BIN: path.resolve(argv[0] ?? ''), opt };
}

// ---- results ------------------------------------------------------------------

export const tally = { passed: 0, failed: 0 };
export const ok = (name) => { tally.passed++; console.log(`ok   ${name}`); };
export const bad = (name, why) => {
  tally.failed++;
  console.log(`FAIL ${name}`);
  console.log(`     ${String(why).slice(0, 600)}`);
};
export const check = (name, cond, why) => (cond ? ok(name) : bad(name, why));

export function percentile(sorted, p) {
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
export function descendants(pid) {
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
const statusField = (pid, field) => {
  try {
    return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
  } catch { return -1; }
};

// The server's counts now: descendants, its fds and theirs, RSS (KiB), threads.
export const snapshot = (pid) => {
  const kids = descendants(pid);
  return {
    procs: kids.length, fds: fdCount(pid), kidFds: kids.reduce((n, k) => n + Math.max(0, fdCount(k)), 0),
    rss: statusField(pid, 'VmRSS'), threads: statusField(pid, 'Threads'),
  };
};
export const show = (s) =>
  `${s.procs} descendants, ${s.fds} fds (descendants' fds ${s.kidFds}), RSS ${(s.rss / 1024).toFixed(1)} MiB`;

// ---- the server -----------------------------------------------------------

// A free TCP port on 127.0.0.1 (bound, then released).
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

// Start `bin mcp --http` with its storage, audit log and stderr in tmp;
// resolves to {child, base, errFile, exited(), token} once /metrics answers.
export async function startServer({ bin, tmp, workers, token, extra = [] }) {
  const port = await freePort();
  const errFile = path.join(tmp, 'server.err');
  const err = fs.openSync(errFile, 'w');
  const child = spawn(bin, ['mcp', '--http', `127.0.0.1:${port}`, '--workers', String(workers),
    '--auth-token', token, '--storage-dir', path.join(tmp, 'storage'), '--rate-limit', '0',
    '--audit-log', path.join(tmp, 'audit.jsonl'), ...extra], { stdio: ['ignore', 'ignore', err] });
  fs.closeSync(err);
  let exited = null;
  child.on('exit', (code, sig) => { exited = { code, sig }; });
  const base = `http://127.0.0.1:${port}`;
  for (let t = 0; t < 150 && exited === null; t++) {
    try {
      const r = await fetch(`${base}/metrics`, { headers: { Authorization: `Bearer ${token}` } });
      if (r.status === 200) return { child, base, errFile, exited: () => exited, token };
    } catch { /* not yet */ }
    await sleep(200);
  }
  throw new Error(`the server did not start: ${fs.readFileSync(errFile, 'utf8').slice(-1000)}`);
}

// The Prometheus text of server's /metrics.
export async function metricsText(server) {
  const r = await fetch(`${server.base}/metrics`, { headers: { Authorization: `Bearer ${server.token}` } });
  return r.text();
}

const META = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientCapabilities': {},
  'io.modelcontextprotocol/clientInfo': { name: 'harness.mjs', version: '1' },
};

// One stateless tools/call of tool with args; resolves to {result} (the
// tool's result object) or {error} (HTTP, JSON-RPC or id trouble).
export async function mcpCall(server, id, tool, args, timeoutMs = 120000) {
  const body = JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: tool, arguments: args, _meta: META } });
  const r = await fetch(`${server.base}/mcp`, {
    method: 'POST', body, signal: AbortSignal.timeout(timeoutMs),
    headers: {
      Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json',
      Accept: 'application/json, text/event-stream', 'MCP-Protocol-Version': '2026-07-28',
      'Mcp-Method': 'tools/call', 'Mcp-Name': tool,
    },
  });
  let text = await r.text();
  if ((r.headers.get('content-type') ?? '').startsWith('text/event-stream'))
    text = text.split('\n').filter((l) => l.startsWith('data: ')).pop()?.slice(6) ?? '';
  if (r.status !== 200) return { error: `http ${r.status}: ${text.slice(0, 300)}` };
  const msg = JSON.parse(text);
  if (msg.id !== id) return { error: `response id ${msg.id} for request ${id}` };
  if (msg.error) return { error: `JSON-RPC error ${JSON.stringify(msg.error)}` };
  return { result: msg.result };
}

// One execute_code call of item {lang, code}; resolves to {stdout, error}.
export async function mcpExecute(server, id, item) {
  const { result, error } = await mcpCall(server, id, 'execute_code', { code: item.code, language: item.lang });
  if (error !== undefined) return { error };
  if (result.isError) return { error: `isError: ${result.content?.[0]?.text?.slice(0, 300)}` };
  return { stdout: result.structuredContent?.stdout };
}

// Stop server with SIGTERM (SIGKILL after 5 s); resolves to how it exited.
export async function stopServer(server) {
  if (server.exited() !== null) return server.exited();
  server.child.kill('SIGTERM');
  for (let t = 0; t < 50 && server.exited() === null; t++) await sleep(100);
  const how = server.exited();
  if (how === null) server.child.kill('SIGKILL');
  return how;
}
