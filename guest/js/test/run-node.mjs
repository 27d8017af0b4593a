// run-node.mjs - runs a guest (quickjs.wasm, or python.wasm from a host
// snapshot) under Node 20's node:wasi, standing in for the C host: it
// preopens the five mounts in the host's order (src/sandbox/worker.c),
// serves the "lsb" imports from its arguments (the prelude source, the run
// options, emit), calls _initialize, lsb_init (or restores the C host's own
// snapshot) and then lsb_run, and prints the exit status.
// For guest tests, for the bench (Node's WASI against our AOT host) and
// for the check that a run consumes the same fuel here as in the host
// (tests/e2e/fuel_node.sh). Not a sandbox: Node's WASI is not a security
// boundary.
//
//   node --no-turbo-fast-api-calls guest/js/test/run-node.mjs \
//        --wasm OUT/quickjs.wasm [options] (-e CODE | FILE)
//
//   --wasm PATH           the guest (default: $QUICKJS_WASM)
//   -e, --code CODE       program text (else read from FILE); give it more
//                         than once to run each text in turn (one lsb_run
//                         each, on one instance like a live session)
//   --prelude PATH        LSB_REQ_PRELUDE for lsb_init (default: the
//                         prelude.js next to this folder)
//   --option K=V          a run option (LSB_REQ_OPTIONS) for every run,
//                         e.g. state_file=/app/.lsb/state.json (repeatable)
//   --restore             add restore=1 to the first run's options only,
//                         as the host does for a re-materialised session
//   --data DIR            folder preopened at /data (default: empty)
//   --external DIR        folder preopened at /external (default: empty)
//   --stdlib DIR          folder preopened at /usr/local/lib (default: empty;
//                         the python guest needs the host's python-stdlib)
//   --root DIR            folder preopened at / (default: an empty skeleton
//                         with the mount points, like the host's assets/root)
//   --host-snapshot PATH  start every run from the C host's snapshot image
//                         (build/assets/quickjs.snap or python.snap: its
//                         linear memory and mutable globals after the
//                         host's own lsb_init) instead of running lsb_init;
//                         refused unless it was made from this --wasm
//   --filename NAME       name in stack traces (default FILE's name, main.js)
//   --env K=V             per-run environment entry (repeatable)
//   --memory-limit-mb N   cap linear memory like the host (default 128)
//   --app DIR             folder preopened at /app (default: a temp folder)
//   --runs N              call lsb_run N times (default 1), on one instance
//                         like a live session, or with --snapshot each in a
//                         fresh instance
//   --snapshot            do what the host does: copy linear memory and the
//                         mutable globals after lsb_init, and start every run
//                         from a new instance restored from that copy
//   --fuel N              budget per run for a fuel-instrumented guest
//                         (tools/fuel; default 5000000000); prints
//                         "[run-node] fuel_consumed=N". Ignored otherwise.
//   --time                print init and run times to stderr
//
// Each lsb.emit call prints "[run-node] emit kind=K text=\"...\"" to stderr.
// Exit status: lsb_run's result (of the last run); 2 for bad usage; 3 if
// lsb_init failed; 134 for a wasm trap. The last stderr line is always
// "[run-node] exit_code=N" (or "[run-node] trap: ...").
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { isMainThread, Worker } from 'node:worker_threads';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const WASM_PAGE = 65536;
const MIB = 1024 * 1024;
const DEFAULT_MEMORY_LIMIT_MB = 128;
const LSB_REQ_CODE = 0;
const LSB_REQ_ENV = 1;
const LSB_REQ_FILENAME = 2;
const LSB_REQ_PRELUDE = 3;
const LSB_REQ_OPTIONS = 4;
const DEFAULT_PRELUDE = join(dirname(fileURLToPath(import.meta.url)), '..', 'prelude.js');
const MEMORY_SECTION_ID = 5;
const LIMITS_MIN_ONLY = 0x00;
const LIMITS_MIN_MAX = 0x01;
const EXIT_USAGE = 2;
const EXIT_INIT_FAILED = 3;
const EXIT_TRAP = 134;
// The guest runs in a worker with this much native stack: V8's default
// (about 1 MB) traps before QuickJS's own limit (its linear-memory stack
// is 1 MiB, about 3,000 plain JS frames, each of which also takes a few
// hundred bytes of V8 stack).
const GUEST_THREAD_STACK_MB = 64;
const STDOUT_FD = 1;
const STDERR_FD = 2;
const WASI_ESUCCESS = 0;
const IOVEC_SIZE = 8;
const RETRY_SLEEP_MS = 1;
const DEFAULT_FUEL = 5000000000n;       // DESIGN.md's library default
const INIT_FUEL = 1000000000000n;       // _initialize + lsb_init, generous
// The C host's snapshot image (src/sandbox/snapshot.c): a header page, then
// linear memory. Header fields, little-endian, at these offsets.
const SNAP_MAGIC = 'LSBSNAP1';
const SNAP_VERSION = 3;
const SNAP_DATA_OFFSET = 4096;
const SNAP_AT = { version: 8, pages: 12, guest: 16, wasmHash: 32, globalCount: 104, globals: 120 };
const SNAP_NAME_MAX = 16;
const SNAP_HASH_MAX = 72;
const SNAP_MAX_GLOBALS = 64;
const ROOT_MOUNT_POINTS = ['app', 'data', 'external', 'usr'];

// Writes all of data to fd, synchronously, waiting out EAGAIN: Node often
// leaves stdio non-blocking (spawnSync hands out sockets), and node:wasi
// would report EAGAIN to the guest, whose stdio then drops the output.
const sleeper = new Int32Array(new SharedArrayBuffer(4));
function writeAll(fd, data) {
  let off = 0;
  while (off < data.length) {
    try {
      off += writeSync(fd, data, off, data.length - off);
    } catch (e) {
      if (e.code !== 'EAGAIN') throw e;
      Atomics.wait(sleeper, 0, 0, RETRY_SLEEP_MS);
    }
  }
}

// Harness lines go the same way, so they stay in order with the guest's.
const say = (text) => writeAll(STDERR_FD, Buffer.from(text));

function usage(msg) {
  say(`run-node: ${msg}\n`);
  process.exit(EXIT_USAGE);
}

function parseArgs(argv) {
  const o = { wasm: process.env.QUICKJS_WASM, env: [], memoryLimitMb: DEFAULT_MEMORY_LIMIT_MB, runs: 1, fuel: DEFAULT_FUEL,
              codes: [], options: [], prelude: DEFAULT_PRELUDE };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--wasm') o.wasm = next();
    else if (a === '-e' || a === '--code') o.codes.push(next());
    else if (a === '--prelude') o.prelude = next();
    else if (a === '--option') o.options.push(next());
    else if (a === '--restore') o.restore = true;
    else if (a === '--data') o.data = next();
    else if (a === '--external') o.external = next();
    else if (a === '--filename') o.filename = next();
    else if (a === '--env') o.env.push(next());
    else if (a === '--memory-limit-mb') o.memoryLimitMb = Number(next());
    else if (a === '--app') o.app = next();
    else if (a === '--runs') o.runs = Number(next());
    else if (a === '--time') o.time = true;
    else if (a === '--snapshot') o.snapshot = true;
    else if (a === '--host-snapshot') o.hostSnapshot = next();
    else if (a === '--stdlib') o.stdlib = next();
    else if (a === '--root') o.root = next();
    else if (a === '--fuel') o.fuel = BigInt(next());
    else if (a.startsWith('-')) usage(`unknown option ${a}`);
    else if (o.file === undefined) o.file = a;
    else usage(`unexpected argument ${a}`);
  }
  if (!o.wasm) usage('no --wasm given and QUICKJS_WASM is not set');
  if (o.codes.length === 0 && o.file === undefined) usage('give -e CODE or a FILE');
  if (o.codes.length === 0) o.codes.push(readFileSync(o.file, 'utf8'));
  if (o.codes.length > 1 && o.runs !== 1) usage('--runs repeats one program; give one -e with it');
  if (o.codes.length > 1) o.runs = o.codes.length;
  for (const kv of o.options) if (!kv.includes('=')) usage(`--option needs K=V, got ${kv}`);
  if (o.filename === undefined) o.filename = o.file !== undefined ? basename(o.file) : 'main.js';
  if (!(o.memoryLimitMb > 0)) usage('--memory-limit-mb must be positive');
  if (!(o.runs >= 1)) usage('--runs must be at least 1');
  if (o.hostSnapshot !== undefined && o.snapshot) usage('give --snapshot or --host-snapshot, not both');
  return o;
}

// A NUL-padded string field of the snapshot header.
function headerString(buf, at, max) {
  const field = buf.subarray(at, at + max);
  const end = field.indexOf(0);
  return field.subarray(0, end < 0 ? max : end).toString('latin1');
}

// Reads the C host's snapshot image at path and checks it was made from
// wasmBytes; returns { guest, image, globals } or calls usage() saying why not.
function readHostSnapshot(path, wasmBytes) {
  let buf;
  try {
    buf = readFileSync(path);
  } catch (e) {
    usage(`cannot read --host-snapshot ${path}: ${e.message}`);
  }
  if (buf.length < SNAP_DATA_OFFSET || buf.subarray(0, 8).toString('latin1') !== SNAP_MAGIC ||
      buf.readUInt32LE(SNAP_AT.version) !== SNAP_VERSION) {
    usage(`${path} is not a version ${SNAP_VERSION} snapshot image (${SNAP_MAGIC})`);
  }
  const pages = buf.readUInt32LE(SNAP_AT.pages);
  const globalCount = buf.readUInt32LE(SNAP_AT.globalCount);
  if (globalCount > SNAP_MAX_GLOBALS || buf.length < SNAP_DATA_OFFSET + pages * WASM_PAGE) {
    usage(`${path} is damaged: ${pages} pages and ${globalCount} globals do not fit its ${buf.length} bytes`);
  }
  const wasmHash = createHash('sha256').update(wasmBytes).digest('hex');
  const madeFrom = headerString(buf, SNAP_AT.wasmHash, SNAP_HASH_MAX);
  if (madeFrom !== wasmHash) usage(`${path} was made from another build of the guest (wasm ${madeFrom}, not ${wasmHash})`);
  const globals = Array.from({ length: globalCount }, (_, i) => buf.readBigUInt64LE(SNAP_AT.globals + 8 * i));
  return {
    guest: headerString(buf, SNAP_AT.guest, SNAP_NAME_MAX),
    image: buf.subarray(SNAP_DATA_OFFSET, SNAP_DATA_OFFSET + pages * WASM_PAGE),
    globals,
  };
}

// Unsigned LEB128 helpers for the one section we rewrite.
function readLeb(buf, pos) {
  let result = 0;
  let shift = 0;
  for (;;) {
    const b = buf[pos++];
    result += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if ((b & 0x80) === 0) return [result, pos];
  }
}

function leb(n) {
  const out = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
}

// Returns the module with its (defined) memory given a maximum, which is
// how the C host's cap looks from inside: memory.grow fails past it.
function capMemory(bytes, maxPages) {
  let pos = 8; // magic + version
  while (pos < bytes.length) {
    const id = bytes[pos];
    const [size, body] = readLeb(bytes, pos + 1);
    if (id === MEMORY_SECTION_ID) {
      let p = body;
      let count;
      [count, p] = readLeb(bytes, p);
      if (count !== 1) throw new Error('expected one memory');
      const flags = bytes[p++];
      if (flags !== LIMITS_MIN_ONLY && flags !== LIMITS_MIN_MAX) throw new Error('unsupported memory limits');
      let min;
      [min, p] = readLeb(bytes, p);
      let max = maxPages;
      if (flags === LIMITS_MIN_MAX) {
        let declared;
        [declared, p] = readLeb(bytes, p);
        max = Math.min(declared, maxPages);
      }
      if (min > max) throw new Error(`memory limit below the module's initial ${min} pages`);
      const content = [...leb(1), LIMITS_MIN_MAX, ...leb(min), ...leb(max)];
      return Buffer.concat([
        bytes.subarray(0, pos),
        Buffer.from([MEMORY_SECTION_ID, ...leb(content.length), ...content]),
        bytes.subarray(body + size),
      ]);
    }
    pos = body + size;
  }
  return bytes; // memory imported or absent: nothing to cap here
}

// Node warns that WASI is experimental when node:wasi loads; that line
// would end up in every test's stderr, hence the late import.
const emitWarning = process.emitWarning;
process.emitWarning = (warning, ...rest) => {
  if (String(warning).includes('WASI')) return;
  emitWarning.call(process, warning, ...rest);
};
const { WASI } = await import('node:wasi');

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const temps = [];
  const tempDir = (tag) => {
    const d = mkdtempSync(join(tmpdir(), `lsb-js-${tag}-`));
    temps.push(d);
    return d;
  };
  const skeletonRoot = () => {
    const d = tempDir('root');
    for (const m of ROOT_MOUNT_POINTS) mkdirSync(join(d, m));
    return d;
  };
  // The host's mounts, in its order (fds 3-7).
  const preopens = {
    '/usr/local/lib': o.stdlib ?? tempDir('stdlib'),
    '/app': o.app ?? tempDir('app'),
    '/data': o.data ?? tempDir('data'),
    '/external': o.external ?? tempDir('external'),
    '/': o.root ?? skeletonRoot(),
  };
  const fields = new Map([
    [LSB_REQ_ENV, Buffer.from(o.env.map((kv) => kv + '\0').join(''), 'utf8')],
    [LSB_REQ_FILENAME, Buffer.from(o.filename, 'utf8')],
    [LSB_REQ_PRELUDE, readFileSync(o.prelude)],
  ]);
  // The code and options of run r (0-based).
  const setRunFields = (r) => {
    fields.set(LSB_REQ_CODE, Buffer.from(o.codes[Math.min(r, o.codes.length - 1)], 'utf8'));
    const options = o.options.concat(r === 0 && o.restore ? ['restore=1'] : []);
    fields.set(LSB_REQ_OPTIONS, Buffer.from(options.map((kv) => kv + '\n').join(''), 'utf8'));
  };

  let memory;
  const guestBytes = (ptr, len) => {
    if (ptr < 0 || len < 0 || ptr + len > memory.buffer.byteLength) {
      throw new WebAssembly.RuntimeError('lsb import: guest pointer out of bounds');
    }
    return new Uint8Array(memory.buffer, ptr, len);
  };
  const lsb = {
    request_get(field, buf, cap) {
      const v = fields.get(field);
      if (v === undefined) return -1;
      const n = Math.min(cap >>> 0, v.length);
      if (n > 0) guestBytes(buf >>> 0, n).set(v.subarray(0, n));
      return v.length;
    },
    report_error(tp, tl, mp, ml) {
      const dec = (p, l) => Buffer.from(guestBytes(p >>> 0, l >>> 0)).toString('utf8');
      say(`[run-node] report_error type=${JSON.stringify(dec(tp, tl))} ` +
                           `message=${JSON.stringify(dec(mp, ml))}\n`);
    },
    emit(kind, p, l) {
      const text = Buffer.from(guestBytes(p >>> 0, l >>> 0)).toString('utf8');
      say(`[run-node] emit kind=${kind} text=${JSON.stringify(text)}\n`);
    },
    out_of_fuel() {
      throw new WebAssembly.RuntimeError('out of fuel');
    },
  };

  const wasmBytes = readFileSync(o.wasm);
  const host = o.hostSnapshot !== undefined ? readHostSnapshot(o.hostSnapshot, wasmBytes) : null;
  const bytes = capMemory(wasmBytes, Math.floor((o.memoryLimitMb * MIB) / WASM_PAGE));
  const t0 = performance.now();
  const module = await WebAssembly.compile(bytes);

  // One instance with its own WASI state; _initialize has run.
  const startInstance = async () => {
    // argv as the host gives it (the guest's name) when restoring its image
    const args = [host !== null ? host.guest : 'qjs'];
    const wasi = new WASI({ version: 'preview1', args, env: {}, preopens, returnOnExit: true });
    // fd_write on stdout/stderr is ours (see writeAll); the rest is Node's.
    const wasiImport = { ...wasi.wasiImport };
    wasiImport.fd_write = (fd, iovs, iovsLen, nwritten) => {
      if (fd !== STDOUT_FD && fd !== STDERR_FD) return wasi.wasiImport.fd_write(fd, iovs, iovsLen, nwritten);
      const view = new DataView(memory.buffer);
      let total = 0;
      for (let i = 0; i < iovsLen; i++) {
        const buf = view.getUint32(iovs + i * IOVEC_SIZE, true);
        const len = view.getUint32(iovs + i * IOVEC_SIZE + 4, true);
        writeAll(fd, guestBytes(buf, len));
        total += len;
      }
      view.setUint32(nwritten, total, true);
      return WASI_ESUCCESS;
    };
    const instance = await WebAssembly.instantiate(module, { wasi_snapshot_preview1: wasiImport, lsb });
    memory = instance.exports.memory;
    const fuelSet = instance.exports.lsb_fuel_set;
    if (fuelSet) fuelSet(INIT_FUEL); // the pass starts the counter at 0
    wasi.initialize(instance);
    // A trap, or proc_exit (Node throws its private exit symbol; the code
    // is stored on the WASI object under that symbol).
    const call = (name) => {
      try {
        return { code: instance.exports[name]() };
      } catch (e) {
        if (typeof e === 'symbol' && typeof wasi[e] === 'number') return { code: wasi[e] };
        return { trap: e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e) };
      }
    };
    // Mutable globals, as the fuel pass exposes them (uninstrumented builds
    // have one, __stack_pointer, which is back at its start between calls).
    const ex = instance.exports;
    const saveGlobals = () => (ex.lsb_globals_count
      ? Array.from({ length: ex.lsb_globals_count() }, (_, i) => ex.lsb_global_get(i)) : []);
    const restoreGlobals = (values) => values.forEach((v, i) => ex.lsb_global_set(i, v));
    return { instance, call, saveGlobals, restoreGlobals, fuelSet, fuelGet: ex.lsb_fuel_get };
  };

  let status;
  try {
    // With the host's image every run makes its own instance; otherwise
    // lsb_init runs in this one.
    let guest = null;
    let image = null;
    let globals = null;
    if (host !== null) {
      ({ image, globals } = host);
    } else {
      guest = await startInstance();
      const t1 = performance.now();
      const init = guest.call('lsb_init');
      const t2 = performance.now();
      if (o.time) say(`[run-node] compile+instantiate ${(t1 - t0).toFixed(1)} ms, lsb_init ${(t2 - t1).toFixed(1)} ms\n`);
      if (init.trap !== undefined || init.code !== 0) {
        say(`[run-node] lsb_init failed: ${init.trap ?? init.code}\n`);
        return EXIT_INIT_FAILED;
      }
      if (o.snapshot) {
        image = new Uint8Array(memory.buffer).slice();
        globals = guest.saveGlobals();
      }
    }
    for (let r = 0; r < o.runs; r++) {
      if (image !== null) {
        guest = await startInstance();
        const missing = image.length - memory.buffer.byteLength;
        if (missing < 0) {
          say(`[run-node] the snapshot image is smaller than the guest's initial memory\n`);
          return EXIT_INIT_FAILED;
        }
        if (missing > 0) memory.grow(missing / WASM_PAGE);
        new Uint8Array(memory.buffer).set(image);
        guest.restoreGlobals(globals);
      }
      if (guest.fuelSet) guest.fuelSet(o.fuel);
      setRunFields(r);
      const t3 = performance.now();
      const run = guest.call('lsb_run');
      const t4 = performance.now();
      if (o.time) say(`[run-node] lsb_run ${(t4 - t3).toFixed(1)} ms\n`);
      if (guest.fuelGet) say(`[run-node] fuel_consumed=${o.fuel - guest.fuelGet()}\n`);
      if (run.trap !== undefined) {
        say(`[run-node] trap: ${run.trap}\n`);
        return EXIT_TRAP;
      }
      status = run.code;
      say(`[run-node] exit_code=${status}\n`);
    }
    return status;
  } finally {
    for (const d of temps) rmSync(d, { recursive: true, force: true });
  }
}

if (isMainThread) {
  const worker = new Worker(new URL(import.meta.url), {
    argv: process.argv.slice(2),
    resourceLimits: { stackSizeMb: GUEST_THREAD_STACK_MB },
  });
  worker.on('error', (e) => {
    say(`[run-node] ${e.stack ?? e}\n`);
    process.exitCode = EXIT_USAGE;
  });
  worker.on('exit', (code) => {
    if (process.exitCode === undefined) process.exitCode = code;
  });
} else {
  process.exitCode = await main();
}
