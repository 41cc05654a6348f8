// reflow.test.mjs: browser zoom to 200% and a 320 CSS px wide screen lose nothing (WCAG 1.4.4 and 1.4.10).
// Zoom at 200% of a 1280 x 800 window is a 640 x 400 CSS px screen at a device pixel ratio of 2; a phone
// is 320 x 568. At both, every view of the views table (attn.views()), in English (and in Spanish at 320), is drawn
// with every widget inside the screen's width, no text wider than its widget or window
// (attn.call('ui.overflows'), the measures of src/ui/widgets.h), every control in the accessibility
// mirror, and the page scrolling up and down only; the Transformer's Heads view too (the layout's height: src/ui/view_row.h). Then a
// person reaches what lies below the window three ways: the keyboard (Tab to a control scrolls it into
// view; the arrow keys then move it), the mouse wheel over the canvas, and a finger drag.
// The layouts themselves: src/ui/*_panel.cpp; the page's side: web/loader.js (setPageHeight).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { showView, suite, until, waitForRun } from './browser.mjs';

const env = suite();

// Spanish (its texts are the longer) at the narrower screen only: what fits at 320 px fits at 640.
const SCREENS = [
  { name: '200% zoom', langs: ['en'], viewport: { width: 640, height: 400 }, deviceScaleFactor: 2 },
  { name: '320 px', langs: ['en', 'es'], viewport: { width: 320, height: 568 }, deviceScaleFactor: 2, hasTouch: true, isMobile: true },
];

// What does not fit in each view, once it has run and settled: text wider than its widget or window,
// widgets and mirrored controls past the screen's sides, controls the mirror misses, a page that scrolls
// sideways or is shorter than its layout.
async function lossesInEveryView(page, only = null) {
  const views = only ?? await page.evaluate(() => window.attn.views().map((v) => v.id));
  const found = [];
  for (const id of views) {
    await showView(page, id, { settle: 6, waitMs: 5000 });
    const seen = await page.evaluate(async () => {
      await new Promise((ok) => setTimeout(ok, 0));  // the mirror's elements follow after the frame
      const { display, page_height: wanted } = window.attn.page();
      const canvas = document.getElementById('canvas').getBoundingClientRect();
      const scroller = document.scrollingElement;
      return {
        overflows: window.attn.call('ui.overflows'),
        mirror: window.attn.mirror(),
        display, wanted, canvasH: canvas.height,
        scrollW: scroller.scrollWidth, scrollH: scroller.scrollHeight, innerW: innerWidth, innerH: innerHeight,
      };
    });
    for (const w of seen.overflows.widgets) found.push(`${id}: ${w.id} "${w.text}" by ${w.overflow.toFixed(1)} px`);
    for (const [w, px] of Object.entries(seen.overflows.windows)) found.push(`${id}: window ${w} by ${px.toFixed(1)} px`);
    // Controls wrap: none lies past the screen's sides (pictures may scroll sideways in their panel).
    for (const c of seen.mirror.controls) {
      const [x, , w] = c.rect;
      if (c.role !== 'table' && c.role !== 'text' && (x < -0.5 || x + w > seen.display.w + 0.5))
        found.push(`${id}: ${c.role} ${c.id} at x ${x}..${x + w}, the screen is ${seen.display.w} wide`);
    }
    for (const u of seen.mirror.unmirrored) found.push(`${id}: ${u} is not mirrored`);
    if (seen.scrollW > seen.innerW) found.push(`${id}: the page scrolls sideways (${seen.scrollW} > ${seen.innerW})`);
    if (seen.wanted > seen.innerH && Math.abs(seen.canvasH - Math.ceil(seen.wanted)) > 1)
      found.push(`${id}: the canvas is ${seen.canvasH} px tall, the layout needs ${seen.wanted}`);
    if (seen.wanted > seen.innerH && seen.scrollH < seen.wanted - 1) found.push(`${id}: the page is ${seen.scrollH} px tall, the layout needs ${seen.wanted}`);
  }
  await page.evaluate(() => window.attn.setState({ view: 'translate' }));
  return found;
}

for (const screen of SCREENS) {
  test(`${screen.name}: every view (${screen.langs.join(', ')}) has every widget on the screen's width and every text whole`, async () => {
    const { name, langs, ...options } = screen;
    const page = await env.open('', options);
    await waitForRun(page);
    const { display } = await page.evaluate(() => window.attn.page());
    assert.equal(display.w, options.viewport.width);
    assert.equal(display.dpr, options.deviceScaleFactor);
    for (const lang of langs) {
      await page.evaluate((l) => window.attn.lang(l), lang);
      await until(page, (s) => s.lang === lang);
      const lost = await lossesInEveryView(page);
      assert.deepEqual(lost, [], `${name}, ${lang}, loses:\n${lost.join('\n')}`);
    }
    // the Transformer: the Heads view's grid, magnifier and ablation panels, its stages in Translate
    await page.evaluate(() => window.attn.setState({ model: 'transformer' }));
    await until(page, (s) => s.model === 'transformer' && s.model_status === 'ready' && s.output_text !== '', 20000);
    const heads = await lossesInEveryView(page, ['heads', 'translate', 'compare']);
    assert.deepEqual(heads, [], `${name}, the Transformer, loses:\n${heads.join('\n')}`);
    await page.context().close();
  });
}

test('200% zoom: the Translate view is taller than the window; Tab, the wheel and a finger reach what is below', async () => {
  const page = await env.open('', { viewport: { width: 640, height: 400 }, deviceScaleFactor: 2, hasTouch: true });
  await waitForRun(page);
  const { page_height: wanted } = await page.evaluate(() => window.attn.page());
  assert.ok(wanted > 1000, `the one-column layout is taller than 400 px: ${wanted}`);
  await page.waitForFunction(() => document.documentElement.classList.contains('tall'));
  assert.equal(await page.evaluate(() => window.scrollY), 0);

  // The keyboard: the temperature slider is in the last panel, far below the window. Its element gets the
  // focus as Tab would give it (the browser scrolls it into view), and the arrow keys move it.
  const before = await page.evaluate(() => window.attn.state().options.temperature);
  const ids = await page.evaluate(() => window.attn.mirror().controls.map((c) => c.id));
  const target = ids.indexOf('tweak/temperature');
  assert.ok(target > 0, 'the temperature slider is mirrored');
  // (from the control before it, the page scrolled back to the top: the Tab alone must bring the slider in)
  await page.evaluate((prev) => document.querySelector(`[data-control="${prev}"]`).focus(), ids[target - 1]);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.dataset?.control), 'tweak/temperature', 'Tab reaches the temperature slider');
  const inView = await page.evaluate(() => {
    const r = document.activeElement.getBoundingClientRect();
    return { top: r.top, bottom: r.bottom, scrollY: window.scrollY, h: innerHeight };
  });
  assert.ok(inView.scrollY > 0 && inView.top >= 0 && inView.bottom <= inView.h, `scrolled into view: ${JSON.stringify(inView)}`);
  await page.keyboard.press('ArrowRight');
  const after = await until(page, (s) => s.options.temperature !== before).then((s) => s.options.temperature);
  assert.ok(after > before, `the arrow key moved the slider: ${before} -> ${after}`);
  // ... and the canvas draws that slider inside the window, where the focus ring is
  const slider = await page.evaluate(() => window.attn.widget('tweak/temperature'));
  const y0 = await page.evaluate(() => window.scrollY);
  assert.ok(slider.y >= y0 && slider.y + slider.h <= y0 + 400, `the slider is on screen: ${JSON.stringify(slider)} at scroll ${y0}`);

  // The wheel: over the canvas, where no panel scrolls, it scrolls the page (SDL takes the browser's).
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.mouse.move(320, 12);  // the view bar's title
  await page.mouse.wheel(0, 300);
  await page.waitForFunction(() => window.scrollY > 0, null, { timeout: 3000 });

  // A finger: a drag that starts on no control scrolls the page; a tap on a control still presses it.
  await page.evaluate(() => window.scrollTo(0, 0));
  const cdp = await page.context().newCDPSession(page);
  const touch = (type, y) => cdp.send('Input.dispatchTouchEvent', { type, touchPoints: type === 'touchEnd' ? [] : [{ x: 320, y, id: 1 }] });
  const free = await page.evaluate(() => {
    for (let y = 390; y > 40; y -= 10) if (window.attn.controlAt(320, y) === null) return y;
    return -1;
  });
  assert.ok(free > 0, 'a point with no control under it');
  await touch('touchStart', free);
  for (let i = 1; i <= 6; ++i) { await touch('touchMove', free - i * 25); await page.waitForTimeout(20); }
  await touch('touchEnd');
  const scrolled = await page.evaluate(() => window.scrollY);
  assert.ok(scrolled >= 100, `a finger drag of 150 px scrolled the page: ${scrolled}`);
  await page.context().close();
});

test('320 px: every card of the tour is scrolled into view with its target', async () => {
  const page = await env.open('', { viewport: { width: 320, height: 568 }, deviceScaleFactor: 2, hasTouch: true, isMobile: true });
  await waitForRun(page);
  await page.evaluate(() => window.attn.tour('start'));
  const count = await page.evaluate(() => window.attn.tour().count);
  assert.ok(count >= 3);
  let scrolled = false;
  for (let step = 0; step < count; ++step) {
    const s = await until(page, (x) => x.widgets['tour/next']?.frame === x.frame && x.widgets['tour/heading']?.text?.includes(`${step + 1}`));
    await page.waitForFunction(() => {  // the page's scroll follows the card's first frame
      const r = window.attn.widget('tour/next');
      return r && r.y >= window.scrollY && r.y + r.h <= window.scrollY + window.innerHeight;
    }, null, { timeout: 5000 }).catch(() => {});
    const seen = await page.evaluate(() => ({ next: window.attn.widget('tour/next'), top: window.scrollY, h: window.innerHeight }));
    assert.ok(seen.next.y >= seen.top && seen.next.y + seen.next.h <= seen.top + seen.h,
              `card ${step + 1}: its Next button at ${seen.next.y.toFixed(0)}, the window shows ${seen.top}..${seen.top + seen.h} (${s.widgets['tour/heading']?.text})`);
    scrolled ||= seen.top > 0;
    await page.evaluate(() => window.attn.tour('next'));
  }
  assert.ok(scrolled, 'a card below the first screen was scrolled to');
  await page.context().close();
});
