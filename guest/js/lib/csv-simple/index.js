/*
 * csv-simple - CSV parsing and writing for the sandbox (RFC 4180).
 *
 *   const csv = requireVendor('csv-simple');      // or require('csv-simple')
 *   csv.parse('a,b\n1,"x, y"\n')                 // [{a: '1', b: 'x, y'}]
 *   csv.parse(text, { headers: false })          // [['a','b'], ['1','x, y']]
 *   csv.stringify([{a: 1, b: 'q"uote'}])         // 'a,b\n1,"q""uote"'
 *   csv.readCsv('/app/in.csv'); csv.writeCsv('/app/out.csv', rows)
 *
 * The API of the original system's csv-simple (parse with delimiter,
 * quote and headers; stringify with delimiter, quote, headers and
 * columns), plus ours: `header` as another name for `headers`, `typed`,
 * `trim`, `skipEmptyLines`, `eol`, readCsv and writeCsv.
 *
 * Fields may be quoted; inside quotes a doubled quote is one quote and
 * delimiters and line breaks (LF or CRLF) are data. Values stay strings
 * unless `typed: true` converts numbers, booleans and empty fields. A
 * quote that is never closed is an error that names its line.
 */
'use strict';

const DEFAULT_DELIMITER = ',';
const DEFAULT_QUOTE = '"';

/*
 * The options every function accepts, with their defaults. `headers`
 * (the original's name) and `header` (ours) are one option: true, false
 * or an array of column names; `header` wins when both are given.
 */
function settings(options) {
  const o = Object.assign({ delimiter: DEFAULT_DELIMITER, quote: DEFAULT_QUOTE, headers: true,
                            skipEmptyLines: true, trim: false, typed: false, eol: '\n',
                            columns: undefined }, options || {});
  if (o.header !== undefined) o.headers = o.header;
  const single = (v) => typeof v === 'string' && v.length === 1 && v !== '\n' && v !== '\r';
  if (!single(o.quote)) {
    throw new TypeError(`csv-simple: quote must be one character other than a line break, got ${JSON.stringify(o.quote)}`);
  }
  if (!single(o.delimiter) || o.delimiter === o.quote) {
    throw new TypeError(`csv-simple: delimiter must be one character other than the quote or a line break, got ${JSON.stringify(o.delimiter)}`);
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
      if (c === o.quote) {
        if (text[i + 1] === o.quote) {
          field += o.quote;
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
    if (c === o.quote && field.trim() === '') {
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
 * parse(text, options) - options: headers (true: the first row names the
 * columns and records become objects, a missing cell being ''; false:
 * arrays of fields; an array: those names, every row a record; `header`
 * is the same option), delimiter (','), quote ('"'), skipEmptyLines
 * (true), trim (false; trims unquoted fields), typed (false; numbers,
 * booleans, and null for empty fields).
 */
function parse(text, options) {
  const o = settings(options);
  let rows = parseRows(text, o);
  if (o.typed) rows = rows.map((r) => r.map(convert));
  if (!o.headers) return rows;
  if (rows.length === 0) return [];
  const names = Array.isArray(o.headers) ? o.headers.map(String) : rows.shift().map(String);
  return rows.map((r) => {
    const record = {};
    names.forEach((name, k) => { record[name] = k < r.length ? r[k] : (o.typed ? null : ''); });
    return record;
  });
}

/* One field as CSV: quoted when it holds the delimiter, the quote or a
   line break; null and undefined are empty, 0 and false are "0" and
   "false" (the original wrote '' for them), Dates ISO text, other
   objects JSON. */
function formatField(value, o) {
  if (value === null || value === undefined) return '';
  let s;
  if (value instanceof Date) s = value.toISOString();
  else if (typeof value === 'object') s = JSON.stringify(value);
  else s = String(value);
  if (s.includes(o.delimiter) || s.includes(o.quote) || s.includes('\n') || s.includes('\r')) {
    return o.quote + s.split(o.quote).join(o.quote + o.quote) + o.quote;
  }
  return s;
}

/* The columns for records: the first one's keys, then any key a later
   record adds, in order of appearance. */
function recordKeys(rows) {
  const seen = new Set();
  for (const r of rows) for (const k of Object.keys(r)) seen.add(k);
  return [...seen];
}

/*
 * stringify(rows, options) - rows are all arrays or all objects. For
 * objects the columns are options.columns, else an array given as
 * headers, else the keys of the records (the first one's, then new ones);
 * a header row comes first unless headers is false. For arrays a header
 * row is written only when headers (or columns) is an array. Rows are
 * joined by options.eol ('\n'; '\r\n' for strict RFC 4180) with no line
 * break after the last, as in the original; no rows give ''.
 */
function stringify(rows, options) {
  if (rows === null || rows === undefined) return '';
  if (!Array.isArray(rows)) throw new TypeError(`csv-simple: stringify() needs an array of rows, got ${typeof rows}`);
  const o = settings(options);
  if (rows.length === 0) return '';
  const objects = rows.every((r) => r !== null && typeof r === 'object' && !Array.isArray(r));
  const named = Array.isArray(o.columns) ? o.columns : Array.isArray(o.headers) ? o.headers : null;
  const lines = [];
  const line = (fields) => lines.push(fields.map((f) => formatField(f, o)).join(o.delimiter));
  if (objects) {
    const columns = named || recordKeys(rows);
    if (o.headers !== false) line(columns);
    for (const r of rows) line(columns.map((k) => r[k]));
  } else {
    if (named && o.headers !== false) line(named);
    for (const r of rows) {
      if (!Array.isArray(r)) throw new TypeError('csv-simple: stringify() rows must all be arrays or all be objects');
      line(r);
    }
  }
  return lines.join(o.eol);
}

/* readCsv(path, options): parse() of a file, through the readText helper. */
function readCsv(path, options) {
  return parse(globalThis.readText(path), options);
}

/* writeCsv(path, rows, options): stringify() into a file under /app,
   ending with a line break (options.eol) unless there are no rows. */
function writeCsv(path, rows, options) {
  const text = stringify(rows, options);
  globalThis.writeText(path, text === '' ? '' : text + settings(options).eol);
}

module.exports = { parse, stringify, readCsv, writeCsv };
