// tests/spec/mcp_driver.mjs - the MCP surface of the spec suite (spec.py):
// the official TypeScript SDK's Client over stdio, spawning
// `BINARY mcp --storage-dir DIR [extra args]`. Reads one JSON request per
// line on stdin, writes one JSON reply per line on stdout, in order:
//   {op: "run", lang, code, timeout?, server?}            execute_code without a session
//   {op: "session_create", lang, auto_persist?, id?, server?}  create_session
//   {op: "session_exec", id, code, lang?, timeout?, server?}   execute_code with session_id
//   {op: "session_destroy", id, server?}                   destroy_session
//   {op: "tool", tool, args, server?}                      any tool call
// Replies: {ok: true, text, structured, is_error, result?, id?} where result is
// execute_code's structuredContent; a call the SDK refuses or the server
// answers with a JSON-RPC error gives {ok: false, code, message}.
// `server` is a list of extra server arguments (e.g. ["--fuel", "100000"]):
// one server per distinct list, started on first use and kept for the run.
// Usage: node mcp_driver.mjs BINARY WORKDIR
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const sdk = path.join(here, '../mcp/node_modules/@modelcontextprotocol/sdk/dist/esm');
const { Client } = await import(path.join(sdk, 'client/index.js'));
const { StdioClientTransport } = await import(path.join(sdk, 'client/stdio.js'));

const [BINARY, WORKDIR] = process.argv.slice(2);
const servers = new Map(); // JSON of the extra args -> connected Client

/* The client of the server started with these extra args (started on first use). */
async function clientFor(extra = []) {
  const key = JSON.stringify(extra);
  if (servers.has(key)) return servers.get(key);
  const storage = path.join(WORKDIR, `mcp-${servers.size}`);
  mkdirSync(storage, { recursive: true });
  const transport = new StdioClientTransport({
    command: BINARY,
    args: ['mcp', '--storage-dir', storage, '--audit-log', '-', '--log-level', 'error', ...extra],
    stderr: 'ignore',
  });
  const client = new Client({ name: 'lsb-spec', version: '1.0.0' });
  await client.connect(transport);
  servers.set(key, client);
  return client;
}

/* The text of a tool result's content (its text parts joined). */
function textOf(res) {
  return (res.content || []).filter((c) => c.type === 'text').map((c) => c.text).join('');
}

/* Call a tool; the reply object spec.py reads. */
async function call(extra, name, args) {
  const client = await clientFor(extra);
  try {
    const res = await client.callTool({ name, arguments: args }, undefined, { timeout: 300_000 });
    return { ok: true, text: textOf(res), structured: res.structuredContent ?? null, is_error: !!res.isError };
  } catch (e) {
    return { ok: false, code: String(e.code ?? 'error'), message: String(e.message) };
  }
}

/* execute_code's arguments for a run request. */
function execArgs(req, withSession) {
  const args = { code: req.code, language: req.lang || 'python' };
  if (req.timeout !== undefined) args.timeout = req.timeout;
  if (withSession) args.session_id = req.id;
  return args;
}

/* Answer one request. */
async function handle(req) {
  const extra = req.server || [];
  switch (req.op) {
    case 'run':
    case 'session_exec': {
      const r = await call(extra, 'execute_code', execArgs(req, req.op === 'session_exec'));
      if (r.ok) r.result = r.structured;
      return r;
    }
    case 'session_create': {
      const args = { language: req.lang || 'python', auto_persist_globals: !!req.auto_persist };
      if (req.id) args.session_id = req.id;
      const r = await call(extra, 'create_session', args);
      if (r.ok && r.structured) r.id = r.structured.session_id;
      if (r.ok && r.is_error) r.ok = false;
      return r;
    }
    case 'session_destroy':
      return call(extra, 'destroy_session', { session_id: req.id });
    case 'tool':
      return call(extra, req.tool, req.args || {});
    default:
      return { ok: false, code: 'usage', message: `unknown op ${req.op}` };
  }
}

const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of rl) {
  if (!line.trim()) continue;
  let reply;
  try {
    reply = await handle(JSON.parse(line));
  } catch (e) {
    reply = { ok: false, code: 'driver', message: String(e && e.stack ? e.stack : e) };
  }
  process.stdout.write(JSON.stringify(reply) + '\n');
}
for (const c of servers.values()) await c.close().catch(() => {});
