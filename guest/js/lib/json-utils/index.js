/*
 * json-utils - small tools for JSON-shaped data in the sandbox.
 *
 *   const ju = requireVendor('json-utils');     // or require('json-utils')
 *   ju.get(obj, 'users.0.name', 'nobody')      ju.set(obj, 'a.b[2].c', 1)
 *   ju.has(obj, ['a', 'b'])                     ju.unset(obj, 'a.b')
 *   ju.validate(value, { type: 'object', required: ['id'],
 *                        properties: { id: { type: 'integer', minimum: 1 } } })
 *     -> { valid: false, errors: ['$.id: must be >= 1'] }
 *   ju.validate(value, { type: 'object', properties: { id: { type: 'integer', required: true } } })
 *   ju.clone(value)   ju.merge(a, b, ...)   ju.flatten(obj)   ju.unflatten(flat)
 *
 * A path is a string of dotted keys and [index] parts ('a.b[0]["x.y"]',
 * 'users.0.age') or an array of keys. Nothing here mutates its inputs
 * except set and unset. get, set, validate, clone and merge are the
 * original system's json-utils API; the rest are ours.
 */
'use strict';

const hasOwn = (o, k) => Object.prototype.hasOwnProperty.call(o, k);
const isPlainObject = (v) => v !== null && typeof v === 'object' &&
  (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null);
const INDEX = /^(0|[1-9][0-9]*)$/;

/*
 * Splits a path into keys: 'a.b[0]["c.d"]' -> ['a', 'b', '0', 'c.d'].
 * Arrays are returned as strings; throws a TypeError on a malformed path.
 */
function toPath(path) {
  if (Array.isArray(path)) return path.map(String);
  if (typeof path === 'number') return [String(path)];
  if (typeof path !== 'string') throw new TypeError(`json-utils: a path is a string or an array, got ${typeof path}`);
  const keys = [];
  let i = 0;
  let key = '';
  const fail = (why) => { throw new TypeError(`json-utils: bad path ${JSON.stringify(path)}: ${why} at character ${i}`); };
  while (i < path.length) {
    const c = path[i];
    if (c === '.') {
      if (key !== '') keys.push(key);
      else if (i === 0 || path[i - 1] !== ']') fail('empty key');
      key = '';
      i++;
    } else if (c === '[') {
      if (key !== '') keys.push(key);
      key = '';
      const q = path[i + 1];
      if (q === '"' || q === "'") {
        const end = path.indexOf(q + ']', i + 2);
        if (end < 0) fail('unclosed quoted key');
        keys.push(path.slice(i + 2, end));
        i = end + 2;
      } else {
        const end = path.indexOf(']', i);
        if (end < 0) fail('unclosed [');
        keys.push(path.slice(i + 1, end).trim());
        i = end + 1;
      }
    } else {
      key += c;
      i++;
    }
  }
  if (key !== '') keys.push(key);
  return keys;
}

/* get(obj, path, fallback): the value at path, or fallback when any part
   is missing (undefined, null or not an object). */
function get(obj, path, fallback) {
  let cur = obj;
  for (const k of toPath(path)) {
    if (cur === null || cur === undefined || typeof cur !== 'object' && typeof cur !== 'function') return fallback;
    if (!(k in Object(cur))) return fallback;
    cur = cur[k];
  }
  return cur === undefined ? fallback : cur;
}

/* has(obj, path): whether every part of path exists as an own property. */
function has(obj, path) {
  let cur = obj;
  for (const k of toPath(path)) {
    if (cur === null || typeof cur !== 'object' || !hasOwn(cur, k)) return false;
    cur = cur[k];
  }
  return true;
}

/* set(obj, path, value): stores value at path, creating objects (or
   arrays, when the next key is an index) on the way. Returns obj. */
function set(obj, path, value) {
  if (obj === null || typeof obj !== 'object') throw new TypeError('json-utils: set() needs an object or an array');
  const keys = toPath(path);
  if (keys.length === 0) throw new TypeError('json-utils: set() needs a non-empty path');
  let cur = obj;
  for (let i = 0; i < keys.length - 1; i++) {
    const k = keys[i];
    if (k === '__proto__' || k === 'constructor' || k === 'prototype') throw new TypeError(`json-utils: refusing to set through ${JSON.stringify(k)}`);
    if (cur[k] === null || typeof cur[k] !== 'object') cur[k] = INDEX.test(keys[i + 1]) ? [] : {};
    cur = cur[k];
  }
  const last = keys[keys.length - 1];
  if (last === '__proto__') throw new TypeError('json-utils: refusing to set "__proto__"');
  cur[last] = value;
  return obj;
}

/* unset(obj, path): deletes the property at path; true if it existed. */
function unset(obj, path) {
  const keys = toPath(path);
  const parent = keys.length > 1 ? get(obj, keys.slice(0, -1)) : obj;
  const last = keys[keys.length - 1];
  if (parent === null || typeof parent !== 'object' || !hasOwn(parent, last)) return false;
  if (Array.isArray(parent) && INDEX.test(last)) parent.splice(Number(last), 1);
  else delete parent[last];
  return true;
}

/* The JSON type name of v, with 'integer' for whole numbers. */
function typeOf(v) {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function typeMatches(v, type) {
  const t = typeOf(v);
  return t === type || (type === 'number' && t === 'integer');
}

/* Checks v against schema at where, appending messages to errors. */
function check(v, schema, where, errors) {
  if (schema === true || schema === undefined) return;
  if (schema === false) { errors.push(`${where}: no value is allowed here`); return; }
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (!types.some((t) => typeMatches(v, t))) {
      errors.push(`${where}: expected ${types.join(' or ')}, got ${typeOf(v)}`);
      return;
    }
  }
  if (schema.enum && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(v))) {
    errors.push(`${where}: must be one of ${JSON.stringify(schema.enum)}`);
  }
  if ('const' in schema && JSON.stringify(schema.const) !== JSON.stringify(v)) {
    errors.push(`${where}: must equal ${JSON.stringify(schema.const)}`);
  }
  if (typeof v === 'number') {
    if (schema.minimum !== undefined && v < schema.minimum) errors.push(`${where}: must be >= ${schema.minimum}`);
    if (schema.maximum !== undefined && v > schema.maximum) errors.push(`${where}: must be <= ${schema.maximum}`);
  }
  if (typeof v === 'string') {
    if (schema.minLength !== undefined && v.length < schema.minLength) errors.push(`${where}: must be at least ${schema.minLength} characters`);
    if (schema.maxLength !== undefined && v.length > schema.maxLength) errors.push(`${where}: must be at most ${schema.maxLength} characters`);
    if (schema.pattern !== undefined && !new RegExp(schema.pattern).test(v)) errors.push(`${where}: must match /${schema.pattern}/`);
  }
  if (Array.isArray(v)) {
    if (schema.minItems !== undefined && v.length < schema.minItems) errors.push(`${where}: must have at least ${schema.minItems} items`);
    if (schema.maxItems !== undefined && v.length > schema.maxItems) errors.push(`${where}: must have at most ${schema.maxItems} items`);
    if (schema.items !== undefined) v.forEach((item, i) => check(item, schema.items, `${where}[${i}]`, errors));
  }
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const props = schema.properties || {};
    const required = Array.isArray(schema.required) ? schema.required.slice() : [];
    for (const k of Object.keys(props)) {   /* the original's per-property required: true */
      if (props[k] && props[k].required === true && !required.includes(k)) required.push(k);
    }
    for (const k of required) {
      if (!hasOwn(v, k)) errors.push(`${where}: missing required property ${JSON.stringify(k)}`);
    }
    for (const k of Object.keys(v)) {
      const sub = `${where}${/^[A-Za-z_$][\w$]*$/.test(k) ? '.' + k : '[' + JSON.stringify(k) + ']'}`;
      if (hasOwn(props, k)) check(v[k], props[k], sub, errors);
      else if (schema.additionalProperties === false) errors.push(`${sub}: property is not allowed`);
      else if (typeof schema.additionalProperties === 'object') check(v[k], schema.additionalProperties, sub, errors);
    }
  }
}

/*
 * validate(value, schema): a small subset of JSON Schema: type (string or
 * list; 'integer' too), enum, const, minimum, maximum, minLength,
 * maxLength, pattern, items, minItems, maxItems, properties, required
 * (a list of names, or, as in the original, `required: true` inside a
 * property's schema), additionalProperties. Returns { valid, errors } with one message per
 * problem, each starting with its path ('$.a[0]').
 */
function validate(value, schema) {
  if (schema === null || (typeof schema !== 'object' && typeof schema !== 'boolean')) {
    throw new TypeError('json-utils: validate() needs a schema object');
  }
  const errors = [];
  check(value, schema, '$', errors);
  return { valid: errors.length === 0, errors };
}

/* clone(value): a deep copy; keeps Dates, Maps, Sets and cycles. */
function clone(value, seen = new Map()) {
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return seen.get(value);
  let out;
  if (value instanceof Date) return new Date(value.getTime());
  if (value instanceof RegExp) return new RegExp(value.source, value.flags);
  if (value instanceof Map) {
    out = new Map();
    seen.set(value, out);
    for (const [k, v] of value) out.set(clone(k, seen), clone(v, seen));
    return out;
  }
  if (value instanceof Set) {
    out = new Set();
    seen.set(value, out);
    for (const v of value) out.add(clone(v, seen));
    return out;
  }
  if (ArrayBuffer.isView(value)) return value.slice();
  out = Array.isArray(value) ? [] : Object.create(Object.getPrototypeOf(value));
  seen.set(value, out);
  for (const k of Object.keys(value)) out[k] = clone(value[k], seen);
  return out;
}

/* merge(...objects): a new object, the deep merge of the arguments from
   left to right; plain objects merge, anything else (arrays too) replaces. */
function merge(...objects) {
  const mergeTwo = (a, b) => {
    if (!isPlainObject(a) || !isPlainObject(b)) return clone(b);
    const out = clone(a);
    for (const k of Object.keys(b)) {
      if (k === '__proto__') continue;
      out[k] = hasOwn(out, k) ? mergeTwo(out[k], b[k]) : clone(b[k]);
    }
    return out;
  };
  return objects.filter((o) => o !== undefined && o !== null).reduce((acc, o) => mergeTwo(acc, o), {});
}

/* flatten(obj): { 'a.b': 1, 'c[0]': 2 } from { a: { b: 1 }, c: [2] }. */
function flatten(obj, prefix = '', out = {}) {
  const entries = Array.isArray(obj) ? obj.map((v, i) => [`${prefix}[${i}]`, v])
    : Object.keys(obj).map((k) => [prefix ? `${prefix}.${k}` : k, obj[k]]);
  if (entries.length === 0 && prefix) out[prefix] = obj;
  for (const [key, v] of entries) {
    if (v !== null && typeof v === 'object' && (Array.isArray(v) || isPlainObject(v))) flatten(v, key, out);
    else out[key] = v;
  }
  return out;
}

/* unflatten(flat): the inverse of flatten. */
function unflatten(flat) {
  const out = {};
  for (const k of Object.keys(flat)) set(out, k, flat[k]);
  return out;
}

module.exports = { get, set, has, unset, validate, clone, merge, flatten, unflatten, toPath };
