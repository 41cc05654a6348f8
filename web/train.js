// train.js: attn.train, training a model from random weights in the page (README "window.attn"). The
// training runs in a Web Worker (web/train_worker.js, with its own engine module attn_train.wasm), so the
// page keeps drawing while the model learns; this side sends it the learner's requests and keeps the whole
// run's record (every step's loss, every held-out evaluation, the probe's alignment, the snapshots) from the
// worker's states, which carry only what is new. A trained model joins the page as a model file does
// (attn.loadModel). Not the training (src/train/train_run.h) and not its view. Test: tests/e2e/train.test.mjs.
(function () {
  'use strict';
  const attn = window.attn;
  if (!attn) return;

  let worker = null;
  let nextId = 1;
  const pending = new Map();  // message id -> { resolve, reject }
  let status = 'idle';        // idle (no run), running, paused, failed
  let error = '';
  let settings = null;        // the last start's options
  let run = null;             // the record of the current run (see state())

  function merge(s) {
    if (!run || s.losses_from === 1) run = { losses: [], evals: [], snapshots: [], generation: s.generation };
    run.losses.push(...s.losses);
    for (const e of s.evals) if (!run.evals.length || e.step > run.evals[run.evals.length - 1].step) run.evals.push(e);
    // The snapshots after the last state, and the steps of all those the run keeps (it thins them).
    const kept = new Set(s.snapshot_steps);
    run.snapshots = run.snapshots.filter((x) => kept.has(x.step));
    for (const x of s.snapshots) if (!run.snapshots.length || x.step > run.snapshots[run.snapshots.length - 1].step) run.snapshots.push(x);
    for (const key of ['settings', 'kind', 'step', 'examples', 'train_pairs', 'held_out_pairs', 'parameter_count', 'probe'])
      run[key] = s[key];
    run.grid = s.grid ?? null;  // the Transformer's decoder layers x heads
    run.examples_per_s = s.examples_per_s;
    // The Train view draws the same record: what is new (the state as it came), or the whole record the
    // first time it sees this run (its snapshots whole: no snapshot_steps).
    const whole = pushedGeneration !== run.generation;
    pushedGeneration = run.generation;
    report({ status, state: whole ? { ...run, losses_from: 1 } : s });
  }

  // The Train view (src/views/train_view.h) is told every state, status and error: it draws them.
  let pushedGeneration = null;
  function report(r) {
    try {
      attn.call('ui.train_update', r);
    } catch {
      // the app has not started yet: the view asks for the record when it is first on screen ("tables")
      pushedGeneration = null;
    }
  }
  function setStatus(s, e = error) {
    status = s;
    error = e;
    report({ status, error });
  }

  function ensureWorker() {
    if (worker) return worker;
    worker = new Worker('train_worker.js');
    worker.onmessage = (event) => {
      const m = event.data;
      if (m.type === 'state') {
        // Every state of this run, in order, whatever the status: each carries only the losses after the last.
        if (run && m.state.generation === run.generation) merge(m.state);
        return;
      }
      if (m.type === 'error') {
        setStatus('failed', m.error);
        return;
      }
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (m.ok) p.resolve(m);
      else p.reject(new Error(`attn.train: ${m.error}`));
    };
    worker.onerror = (event) => {
      setStatus('failed', event.message || 'the training worker stopped');
      for (const p of pending.values()) p.reject(new Error(`attn.train: ${error}`));
      pending.clear();
    };
    return worker;
  }

  function ask(message) {
    const w = ensureWorker();
    return new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      w.postMessage({ id, ...message });
    });
  }

  // The latest held-out figures: exact match, or the sensor's accuracy and attention near the event.
  function latest(r) {
    const e = r.evals.length ? r.evals[r.evals.length - 1] : {};
    if (r.kind === 'classify') return { accuracy: e.accuracy ?? 0, attention_near_event: e.attention_near_event ?? 0 };
    return { exact_match: e.exact_match ?? 0 };
  }

  function needRun(what) {
    if (!run) throw new Error(`attn.train.${what}: no training has started (attn.train.start first)`);
  }

  async function start(options = {}, { paused = false } = {}) {
    if (options === null || typeof options !== 'object' || Array.isArray(options))
      throw new Error('attn.train.start: options must be an object');
    // Above 2^53 a JavaScript number is no longer every whole number: the run would start from a rounded
    // seed and report that one. (The engine takes seeds up to 2^64 - 1, from JSON written elsewhere.)
    if (Number.isInteger(options.seed) && !Number.isSafeInteger(options.seed))
      throw new Error(`attn.train.start: seed must be a whole number from 0 to 2^53 - 1 (${Number.MAX_SAFE_INTEGER}) ` +
                      `in JavaScript; ${options.seed} is not exact`);
    const { state } = await ask({ type: 'start', settings: options });
    settings = { ...options };
    run = null;
    status = 'paused';
    merge(state);
    setStatus('paused', '');
    if (!paused) await resume();
    return attn.train.state();
  }

  async function resume() {
    needRun('resume');
    await ask({ type: 'run' });
    setStatus('running');
    return attn.train.state();
  }

  // Paused once the worker has stopped: its last state is in the record (and the view) before the status
  // says so, so whoever sees "paused" reads the run's final step (the states of a running worker arrive
  // until its answer does).
  async function pause() {
    needRun('pause');
    const { state } = await ask({ type: 'pause' });
    merge(state);
    setStatus('paused');
    return attn.train.state();
  }

  // What the Train view's buttons ask (Module.onPageAction('train', detail), the detail from
  // views::train_action): done here, and the view told what became of it (an error in words).
  async function act(detail) {
    const a = JSON.parse(detail);
    try {
      if (a.do === 'tables') {
        report({ tables: await attn.train.tables() });
        if (run) report({ status, error, state: { ...run, losses_from: 1 } });  // a run started before the view was shown
      } else if (a.do === 'start') {
        await start(a.settings, { paused: !!a.paused });
        if (a.n) await attn.train.step(a.n);
      } else if (a.do === 'resume') await resume();
      else if (a.do === 'pause') await pause();
      else if (a.do === 'step') await attn.train.step(a.n ?? 1);
      else if (a.do === 'reset') await attn.train.reset();
      else if (a.do === 'probe') await attn.train.probe(a.text);
      else if (a.do === 'use') {
        const used = await attn.train.use();
        if (used.view === 'sensor') {
          // The Sensor view shows it on the probe's held-out series (the same numbering).
          attn.setState({ view: 'sensor' });
          attn.call('ui.set_sensor', { sample: Number(run.probe.source) });
        } else {
          // Translate runs it as it was trained: Stage 5 with the run's normalizer (the lab's tweak).
          const { normalizer, top_k } = run.settings;
          attn.setState({ view: 'translate', options: { normalizer, top_k } });
        }
      } else if (a.do === 'download') await attn.train.download({ download: true });
      report({ error: '' });
    } catch (err) {
      report({ error: err.message.replace(/^attn\.train: /, '') });
    }
  }

  window.addEventListener('attn:train', (event) => act(event.detail));  // web/page.js passes the app's asks on

  attn.train = {
    // Starts a run from random weights and trains until paused. options (all optional): task (a row of
    // attn.train.tasks()), model (a row of attn.train.models()), embed, hidden, layers, heads (the
    // Transformer's), batch, lr, normalizer and top_k (Stage 5; the LSTMs'), seed (0 to 2^53 - 1), backend
    // ('simd' or 'scalar'), probe (a sentence). Settings out of bounds are refused in words.
    // { paused: true } as a second argument: start at step 0 without training yet.
    start: (options, { paused = false } = {}) => start(options, { paused }),
    // The tasks ([{id, description, probe, pattern}]), the models ([{id, description, layers, uses}]), the
    // normalizers ([{name, uses_k}]) and the bounds of the settings, from the training engine's tables.
    tables: async () => (await ask({ type: 'tables' })).tables,
    pause,
    resume,
    // Exactly n more steps, 1 to 10,000 (the run pauses first), resolving with the state after them.
    step: async (n = 1) => {
      needRun('step');
      setStatus('paused');
      const { state } = await ask({ type: 'step', n });
      merge(state);
      return attn.train.state();
    },
    // Back to step 0: the same settings, new random weights from the same seed, paused.
    reset: async () => {
      needRun('reset');
      return start(settings ?? {}, { paused: true });
    },
    // Another probe sentence: its alignment is shown from now on (each snapshot keeps the probe it is of).
    probe: async (text) => {
      needRun('probe');
      const { state } = await ask({ type: 'probe', text: String(text) });
      merge(state);
      return attn.train.state();
    },
    // status ('idle', 'running', 'paused', 'failed'), error, settings, task, model, kind ('translate', or
    // 'classify' for the sensor task), step, examples, examples_per_s, losses (every step's mean training
    // loss, step 1 first), held_out ([{step, loss, exact_match}], step 0 first; the sensor's: [{step, loss,
    // accuracy, attention_near_event}]), exact_match (the latest; the sensor: accuracy and
    // attention_near_event), probe ({source, target, source_tokens, target_tokens, alignment, output_text,
    // pattern, pattern_mass}, and for the Transformer heads: every decoder layer's cross-attention heads, layer
    // by layer; the sensor's: source is the held-out series' number, target its event, alignment [1, 100]
    // the pooling's weights, with series [100][4], channels, units, event {name, start, width, channel,
    // margin}, classes and probs), snapshots ([{step, loss, probe, source_tokens, target_tokens, alignment,
    // heads}]: probe is the probe's source when it was taken, the sensor's without tokens), grid ({layers, heads} for
    // the Transformer, else null).
    state: () => {
      if (!run) return { status, error };
      return {
        status, error, settings: run.settings, task: run.settings.task, model: run.settings.model,
        step: run.step, examples: run.examples, examples_per_s: run.examples_per_s,
        train_pairs: run.train_pairs, held_out_pairs: run.held_out_pairs, parameter_count: run.parameter_count,
        kind: run.kind, losses: run.losses.slice(), held_out: run.evals.slice(),
        ...latest(run),
        probe: run.probe, snapshots: run.snapshots, grid: run.grid,
      };
    },
    // The model as trained so far as a .safetensors file: resolves { file, bytes }; { download: true } saves it.
    download: async ({ download = false, name } = {}) => {
      needRun('download');
      const model = String(name ?? `trained-${run.settings.task}`);
      const { bytes } = await ask({ type: 'file', name: model });
      const file = `${model}.safetensors`;
      if (download) {
        const a = document.createElement('a');
        a.href = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
        a.download = file;
        a.click();
        setTimeout(() => URL.revokeObjectURL(a.href), 30000);
      }
      return { file, bytes };
    },
    // Puts the model as trained so far into the lab (attn.models() lists it; Translate and Heads show it; the
    // sensor's goes to the Sensor view, in the shipped one's place): resolves with attn.loadModel's answer
    // ({ model, file, architecture, parameter_count }, and view: 'sensor' for the sensor's).
    use: async (name) => {
      needRun('use');
      const { file, bytes } = await attn.train.download({ name });
      return attn.loadModel(bytes, { name: file });
    },
  };
})();
