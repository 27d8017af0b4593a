/*
 * sandbox-utils - the sandbox's file helpers as a module, and JavaScript
 * counterparts of a few file and text utilities (grep, head, tail, wc,
 * find, tree, sed -i, du), built on those helpers.
 *
 *   const su = requireVendor('sandbox-utils');  // or require('sandbox-utils')
 *   su.readJson('/app/cfg.json'); su.writeLines('/app/out.txt', ['a', 'b'])
 *   su.grep(/error/i, '/app/logs')     // [{ file, line, text }, ...]
 *   su.head('/app/data.csv', 5)         // first 5 lines
 *   su.wc('/app/notes.txt')             // { lines, words, chars, bytes }
 *   su.find('/app', '*.json')           // ['/app/a.json', '/app/sub/b.json']
 *   console.log(su.tree('/app'))
 *
 * The original system's sandbox-utils.js exported twelve file helpers
 * (readJson, writeJson, readText, writeText, fileExists, readLines,
 * writeLines, appendText, fileSize, listFiles, copyFile, removeFile);
 * here they are the same functions as the globals of those names, taken
 * when the module is first loaded. Paths are absolute or relative to
 * /app, as for the helpers; results name files by absolute path and are
 * sorted.
 */
'use strict';

const APP = '/app';

/* The global file helpers this module re-exports (the original's 12). */
const HELPER_NAMES = ['readJson', 'writeJson', 'readText', 'writeText', 'fileExists', 'readLines',
  'writeLines', 'appendText', 'fileSize', 'listFiles', 'copyFile', 'removeFile'];
const helpers = {};
for (const name of HELPER_NAMES) helpers[name] = globalThis[name];

/* The lines of a file without a last empty one after a final line break
   (readLines, as the original, keeps it). */
const fileLines = (path) => {
  const lines = helpers.readLines(path);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
};

/* The absolute, normalised form of a path (relative ones are under /app). */
const abs = (p) => {
  if (typeof p !== 'string' || p === '') throw new TypeError(`sandbox-utils: a path must be a non-empty string, got ${typeof p}`);
  const out = [];
  for (const part of (p.startsWith('/') ? p : `${APP}/${p}`).split('/')) {
    if (part === '..') out.pop();
    else if (part !== '' && part !== '.') out.push(part);
  }
  return '/' + out.join('/');
};
const join = (dir, name) => (dir === '/' ? `/${name}` : `${dir}/${name}`);
const isDir = (p) => { const i = globalThis.fileInfo(p); return i !== null && i.isDirectory; };

/* globToRegExp('*.js') -> /^[^/]*\.js$/ ; '**' also crosses folders. */
function globToRegExp(glob) {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      re += '.*';
      i++;
      if (glob[i + 1] === '/') i++;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/* Every file below dir (absolute paths, sorted). */
function walkFiles(dir) {
  const root = abs(dir);
  return globalThis.listFiles(root, { recursive: true })
    .map((rel) => join(root, rel))
    .filter((p) => !isDir(p));
}

/*
 * find(dir='.', pattern='*', { type: 'file'|'dir'|'any' = 'file' }):
 * paths below dir whose name (or, when pattern has a '/', whose path
 * relative to dir) matches the glob pattern.
 */
function find(dir = '.', pattern = '*', options = {}) {
  const root = abs(dir);
  const type = options.type || 'file';
  const re = globToRegExp(pattern);
  const byPath = pattern.includes('/');
  return globalThis.listFiles(root, { recursive: true }).filter((rel) => {
    const full = join(root, rel);
    const folder = isDir(full);
    if ((type === 'file' && folder) || (type === 'dir' && !folder)) return false;
    return re.test(byPath ? rel : rel.slice(rel.lastIndexOf('/') + 1));
  }).map((rel) => join(root, rel));
}

/*
 * grep(pattern, paths='.', { ignoreCase, maxResults, include }): lines
 * matching pattern (a RegExp or a plain substring) in the given files, or
 * in every file below the given folders (include: a glob on file names).
 * Returns [{ file, line (1-based), text }].
 */
function grep(pattern, paths = '.', options = {}) {
  const flags = options.ignoreCase ? 'i' : '';
  const re = pattern instanceof RegExp ? new RegExp(pattern.source, pattern.flags.replace('g', '') + (options.ignoreCase && !pattern.flags.includes('i') ? 'i' : ''))
    : new RegExp(String(pattern).replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), flags);
  const include = options.include ? globToRegExp(options.include) : null;
  const max = options.maxResults || Infinity;
  const files = [];
  for (const p of Array.isArray(paths) ? paths : [paths]) {
    if (isDir(abs(p))) files.push(...walkFiles(p));
    else files.push(abs(p));
  }
  const out = [];
  for (const file of files) {
    if (include && !include.test(file.slice(file.lastIndexOf('/') + 1))) continue;
    const lines = fileLines(file);
    for (let i = 0; i < lines.length; i++) {
      if (re.test(lines[i])) {
        out.push({ file, line: i + 1, text: lines[i] });
        if (out.length >= max) return out;
      }
    }
  }
  return out;
}

/* head(path, n=10) / tail(path, n=10): the first / last n lines. */
const head = (path, n = 10) => fileLines(path).slice(0, Math.max(0, n));
const tail = (path, n = 10) => (n > 0 ? fileLines(path).slice(-n) : []);

/* wc(path): { lines, words, chars, bytes }, like wc -l -w -m -c. */
function wc(path) {
  const text = globalThis.readText(path);
  return {
    lines: (text.match(/\n/g) || []).length,
    words: (text.match(/\S+/g) || []).length,
    chars: [...text].length,
    bytes: globalThis.fileSize(path),
  };
}

/* du(path='.'): total bytes of the files below path (or of one file). */
function du(path = '.') {
  const p = abs(path);
  if (!isDir(p)) return globalThis.fileSize(p) || 0;
  return walkFiles(p).reduce((sum, f) => sum + (globalThis.fileSize(f) || 0), 0);
}

/* tree(dir='.', { maxDepth }): a drawing of the folder, like tree(1). */
function tree(dir = '.', options = {}) {
  const root = abs(dir);
  const maxDepth = options.maxDepth === undefined ? Infinity : options.maxDepth;
  const lines = [root];
  const walk = (d, prefix, depth) => {
    const names = globalThis.listFiles(d);
    names.forEach((name, i) => {
      const last = i === names.length - 1;
      const full = join(d, name);
      const folder = isDir(full);
      lines.push(`${prefix}${last ? '└── ' : '├── '}${name}${folder ? '/' : ''}`);
      if (folder && depth < maxDepth) walk(full, prefix + (last ? '    ' : '│   '), depth + 1);
    });
  };
  walk(root, '', 1);
  return lines.join('\n');
}

/*
 * replaceInFile(path, search, replacement): like sed -i. search is a
 * RegExp (every match when it has the g flag) or a string (every
 * occurrence). Returns the number of replacements; rewrites the file only
 * when there was one.
 */
function replaceInFile(path, search, replacement) {
  const text = globalThis.readText(path);
  let count = 0;
  let out;
  if (search instanceof RegExp) {
    count = search.global ? (text.match(search) || []).length : (text.search(search) >= 0 ? 1 : 0);
    out = text.replace(search, replacement);
  } else {
    const parts = text.split(String(search));
    count = parts.length - 1;
    out = parts.join(String(replacement));
  }
  if (count > 0) globalThis.writeText(path, out);
  return count;
}

/* sortLines(path, { unique, numeric, reverse }): the sorted lines. */
function sortLines(path, options = {}) {
  let lines = fileLines(path);
  lines.sort(options.numeric ? (a, b) => parseFloat(a) - parseFloat(b) : undefined);
  if (options.reverse) lines.reverse();
  if (options.unique) lines = lines.filter((l, i) => i === 0 || l !== lines[i - 1]);
  return lines;
}

module.exports = Object.assign({}, helpers,
  { find, grep, head, tail, wc, du, tree, replaceInFile, sortLines, globToRegExp });
