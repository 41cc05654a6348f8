// pass_numbers.mjs: checks that every "pass N" comment in the engine and the shaders uses the stage
// numbers and words of src/trace/trace.h (its kStages and kSoftmaxSteps tables, read from that file):
// "pass N" must name a stage (1-7, 5a-5c) and "pass N: <words>" must begin with that stage's label
// ("pass 2-4: scores, scale, mask" names each, in order). Not a style checker: other numbered steps
// say "step N". Run by ctest (pass_numbers); usage: node tests/checks/pass_numbers.mjs [ROOT].
// Test: tests/checks/self_test.mjs (a wrong number or a wrong word fails it).
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = process.argv[2] || process.cwd();
const kTable = 'src/trace/trace.h';
const kDirs = ['src/kernels', 'src/nn', 'src/models', 'shaders'];
const kExt = /\.(cpp|h|wgsl)$/;

// number -> {label, level}: the stages ("1".."7") and the softmax's steps ("5a".."5c").
function read_table() {
  const text = readFileSync(join(root, kTable), 'utf8');
  const block = (name) => {
    const m = text.match(new RegExp(`${name}\\[\\]\\s*=\\s*\\{([\\s\\S]*?)\\n\\};`));
    if (!m) throw new Error(`${kTable}: no ${name}[] table`);
    return m[1];
  };
  const stages = [...block('kStages').matchAll(/\{\s*Stage::\w+,\s*"(\d+)",\s*"([^"]+)"/g)];
  const steps = [...block('kSoftmaxSteps').matchAll(/\{\s*"(\d+[a-z])",\s*"([^"]+)"/g)];
  if (stages.length < 7 || steps.length < 3)
    throw new Error(`${kTable}: read ${stages.length} stages and ${steps.length} softmax steps, expected 7 and 3`);
  const table = new Map();
  stages.forEach((m, i) => table.set(m[1], { label: m[2], level: 'stage', index: i }));
  steps.forEach((m, i) => table.set(m[1], { label: m[2], level: 'step', index: i }));
  return table;
}

function files_under(dir) {
  if (!existsSync(join(root, dir))) throw new Error(`${dir} is missing: say in pass_numbers.mjs where its files went`);
  const out = [];
  for (const name of readdirSync(join(root, dir)).sort()) {
    const rel = join(dir, name);
    if (statSync(join(root, rel)).isDirectory()) out.push(...files_under(rel));
    else if (kExt.test(name)) out.push(rel);
  }
  return out;
}

// Runs of consecutive "//" comment lines joined into one text, with each character's line number,
// so that a "pass N" broken across two lines is still seen.
function comment_runs(text) {
  const runs = [];
  let cur = null;
  text.split('\n').forEach((line, i) => {
    const at = line.indexOf('//');
    if (at < 0) { cur = null; return; }
    const body = line.slice(at + 2);
    const alone = line.slice(0, at).trim() === '';
    if (!cur || !alone) { cur = { text: '', lines: [] }; runs.push(cur); }
    else { cur.text += ' '; cur.lines.push(i + 1); }
    cur.text += body;
    for (let k = 0; k < body.length; ++k) cur.lines.push(i + 1);
    if (!alone) cur = null;  // a comment after code stands alone
  });
  return runs;
}

// Whether `words` occurs in text at or after `from`, as whole words; returns the end or -1.
function find_words(text, words, from) {
  const re = new RegExp(`(?<![a-z0-9_])${words.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![a-z0-9_])`, 'g');
  re.lastIndex = from;
  const m = re.exec(text);
  return m ? m.index + m[0].length : -1;
}

const table = read_table();
const problems = [];
let checked = 0;
for (const file of kDirs.flatMap(files_under)) {
  for (const run of comment_runs(readFileSync(join(root, file), 'utf8'))) {
    const re = /\bpass(?:es)?\s+(\d+[a-z]?)(?:\s*-\s*(\d+[a-z]?))?(\s+backward)?(\s*:)?/gi;
    for (let m; (m = re.exec(run.text)); ) {
      ++checked;
      const where = `${file}:${run.lines[m.index]}`;
      const quote = `"${run.text.slice(m.index, m.index + m[0].length + 40).trim()}"`;
      const first = table.get(m[1]), last = m[2] ? table.get(m[2]) : first;
      const bad = [m[1], m[2]].filter((n) => n && !table.has(n));
      if (bad.length) {
        problems.push(`${where}: ${quote}: ${bad.join(', ')} is no stage of ${kTable} (1-7, softmax steps 5a-5c); ` +
                      'a numbered step that is not an attention stage says "step N"');
        continue;
      }
      if (first.level !== last.level) {
        problems.push(`${where}: ${quote}: a range mixes stages and softmax steps`);
        continue;
      }
      if (!m[4]) continue;  // a reference ("passes 1-4 for query i"): the numbers alone are checked
      const level = [...table.values()].filter((r) => r.level === first.level);
      const dir = last.index >= first.index ? 1 : -1;
      const labels = [];
      for (let i = first.index; ; i += dir) { labels.push(level[i].label); if (i === last.index) break; }
      const after = run.text.slice(m.index + m[0].length).toLowerCase();
      const start = after.length - after.trimStart().length;
      let at = after.trimStart().startsWith(labels[0]) ? find_words(after, labels[0], start) : -1;
      for (let i = 1; i < labels.length && at >= 0; ++i) at = find_words(after, labels[i], at);
      if (at < 0) {
        const want = labels.length > 1 ? `"${labels.join('", then "')}"` : `"${labels[0]}"`;
        problems.push(`${where}: ${quote}: ${kTable} calls pass ${m[1]}${m[2] ? '-' + m[2] : ''} ${want}; ` +
                      'the words after the colon must begin with that');
      }
    }
  }
}
if (problems.length) {
  console.error(`${problems.length} pass comment(s) disagree with the stage table of ${kTable}:`);
  for (const p of problems) console.error('  ' + p);
  process.exit(1);
}
console.log(`${checked} pass comments in ${kDirs.join(', ')} agree with the stage table of ${kTable}`);
