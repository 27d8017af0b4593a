/*
 * prelude.js - the JavaScript half of the QuickJS guest's globals.
 *
 * The host hands this source to lsb_init (request field LSB_REQ_PRELUDE),
 * which evaluates it once (so it is in the snapshot) as "<prelude>", never
 * concatenated with user code, so user line numbers are untouched. It is a
 * single function expression: the driver calls it with the native helpers
 * and keeps the hooks it returns. It owns value formatting (a rough Node
 * util.inspect), console, print, process, the timer queue, the file
 * helpers (readText, writeText, ...), require() over /data/js, and the
 * session side of a run: run options, durable globals and scratch runs
 * (what persists is spelled out above startRun). Output, exit, env/argv
 * and the file system calls themselves stay in C (driver.c, files.c).
 */
(function (native) {
  'use strict';

  const MAX_DEPTH = 2;            /* nesting shown before [Object] */
  const BREAK_LENGTH = 72;        /* longer than this: one entry per line */
  const MAX_ARRAY_ITEMS = 100;    /* then "... n more items" */
  const MAX_STRING_IN_OBJECT = 10000;
  const MAX_STACK_LINES = 30;     /* printed frames, after folding repeats */
  const REPEATS_SHOWN = 3;        /* identical frames kept before folding */
  const INDENT = '  ';
  const GROUP_MIN_ITEMS = 7;      /* more array items than this: in columns */
  const GROUP_MAX_ITEM = 16;      /* ...if none is longer than this */
  const GROUP_MAX_COLUMNS = 12;
  const GROUP_WIDTH = 80;
  const STDOUT = 1;
  const STDERR = 2;

  const hasOwn = (o, k) => Object.prototype.hasOwnProperty.call(o, k);
  const toStr = (v) => Object.prototype.toString.call(v);
  const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

  /* A string as it appears inside an object: single quotes preferred. */
  function quote(s) {
    if (s.length > MAX_STRING_IN_OBJECT) {
      const more = s.length - MAX_STRING_IN_OBJECT;
      return quote(s.slice(0, MAX_STRING_IN_OBJECT)) + `... ${more} more characters`;
    }
    let q = "'";
    if (s.includes("'")) {
      if (!s.includes('"')) q = '"';
      else if (!s.includes('`') && !s.includes('${')) q = '`';
    }
    let out = q;
    for (const ch of s) {
      const c = ch.codePointAt(0);
      if (ch === q || ch === '\\') out += '\\' + ch;
      else if (ch === '\n') out += '\\n';
      else if (ch === '\t') out += '\\t';
      else if (ch === '\r') out += '\\r';
      else if (ch === '\b') out += '\\b';
      else if (ch === '\f') out += '\\f';
      else if (ch === '\v') out += '\\v';
      else if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0').toUpperCase();
      else out += ch;
    }
    return out + q;
  }

  function formatKey(k) {
    if (typeof k === 'symbol') return '[' + k.toString() + ']';
    return IDENT.test(k) ? k : quote(k);
  }

  function formatNumber(n) {
    return Object.is(n, -0) ? '-0' : String(n);
  }

  function formatPrimitive(v) {
    switch (typeof v) {
      case 'string': return quote(v);
      case 'number': return formatNumber(v);
      case 'bigint': return String(v) + 'n';
      case 'symbol': return v.toString();
      case 'undefined': return 'undefined';
      default: return String(v);      /* boolean, null */
    }
  }

  function constructorName(o) {
    let p = Object.getPrototypeOf(o);
    if (p === null) return null;
    while (p !== null) {
      const d = Object.getOwnPropertyDescriptor(p, 'constructor');
      if (d && typeof d.value === 'function' && d.value.name) return d.value.name;
      p = Object.getPrototypeOf(p);
    }
    return '';
  }

  function formatFunction(f) {
    const src = Function.prototype.toString.call(f);
    if (/^class\b/.test(src)) return `[class ${f.name || '(anonymous)'}]`;
    const kind = toStr(f).slice(8, -1);   /* Function, AsyncFunction, ... */
    return f.name ? `[${kind}: ${f.name}]` : `[${kind} (anonymous)]`;
  }

  /* Drops our own frames, folds runs of one frame (deep recursion) the
     way Python does, and caps the length. */
  function trimStack(stack) {
    const lines = stack.split('\n').filter((l) => l && !l.includes('(<prelude>'));
    const out = [];
    for (let i = 0; i < lines.length;) {
      let j = i;
      while (j < lines.length && lines[j] === lines[i]) j++;
      for (let k = 0; k < Math.min(j - i, REPEATS_SHOWN); k++) out.push(lines[i]);
      if (j - i > REPEATS_SHOWN) out.push(`    [previous line repeated ${j - i - REPEATS_SHOWN} more times]`);
      i = j;
    }
    if (out.length > MAX_STACK_LINES) {
      const more = out.length - (MAX_STACK_LINES - 1);
      out.length = MAX_STACK_LINES - 1;
      out.push(`    ... ${more} more lines`);
    }
    return out.join('\n');
  }

  /* "Name: message" then the stack QuickJS recorded (it lacks that line). */
  function formatError(e, indent) {
    let head;
    try { head = String(e); } catch (_) { head = 'Error'; }
    const stack = typeof e.stack === 'string' ? trimStack(e.stack) : '';
    const text = stack ? head + '\n' + stack : head;
    return indent ? text.split('\n').join('\n' + indent) : text;
  }

  /* Joins entries on one line when short, else one per indented line. */
  function wrap(prefix, open, close, parts, indent) {
    if (parts.length === 0) return `${prefix}${open}${close}`;
    const oneLine = `${prefix}${open} ${parts.join(', ')} ${close}`;
    if (oneLine.length + indent.length <= BREAK_LENGTH && !oneLine.includes('\n')) return oneLine;
    const inner = indent + INDENT;
    return `${prefix}${open}\n${inner}${parts.join(',\n' + inner)}\n${indent}${close}`;
  }

  /* Like wrap, but more than six short array items go in aligned
     columns (numbers right-aligned), roughly the way Node lays them out:
     about 2.5 times wider than tall, short items getting more columns. */
  function wrapItems(prefix, items, extra, indent) {
    const plain = () => wrap(prefix, '[', ']', items.concat(extra), indent);
    if (items.length < GROUP_MIN_ITEMS || items.some((x) => x.includes('\n'))) return plain();
    const cell = Math.max(...items.map((x) => x.length)) + 2;   /* ", " */
    const inner = indent + INDENT;
    if (cell > GROUP_MAX_ITEM + 2 || cell * 3 + inner.length > GROUP_WIDTH) return plain();
    const weight = Math.max(cell - 3, 1);
    const cols = Math.max(1, Math.min(GROUP_MAX_COLUMNS,
                                      Math.floor((GROUP_WIDTH - inner.length) / cell),
                                      Math.round(Math.sqrt(2.5 * weight * items.length) / weight)));
    const numeric = items.every((x) => /^-?[0-9]/.test(x));
    const colWidth = [];
    items.forEach((x, i) => { colWidth[i % cols] = Math.max(colWidth[i % cols] || 0, x.length); });
    const rows = [];
    for (let i = 0; i < items.length; i += cols) {
      let row = '';
      for (let j = i; j < Math.min(i + cols, items.length); j++) {
        const last = j === items.length - 1 || j === i + cols - 1;
        const w = colWidth[j - i];
        if (numeric) row += items[j].padStart(w) + (last ? '' : ', ');
        else row += last ? items[j] : (items[j] + ',').padEnd(w + 2);
      }
      rows.push(row);
    }
    const lines = rows.concat(extra);
    return `${prefix}[\n${inner}${lines.join(',\n' + inner)}\n${indent}]`;
  }

  function propertyParts(o, keys, depth, seen, indent) {
    const parts = [];
    for (const k of keys) {
      const d = Object.getOwnPropertyDescriptor(o, k);
      if (!d) continue;
      let shown;
      if (d.get || d.set) shown = d.get && d.set ? '[Getter/Setter]' : d.get ? '[Getter]' : '[Setter]';
      else shown = formatValue(d.value, depth + 1, seen, indent + INDENT);
      parts.push(`${formatKey(k)}: ${shown}`);
    }
    return parts;
  }

  function ownEnumerableKeys(o) {
    const keys = Object.keys(o);
    for (const s of Object.getOwnPropertySymbols(o)) {
      if (Object.prototype.propertyIsEnumerable.call(o, s)) keys.push(s);
    }
    return keys;
  }

  /* Items (holes folded) and extras ("... more items", named keys) apart,
     so that wrapItems can lay the items out in columns. */
  function formatArrayLike(a, depth, seen, indent, isTyped) {
    const parts = [];
    const extra = [];
    const len = a.length;
    const shown = Math.min(len, MAX_ARRAY_ITEMS);
    let holes = 0;
    const flushHoles = () => {
      if (holes) parts.push(`<${holes} empty item${holes > 1 ? 's' : ''}>`);
      holes = 0;
    };
    for (let i = 0; i < shown; i++) {
      if (!isTyped && !hasOwn(a, i)) { holes++; continue; }
      flushHoles();
      parts.push(formatValue(a[i], depth + 1, seen, indent + INDENT));
    }
    flushHoles();
    if (len > shown) extra.push(`... ${len - shown} more item${len - shown > 1 ? 's' : ''}`);
    if (!isTyped) {
      const named = ownEnumerableKeys(a).filter((k) => typeof k === 'symbol' || !/^(0|[1-9][0-9]*)$/.test(k));
      extra.push(...propertyParts(a, named, depth, seen, indent));
    }
    return [parts, extra];
  }

  function formatObject(o, depth, seen, indent) {
    if (seen.includes(o)) return '[Circular]';
    const tag = toStr(o).slice(8, -1);
    const ctor = constructorName(o);
    const isArray = Array.isArray(o);

    if (o instanceof Error) return formatError(o, indent);
    if (typeof o === 'function') {
      const keys = ownEnumerableKeys(o);
      if (keys.length === 0 || depth > MAX_DEPTH) return formatFunction(o);
    }
    if (tag === 'Date') {
      const t = Date.prototype.getTime.call(o);
      return isNaN(t) ? 'Invalid Date' : Date.prototype.toISOString.call(o);
    }
    if (tag === 'RegExp') return RegExp.prototype.toString.call(o);
    if (tag === 'Number' || tag === 'String' || tag === 'Boolean' || tag === 'BigInt' || tag === 'Symbol') {
      return `[${tag}: ${formatPrimitive(o.valueOf())}]`;
    }
    if (tag === 'Promise') return 'Promise { <unknown> }';
    if (tag === 'WeakMap' || tag === 'WeakSet' || tag === 'WeakRef') return `${tag} { <items unknown> }`;

    if (depth > MAX_DEPTH) {
      if (isArray) return '[Array]';
      return `[${ctor || tag || 'Object'}]`;
    }

    seen.push(o);
    try {
      let prefix = '';
      if (ctor === null) prefix = '[Object: null prototype] ';
      else if (ctor && ctor !== 'Object') prefix = ctor + ' ';

      if (isArray) {
        const p = ctor === 'Array' ? '' : prefix;
        return wrapItems(p, ...formatArrayLike(o, depth, seen, indent, false), indent);
      }
      if (ArrayBuffer.isView(o) && !(o instanceof DataView)) {
        return wrapItems(`${ctor || tag}(${o.length}) `, ...formatArrayLike(o, depth, seen, indent, true), indent);
      }
      if (tag === 'ArrayBuffer' || tag === 'SharedArrayBuffer') {
        return `${tag} { byteLength: ${o.byteLength} }`;
      }
      if (tag === 'Map') {
        const parts = [];
        for (const [k, v] of Map.prototype.entries.call(o)) {
          parts.push(`${formatValue(k, depth + 1, seen, indent + INDENT)} => ${formatValue(v, depth + 1, seen, indent + INDENT)}`);
        }
        return wrap(`${ctor || 'Map'}(${o.size}) `, '{', '}', parts, indent);
      }
      if (tag === 'Set') {
        const parts = [];
        for (const v of Set.prototype.values.call(o)) parts.push(formatValue(v, depth + 1, seen, indent + INDENT));
        return wrap(`${ctor || 'Set'}(${o.size}) `, '{', '}', parts, indent);
      }
      if (typeof o === 'function') {
        const parts = propertyParts(o, ownEnumerableKeys(o), depth, seen, indent);
        return wrap(formatFunction(o) + ' ', '{', '}', parts, indent);
      }
      if (tag !== 'Object' && !ctor) prefix = `Object [${tag}] `;
      else if (tag !== 'Object' && tag !== ctor && hasOwn(o, Symbol.toStringTag) === false &&
               typeof o[Symbol.toStringTag] === 'string') prefix = `${ctor} [${tag}] `;
      const parts = propertyParts(o, ownEnumerableKeys(o), depth, seen, indent);
      return wrap(prefix, '{', '}', parts, indent);
    } finally {
      seen.pop();
    }
  }

  function formatValue(v, depth, seen, indent) {
    if (v === null || (typeof v !== 'object' && typeof v !== 'function')) return formatPrimitive(v);
    return formatObject(v, depth, seen, indent);
  }

  /* util.inspect, roughly. Never throws: a failing getter or proxy trap
     gives a placeholder instead. */
  function inspect(v) {
    try {
      return formatValue(v, 0, [], '');
    } catch (e) {
      try { return `[object ${toStr(v).slice(8, -1)}]`; } catch (_) { return '[unprintable]'; }
    }
  }

  /* console.log's argument rule: strings raw, the rest inspected, and
     printf-style %s %d %i %f %j %o %O %c %% in a leading string. */
  function formatArgs(args) {
    let out = '';
    let i = 0;
    if (typeof args[0] === 'string' && args.length > 1 && args[0].includes('%')) {
      const fmt = args[0];
      i = 1;
      for (let j = 0; j < fmt.length; j++) {
        const c = fmt[j];
        const n = fmt[j + 1];
        if (c !== '%' || j + 1 >= fmt.length) { out += c; continue; }
        if (n === '%') { out += '%'; j++; continue; }
        if (i >= args.length || !'sdifjoOc'.includes(n)) { out += c; continue; }
        const a = args[i++];
        j++;
        switch (n) {
          case 's': out += typeof a === 'string' ? a : typeof a === 'object' && a !== null ? inspect(a) : formatPrimitive(a); break;
          case 'd': case 'i': {
            if (typeof a === 'bigint') { out += String(a) + 'n'; break; }
            const x = typeof a === 'symbol' ? NaN : Number(a);
            out += formatNumber(n === 'i' ? Math.trunc(x) : x);
            break;
          }
          case 'f': out += formatNumber(typeof a === 'symbol' ? NaN : parseFloat(a)); break;
          case 'j': try { out += JSON.stringify(a); } catch (e) { out += '[Circular]'; } break;
          case 'c': break;
          default: out += inspect(a);
        }
      }
    }
    for (; i < args.length; i++) {
      if (out !== '' || i > 0) out += ' ';
      out += typeof args[i] === 'string' ? args[i] : inspect(args[i]);
    }
    return out;
  }

  let groupIndent = '';
  function emit(fd, args) {
    let text = formatArgs(args);
    if (groupIndent) text = groupIndent + text.split('\n').join('\n' + groupIndent);
    native.write(fd, text + '\n');
  }

  const counts = new Map();
  const timings = new Map();
  const console = {
    log: (...a) => emit(STDOUT, a),
    info: (...a) => emit(STDOUT, a),
    debug: (...a) => emit(STDOUT, a),
    warn: (...a) => emit(STDERR, a),
    error: (...a) => emit(STDERR, a),
    trace: (...a) => {
      const e = new Error(formatArgs(a));
      e.name = 'Trace';
      emit(STDERR, [formatError(e, '')]);
    },
    dir: (v) => emit(STDOUT, [inspect(v)]),
    table: (v) => emit(STDOUT, [v]),
    assert: (cond, ...a) => {
      if (!cond) emit(STDERR, a.length ? ['Assertion failed:', ...a] : ['Assertion failed']);
    },
    count: (label = 'default') => {
      const n = (counts.get(label) || 0) + 1;
      counts.set(label, n);
      emit(STDOUT, [`${label}: ${n}`]);
    },
    countReset: (label = 'default') => { counts.delete(label); },
    time: (label = 'default') => { timings.set(label, Date.now()); },
    timeLog: (label = 'default', ...a) => {
      if (timings.has(label)) emit(STDOUT, [`${label}: ${Date.now() - timings.get(label)}ms`, ...a]);
    },
    timeEnd: (label = 'default') => {
      if (!timings.has(label)) return;
      emit(STDOUT, [`${label}: ${Date.now() - timings.get(label)}ms`]);
      timings.delete(label);
    },
    group: (...a) => {
      if (a.length) emit(STDOUT, a);
      groupIndent += INDENT;
    },
    groupEnd: () => { groupIndent = groupIndent.slice(INDENT.length); },
  };
  console.groupCollapsed = console.group;

  /* Timers run on a virtual clock, in due order, after the microtasks: a
     program's sleeps cost no wall-clock time and the order is Node's. */
  const timers = new Map();
  let nextTimerId = 1;
  let virtualNow = 0;
  let timerSeq = 0;

  function addTimer(fn, delay, args, repeat) {
    if (typeof fn !== 'function') throw new TypeError('The "callback" argument must be of type function');
    let ms = Number(delay);
    if (!(ms >= 1)) ms = 1;                  /* Node clamps to 1 ms */
    const id = nextTimerId++;
    timers.set(id, { fn, args, ms, due: virtualNow + ms, seq: timerSeq++, repeat });
    return id;
  }

  /* Runs the earliest due timer; returns false when none is left. */
  function runTimer() {
    let bestId = 0;
    let best = null;
    for (const [id, t] of timers) {
      if (best === null || t.due < best.due || (t.due === best.due && t.seq < best.seq)) {
        best = t;
        bestId = id;
      }
    }
    if (best === null) return false;
    virtualNow = best.due;
    if (best.repeat) {
      best.due = virtualNow + best.ms;
      best.seq = timerSeq++;
    } else {
      timers.delete(bestId);
    }
    best.fn(...best.args);
    return true;
  }

  const clearTimer = (id) => { timers.delete(typeof id === 'object' && id !== null ? Number(id) : id); };

  const process = {
    env: {},
    argv: [],
    argv0: 'qjs',
    execArgv: [],
    platform: 'wasi',
    arch: 'wasm32',
    pid: 1,
    version: 'v0.0.0-quickjs',
    versions: { quickjs: '2021-03-27' },
    exitCode: undefined,
    exit: (code) => native.exit(code === undefined ? process.exitCode : code),
    cwd: () => '/app',
    nextTick: (fn, ...args) => { Promise.resolve().then(() => fn(...args)); },
    hrtime: Object.assign(() => { const t = Date.now(); return [Math.floor(t / 1000), (t % 1000) * 1e6]; },
                          { bigint: () => BigInt(Date.now()) * 1000000n }),
    memoryUsage: () => ({ rss: 0, heapTotal: 0, heapUsed: 0, external: 0 }),
    stdout: { write: (s) => { native.write(STDOUT, String(s)); return true; }, isTTY: false },
    stderr: { write: (s) => { native.write(STDERR, String(s)); return true; }, isTTY: false },
    on: () => process,
    once: () => process,
  };

  /* ---- newer built-ins ---------------------------------------------------
     QuickJS 2021-03-27 implements ES2020. LLM-written code and current
     libraries (marked) use a few later methods; these follow the spec's
     steps and are non-enumerable, like the built-ins. */
  function relativeIndex(len, index) {
    const n = Math.trunc(Number(index)) || 0;
    return n >= 0 ? n : len + n;
  }
  function at(index) {
    const o = Object(this);
    const len = o.length >>> 0;
    const k = relativeIndex(len, index);
    return k >= 0 && k < len ? o[k] : undefined;
  }
  function findLast(fn, thisArg) {
    for (let i = (Object(this).length >>> 0) - 1; i >= 0; i--) if (fn.call(thisArg, this[i], i, this)) return this[i];
    return undefined;
  }
  function findLastIndex(fn, thisArg) {
    for (let i = (Object(this).length >>> 0) - 1; i >= 0; i--) if (fn.call(thisArg, this[i], i, this)) return i;
    return -1;
  }
  function stringAt(index) {
    const s = String(this);
    const k = relativeIndex(s.length, index);
    return k >= 0 && k < s.length ? s[k] : undefined;
  }
  const typedArrayProto = Object.getPrototypeOf(Uint8Array.prototype);
  const polyfills = [
    [Array.prototype, { at, findLast, findLastIndex }],
    [typedArrayProto, { at, findLast, findLastIndex }],
    [String.prototype, { at: stringAt }],
    [Object, { hasOwn: (o, k) => hasOwn(Object(o), k) }],
  ];
  for (const [target, methods] of polyfills) {
    for (const name of Object.keys(methods)) {
      if (!(name in target)) {
        Object.defineProperty(target, name, { value: methods[name], writable: true, configurable: true, enumerable: false });
      }
    }
  }

  /* ---- paths and the file helpers ---------------------------------------
     Globals for LLM-written code, worded like Node's fs where that helps.
     A relative path is relative to /app. Only /app is writable: a write
     anywhere else (/data, /external, /) throws EROFS before any system
     call; the host confines and enforces everything again underneath. */
  const APP = '/app';
  const DATA = '/data';
  const EXTERNAL = '/external';
  const MODULE_ROOT = '/data/js';
  const SYSTEM_DIR = '.lsb';      /* the session's own files (lsb_abi.h) */
  const fsn = native.fs;

  /* '/a/./b/../c' -> '/a/c'; '..' never climbs above '/'. */
  function normalize(p) {
    const out = [];
    for (const part of p.split('/')) {
      if (part === '' || part === '.') continue;
      if (part === '..') out.pop();
      else out.push(part);
    }
    return '/' + out.join('/');
  }
  const dirname = (p) => { const i = p.lastIndexOf('/'); return i <= 0 ? '/' : p.slice(0, i); };
  const basename = (p) => p.slice(p.lastIndexOf('/') + 1);
  const under = (p, dir) => p === dir || p.startsWith(dir + '/');

  /* The absolute, normalised path for a helper's argument. */
  function resolvePath(path, helper, base = APP) {
    if (typeof path !== 'string' || path === '') {
      throw new TypeError(`${helper}(): the path must be a non-empty string, got ${path === '' ? 'an empty string' : inspect(path)}`);
    }
    if (path.includes('\0')) throw new TypeError(`${helper}(): the path must not contain NUL characters`);
    return normalize(path.startsWith('/') ? path : base + '/' + path);
  }

  /* resolvePath for a write: throws EROFS unless the path is under /app. */
  function writablePath(path, helper) {
    const abs = resolvePath(path, helper);
    if (under(abs, APP)) return abs;
    const where = under(abs, DATA) ? `${DATA} is read-only`
      : under(abs, EXTERNAL) ? `${EXTERNAL} is read-only` : `${abs} is read-only (outside /app)`;
    const e = new Error(`EROFS: read-only file system, ${helper} '${abs}': ${where}: write under /app`);
    e.code = 'EROFS';
    e.syscall = helper;
    e.path = abs;
    throw e;
  }

  /* stat that says null for anything it cannot see. */
  function statOrNull(abs) {
    try { return fsn.stat(abs); } catch (_) { return null; }
  }

  /* mkdir -p for a path under /app; an existing file in the way throws
     EEXIST (from mkdir itself, worded by the native layer). */
  function makeDirs(abs) {
    const st = statOrNull(abs);
    if (st !== null && st.type === 'directory') return;
    if (st === null && abs !== APP) makeDirs(dirname(abs));
    try {
      fsn.mkdir(abs);
    } catch (e) {
      if (e.code !== 'EEXIST' || (statOrNull(abs) || {}).type !== 'directory') throw e;
    }
  }
  const makeParent = (abs) => { if (dirname(abs) !== APP) makeDirs(dirname(abs)); };

  function checkEncoding(encoding, helper) {
    if (!/^utf-?8$/i.test(String(encoding))) {
      throw new TypeError(`${helper}(): only UTF-8 text is supported, got encoding ${inspect(encoding)} (use readBytes()/writeBytes() for binary data)`);
    }
  }

  /* What writeText/appendText store: strings, numbers and booleans as
     text, and bytes as they are. */
  function textData(value, helper) {
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
    if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return byteData(value, helper);
    const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
    throw new TypeError(`${helper}(): expected a string, got ${kind}` +
                        (value !== null && typeof value === 'object' ? ' (use writeJson() for objects and arrays, writeLines() for lists of lines)' : ''));
  }

  /* Bytes for writeBytes: an ArrayBuffer, a typed array, a DataView or an
     array of numbers 0-255. */
  function byteData(value, helper) {
    if (value instanceof ArrayBuffer) return value;
    if (value instanceof DataView) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    if (ArrayBuffer.isView(value)) return value;
    if (Array.isArray(value)) return Uint8Array.from(value);
    throw new TypeError(`${helper}(): expected an ArrayBuffer, a typed array or an array of bytes, got ${value === null ? 'null' : typeof value}`);
  }

  /* The original's wording for helper failures, keeping the native
     error's own text: message(cause.message) is the new message, and
     code, errno, syscall, path and dest are carried over. An error that
     is not a file system error (a bad argument, out of memory) is
     returned as it is. */
  function helperError(message, cause) {
    if (cause === null || typeof cause !== 'object' || typeof cause.code !== 'string') return cause;
    const e = new Error(message(cause.message));
    for (const k of ['code', 'errno', 'syscall', 'path', 'dest']) {
      if (cause[k] !== undefined) e[k] = cause[k];
    }
    return e;
  }
  /* A failed read or write of path (as the user wrote it): "File not
     found: x.txt (ENOENT: no such file or directory, open '/app/x.txt')". */
  const readError = (path, e) => helperError((m) => (e.code === 'ENOENT' || e.code === 'ENOTDIR'
    ? `File not found: ${path} (${m})` : `Cannot read file: ${path} (${m})`), e);
  const writeError = (path, e) => helperError((m) => `Cannot write file: ${path} (${m})`, e);

  /* fn(), with a file system error turned into wrap(error). */
  function wrapped(fn, wrap) {
    try {
      return fn();
    } catch (e) {
      throw wrap(e);
    }
  }

  /* The whole file as UTF-8 text. */
  function readText(path, encoding = 'utf8') {
    checkEncoding(encoding, 'readText');
    const abs = resolvePath(path, 'readText');
    return wrapped(() => fsn.readFile(abs, true), (e) => readError(path, e));
  }

  /* Replaces (append: extends) the file, making missing folders. */
  function writeFileAs(helper, path, data, append) {
    wrapped(() => {
      const abs = writablePath(path, helper);
      const bytes = typeof data === 'function' ? data() : data;
      makeParent(abs);
      fsn.writeFile(abs, bytes, append);
    }, (e) => writeError(path, e));
  }

  function writeText(path, text) {
    writeFileAs('writeText', path, () => textData(text, 'writeText'), false);
  }

  function appendText(path, text) {
    writeFileAs('appendText', path, () => textData(text, 'appendText'), true);
  }

  /* The parsed file; bad JSON is Error "Invalid JSON in <path>: <why>". */
  function readJson(path) {
    const text = wrapped(() => fsn.readFile(resolvePath(path, 'readJson'), true), (e) => readError(path, e));
    try {
      return JSON.parse(text);
    } catch (e) {
      throw new Error(`Invalid JSON in ${path}: ${e.message}`);
    }
  }

  function writeJson(path, value, indent = 2) {
    writeFileAs('writeJson', path, () => {
      const text = JSON.stringify(value, null, indent);
      if (text === undefined) throw new TypeError(`writeJson(): a ${typeof value} cannot be written as JSON`);
      return text;
    }, false);
  }

  /* text.split(/\r?\n/), as the original: a final line break gives a
     last empty line, and an empty file is ['']. */
  function readLines(path) {
    const abs = resolvePath(path, 'readLines');
    return wrapped(() => fsn.readFile(abs, true), (e) => readError(path, e)).split(/\r?\n/);
  }

  /* Writes the items of lines (String() of each) joined by lineEnding,
     with no line break after the last, as the original. */
  function writeLines(path, lines, lineEnding = '\n') {
    if (typeof lines === 'string' || lines === null || typeof lines !== 'object' || typeof lines[Symbol.iterator] !== 'function') {
      throw new TypeError(`writeLines(): expected an array of lines, got ${lines === null ? 'null' : typeof lines}`);
    }
    const list = Array.from(lines, String);
    writeFileAs('writeLines', path, list.join(String(lineEnding)), false);
  }

  function fileExists(path) {
    return statOrNull(resolvePath(path, 'fileExists')) !== null;
  }

  /* Size in bytes, or null on any error (as the original). */
  function fileSize(path) {
    try {
      const st = statOrNull(resolvePath(path, 'fileSize'));
      return st === null ? null : st.size;
    } catch (_) {
      return null;
    }
  }

  /* { path, name, size, isFile, isDirectory, modified }, or null. */
  function fileInfo(path) {
    const abs = resolvePath(path, 'fileInfo');
    const st = statOrNull(abs);
    if (st === null) return null;
    return { path: abs, name: basename(abs), size: st.size, isFile: st.type === 'file',
             isDirectory: st.type === 'directory', modified: new Date(st.mtimeMs) };
  }

  /* Sorted names in dir (default /app), like fs.readdirSync; with
     { recursive: true } every file and folder below it, as paths
     relative to dir ('sub', 'sub/a.txt'). The session's own /app/.lsb
     folder is left out. A failure is Error "Cannot read directory <dir>:
     <why>". */
  function listFiles(dir = '.', options = {}) {
    const abs = resolvePath(dir, 'listFiles');
    const names = (d) => {
      const list = fsn.readdir(d).sort();
      return d === APP ? list.filter((n) => n !== SYSTEM_DIR) : list;
    };
    const fail = (e) => helperError((m) => `Cannot read directory ${dir}: ${m}`, e);
    if (!options || !options.recursive) return wrapped(() => names(abs), fail);
    const out = [];
    const walk = (d, prefix) => {
      for (const n of names(d)) {
        const rel = prefix ? `${prefix}/${n}` : n;
        out.push(rel);
        const st = statOrNull(`${d}/${n}`);
        if (st !== null && st.type === 'directory') walk(`${d}/${n}`, rel);
      }
    };
    wrapped(() => walk(abs, ''), fail);
    return out;
  }

  /* Byte-for-byte copy; into a folder when dest is one. A missing source
     is "File not found: <src>", any other failure "Cannot write file:
     <dest>". */
  function copyFile(src, dest) {
    const from = resolvePath(src, 'copyFile');
    const st = statOrNull(from);
    if (st === null || st.type === 'directory') {
      wrapped(() => fsn.readFile(from, false), (e) => readError(src, e));   /* throws */
    }
    wrapped(() => {
      let to = writablePath(dest, 'copyFile');
      const there = statOrNull(to);
      if (there !== null && there.type === 'directory') to = `${to}/${basename(from)}`;
      makeParent(to);
      fsn.copyFile(from, to);
    }, (e) => (statOrNull(from) === null ? readError(src, e) : writeError(dest, e)));
  }

  /* rename(); into a folder when dest is one. */
  function moveFile(src, dest) {
    const from = writablePath(src, 'moveFile');
    let to = writablePath(dest, 'moveFile');
    const st = statOrNull(to);
    if (st !== null && st.type === 'directory') to = `${to}/${basename(from)}`;
    makeParent(to);
    fsn.rename(from, to);
  }

  /* Removes a file or an empty folder; { recursive: true } removes a
     folder with everything in it. Returns true, or false when there was
     nothing at path (as the original did); other failures throw Error
     "Cannot remove file <path>: <why>". */
  function removeFile(path, options = {}) {
    return wrapped(() => removePath(path, options),
                   (e) => helperError((m) => `Cannot remove file ${path}: ${m}`, e));
  }

  function removePath(path, options) {
    const abs = writablePath(path, 'removeFile');
    if (abs === APP) throw new Error('removeFile(): refusing to remove /app itself (remove what is inside it instead)');
    const st = statOrNull(abs);
    if (st === null || st.type !== 'directory') {
      try {
        fsn.unlink(abs);
      } catch (e) {
        if (e.code === 'ENOENT') return false; /* as the original: nothing to remove */
        throw e;
      }
      return true;
    }
    if (options && options.recursive) {
      for (const n of fsn.readdir(abs)) removePath(`${abs}/${n}`, options);
    }
    fsn.rmdir(abs);
    return true;
  }

  /* mkdir -p; returns the absolute path. */
  function mkdir(path) {
    const abs = writablePath(path, 'mkdir');
    makeDirs(abs);
    return abs;
  }

  function readBytes(path) {
    const abs = resolvePath(path, 'readBytes');
    return new Uint8Array(wrapped(() => fsn.readFile(abs, false), (e) => readError(path, e)));
  }

  function writeBytes(path, data) {
    writeFileAs('writeBytes', path, () => byteData(data, 'writeBytes'), false);
  }

  /* ---- require() --------------------------------------------------------
     CommonJS from the read-only /data/js (guest/js/vendor.sh fills it):
     require('lodash') loads /data/js/lodash (package.json "main", else
     index.js), require('dayjs/plugin/utc') a file inside a package, and
     './x' or '/app/x' a file relative to the requiring module (to /app
     for the user's code); .js, .cjs and .json are tried in that order.
     Each module runs once, wrapped as Node does, with exports, require,
     module, __filename and __dirname, and is cached by its path. */
  const NODE_BUILTINS = new Set(('assert async_hooks buffer child_process cluster console constants crypto ' +
    'dgram diagnostics_channel dns domain events fs fs/promises http http2 https inspector module net os ' +
    'path path/posix path/win32 perf_hooks process punycode querystring readline readline/promises repl ' +
    'stream stream/promises string_decoder sys timers timers/promises tls trace_events tty url util ' +
    'util/types v8 vm wasi worker_threads zlib').split(' '));
  const FILE_HELPERS = 'readText, writeText, appendText, readJson, writeJson, readLines, writeLines, ' +
    'fileExists, fileSize, listFiles, copyFile, removeFile, mkdir';
  const MODULE_EXTENSIONS = ['', '.js', '.cjs', '.json'];
  const moduleCache = Object.create(null);

  function moduleError(message) {
    const e = new Error(message);
    e.code = 'MODULE_NOT_FOUND';
    return e;
  }

  /* "Available modules (/data/js): a, b, c", for not-found errors. */
  function vendorHint() {
    let names;
    try {
      names = fsn.readdir(MODULE_ROOT);
    } catch (_) {
      return `No modules are installed at ${MODULE_ROOT}.`;
    }
    names = names.filter((n) => !n.startsWith('.') && n !== 'vendored.json')
      .map((n) => n.replace(/\.(c?js|json)$/, '')).sort();
    return names.length ? `Available modules (${MODULE_ROOT}): ${names.join(', ')}` : `No modules are installed at ${MODULE_ROOT}.`;
  }

  const isFile = (p) => { const st = statOrNull(p); return st !== null && st.type === 'file'; };
  const isDir = (p) => { const st = statOrNull(p); return st !== null && st.type === 'directory'; };

  /* The file that path names as a module, or null; tried lists what was
     looked for. */
  function resolveFile(path, tried) {
    const first = (candidates) => {
      for (const c of candidates) {
        tried.push(c);
        if (isFile(c)) return c;
      }
      return null;
    };
    const direct = first(MODULE_EXTENSIONS.map((x) => path + x));
    if (direct !== null || !isDir(path)) return direct;
    let main;
    try {
      main = JSON.parse(fsn.readFile(`${path}/package.json`, true)).main;
    } catch (_) {
      main = undefined;
    }
    if (typeof main === 'string' && main !== '') {
      const m = normalize(`${path}/${main}`);
      const found = first(MODULE_EXTENSIONS.map((x) => m + x).concat([`${m}/index.js`]));
      if (found !== null) return found;
    }
    return first([`${path}/index.js`, `${path}/index.json`]);
  }

  /* The file for require(request) from a module in fromDir. Throws
     MODULE_NOT_FOUND with a hint, or for Node's built-ins a pointer to
     the file helpers. vendorOnly: requireVendor(), names only. */
  function resolveModule(request, fromDir, vendorOnly) {
    const fn = vendorOnly ? 'requireVendor' : 'require';
    if (typeof request !== 'string' || request === '') {
      throw new TypeError(`${fn}(): the module name must be a non-empty string, got ${inspect(request)}`);
    }
    if (request.startsWith('node:') || NODE_BUILTINS.has(request)) {
      throw moduleError(`Cannot find module '${request}': Node.js built-in modules do not exist in this ` +
        `sandbox (it runs QuickJS, not Node). For files use the global helpers ${FILE_HELPERS} ` +
        `(relative paths are under /app). ${vendorHint()}`);
    }
    const isPath = request === '.' || request === '..' || request.startsWith('./') ||
      request.startsWith('../') || request.startsWith('/');
    const tried = [];
    if (isPath) {
      if (vendorOnly) {
        throw new TypeError(`requireVendor('${request}'): give a library name from ${MODULE_ROOT}, such as 'lodash'; use require() for your own files`);
      }
      const found = resolveFile(normalize(request.startsWith('/') ? request : `${fromDir}/${request}`), tried);
      if (found !== null) return found;
      throw moduleError(`Cannot find module '${request}'\nLooked for: ${tried.join(', ')}`);
    }
    const target = normalize(`${MODULE_ROOT}/${request}`);
    if (target.startsWith(MODULE_ROOT + '/')) {
      const found = resolveFile(target, tried);
      if (found !== null) return found;
    }
    throw moduleError(`Cannot find module '${request}'\n${vendorHint()}`);
  }

  /* Runs (once) and returns the exports of the module in file. */
  function loadModule(file, parent) {
    const cached = moduleCache[file];
    if (cached !== undefined) return cached.exports;
    const module = { id: file, filename: file, path: dirname(file), exports: {}, loaded: false,
                     parent, children: [], paths: [MODULE_ROOT] };
    module.require = makeRequire(module);
    moduleCache[file] = module;
    if (parent && parent.children) parent.children.push(module);
    try {
      let source = fsn.readFile(file, true);
      if (file.endsWith('.json')) {
        try {
          module.exports = JSON.parse(source);
        } catch (e) {
          throw new SyntaxError(`${file}: ${e.message}`);
        }
      } else {
        if (source.startsWith('#!')) source = '//' + source;   /* keeps line numbers */
        const wrapper = native.compile('(function (exports, require, module, __filename, __dirname) {' +
                                       source + '\n})', file);
        wrapper.call(module.exports, module.exports, module.require, module, file, module.path);
      }
      module.loaded = true;
    } catch (e) {
      delete moduleCache[file];
      throw e;
    }
    return module.exports;
  }

  /* require() as seen from module (whose folder anchors relative names). */
  function makeRequire(module) {
    const require = (request) => loadModule(resolveModule(request, module.path, false), module);
    require.resolve = (request) => resolveModule(request, module.path, false);
    require.cache = moduleCache;
    require.main = mainModule;
    return require;
  }

  /* The user's program, as Node's main module (require.main === module). */
  const mainModule = { id: '.', filename: `${APP}/main.js`, path: APP, exports: {}, loaded: true,
                       parent: null, children: [], paths: [MODULE_ROOT] };
  const require = makeRequire(mainModule);
  mainModule.require = require;

  /* requireVendor(name): a library from /data/js by name ('csv-simple';
     'csv-simple.js', the original's file name, works too). Unlike the
     original it is cached like require(). A missing one is Error "Vendor
     package not found: <name>", then require()'s message and hint. */
  function requireVendor(name) {
    let file;
    try {
      file = resolveModule(name, APP, true);
    } catch (e) {
      if (e.code !== 'MODULE_NOT_FOUND') throw e;
      if (/[^/]\.js$/.test(name)) return requireVendor(name.slice(0, -3));
      throw moduleError(`Vendor package not found: ${name}\n${e.message}`);
    }
    return loadModule(file, mainModule);
  }

  /* ---- sessions: run options, durable globals, scratch runs ------------
     The host sends the options of lsb_abi.h as "key=value" lines; startRun
     applies them before the user's code runs and endRun after it.

     What auto_persist_globals keeps (state_file): after a run that ended
     with status 0 (no uncaught error or unhandled rejection, or
     process.exit(0)), the user's globals are written to state_file as one
     JSON object. The user's globals are the own string-keyed properties
     of globalThis that did not exist when the guest was initialised, which
     includes top-level var, let, const, function and class declarations
     (REPL mode makes them global properties) and plain assignments such as
     globalThis.x = 1. Of those, a global is kept only when it is a data
     property (not a getter) whose value is
       - a string, a boolean, null or a finite number, or
       - an array or a plain object (prototype Object.prototype or null)
         that JSON.stringify accepts: no BigInt, no cycles.
     Inside arrays and objects, JSON.stringify's own rules apply: functions,
     symbols and undefined are dropped (null in arrays), Dates become ISO
     strings, Maps and Sets become {}, toJSON() is honoured. So functions,
     classes, symbols, undefined, BigInt, NaN and Infinity, Dates, Maps,
     Sets, typed arrays, class instances and anything cyclic at the top
     level are not kept. A global that is not kept is skipped silently; the
     rest are still saved. The file is written to state_file + ".tmp" and
     renamed over state_file (creating /app/.lsb); when the JSON is larger
     than state_max bytes nothing is written and the run gets a warning.

     restore=1 (a session re-materialised in a new process): before the
     code runs, state_file is read back and each entry becomes a global
     again (writable, enumerable, configurable), except names that the
     guest itself defines (console, require, readText, ...). A missing
     file is a fresh session; an unreadable, oversized, corrupt or
     non-object file is one warning and a fresh session, never a failure.

     _state (the original's one persistent global): with a state_file,
     after any restore, a global _state = {} is made when there is none,
     so `_state.n = (_state.n || 0) + 1` works from the first run; being a
     user global, it persists like the others. Without a state_file (a
     one-shot run, a session without auto_persist_globals) there is no
     _state.

     scratch=1: the code runs in the same global object, but every global
     it adds is deleted afterwards and nothing is restored or persisted.
     Globals that existed before and were changed stay changed. */
  const DEFAULT_STATE_MAX = 10 * 1024 * 1024;
  const STATE_GLOBAL = '_state';
  const FRESH = '; the session starts with fresh state';
  let baseline = null;        /* names of globalThis at the end of init */
  let runOptions = {};
  let scratchNames = null;    /* names before a scratch run */

  const warn = (text) => native.emit(native.EMIT_WARNING, text);

  /* "k=v" lines -> { k: v }; a line without '=' is ignored. */
  function parseOptions(text) {
    const o = Object.create(null);
    for (const line of text.split('\n')) {
      const eq = line.indexOf('=');
      if (eq > 0) o[line.slice(0, eq).trim()] = line.slice(eq + 1).replace(/\r$/, '');
    }
    return o;
  }

  const isPlainObject = (v) => {
    const p = Object.getPrototypeOf(v);
    return p === Object.prototype || p === null;
  };

  /* Whether a top-level value is one that persists (see above). */
  function persistable(v) {
    switch (typeof v) {
      case 'string': case 'boolean': return true;
      case 'number': return Number.isFinite(v);
      case 'object': return v === null || Array.isArray(v) || isPlainObject(v);
      default: return false;
    }
  }

  /* The state file's object, or null (none, or a warning was given). */
  function readState(path, limit) {
    let st;
    try {
      st = fsn.stat(path);
    } catch (e) {
      warn(`the state file ${path} could not be read (${e.message})${FRESH}`);
      return null;
    }
    if (st === null) return null;
    if (st.size > limit) {
      warn(`the state file ${path} is ${st.size} bytes, over the ${limit}-byte limit${FRESH}`);
      return null;
    }
    let data;
    try {
      data = JSON.parse(fsn.readFile(path, true));
    } catch (e) {
      warn(`the state file ${path} could not be read (${e.name}: ${e.message})${FRESH}`);
      return null;
    }
    if (data === null || typeof data !== 'object' || Array.isArray(data)) {
      const kind = data === null ? 'null' : Array.isArray(data) ? 'array' : typeof data;
      warn(`the state file ${path} holds a JSON ${kind}, not an object${FRESH}`);
      return null;
    }
    return data;
  }

  function restoreState(path, limit) {
    const data = readState(path, limit);
    if (data === null) return;
    for (const name of Object.keys(data)) {
      if (baseline.has(name) || name === '__proto__') continue;
      try {
        Object.defineProperty(globalThis, name, { value: data[name], writable: true, enumerable: true, configurable: true });
      } catch (_) { /* a fixed property of the user's: leave it */ }
    }
  }

  /* The persistable user globals as JSON text (see above). */
  function stateJson() {
    const parts = [];
    for (const name of Object.getOwnPropertyNames(globalThis)) {
      if (baseline.has(name)) continue;
      const d = Object.getOwnPropertyDescriptor(globalThis, name);
      if (d === undefined || !('value' in d) || !persistable(d.value)) continue;
      let json;
      try {
        json = JSON.stringify(d.value);
      } catch (_) {
        continue;   /* BigInt, cycles, a throwing toJSON */
      }
      if (json !== undefined) parts.push(JSON.stringify(name) + ':' + json);
    }
    return '{' + parts.join(',') + '}';
  }

  function persistState(path, limit) {
    const text = stateJson();
    const size = native.utf8Length(text);
    if (size > limit) {
      warn(`the globals need ${size} bytes of JSON, over the ${limit}-byte state limit; they were not ` +
           'saved (keep large data in files under /app)');
      return;
    }
    const abs = normalize(path);
    try {
      if (under(abs, APP)) makeDirs(dirname(abs));
      fsn.writeFile(abs + '.tmp', text, false);
      fsn.rename(abs + '.tmp', abs);
    } catch (e) {
      try {
        fsn.unlink(abs + '.tmp'); /* a full disk leaves no temp file, and the old state whole */
      } catch (ignored) {
      }
      warn(`the globals could not be saved to ${abs} (${e.message})`);
    }
  }

  /* Before the user's code: per-run resets, then the options. */
  function startRun(optionsText, filename) {
    process.exitCode = undefined;
    groupIndent = '';
    const o = parseOptions(optionsText);
    const max = Number(o.state_max);
    runOptions = {
      stateFile: o.state_file || null,
      stateMax: o.state_max !== undefined && o.state_max !== '' && Number.isInteger(max) && max >= 0 ? max : DEFAULT_STATE_MAX,
      restore: o.restore === '1',
      scratch: o.scratch === '1',
    };
    let main = `${APP}/main.js`;
    try { main = resolvePath(filename || 'main.js', 'main'); } catch (_) { /* keep main.js */ }
    mainModule.filename = main;
    for (const [name, value] of [['__filename', main], ['__dirname', dirname(main)]]) {
      try {
        Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
      } catch (_) { /* the user made it fixed: theirs now */ }
    }
    scratchNames = null;
    if (runOptions.scratch) {
      scratchNames = new Set(Object.getOwnPropertyNames(globalThis));
      return;
    }
    if (runOptions.restore && runOptions.stateFile) restoreState(runOptions.stateFile, runOptions.stateMax);
    if (runOptions.stateFile && !hasOwn(globalThis, STATE_GLOBAL)) {
      Object.defineProperty(globalThis, STATE_GLOBAL, { value: {}, writable: true, enumerable: true, configurable: true });
    }
  }

  /* After it: undo a scratch run, or persist after a successful one. */
  function endRun(status) {
    if (scratchNames !== null) {
      for (const name of Object.getOwnPropertyNames(globalThis)) {
        if (!scratchNames.has(name)) {
          try { delete globalThis[name]; } catch (_) { /* not configurable */ }
        }
      }
      scratchNames = null;
      return;
    }
    if (status === 0 && runOptions.stateFile) persistState(runOptions.stateFile, runOptions.stateMax);
  }

  const globals = {
    console,
    print: (...a) => emit(STDOUT, a),
    process,
    setTimeout: (fn, ms, ...args) => addTimer(fn, ms, args, false),
    setInterval: (fn, ms, ...args) => addTimer(fn, ms, args, true),
    setImmediate: (fn, ...args) => addTimer(fn, 0, args, false),
    clearTimeout: clearTimer,
    clearInterval: clearTimer,
    clearImmediate: clearTimer,
    queueMicrotask: (fn) => { Promise.resolve().then(() => fn()); },
    global: globalThis,
    require,
    requireVendor,
    module: mainModule,
    exports: mainModule.exports,
    __filename: mainModule.filename,
    __dirname: APP,
    readText, writeText, appendText, readJson, writeJson, readLines, writeLines,
    fileExists, fileSize, fileInfo, listFiles, copyFile, moveFile, removeFile, mkdir,
    readBytes, writeBytes,
  };
  for (const name of Object.keys(globals)) {
    Object.defineProperty(globalThis, name, {
      value: globals[name], writable: true, configurable: true, enumerable: false,
    });
  }
  /* The vendored npm libraries cost 0.1-0.5 billion fuel to load (lodash
     most); loading them now puts them in the snapshot's module cache, so a
     run's require() of them is free. A build without /data skips them. */
  for (const name of ['lodash', 'dayjs', 'papaparse', 'marked']) {
    try { requireVendor(name); } catch (e) { /* not vendored here */ }
  }
  /* Everything defined so far is the guest's, not the user's. */
  baseline = new Set(Object.getOwnPropertyNames(globalThis));

  return { inspect, runTimer, process, formatError, startRun, endRun };
})
