// check_wasm_simd.mjs: fails unless the wasm build really contains simd128 float arithmetic
// (f32x4.mul and f32x4.add) in the linked binary and in the hand-vectorized matmul and matvec of the
// object file of src/kernels/kernels_simd.cpp (where no inlining can hide them). Guards against a
// build that drops -msimd128, and against simd.h falling back to its scalar branch in wasm: clang's
// auto-vectorizer then still emits f32x4 for the elementwise loops, but never for these two
// reductions (checked by hand with -DATTN_SIMD_FORCE_SCALAR).
// Not a benchmark. Usage: node check_wasm_simd.mjs BINARY.wasm OBJECT.o... (the objects of attn_core;
// the one named kernels_simd.cpp.o is checked). ctest: check_wasm_simd. Needs wasm-objdump (wabt).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const wanted = ['f32x4.mul', 'f32x4.add'];

function fail(msg) {
  console.error(`check_wasm_simd: FAIL: ${msg}`);
  process.exit(1);
}

// Counts of the wanted instructions in a wasm module or object file, in total and per function.
function count(file) {
  if (!existsSync(file)) fail(`no such file ${file}`);
  const dis = spawnSync('wasm-objdump', ['-d', file], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (dis.error || dis.status !== 0) fail(`wasm-objdump -d ${file} failed (install wabt): ${dis.error ?? dis.stderr}`);
  const total = Object.fromEntries(wanted.map((op) => [op, 0]));
  const perFunction = new Map();  // name -> {op: count}
  let fn = '?';
  for (const line of dis.stdout.split('\n')) {
    const head = line.match(/func\[\d+\] <(.*)>:$/);
    if (head) {
      fn = head[1];
      continue;
    }
    const instr = line.match(/\|\s*([a-z0-9_.]+)/);  // " 00222c: fd 13   |   f32x4.splat"
    if (instr && wanted.includes(instr[1])) {
      total[instr[1]]++;
      if (!perFunction.has(fn)) perFunction.set(fn, Object.fromEntries(wanted.map((op) => [op, 0])));
      perFunction.get(fn)[instr[1]]++;
    }
  }
  return { total, perFunction };
}

// ctest passes $<TARGET_OBJECTS:...> as one argument with ';' between the paths
const [binary, ...objects] = process.argv.slice(2).flatMap((a) => a.split(';')).filter(Boolean);
if (!binary) fail('usage: node check_wasm_simd.mjs BINARY.wasm OBJECT.o...');
const simdObject = objects.find((o) => path.basename(o).startsWith('kernels_simd.cpp.'));
if (!simdObject) fail(`no kernels_simd.cpp object among ${objects.length} objects given`);

const show = (counts) => wanted.map((op) => `${op} x${counts[op]}`).join(', ');
const obj = count(simdObject);
const bin = count(binary);
console.log(`kernels_simd.cpp object: ${show(obj.total)}`);
for (const [fn, c] of obj.perFunction) console.log(`    ${show(c)}  ${fn}`);
console.log(`${path.basename(binary)}: ${show(bin.total)}`);
const missing = [];
for (const op of wanted) {
  if (bin.total[op] === 0) missing.push(`${op} in ${binary}`);
}
// attn::kernels::simd::matmul / matvec, mangled in the object file
for (const kernel of ['_ZN4attn7kernels4simd6matmulE', '_ZN4attn7kernels4simd6matvecE']) {
  const c = [...obj.perFunction].find(([fn]) => fn.startsWith(kernel))?.[1];
  for (const op of wanted) {
    if (!c || c[op] === 0) missing.push(`${op} in ${kernel}... of ${simdObject}`);
  }
}
if (missing.length) fail(`missing ${missing.join('; ')}`);
console.log('check_wasm_simd: OK');
