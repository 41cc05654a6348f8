// strings_js.mjs: writes strings.js, the page's texts (the "page.*" rows of src/views/strings_table.inc,
// the interface's one strings table) for web/loader.js and web/page.js, which run before the engine
// can answer. Run at every wasm build (src/app/app.cmake). Not the table (strings.h), nor the engine's
// lookup. Usage: node scripts/strings_js.mjs TABLE OUT.js. Test: tests/e2e/i18n.test.mjs.
import { readFileSync, writeFileSync } from 'node:fs';

// The rows of the table: [{id, texts: [en, es]}]. The file holds S(id, en, es) rows and // comments;
// adjacent string literals join, as in C++. Throws on anything else, so the two readers cannot differ.
export function readTable(text) {
  const rows = [];
  const body = text.replace(/^\s*\/\/.*$/gm, '');
  const token = /\s*(?:(S\()|("(?:[^"\\]|\\.)*")|(,)|(\)))/y;
  let pos = 0, row = null, field = null;
  for (;;) {
    if (/^\s*$/.test(body.slice(pos))) break;
    token.lastIndex = pos;
    const m = token.exec(body);
    if (!m) throw new Error(`strings table: cannot read near "${body.slice(pos, pos + 40)}"`);
    pos = token.lastIndex;
    if (m[1]) { if (row) throw new Error('strings table: S( inside a row'); row = []; field = null; }
    else if (m[2]) field = (field ?? '') + JSON.parse(m[2].replace(/\\'/g, "'"));
    else if (m[3]) { row.push(field); field = null; }
    else if (m[4]) {
      row.push(field);
      if (row.length < 3 || row.some((f) => f === null)) throw new Error(`strings table: incomplete row ${row[0]}`);
      rows.push({ id: row[0], texts: row.slice(1) });
      row = null;
    }
  }
  return rows;
}

const [tablePath, outPath] = process.argv.slice(2);
if (tablePath && outPath) {
  const rows = readTable(readFileSync(tablePath, 'utf8')).filter((r) => r.id.startsWith('page.'));
  const table = Object.fromEntries(rows.map((r) => [r.id, r.texts]));
  const js = `// strings.js: written by scripts/strings_js.mjs from src/views/strings_table.inc; do not edit.
// The page's texts before the engine runs (loading, problems, notices) in the visitor's language: the
// link's lang= if it names one, else the browser's (Spanish for es*, else English).
(function () {
  'use strict';
  const codes = ['en', 'es'];
  const table = ${JSON.stringify(table, null, 0)};
  const fromHash = /(?:^#|&)lang=([a-z]+)(?:&|$)/.exec(location.hash);
  const browser = (navigator.languages && navigator.languages[0]) || navigator.language || 'en';
  const browserLang = /^es\\b/i.test(browser) ? 'es' : 'en';
  let lang = fromHash && codes.includes(fromHash[1]) ? fromHash[1] : browserLang;
  // printf's conversions as the table writes them (%s, %d, %.1f): the arguments in order.
  function format(text, args) {
    let i = 0;
    return text.replace(/%(%|[-+ #0]*\\d*(?:\\.(\\d+))?[a-z])/g, (all, spec, digits) => {
      if (spec === '%') return '%';
      const v = args[i++];
      return digits !== undefined && typeof v === 'number' ? v.toFixed(Number(digits)) : String(v);
    });
  }
  function t(id, ...args) {
    const row = table[id];
    return row ? format(row[codes.indexOf(lang)] || row[0], args) : id;
  }
  // The static texts of index.html, and <html lang>.
  function show() {
    document.documentElement.lang = lang;
    document.title = t('page.title');
    for (const h of document.querySelectorAll('#overlay h1')) h.textContent = t('page.title');
    const canvas = document.getElementById('canvas');
    if (canvas) canvas.setAttribute('aria-label', t('page.canvas_label'));
    const status = document.getElementById('status');
    if (status && !status.dataset.said) status.textContent = t('page.loading');
  }
  window.attnStrings = {
    codes, browserLang, t,
    get lang() { return lang; },
    setLang(code) { if (codes.includes(code) && code !== lang) { lang = code; show(); } },
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', show);
  else show();
})();
`;
  writeFileSync(outPath, js);
}
