/*
 * string-utils - everyday string helpers for the sandbox.
 *
 *   const su = require('string-utils');
 *   su.slugify('Héllo, World!')        // 'hello-world'
 *   su.camelCase('user_first-name')    // 'userFirstName'
 *   su.snakeCase('userFirstName')      // 'user_first_name'
 *   su.truncate('abcdefgh', 5)         // 'ab...'
 *   su.wordCount('one two  three')     // 3
 *
 * Case conversions split words at spaces, punctuation, '_' and '-', and at
 * lower-to-upper and letter-to-digit changes ('parseHTTPResponse2' ->
 * parse, HTTP, Response, 2). Every function takes and returns strings,
 * converting a non-string argument with String() first.
 */
'use strict';

const str = (s) => (s === null || s === undefined ? '' : String(s));

/* words('fooBar_baz-QUX 2x') -> ['foo', 'Bar', 'baz', 'QUX', '2', 'x'] */
function words(s) {
  return str(s)
    .replace(/([\p{Ll}\d])(\p{Lu})/gu, '$1 $2')
    .replace(/(\p{Lu})(\p{Lu}\p{Ll})/gu, '$1 $2')
    .replace(/(\p{L})(\d)/gu, '$1 $2')
    .replace(/(\d)(\p{L})/gu, '$1 $2')
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

const capitalize = (s) => { s = str(s); return s.charAt(0).toUpperCase() + s.slice(1).toLowerCase(); };
const upperFirst = (s) => { s = str(s); return s.charAt(0).toUpperCase() + s.slice(1); };
const lowerFirst = (s) => { s = str(s); return s.charAt(0).toLowerCase() + s.slice(1); };
const camelCase = (s) => words(s).map((w, i) => (i === 0 ? w.toLowerCase() : capitalize(w))).join('');
const pascalCase = (s) => words(s).map(capitalize).join('');
const snakeCase = (s) => words(s).map((w) => w.toLowerCase()).join('_');
const kebabCase = (s) => words(s).map((w) => w.toLowerCase()).join('-');
const constantCase = (s) => words(s).map((w) => w.toUpperCase()).join('_');
const dotCase = (s) => words(s).map((w) => w.toLowerCase()).join('.');
const titleCase = (s) => words(s).map(capitalize).join(' ');
const sentenceCase = (s) => upperFirst(words(s).map((w) => w.toLowerCase()).join(' '));

/* Letters without their accents: 'Crème brûlée' -> 'Creme brulee'. */
const removeAccents = (s) => str(s).normalize('NFD').replace(/\p{M}+/gu, '');

/* slugify(s, sep='-'): lowercase ASCII words joined by sep. */
function slugify(s, sep = '-') {
  return removeAccents(s).toLowerCase().replace(/[^a-z0-9]+/g, sep)
    .split(sep).filter(Boolean).join(sep);
}

/* truncate(s, max, suffix='...'): at most max characters, suffix included;
   with { wordBoundary: true } as 4th argument it cuts at a space. */
function truncate(s, max, suffix = '...', options = {}) {
  s = str(s);
  if (!(max >= 0)) throw new TypeError(`string-utils: truncate() needs a length >= 0, got ${max}`);
  if (s.length <= max) return s;
  if (suffix.length >= max) return suffix.slice(0, max);
  let cut = s.slice(0, max - suffix.length);
  if (options.wordBoundary) {
    const space = cut.lastIndexOf(' ');
    if (space > 0) cut = cut.slice(0, space);
  }
  return cut.replace(/\s+$/, '') + suffix;
}

/* pad(s, length, char=' ', side='end'|'start'|'both') */
function pad(s, length, char = ' ', side = 'end') {
  s = str(s);
  if (side === 'start') return s.padStart(length, char);
  if (side === 'both') {
    const total = Math.max(0, length - s.length);
    const left = Math.floor(total / 2);
    return s.padStart(s.length + left, char).padEnd(length, char);
  }
  return s.padEnd(length, char);
}
const padLeft = (s, length, char = ' ') => pad(s, length, char, 'start');
const padRight = (s, length, char = ' ') => pad(s, length, char, 'end');
const center = (s, length, char = ' ') => pad(s, length, char, 'both');

const wordCount = (s) => (str(s).match(/[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*/gu) || []).length;
const charCount = (s) => [...str(s)].length;
const lineCount = (s) => { s = str(s); return s === '' ? 0 : s.split(/\r?\n/).length - (/\r?\n$/.test(s) ? 1 : 0); };
const reverse = (s) => [...str(s)].reverse().join('');
const isBlank = (s) => str(s).trim() === '';
const collapseWhitespace = (s) => str(s).replace(/\s+/g, ' ').trim();
const count = (s, sub) => { s = str(s); sub = str(sub); return sub ? s.split(sub).length - 1 : 0; };
const repeat = (s, n, sep = '') => Array(Math.max(0, n | 0)).fill(str(s)).join(sep);

const HTML_ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (s) => str(s).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
function unescapeHtml(s) {
  const named = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };
  return str(s).replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : m;
    }
    return Object.prototype.hasOwnProperty.call(named, e.toLowerCase()) ? named[e.toLowerCase()] : m;
  });
}
const stripHtml = (s) => unescapeHtml(str(s).replace(/<[^>]*>/g, ''));
const escapeRegExp = (s) => str(s).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/* dedent(s): removes the indentation common to every non-blank line. */
function dedent(s) {
  const lines = str(s).split('\n');
  const indents = lines.filter((l) => l.trim()).map((l) => l.match(/^[ \t]*/)[0].length);
  const common = indents.length ? Math.min(...indents) : 0;
  return lines.map((l) => l.slice(Math.min(common, l.match(/^[ \t]*/)[0].length))).join('\n');
}

/* indent(s, n=2, char=' '): prefixes every non-empty line. */
const indent = (s, n = 2, char = ' ') => str(s).split('\n').map((l) => (l ? char.repeat(n) + l : l)).join('\n');

/* wrap(s, width=80): greedy word wrap; words longer than width stay whole. */
function wrap(s, width = 80) {
  return str(s).split('\n').map((para) => {
    const out = [];
    let line = '';
    for (const w of para.split(/\s+/).filter(Boolean)) {
      if (line && line.length + 1 + w.length > width) {
        out.push(line);
        line = w;
      } else {
        line = line ? line + ' ' + w : w;
      }
    }
    out.push(line);
    return out.join('\n');
  }).join('\n');
}

/* template('Hi {name}!', { name: 'Ann' }) -> 'Hi Ann!' (unknown keys stay). */
const template = (s, values) => str(s).replace(/\{(\w+)\}/g, (m, k) =>
  (values && Object.prototype.hasOwnProperty.call(values, k) ? String(values[k]) : m));

/* levenshtein(a, b): the edit distance between two strings. */
function levenshtein(a, b) {
  a = [...str(a)];
  b = [...str(b)];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}

module.exports = {
  words, capitalize, upperFirst, lowerFirst, camelCase, pascalCase, snakeCase, kebabCase,
  constantCase, dotCase, titleCase, sentenceCase, removeAccents, slugify, truncate, pad,
  padLeft, padRight, center, wordCount, charCount, lineCount, reverse, isBlank,
  collapseWhitespace, count, repeat, escapeHtml, unescapeHtml, stripHtml, escapeRegExp,
  dedent, indent, wrap, template, levenshtein,
};
