// tests/mcp/sdk_client.test.mjs - the MCP server driven by the official
// TypeScript SDK (v1 Client), over both transports: stdio (the SDK spawns
// `llm-sandbox mcp`) and Streamable HTTP (this file starts the server on a
// free loopback port with a bearer token). Every scenario runs on both, with
// assertions on what comes back, not only on "no error"; a few HTTP-only ones
// follow (a second client's own Mcp-Session-Id, the token check).
//
// Binary: $LSB_MCP_BINARY, else build/llm-sandbox. Run via run_sdk.sh.
// Both servers get a large --fuel: with the default budget a Python busy loop
// runs out of fuel in a fraction of a second, and the cancel and progress
// scenarios need runs that last seconds.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const BINARY = path.resolve(process.env.LSB_MCP_BINARY || path.join(here, '../../build/llm-sandbox'));
const BIG_FUEL = '100000000000000'; // 1e14: minutes of busy loop (see the header)
const EXPECTED_TOOLS = [
  'execute_code', 'create_session', 'destroy_session', 'list_runtimes',
  'list_available_packages', 'install_package', 'get_workspace_info', 'reset_workspace',
  'cancel_execution', 'get_metrics', 'get_active_sessions', 'reset_all_sessions',
];
const BUSY_LOOP = 'while True: pass';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/* ---- servers and clients ------------------------------------------------ */

/* A free TCP port on 127.0.0.1 (bound then released). */
function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/* The last lines of a server log, for a failure message. */
function logTail(file, lines = 30) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

const stdioTransport = {
  name: 'stdio',
  /* The SDK spawns the server itself; its stderr (JSON-line logs) goes to a file. */
  async start({ args = [] } = {}) {
    const dir = mkdtempSync(path.join(tmpdir(), 'lsb-mcp-sdk-stdio-'));
    const log = path.join(dir, 'server.log');
    const logStream = createWriteStream(log);
    const clients = [];
    return {
      dir,
      log,
      async connect(name = 'lsb-sdk-test') {
        const transport = new StdioClientTransport({
          command: BINARY,
          args: ['mcp', '--storage-dir', path.join(dir, 'storage'), '--fuel', BIG_FUEL, ...args],
          stderr: 'pipe',
        });
        transport.stderr.pipe(logStream, { end: false });
        const client = new Client({ name, version: '1.0.0' });
        await client.connect(transport);
        clients.push(client);
        return { client, transport };
      },
      async stop() {
        for (const c of clients) await c.close().catch(() => {});
        logStream.end();
      },
    };
  },
};

const httpTransport = {
  name: 'http',
  /* Starts `mcp --http 127.0.0.1:PORT --auth-token-file F` (F private,
   * holding the token; no token when token is null) and waits until it
   * answers. */
  async start({ token = `tok-${process.pid}-${Date.now()}`, args = [] } = {}) {
    const dir = mkdtempSync(path.join(tmpdir(), 'lsb-mcp-sdk-http-'));
    const log = path.join(dir, 'server.log');
    const logStream = createWriteStream(log);
    const port = await freePort();
    const url = new URL(`http://127.0.0.1:${port}/mcp`);
    const tokenFile = path.join(dir, 'token');
    if (token) writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
    const server = spawn(BINARY, ['mcp', '--http', `127.0.0.1:${port}`, '--storage-dir',
      path.join(dir, 'storage'), ...(token ? ['--auth-token-file', tokenFile] : []), '--fuel', BIG_FUEL,
      ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] });
    server.stdout.pipe(logStream, { end: false });
    server.stderr.pipe(logStream, { end: false });
    let exited = null;
    server.on('exit', (code, signal) => { exited = { code, signal }; });
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (exited) throw new Error(`server exited (${JSON.stringify(exited)}) before answering:\n${logTail(log)}`);
      try {
        await fetch(url, { method: 'POST', signal: AbortSignal.timeout(1000) });
        break; // any HTTP answer (401 without the token) means it listens
      } catch {
        if (Date.now() > deadline) throw new Error(`server did not answer on ${url} in 30 s:\n${logTail(log)}`);
        await sleep(100);
      }
    }
    const clients = [];
    return {
      dir,
      log,
      url,
      token,
      pid: server.pid,
      async connect(name = 'lsb-sdk-test', headers = token ? { Authorization: `Bearer ${token}` } : {}) {
        const transport = new StreamableHTTPClientTransport(url, { requestInit: { headers } });
        const client = new Client({ name, version: '1.0.0' });
        await client.connect(transport);
        clients.push(client);
        return { client, transport };
      },
      async stop() {
        for (const c of clients) await c.close().catch(() => {});
        if (!exited) {
          server.kill('SIGTERM');
          const t = setTimeout(() => server.kill('SIGKILL'), 5000);
          await new Promise((r) => (exited ? r() : server.on('exit', r)));
          clearTimeout(t);
        }
        logStream.end();
      },
    };
  },
};

/* Every process below pid (from /proc/PID/stat's parent field). */
function descendants(pid) {
  const parent = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'latin1');
      parent.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch { /* gone meanwhile */ }
  }
  const out = [];
  const walk = (p) => { for (const [c, pp] of parent) if (pp === p) { out.push(c); walk(c); } };
  walk(pid);
  return out;
}

/* ---- helpers on a client ------------------------------------------------ */

/* Calls a tool; returns the result (isError or not). */
async function call(client, name, args = {}, options = {}) {
  return client.callTool({ name, arguments: args }, undefined, { timeout: 120_000, ...options });
}

/* The text of a result's content (all text items joined). */
function text(res) {
  assert.ok(Array.isArray(res.content) && res.content.length > 0, `no content in ${JSON.stringify(res).slice(0, 300)}`);
  return res.content.filter((c) => c.type === 'text').map((c) => c.text).join('\n');
}

/* A successful tool call: asserts isError is false and returns the result. */
async function ok(client, name, args = {}, options = {}) {
  const res = await call(client, name, args, options);
  assert.notEqual(res.isError, true, `${name} ${JSON.stringify(args).slice(0, 200)} failed: ${text(res).slice(0, 600)}`);
  return res;
}

/* A failing tool call: asserts isError is true and returns the result. */
async function fails(client, name, args = {}) {
  const res = await call(client, name, args);
  assert.equal(res.isError, true, `${name} ${JSON.stringify(args).slice(0, 200)} should fail: ${text(res).slice(0, 600)}`);
  return res;
}

/* Runs code and asserts it succeeded; returns structuredContent. */
async function run(client, code, extra = {}) {
  const res = await ok(client, 'execute_code', { code, ...extra });
  const sc = res.structuredContent;
  assert.equal(sc.success, true, `run failed: ${text(res).slice(0, 600)}`);
  return { res, sc };
}

async function newSession(client, language) {
  const res = await ok(client, 'create_session', { language });
  const id = res.structuredContent.session_id;
  assert.match(id, /^[A-Za-z0-9_-]{1,128}$/);
  assert.ok(text(res).includes(id), 'the text names the session id');
  assert.equal(res.structuredContent.language, language);
  return id;
}

async function pythonCancelled(client) {
  const m = await ok(client, 'get_metrics');
  return m.structuredContent.executions.python.cancelled;
}

/* Waits until get_active_sessions shows a run in progress in session id. */
async function waitRunning(client, id, ms = 15_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const res = await ok(client, 'get_active_sessions');
    const s = res.structuredContent.sessions.find((x) => x.session_id === id);
    assert.ok(s, `session ${id} not in get_active_sessions`);
    if (s.running) return;
    if (Date.now() > deadline) assert.fail(`session ${id} never showed running=true`);
    await sleep(100);
  }
}

/* ---- the scenarios, the same on every transport ------------------------- */

const scenarios = [
  ['initialize and list the 11 tools', async ({ client }) => {
    const info = client.getServerVersion();
    assert.equal(info.name, 'llm-wasm-sandbox');
    assert.ok(info.version, 'serverInfo.version');
    assert.ok(client.getServerCapabilities().tools, 'tools capability');
    assert.ok((client.getInstructions() || '').length > 20, 'instructions');
    const { tools } = await client.listTools();
    assert.deepEqual(tools.map((t) => t.name).sort(), [...EXPECTED_TOOLS].sort());
    for (const t of tools) {
      assert.equal(t.inputSchema.type, 'object', `${t.name}.inputSchema.type`);
      assert.ok(t.description && t.description.length > 10, `${t.name} has a description`);
    }
    const exec = tools.find((t) => t.name === 'execute_code');
    assert.deepEqual(exec.inputSchema.required, ['code']);
    assert.ok(exec.inputSchema.properties.session_id && exec.inputSchema.properties.timeout);
  }],

  ['one-shot Python execute_code', async ({ client }) => {
    const { res, sc } = await run(client, 'import sys\nprint(6 * 7, sys.version_info[:2])');
    assert.equal(sc.stdout, '42 (3, 11)\n');
    assert.ok(text(res).includes('42 (3, 11)'), text(res));
    assert.equal(sc.exit_code, 0);
    assert.equal(sc.runtime, 'python');
    assert.equal(sc.session_id, null);
    assert.ok(sc.fuel_consumed > 0 && sc.duration_ms > 0);
  }],

  ['one-shot JavaScript execute_code', async ({ client }) => {
    const { res, sc } = await run(client, 'console.log([1, 2, 3].map(x => x * 2).join(","))',
      { language: 'javascript' });
    assert.equal(sc.stdout, '2,4,6\n');
    assert.ok(text(res).includes('2,4,6'), text(res));
    assert.equal(sc.runtime, 'javascript');
  }],

  ['Python session keeps a variable between calls', async ({ client }) => {
    const id = await newSession(client, 'python');
    const first = await run(client, 'x = 41', { session_id: id });
    assert.equal(first.sc.stdout, '');
    assert.equal(first.sc.session_id, id);
    const { res, sc } = await run(client, 'print(x + 1)', { session_id: id });
    assert.equal(sc.stdout, '42\n');
    assert.ok(text(res).includes('42'));
  }],

  ['JavaScript session keeps a let binding between calls', async ({ client }) => {
    const id = await newSession(client, 'javascript');
    await run(client, 'let x = 41;', { session_id: id });
    const { sc } = await run(client, 'console.log(x + 1)', { session_id: id });
    assert.equal(sc.stdout, '42\n');
    // the session's language is implied; a mismatching one is refused
    const wrong = await fails(client, 'execute_code', { code: 'print(1)', language: 'python', session_id: id });
    assert.match(text(wrong), /javascript|language/i);
  }],

  ['a file written in a session is listed and read back', async ({ client }) => {
    const id = await newSession(client, 'python');
    const w = await run(client, "with open('/app/notes.txt', 'w') as f:\n    f.write('hello from the sandbox')",
      { session_id: id });
    assert.ok(w.sc.files_created.some((f) => f.includes('notes.txt')), JSON.stringify(w.sc.files_created));
    const info = await ok(client, 'get_workspace_info', { session_id: id });
    assert.deepEqual(info.structuredContent.files, ['notes.txt']);
    const file = info.structuredContent.file_entries.find((f) => f.path === 'notes.txt');
    assert.ok(file, `notes.txt not listed: ${JSON.stringify(info.structuredContent.file_entries)}`);
    assert.equal(file.size, 'hello from the sandbox'.length);
    assert.ok(text(info).includes('/app/notes.txt'), text(info));
    const { sc } = await run(client, "print(open('/app/notes.txt').read())", { session_id: id });
    assert.equal(sc.stdout, 'hello from the sandbox\n');
  }],

  ["the original's result fields: create_session, execute_code, get_active_sessions, list_runtimes", async ({ client }) => {
    const created = await ok(client, 'create_session', { language: 'python', auto_persist_globals: true });
    const id = created.structuredContent.session_id;
    assert.match(text(created), new RegExp(`^Created session ${id} for python with automatic global variable persistence`));
    assert.equal(created.structuredContent.sandbox_session_id, id);
    assert.ok(Math.abs(created.structuredContent.created_at - Date.now() / 1000) < 120);
    assert.equal(created.structuredContent.auto_persist_globals, true);
    const { sc } = await run(client, "open('out/r.txt' if False else 'r.txt', 'w').write('x')", { session_id: id });
    assert.deepEqual(sc.files_changed, [{ absolute: '/app/r.txt', relative: 'r.txt', filename: 'r.txt' }]);
    assert.equal(sc.execution_time_ms, sc.duration_ms);
    const active = await ok(client, 'get_active_sessions');
    const { summary } = active.structuredContent;
    assert.equal(summary.expired_count, 0);
    assert.equal(summary.active_count, active.structuredContent.sessions.length);
    assert.equal(summary.total_count, summary.active_count);
    assert.ok(active.structuredContent.sessions.some((x) => x.session_id === id && x.is_expired === false));
    assert.match(text(active), /^Active sessions: \d+ active, 0 expired, \d+ total/);
    const runtimes = await ok(client, 'list_runtimes');
    assert.match(text(runtimes), /^Available runtimes:/);
    const packages = await ok(client, 'list_available_packages');
    assert.match(text(packages), /\/data\/site-packages/);
    assert.match(text(packages), /automatically available/);
    assert.doesNotMatch(text(packages), /\/app\/site-packages/);
    assert.equal((text(packages).match(/attrs 22/g) || []).length, 1, 'each project listed once');
    assert.match(packages.structuredContent.usage_note, /automatically available/);
    const big = await fails(client, 'execute_code', { code: `# ${'x'.repeat(1024 * 1024)}`, language: 'python' });
    assert.match(text(big), /too large/);
  }],

  ['non-ASCII text round-trips: output, errors, file names and contents, both languages', async ({ client }) => {
    const word = 'café — 日本語 🎉';
    const id = await newSession(client, 'python');
    const py = await run(client, `name = '/app/données-${'ü'}.txt'\nopen(name, 'w').write(${JSON.stringify(word)})\n` +
      `print(open(name).read())\nimport os, sys\nprint(sorted(os.listdir('/app')), sys.stdout.encoding)`, { session_id: id });
    assert.equal(py.sc.stdout, `${word}\n['données-ü.txt'] utf-8\n`);
    assert.ok(text(py.res).includes(word), text(py.res));
    assert.ok(py.sc.files_created.some((f) => f.includes('données-ü.txt')), JSON.stringify(py.sc.files_created));
    const info = await ok(client, 'get_workspace_info', { session_id: id });
    assert.ok(info.structuredContent.files.includes('données-ü.txt'), JSON.stringify(info.structuredContent.files));
    const file = info.structuredContent.file_entries.find((f) => f.path === 'données-ü.txt');
    assert.ok(file, JSON.stringify(info.structuredContent.file_entries));
    assert.equal(file.size, Buffer.byteLength(word));
    const err = await call(client, 'execute_code', { code: 'raise ValueError("ça ne va pas ✗")', session_id: id });
    assert.equal(err.structuredContent.success, false);
    assert.match(err.structuredContent.stderr, /ValueError: ça ne va pas ✗/);
    const js = await run(client, `writeText('/app/ñ.txt', ${JSON.stringify(word)}); console.log(readText('/app/ñ.txt'))`,
      { language: 'javascript' });
    assert.equal(js.sc.stdout, `${word}\n`);
  }],

  ['a failing run (1/0) reports ZeroDivisionError and leaves the variables', async ({ client }) => {
    const id = await newSession(client, 'python');
    await run(client, 'x = 41', { session_id: id });
    const res = await fails(client, 'execute_code', { code: 'x = 0\n1/0', session_id: id });
    const sc = res.structuredContent;
    assert.equal(sc.success, false);
    assert.equal(sc.error.type, 'ZeroDivisionError');
    assert.match(sc.stderr, /ZeroDivisionError: division by zero/);
    assert.ok(text(res).includes('ZeroDivisionError'));
    const after = await run(client, 'print(x)', { session_id: id });
    assert.equal(after.sc.stdout, '41\n', 'the failed run rolled back x = 0');
  }],

  ['an unknown session_id is an error', async ({ client }) => {
    const res = await fails(client, 'execute_code', { code: 'print(1)', session_id: 'no-such-session' });
    assert.match(text(res), /^Session no-such-session not found/);
    assert.equal(res.structuredContent.error.type, 'UnknownSession');
  }],

  ['invalid arguments are errors', async ({ client }) => {
    const t0 = await fails(client, 'execute_code', { code: 'print(1)', timeout: 0 });
    assert.match(text(t0), /^Invalid timeout value/);
    const t301 = await fails(client, 'execute_code', { code: 'print(1)', timeout: 301 });
    assert.match(text(t301), /^Invalid timeout value/);
    const unknown = await fails(client, 'execute_code', { code: 'print(1)', bogus: 1 });
    assert.match(text(unknown), /bogus/);
    const lang = await fails(client, 'execute_code', { code: 'print(1)', language: 'cobol' });
    assert.match(text(lang), /^Unsupported language: cobol\. Supported: python, javascript/);
    const noCode = await fails(client, 'execute_code', {});
    assert.match(text(noCode), /code/);
    const noLang = await fails(client, 'create_session', {});
    assert.match(text(noLang), /language/);
  }],

  ['cancel with an AbortSignal (notifications/cancelled)', async ({ client }) => {
    const id = await newSession(client, 'python');
    await run(client, 'x = 41', { session_id: id });
    const before = await pythonCancelled(client);
    const ac = new AbortController();
    const started = Date.now();
    const pending = call(client, 'execute_code', { code: BUSY_LOOP, timeout: 60, session_id: id },
      { signal: ac.signal });
    await waitRunning(client, id);
    ac.abort('test aborts the run');
    await assert.rejects(pending, /test aborts the run/);
    // the session still works, and did not wait for the 60 s run
    const { sc } = await run(client, 'print(x + 1)', { session_id: id });
    assert.equal(sc.stdout, '42\n');
    assert.ok(Date.now() - started < 30_000, `the follow-up came ${Date.now() - started} ms after the start`);
    // the server counted the run as cancelled (it may record it just after answering)
    let now = await pythonCancelled(client);
    for (let i = 0; i < 50 && now <= before; i++) {
      await sleep(100);
      now = await pythonCancelled(client);
    }
    assert.ok(now > before, `get_metrics executions.python.cancelled stayed at ${now}`);
  }],

  ['cancel_execution stops a pending run of the same client', async ({ client }) => {
    const id = await newSession(client, 'python');
    await run(client, 'x = 41', { session_id: id });
    const started = Date.now();
    const pending = call(client, 'execute_code', { code: BUSY_LOOP, timeout: 60, session_id: id });
    await waitRunning(client, id);
    const c = await ok(client, 'cancel_execution', { session_id: id });
    assert.equal(c.structuredContent.cancelled, 1, text(c));
    const res = await pending;
    const elapsed = Date.now() - started;
    assert.equal(res.isError, true, text(res));
    assert.equal(res.structuredContent.trap_reason, 'cancelled', text(res));
    assert.ok(elapsed < 20_000, `the cancelled run took ${elapsed} ms`);
    const { sc } = await run(client, 'print(x + 1)', { session_id: id });
    assert.equal(sc.stdout, '42\n', 'variables as before the cancelled run');
  }],

  ['progress notifications during a 2.5 s run', async ({ client }) => {
    const seen = [];
    const res = await ok(client, 'execute_code',
      { code: 'import time; t=time.time()\nwhile time.time()-t<2.5: pass\nprint("done")', timeout: 30 },
      { onprogress: (p) => seen.push(p) });
    const sc = res.structuredContent;
    assert.equal(sc.success, true, text(res));
    assert.equal(sc.stdout, 'done\n');
    assert.ok(seen.length >= 1, 'no progress notification arrived');
    for (let i = 0; i < seen.length; i++) {
      assert.equal(typeof seen[i].progress, 'number');
      if (i > 0) assert.ok(seen[i].progress > seen[i - 1].progress, 'progress increases');
    }
  }],

  ['large output is truncated into a file that a session can read back', async ({ client }) => {
    const code = "print('a' * 150000)";
    // one-shot: the file is in the server's storage
    const one = await run(client, code);
    const oneText = text(one.res);
    assert.ok(oneText.length < 110_000, `one-shot text is ${oneText.length} chars`);
    assert.ok(one.sc.output_files && one.sc.output_files.stdout, JSON.stringify(one.sc.output_files));
    assert.ok(oneText.includes(one.sc.output_files.stdout), 'the text names the full output file');
    assert.match(oneText, /150001 characters/);
    // in a session: /app/outputs/..., readable by the next run
    const id = await newSession(client, 'python');
    const { res, sc } = await run(client, code, { session_id: id });
    const t = text(res);
    assert.ok(t.length < 110_000, `session text is ${t.length} chars`);
    const file = sc.output_files && sc.output_files.stdout;
    assert.match(file || '', /^\/app\/outputs\//);
    assert.ok(t.includes(file), 'the text names the full output file');
    const back = await run(client, `print(len(open(${JSON.stringify(file)}).read()))`, { session_id: id });
    assert.equal(back.sc.stdout, '150001\n');
  }],

  ['destroy_session, then the id is unknown', async ({ client }) => {
    const id = await newSession(client, 'python');
    await run(client, 'x = 1', { session_id: id });
    const d = await ok(client, 'destroy_session', { session_id: id });
    assert.equal(d.structuredContent.destroyed, true);
    assert.equal(text(d), `Destroyed session ${id}`);
    const res = await fails(client, 'execute_code', { code: 'print(x)', session_id: id });
    assert.match(text(res), new RegExp(`^Session ${id} not found`));
    const info = await fails(client, 'get_workspace_info', { session_id: id });
    assert.match(text(info), new RegExp(`^Session ${id} not found`));
    const again = await fails(client, 'destroy_session', { session_id: id });
    assert.match(text(again), new RegExp(`^Session ${id} not found`));
  }],

  ["the original's texts and fields: get_workspace_info, reset_workspace, get_metrics, null arguments", async ({ client }) => {
    const id = await newSession(client, 'python');
    const w = await run(client, "open('/app/résumé ☕.txt', 'w').write('naïve 日本')\nprint('écrit ✓')",
      { session_id: id, timeout: null });
    assert.equal(w.sc.stdout, 'écrit ✓\n');
    const one = await run(client, 'print(2 + 2)', { session_id: null, timeout: null });
    assert.equal(one.sc.session_id, null, 'session_id null is a one-shot run');
    const info = await ok(client, 'get_workspace_info', { session_id: id });
    const sc = info.structuredContent;
    assert.equal(text(info).split('\n')[0], `Session ${id}: python, 1 executions, 1 files`);
    assert.equal(sc.workspace_id, id);
    assert.equal(sc.sandbox_session_id, id);
    assert.equal(sc.language, 'python');
    assert.equal(sc.execution_count, 1);
    assert.deepEqual([sc.variables, sc.imports], [[], []]);
    assert.deepEqual(sc.files, ['résumé ☕.txt']);
    assert.equal(sc.is_expired, false);
    assert.ok(sc.last_used_at >= sc.created_at && Math.abs(sc.created_at - Date.now() / 1000) < 120);
    assert.equal(sc.system_files, undefined, 'system_files only when asked');
    const sys = await ok(client, 'get_workspace_info', { session_id: id, include_system_files: true });
    const first = text(sys).split('\n')[0];
    const m = first.match(new RegExp(`^Session ${id}: python, 1 executions, 1 files \\((\\d+) system\\)$`));
    assert.ok(m, first);
    assert.equal(sys.structuredContent.system_files.length, Number(m[1]));
    const r = await ok(client, 'reset_workspace', { session_id: id });
    assert.equal(text(r), `Reset workspace session ${id}`);
    assert.equal(r.structuredContent.session_id, id);
    const after = await ok(client, 'get_workspace_info', { session_id: id });
    assert.equal(text(after), `Session ${id}: python, 0 executions, 0 files`);
    assert.match(text(await fails(client, 'reset_workspace', { session_id: 'no-such-reset' })),
      /^Session no-such-reset not found/);
    assert.match(text(await fails(client, 'cancel_execution', { session_id: 'no-such-cancel' })),
      /^Session no-such-cancel not found/);
    const metrics = await ok(client, 'get_metrics');
    const mine = (await ok(client, 'get_active_sessions')).structuredContent.sessions.length;
    const mt = text(metrics).match(/^MCP Server v(\d+\.\d+\.\d+): (\d+) tool executions, (\d+) active sessions$/);
    assert.ok(mt, text(metrics));
    const ms = metrics.structuredContent;
    assert.deepEqual(ms.server, { version: mt[1], name: 'llm-wasm-sandbox' });
    assert.equal(ms.sessions.active_count, mine);
    assert.equal(Number(mt[3]), mine);
    assert.equal(ms.tool_executions.total_count, Number(mt[2]));
    assert.ok(ms.tool_executions.total_count > 8 && ms.tool_executions.error_count >= 2, JSON.stringify(ms.tool_executions));
    assert.ok(ms.sessions.created_count >= 1 && ms.resources.total_fuel_consumed > 0, JSON.stringify(ms));
    const rt = await ok(client, 'list_runtimes');
    assert.match(text(rt), /^Available runtimes:\n\n🔹 python \(3\.11\)\n/);
    assert.match(text(rt), /\n🔹 javascript \(ES2020\)\n/);
    assert.match(text(rt), /💡 Tip: Use list_available_packages/);
    const [py, js] = rt.structuredContent.runtimes;
    for (const r of [py, js]) {
      for (const k of ['name', 'version', 'description', 'features', 'api_patterns', 'helper_functions', 'fuel_requirements']) {
        assert.ok(k in r, `${r.name} has ${k}`);
      }
      assert.ok(!('path' in r) && !('config' in r));
    }
    assert.ok(py.features.pre_installed_packages >= 20 && js.features.vendored_packages >= 8, JSON.stringify([py.features, js.features]));
    const pk = await ok(client, 'list_available_packages');
    assert.deepEqual(Object.keys(pk.structuredContent.packages), ['python_document_processing', 'python_text_data',
      'python_utilities', 'python_stdlib_highlights', 'javascript_vendored_packages', 'javascript_stdlib',
      'fuel_requirements', 'incompatible_c_extensions']);
    assert.ok(pk.structuredContent.packages.python_document_processing.some((x) => x.startsWith('openpyxl ')));
    assert.ok(pk.structuredContent.packages.javascript_vendored_packages.some((x) => x.startsWith('lodash ')));
    assert.match(text(pk), /\nPython Document Processing:\n {2}- openpyxl /);
  }],
];

/* ---- HTTP only ---------------------------------------------------------- */

const httpScenarios = [
  ['a second client gets its own Mcp-Session-Id and both work at once', async ({ env, client, transport }) => {
    const second = await env.connect('lsb-sdk-test-2');
    assert.ok(transport.sessionId, 'first client has an Mcp-Session-Id');
    assert.ok(second.transport.sessionId, 'second client has an Mcp-Session-Id');
    assert.notEqual(second.transport.sessionId, transport.sessionId);
    const code = (n) => `import time\ntime.sleep(0.5)\nprint(${n})`;
    const started = Date.now();
    const [a, b] = await Promise.all([run(client, code(1)), run(second.client, code(2))]);
    assert.equal(a.sc.stdout, '1\n');
    assert.equal(b.sc.stdout, '2\n');
    assert.ok(Date.now() - started < 10_000);
    const m = await ok(second.client, 'get_metrics');
    assert.ok(m.structuredContent.http_sessions >= 2, `http_sessions = ${m.structuredContent.http_sessions}`);
    await second.client.close();
  }],

  ['clients with the same bearer token share its sessions', async ({ env, client }) => {
    const id = await newSession(client, 'python');
    await run(client, "x = 'même jeton'", { session_id: id });
    const second = await env.connect('lsb-sdk-test-same-token');
    const listed = await ok(second.client, 'get_active_sessions');
    assert.ok(listed.structuredContent.sessions.some((x) => x.session_id === id));
    const { sc } = await run(second.client, 'print(x)', { session_id: id });
    assert.equal(sc.stdout, 'même jeton\n');
    await second.client.close();
  }],

  ['the token (from a private file) reaches no child process, and no warning is logged', async ({ env, client }) => {
    const id = await newSession(client, 'python');
    const { sc } = await run(client, "import os\nprint(sorted(os.environ))", { session_id: id });
    assert.doesNotMatch(sc.stdout, /LSB_MCP_AUTH_TOKEN|tok-/);
    const kids = descendants(env.pid);
    assert.ok(kids.length >= 2, `the server has zygotes and a session process: ${kids}`);
    for (const pid of [env.pid, ...kids]) {
      const environ = readFileSync(`/proc/${pid}/environ`, 'latin1');
      assert.ok(!environ.includes(env.token), `the token is in /proc/${pid}/environ`);
    }
    assert.doesNotMatch(readFileSync(env.log, 'utf8'), /visible to other users/);
  }],

  ['a client without the bearer token is refused', async ({ env }) => {
    await assert.rejects(env.connect('no-token', {}), /401|Unauthorized|auth/i);
    await assert.rejects(env.connect('bad-token', { Authorization: 'Bearer wrong' }), /401|Unauthorized|auth/i);
  }],
];

/* ---- wiring -------------------------------------------------------------- */

for (const tr of [stdioTransport, httpTransport]) {
  describe(`MCP over ${tr.name}`, () => {
    const ctx = { failed: false };
    before(async () => {
      ctx.env = await tr.start();
      Object.assign(ctx, await ctx.env.connect());
    });
    after(async () => {
      await ctx.env?.stop();
      if (!ctx.env) return;
      if (ctx.failed || process.env.LSB_KEEP) {
        console.error(`[${tr.name}] server log tail (${ctx.env.log}):\n${logTail(ctx.env.log)}`);
      } else {
        rmSync(ctx.env.dir, { recursive: true, force: true });
      }
    });
    const list = tr === httpTransport ? [...scenarios, ...httpScenarios] : scenarios;
    for (const [name, fn] of list) {
      test(name, { timeout: 120_000 }, async () => {
        try {
          await fn(ctx);
        } catch (e) {
          ctx.failed = true;
          throw e;
        }
      });
    }
  });
}

/* ---- a small server: little fuel, two sessions, a 4 s TTL (stdio) --------- */

/* Starts env with tr and opts before a describe's tests; stops it after
 * (its folder stays when a test failed or LSB_KEEP is set). */
function serverFor(tr, opts) {
  const ctx = { failed: false };
  before(async () => { ctx.env = await tr.start(opts); });
  after(async () => {
    await ctx.env?.stop();
    if (ctx.env && !ctx.failed && !process.env.LSB_KEEP) rmSync(ctx.env.dir, { recursive: true, force: true });
    else if (ctx.env) console.error(`server log tail (${ctx.env.log}):\n${logTail(ctx.env.log)}`);
  });
  /* a test that marks ctx.failed when it throws */
  ctx.test = (name, fn) => test(name, { timeout: 120_000 }, async () => {
    try {
      await fn();
    } catch (e) {
      ctx.failed = true;
      throw e;
    }
  });
  return ctx;
}

describe('limits (stdio, --fuel 20000000 --max-sessions 2 --session-ttl 4)', () => {
  const ctx = serverFor(stdioTransport, { args: ['--fuel', '20000000', '--max-sessions', '2', '--session-ttl', '4'] });
  const sessionDir = (id) => path.join(ctx.env.dir, 'storage', 'sessions', id);

  ctx.test('execute_code text ends with the fuel note when the fuel runs out', async () => {
    const { client } = await ctx.env.connect();
    const res = await call(client, 'execute_code', { code: "print('début ☕', flush=True)\nwhile True: pass" });
    const sc = res.structuredContent;
    assert.equal(res.isError, true, text(res));
    assert.equal(sc.trap_reason, 'out_of_fuel', text(res));
    assert.equal(sc.stdout, 'début ☕\n');
    const fa = sc.fuel_analysis;
    if (fa && fa.status) { // the result's fuel_analysis (another part of issue 9)
      assert.equal(fa.status, 'exhausted');
      assert.ok(fa.recommendation.length > 10, JSON.stringify(fa));
      assert.ok(text(res).endsWith(`\n\n📊 Fuel Analysis: ${fa.recommendation}`), text(res));
      assert.equal(text(res).split('📊').length, 2, 'the note appears once');
    }
    const small = await run(client, 'print(1)');
    if (['warning', 'critical'].includes(small.sc.fuel_analysis?.status)) {
      assert.ok(text(small.res).endsWith(`📊 Fuel Analysis: ${small.sc.fuel_analysis.recommendation}`));
    } else {
      assert.ok(!text(small.res).includes('📊'), text(small.res));
    }
  });

  ctx.test("the session limit gives the original's error; reset_all_sessions ends the caller's sessions", async () => {
    const { client } = await ctx.env.connect();
    const a = await newSession(client, 'python');
    const b = await newSession(client, 'javascript');
    const over = await fails(client, 'create_session', { language: 'python' });
    const message = 'Maximum sessions (2) reached. Destroy existing sessions first.';
    assert.deepEqual(over.structuredContent, {
      error: 'session_limit_exceeded', message, active_sessions: 2, max_sessions: 2,
      hint: 'Use destroy_session to remove unused sessions, or wait for sessions to expire.',
    });
    assert.equal(text(over), message);
    assert.equal((await run(client, 'print("sans session ✓")')).sc.stdout, 'sans session ✓\n', 'one-shot runs need no session');
    assert.ok(existsSync(sessionDir(a)) && existsSync(sessionDir(b)));
    const cleared = await ok(client, 'reset_all_sessions', { cleanup_disk: true });
    assert.equal(text(cleared), 'Reset 2 sessions successfully');
    assert.deepEqual(cleared.structuredContent, { cleared_count: 2, disk_cleanup: true, disk_errors: null });
    for (const id of [a, b]) {
      const gone = await fails(client, 'execute_code', { code: 'print(1)', session_id: id });
      assert.match(text(gone), new RegExp(`^Session ${id} not found`));
      assert.equal(existsSync(sessionDir(id)), false, `${id} deleted at once`);
    }
    // without cleanup_disk: the id is unknown at once, the files go at the next sweep
    const c = await newSession(client, 'python');
    await run(client, "open('/app/reste-ü.txt', 'w').write('ü')", { session_id: c });
    const released = await ok(client, 'reset_all_sessions', {});
    assert.equal(text(released), 'Reset 1 sessions successfully');
    assert.deepEqual(released.structuredContent, { cleared_count: 1, disk_cleanup: false, disk_errors: null });
    assert.deepEqual((await ok(client, 'get_active_sessions')).structuredContent.sessions, []);
    assert.match(text(await fails(client, 'get_workspace_info', { session_id: c })), new RegExp(`^Session ${c} not found`));
    const deadline = Date.now() + 15_000;
    while (existsSync(sessionDir(c)) && Date.now() < deadline) await sleep(200);
    assert.equal(existsSync(sessionDir(c)), false, 'the released workspace is deleted by the next sweep');
    const none = await ok(client, 'reset_all_sessions', { cleanup_disk: false });
    assert.equal(text(none), 'Reset 0 sessions successfully');
    await newSession(client, 'python'); // the places are free again
    await newSession(client, 'python');
  });
});

/* ---- ownership over HTTP ---------------------------------------------------- */

describe('sessions belong to the client that created them (HTTP, no token: the Mcp-Session-Id)', () => {
  const ctx = serverFor(httpTransport, { token: null });

  ctx.test("B cannot see, read, run in, reset, cancel, install into or destroy A's session; A still can", async () => {
    const A = await ctx.env.connect('client-a');
    const B = await ctx.env.connect('client-b');
    assert.notEqual(A.transport.sessionId, B.transport.sessionId);
    const id = await newSession(A.client, 'python');
    await run(A.client, "secret = 'à moi 🔒'\nopen('/app/privé.txt', 'w').write(secret)", { session_id: id });
    const listB = await ok(B.client, 'get_active_sessions');
    assert.deepEqual(listB.structuredContent.sessions, []);
    assert.equal(listB.structuredContent.summary.total_count, 0);
    const notFound = new RegExp(`^Session ${id} not found`);
    const attempts = [
      ['get_workspace_info', { session_id: id, include_system_files: true }],
      ['execute_code', { code: 'print(secret)', session_id: id }],
      ['execute_code', { code: "print(open('/app/privé.txt').read())", session_id: id }],
      ['reset_workspace', { session_id: id }],
      ['cancel_execution', { session_id: id }],
      ['install_package', { package: 'humanize', session_id: id }],
      ['destroy_session', { session_id: id }],
    ];
    for (const [tool, args] of attempts) {
      const res = await fails(B.client, tool, args);
      assert.match(text(res), notFound, `${tool}: ${text(res)}`);
      assert.equal(res.structuredContent.error.type, 'UnknownSession');
      assert.doesNotMatch(JSON.stringify(res), /à moi|privé/);
    }
    const taken = await fails(B.client, 'create_session', { language: 'python', session_id: id });
    assert.equal(taken.structuredContent.error.type, 'SessionExists', text(taken));
    const resetB = await ok(B.client, 'reset_all_sessions', { cleanup_disk: true });
    assert.equal(resetB.structuredContent.cleared_count, 0);
    const mB = await ok(B.client, 'get_metrics');
    assert.equal(mB.structuredContent.sessions.active_count, 0);
    assert.match(text(mB), /, 0 active sessions$/);
    // A still has its session, its variables and its files
    const { sc } = await run(A.client, "print(secret, open('/app/privé.txt').read())", { session_id: id });
    assert.equal(sc.stdout, 'à moi 🔒 à moi 🔒\n');
    const listA = await ok(A.client, 'get_active_sessions');
    assert.deepEqual(listA.structuredContent.sessions.map((x) => x.session_id), [id]);
    const infoA = await ok(A.client, 'get_workspace_info', { session_id: id });
    assert.deepEqual(infoA.structuredContent.files, ['privé.txt']);
    assert.match(text(await ok(A.client, 'get_metrics')), /, 1 active sessions$/);
    // B's own session is B's alone
    const bId = await newSession(B.client, 'javascript');
    assert.deepEqual((await ok(A.client, 'get_active_sessions')).structuredContent.sessions.map((x) => x.session_id), [id]);
    assert.match(text(await fails(A.client, 'get_workspace_info', { session_id: bId })), new RegExp(`^Session ${bId} not found`));
    assert.equal(text(await ok(A.client, 'destroy_session', { session_id: id })), `Destroyed session ${id}`);
    // the owner (a hash) is in the session's record; when B's protocol
    // session ends (DELETE), its sessions are released for the sweep
    const owner = (sid) =>
      JSON.parse(readFileSync(path.join(ctx.env.dir, 'storage', 'sessions', sid, 'session.json'), 'utf8')).owner;
    assert.match(owner(bId), /^o-[0-9a-f]{32}$/);
    await B.transport.terminateSession();
    assert.equal(owner(bId), 'released');
    assert.equal(existsSync(path.join(ctx.env.dir, 'storage', 'sessions', id)), false, 'a destroyed session is gone, owner and all');
    assert.equal(existsSync(path.join(ctx.env.dir, 'storage', 'owners')), false, 'no owner files');
  });
});

describe('--share-sessions lets every client use every session (HTTP, no token)', () => {
  const ctx = serverFor(httpTransport, { token: null, args: ['--share-sessions'] });

  ctx.test("B sees and uses A's session", async () => {
    const A = await ctx.env.connect('client-a');
    const B = await ctx.env.connect('client-b');
    const id = await newSession(A.client, 'python');
    await run(A.client, "shared = 'partagé ✓'", { session_id: id });
    const listB = await ok(B.client, 'get_active_sessions');
    assert.ok(listB.structuredContent.sessions.some((x) => x.session_id === id));
    assert.equal((await run(B.client, 'print(shared)', { session_id: id })).sc.stdout, 'partagé ✓\n');
    assert.equal(text(await ok(B.client, 'destroy_session', { session_id: id })), `Destroyed session ${id}`);
    assert.match(text(await fails(A.client, 'execute_code', { code: 'print(1)', session_id: id })), /not found/);
  });
});

/* ---- issue 14: the audit and protocol-session attacks ----------------------- */

describe('a client name cut mid-character is still audited (stdio, --audit-log)', () => {
  const auditDir = mkdtempSync(path.join(tmpdir(), 'lsb-mcp-audit-'));
  const audit = path.join(auditDir, 'audit.jsonl');
  const ctx = serverFor(stdioTransport, { args: ['--audit-log', audit] });
  after(() => rmSync(auditDir, { recursive: true, force: true }));

  ctx.test('62 × "a" + "é" as clientInfo.name: every call has its audit line', async () => {
    const { client } = await ctx.env.connect(`${'a'.repeat(62)}é`);
    assert.equal((await run(client, 'print("journal ✓")')).sc.stdout, 'journal ✓\n');
    await ok(client, 'list_runtimes');
    const lines = readFileSync(audit, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(lines.map((l) => l.tool).sort(), ['execute_code', 'list_runtimes']);
    for (const l of lines) {
      assert.equal(l.client_name, 'a'.repeat(62));
      assert.equal(l.audit_error, undefined);
    }
  });
});

describe('an initialize flood does not log other clients out (HTTP, token, --rate-limit 0)', () => {
  const ctx = serverFor(httpTransport, { args: ['--rate-limit', '0'] });

  ctx.test('1,001 initialize with the same token; the SDK client keeps its Mcp-Session-Id', async () => {
    const { client, transport } = await ctx.env.connect('victim');
    const id = await newSession(client, 'python');
    await run(client, "x = 'toujours là ✓'", { session_id: id });
    const headers = {
      Authorization: `Bearer ${ctx.env.token}`, 'Content-Type': 'application/json',
      Accept: 'application/json, text/event-stream',
    };
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: {
      protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'flood', version: '1' } } });
    const statuses = new Map();
    for (let i = 0; i < 1001; i++) {
      const r = await fetch(ctx.env.url, { method: 'POST', headers, body });
      await r.arrayBuffer();
      statuses.set(r.status, (statuses.get(r.status) || 0) + 1);
    }
    assert.deepEqual([...statuses], [[200, 1001]]);
    const sid = transport.sessionId;
    assert.equal((await run(client, 'print(x)', { session_id: id })).sc.stdout, 'toujours là ✓\n');
    assert.equal(transport.sessionId, sid, 'the same Mcp-Session-Id still works');
    const m = await ok(client, 'get_metrics');
    assert.ok(m.structuredContent.http_sessions <= 100, `http_sessions = ${m.structuredContent.http_sessions}`);
  });
});

/* ---- the seed's entry point ------------------------------------------------ */

describe('llm-wasm-mcp (the alias a Claude Desktop config names)', () => {
  test('speaks MCP over stdio like `llm-sandbox mcp`', { timeout: 60_000 }, async () => {
    const alias = path.join(path.dirname(BINARY), 'llm-wasm-mcp');
    const dir = mkdtempSync(path.join(tmpdir(), 'lsb-mcp-alias-'));
    const transport = new StdioClientTransport({
      command: alias, args: ['--storage-dir', path.join(dir, 'storage')], stderr: 'ignore',
    });
    const client = new Client({ name: 'alias-test', version: '1.0.0' });
    try {
      await client.connect(transport);
      const { tools } = await client.listTools();
      assert.deepEqual(tools.map((t) => t.name).sort(), [...EXPECTED_TOOLS].sort());
      const res = await client.callTool({
        name: 'execute_code', arguments: { code: 'console.log([1,2,3].map(x => x * 2).join(","))', language: 'javascript' },
      });
      assert.equal(res.isError, false);
      assert.equal(res.structuredContent.stdout, '2,4,6\n');
    } finally {
      await client.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
