// model_file.test.mjs: a model file of the visitor's, as a person gives it to the page: dropped on the
// page, picked with "Load a model file…" (by mouse and by keyboard through the accessibility mirror), or
// handed to attn.loadModel. The file is written here by this test's own safetensors writer, not the
// project's (as a model saved from PyTorch under README's tensor names would be): it loads, joins the
// model picker and attn.models(), and translates exactly as the shipped model with the same weights.
// Bad files (truncated, not safetensors, another architecture, wrong shapes, oversized) are refused with
// the loader's reason, by name, and the page keeps its model, text and models. "Download model" saves
// the model on screen; loaded again, it is the same tensors bit for bit. A sensor classifier's file goes to
// the Sensor view.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ROOT, clickWidget, frames, state, suite, until, waitForRun } from './browser.mjs';

const env = suite();

// ---- an independent safetensors reader and writer (the format's spec: an 8-byte little-endian header
// length, a JSON header of {name: {dtype, shape, data_offsets}} and "__metadata__", then the bytes) ----
function readSafetensors(buf) {
  const n = Number(buf.readBigUInt64LE(0));
  const header = JSON.parse(buf.subarray(8, 8 + n).toString('utf8'));
  const data = buf.subarray(8 + n);
  const metadata = header.__metadata__ || {};
  const tensors = Object.entries(header).filter(([k]) => k !== '__metadata__')
    .map(([name, t]) => ({ name, dtype: t.dtype, shape: t.shape, bytes: data.subarray(t.data_offsets[0], t.data_offsets[1]) }));
  return { metadata, tensors };
}
// Tensors in the order given, the header's keys in reverse order, padded with spaces to 8 bytes (as
// Python's safetensors writer pads): nothing like the project's writer but the format.
function writeSafetensors({ metadata, tensors }) {
  let offset = 0;
  const entries = tensors.map((t) => {
    const e = [t.name, { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + t.bytes.length] }];
    offset += t.bytes.length;
    return e;
  });
  const header = Object.fromEntries([['__metadata__', metadata], ...entries].reverse());
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
  return Buffer.concat([len, Buffer.from(json, 'utf8'), ...tensors.map((t) => t.bytes)]);
}

const shipped = readSafetensors(readFileSync(join(ROOT, 'assets/models/statquest-toy.safetensors')));
const tinyTransformer = readSafetensors(readFileSync(join(ROOT, 'assets/models/transformer.safetensors'))).metadata;
// "Trained elsewhere": the same weights in the reverse order, with the metadata keys README lists.
const elsewhere = writeSafetensors({
  metadata: { ...shipped.metadata, name: 'my-toy', description: 'trained elsewhere, saved by another writer' },
  tensors: [...shipped.tensors].reverse(),
});

// Drops a file on the canvas as a browser does (a drop event whose DataTransfer holds the File).
async function drop(page, bytes, name) {
  await page.evaluate(({ b64, fileName }) => {
    const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([data], fileName));
    document.getElementById('canvas').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, { b64: bytes.toString('base64'), fileName: name });
}
const models = (page) => page.evaluate(() => window.attn.models());
const translation = (page, model) => page.evaluate((m) => window.attn.translate(m, "let's go"), model);

test('a model file written by another writer, dropped on the page, loads and translates as the same weights do', async () => {
  const page = await env.open();
  await waitForRun(page);
  const before = (await state(page)).runs;
  await drop(page, elsewhere, 'my-toy.safetensors');
  const s = await until(page, (x) => x.model === 'my-toy' && x.runs > before, 10000);
  assert.equal(s.model, 'my-toy', 'the dropped model is on screen');
  assert.ok(s.notices.some((n) => n.includes('my-toy.safetensors') && n.includes('"my-toy"')), JSON.stringify(s.notices));
  const row = (await models(page)).find((m) => m.name === 'my-toy');
  assert.equal(row.source, 'file');
  assert.equal(row.status, 'ready');
  assert.equal(row.file, 'my-toy.safetensors');
  assert.equal(row.architecture, 'seq2seq_lstm');
  assert.equal(row.description, 'trained elsewhere, saved by another writer');
  // Exactly the shipped model's numbers: the output and every stage of every step.
  const { model: a, ...mine } = await translation(page, 'my-toy');
  const { model: b, ...theirs } = await translation(page, 'statquest-toy');
  assert.deepEqual([a, b], ['my-toy', 'statquest-toy'], 'each answer names its model');
  assert.ok(mine.steps.length > 0);
  assert.deepEqual(mine, theirs);
  // In the picker: the lab shows it with every stage (the playhead moves through them).
  await frames(page, 3);
  assert.equal((await page.evaluate(() => window.attn.widget('lab/model'))).text, 'my-toy');
  await page.close();
});

test('"Load a model file…" opens the file picker, with the mouse and with the keyboard', async () => {
  const page = await env.open();
  await waitForRun(page);
  const bytes = readFileSync(join(ROOT, 'assets/models/statquest-toy.safetensors'));
  // the mouse: a click on the canvas's button
  let chooser = page.waitForEvent('filechooser');
  await clickWidget(page, 'lab/load-file');
  await (await chooser).setFiles({ name: 'statquest-toy.safetensors', mimeType: 'application/octet-stream', buffer: bytes });
  let s = await until(page, (x) => x.model === 'statquest-toy-file', 10000);
  assert.equal(s.model, 'statquest-toy-file', 'a name the shipped model has gets "-file"');
  // the keyboard: the mirror's button, focused and pressed
  chooser = page.waitForEvent('filechooser');
  await page.focus('#mirror [data-control="lab/load-file"]');
  await page.keyboard.press('Enter');
  await (await chooser).setFiles({ name: 'statquest-toy.safetensors', mimeType: 'application/octet-stream', buffer: bytes });
  s = await until(page, (x) => x.model === 'statquest-toy-file-2', 10000);
  assert.equal(s.model, 'statquest-toy-file-2');
  const names = (await models(page)).filter((m) => m.source === 'file').map((m) => m.name);
  assert.deepEqual(names, ['statquest-toy-file', 'statquest-toy-file-2']);
  await page.close();
});

test('bad model files are refused with the loader\'s reason, and the page keeps what it had', async () => {
  const page = await env.open();
  await page.evaluate(() => window.attn.setState({ text: 'i love you', model: 'statquest' }));
  await waitForRun(page);
  const kept = (x) => ({ model: x.model, text: x.text, output: x.output_text });
  const before = kept(await state(page));
  const modelsBefore = await models(page);
  const tensor = (name) => shipped.tensors.find((t) => t.name === name);
  const bad = {
    'truncated.safetensors': elsewhere.subarray(0, elsewhere.length - 40),
    'notes.safetensors': Buffer.from('these are my notes, not a model\n'),
    'resnet.safetensors': writeSafetensors({ metadata: { ...shipped.metadata, architecture: 'resnet' }, tensors: shipped.tensors }),
    'config.safetensors': writeSafetensors({ metadata: { ...shipped.metadata, config: '{"style": statquest' }, tensors: shipped.tensors }),
    'tiny.safetensors': writeSafetensors({
      metadata: { ...tinyTransformer, config: '{"d_model": 1e999}' }, tensors: [],
    }),
    'shapes.safetensors': writeSafetensors({
      metadata: shipped.metadata,
      tensors: shipped.tensors.map((t) => (t.name === 'embed.src' ? { ...t, shape: [t.shape[1], t.shape[0]] } : t)),
    }),
    'nan.safetensors': writeSafetensors({
      metadata: shipped.metadata,
      tensors: shipped.tensors.map((t) => (t === tensor('output.b') ? { ...t, bytes: Buffer.from(new Float32Array(t.bytes.length / 4).fill(NaN).buffer) } : t)),
    }),
  };
  const expect = {
    'truncated.safetensors': /truncated\.safetensors/,
    'notes.safetensors': /notes\.safetensors: not a safetensors file/,
    'resnet.safetensors': /architecture 'resnet'|unknown architecture|'resnet'/,
    'config.safetensors': /config\.safetensors metadata config: not valid JSON/,
    'tiny.safetensors': /tiny\.safetensors metadata config: not valid JSON/,
    'shapes.safetensors': /embed\.src/,
    'nan.safetensors': /output\.b.*finite/,
  };
  for (const [name, bytes] of Object.entries(bad)) {
    const why = await page.evaluate(({ b64, fileName }) => {
      const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      return window.attn.loadModel(data.buffer, { name: fileName }).then(() => null, (err) => err.message);
    }, { b64: bytes.toString('base64'), fileName: name });
    assert.ok(why, `${name} was loaded`);
    assert.match(why, expect[name], `${name}: ${why}`);
    assert.ok(!/json\.exception|std::|bad_alloc/.test(why), `${name}: the project's words, not a library's: ${why}`);
  }
  // Oversized: refused by its size before a byte is read (a 65 MB buffer of zeros).
  const big = await page.evaluate(() => window.attn.loadModel(new ArrayBuffer(65 * 1024 * 1024), { name: 'huge.safetensors' })
    .then(() => null, (err) => err.message));
  assert.equal(big, 'huge.safetensors is larger than 64 MB, the most the page loads of a model file');
  // A bad file dropped says so on screen.
  await drop(page, bad['notes.safetensors'], 'notes.safetensors');
  const s = await until(page, (x) => x.notices.some((n) => n.startsWith('Not loaded: ') && n.includes('notes.safetensors')), 5000);
  assert.ok(s.notices.some((n) => n.startsWith('Not loaded: ') && n.includes('notes.safetensors')), JSON.stringify(s.notices));
  // Nothing lost: the same model, text and output, the same models.
  assert.deepEqual(kept(await state(page)), before);
  assert.deepEqual(await models(page), modelsBefore);
  assert.deepEqual(page.problems.filter((p) => !p.includes('Not loaded')), []);
  await page.close();
});

test('"Download model" saves the model on screen; loaded again, its tensors are the same bit for bit', async () => {
  const page = await env.open();
  await waitForRun(page);
  const download = page.waitForEvent('download');
  await clickWidget(page, 'lab/save-model');
  const d = await download;
  assert.equal(d.suggestedFilename(), 'statquest.safetensors');
  const saved = readFileSync(await d.path());
  // the shipped file's tensors and metadata, read by this test's own reader
  const file = readSafetensors(saved), original = readSafetensors(readFileSync(join(ROOT, 'assets/models/statquest.safetensors')));
  assert.deepEqual(file.metadata, original.metadata);
  assert.deepEqual(file.tensors.map((t) => [t.name, t.dtype, t.shape]), original.tensors.map((t) => [t.name, t.dtype, t.shape]));
  for (let i = 0; i < file.tensors.length; ++i) assert.ok(file.tensors[i].bytes.equals(original.tensors[i].bytes), file.tensors[i].name);
  // and the very file that ships (the trainer and the page write with the same writer)
  assert.ok(saved.equals(readFileSync(join(ROOT, 'assets/models/statquest.safetensors'))), 'byte for byte the shipped file');
  // loaded again (dropped), then saved through the API: the same bytes
  await drop(page, saved, 'statquest.safetensors');
  await until(page, (x) => x.model === 'statquest-file', 10000);
  const again = await page.evaluate(async () => {
    const { file, bytes } = await window.attn.saveModel('statquest-file');
    return { file, b64: btoa(Array.from(bytes, (b) => String.fromCharCode(b)).join('')) };
  });
  assert.equal(again.file, 'statquest-file.safetensors');
  assert.ok(Buffer.from(again.b64, 'base64').equals(saved), 'the same bytes');
  // a model that is not loaded is refused by name
  const why = await page.evaluate(() => window.attn.saveModel('nosuchmodel').then(() => null, (e) => e.message));
  assert.equal(why, "attn.saveModel: the model 'nosuchmodel' is not loaded");
  await page.close();
});

// Seed 000's sensor classifier, written by this test's writer under README's names (as PyTorch would save
// it), dropped on the page: the Sensor view shows it in the shipped one's place, with the same numbers
// the same weights give. A sensor file with a misshapen tensor is refused by name, and the view keeps its model.
test('a sensor model file written by another writer goes to the Sensor view; a misshapen one is refused', async () => {
  const page = await env.open('#v=sensor');
  const sensor = () => page.evaluate(() => window.attn.call('ui.sensor'));
  let s;
  for (let i = 0; i < 200 && !(s = await sensor()).attention; i++) await page.waitForTimeout(50);
  assert.equal(s.model.name, 'sensor');
  const file = readSafetensors(readFileSync(join(ROOT, 'assets/models/sensor.safetensors')));
  const mine = writeSafetensors({ metadata: { ...file.metadata, name: 'my-sensor', description: 'saved by another writer' },
                                  tensors: [...file.tensors].reverse() });
  const bad = writeSafetensors({ metadata: file.metadata, tensors: file.tensors.map((t) => (t.name === 'classifier.bias'
    ? { ...t, shape: [4], bytes: t.bytes.subarray(0, 16) } : t)) });
  await assert.rejects(page.evaluate((b) => window.attn.loadModel(Uint8Array.from(b), { name: 'bent.safetensors' }), Array.from(bad)),
                       /bent\.safetensors.*classifier\.bias|classifier\.bias.*bent\.safetensors/);
  assert.equal((await sensor()).model.name, 'sensor', 'the refused file changed nothing');
  await drop(page, mine, 'my-sensor.safetensors');
  let t;
  for (let i = 0; i < 200 && (t = await sensor()).model?.name !== 'my-sensor'; i++) await page.waitForTimeout(50);
  assert.equal(t.model.name, 'my-sensor');
  for (let i = 0; i < 200 && !(t = await sensor()).attention; i++) await page.waitForTimeout(50);
  assert.equal(t.sample, s.sample);
  assert.deepEqual(t.attention.weights, s.attention.weights, 'the same weights, the same attention');
  assert.deepEqual(t.prediction.probs, s.prediction.probs);
  await page.close();
});
