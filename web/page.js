// page.js: the page's habits around the app, added to window.attn (documented in README.md):
//   link    the URL hash holds what is on screen (model, text, playhead, view, tweaks), kept up to
//           date with history.replaceState; a page opened with a hash shows that view again;
//   theme   light or dark, remembered in localStorage (else the system's preference);
//   tour    the first-run tour starts once; ?tour=0 (or #tour=0) keeps it away, ?tour=1 brings it back;
//   exports the heatmap as PNG (drawn here from the engine's weights) and the step's values as CSV;
//   perf    frame times and heap figures measured inside the app.
// Loaded after loader.js; it runs its start() when the engine is up, before the first frame.
(function () {
  'use strict';
  const attn = window.attn;
  if (!attn) return;
  const store = {  // localStorage, which a private window or a policy may refuse
    get(key) { try { return window.localStorage.getItem(key); } catch { return null; } },
    set(key, value) { try { window.localStorage.setItem(key, value); } catch { /* not remembered */ } },
  };

  // ---- link: LabState <-> URL hash ----------------------------------------------------------------
  // Short keys, and only what differs from the defaults, so a link stays short and readable:
  //   #m=bahdanau&t=the+cat+eats&at=2.4&temp=0.5&norm=hard
  // at = step.stage (the playhead); nudge = position:amount; mask = block:0110,block:1111 (1 = head on).
  const number = (x) => String(Number(Number(x).toPrecision(6)));  // float32 noise off: 0.30000001 -> 0.3
  const LINK = [
    { key: 'm', get: (s) => s.model, put: (p, v) => { p.model = v; } },
    { key: 't', get: (s) => s.text, put: (p, v) => { p.text = v; } },
    { key: 'v', get: (s) => s.view, put: (p, v) => { p.view = v; } },
    { key: 'at', get: (s) => `${s.step}.${s.stage}`,
      put: (p, v) => {
        const m = /^(\d{1,4})\.(\d{1,2})$/.exec(v);
        if (!m) throw new Error('must be step.stage, e.g. 2.4');
        p.step = Number(m[1]); p.stage = Number(m[2]);
      } },
    { key: 'b', get: (s) => s.block, put: (p, v) => { p.block = v; } },
    { key: 'h', get: (s) => String(s.head), put: (p, v) => { p.head = int(v); } },
    { key: 'temp', get: (s) => number(s.options.temperature), put: (p, v) => { opt(p).temperature = num(v); } },
    { key: 'norm', get: (s) => s.options.normalizer, put: (p, v) => { opt(p).normalizer = v; } },
    { key: 'k', get: (s) => String(s.options.top_k), put: (p, v) => { opt(p).top_k = int(v); } },
    { key: 'scale', get: (s) => s.options.scaling, put: (p, v) => { opt(p).scaling = v; } },
    { key: 'nudge', get: (s) => (s.options.nudge_position < 0 ? '' : `${s.options.nudge_position}:${number(s.options.nudge_amount)}`),
      put: (p, v) => {
        const m = /^(-?\d+):(-?[\d.]+(?:e-?\d+)?)$/.exec(v);
        if (!m) throw new Error('must be position:amount, e.g. 1:0.5');
        opt(p).nudge_position = Number(m[1]); opt(p).nudge_amount = num(m[2]);
      } },
    { key: 'be', get: (s) => s.options.backend, put: (p, v) => { opt(p).backend = v; } },
    { key: 'mask', get: (s) => Object.entries(s.options.head_mask || {}).map(([b, h]) => `${b}:${h.map((on) => (on ? 1 : 0)).join('')}`).join(','),
      put: (p, v) => {
        const mask = {};
        for (const part of v.split(',').filter(Boolean)) {
          const m = /^([\w.]+):([01]+)$/.exec(part);
          if (!m) throw new Error('must be block:0110,block:1111');
          mask[m[1]] = [...m[2]].map((c) => c === '1');
        }
        opt(p).head_mask = mask;
      } },
  ];
  const PAGE_KEYS = ['tour'];  // read by the page itself, not part of what is on screen
  function int(v) { if (!/^-?\d{1,6}$/.test(v)) throw new Error('must be a whole number'); return Number(v); }
  function num(v) { const x = Number(v); if (v === '' || !Number.isFinite(x)) throw new Error('must be a number'); return x; }
  function opt(p) { return (p.options = p.options || {}); }

  // Characters a fragment may hold as they are (RFC 3986 pchar, minus & = + which separate here).
  const encodeValue = (v) => encodeURIComponent(v).replace(/%20/g, '+')
    .replace(/%(3A|40|2F|3F|24|2C|3B)/g, (m) => decodeURIComponent(m));
  const decodeValue = (v) => decodeURIComponent(v.replace(/\+/g, ' '));

  // What is on screen, as the hash text ('' when everything is at its default).
  function encodeLink(state, defaults) {
    const parts = [];
    for (const f of LINK) {
      const value = f.get(state);
      if (value !== f.get(defaults)) parts.push(`${f.key}=${encodeValue(value)}`);
    }
    return parts.join('&');
  }

  // The hash text -> { partial: a setState argument, params: page keys, problems: [why parts were skipped] }.
  function decodeLink(hash) {
    const partial = {}, params = {}, problems = [];
    for (const part of hash.replace(/^#/, '').split('&').filter(Boolean)) {
      const eq = part.indexOf('=');
      const key = eq < 0 ? part : part.slice(0, eq);
      let value;
      try {
        value = decodeValue(eq < 0 ? '' : part.slice(eq + 1));
      } catch {
        problems.push(`'${key}' is not valid percent-encoding`);
        continue;
      }
      if (value.includes('\uFFFD')) { problems.push(`'${key}' is not valid UTF-8`); continue; }
      if (PAGE_KEYS.includes(key)) { params[key] = value; continue; }
      const f = LINK.find((l) => l.key === key);
      if (!f) { problems.push(`unknown '${key.slice(0, 24)}'`); continue; }
      try {
        f.put(partial, value);
      } catch (err) {
        problems.push(`'${key}' ${err.message}`);
      }
    }
    return { partial, params, problems };
  }

  let defaults = null;     // what the engine shows before any link is applied
  let written = null;      // the hash text last written (or read), to notice the visitor's own edits

  // Applies a hash; a part that cannot be read (or that the engine refuses) keeps its default, and a
  // notice on screen says which. Returns the problems.
  function applyLink(hash) {
    const { partial, problems } = decodeLink(hash);
    const known = new Set(attn.models().map((m) => m.name));
    if (partial.model !== undefined && !known.has(partial.model)) {
      problems.push(`unknown model '${partial.model.slice(0, 40)}'`);
      delete partial.model;
    }
    // Start from the defaults, so a link shows exactly its view whatever was on screen before.
    const next = { ...defaults, ...partial, options: { ...defaults.options, ...(partial.options || {}) } };
    if (Object.keys(partial).length || hash.replace(/^#/, '')) {
      const { warnings } = attn.setState(next);
      problems.push(...warnings);
    }
    if (problems.length) {
      attn.call('ui.notice', { text: `This link could not be read in full (${problems.join('; ')}): ` +
                                     'those parts show their defaults.' });
    }
    return problems;
  }

  // The part of attn.state() a link holds (LabState in src/views/lab.h).
  const labState = ({ model, text, step, stage, view, block, head, options }) =>
    JSON.parse(JSON.stringify({ model, text, step, stage, view, block, head, options }));

  function writeLink() {
    const text = encodeLink(attn.call('ui.link_state'), defaults);
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
    const sub = `${hm.caption}; step ${hm.step + 1}, ${hm.stage_name.replace('_', ' ')}`;
    const foot = 'rows: output words; columns: input words; each row sums to 1';
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

  // ---- window.attn additions ----------------------------------------------------------------------------
  Object.assign(attn, {
    // The heatmap on screen as data: rows (output words, "?" not yet chosen), cols (input words),
    // weights [rows][cols] (null where the playhead has not computed them yet), caption, model, text, step.
    heatmap: () => attn.call('ui.heatmap'),
    // That heatmap as a PNG Blob, drawn from the engine's weights at `scale` x its CSS size (default 2).
    // { download: true } also saves it as a file. attn.lastExport.layout says where each cell is.
    exportPng: async ({ download = false, scale = 2 } = {}) => {
      await document.fonts.ready;
      const hm = attn.heatmap();
      if (!hm.rows.length) throw new Error('attn.exportPng: no heatmap yet (nothing decoded)');
      const { canvas, layout } = drawHeatmap(hm, scale);
      const blob = await new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('attn.exportPng: the canvas gave no PNG'))), 'image/png'));
      const name = fileName('png');
      attn.lastExport = { kind: 'png', name, layout };
      if (download) saveFile(blob, name);
      return blob;
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
    // (ms since navigation), the frames of the last tweak and its run, and heap figures. { reset: true }
    // starts the frame window afresh.
    perf: (options = {}) => ({ ...attn.call('ui.perf', options), ready_ms: attn.readyMs ?? null,
                               gpu_state_at_ready: attn.gpuStateAtReady ?? null }),
    // Theme, tour, display size and DPR, and the font atlas (size, raster size, scale, atlas size).
    page: () => attn.call('ui.page'),
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
  });

  // What the app's buttons ask (Module.onPageAction), done after the frame that asked.
  attn.onPageAction = (kind, detail) => setTimeout(() => {
    if (kind === 'theme') { showTheme(detail); store.set('attn.theme', detail); }
    if (kind === 'tour') store.set('attn.tour', detail);
    if (kind === 'export' && detail === 'csv') attn.exportCsv({ download: true });
    if (kind === 'export' && detail === 'png') attn.exportPng({ download: true }).catch((err) => attn.call('ui.notice', { text: err.message }));
  }, 0);

  // The engine is up and no frame is drawn yet: apply the theme and the link, maybe start the tour.
  attn.onStart = () => {
    attn.call('ui.theme', { theme: document.documentElement.dataset.theme });
    defaults = labState(attn.call('ui.link_state'));
    const { params } = decodeLink(location.hash);
    if (location.hash.replace(/^#/, '')) applyLink(location.hash);
    written = location.hash.replace(/^#/, '');
    if (tourWanted(params)) attn.tour('start');
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
