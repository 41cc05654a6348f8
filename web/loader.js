// loader.js: starts the engine and defines window.attn (documented in README.md).
// It checks for WebAssembly and WebGL2 first, downloads attn.wasm with a progress bar, starts attn.js,
// and shows a clear message instead of a blank page when anything is missing or fails.
// Every number window.attn returns is computed by the C++ engine (attn_api in src/app/web_exports.cpp).
(function () {
  'use strict';
  const $ = (id) => document.getElementById(id);
  // The page's texts in the visitor's language (strings.js, written from the interface's strings table).
  const T = (id, ...args) => (window.attnStrings ? window.attnStrings.t(id, ...args) : id);
  let resolveReady, rejectReady;
  const ready = new Promise((resolve, reject) => { resolveReady = resolve; rejectReady = reject; });
  ready.catch(() => {});  // a failure is shown on the page; callers that await it still see it

  function showProblem(text, hint) {
    if (attn.problem) return;  // keep the first cause
    attn.problem = text;
    $('overlay').classList.remove('done');
    $('loading').hidden = true;
    $('problem').hidden = false;
    $('problem-text').textContent = text;
    $('problem-hint').textContent = hint || '';
    rejectReady(new Error(text));
  }
  function setStatus(text, fraction) {
    $('status').textContent = text;
    $('status').dataset.said = '1';
    if (fraction !== undefined) $('progress').style.width = (100 * Math.max(0, Math.min(1, fraction))).toFixed(1) + '%';
  }

  // Text crosses into C++ as UTF-8, which cannot hold a lone UTF-16 surrogate: such a character
  // becomes U+FFFD (the replacement character), as the engine's tokenizer does with any invalid byte.
  const wellFormed = (key, value) => (typeof value === 'string'
    ? (value.toWellFormed ? value.toWellFormed() : value.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'))
    : value);

  // Module.ccall with every 'string' argument in the engine's heap (malloc), not on its stack, returning a
  // number: ccall puts strings on the 1 MB stack, and a longer one overwrote what lies below it (a
  // 300,000-character argument left the page answering "memory access out of bounds" for good).
  // page.js calls it too (Module.attnCall).
  function ccall(name, types, args) {
    const owned = [];
    try {
      const passed = args.map((a, i) => {
        if (types[i] !== 'string') return a;
        const n = Module.lengthBytesUTF8(a) + 1;
        const p = Module._malloc(n);
        if (!p) throw new Error(`attn: ${n} bytes of arguments do not fit in the page's memory`);
        owned.push(p);
        Module.stringToUTF8(a, p, n);
        return p;
      });
      return Module.ccall(name, 'number', types.map((t) => (t === 'string' ? 'number' : t)), passed);
    } finally {
      owned.forEach((p) => Module._free(p));
    }
  }

  // One call into the engine: JSON in, JSON out. Errors come back as {"error": "..."} and are thrown.
  function call(method, args) {
    if (!attn.started) throw new Error('attn: the engine is not ready yet; await attn.ready first');
    const ptr = ccall('attn_api', ['string', 'string'], [method, JSON.stringify(args || {}, wellFormed)]);
    const result = JSON.parse(Module.UTF8ToString(ptr));
    if (result && result.error) throw new Error(result.error);
    return result;
  }

  // An engine call whose answer comes later (GPU work): the engine answers {"pending": true} now and
  // the result through Module.attnReply(id, json, Float32Array|null). Resolves with { result, data }.
  const pending = new Map();
  let nextRequest = 1;
  // A decode or sensor workload's model, loaded (polling as attn.translate does); nothing for others.
  async function modelOf(workload, timeoutMs = 30000) {
    const sensor = String(workload).startsWith('sensor_');
    if (!String(workload).startsWith('decode_') && !sensor) return;
    const model = sensor ? 'sensor' : workload.slice(7);
    const started = performance.now();
    for (;;) {
      const r = sensor ? call('ui.sensor', {}) : call('ui.load_model', { model });
      if (r.status === 'ready') return;
      if (r.status === 'failed') throw new Error(`${workload}: model ${model} failed to load`);
      if (performance.now() - started > timeoutMs) throw new Error(`${workload}: model ${model} is still ${r.status}`);
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
  }

  function callAsync(method, args) {
    return new Promise((resolve, reject) => {
      const id = nextRequest++;
      pending.set(id, { resolve, reject, method });
      try {
        call(method, { ...(args || {}), request_id: id });
      } catch (err) {
        pending.delete(id);
        reject(err);
      }
    });
  }
  function onReply(id, text, data) {
    const waiter = pending.get(id);
    if (!waiter) return;
    pending.delete(id);
    const result = JSON.parse(text);
    if (result && result.error) waiter.reject(new Error(result.error));
    else waiter.resolve({ result, data });
  }
  const IMPLS = ['scalar', 'simd', 'webgpu'];
  function checkImpl(impl) {
    if (!IMPLS.includes(impl)) throw new Error(`attn: unknown impl '${impl}' (scalar, simd or webgpu)`);
  }
  let gpuFound = { available: false, notice: 'WebGPU has not been looked for yet' };
  function gpuStart(found) {
    gpuFound = found;
    Module.preinitializedWebGPUDevice = found.device;  // read by the engine in gpu.start
    return call('gpu.start', { available: found.available, adapter: found.adapter || '',
                               cpu_adapter: Boolean(found.cpu_adapter), notice: found.notice || '' });
  }
  // The GPU never holds the page back: the page starts on SIMD, and WebGPU is looked for only once
  // the first frame is on screen (an adapter, a device and compiling the shaders take seconds on a
  // software adapter, and they share the browser's GPU process with the first WebGL frame). The
  // engine compiles the pipelines asynchronously; the lab and the Backend window switch to WebGPU,
  // where chosen, when it is ready, and say so. gpuStarted resolves once the engine was told.
  let resolveGpuStarted;
  const gpuStarted = new Promise((resolve) => { resolveGpuStarted = resolve; });
  function searchGpuAfterFirstFrame() {
    const search = () => (window.attnGpu ? window.attnGpu.acquire()
      : Promise.resolve({ available: false, notice: 'gpu.js is missing from the page; using SIMD.' }))
      .catch((err) => ({ available: false, notice: `WebGPU could not be looked for (${err.message}); using SIMD.` }))
      .then((found) => {
        try {
          gpuStart(found);
        } catch (err) {
          console.warn('attn: gpu.start failed: ' + err.message);
        }
        resolveGpuStarted();
      });
    // after the frame that resolved attn.ready has been presented
    setTimeout(search, 0);
  }
  // For calls that use the GPU: the search is over and the engine's pipelines are compiled (or failed).
  async function gpuSettled(timeoutMs = 30000) {
    await gpuStarted;
    const started = performance.now();
    for (;;) {
      const state = call('gpu.status').state;
      if (state !== 'waiting' && state !== 'preparing') return;
      if (performance.now() - started > timeoutMs) return;  // the call itself says why it cannot run
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  const attn = {
    ready,            // Promise: resolves with window.attn once the first frame is drawn; rejects on failure
    version: null,    // the engine's version, set when ready
    maxModelFileBytes: 0,  // the largest model file attn.loadModel takes (the engine's limit), set when ready
    started: false,
    problem: null,    // the message shown when the page cannot run, else null
    // Seed 001's scaled dot-product attention step: inputs, scores, scaled scores, weights, context.
    seed001: (options) => call('seed001', options),
    // What is on screen: model, text, tweaks (options), playhead (step, stage, stage_name), the output,
    // seed 001's stepper, and where the main widgets are (CSS pixels).
    state: () => call('ui.state'),
    // Changes what is on screen (any subset of state()'s keys); returns { warnings } for keys it skipped.
    setState: (partial) => call('ui.set_state', partial),
    // The translation models: name, languages, description, status (unloaded / loading / ready / failed),
    // and once loaded: architecture, parameter_count, metrics (measured held-out accuracy).
    models: () => call('ui.models'),
    // A model file of the visitor's, as a dropped or picked file loads: an ArrayBuffer or typed array (its
    // file name in options.name), or a File / Blob. Loaded into the page and shown, it resolves with
    // { model, file, architecture, parameter_count }, and attn.models() lists it (source 'file'); seed 000's
    // sensor classifier (architecture sensor_lstm_pool) goes to the Sensor view instead, in the shipped one's
    // place (view: 'sensor' in the answer). A bad file is refused with the loader's reason (an Error) and
    // the page keeps what it had. README: "Model files".
    loadModel: async (source, { name } = {}) => {
      await ready;
      const fileName = String(name ?? source?.name ?? 'model.safetensors');
      const size = source?.byteLength ?? source?.size;
      if (!Number.isSafeInteger(size)) throw new Error('attn.loadModel: give an ArrayBuffer, a typed array or a File');
      const load = (ptr, n) => JSON.parse(Module.UTF8ToString(ccall('attn_load_model_file',
        ['string', 'number', 'number'], [fileName.toWellFormed ? fileName.toWellFormed() : fileName, ptr, n])));
      let answer;
      if (size > attn.maxModelFileBytes) {  // the engine's limit (views/model_store.h), from call('version')
        // refused by its size before a byte is read (the engine says so, in its words); a size_t is 32 bits here
        answer = load(0, Math.min(size, 2 ** 32 - 1));
      } else {
        const bytes = ArrayBuffer.isView(source) ? new Uint8Array(source.buffer, source.byteOffset, source.byteLength)
          : source instanceof ArrayBuffer ? new Uint8Array(source) : new Uint8Array(await source.arrayBuffer());
        const ptr = Module._malloc(Math.max(1, bytes.length));
        if (!ptr) throw new Error(`attn.loadModel: no memory left for ${fileName} (${bytes.length} bytes)`);
        try {
          Module.HEAPU8.set(bytes, ptr);
          answer = load(ptr, bytes.length);
        } finally {
          Module._free(ptr);
        }
      }
      if (answer.error) throw Object.assign(new Error(answer.error), { noticed: true });  // the engine's notice says it too
      return answer;
    },
    // Runs a model on a text with tweaks, exactly as the page does, without changing what is on screen.
    // Resolves with source_tokens, unknown, truncated, output_tokens, output_text, notes, and per step
    // its token, word, prob, probs, and attention: [{layer, head, form, weights, stages}] (stages: every
    // recorded value: query, keys, values, scores, scaled, masked, weights, context, energies).
    // options: { temperature, normalizer (a name of attn.call('tables').normalizers: 'soft', 'hard', ...),
    //            top_k, scaling: 'auto'|'on'|'off',
    //            nudge_position, nudge_amount, head_mask: { 'dec.1.cross': [true, false, ...] }, backend }.
    translate: async (model, text, options = {}, { stages = true, timeoutMs = 30000 } = {}) => {
      const started = performance.now();
      for (;;) {
        const r = call('ui.translate', { model, text, options, stages });
        if (!r.pending) return r;
        if (performance.now() - started > timeoutMs) throw new Error(`attn.translate: model ${model} is still ${r.status}`);
        await new Promise((resolve) => setTimeout(resolve, 30));
      }
    },
    // The rectangle {x, y, w, h} of a named widget, in CSS pixels of the canvas, for a click.
    widget: (id) => {
      const w = call('ui.state').widgets[id];
      if (!w) throw new Error(`attn.widget: no widget '${id}' on screen`);
      return w;
    },
    // The Heads view as drawn: every block's weights per head, the selected head's stages and every
    // head's Q.K scores for the chosen token, the ablated heads, the output and (when heads are
    // ablated) the all-heads-on output beside it.
    heads: () => call('ui.heads'),
    // The views table (src/app/view_table.cpp): [{id, title, runs, methods}], in the view bar's order.
    views: () => call('ui.views'),
    // The API table (src/app/api_table.cpp): every method attn.call reaches, [{name, needs_app}].
    methods: () => call('api.methods'),
    // The Gallery view as drawn: {options, words, types: [{id, title, explanation, hallmark, panels}],
    // scores: [{fn, formula, query, keys, scores, scaled, weights}]}; setGallery({query_word, temperature,
    // window}) changes its knobs. attn.call('gallery', options) computes it without the page's state.
    gallery: () => call('ui.gallery'),
    setGallery: (options) => call('ui.set_gallery', options),
    // The Sensor view as drawn: the model (parameter counts, metrics), the held-out sample's series and
    // injected event, the prediction and the attention weights over time (with {stages: true} also the
    // pooling's keys [100][64] and energies [100][64]); setSensor({sample}) picks one.
    sensor: (options) => call('ui.sensor', options),
    setSensor: (options) => call('ui.set_sensor', options),
    // The output of a workload on fixed inputs, computed by impl: "scalar", "simd" or "webgpu".
    // models/workloads.h names ("mha_d64_h4_t128", "pool_b32_t100_h64", "lstm_step_h64": random
    // weights from the name) or models/decode_workload.h's "decode_<model>" (a shipped model's greedy
    // decode of "let's go": every step's logits) or "sensor_b<B>" (the sensor model on B held-out series:
    // probs [B, K], then weights [B, T]); their model is fetched first if it is not loaded.
    run: async (workload, impl = 'scalar') => {
      checkImpl(impl);
      await modelOf(workload);
      if (impl === 'webgpu') return (await gpuSettled(), await callAsync('gpu.run', { workload })).data;
      return Float32Array.from(call('workload.run', { workload, backend: impl }).output);
    },
    // Times impl on a workload: { median_us, p10_us, p90_us, samples, runs_per_sample } (see README).
    bench: async (workload, impl = 'scalar', iterations = 20) => {
      checkImpl(impl);
      await modelOf(workload);
      if (impl === 'webgpu') return (await gpuSettled(), await callAsync('gpu.bench', { workload, iterations })).result;
      return call('workload.bench', { workload, backend: impl, iterations });
    },
    // The inputs of a workload as { name: { shape, data: Float32Array } } in generation order; for a
    // decode workload { model, file, text, source_ids, source_tokens, max_output_tokens }.
    inputs: async (workload) => {
      await modelOf(workload);
      const r = call('workload.inputs', { workload });
      if (!r.inputs) return r;
      const out = {};
      for (const t of r.inputs) out[t.name] = { shape: t.shape, data: Float32Array.from(t.data) };
      return out;
    },
    // WebGPU as the engine sees it: { available, state, adapter, cpu_adapter, notice, compile_errors, ... }.
    gpu: () => ({ ...call('gpu.status'), vendor: gpuFound.vendor || '', architecture: gpuFound.architecture || '',
                  description: gpuFound.description || '' }),
    // Every WGSL kernel and GPU forward beside the scalar reference on this device (see README).
    gpuCheck: async (filter = '') => (await gpuSettled(), await callAsync('gpu.check', { filter })).result,
    // An empty submit + readback round trip, timed like attn.bench.
    roundTrip: async (iterations = 20) => (await gpuSettled(), await callAsync('gpu.roundtrip', { iterations })).result,
    // Compiles WGSL on the page's device: { ok, messages: [{ type, line, column, message, text }] }.
    compileWgsl: async (source, label = 'source') => (await gpuSettled(), await callAsync('gpu.compile', { source, label })).result,
    // Asks the browser for a WebGPU device again (after a loss or a refusal); resolves with attn.gpu().
    gpuRetry: async () => {
      await gpuStarted;  // the first search is over
      const found = await window.attnGpu.acquire();
      gpuStart(found);
      return attn.gpu();
    },
    // The Backend window: with no argument its state; with 'scalar', 'simd', 'webgpu' or 'auto' that
    // choice is made (as a click would); with { select, workload } either or both.
    backend: (arg) => (arg === undefined ? call('ui.backend')
      : call('ui.backend', typeof arg === 'string' ? { select: arg } : arg)),
    call,             // the raw bridge, for methods not yet wrapped
  };
  window.attn = attn;

  if (typeof WebAssembly !== 'object' || typeof WebAssembly.instantiate !== 'function') {
    showProblem(T('page.no_wasm'), T('page.no_wasm_hint'));
    return;
  }

  window.addEventListener('error', (e) => {
    if (!attn.started) showProblem(T('page.failed_start', e.message || T('page.unknown_error')), T('page.reload_report'));
  });

  const HINT_SERVER = T('page.hint_server');

  // Reads a response's body to its end, moving the loading bar with the bytes; keeps them when asked.
  async function readBody(stream, total, keep) {
    const reader = stream.getReader();
    const chunks = [];
    let received = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (keep) chunks.push(value);
      received += value.length;
      if (total) setStatus(T('page.loading_mb', (received / 1048576).toFixed(1), (total / 1048576).toFixed(1)), received / total);
    }
    if (!keep) return null;
    const bytes = new Uint8Array(received);
    let offset = 0;
    for (const c of chunks) { bytes.set(c, offset); offset += c.length; }
    return bytes;
  }

  // The engine's module, compiled while it downloads (WebAssembly.compileStreaming on one branch of the
  // body, the loading bar on the other), so that the compilation is done when the last byte arrives.
  // Where streaming compilation is missing, the bytes are read whole and compiled after. Resolves to a
  // WebAssembly.Module; `onDownloaded` is called when the last byte is in.
  async function compileModule(url, onDownloaded) {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`could not download ${url} (HTTP ${response.status})`);
    // A compressed response's Content-Length counts compressed bytes, the stream gives decoded ones.
    const total = response.headers.get('Content-Encoding') ? 0 : Number(response.headers.get('Content-Length')) || 0;
    if (response.body && typeof WebAssembly.compileStreaming === 'function') {
      const [forCompiler, forBar] = response.body.tee();
      // A Response of our own, so that a host serving .wasm with another MIME type still compiles.
      const compiled = WebAssembly.compileStreaming(new Response(forCompiler, { headers: { 'Content-Type': 'application/wasm' } }));
      await readBody(forBar, total, false);
      onDownloaded();
      return compiled;
    }
    const bytes = response.body ? await readBody(response.body, total, true) : new Uint8Array(await response.arrayBuffer());
    onDownloaded();
    return WebAssembly.compile(bytes);
  }

  function fitCanvas() {
    // The app follows the canvas's CSS size every frame; nothing else to do here but take the keyboard,
    // unless the page is embedded in another (a slide deck, a course page): a frame that took focus
    // would take the host's keys (its clicker, its arrows). An embed gets the keys once clicked.
    if (window.top === window) $('canvas').focus({ preventScroll: true });
  }
  // A press on the canvas gives it the keyboard: SDL prevents the press's default, which would have
  // focused it, and in a frame focus is how the keys (and SDL's input focus) come to this page.
  $('canvas').addEventListener('pointerdown', () => $('canvas').focus({ preventScroll: true }), true);
  // Tab leaves the canvas for the accessibility mirror's elements (mirror.js) as on any page: SDL would
  // cancel it (a keyboard trap), so it never reaches SDL's listener on the canvas.
  window.addEventListener('keydown', (e) => {
    if (e.key === 'Tab' && e.target === $('canvas')) e.stopPropagation();
  }, true);

  // The page's height: the layout's (Module.onPageHeight, src/ui/widgets.h want_page_height) when the window
  // is shorter (200% zoom, a phone), then the page scrolls up and down; else the window's.
  let layoutHeight = 0;
  function setPageHeight(h) {
    layoutHeight = h;
    const tall = h > window.innerHeight + 0.5;
    document.documentElement.classList.toggle('tall', tall);
    document.documentElement.style.setProperty('--page-h', tall ? `${Math.ceil(h)}px` : '100%');
  }
  window.addEventListener('resize', () => setPageHeight(layoutHeight));
  // On a tall page a finger that starts on no control scrolls it (SDL takes every touch for the canvas, so
  // the browser's own scrolling never starts); on a control it works the control, as before.
  let drag = null;
  const canvasPoint = (t) => {
    const r = $('canvas').getBoundingClientRect();
    return [t.clientX - r.left, t.clientY - r.top];
  };
  $('canvas').addEventListener('touchstart', (e) => {
    drag = null;
    if (e.touches.length !== 1 || !document.documentElement.classList.contains('tall')) return;
    const [x, y] = canvasPoint(e.touches[0]);
    if (!attn.controlAt || attn.controlAt(x, y) === null) drag = { y: e.touches[0].clientY };
  }, { capture: true, passive: true });
  $('canvas').addEventListener('touchmove', (e) => {
    if (!drag || e.touches.length !== 1) return;
    const y = e.touches[0].clientY;
    window.scrollBy(0, drag.y - y);
    drag.y = y;
  }, { capture: true, passive: true });
  for (const end of ['touchend', 'touchcancel']) $('canvas').addEventListener(end, () => { drag = null; }, { capture: true, passive: true });

  // The UI font (Debian's DejaVu Sans, copied next to the page at build time), fetched beside the
  // module: the app rasterizes it at the screen's pixel ratio, the PNG export draws with it too.
  // Without it the app falls back to ImGui's built-in font and says so.
  let pageFontBytes = null;
  async function fetchFont() {
    try {
      const response = await fetch('fonts/DejaVuSans.ttf');
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const bytes = new Uint8Array(await response.arrayBuffer());
      pageFontBytes = bytes;
      return bytes;
    } catch (err) {
      console.warn('attn: the font fonts/DejaVuSans.ttf could not be loaded: ' + err.message);
      return null;
    }
  }
  // The page's own texts (the loading and problem messages, the accessibility mirror) and the PNG export
  // use the font too. It is added once the first frame is up: the browser decodes and checks the 760 KB
  // on the page's thread. Added beside the download, it held the first frame back by 160 to 600 ms with
  // the machine busy (medians of 5 alternating cold loads, three runs); on an idle machine the second
  // core has room for it. Until then the page's texts use the system's sans-serif. attn.pageFont
  // resolves true once the page can draw with it, false if it cannot.
  let resolvePageFont;
  attn.pageFont = new Promise((resolve) => { resolvePageFont = resolve; });
  function usePageFont() {
    if (!pageFontBytes || !window.FontFace) return resolvePageFont(false);
    const face = new FontFace('DejaVu Sans', pageFontBytes);
    pageFontBytes = null;
    document.fonts.add(face);
    face.load().then(() => resolvePageFont(true), (err) => {
      console.warn('attn: the page could not use DejaVu Sans: ' + err.message);
      resolvePageFont(false);
    });
  }

  // Where the start-up time goes (ms since navigation), for attn.perf().startup and the perf test: this
  // script running, the canvas's WebGL2 context made, the module's last byte in, the font in hand, the
  // module compiled (and the font in hand), the engine's runtime up, the app ready (its first state), the
  // first frame drawn.
  const startup = { script_ms: performance.now() };
  attn.startup = startup;
  // A failed download or compilation, said in the page's words.
  function startFailed(err) {
    if (attn.started) return;
    // Opened from disk (a double-click on index.html of the .zip): browsers let such a page read no files.
    if (location.protocol === 'file:') showProblem(T('page.file_url'), T('page.file_url_hint'));
    // Bytes that are not this module (a host's error page served as 200, a cut or altered file).
    else if (err instanceof WebAssembly.CompileError) showProblem(T('page.failed_start', err.message), T('page.reload_report'));
    else showProblem(T('page.download_failed', err.message), HINT_SERVER);
  }
  // ---- a WebGL context that does not come back ----------------------------------------------------------
  // The app accepts a lost context and draws again when the browser restores it; until then its frames go
  // on without drawing (src/app/main.cpp). A browser may never restore it: Chromium blocks WebGL for the
  // site after its GPU process has crashed twice. After GL_WAIT_MS without it the page says so above the
  // still canvas, with a Reload button (the hash keeps the text, model, playhead and tweaks); the notice
  // goes if the context comes back. Test: tests/e2e/faults.test.mjs.
  const GL_WAIT_MS = 3000;
  function watchGlLoss() {
    if (!$('gl-lost')) return;  // a page of its own around the engine (the benchmark's) has no notice
    let timer = 0;
    const notice = (show) => {
      if (show) {
        $('gl-lost-text').textContent = T('page.gl_lost');
        $('gl-lost-reload').textContent = T('page.reload');
      }
      $('gl-lost').hidden = !show;
    };
    $('canvas').addEventListener('webglcontextlost', () => {
      clearTimeout(timer);
      timer = setTimeout(() => notice(true), GL_WAIT_MS);
    });
    $('canvas').addEventListener('webglcontextrestored', () => {
      clearTimeout(timer);
      notice(false);
    });
    $('gl-lost-reload').addEventListener('click', () => location.reload());
  }

  (async () => {
    const font = fetchFont().then((bytes) => { startup.font_ms = performance.now(); return bytes; });
    const module = compileModule('attn.wasm', () => { startup.wasm_downloaded_ms = performance.now(); });
    // attn.js starts at once, beside the download: it asks for the module through instantiateWasm, which
    // waits for the compilation and the font (main.cpp reads the font as it starts).
    let failed = false;
    module.catch((err) => { failed = true; startFailed(err); });
    // The canvas's WebGL2 context, made now, while the module downloads: made by the engine's start it
    // was on the way to the first frame (a CPU profile of a cold load with the machine busy: 253 ms in
    // getContext), and the check made a second, throwaway one. SDL (src/app/main.cpp) asks the same canvas for a
    // WebGL2 context later and gets this one (a canvas has one context of a kind), so these are the
    // attributes SDL asks for: no alpha, no antialiasing, a depth buffer, no stencil.
    // Without it, the page says WebGL2 is missing (the downloads are then left unused).
    if (!$('canvas').getContext('webgl2', { alpha: false, antialias: false, depth: true, stencil: false })) {
      showProblem(T('page.no_webgl'), T('page.no_webgl_hint'));
      return;
    }
    watchGlLoss();
    startup.gl_context_ms = performance.now();
    window.Module = {
      canvas: $('canvas'),
      attnCall: ccall,
      instantiateWasm: (imports, receive) => {
        Promise.all([module, font]).then(async ([compiled, attnFont]) => {
          startup.wasm_compiled_ms = performance.now();
          window.Module.attnFont = attnFont;  // read (and dropped) by main.cpp
          setStatus(T('page.starting'), 1);
          receive(await WebAssembly.instantiate(compiled, imports), compiled);
        }).catch((err) => { if (!failed) showProblem(T('page.failed_start', err.message), T('page.reload_report')); });
        return {};  // the exports come through receive
      },
      attnReply: onReply,
      attnGpuRetry: () => { attn.gpuRetry().catch((err) => console.warn('attn: WebGPU retry failed:', err.message)); },
      onPageAction: (kind, detail) => { if (attn.onPageAction) attn.onPageAction(kind, detail); },
      onMirror: (text) => { if (attn.onMirror) attn.onMirror(text); },  // mirror.js
      onPageHeight: setPageHeight,
      print: (text) => console.log(text),
      printErr: (text) => console.warn(text),
      onAbort: (what) => showProblem(T('page.stopped', what), T('page.reload_report')),
      onAppFailed: (what) => showProblem(what, T('page.reload_other')),
      onRuntimeInitialized: () => { startup.runtime_ms = performance.now(); },
      onAppReady: () => {
        startup.app_ready_ms = performance.now();
        attn.started = true;
        ({ version: attn.version, max_model_file_bytes: attn.maxModelFileBytes } = call('version'));
        try {
          if (attn.onStart) attn.onStart();  // page.js: theme, link, tour, before the first frame
        } catch (err) {
          console.error('attn: page start failed: ' + err.message);
        }
        // Resolve after the first frame has been drawn, so `await attn.ready` means "on screen".
        requestAnimationFrame(() => requestAnimationFrame(() => {
          $('overlay').classList.add('done');
          fitCanvas();
          attn.readyMs = performance.now();  // since navigation: the first interactive frame
          attn.gpuStateAtReady = call('gpu.status').state;  // 'waiting': the GPU held nothing back
          resolveReady(attn);
          setTimeout(usePageFont, 0);
          searchGpuAfterFirstFrame();
        }));
      },
    };
    // The engine calls page.js's attn.onStart when it is up: page.js, the next script of index.html, may
    // still be downloading (this function went on while the parser waited for it), so start the engine
    // once the document is parsed and every script of it has run.
    if (document.readyState === 'loading') await new Promise((ok) => document.addEventListener('DOMContentLoaded', ok, { once: true }));
    const script = document.createElement('script');
    script.src = 'attn.js';
    script.onerror = () => showProblem(T('page.script_failed'), HINT_SERVER);
    document.body.appendChild(script);
  })().catch((err) => showProblem(T('page.failed_start', err.message), T('page.reload_report')));  // never a silent stop
})();
