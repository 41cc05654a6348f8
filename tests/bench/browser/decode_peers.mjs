// decode_peers.mjs: the peers' side of a "decode_<model>" workload in the browser benchmark: one whole
// greedy decode of the workload's sentence by a shipped model, computed by ONNX Runtime Web (the graphs
// onnx_graphs.mjs built from the same file) or by TensorFlow.js ops, from the engine's source ids
// (attn.inputs) and the model file the engine fetched. Each returns a function that runs the whole
// decode (encoder, every step, the argmax in JavaScript, stop at <EOS> or max_output_tokens) and
// resolves with every step's logits concatenated, [steps, Vt]: what attn.run returns for the workload.
// The model math is src/models/seq2seq_lstm.h and src/models/transformer.h; what is done once at setup
// (weights into tensors or initializers, sessions) is not timed, as the engine's loaded model is not.
// Test: run.mjs --quick (tests/e2e/webgpu.test.mjs) compares both with our scalar path, logits and tokens.
/* global ort, tf */
import { EOS, MAX_POSITIONS, argmax, dims, sinusoidalPositions } from './decode_models.mjs';

// ---- ONNX Runtime Web: encoder graph once, step graph once per token (onnx_graphs.mjs)
export async function setupOrtDecode(name, info, model) {
  const m = dims(model);
  const session = async (part) => {
    const response = await fetch(`models/${name}.${part}.onnx`);
    if (!response.ok) throw new Error(`models/${name}.${part}.onnx: HTTP ${response.status} (run.mjs writes it)`);
    return ort.InferenceSession.create(new Uint8Array(await response.arrayBuffer()),
                                       { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  };
  const encoder = await session('encoder');
  const step = await session('step');
  const ids = (list) => new ort.Tensor('int64', BigInt64Array.from(list, BigInt), [list.length]);
  const src = ids(info.source_ids);
  const maxSteps = info.max_output_tokens, Vt = m.Vt;
  if (m.kind === 'transformer' && maxSteps > MAX_POSITIONS) throw new Error(`${name}: max_output_tokens ${maxSteps} > ${MAX_POSITIONS}`);
  return async () => {
    const logits = new Float32Array(maxSteps * Vt);
    const enc = await encoder.run({ src });
    let steps = 0;
    if (m.kind === 'transformer') {
      const prefix = [m.start];
      while (steps < maxSteps) {
        const r = await step.run({ prefix: ids(prefix), memory: enc.memory });
        const row = r.logits.data.subarray((prefix.length - 1) * Vt, prefix.length * Vt);  // the newest position
        logits.set(row, steps++ * Vt);
        const token = argmax(row);
        if (token === EOS) break;
        prefix.push(token);
      }
    } else {
      const fixed = m.kind === 'bahdanau' ? { keys: enc.keys, Uk: enc.Uk } : { keys: enc.keys };
      let h = enc.h0, c = enc.c0, token = m.start;
      while (steps < maxSteps) {
        const r = await step.run({ ...fixed, token: ids([token]), h, c });
        logits.set(r.logits.data, steps++ * Vt);
        token = argmax(r.logits.data);
        if (token === EOS) break;
        h = r.h_next;
        c = r.c_next;
      }
    }
    return logits.slice(0, steps * Vt);
  };
}

// ---- TensorFlow.js: the same decode with tfjs-core ops, the whole run inside one tf.tidy
export function setupTfjsDecode(name, info, model) {
  const m = dims(model);
  const W = {};
  for (const [key, t] of Object.entries(model.tensors)) W[key] = tf.tensor(t.data, t.shape);  // kept across runs
  const w = (key) => {
    if (!W[key]) throw new Error(`${model.source}: no tensor ${key}`);
    return W[key];
  };
  const linear = (x, prefix) => tf.add(tf.matMul(x, w(`${prefix}.W`), false, true), w(`${prefix}.b`));  // x W^T + b
  const maxSteps = info.max_output_tokens, Vt = m.Vt;
  const srcIds = info.source_ids.slice();
  const T = srcIds.length;
  let run;

  if (m.kind !== 'transformer') {
    // One LSTM cell (src/nn/lstm.cpp): gates i, f, g, o from W_ih x + b_ih + W_hh h + b_hh.
    const cell = (prefix, x, h, c) => {
      const pre = tf.add(tf.add(tf.matMul(x, w(`${prefix}.W_ih`), false, true), w(`${prefix}.b_ih`)),
                         tf.add(tf.matMul(h, w(`${prefix}.W_hh`), false, true), w(`${prefix}.b_hh`)));
      const [i, f, g, o] = tf.split(pre, 4, 1);
      const cNext = tf.add(tf.mul(tf.sigmoid(f), c), tf.mul(tf.sigmoid(i), tf.tanh(g)));
      return [tf.mul(tf.sigmoid(o), tf.tanh(cNext)), cNext];
    };
    // A whole layer over rows X [T, In], forward or reverse: outputs [T, H] (row t: after reading t) and final (h, c).
    const layer = (prefix, X, H, reverse) => {
      let h = tf.zeros([1, H]), c = tf.zeros([1, H]);
      const rows = new Array(T);
      for (let s = 0; s < T; ++s) {
        const t = reverse ? T - 1 - s : s;
        [h, c] = cell(prefix, tf.slice(X, [t, 0], [1, -1]), h, c);
        rows[t] = h;
      }
      return { out: tf.concat(rows, 0), h, c };
    };
    run = (logits) => {
      const src = tf.tensor1d(srcIds, 'int32');
      let x = tf.gather(w('embed.src'), src);  // [T, E]
      let keys, Uk, h, c;
      if (m.kind === 'statquest') {
        h = [];
        c = [];
        for (let l = 0; l < m.L; ++l) {
          const r = layer(`encoder.l${l}`, x, m.H, false);
          x = r.out;
          h.push(r.h);
          c.push(r.c);
        }
        keys = x;  // top encoder outputs [T, H]; the decoder starts from every layer's final state
      } else {
        const fwd = layer('encoder.l0', x, m.H, false);
        const rev = m.bidirectional ? layer('encoder_reverse.l0', x, m.H, true) : null;
        keys = rev ? tf.concat([fwd.out, rev.out], 1) : fwd.out;  // [T, Hk]
        h = tf.tanh(linear(rev ? rev.h : fwd.h, 'bridge'));     // s_{-1} = tanh(bridge(h_last)), c = 0
        c = tf.zeros([1, m.S]);
        Uk = tf.add(tf.matMul(keys, w('attention.U'), false, true), w('attention.b'));  // [T, Da], once per decode
      }
      let token = m.start, steps = 0;
      while (steps < maxSteps) {
        const y = tf.gather(w('embed.tgt'), tf.tensor1d([token], 'int32'));  // [1, E]
        let features;
        if (m.kind === 'statquest') {
          let input = y;
          for (let l = 0; l < m.L; ++l) {
            [h[l], c[l]] = cell(`decoder.l${l}`, input, h[l], c[l]);
            input = h[l];
          }
          const q = input;  // h_t [1, H]
          const weights = tf.softmax(tf.matMul(q, keys, false, true));  // dot scores [1, T], no scaling
          features = tf.concat([tf.matMul(weights, keys), q], 1);     // [context; h_t]
        } else {
          const energies = tf.tanh(tf.add(Uk, tf.matMul(h, w('attention.W'), false, true)));  // [T, Da]
          const scores = tf.matMul(tf.reshape(w('attention.v'), [1, m.Da]), energies, false, true);  // [1, T]
          const context = tf.matMul(tf.softmax(scores), keys);  // [1, Hk]
          [h, c] = cell('decoder.l0', tf.concat([y, context], 1), h, c);
          features = tf.concat([h, context], 1);  // [s_t; c_t]
        }
        if (m.O > 0) features = tf.tanh(linear(features, 'output_hidden'));
        const row = linear(features, 'output').dataSync();
        logits.set(row, steps++ * Vt);
        token = argmax(row);
        if (token === EOS) break;
      }
      return steps;
    };
  } else {
    const d = m.d;
    const pe = tf.tensor(sinusoidalPositions(MAX_POSITIONS, d), [MAX_POSITIONS, d]);
    const causal = new Float32Array(MAX_POSITIONS * MAX_POSITIONS);
    for (let i = 0; i < MAX_POSITIONS; ++i) for (let j = i + 1; j < MAX_POSITIONS; ++j) causal[i * MAX_POSITIONS + j] = -Infinity;
    const mask = tf.tensor(causal, [MAX_POSITIONS, MAX_POSITIONS]);
    const embedScale = Math.fround(Math.sqrt(d));
    const headScale = Math.fround(1 / Math.fround(Math.sqrt(m.dh)));
    const embed = (table, ids) => tf.add(tf.mul(tf.gather(w(table), tf.tensor1d(ids, 'int32')), embedScale),
                                         tf.slice(pe, [0, 0], [ids.length, d]));
    const norm = (x, p) => {  // layer norm over d (biased variance, eps 1e-5), then gamma, beta
      const centered = tf.sub(x, tf.mean(x, 1, true));
      const rstd = tf.rsqrt(tf.add(tf.mean(tf.mul(centered, centered), 1, true), 1e-5));
      return tf.add(tf.mul(tf.mul(centered, rstd), w(`${p}.gamma`)), w(`${p}.beta`));
    };
    const mha = (p, xq, xkv, causalRows = 0) => {
      const split = (x) => tf.transpose(tf.reshape(x, [-1, m.heads, m.dh]), [1, 0, 2]);  // [h, n, dh]
      const q = split(linear(xq, `${p}.query`)), k = split(linear(xkv, `${p}.key`)), v = split(linear(xkv, `${p}.value`));
      let scores = tf.mul(tf.matMul(q, k, false, true), headScale);  // [h, Tq, Tk]
      if (causalRows) scores = tf.add(scores, tf.slice(mask, [0, 0], [causalRows, causalRows]));
      const context = tf.transpose(tf.matMul(tf.softmax(scores), v), [1, 0, 2]);  // [Tq, h, dh]
      return linear(tf.reshape(context, [-1, d]), `${p}.out`);
    };
    const ff = (p, x) => linear(tf.relu(linear(x, `${p}.up`)), `${p}.down`);
    run = (logits) => {
      let x = embed('src_embed', srcIds);
      for (let l = 0; l < m.encLayers; ++l) {
        const a = norm(x, `enc.${l}.self_norm`);
        x = tf.add(x, mha(`enc.${l}.self`, a, a));
        x = tf.add(x, ff(`enc.${l}.ff`, norm(x, `enc.${l}.ff_norm`)));
      }
      const memory = norm(x, 'enc.norm');
      const prefix = [m.start];
      let steps = 0;
      while (steps < maxSteps) {  // each step recomputes the decoder over the whole prefix, as our engine
        let y = embed('tgt_embed', prefix);
        for (let l = 0; l < m.decLayers; ++l) {
          const a = norm(y, `dec.${l}.self_norm`);
          y = tf.add(y, mha(`dec.${l}.self`, a, a, prefix.length));
          y = tf.add(y, mha(`dec.${l}.cross`, norm(y, `dec.${l}.cross_norm`), memory));
          y = tf.add(y, ff(`dec.${l}.ff`, norm(y, `dec.${l}.ff_norm`)));
        }
        const all = tf.add(tf.matMul(norm(y, 'dec.norm'), w('tgt_embed'), false, true), w('out_bias'));  // [T, Vt], tied
        const row = tf.slice(all, [prefix.length - 1, 0], [1, Vt]).dataSync();
        logits.set(row, steps++ * Vt);
        const token = argmax(row);
        if (token === EOS) break;
        prefix.push(token);
      }
      return steps;
    };
  }
  if (m.kind === 'transformer' && maxSteps > MAX_POSITIONS) throw new Error(`${name}: max_output_tokens ${maxSteps} > ${MAX_POSITIONS}`);
  return async () => {
    const logits = new Float32Array(maxSteps * Vt);
    let steps = 0;
    tf.tidy(() => { steps = run(logits); });  // every intermediate tensor freed at the end of the decode
    return logits.slice(0, steps * Vt);
  };
}
