// page.js: the page's habits around the app, added to window.attn (documented in README.md):
//   link    the URL hash holds what is on screen (model, text, playhead, view, tweaks), kept up to
//           date with history.replaceState; a page opened with a hash shows that view again (the
//           engine prints and reads the hash's text: src/views/link.h);
//   theme   light or dark, remembered in localStorage (else the system's preference);
//   lang    the interface's language: the link's lang=, else the browser's (<html lang> follows);
//   tour    the first-run tour starts once; ?tour=0 (or #tour=0) keeps it away, ?tour=1 brings it back;
//   embed   ?embed=<view> shows that view alone (no view bar, no tour), for an <iframe> in slides or a
//           course page; "Copy embed code" (the view bar) and attn.embedCode() give that <iframe>;
//   exports the heatmap as PNG (drawn here from the engine's weights) and the step's values as CSV;
//   perf    frame times and heap figures measured inside the app;
//   offline over https or from localhost, a service worker (sw.js, written at build time) keeps every
//           file of the page for visits without a network (attn.offline() says how far it is).
// Loaded after loader.js; it runs its start() when the engine is up, before the first frame.
(function () {
  'use strict';
  const attn = window.attn;
  if (!attn) return;
  // The page's texts in the visitor's language (strings.js, written from the interface's strings table).
  const T = (id, ...args) => (window.attnStrings ? window.attnStrings.t(id, ...args) : id);
  const store = {  // localStorage, which a private window or a policy may refuse
    get(key) { try { return window.localStorage.getItem(key); } catch { return null; } },
    set(key, value) { try { window.localStorage.setItem(key, value); } catch { /* not remembered */ } },
  };

  // ---- link: LabState <-> URL hash ----------------------------------------------------------------
  // The hash's text is printed and read by the engine (src/views/link.h, through link.print and
  // link.parse): short keys, only what differs from the defaults, e.g.
  //   #m=bahdanau&t=the+cat+eats&at=2.4&temp=0.5&norm=hard
  // Here: only the browser's side (history.replaceState, hashchange, applying what was read).

  // What is on screen, as the hash text ('' when everything is at its default).
  const encodeLink = (state, defaults) => attn.call('link.print', { state, defaults }).hash;

  // The hash text -> { partial: a setState argument, params: page keys, problems: [why parts were skipped] }.
  const decodeLink = (hash) => attn.call('link.parse', { hash: String(hash) });

  let defaults = null;     // what the engine shows before any link is applied
  let written = null;      // the hash text last written (or read), to notice the visitor's own edits

  // Applies a hash; a part that cannot be read (or that the engine refuses) keeps its default, and a
  // notice on screen says which. Returns the problems.
  function applyLink(hash) {
    const { partial, problems } = decodeLink(hash);
    // Start from the defaults, so a link shows exactly its view whatever was on screen before.
    const next = { ...defaults, ...partial, options: { ...defaults.options, ...(partial.options || {}) } };
    if (Object.keys(partial).length || hash.replace(/^#/, '')) {
      const { warnings } = attn.setState(next);
      problems.push(...warnings);
    }
    if (problems.length) {
      attn.call('ui.notice', { text: T('page.link_problems', problems.join('; ')) });
    }
    return problems;
  }

  // The part of attn.state() a link holds (LabState in src/views/lab.h).
  const labState = ({ model, text, step, stage, view, block, head, options, compare, lang }) =>
    JSON.parse(JSON.stringify({ model, text, step, stage, view, block, head, options, compare, lang }));

  // The interface's language (the engine's LabState::lang, so the link holds it): <html lang> and the
  // page's own texts follow it.
  function showLang(lang) {
    if (window.attnStrings) window.attnStrings.setLang(lang);
    document.documentElement.lang = lang;
  }

  function writeLink() {
    const now = attn.call('ui.link_state');
    if (document.documentElement.lang !== now.lang) showLang(now.lang);
    if (document.title !== T('page.title')) document.title = T('page.title');  // SDL names the window in English
    const text = encodeLink(now, defaults);
    if (text === written) return;
    written = text;
    const url = location.pathname + location.search + (text ? '#' + text : '');
    history.replaceState(history.state, '', url);  // replace, never push: no history entry per tweak
  }

  // ---- theme -------------------------------------------------------------------------------------------
  function showTheme(theme) {
    document.documentElement.dataset.theme = theme;
    const meta = document.querySelector('meta[name="theme-color"]');
    if (meta) meta.content = theme === 'light' ? '#edeef2' : '#1a1c21';
  }
  function preferredTheme() {
    const saved = store.get('attn.theme');
    if (saved === 'light' || saved === 'dark') return saved;
    return window.matchMedia && window.matchMedia('(prefers-color-scheme: light)').matches ? 'light' : 'dark';
  }
  showTheme(preferredTheme());  // now, so the loading screen has the right colors too

  // ---- tour ---------------------------------------------------------------------------------------------
  function tourWanted(hashParams) {
    const asked = new URLSearchParams(location.search).get('tour') ?? hashParams.tour;
    if (asked === '0' || asked === 'off') return false;
    if (asked === '1' || asked === 'on') return true;
    return !store.get('attn.tour');
  }

  // ---- exports ----------------------------------------------------------------------------------------
  function fileName(ext) {
    const s = attn.call('ui.link_state');
    const safe = (x) => String(x).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40);
    return `attn-${safe(s.model)}-${safe(s.text) || 'empty'}-step${s.step + 1}.${ext}`;
  }
  function saveFile(blob, name) {
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 30000);
  }

  // Draws the heatmap the app shows (attn.heatmap()) on a 2D canvas: title, column words, row words,
  // one cell per weight with its value. Returns { canvas, layout }: in canvas pixels, each cell's
  // rectangle and weight, and the rectangle of the row labels.
  function drawHeatmap(hm, scale) {
    const light = hm.theme === 'light';
    const colors = { bg: light ? '#ffffff' : '#1a1c21', text: light ? '#1a1c21' : '#e6e6e6', dim: light ? '#5a5e66' : '#9aa0aa' };
    const font = (px, weight = '') => `${weight} ${px}px "DejaVu Sans", sans-serif`.trim();
    const measure = document.createElement('canvas').getContext('2d');
    measure.font = font(14);
    const width = (t) => measure.measureText(t).width;
    const pad = 16, cellH = 28, gap = 2;
    const labelW = Math.ceil(Math.max(40, ...hm.rows.map(width))) + 12;
    const colW = Math.ceil(Math.max(52, ...hm.cols.map((c) => width(c) + 10)));
    const title = `${hm.model}: "${hm.text}"`;
    const sub = T('page.png_sub', hm.caption, hm.step + 1, hm.stage_name.replace('_', ' '));
    const foot = T('page.png_foot');
    measure.font = font(16, 'bold');
    const titleW = width(title);
    measure.font = font(14);
    const gridW = labelW + hm.cols.length * colW;
    const w = Math.ceil(pad * 2 + Math.max(gridW, titleW, width(sub), width(foot)));
    const gridTop = pad + 22 + 20 + 8;
    const h = Math.ceil(gridTop + cellH * (hm.rows.length + 1) + 12 + 18 + pad);
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(w * scale);
    canvas.height = Math.round(h * scale);
    const g = canvas.getContext('2d');
    g.scale(scale, scale);
    g.fillStyle = colors.bg;
    g.fillRect(0, 0, w, h);
    g.textBaseline = 'middle';
    g.fillStyle = colors.text;
    g.font = font(16, 'bold');
    g.fillText(title, pad, pad + 9);
    g.font = font(14);
    g.fillStyle = colors.dim;
    g.fillText(sub, pad, pad + 22 + 9);
    g.fillStyle = colors.text;
    g.textAlign = 'center';
    hm.cols.forEach((c, j) => g.fillText(c, pad + labelW + j * colW + colW / 2, gridTop + cellH / 2));
    const cells = [];
    hm.rows.forEach((r, i) => {
      const y = gridTop + cellH * (i + 1);
      g.textAlign = 'left';
      g.fillStyle = colors.text;
      g.fillText(r, pad, y + cellH / 2);
      g.textAlign = 'center';
      hm.cols.forEach((_, j) => {
        const weight = hm.weights[i][j];
        const x = pad + labelW + j * colW;
        // The panel's color: orange, its opacity growing with the weight (20/255 at 0, 1 at 1).
        g.fillStyle = `rgba(242, 140, 40, ${((20 + 235 * (weight ?? 0)) / 255).toFixed(4)})`;
        g.fillRect(x, y, colW - gap, cellH - gap);
        if (weight !== null) {
          g.fillStyle = weight > 0.5 || light ? '#141414' : colors.text;
          g.fillText(weight.toFixed(2), x + (colW - gap) / 2, y + (cellH - gap) / 2);
        }
        cells.push({ row: i, col: j, weight, x: x * scale, y: y * scale, w: (colW - gap) * scale, h: (cellH - gap) * scale });
      });
    });
    g.textAlign = 'left';
    g.fillStyle = colors.dim;
    g.font = font(12);
    g.fillText(foot, pad, gridTop + cellH * (hm.rows.length + 1) + 12 + 9);
    const labels = { x: pad * scale, y: (gridTop + cellH) * scale, w: (labelW - 8) * scale, h: cellH * hm.rows.length * scale };
    return { canvas, layout: { scale, width: canvas.width, height: canvas.height, background: colors.bg, cells, labels } };
  }

  // ---- offline -----------------------------------------------------------------------------------------
  // Registered once the first frame is on screen, so storing the files never slows the first visit.
  // Browsers offer service workers only to https pages and to localhost: elsewhere (a plain http school
  // server, a file opened from disk) the page works as before and needs the network on each visit.
  const offline = { available: false, reason: '' };
  function registerOffline() {
    if (!/^https?:$/.test(location.protocol)) {
      offline.reason = 'the page was not opened from a web server';
    } else if (!('serviceWorker' in navigator)) {
      offline.reason = window.isSecureContext ? 'this browser has no service workers'
        : 'browsers keep pages for offline use only when they come over https (or from localhost)';
    }
    if (offline.reason) return;
    navigator.serviceWorker.register('sw.js').then((registration) => {
      offline.available = Boolean(registration);
      if (!registration) offline.reason = 'the browser did not register the service worker';
    }, (err) => {
      offline.reason = `the service worker could not be registered (${err.message})`;
      console.warn(`attn: this page will not work offline: ${offline.reason}`);
    });
  }
  // What the worker serving this page has stored: { version, files, stored } (null without one).
  function workerStatus(timeoutMs = 2000) {
    const worker = navigator.serviceWorker && navigator.serviceWorker.controller;
    if (!worker) return Promise.resolve(null);
    return new Promise((resolve) => {
      const channel = new MessageChannel();
      const timer = setTimeout(() => resolve(null), timeoutMs);
      channel.port1.onmessage = (e) => { clearTimeout(timer); resolve(e.data); };
      worker.postMessage({ type: 'attn-offline-status' }, [channel.port2]);
    });
  }

  // ---- window.attn additions ----------------------------------------------------------------------------
  Object.assign(attn, {
    // The heatmap on screen as data: rows (output words, "?" not yet chosen), cols (input words),
    // weights [rows][cols] (null where the playhead has not computed them yet), caption, model, text, step.
    heatmap: () => attn.call('ui.heatmap'),
    // That heatmap as a PNG Blob, drawn from the engine's weights at `scale` x its CSS size (default 2).
    // { download: true } also saves it as a file. attn.lastExport.layout says where each cell is.
    exportPng: async ({ download = false, scale = 2 } = {}) => {
      await attn.pageFont;  // the page's DejaVu Sans (web/loader.js), as the app draws
      const hm = attn.heatmap();
      if (!hm.rows.length) throw new Error('attn.exportPng: no heatmap yet (nothing decoded)');
      const { canvas, layout } = drawHeatmap(hm, scale);
      const blob = await new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('attn.exportPng: the canvas gave no PNG'))), 'image/png'));
      const name = fileName('png');
      attn.lastExport = { kind: 'png', name, layout };
      if (download) saveFile(blob, name);
      return blob;
    },
    // A loaded model as a .safetensors file (name: a row of attn.models(), by default the model on screen),
    // the file it was loaded from written again (its tensors bit for bit, the metadata the loader reads): resolves
    // { model, file, bytes } (a Uint8Array); { download: true } also saves it, as "Download model" does.
    saveModel: async (name, { download = false } = {}) => {
      await attn.ready;
      const model = String(name ?? attn.state().model);
      const answer = JSON.parse(Module.UTF8ToString(Module.attnCall('attn_model_file', ['string'], [model])));
      if (answer.error) throw new Error(`attn.saveModel: ${answer.error}`);
      const bytes = Module.HEAPU8.slice(answer.address, answer.address + answer.size);
      attn.lastExport = { kind: 'model', name: answer.file };
      if (download) saveFile(new Blob([bytes], { type: 'application/octet-stream' }), answer.file);
      return { model: answer.model, file: answer.file, bytes };
    },
    // Every value of the current step as CSV text (stage,tensor,row,column,row_label,column_label,value).
    // { download: true } also saves it as a file.
    exportCsv: ({ download = false } = {}) => {
      const { csv } = attn.call('ui.trace_csv');
      const name = fileName('csv');
      attn.lastExport = { kind: 'csv', name };
      if (download) saveFile(new Blob([csv], { type: 'text/csv;charset=utf-8' }), name);
      return csv;
    },
    // Frame CPU time (last, median, p90, max over the last 240 frames), first frame and first engine run
    // (ms since navigation), the frames of the last tweak and its run, heap figures, and where the start-up
    // time went (startup: ms since navigation at each step). { reset: true } starts the frame window afresh.
    perf: (options = {}) => {
      const p = attn.call('ui.perf', options);
      return { ...p, ready_ms: attn.readyMs ?? null, gpu_state_at_ready: attn.gpuStateAtReady ?? null,
               startup: { ...attn.startup, first_frame_ms: p.first_frame_ms } };
    },
    // Theme, tour, display size and DPR, and the font atlas (size, raster size, scale, atlas size).
    page: () => attn.call('ui.page'),
    // Reads or sets the interface's language ('en' / 'es'); setting it updates the link (lang=) at once.
    lang: (code) => {
      if (code === undefined) return attn.call('ui.lang').lang;
      const { lang } = attn.call('ui.set_lang', { lang: code });
      if (defaults) writeLink();
      return lang;
    },
    // Reads or sets the theme ('light' / 'dark'); setting it is remembered like the toggle.
    theme: (name) => {
      if (name === undefined) return attn.call('ui.theme').theme;
      const { theme } = attn.call('ui.theme', { theme: name });
      showTheme(theme);
      store.set('attn.theme', theme);
      return theme;
    },
    // The tour: { active, step, count, target }; action 'start', 'next' or 'skip'.
    tour: (action) => attn.call('ui.tour', action ? { action } : {}),
    // The link to what is on screen (the hash text, '' at the defaults), and its decoder.
    link: () => encodeLink(attn.call('ui.link_state'), defaults),
    decodeLink,
    // An <iframe> that shows the current view alone, in its current state (?embed=<view> plus the link).
    embedCode: (view = attn.state().view, { width = 960, height = 600 } = {}) => {
      const row = attn.views().find((v) => v.id === view);
      if (!row) throw new Error(`attn.embedCode: no view '${view}' (one of ${attn.views().map((v) => v.id).join(', ')})`);
      const url = new URL(location.href);
      url.search = '';
      url.searchParams.set('embed', view);
      url.hash = encodeLink(attn.call('ui.link_state'), defaults);
      const attr = (s) => String(s).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
      return `<iframe src="${attr(url.href)}" title="${attr(T('page.embed_title', row.title))}" ` +
             `width="${width}" height="${height}" style="border: 0" loading="lazy"></iframe>`;
    },
    // Offline use: { available (a service worker was registered), reason (why not, in words), controlled
    // (this page is served by it), version, files, stored (how many of this build's files it keeps),
    // ready (controlled and every file stored: the next visit works without a network) }.
    offline: async () => {
      const status = await workerStatus();
      const controlled = Boolean(status);
      return { available: offline.available, reason: offline.reason, controlled, version: status?.version ?? null,
               files: status?.files ?? 0, stored: status?.stored ?? 0,
               ready: controlled && status.files > 0 && status.stored === status.files };
    },
  });

  // What the app's buttons ask (Module.onPageAction), done after the frame that asked.
  attn.onPageAction = (kind, detail) => setTimeout(() => {
    if (kind === 'theme') { showTheme(detail); store.set('attn.theme', detail); }
    if (kind === 'tour') store.set('attn.tour', detail);
    if (kind === 'export' && detail === 'csv') attn.exportCsv({ download: true });
    if (kind === 'export' && detail === 'png') attn.exportPng({ download: true }).catch((err) => attn.call('ui.notice', { text: err.message }));
    if (kind === 'embed') copyEmbedCode(detail);
    if (kind === 'present') {
      keepInAddress('present', detail === 'on' ? '1' : null);
      document.documentElement.dataset.present = detail;
    }
    if (kind === 'lesson') lessonAction(detail);
    if (kind === 'train') window.dispatchEvent(new CustomEvent('attn:train', { detail }));  // web/train.js
    if (kind === 'model' && detail === 'pick') pickModelFile();
    if (kind === 'model' && detail === 'save') attn.saveModel(undefined, { download: true }).catch((err) => attn.call('ui.notice', { text: err.message }));
    if (kind === 'scroll') window.scrollBy(0, Number(detail));  // a wheel turn no panel used (a tall page)
    if (kind === 'reveal') reveal(...detail.split(' ').map(Number));  // a tour card and its target
  }, 0);

  // Scrolls a tall page so that a tour card (canvas rows y0..y1, CSS px) is in view, with its target
  // (rows u0..u1, the card included) when both fit: centred, and only when not in view already.
  function reveal(y0, y1, u0, u1) {
    const top = window.scrollY, h = window.innerHeight;
    const [a, b] = u1 - u0 <= h ? [u0, u1] : [y0, y1];
    if (a >= top && b <= top + h) return;
    window.scrollTo({ top: Math.max(0, b - a > h ? a : a - (h - (b - a)) / 2) });
  }

  attn.ready.then(registerOffline, () => {});  // a page that cannot run is not kept for offline use

  attn.lastEmbedCode = null;  // the last one "Copy embed code" made
  // The button's copy: to the clipboard where the browser allows it; else the code is shown to copy by hand.
  function copyEmbedCode(view) {
    const code = attn.embedCode(view);
    attn.lastEmbedCode = code;
    const said = (text) => attn.call('ui.notice', { text });
    const shown = () => said(T('page.embed_show', code));
    if (!navigator.clipboard?.writeText) { shown(); return; }
    navigator.clipboard.writeText(code).then(() => said(T('page.embed_copied')), shown);
  }

  // ?embed=<view>: that view alone, for the visit (an unknown view says so and shows the full page).
  const embedView = new URLSearchParams(location.search).get('embed');

  // ---- presenter mode and lessons (src/views/presenter.h) -----------------------------------------------
  // ?present=1 starts presenter mode and follows its button and Escape. ?lesson= plays a lesson: the name
  // of one that ships (lessons/<name>.json, or <name>.es.json in Spanish), the address of a JSON file on this server, or the lesson's
  // JSON itself (what "Copy lesson link" writes). A lesson file dropped on the page plays too.
  function keepInAddress(key, value) {
    const url = new URL(location.href);
    if (value === null) url.searchParams.delete(key);
    else url.searchParams.set(key, value);
    history.replaceState(history.state, '', url.pathname + url.search + url.hash);
  }
  async function openLesson(spec) {
    try {
      let lesson;
      if (typeof spec === 'object') lesson = spec;
      else if (String(spec).trim().startsWith('{')) lesson = JSON.parse(spec);
      else {
        // A shipped lesson in the interface's language when it has one (lessons/<name>.<lang>.json).
        const shipped = /^[a-z0-9-]+$/i.test(spec);
        const lang = attn.call('ui.lang').lang;
        let url = shipped ? `lessons/${spec}.json` : String(spec);
        let res = null;
        if (shipped && lang !== 'en') {
          res = await fetch(`lessons/${spec}.${lang}.json`);
          if (res.ok) url = `lessons/${spec}.${lang}.json`;
        }
        if (!res?.ok) res = await fetch(url);
        if (!res.ok) throw new Error(`${url} answered ${res.status} ${res.statusText}`.trim());
        lesson = await res.json();
      }
      return attn.call('ui.lesson', { lesson });
    } catch (err) {
      const why = err instanceof SyntaxError ? T('page.lesson_not_json', err.message) : err.message.replace(/^ui\.lesson: /, '');
      attn.call('ui.notice', { text: T('page.lesson_failed', why) });
      return null;
    }
  }
  attn.lastLessonLink = null;  // the last link "Copy lesson link" made
  function lessonAction(detail) {
    const { lesson } = attn.call('ui.lesson');
    if (!lesson) return;
    if (detail === 'save') {
      const name = lesson.title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'lesson';
      saveFile(new Blob([JSON.stringify(lesson, null, 2) + '\n'], { type: 'application/json' }), `${name}.json`);
      return;
    }
    const url = new URL(location.href);
    url.search = '';
    url.hash = '';
    url.searchParams.set('present', '1');
    url.searchParams.set('lesson', JSON.stringify(lesson));
    const link = url.href;
    attn.lastLessonLink = link;
    const said = (text) => attn.call('ui.notice', { text });
    const shown = () => said(T('page.lesson_link_shown', link));
    if (!navigator.clipboard?.writeText) { shown(); return; }
    navigator.clipboard.writeText(link).then(() => said(T('page.lesson_copied')), shown);
  }
  let started = false;  // the engine is up (attn.onStart ran)
  // A model file of the visitor's, dropped or picked ("Load a model file…"): attn.loadModel, whose
  // answer the engine shows in a notice (loaded, or refused with the loader's reason).
  function loadModelFile(file) {
    attn.loadModel(file).catch((err) => { if (!err.noticed) attn.call('ui.notice', { text: err.message }); });
  }
  let modelPicker = null;  // the hidden <input type=file> the button opens
  function pickModelFile() {
    if (!modelPicker) {
      modelPicker = Object.assign(document.createElement('input'), { type: 'file', accept: '.safetensors', hidden: true });
      modelPicker.addEventListener('change', () => {
        const file = modelPicker.files?.[0];
        modelPicker.value = '';  // the same file may be picked again
        if (file) loadModelFile(file);
      });
      document.body.appendChild(modelPicker);
    }
    modelPicker.click();
  }
  window.addEventListener('dragover', (e) => e.preventDefault());
  window.addEventListener('drop', (e) => {
    e.preventDefault();
    const file = e.dataTransfer?.files?.[0];
    if (!file || !started) return;
    // A lesson is JSON text; a model file is safetensors: 8 bytes (the header's length), then its JSON header.
    file.slice(0, 64).arrayBuffer().then((buf) => {
      const head = new Uint8Array(buf);
      const text = new TextDecoder().decode(head).trim();
      if (/\.safetensors$/i.test(file.name) || (head.length > 8 && head[8] === 0x7b)) loadModelFile(file);
      else if (/\.json$/i.test(file.name) || text.startsWith('{')) file.text().then((t) => openLesson(t), () => {});
      else attn.call('ui.notice', { text: T('page.drop_unknown', file.name) });
    }, () => {});
  });
  Object.assign(attn, {
    // Presenter mode: { on, panel, caption, where, pointer_hidden, lesson }; options { on, panel } set it.
    present: (options = {}) => attn.call('ui.present', options),
    // The lesson: { lesson, step }; { step } shows a step, { add: caption } adds what is on screen.
    lesson: (args = {}) => attn.call('ui.lesson', args),
    // Opens a lesson as ?lesson= does (a shipped name, an address, JSON text or an object); null on failure.
    openLesson,
  });

  // The engine is up and no frame is drawn yet: apply the theme and the link, maybe start the tour.
  attn.onStart = () => {
    attn.call('ui.theme', { theme: document.documentElement.dataset.theme });
    // prefers-reduced-motion: stages are drawn whole, nothing pulses (and nothing ever plays unasked).
    const motion = window.matchMedia ? window.matchMedia('(prefers-reduced-motion: reduce)') : null;
    if (motion) {
      attn.call('ui.access', { reduce_motion: motion.matches });
      motion.addEventListener('change', (e) => attn.call('ui.access', { reduce_motion: e.matches }));
    }
    // The browser's language is the default; a link's lang= (applied below) overrides it.
    attn.call('ui.set_lang', { lang: window.attnStrings ? window.attnStrings.browserLang : 'en' });
    defaults = labState(attn.call('ui.link_state'));
    const { params } = decodeLink(location.hash);
    if (location.hash.replace(/^#/, '')) applyLink(location.hash);
    written = location.hash.replace(/^#/, '');
    let embedded = false;
    if (embedView !== null) {
      try {
        attn.call('ui.embed', { view: embedView });
        embedded = true;
      } catch (err) {
        attn.call('ui.notice', { text: T('page.embed_bad', embedView, err.message.replace(/^ui\.embed: /, '')) });
      }
    }
    const search = new URLSearchParams(location.search);
    const presenting = !embedded && (search.get('present') === '1' || search.has('lesson'));
    if (!embedded && !presenting && tourWanted(params)) attn.tour('start');
    if (presenting) attn.call('ui.present', { on: true });
    if (!embedded && search.has('lesson')) openLesson(search.get('lesson'));
    started = true;
    writeLink();
    const timer = setInterval(() => {
      if (attn.problem) clearInterval(timer);  // the engine stopped: nothing to follow
      else writeLink();
    }, 200);
    // The visitor edits the address bar: show that link (writeLink's own changes fire no event).
    window.addEventListener('hashchange', () => {
      if (location.hash.replace(/^#/, '') === written) return;
      applyLink(location.hash);
      written = location.hash.replace(/^#/, '');
      writeLink();
    });
  };
})();
