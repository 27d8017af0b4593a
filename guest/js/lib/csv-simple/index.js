/*
 * csv-simple - CSV parsing and writing for the sandbox (RFC 4180).
 *
 *   const csv = require('csv-simple');
 *   csv.parse('a,b\n1,"x, y"\n')                 // [['a','b'], ['1','x, y']]
 *   csv.parse(text, { header: true })            // [{a: '1', b: 'x, y'}]
 *   csv.stringify([{a: 1, b: 'q"uote'}])         // 'a,b\n1,"q""uote"\n'
 *   csv.readCsv('/app/in.csv', { header: true }); csv.writeCsv('/app/out.csv', rows)
 *
 * Fields may be quoted with "; inside quotes a doubled "" is one quote and
 * commas and line breaks (LF or CRLF) are data. Values stay strings unless
 * `typed: true` converts numbers, booleans and empty fields. A quote that
 * is never closed is an error that names its line.
 */
'use strict';

const DEFAULT_DELIMITER = ',';
const QUOTE = '"';

/* The options every function accepts, with their defaults. */
function settings(options) {
  const o = Object.assign({ delimiter: DEFAULT_DELIMITER, header: undefined, skipEmptyLines: true,
                            trim: false, typed: false, eol: '\n', columns: undefined }, options || {});
  if (typeof o.delimiter !== 'string' || o.delimiter.length !== 1 || o.delimiter === QUOTE ||
      o.delimiter === '\n' || o.delimiter === '\r') {
    throw new TypeError(`csv-simple: delimiter must be one character other than a quote or a line break, got ${JSON.stringify(o.delimiter)}`);
  }
  return o;
}

/* '12' -> 12, 'true' -> true, '' -> null; anything else stays a string. */
function convert(value) {
  if (value === '') return null;
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(value.trim())) return Number(value);
  return value;
}

/*
 * Splits text into records of fields. Returns an array of arrays of
 * strings; throws an Error naming the line of an unterminated quote.
 */
function parseRows(text, o) {
  if (typeof text !== 'string') throw new TypeError(`csv-simple: parse() needs a string, got ${typeof text}`);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); /* byte order mark */
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;     /* inside a quoted field */
  let wasQuoted = false;  /* the current field was quoted (kept as is by trim) */
  let quoteLine = 0;
  let line = 1;
  let i = 0;
  const n = text.length;
  const endField = () => {
    row.push(o.trim && !wasQuoted ? field.trim() : field);
    field = '';
    wasQuoted = false;
  };
  const endRow = () => {
    endField();
    const empty = row.length === 1 && row[0] === '';
    if (!(empty && o.skipEmptyLines)) rows.push(row);
    row = [];
  };
  while (i < n) {
    const c = text[i];
    if (quoted) {
      if (c === QUOTE) {
        if (text[i + 1] === QUOTE) {
          field += QUOTE;
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      if (c === '\n') line++;
      field += c;
      i++;
      continue;
    }
    if (c === QUOTE && field.trim() === '') {
      quoted = true;
      wasQuoted = true;
      quoteLine = line;
      field = '';
      i++;
    } else if (c === o.delimiter) {
      endField();
      i++;
    } else if (c === '\r' || c === '\n') {
      endRow();
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line++;
    } else {
      field += c;
      i++;
    }
  }
  if (quoted) throw new Error(`csv-simple: the quoted field that starts on line ${quoteLine} is never closed`);
  if (field !== '' || row.length > 0 || wasQuoted) endRow();
  return rows;
}

/*
 * parse(text, options) - options: header (first row names the columns;
 * records become objects), delimiter (','), skipEmptyLines (true), trim
 * (false; trims unquoted fields), typed (false; numbers, booleans, null).
 */
function parse(text, options) {
  const o = settings(options);
  let rows = parseRows(text, o);
  if (o.typed) rows = rows.map((r) => r.map(convert));
  if (!o.header) return rows;
  if (rows.length === 0) return [];
  const names = rows[0].map(String);
  return rows.slice(1).map((r) => {
    const record = {};
    names.forEach((name, k) => { record[name] = k < r.length ? r[k] : (o.typed ? null : ''); });
    return record;
  });
}

/* One field as CSV: quoted when it holds a delimiter, quote, line break
   or outer spaces; null and undefined are empty. */
function formatField(value, delimiter) {
  if (value === null || value === undefined) return '';
  let s;
  if (value instanceof Date) s = value.toISOString();
  else if (typeof value === 'object') s = JSON.stringify(value);
  else s = String(value);
  if (s.includes(delimiter) || s.includes(QUOTE) || s.includes('\n') || s.includes('\r') ||
      s !== s.trim()) {
    return QUOTE + s.split(QUOTE).join(QUOTE + QUOTE) + QUOTE;
  }
  return s;
}

/*
 * stringify(rows, options) - rows are arrays or objects. For objects the
 * columns are options.columns or every key in order of first appearance,
 * and a header row is written unless options.header is false. Every
 * record ends with options.eol ('\n'; use '\r\n' for strict RFC 4180).
 */
function stringify(rows, options) {
  if (!Array.isArray(rows)) throw new TypeError(`csv-simple: stringify() needs an array of rows, got ${typeof rows}`);
  const o = settings(options);
  const objects = rows.length > 0 && rows.every((r) => r !== null && typeof r === 'object' && !Array.isArray(r));
  const lines = [];
  const line = (fields) => lines.push(fields.map((f) => formatField(f, o.delimiter)).join(o.delimiter));
  if (objects) {
    let columns = o.columns;
    if (!columns) {
      const seen = new Set();
      for (const r of rows) for (const k of Object.keys(r)) seen.add(k);
      columns = [...seen];
    }
    if (o.header !== false) line(columns);
    for (const r of rows) line(columns.map((k) => r[k]));
  } else {
    if (Array.isArray(o.header)) line(o.header);
    for (const r of rows) {
      if (!Array.isArray(r)) throw new TypeError('csv-simple: stringify() rows must all be arrays or all be objects');
      line(r);
    }
  }
  return lines.length ? lines.join(o.eol) + o.eol : '';
}

/* readCsv(path, options): parse() of a file, through the readText helper. */
function readCsv(path, options) {
  return parse(globalThis.readText(path), options);
}

/* writeCsv(path, rows, options): stringify() into a file under /app. */
function writeCsv(path, rows, options) {
  globalThis.writeText(path, stringify(rows, options));
}

module.exports = { parse, stringify, readCsv, writeCsv };
