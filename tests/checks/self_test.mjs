// self_test.mjs: the two source checks fail on a wrong line, not only pass on the tree: each runs on
// a small tree in a temporary folder (trace.h copied from this repository) with one good and one
// deliberately wrong line. Not the checks of the real tree (ctest pass_numbers, test_lines).
// Test: tests/checks/self_test.mjs is its own test (ctest source_checks_self_test).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');

// A tree holding the given files ({path: text}); returns its root.
function tree(files) {
  const root = mkdtempSync(join(tmpdir(), 'attn-checks-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}
function run(script, root) {
  const r = spawnSync(process.execPath, [join(here, script), root], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout + r.stderr };
}
function with_trace(files) {
  const root = tree(files);
  for (const dir of ['src/trace', 'src/kernels', 'src/nn', 'src/models', 'shaders']) mkdirSync(join(root, dir), { recursive: true });
  copyFileSync(join(repo, 'src/trace/trace.h'), join(root, 'src/trace/trace.h'));
  return root;
}

test('pass_numbers: right numbers and words pass', () => {
  const r = run('pass_numbers.mjs', with_trace({
    'src/kernels/k.cpp': '// pass 2: scores\n// pass 3-4: scale, mask: both\n// pass 5a: exp\n// pass 5c: divide\n' +
                         'x = 1;  // pass 6 backward: context\n// passes 1-4 (a reference) and pass 7\n',
    'shaders/s.wgsl': '// pass 5: softmax over time\n',
  }));
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /^8 pass comments/);
});

for (const [line, why] of [
  ['// pass 2: softmax', /k\.cpp:1: .*pass 2 "scores"/],
  ['// pass 8: the eighth', /k\.cpp:1: .*8 is no stage/],
  ['// pass 0 (normalization)', /k\.cpp:1: .*0 is no stage/],
  ['// pass 5b: exponentials', /k\.cpp:1: .*pass 5b "sum"/],
  ['// pass 2-4: scores, mask, scale', /k\.cpp:1: .*pass 2-4 "scores", then "scale", then "mask"/],
  ['// pass 4-5a: mask, exp', /a range mixes stages and softmax steps/],
  ['// the pass\n// 3: a number on the next line', /k\.cpp:1: .*pass 3 "scale"/],
]) {
  test(`pass_numbers: a wrong line fails it: ${line.split('\n').join(' ')}`, () => {
    const r = run('pass_numbers.mjs', with_trace({ 'src/kernels/k.cpp': `${line}\n// pass 2: scores\n` }));
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, why);
    assert.match(r.out, /^1 pass comment\(s\) disagree/);
  });
}

test('pass_numbers: the words come from trace.h, not from the checker', () => {
  const root = with_trace({ 'src/nn/n.cpp': '// pass 2: logits\n' });
  assert.equal(run('pass_numbers.mjs', root).code, 1);
  const table = join(root, 'src/trace/trace.h');
  writeFileSync(table, readFileSync(table, 'utf8').replace('"2", "scores"', '"2", "logits"'));
  const r = run('pass_numbers.mjs', root);
  assert.equal(r.code, 0, r.out);
});

test('pass_numbers: a trace.h without the table is an error, not a pass', () => {
  const root = with_trace({ 'src/nn/n.cpp': '// pass 2: scores\n' });
  writeFileSync(join(root, 'src/trace/trace.h'), '// no table here\n');
  const r = run('pass_numbers.mjs', root);
  assert.notEqual(r.code, 0);
  assert.match(r.out, /no kStages\[\] table/);
});

test('test_lines: names that exist pass, in every form', () => {
  const r = run('test_lines.mjs', tree({
    'src/core/a.h': '// a.h: one thing. Not another.\n// Test: tests/unit/test_a.cpp, test_b.cpp and\n// tests/unit/test_*.cpp.\n//\n// later.h is not a test name\n',
    'tests/unit/test_a.cpp': '// test_a.cpp: tests a.h.\n',
    'tests/unit/test_b.cpp': '',
    'src/core/b.cpp': '// b.cpp: see b.h (no test line here: nothing to check)\n',
  }));
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /^1 files' Test: lines name 3 files/);
});

for (const [header, why] of [
  ['// x.h: one thing.\n// Test: tests/unit/test_missing.cpp.\n', /src\/x\.h:2: Test: names tests\/unit\/test_missing\.cpp/],
  ['// x.h: one thing. Test: test_missing.cpp.\n', /src\/x\.h:1: Test: names test_missing\.cpp/],
  ['// x.h: one thing.\n// Test: tests/unit/test_nothing_*.cpp.\n', /names tests\/unit\/test_nothing_\*\.cpp/],
  ['// x.h: one thing. Test: by hand.\n', /src\/x\.h:1: its Test: line names no file/],
]) {
  test(`test_lines: a wrong name fails it: ${header.split('\n').join(' ')}`, () => {
    const r = run('test_lines.mjs', tree({ 'src/x.h': header, 'tests/unit/test_a.cpp': '' }));
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, why);
  });
}
