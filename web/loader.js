// loader.js: starts the engine and defines window.attn (documented in README.md).
// It checks for WebAssembly and WebGL2 first, downloads attn.wasm with a progress bar, starts attn.js,
// and shows a clear message instead of a blank page when anything is missing or fails.
// Every number window.attn returns is computed by the C++ engine (attn_api in src/app/web_exports.cpp).
(function () {
  'use strict';
  const $ = (id) => document.getElementById(id);
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
    if (fraction !== undefined) $('progress').style.width = (100 * Math.max(0, Math.min(1, fraction))).toFixed(1) + '%';
  }

  // One call into the engine: JSON in, JSON out. Errors come back as {"error": "..."} and are thrown.
  function call(method, args) {
    if (!attn.started) throw new Error('attn: the engine is not ready yet; await attn.ready first');
    const ptr = Module.ccall('attn_api', 'number', ['string', 'string'], [method, JSON.stringify(args || {})]);
    const result = JSON.parse(Module.UTF8ToString(ptr));
    if (result && result.error) throw new Error(result.error);
    return result;
  }

  const attn = {
    ready,            // Promise: resolves with window.attn once the first frame is drawn; rejects on failure
    version: null,    // the engine's version, set when ready
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
    // Runs a model on a text with tweaks, exactly as the page does, without changing what is on screen.
    // Resolves with source_tokens, unknown, truncated, output_tokens, output_text, notes, and per step
    // its token, word, prob, probs, and attention: [{layer, head, form, weights, stages}] (stages: every
    // recorded value: query, keys, values, scores, scaled, masked, weights, context, energies).
    // options: { temperature, normalizer: 'soft'|'hard'|'top_k', top_k, scaling: 'auto'|'on'|'off',
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
    call,             // the raw bridge, for methods not yet wrapped
  };
  window.attn = attn;

  if (typeof WebAssembly !== 'object' || typeof WebAssembly.instantiate !== 'function') {
    showProblem('This browser cannot run WebAssembly, which the attention engine needs.',
                'Any current Chrome, Edge, Firefox or Safari can. If WebAssembly is disabled by a policy or an extension, enable it and reload.');
    return;
  }
  if (!document.createElement('canvas').getContext('webgl2')) {
    showProblem('WebGL2 is not available, so the visualization cannot be drawn.',
                'Enable hardware acceleration (or WebGL) in the browser settings, update the graphics driver, or try another browser, then reload.');
    return;
  }

  window.addEventListener('error', (e) => {
    if (!attn.started) showProblem('The engine failed to start: ' + (e.message || 'unknown error'), 'Reload the page; if it persists, please report it.');
  });

  async function download(url) {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`could not download ${url} (HTTP ${response.status})`);
    // A compressed response's Content-Length counts compressed bytes, the stream gives decoded ones.
    const total = response.headers.get('Content-Encoding') ? 0 : Number(response.headers.get('Content-Length')) || 0;
    if (!response.body || !total) return new Uint8Array(await response.arrayBuffer());
    const reader = response.body.getReader();
    const chunks = [];
    let received = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      received += value.length;
      setStatus(`Loading the engine… ${(received / 1048576).toFixed(1)} of ${(total / 1048576).toFixed(1)} MB`, received / total);
    }
    const bytes = new Uint8Array(received);
    let offset = 0;
    for (const c of chunks) { bytes.set(c, offset); offset += c.length; }
    return bytes;
  }

  function fitCanvas() {
    // The app follows the canvas's CSS size every frame; nothing else to do here but keep focus.
    $('canvas').focus({ preventScroll: true });
  }

  // The UI font (Debian's DejaVu Sans, copied next to the page at build time), fetched beside the
  // module: the app rasterizes it at the screen's pixel ratio, the PNG export draws with it too.
  // Without it the app falls back to ImGui's built-in font and says so.
  async function fetchFont() {
    try {
      const response = await fetch('fonts/DejaVuSans.ttf');
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const bytes = new Uint8Array(await response.arrayBuffer());
      if (window.FontFace) document.fonts.add(await new FontFace('DejaVu Sans', bytes.slice().buffer).load());
      return bytes;
    } catch (err) {
      console.warn('attn: the font fonts/DejaVuSans.ttf could not be loaded: ' + err.message);
      return null;
    }
  }

  (async () => {
    let wasmBinary;
    const font = fetchFont();
    try {
      wasmBinary = await download('attn.wasm');
    } catch (err) {
      showProblem('The engine could not be downloaded: ' + err.message, 'Check that the server is running (make serve) and reload.');
      return;
    }
    const attnFont = await font;
    setStatus('Starting…', 1);
    window.Module = {
      canvas: $('canvas'),
      wasmBinary,
      attnFont,  // read (and dropped) by main.cpp
      onPageAction: (kind, detail) => { if (attn.onPageAction) attn.onPageAction(kind, detail); },
      print: (text) => console.log(text),
      printErr: (text) => console.warn(text),
      onAbort: (what) => showProblem('The engine stopped: ' + what, 'Reload the page; if it persists, please report it.'),
      onAppFailed: (what) => showProblem(what, 'Reload the page, or try another browser.'),
      onAppReady: () => {
        attn.started = true;
        attn.version = call('version').version;
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
          resolveReady(attn);
        }));
      },
    };
    const script = document.createElement('script');
    script.src = 'attn.js';
    script.onerror = () => showProblem('The engine (attn.js) could not be loaded.', 'Check that the server is running (make serve) and reload.');
    document.body.appendChild(script);
  })();
})();
