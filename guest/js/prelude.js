/*
 * prelude.js - the JavaScript half of the QuickJS guest's globals.
 *
 * Evaluated once by driver.c during lsb_init (so it is in the snapshot),
 * as "<prelude>", never concatenated with user code, so user line numbers
 * are untouched. It is a single function expression: the driver calls it
 * with the native helpers and keeps the hooks it returns. It owns value
 * formatting (a rough Node util.inspect), console, print, process and the
 * timer queue; output, exit and env/argv stay in C.
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
  };
  for (const name of Object.keys(globals)) {
    Object.defineProperty(globalThis, name, {
      value: globals[name], writable: true, configurable: true, enumerable: false,
    });
  }

  return { inspect, runTimer, process, formatError };
})
