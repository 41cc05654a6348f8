// test_lines.mjs: checks that every source file's opening comment, where it has a "Test:" line,
// names files that exist: each path from "Test:" to the end of its paragraph, found from the
// repository root, the file's own folder or src/; a bare file name ("test_safetensors.cpp") anywhere
// under tests/; a pattern ("tests/unit/test_models_*.cpp") must match a file. Not a check that the
// named test covers the file. Run by ctest (test_lines); usage: node tests/checks/test_lines.mjs
// [ROOT]. Test: tests/checks/self_test.mjs (a wrong name fails it).
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const root = process.argv[2] || process.cwd();
const kDirs = ['src', 'shaders', 'web', 'scripts', 'tests'];
const kSkip = new Set(['node_modules', 'build']);
const kSource = /\.(h|cpp|wgsl|js|mjs|cmake|sh)$|^CMakeLists\.txt$|^Makefile$/;
// A path-like word: folders and a file name with an extension we keep, or a folder under tests/.
const kPath = /(?:[\w.*-]+\/)*[\w*-]+\.(?:cpp|h|mjs|js|wgsl|cmake|md|json|sh|py|txt|safetensors)\b|\btests\/[\w/*.-]*\w/g;

function files_under(dir) {
  const out = [];
  if (!existsSync(join(root, dir))) return out;
  for (const name of readdirSync(join(root, dir)).sort()) {
    if (kSkip.has(name)) continue;
    const rel = join(dir, name);
    if (statSync(join(root, rel)).isDirectory()) out.push(...files_under(rel));
    else if (kSource.test(name)) out.push(rel);
  }
  return out;
}

// The opening comment: the first lines that are comments ("//" or "#"), after a "#!" line.
function opening_comment(text) {
  const lines = text.split('\n');
  let i = lines[0]?.startsWith('#!') ? 1 : 0;
  const out = [];
  for (; i < lines.length; ++i) {
    const m = lines[i].match(/^\s*(?:\/\/|#(?!\s*(?:include|pragma|define|if|endif)\b))\s?(.*)$/);
    if (!m) break;
    out.push({ line: i + 1, text: m[1] });
  }
  return out;
}

// Every file name under tests/, for bare names.
let test_names = null;
function under_tests(name) {
  test_names ??= new Set(files_under('tests').map((f) => basename(f)));
  return test_names.has(name);
}

function exists(name, file) {
  if (!name.includes('/') && !name.includes('*') && under_tests(name)) return true;
  const bases = [root, join(root, dirname(file)), join(root, 'src')];
  for (const base of bases) {
    if (!name.includes('*')) {
      if (existsSync(join(base, name))) return true;
      continue;
    }
    const dir = join(base, dirname(name));
    if (!existsSync(dir)) continue;
    const re = new RegExp('^' + basename(name).split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$');
    if (readdirSync(dir).some((f) => re.test(f))) return true;
  }
  return false;
}

const problems = [];
let named = 0, files = 0;
for (const file of [...kDirs.flatMap(files_under), ...['CMakeLists.txt', 'Makefile'].filter((f) => existsSync(join(root, f)))]) {
  const header = opening_comment(readFileSync(join(root, file), 'utf8'));
  const at = header.findIndex((l) => /(?<!["'`])\bTest:/.test(l.text));
  if (at < 0) continue;
  ++files;
  let end = header.findIndex((l, i) => i > at && l.text.trim() === '');  // the paragraph ends
  const rest = header.slice(at, end < 0 ? header.length : end);
  const text = rest.map((l) => l.text).join(' ').replace(/^.*?(?<!["'`])\bTest:/, '');
  const names = [...new Set(text.match(kPath) || [])];
  if (!names.length) {
    problems.push(`${file}:${rest[0].line}: its Test: line names no file`);
    continue;
  }
  for (const name of names) {
    ++named;
    if (!exists(name, file)) problems.push(`${file}:${rest[0].line}: Test: names ${name}, which does not exist`);
  }
}
if (problems.length) {
  console.error(`${problems.length} Test: line(s) name files that do not exist:`);
  for (const p of problems) console.error('  ' + p);
  process.exit(1);
}
console.log(`${files} files' Test: lines name ${named} files, all of which exist`);
