// train_tfjs.js: TensorFlow.js (tfjs-core) training the architecture of our `lstm-dot` model on the
// reversal task, for tests/bench/browser/train.mjs, which injects it into the page and compares its
// examples per second with ours in the same run. The model is StatQuest's LSTM encoder-decoder of
// src/models/seq2seq_lstm.h: source and target embeddings [V, E], a one-layer LSTM encoder and decoder
// (hidden H, the decoder starting from the encoder's final state and reading <EOS> first), dot attention
// of each decoder output over the encoder outputs, logits = out([context; h_t]), cross-entropy under
// teacher forcing, Adam. TensorFlow.js at its best: the batch padded to its longest pair and run as
// one set of matrices (ours runs pair by pair), padded positions masked. Not a test; not our engine.
/* global tf */
(function () {
  'use strict';

  // Reversal pairs as the task generates them: 3 to 6 symbols of a..h, target = the source reversed.
  function pairs(n, seed) {
    let s = seed >>> 0;
    const rand = () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 4294967296; };
    const out = [];
    for (let i = 0; i < n; ++i) {
      const len = 3 + Math.floor(rand() * 4);
      const src = Array.from({ length: len }, () => Math.floor(rand() * 8));
      out.push({ src, tgt: src.slice().reverse() });
    }
    return out;
  }

  // ids: 0 <PAD>, 1 <EOS>, 2 <UNK>, 3 <SOS>, then the 8 symbols
  const SPECIALS = 4, V = SPECIALS + 8, EOS = 1;

  async function run({ backend, embed = 16, hidden = 32, batch = 16, steps = 30, warmup = 3, lr = 0.01 }) {
    if (!(await tf.setBackend(backend))) throw new Error(`TensorFlow.js: no ${backend} backend`);
    await tf.ready();
    const E = embed, H = hidden;
    const init = (shape, scale) => tf.variable(tf.randomUniform(shape, -scale, scale, 'float32', 1));
    const P = {
      Es: init([V, E], 0.1), Et: init([V, E], 0.1),
      Wenc: init([E + H, 4 * H], 1 / Math.sqrt(H)), benc: tf.variable(tf.zeros([4 * H])),
      Wdec: init([E + H, 4 * H], 1 / Math.sqrt(H)), bdec: tf.variable(tf.zeros([4 * H])),
      Wout: init([2 * H, V], 1 / Math.sqrt(2 * H)), bout: tf.variable(tf.zeros([V])),
    };
    const optimizer = tf.train.adam(lr);
    const cell = (W, b, x, h, c) => {
      const z = tf.add(tf.matMul(tf.concat([x, h], 1), W), b);           // [B, 4H]
      const [i, f, g, o] = tf.split(z, 4, 1);
      const c2 = tf.add(tf.mul(tf.sigmoid(f), c), tf.mul(tf.sigmoid(i), tf.tanh(g)));
      return [tf.mul(tf.sigmoid(o), tf.tanh(c2)), c2];
    };
    const embedIds = (table, ids) => tf.matMul(tf.oneHot(tf.tensor1d(ids, 'int32'), V), table);  // [B, E]

    const loss = (group) => {
      const B = group.length;
      const T = Math.max(...group.map((p) => p.src.length));
      const U = Math.max(...group.map((p) => p.tgt.length)) + 1;           // + <EOS>
      let h = tf.zeros([B, H]), c = tf.zeros([B, H]);
      const keys = [];
      for (let t = 0; t < T; ++t) {
        const ids = group.map((p) => (t < p.src.length ? SPECIALS + p.src[t] : 0));
        const keep = tf.tensor2d(group.map((p) => [t < p.src.length ? 1 : 0]));  // [B, 1]: padding keeps the state
        const [h2, c2] = cell(P.Wenc, P.benc, embedIds(P.Es, ids), h, c);
        h = tf.add(tf.mul(keep, h2), tf.mul(tf.sub(1, keep), h));
        c = tf.add(tf.mul(keep, c2), tf.mul(tf.sub(1, keep), c));
        keys.push(h2);
      }
      const K = tf.stack(keys, 1);                                          // [B, T, H]
      const srcMask = tf.tensor2d(group.map((p) => Array.from({ length: T }, (_, t) => (t < p.src.length ? 0 : -1e9))));
      let total = tf.scalar(0);
      let prev = group.map(() => EOS);
      for (let u = 0; u < U; ++u) {
        const [h2, c2] = cell(P.Wdec, P.bdec, embedIds(P.Et, prev), h, c);
        h = h2; c = c2;
        const scores = tf.add(tf.squeeze(tf.matMul(K, tf.expandDims(h, 2)), [2]), srcMask);  // [B, T]
        const weights = tf.softmax(scores);
        const context = tf.squeeze(tf.matMul(tf.expandDims(weights, 1), K), [1]);          // [B, H]
        const logits = tf.add(tf.matMul(tf.concat([context, h], 1), P.Wout), P.bout);       // [B, V]
        const gold = group.map((p) => (u < p.tgt.length ? SPECIALS + p.tgt[u] : EOS));
        const live = tf.tensor1d(group.map((p) => (u <= p.tgt.length ? 1 : 0)));
        const nll = tf.neg(tf.sum(tf.mul(tf.logSoftmax(logits), tf.oneHot(tf.tensor1d(gold, 'int32'), V)), 1));
        total = tf.add(total, tf.sum(tf.mul(nll, live)));
        prev = gold;
      }
      return tf.div(total, B);
    };

    const data = pairs(batch * (steps + warmup), 20261206);
    const step = (k) => {
      const group = data.slice(k * batch, (k + 1) * batch);
      const cost = optimizer.minimize(() => loss(group), true);
      const v = cost.dataSync()[0];
      cost.dispose();
      return v;
    };
    let first = 0;
    for (let k = 0; k < warmup; ++k) first = k === 0 ? step(k) : (step(k), first);
    const t0 = performance.now();
    let last = 0;
    for (let k = warmup; k < warmup + steps; ++k) last = step(k);
    const ms = performance.now() - t0;
    for (const v of Object.values(P)) v.dispose();
    optimizer.dispose();
    return { backend: tf.getBackend(), examples_per_s: (steps * batch * 1000) / ms, first_loss: first, last_loss: last,
             steps: warmup + steps,
             simd: backend === 'wasm' ? tf.env().getBool('WASM_HAS_SIMD_SUPPORT') : false };
  }

  window.tfjsTrainBench = run;
})();
