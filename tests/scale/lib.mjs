// tests/scale/lib.mjs - what the scale-out test (cluster.mjs) and benchmark
// (bench.mjs, run by bench/scale.sh) share: starting `llm-sandbox mcp
// --http` nodes on one shared storage dir, generating HAProxy's config from
// the shipped deploy/haproxy.cfg (only ports and the server list change)
// and running it in the foreground, and an MCP client built on the official
// TypeScript SDK (protocol 2025-11-25, so HAProxy hashes on its
// Mcp-Session-Id) that records which node answered each request
// (X-Served-By) and can reconnect.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
// The SDK installed by tests/mcp/install.sh (a bare name would not resolve
// from this folder).
import { Client } from '../mcp/node_modules/@modelcontextprotocol/sdk/dist/esm/client/index.js';
import { StreamableHTTPClientTransport } from '../mcp/node_modules/@modelcontextprotocol/sdk/dist/esm/client/streamableHttp.js';
import { descendants, freePort, sleep } from '../mcp/harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
export const SHIPPED_CFG = path.join(here, '../../deploy/haproxy.cfg');
// Debian puts haproxy in /usr/sbin, which a normal user's PATH may lack.
const HAPROXY = fs.existsSync('/usr/sbin/haproxy') ? '/usr/sbin/haproxy' : 'haproxy';

// ---- the cluster ----------------------------------------------------------------

// A private temporary folder with the shared storage dir and a token file
// (chmod 600, as --auth-token-file wants). One token for every client: a
// sandbox session belongs to the token, so it stays reachable from any
// protocol session, on any node.
export function makeCluster(bin, tmp) {
  const token = `scale-${process.pid}-${Date.now()}`; // HTTP headers are ASCII
  const tokenFile = path.join(tmp, 'token');
  fs.writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
  const storage = path.join(tmp, 'storage');
  fs.mkdirSync(storage);
  return { bin, tmp, token, tokenFile, storage, nodes: [], proxies: [] };
}

// Wait until a TCP connect to port succeeds (or child exits); throws after ms.
async function waitListening(port, what, exited, log, ms = 30000) {
  const until = Date.now() + ms;
  for (;;) {
    if (exited() !== null) throw new Error(`${what} exited (${JSON.stringify(exited())}): ${tail(log)}`);
    const up = await new Promise((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => { s.destroy(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    if (up) return;
    if (Date.now() > until) throw new Error(`${what} did not listen on ${port} in ${ms} ms: ${tail(log)}`);
    await sleep(100);
  }
}

// The last bytes of a log file, for a failure message.
export function tail(file, bytes = 1500) {
  try { return fs.readFileSync(file, 'utf8').slice(-bytes); } catch { return '(no log)'; }
}

// Start node `name` (node1, node2, ...) of the cluster: `mcp --http` on
// port (a free one when omitted; the same one to restart a killed node),
// sharing the cluster's storage dir and token, trusting 127.0.0.1 (where
// HAProxy connects from) for X-Forwarded-For. Resolves once it listens.
export async function startNode(cluster, name, port, extra = []) {
  port ??= await freePort();
  const log = path.join(cluster.tmp, `${name}.log`);
  const out = fs.openSync(log, 'a');
  const child = spawn(cluster.bin, ['mcp', '--http', `127.0.0.1:${port}`, '--storage-dir', cluster.storage,
    '--auth-token-file', cluster.tokenFile, '--trusted-proxy', '127.0.0.1', '--rate-limit', '0',
    '--audit-log', path.join(cluster.tmp, `${name}.audit.jsonl`), '--log-level', 'warning', ...extra],
  { stdio: ['ignore', out, out] });
  fs.closeSync(out);
  let exited = null;
  child.on('exit', (code, signal) => { exited = { code, signal }; });
  const node = {
    name, port, pid: child.pid, child, log, exited: () => exited, url: `http://127.0.0.1:${port}/mcp`,
    audit: path.join(cluster.tmp, `${name}.audit.jsonl`),
  };
  await waitListening(port, name, node.exited, log);
  cluster.nodes = cluster.nodes.filter((n) => n.name !== name).concat(node);
  return node;
}

// HAProxy's config for a frontend on 127.0.0.1:port and these nodes: the
// shipped deploy/haproxy.cfg with the same directives, but for the lines
// marked "[process]" (chroot, user, group, syslog: they need root and
// Debian's layout, and the test runs HAProxy in its own foreground), the
// bind address, and the server lines.
export function proxyConfig(port, nodes, shipped = fs.readFileSync(SHIPPED_CFG, 'utf8')) {
  const lines = shipped.split('\n');
  const out = [];
  for (let i = 0; i < lines.length; i++) {
    if (/^\s*# \[process\]/.test(lines[i])) { // the marked directive(s) right after this comment
      while (i + 1 < lines.length && !/^\s*(#|$)/.test(lines[i + 1])) i++;
      continue;
    }
    if (/^\s*server /.test(lines[i])) continue;
    out.push(lines[i].replace(/^(\s*)bind :8080$/, `$1bind 127.0.0.1:${port}`));
    if (/^\s*default-server /.test(lines[i]))
      for (const n of nodes) out.push(`    server ${n.name} 127.0.0.1:${n.port}`);
  }
  const text = out.join('\n');
  if (!text.includes(`bind 127.0.0.1:${port}`) || nodes.some((n) => !text.includes(`server ${n.name} `)))
    throw new Error('deploy/haproxy.cfg no longer has "bind :8080" and a default-server line');
  return text;
}

// Run `haproxy -f CFG -db` (foreground) in front of nodes; resolves to
// {port, url, child, stop()} once its frontend listens.
export async function startProxy(cluster, nodes, name = 'haproxy') {
  const port = await freePort();
  const cfg = path.join(cluster.tmp, `${name}.cfg`);
  fs.writeFileSync(cfg, proxyConfig(port, nodes));
  const check = spawnSync(HAPROXY, ['-c', '-q', '-f', cfg], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`haproxy -c refused ${cfg}: ${check.stdout}${check.stderr}`);
  const log = path.join(cluster.tmp, `${name}.log`);
  const out = fs.openSync(log, 'a');
  const child = spawn(HAPROXY, ['-f', cfg, '-db'], { stdio: ['ignore', out, out] });
  fs.closeSync(out);
  let exited = null;
  child.on('exit', (code, signal) => { exited = { code, signal }; });
  await waitListening(port, 'haproxy', () => exited, log);
  const proxy = {
    port, log, child, url: `http://127.0.0.1:${port}/mcp`, exited: () => exited,
    stop: () => stopChild(child, () => exited),
  };
  cluster.proxies.push(proxy);
  return proxy;
}

// SIGTERM, then SIGKILL after 5 s; resolves once the child is gone.
async function stopChild(child, exited) {
  if (exited() !== null) return;
  child.kill('SIGTERM');
  for (let t = 0; t < 50 && exited() === null; t++) await sleep(100);
  if (exited() === null) child.kill('SIGKILL');
  for (let t = 0; t < 50 && exited() === null; t++) await sleep(100);
}

// The pids of node's process tree (the node and its zygotes and sessions).
export const treeOf = (node) => [node.pid, ...descendants(node.pid)];

// kill -9 one node: the process alone, as a crash would (its zygotes and
// session processes notice on their own). Returns the time of the kill.
export function killNode(node) {
  process.kill(node.pid, 'SIGKILL');
  return performance.now();
}

// Stop everything the cluster started: the proxies, the nodes, and any
// process of their trees still alive (pids recorded in leftovers).
export async function stopCluster(cluster, leftovers = []) {
  for (const p of cluster.proxies) await p.stop();
  const pids = new Set(leftovers);
  for (const n of cluster.nodes) if (n.exited() === null) for (const p of treeOf(n)) pids.add(p);
  for (const n of cluster.nodes) await stopChild(n.child, n.exited);
  await sleep(200);
  for (const p of pids) { try { process.kill(p, 'SIGKILL'); } catch { /* gone */ } }
}

// ---- clients --------------------------------------------------------------------

// An MCP client (SDK v1, protocol 2025-11-25) of url with the cluster's
// token. Every response's X-Served-By and status lands in served
// ({sent, at, node, status, sid}: times sent and answered; sid is the Mcp-Session-Id it was sent with).
export class ScaleClient {
  constructor(url, token, name) {
    Object.assign(this, { url, token, name, served: [], client: null, transport: null, inits: 0 });
  }

  // A fetch that records which node answered.
  recordingFetch() {
    return async (input, init) => {
      const sid = new Headers(init?.headers).get('mcp-session-id');
      const sent = performance.now();
      const r = await fetch(input, init);
      this.served.push({ sent, at: performance.now(), node: r.headers.get('x-served-by'), status: r.status, sid });
      return r;
    };
  }

  // A new transport and Client: initialize (a new protocol session), or,
  // with sessionId, reuse that protocol session (no initialize).
  async connect(sessionId) {
    if (this.client) await this.client.close().catch(() => {});
    this.transport = new StreamableHTTPClientTransport(new URL(this.url), {
      sessionId, fetch: this.recordingFetch(),
      requestInit: { headers: { Authorization: `Bearer ${this.token}` } },
      reconnectionOptions: { maxRetries: 0, initialReconnectionDelay: 1000, maxReconnectionDelay: 1000, reconnectionDelayGrowFactor: 1 },
    });
    this.client = new Client({ name: this.name, version: '1.0.0' });
    this.client.onerror = () => {}; // the GET stream's 405 and a dead node's resets: calls report their own
    await this.client.connect(this.transport);
    if (sessionId === undefined) this.inits++;
    return this;
  }

  get sessionId() { return this.transport?.sessionId; }

  // tools/call; resolves to the result, or throws (HTTP status in err.code).
  call(tool, args, timeout = 120000) {
    return this.client.callTool({ name: tool, arguments: args }, undefined, { timeout });
  }

  async close() {
    if (!this.client) return;
    await this.transport.terminateSession().catch(() => {});
    await this.client.close().catch(() => {});
  }
}

// The text and stdout of a tool result.
export const textOf = (r) => r?.content?.map((c) => c.text ?? '').join('\n') ?? '';
export const stdoutOf = (r) => r?.structuredContent?.stdout ?? '';

// The node that answered most of a client's requests sent with sid.
export function nodeOfSession(c, sid) {
  const counts = new Map();
  for (const s of c.served) if (s.sid === sid && s.node) counts.set(s.node, (counts.get(s.node) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
}

// An HTTP status from an SDK error (StreamableHTTPError's code), else null.
export const statusOf = (err) => (Number.isInteger(err?.code) && err.code >= 100 ? err.code : null);
