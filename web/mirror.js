// mirror.js: the accessibility mirror's elements. The canvas is a picture that screen readers cannot read
// and the Tab key cannot enter; here each control the canvas draws is a real HTML element (a button, a
// radio, a checkbox, a range, a select, a text field; the canvas's texts as paragraphs), in the order the
// canvas draws them, grouped by panel, placed over its widget (transparent: the canvas draws the focus
// ring). The engine says what the controls are (src/ui/mirror.h, Module.onMirror when they change);
// what a person does to an element goes back as the same intent the widget would have made
// (attn.call('ui.mirror_act')). Not the drawing, not the engine's state. Test: tests/e2e/access.test.mjs.
(function () {
  'use strict';
  const attn = window.attn;
  if (!attn) return;
  const T = (id, ...args) => (window.attnStrings ? window.attnStrings.t(id, ...args) : id);

  const root = document.createElement('div');
  root.id = 'mirror';
  const canvas = document.getElementById('canvas');
  canvas.after(root);

  const elements = new Map();  // control id -> { el, role, control }
  const groups = new Map();    // panel title -> <section>

  const act = (id, action, value) => {
    try {
      attn.call('ui.mirror_act', value === undefined ? { id, action } : { id, action, value });
    } catch (err) {
      console.warn('attn mirror: ' + err.message);
    }
  };

  // The element for a role; its events become the control's intent.
  function make(c) {
    let el;
    const id = c.id;
    switch (c.role) {
      case 'button':
        el = document.createElement('button');
        el.type = 'button';
        el.addEventListener('click', () => act(id, 'press'));
        break;
      case 'radio':
      case 'checkbox':
        el = document.createElement('input');
        el.type = c.role;
        // the engine's state decides what is checked: the element shows it again after the next frame
        el.addEventListener('change', () => act(id, 'press'));
        break;
      case 'slider':
        el = document.createElement('input');
        el.type = 'range';
        el.addEventListener('input', () => act(id, 'set', Number(el.value)));
        break;
      case 'select':
        el = document.createElement('select');
        el.addEventListener('change', () => act(id, 'set', el.selectedIndex));
        break;
      case 'textbox':
        el = document.createElement('input');
        el.type = 'text';
        el.autocomplete = 'off';
        el.spellcheck = false;
        el.addEventListener('input', () => act(id, 'set', el.value));
        break;
      case 'table':
        el = document.createElement('table');
        break;
      default:
        el = document.createElement('p');
    }
    el.dataset.control = id;
    if (c.role !== 'text' && c.role !== 'table') {
      el.addEventListener('focus', () => act(id, 'focus'));
      el.addEventListener('blur', () => act(id, 'blur'));
    }
    return el;
  }

  // What changes from frame to frame: the name, the state, the value, the place.
  function fill(el, c) {
    if (c.role === 'table') {
      fillTable(el, c);
    } else if (c.role === 'button' || c.role === 'text') {
      if (el.textContent !== c.name) el.textContent = c.name;
    } else if (el.getAttribute('aria-label') !== c.name) {
      el.setAttribute('aria-label', c.name);
    }
    if (c.role === 'button') {
      if ('pressed' in c) el.setAttribute('aria-pressed', String(c.pressed));
      else el.removeAttribute('aria-pressed');
    }
    if (c.disabled) el.setAttribute('aria-disabled', 'true');
    else el.removeAttribute('aria-disabled');
    if (c.role === 'radio' || c.role === 'checkbox') {
      el.checked = c.checked;
      if (c.role === 'radio') el.name = 'attn-' + c.radio_group;
    }
    if (c.role === 'slider') {
      el.min = c.min;
      el.max = c.max;
      el.step = c.step;
      if (Number(el.value) !== c.value) el.value = c.value;
      el.setAttribute('aria-valuetext', c.value_text);
    }
    if (c.role === 'select') {
      const same = el.options.length === c.options.length && c.options.every((o, i) => el.options[i].text === o);
      if (!same) {
        el.replaceChildren(...c.options.map((o) => new Option(o)));
      }
      if (el.selectedIndex !== c.selected) el.selectedIndex = c.selected;
    }
    if (c.role === 'textbox' && el.value !== c.text) el.value = c.text;
    if (c.rect) {
      // Kept inside the canvas: a widget scrolled out of its panel (sideways, or below it) would otherwise
      // widen the page (a phone then zooms out) or lengthen it. Its panel scrolls it into view once focused.
      const [x, y, w, h] = c.rect;
      const cw = Math.min(Math.max(w, 1), bounds.w), ch = Math.min(Math.max(h, 1), bounds.h);
      const left = Math.round(Math.min(Math.max(x, 0), bounds.w - cw)) + 'px';
      const top = Math.round(Math.min(Math.max(y, 0), bounds.h - ch)) + 'px';
      if (el === document.activeElement && (el.style.left !== left || el.style.top !== top)) focusMoved = el;
      el.style.left = left;
      el.style.top = top;
      el.style.width = cw + 'px';
      el.style.height = ch + 'px';
    }
  }
  let bounds = { w: 0, h: 0 };  // the canvas's size in CSS px, read once per update
  let focusMoved = null;        // the focused element, when its widget moved (its panel scrolled to it)

  // A matrix as a table: its name as the caption, the column words as column headers, each row's word as
  // its row header, the numbers as the canvas prints them (an empty cell: no such key; a masked one: -∞).
  // Rebuilt only when its numbers change. Shown on screen while its panel's Data button is on.
  function fillTable(el, c) {
    const key = JSON.stringify([c.name, c.rows, c.cols, c.cells]);
    if (el.dataset.key !== key) {
      el.dataset.key = key;
      const cell = (tag, text, scope) => {
        const td = document.createElement(tag);
        td.textContent = text;
        if (scope) td.scope = scope;
        return td;
      };
      const show = (v) => (v === null ? '' : v === '-inf' ? '−∞' : v === 'inf' ? '∞' : v.toFixed(2));
      const caption = document.createElement('caption');
      caption.textContent = c.name;
      const head = document.createElement('tr');
      head.append(cell('td', ''), ...c.cols.map((w) => cell('th', w, 'col')));
      const rows = c.rows.map((w, i) => {
        const tr = document.createElement('tr');
        tr.append(cell('th', w, 'row'), ...c.cells[i].map((v) => cell('td', show(v))));
        return tr;
      });
      const thead = document.createElement('thead');
      thead.append(head);
      const tbody = document.createElement('tbody');
      tbody.append(...rows);
      el.replaceChildren(caption, thead, tbody);
    }
    el.classList.toggle('shown', Boolean(c.shown));
    el.tabIndex = c.shown ? 0 : -1;  // on screen: reachable with Tab, and scrollable by keys
  }

  function group(key, name) {
    let g = groups.get(key);
    if (!g) {
      g = document.createElement('section');
      g.setAttribute('role', 'group');
      groups.set(key, g);
    }
    if (g.getAttribute('aria-label') !== name) g.setAttribute('aria-label', name);
    return g;
  }

  // The elements follow the list: kept (and the focus with them) while their control stays, made when it
  // appears, removed when it goes; in the canvas's order within each panel, the panels in drawing order.
  // Only new or misplaced elements are inserted: moving the focused element would blur it.
  function update(m) {
    bounds = { w: canvas.clientWidth, h: canvas.clientHeight };
    focusMoved = null;
    const wanted = new Map();  // <section> -> its elements in order
    const seen = new Set();
    for (const c of m.controls) {
      if (seen.has(c.id)) continue;  // a widget drawn twice in one frame: its first place
      seen.add(c.id);
      let e = elements.get(c.id);
      if (!e || e.role !== c.role) {
        if (e) e.el.remove();
        e = { el: make(c), role: c.role };
        elements.set(c.id, e);
      }
      fill(e.el, c);
      e.control = c;
      const g = group(c.group, c.group_name);
      if (!wanted.has(g)) wanted.set(g, []);
      wanted.get(g).push(e.el);
    }
    const kept = new Set(m.controls.map((c) => c.id));
    for (const [id, e] of elements) {
      if (!kept.has(id)) { e.el.remove(); elements.delete(id); }
    }
    for (const [title, g] of groups) {
      if (!wanted.has(g)) { g.remove(); groups.delete(title); }
    }
    const place = (parent, list) => list.forEach((el, i) => {
      if (parent.children[i] !== el) parent.insertBefore(el, parent.children[i] || null);
    });
    for (const [g, list] of wanted) place(g, list);
    place(root, [...wanted.keys()]);
    // The page follows the focused control to where its panel scrolled it (a tall page: 200% zoom, a phone).
    if (focusMoved) focusMoved.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }

  // The live region: what the current stage shows, in words with its numbers (src/views/narration.h).
  // Polite: a screen reader finishes what it is saying first. Visually hidden: the canvas shows the same.
  const live = document.createElement('div');
  live.id = 'narration';
  live.setAttribute('role', 'status');
  live.setAttribute('aria-live', 'polite');
  live.setAttribute('aria-atomic', 'true');
  root.after(live);

  // The engine calls this inside its frame when the list changed; the elements follow after the frame
  // (at most once per frame, the latest list), so the page's DOM work never lengthens a frame.
  let pending = null;
  attn.onMirror = (text) => {
    if (pending === null) setTimeout(() => {
      const m = JSON.parse(pending);
      pending = null;
      update(m);
      if (live.textContent !== m.narration) live.textContent = m.narration;
    }, 0);
    pending = text;
  };

  // Keys while an element has the focus (the canvas has its own): PageUp and PageDown step the stages as
  // presentation clickers do, Escape leaves a popup or presenter mode. Other keys are the element's own
  // (Space presses a button, arrows move a range or a radio group): screen readers rely on them.
  root.addEventListener('keydown', (e) => {
    const keys = { PageUp: 'PageUp', PageDown: 'PageDown', Escape: 'Escape', '?': '?' };
    if (!keys[e.key] || e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.target.tagName === 'SELECT' && e.key !== 'Escape') return;  // an open list pages its options
    if (e.key === '?' && e.target.type === 'text') return;             // typed into a text field
    e.preventDefault();
    try { attn.call('ui.key', { key: keys[e.key], shift: e.shiftKey }); } catch (err) { console.warn(err.message); }
  });

  root.setAttribute('aria-label', T('page.mirror_label'));

  Object.assign(attn, {
    // The mirror's controls of the last frame: {controls: [{id, role, name, group, group_name, rect, ...}],
    // unmirrored, drawn, focus} (src/ui/mirror.h).
    mirror: () => attn.call('ui.mirror'),
    // {verbosity: 'off' | 'brief' | 'full', reduce_motion} sets what is given; answers both and the narration.
    access: (options = {}) => attn.call('ui.access', options),
    // The id of the control drawn at canvas point (x, y) in CSS px, or null: a finger that starts there
    // works the control; elsewhere it scrolls a tall page (loader.js).
    controlAt: (x, y) => {
      for (const { role, control: c } of elements.values()) {
        if (role === 'text' || role === 'table' || !c.rect) continue;
        const [cx, cy, cw, ch] = c.rect;
        if (x >= cx && x < cx + cw && y >= cy && y < cy + ch) return c.id;
      }
      return null;
    },
  });
})();
