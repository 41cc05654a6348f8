// train_worker.js: the page's training, in a Web Worker (any static host can serve one; no cross-origin
// isolation needed), so the page draws its frames while the model learns. It loads the training engine
// (attn_train.js + attn_train.wasm, src/app/train_worker.cpp) and answers web/train.js's messages:
//   {id, type: 'tables'}            the tasks, the models and the settings' bounds
//   {id, type: 'start', settings}   a new run from random weights (the one before is dropped)
//   {id, type: 'run'} / 'pause'     train in slices of about 100 ms until paused (a state every 200 ms)
//   {id, type: 'step', n}           exactly n more steps (1 to 10,000), then the state
//   {id, type: 'probe', text}       another probe sentence
//   {id, type: 'file', name}        the model so far as .safetensors bytes (transferred)
// Every answer is {id, ok, state | bytes | error}; while running, unasked {type: 'state', state} follow.
// Not the page's side (web/train.js). Test: tests/e2e/train.test.mjs.
'use strict';
importScripts('attn_train.js');

const SLICE_MS = 100;  // one slice of steps between looks at the mailbox: pause answers within it
// A state at most this often while running: each redraws the Train view. Measured in headless Chromium
// here (software WebGL; reversal, hidden 64, 5 s; share of frame intervals over 20 ms, three runs each):
// a state every 40 ms, 33 to 61%; every 100 ms, 10 to 16%; every 200 ms, 7 to 9% (none while idle).
const STATE_EVERY_MS = 200;
let posted = 0;
const MAX_STEPS_AT_ONCE = 10000;  // step(n) cannot be paused: a bound keeps it to seconds
let engine = null;
let running = false;
let since = 0;            // the step up to which the page has the losses
let generation = 0;       // which run a state belongs to (each start makes a new one)
let started = 0, startedExamples = 0, lastExamples = 0;  // for examples per second: when and where the current run of steps began

const ready = createAttnTrain({ locateFile: (f) => f }).then((m) => { engine = m; });

// Every 'string' argument goes in the engine's heap, not on its stack, which a long one (a probe of a
// million characters) would overrun (web/loader.js's ccall says more).
function call(name, types, args) {
  const owned = [];
  try {
    const passed = args.map((a, i) => {
      if (types[i] !== 'string') return a;
      const n = engine.lengthBytesUTF8(a) + 1;
      const p = engine._malloc(n);
      if (!p) throw new Error(`${n} bytes of arguments do not fit in the training engine's memory`);
      owned.push(p);
      engine.stringToUTF8(a, p, n);
      return p;
    });
    const answer = engine.ccall(name, 'number', types.map((t) => (t === 'string' ? 'number' : t)), passed);
    return JSON.parse(engine.UTF8ToString(answer));
  } finally {
    owned.forEach((p) => engine._free(p));
  }
}

// The state since the last one the page got: only new losses and evaluations travel.
function state() {
  const s = call('attn_train_state', ['number'], [since]);
  if (s.error) return s;
  since = s.step;
  lastExamples = s.examples;
  s.generation = generation;
  const now = performance.now();
  s.running = running;
  s.examples_per_s = running && now > started ? ((s.examples - startedExamples) * 1000) / (now - started) : 0;
  return s;
}

function loop() {
  if (!running) return;
  const answer = call('attn_train_steps', ['number', 'number'], [1 << 30, SLICE_MS]);
  if (answer.error) {
    running = false;
    postMessage({ type: 'error', error: answer.error });
    return;
  }
  const now = performance.now();
  if (now - posted >= STATE_EVERY_MS) {  // else the next state carries these steps too
    posted = now;
    postMessage({ type: 'state', state: state() });
  }
  setTimeout(loop, 0);  // the mailbox first: a 'pause' waiting there stops the next slice
}

onmessage = async (event) => {
  const { id, type } = event.data;
  const reply = (body) => postMessage({ id, ...body });
  try {
    await ready;
  } catch (err) {
    return reply({ ok: false, error: `the training engine (attn_train.wasm) did not load: ${err?.message ?? err}` });
  }
  try {
    if (type === 'tables') return reply({ ok: true, tables: call('attn_train_tables', [], []) });
    if (type === 'start') {
      running = false;
      const s = call('attn_train_start', ['string'], [JSON.stringify(event.data.settings ?? {})]);
      if (s.error) return reply({ ok: false, error: s.error });
      since = 0;
      generation += 1;
      return reply({ ok: true, state: state() });
    }
    if (type === 'run') {
      if (!running) {
        running = true;
        started = performance.now();
        startedExamples = lastExamples;  // every answer that took steps ended with state(), which set it
        setTimeout(loop, 0);
      }
      return reply({ ok: true });
    }
    if (type === 'pause') {
      running = false;
      return reply({ ok: true, state: state() });
    }
    if (type === 'step') {
      running = false;
      const n = Number(event.data.n);
      if (!Number.isInteger(n) || n < 1 || n > MAX_STEPS_AT_ONCE)
        return reply({ ok: false, error: `step: n must be a whole number from 1 to ${MAX_STEPS_AT_ONCE}, not ${event.data.n}` });
      const answer = call('attn_train_steps', ['number', 'number'], [n, Infinity]);
      if (answer.error) return reply({ ok: false, error: answer.error });
      return reply({ ok: true, state: state() });
    }
    if (type === 'probe') {
      const s = call('attn_train_probe', ['string'], [String(event.data.text)]);
      if (s.error) return reply({ ok: false, error: s.error });
      return reply({ ok: true, state: state() });
    }
    if (type === 'file') {
      const f = call('attn_train_file', ['string'], [String(event.data.name)]);
      if (f.error) return reply({ ok: false, error: f.error });
      const bytes = engine.HEAPU8.slice(f.address, f.address + f.size);
      return postMessage({ id, ok: true, bytes }, [bytes.buffer]);
    }
    reply({ ok: false, error: `unknown message ${type}` });
  } catch (err) {
    reply({ ok: false, error: String(err?.message ?? err) });
  }
};
