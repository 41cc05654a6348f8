// i18n.test.mjs: the Spanish interface in headless Chromium. The view bar's switch (view/lang) turns
// the screen Spanish (the widgets' texts are the strings table's, their ids unchanged), the link holds
// lang=es and a reload keeps it, <html lang> and the page's own texts follow, a Spanish browser
// (locale es-ES) starts in Spanish; and in Spanish every view of the views table is drawn with no
// widget's text wider than its widget and no window's text cut at its edge (attn.call('ui.overflows'),
// the measures of src/ui/widgets.h); the engine's texts read Spanish too (a Gallery title, a translation's
// note, a model's description) and fit. The strings' completeness is tests/unit/test_views_strings.cpp's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clickWidget, showView, suite, until, waitReady, waitForRun } from './browser.mjs';

const env = suite();

// Shows each view in turn and lists what overflows once it has drawn a few frames (a view's first
// frames may still be loading its model: polled until its widgets are on screen and it has settled).
async function overflowsInEveryView(page) {
  const views = await page.evaluate(() => window.attn.views().map((v) => v.id));
  const found = [];
  for (const id of views) {
    await showView(page, id);
    const seen = await page.evaluate(() => window.attn.call('ui.overflows'));
    assert.equal(seen.view, id);
    for (const w of seen.widgets) found.push(`${id}: ${w.id} "${w.text}" by ${w.overflow.toFixed(1)} px`);
    for (const [w, px] of Object.entries(seen.windows)) found.push(`${id}: window ${w} by ${px.toFixed(1)} px`);
  }
  await page.evaluate(() => window.attn.setState({ view: 'translate' }));
  return found;
}

test('the switch turns the screen Spanish, ids unchanged, no text overflows in any view; the link holds lang=es and a reload keeps it', async () => {
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
  assert.equal(s.widgets['view/translate'].text, 'Traducir');
  assert.equal(s.widgets['view/scale'].text, 'Por qué escalamos');
  assert.equal(s.widgets['tweak/temperature'].text, 'temperatura');
  assert.equal(s.widgets['view/lang'].text, 'English');
  assert.deepEqual(Object.keys(s.widgets).sort(), ids, 'the same widget ids in Spanish');
  await page.waitForFunction(() => /(^#|&)lang=es(&|$)/.test(location.hash) && document.documentElement.lang === 'es');
  assert.equal(await page.evaluate(() => window.attn.lang()), 'es');

  const found = await overflowsInEveryView(page);
  assert.deepEqual(found, [], `text that does not fit:\n${found.join('\n')}`);

  // The engine's own texts (models/: ids and arguments, looked up in the table), in Spanish and fitting:
  // the Gallery's titles, a translation's note, the model's description (the picker's tooltip's text).
  await page.evaluate(() => window.attn.setState({ view: 'gallery' }));
  s = await until(page, (x) => x.widgets['gallery/title/soft']?.text === 'Atención suave');
  assert.equal(s.widgets['gallery/title/soft']?.text, 'Atención suave');
  assert.equal(s.widgets['gallery/title/global_local']?.text, 'Atención global frente a local');
  assert.equal((await page.evaluate(() => window.attn.gallery())).types[0].title, 'Soft attention', 'the API stays English');
  await page.evaluate(() => window.attn.setState({ view: 'translate', options: { normalizer: 'hard' } }));
  s = await until(page, (x) => /^nota: atención dura/.test(x.widgets['lab/note/0']?.text ?? ''));
  assert.match(s.widgets['lab/note/0']?.text ?? '', /^nota: atención dura \(todo el peso en la mejor clave \(one-hot\)\): el modelo se entrenó con atención suave/);
  const api = await page.evaluate(() => window.attn.translate('statquest', 'let\'s go', { normalizer: 'hard' }));
  assert.match(api.notes.join(' '), /hard attention .*: the model was trained with soft attention/, 'the API stays English');
  await page.evaluate(() => window.attn.setState({ view: 'heads' }));
  s = await until(page, (x) => x.widgets['heads/model_description']?.text?.startsWith('el codificador-decodificador LSTM'));
  assert.equal(s.widgets['heads/model_description']?.text,
               'el codificador-decodificador LSTM de StatQuest con atención de producto escalar (seed 002)');
  const over = await page.evaluate(async () => {
    const out = [];
    for (const view of ['heads', 'translate']) {
      window.attn.setState({ view });
      for (let i = 0; i < 4; ++i) await new Promise((ok) => requestAnimationFrame(() => ok()));
      const o = window.attn.call('ui.overflows');
      out.push(...o.widgets.map((w) => `${view}: ${w.id} "${w.text}"`), ...Object.keys(o.windows).map((w) => `${view}: window ${w}`));
    }
    return out;
  });
  assert.deepEqual(over, [], 'the engine\'s Spanish texts fit');
  await page.evaluate(() => window.attn.setState({ options: { normalizer: 'soft' } }));

  await page.reload();
  assert.equal(await waitReady(page), null);
  s = await until(page, (x) => x.widgets['lab/play']?.text === 'Reproducir');
  assert.equal(s.lang, 'es', 'a reload keeps the link\'s language');
  await page.waitForFunction(() => document.title === 'atención, paso a paso');

  // attn.lang('en') goes back; the hash then holds no lang (the browser's language is English)
  assert.equal(await page.evaluate(() => window.attn.lang('en')), 'en');
  await page.waitForFunction(() => !/lang=/.test(location.hash) && document.documentElement.lang === 'en');
  const bad = await page.evaluate(() => { try { window.attn.lang('fr'); return ''; } catch (e) { return e.message; } });
  assert.match(bad, /lang must be "en" or "es"/);
  await page.context().close();
});

test('a Spanish browser starts in Spanish, with no lang= in the link; the page\'s own texts are Spanish', async () => {
  const page = await env.open('', { locale: 'es-ES' });
  const s = await until(page, (x) => x.widgets['lab/play']?.text === 'Reproducir');
  assert.equal(s.lang, 'es');
  assert.equal(await page.evaluate(() => navigator.language), 'es-ES');
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'es');
  assert.doesNotMatch(await page.evaluate(() => location.hash), /lang=/);
  assert.equal(await page.evaluate(() => window.attnStrings.t('page.loading')), 'Cargando el motor…');
  await page.context().close();
});
