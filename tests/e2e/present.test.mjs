// present.test.mjs: presenter mode and lessons, driven as a teacher would: the view bar's "Present"
// button (type and widgets at 1.8x, the high-contrast theme, ?present=1 in the address), one lab panel
// at a time under a large caption of the current stage, a clicker's PageDown stepping stages, the
// pointer hiding when idle, Escape leaving. Then a shipped lesson (?lesson=lets-go) played with the
// clicker, a step written in the page ("Add this step", a caption typed), its "Copy lesson link" opened
// in a new page, a broken lesson refused in the project's words, and a shipped lesson in Spanish.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clickWidget, frames, hold, state, suite, until, waitForRun } from './browser.mjs';

let page;
const env = suite({ onPage: (p) => { page = p; } });

const pageInfo = (p) => p.evaluate(() => window.attn.page());
// Drawn in the last frame: a widget's rect is kept with the frame that drew it.
const drawn = (s, id) => Boolean(s.widgets[id]) && s.widgets[id].frame === s.widgets['present/caption']?.frame;
const cursor = (p) => p.evaluate(() => getComputedStyle(document.getElementById('canvas')).cursor);

test('Present: projector type, high contrast, one panel with its stage caption, clicker, idle pointer, Escape', async () => {
  await waitForRun(page);
  const before = await pageInfo(page);
  await clickWidget(page, 'view/present');
  let s = await until(page, (x) => x.present.on && drawn(x, 'present/caption'));
  assert.equal(s.present.on, true);
  await frames(page, 2);
  const on = await pageInfo(page);
  assert.equal(on.theme, 'contrast');
  assert.ok(on.ui_scale >= 1.75, `widgets scaled ${on.ui_scale}x`);
  assert.ok(on.font.size_css >= 1.75 * before.font.size_css, `type ${on.font.size_css} px, was ${before.font.size_css} px`);
  assert.equal(new URL(await page.evaluate(() => location.href)).searchParams.get('present'), '1');

  // One panel: the stages, under the caption of the current stage.
  s = await state(page);
  assert.equal(s.present.panel, 'stages');
  assert.ok(!drawn(s, 'lab/heatmap') && !drawn(s, 'lab/text'), 'the other panels are not drawn');
  const title = (x) => x.present.caption.split(':')[0];
  assert.match(s.present.caption, /^1\. Query and keys: /);
  // A clicker's PageDown steps one stage; the caption follows the playhead.
  await hold(page, 'PageDown');
  s = await until(page, (x) => x.stage === 1);
  assert.equal(s.stage_name, 'scores');
  assert.equal(title(s), '2. Scores (query . key)');
  assert.match(s.present.where, /^token 1 of \d+, stage 2\. Scores \(query \. key\)$/);
  await clickWidget(page, 'present/panel/heatmap');
  s = await until(page, (x) => x.present.panel === 'heatmap' && drawn(x, 'lab/heatmap'));
  assert.ok(drawn(s, 'lab/heatmap') && !drawn(s, 'lab/play'), JSON.stringify(s.present));

  // The pointer hides once idle, and comes back when it moves.
  await page.mouse.move(200, 300);
  await page.waitForTimeout(2300);
  await frames(page, 2);
  assert.equal(await cursor(page), 'none');
  assert.equal((await state(page)).present.pointer_hidden, true);
  await page.mouse.move(260, 320, { steps: 3 });
  await frames(page, 2);
  assert.notEqual(await cursor(page), 'none');

  await hold(page, 'Escape');
  s = await until(page, (x) => !x.present.on);
  assert.equal(s.present.on, false);
  await frames(page, 2);
  const off = await pageInfo(page);
  assert.equal(off.theme, before.theme, 'the theme from before comes back');
  assert.equal(off.font.size_css, before.font.size_css);
  await until(page, () => true);
  assert.equal(new URL(await page.evaluate(() => location.href)).searchParams.get('present'), null);
  assert.deepEqual(page.problems, []);
});

// What a step's state shows: its link's parts over the page's defaults.
async function expected(p, hash) {
  const { partial, problems } = await p.evaluate((h) => window.attn.decodeLink(h), hash);
  assert.deepEqual(problems, []);
  return { model: 'statquest', text: "let's go", view: 'translate', step: 0, stage: 0, ...partial };
}

test('a shipped lesson plays with the clicker; a step written in the page plays from its link', async () => {
  const lp = await env.open('?lesson=lets-go');
  const file = await lp.evaluate(() => fetch('lessons/lets-go.json').then((r) => r.json()));
  let s = await until(lp, (x) => x.present.lesson && x.present.lesson.step === 0);
  assert.equal(s.present.on, true);
  assert.equal(s.present.lesson.title, "let's go, stage by stage");
  assert.equal(s.present.lesson.count, file.steps.length);
  for (let i = 0; i < file.steps.length; ++i) {
    if (i) await hold(lp, 'PageDown');
    s = await until(lp, (x) => x.present.lesson.step === i && x.runs > 0 && !x.playing);
    const want = await expected(lp, file.steps[i].state);
    assert.equal(s.present.caption, file.steps[i].caption, `step ${i + 1}'s caption`);
    for (const k of ['model', 'text', 'view', 'step', 'stage']) assert.equal(s[k], want[k], `step ${i + 1}: ${k}`);
    assert.equal(s.options.normalizer, want.options?.normalizer ?? 'soft', `step ${i + 1}: normalizer`);
  }
  await hold(lp, 'PageUp');
  s = await until(lp, (x) => x.present.lesson.step === file.steps.length - 2);
  assert.equal(s.options.normalizer, 'soft', 'going back shows that step as it was');

  // The teacher adds a step: the Right arrow moves the playhead, "Add this step", a caption, Enter.
  await hold(lp, 'ArrowRight');
  const at = await until(lp, (x) => x.stage === 3);
  await clickWidget(lp, 'present/lesson/add');
  await until(lp, (x) => drawn(x, 'present/lesson/caption'));  // the popup is up, its field focused
  await frames(lp, 2);
  await lp.keyboard.type('Now the context.', { delay: 10 });
  await hold(lp, 'Enter');
  s = await until(lp, (x) => x.present.lesson.count === file.steps.length + 1);
  assert.equal(s.present.lesson.step, file.steps.length - 1);
  assert.equal(s.present.caption, 'Now the context.');
  const { lesson } = await lp.evaluate(() => window.attn.lesson());
  assert.equal(lesson.steps[file.steps.length - 1].state, await lp.evaluate(() => window.attn.link()));
  assert.equal(at.step, 1);

  // "Copy lesson link", opened elsewhere, plays the same lesson.
  await clickWidget(lp, 'present/lesson/link');
  const link = await until(lp, () => true).then(() => lp.evaluate(() => window.attn.lastLessonLink));
  assert.ok(link && new URL(link).searchParams.get('present') === '1', link);
  const again = await env.open(link.slice(env.server.url.length));
  s = await until(again, (x) => x.present.lesson && x.present.lesson.count === lesson.steps.length);
  assert.deepEqual((await again.evaluate(() => window.attn.lesson())).lesson, lesson);

  // A broken lesson is refused, saying why; the lesson playing stays.
  await again.evaluate(() => window.attn.openLesson('{"title": "x", "steps": [{"state": "m=nomodel", "caption": ""}]}'));
  s = await until(again, (x) => x.notices.some((n) => n.startsWith('This lesson could not be opened')));
  assert.ok(s.notices.some((n) => n.startsWith("This lesson could not be opened: this lesson cannot be played: step 1: its state cannot be shown")),
            JSON.stringify(s.notices));
  assert.equal(s.present.lesson.count, lesson.steps.length);

  // In Spanish, a shipped lesson plays its Spanish file, and nothing in the presenter bar overflows.
  await again.evaluate(() => window.attn.lang('es'));
  await again.evaluate(() => window.attn.openLesson('lets-go'));
  const es = await again.evaluate(() => fetch('lessons/lets-go.es.json').then((r) => r.json()));
  s = await until(again, (x) => x.present.lesson?.title === es.title && x.present.lesson.step === 0);
  assert.equal(s.present.caption, es.steps[0].caption);
  await hold(again, 'ArrowRight');
  await until(again, (x) => x.stage === 1);
  await frames(again, 3);
  const over = await again.evaluate(() => window.attn.call('ui.overflows'));
  assert.deepEqual([...over.widgets.map((w) => `${w.id} "${w.text}"`), ...Object.keys(over.windows)], []);
  assert.match((await state(again)).present.where, /^let's go, etapa por etapa: paso 1 de 7 \(token 1 de 2, etapa 2\. /);
  assert.deepEqual([...lp.problems, ...again.problems], []);
  await lp.close();
  await again.close();
});
