// i18n.test.mjs: the Spanish interface in headless Chromium. The view bar's switch (view/lang) turns
// the screen Spanish (the widgets' texts are the strings table's, their ids unchanged), the link holds
// lang=es and a reload keeps it, <html lang> and the page's own texts follow, a Spanish browser
// (locale es-ES) starts in Spanish; and in each language every view of the views table is drawn with no
// widget's text wider than its widget and no window's text cut at its edge (attn.state()'s overflow
// measures, src/ui/widgets.h). The strings' completeness is tests/unit/test_views_strings.cpp's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clickWidget, suite, until, waitReady, waitForRun } from './browser.mjs';

const env = suite();

// Every registered widget drawn in the last frame that overflows, and every window whose text is cut.
function offenders(s) {
  const out = [];
  for (const [id, w] of Object.entries(s.widgets))
    if (w.frame === s.frame && w.overflow > 0) out.push(`${id} "${w.text ?? ''}" by ${w.overflow.toFixed(1)} px`);
  for (const [id, px] of Object.entries(s.window_overflows)) out.push(`window ${id} by ${px.toFixed(1)} px`);
  return out;
}

// Shows each view in turn (a few frames each, past its engine run) and lists what overflows.
async function overflowsInEveryView(page) {
  const views = await page.evaluate(() => window.attn.views());
  const found = [];
  for (const v of views) {
    await page.evaluate((id) => window.attn.setState({ view: id }), v.id);
    const s = await until(page, (x) => x.view === v.id && x.widgets[`view/${v.id}`]?.frame === x.frame && x.frame > 3, 8000);
    await page.evaluate(() => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(() => requestAnimationFrame(ok)))));
    const settled = await page.evaluate(() => window.attn.state());
    found.push(...offenders(settled).map((o) => `${v.id}: ${o}`));
    assert.equal(s.view, v.id);
  }
  await page.evaluate(() => window.attn.setState({ view: 'translate' }));
  return found;
}

test('the switch turns the screen Spanish, ids unchanged; the link holds lang=es and a reload keeps it', async () => {
  const page = await env.open();
  await waitForRun(page);
  let s = await page.evaluate(() => window.attn.state());
  assert.equal(s.lang, 'en');
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  assert.equal(s.widgets['lab/play'].text, 'Play');
  const ids = Object.keys(s.widgets).sort();

  await clickWidget(page, 'view/lang');
  s = await until(page, (x) => x.lang === 'es' && x.widgets['lab/play'].text !== 'Play');
  assert.equal(s.lang, 'es');
  assert.equal(s.widgets['lab/play'].text, 'Reproducir');
  assert.equal(s.widgets['view/translate'].text, 'Traducir, paso a paso');
  assert.equal(s.widgets['view/scale'].text, 'Por qué escalamos');
  assert.equal(s.widgets['tweak/temperature'].text, 'temperatura');
  assert.equal(s.widgets['view/lang'].text, 'English');
  assert.deepEqual(Object.keys(s.widgets).sort(), ids, 'the same widget ids in Spanish');
  await page.waitForFunction(() => /(^#|&)lang=es(&|$)/.test(location.hash) && document.documentElement.lang === 'es');
  assert.equal(await page.evaluate(() => window.attn.lang()), 'es');

  await page.reload();
  assert.equal(await waitReady(page), null);
  s = await until(page, (x) => x.widgets['lab/play']?.text === 'Reproducir');
  assert.equal(s.lang, 'es', 'a reload keeps the link\'s language');
  assert.equal(await page.evaluate(() => document.title), 'atención, paso a paso');

  // attn.lang('en') goes back; the hash then holds no lang (the browser's language is English)
  assert.equal(await page.evaluate(() => window.attn.lang('en')), 'en');
  await page.waitForFunction(() => !/lang=/.test(location.hash) && document.documentElement.lang === 'en');
  const bad = await page.evaluate(() => { try { window.attn.lang('fr'); return ''; } catch (e) { return e.message; } });
  assert.match(bad, /lang must be "en" or "es"/);
  await page.context().close();
});

test('a Spanish browser starts in Spanish, with no lang= in the link; the loading screen speaks Spanish', async () => {
  const page = await env.open('', { locale: 'es-ES' });
  const s = await until(page, (x) => x.widgets['lab/play']?.text === 'Reproducir');
  assert.equal(s.lang, 'es');
  assert.equal(await page.evaluate(() => navigator.language), 'es-ES');
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'es');
  assert.doesNotMatch(await page.evaluate(() => location.hash), /lang=/);
  assert.equal(await page.evaluate(() => window.attnStrings.t('page.loading')), 'Cargando el motor…');
  await page.context().close();
});

test('no widget text overflows its widget, nor a window its edge, in any view, in English or Spanish', async () => {
  const page = await env.open();
  await waitForRun(page);
  const found = [];
  for (const lang of ['en', 'es']) {
    await page.evaluate((l) => window.attn.lang(l), lang);
    found.push(...(await overflowsInEveryView(page)).map((o) => `${lang} ${o}`));
  }
  assert.deepEqual(found, [], `text that does not fit:\n${found.join('\n')}`);
  await page.context().close();
});
