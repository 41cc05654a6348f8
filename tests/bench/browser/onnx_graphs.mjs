// onnx_graphs.mjs: builds, in node and at bench time, the ONNX graphs ONNX Runtime Web runs for the
// browser benchmark. Kernel workloads (mha_*, pool_*): the same computations as src/models/workloads.h,
// with the workload's weights (inputs.mjs, identical to the engine's) as initializers and X as the one
// graph input. Decode workloads (decode_<model>, src/models/decode_workload.h): the shipped model's
// weights from its file (decode_models.mjs reads it) as initializers, in two graphs per model that
// bench.js runs as a whole greedy decode, timed end to end like ours:
//   <name>.encoder.onnx   source ids [T] (int64, the engine's) -> what every step reads:
//                         seq2seq_lstm: keys [T, Hk] and the decoder's first state (h0, c0); bahdanau also
//                         U keys + b [T, Da] (the keys' half of the additive energies, which depends on
//                         the keys only: computed once here, where our engine recomputes it each step);
//                         transformer: memory [S, d] = LN_enc(encoder(sqrt(d) E_src[ids] + PE))
//   <name>.step.onnx      one decoder step. seq2seq_lstm: (token [1], h, c, keys[, Uk]) -> (logits [1, Vt],
//                         h, c); transformer: (prefix ids [T], memory) -> logits [T, Vt] (the whole prefix
//                         recomputed, as our engine does; bench.js reads the last row)
// bench.js calls the encoder once and the step graph once per output token, takes the argmax in
// JavaScript (the first of ties, as the engine) and stops at <EOS> or max_output_tokens. LSTMs use
// ONNX's LSTM operator (gates reordered from PyTorch's i, f, g, o to ONNX's i, o, f, c; B = [Wb; Rb]);
// attention, layer norms (LayerNormalization, eps 1e-5) and projections are standard opset-17 operators
// (Gemm, MatMul, Softmax, Tanh, ...): ONNX Runtime is free to fuse them as it would for any exported model.
// Uses npm onnx-proto (no Python).
// Test: run.mjs --quick (tests/e2e/webgpu.test.mjs) checks ONNX Runtime's output against our scalar path.
import { createRequire } from 'node:module';
import { MAX_POSITIONS, dims, isDecodeWorkload, parseSafetensors, sinusoidalPositions } from './decode_models.mjs';
import { generateInputs, parseWorkload } from './inputs.mjs';

const { onnx } = createRequire(import.meta.url)('onnx-proto');
const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT64 = onnx.TensorProto.DataType.INT64;
const ATTR = onnx.AttributeProto.AttributeType;

function floatTensor(name, shape, data) {
  return onnx.TensorProto.create({ name, dims: shape, dataType: FLOAT,
                                   rawData: Buffer.from(data.buffer, data.byteOffset, data.byteLength) });
}
function int64Tensor(name, values, shape = [values.length]) {
  const data = BigInt64Array.from(values.map(BigInt));
  return onnx.TensorProto.create({ name, dims: shape, dataType: INT64, rawData: Buffer.from(data.buffer) });
}
// Attributes: an integer, a list of integers, a float (a JS number with a fraction: pass {f: x}) or a string.
function node(opType, inputs, outputs, attributes = {}) {
  const attribute = Object.entries(attributes).map(([name, v]) => {
    if (Array.isArray(v)) return { name, ints: v, type: ATTR.INTS };
    if (typeof v === 'string') return { name, s: Buffer.from(v), type: ATTR.STRING };
    if (typeof v === 'object') return { name, f: v.f, type: ATTR.FLOAT };
    return { name, i: v, type: ATTR.INT };
  });
  return onnx.NodeProto.create({ opType, input: inputs, output: outputs, attribute, name: outputs.find(Boolean) });
}
// A graph input or output; a string dimension is symbolic (e.g. 'T', the number of source tokens).
function valueInfo(name, shape, elemType = FLOAT) {
  return onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType,
    shape: { dim: shape.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } } });
}

function mhaGraph(w, inputs) {
  const { T, D, heads } = w;
  const dh = D / heads;
  const init = [];
  for (const p of ['q', 'k', 'v', 'o']) {
    init.push(floatTensor(`W${p}`, [D, D], inputs[`W${p}`].data), floatTensor(`b${p}`, [D], inputs[`b${p}`].data));
  }
  // the scale as the engine computes it: 1.0f / sqrtf(dh), in float
  init.push(floatTensor('scale', [], new Float32Array([Math.fround(1 / Math.fround(Math.sqrt(dh)))])));
  init.push(int64Tensor('split_heads', [T, heads, dh]), int64Tensor('join_heads', [T, D]));
  const nodes = [];
  for (const p of ['q', 'k', 'v']) {
    nodes.push(node('Gemm', ['X', `W${p}`, `b${p}`], [p], { transB: 1 }));      // [T, D] = X W^T + b
    nodes.push(node('Reshape', [p, 'split_heads'], [`${p}_heads`]));           // [T, heads, dh]
  }
  nodes.push(node('Transpose', ['q_heads'], ['qh'], { perm: [1, 0, 2] }));     // [heads, T, dh]
  nodes.push(node('Transpose', ['k_heads'], ['khT'], { perm: [1, 2, 0] }));    // [heads, dh, T]
  nodes.push(node('Transpose', ['v_heads'], ['vh'], { perm: [1, 0, 2] }));     // [heads, T, dh]
  nodes.push(node('MatMul', ['qh', 'khT'], ['scores']));                       // [heads, T, T]
  nodes.push(node('Mul', ['scores', 'scale'], ['scaled']));
  nodes.push(node('Softmax', ['scaled'], ['weights'], { axis: -1 }));
  nodes.push(node('MatMul', ['weights', 'vh'], ['context']));                  // [heads, T, dh]
  nodes.push(node('Transpose', ['context'], ['context_t'], { perm: [1, 0, 2] })); // [T, heads, dh]
  nodes.push(node('Reshape', ['context_t', 'join_heads'], ['concat']));       // [T, D]
  nodes.push(node('Gemm', ['concat', 'Wo', 'bo'], ['Y'], { transB: 1 }));
  return { nodes, init, input: valueInfo('X', [T, D]), output: valueInfo('Y', [T, D]) };
}

function poolGraph(w, inputs) {
  const { B, T, H } = w;
  const init = [floatTensor('W1', [H, H], inputs.W1.data), floatTensor('b1', [H], inputs.b1.data),
                floatTensor('w2', [1, H], inputs.w2.data), floatTensor('b2', [1], inputs.b2.data),
                int64Tensor('rows', [B * T, H]), int64Tensor('by_batch', [B, T]),
                int64Tensor('weights_row', [B, 1, T]), int64Tensor('out_shape', [B, H])];
  const nodes = [
    node('Reshape', ['X', 'rows'], ['x_rows']),                      // [B T, H]
    node('Gemm', ['x_rows', 'W1', 'b1'], ['pre'], { transB: 1 }),     // Linear H -> H
    node('Tanh', ['pre'], ['energy']),
    node('Gemm', ['energy', 'w2', 'b2'], ['score'], { transB: 1 }),   // Linear H -> 1: [B T, 1]
    node('Reshape', ['score', 'by_batch'], ['scores']),              // [B, T]
    node('Softmax', ['scores'], ['weights'], { axis: -1 }),           // over time
    node('Reshape', ['weights', 'weights_row'], ['weights_b']),       // [B, 1, T]
    node('MatMul', ['weights_b', 'X'], ['context']),                 // [B, 1, H]
    node('Reshape', ['context', 'out_shape'], ['Y']),                // [B, H]
  ];
  return { nodes, init, input: valueInfo('X', [B, T, H]), output: valueInfo('Y', [B, H]) };
}

function serialize(name, g) {
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    producerName: 'attention-step-by-step tests/bench/browser',
    graph: onnx.GraphProto.create({ name, node: g.nodes, initializer: g.init,
                                    input: [].concat(g.input), output: [].concat(g.output) }),
  });
  return onnx.ModelProto.encode(model).finish();
}

// The serialized ModelProto of a kernel workload (Uint8Array).
export function buildOnnxModel(name) {
  const w = parseWorkload(name);
  const inputs = generateInputs(name);
  return serialize(name, w.kind === 'mha' ? mhaGraph(w, inputs) : poolGraph(w, inputs));
}

// ---- decode workloads -------------------------------------------------------------------------------

// A graph under construction: initializers from the model file (each added once), nodes, fresh names.
class Builder {
  constructor(model) {
    this.model = model;
    this.nodes = [];
    this.init = [];
    this.names = new Set();
    this.count = 0;
  }
  tmp(prefix) { return `${prefix}_${this.count++}`; }
  op(opType, inputs, attributes = {}, outputs = 1) {
    const outs = typeof outputs === 'number' ? Array.from({ length: outputs }, () => this.tmp(opType)) : outputs;
    this.nodes.push(node(opType, inputs, outs, attributes));
    return typeof outputs === 'number' && outputs === 1 ? outs[0] : outs;
  }
  // A tensor of the file, under its own name, optionally reshaped.
  weight(name, shape) {
    if (!this.names.has(name)) {
      const t = this.model.t(name);
      this.init.push(floatTensor(name, shape ?? t.shape, t.data));
      this.names.add(name);
    }
    return name;
  }
  // A constant; one with a given name is added once (later calls reuse it).
  float(name, shape, data) {
    if (this.names.has(name)) return name;
    this.init.push(floatTensor(name, shape, data));
    this.names.add(name);
    return name;
  }
  ints(values, name = this.tmp('ints')) {
    if (this.names.has(name)) return name;
    this.init.push(int64Tensor(name, values));
    this.names.add(name);
    return name;
  }
  // y = x W^T + b (PyTorch Linear on rows; b optional)
  linear(x, prefix, bias = true) {
    return this.op('Gemm', bias ? [x, this.weight(`${prefix}.W`), this.weight(`${prefix}.b`)] : [x, this.weight(`${prefix}.W`)],
                   { transB: 1 });
  }
  // One ONNX LSTM operator from the file's cells (one per direction): X [seq, 1, In] -> [Y, Y_h, Y_c].
  lstm(x, cells, H, h0 = '', c0 = '') {
    const name = cells.join('+');
    const perm = [0, 3, 1, 2];  // ONNX's i, o, f, c from PyTorch's i, f, g, o blocks
    const reorder = (t) => {
      const per = t.data.length / 4;  // one gate's block of rows (or of bias values)
      const out = new Float32Array(t.data.length);
      perm.forEach((src, dst) => out.set(t.data.subarray(src * per, (src + 1) * per), dst * per));
      return out;
    };
    const stack = (key) => {
      const parts = cells.map((c) => reorder(this.model.t(`${c}.${key}`)));
      const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
      let o = 0;
      for (const p of parts) { out.set(p, o); o += p.length; }
      return out;
    };
    const In = this.model.t(`${cells[0]}.W_ih`).shape[1];
    const D = cells.length;
    const W = this.float(`${name}.W`, [D, 4 * H, In], stack('W_ih'));
    const R = this.float(`${name}.R`, [D, 4 * H, H], stack('W_hh'));
    const B = new Float32Array(D * 8 * H);
    cells.forEach((c, d) => {
      B.set(reorder(this.model.t(`${c}.b_ih`)), d * 8 * H);
      B.set(reorder(this.model.t(`${c}.b_hh`)), d * 8 * H + 4 * H);
    });
    const Bn = this.float(`${name}.B`, [D, 8 * H], B);
    const inputs = [x, W, R, Bn];
    if (h0) inputs.push('', h0, c0);
    return this.op('LSTM', inputs, { hidden_size: H, direction: D === 2 ? 'bidirectional' : 'forward' }, 3);
  }
  graph(input, output) { return { nodes: this.nodes, init: this.init, input, output }; }
}

// seq2seq_lstm, encoder: src [T] -> keys [T, Hk], h0, c0 (statquest: [L, 1, H]; bahdanau: [1, S]) (, Uk [T, Da]).
function seq2seqEncoder(model) {
  const m = dims(model);
  const b = new Builder(model);
  const x = b.op('Gather', [b.weight('embed.src'), 'src']);                // [T, E]
  let seq = b.op('Unsqueeze', [x, b.ints([1])]);                           // [T, 1, E]
  const output = [];
  if (m.kind === 'statquest') {
    const hs = [], cs = [];
    for (let l = 0; l < m.L; ++l) {
      const [Y, Yh, Yc] = b.lstm(seq, [`encoder.l${l}`], m.H);
      seq = b.op('Squeeze', [Y, b.ints([1])]);                            // [T, 1, H]
      hs.push(Yh);
      cs.push(Yc);
    }
    b.op('Reshape', [seq, b.ints([-1, m.H])], {}, ['keys']);
    b.op('Concat', hs, { axis: 0 }, ['h0']);                              // [L, 1, H]: every layer's final state
    b.op('Concat', cs, { axis: 0 }, ['c0']);
    output.push(valueInfo('keys', ['T', m.H]), valueInfo('h0', [m.L, 1, m.H]), valueInfo('c0', [m.L, 1, m.H]));
  } else {
    if (m.L !== 1) throw new Error(`${model.source}: bahdanau style with ${m.L} layers`);
    const cells = m.bidirectional ? ['encoder.l0', 'encoder_reverse.l0'] : ['encoder.l0'];
    const [Y, Yh] = b.lstm(seq, cells, m.H);                               // Y [T, dirs, 1, H]
    b.op('Reshape', [Y, b.ints([-1, m.Hk])], {}, ['keys']);                // [T, Hk] = [forward; reverse] per position
    // s_{-1}.h = tanh(bridge(h_last)), h_last the reverse encoder's state after the whole source (if any)
    const last = b.op('Gather', [Yh, b.ints([cells.length - 1], 'last_dir')], { axis: 0 });  // [1, 1, H]
    const hLast = b.op('Reshape', [last, b.ints([1, m.H])]);
    b.op('Tanh', [b.linear(hLast, 'bridge')], {}, ['h0']);                // [1, S]
    b.op('Identity', [b.float('zero_state', [1, m.S], new Float32Array(m.S))], {}, ['c0']);
    b.op('Gemm', ['keys', b.weight('attention.U'), b.weight('attention.b')], { transB: 1 }, ['Uk']);  // [T, Da]
    output.push(valueInfo('keys', ['T', m.Hk]), valueInfo('h0', [1, m.S]), valueInfo('c0', [1, m.S]),
                valueInfo('Uk', ['T', m.Da]));
  }
  return b.graph([valueInfo('src', ['T'], INT64)], output);
}

// seq2seq_lstm, one decoder step (src/models/seq2seq_lstm.h): (token, h, c, keys[, Uk]) -> (logits, h, c).
function seq2seqStep(model) {
  const m = dims(model);
  const b = new Builder(model);
  const y = b.op('Gather', [b.weight('embed.tgt'), 'token']);             // [1, E]
  const input = [valueInfo('token', [1], INT64)];
  let features;
  if (m.kind === 'statquest') {
    // h_t = top output of the stacked decoder LSTM reading the previous word
    let seq = b.op('Unsqueeze', [y, b.ints([0])]);                         // [1, 1, E]
    const hs = [], cs = [];
    for (let l = 0; l < m.L; ++l) {
      const h = b.op('Slice', ['h', b.ints([l]), b.ints([l + 1]), b.ints([0])]);  // [1, 1, H]
      const c = b.op('Slice', ['c', b.ints([l]), b.ints([l + 1]), b.ints([0])]);
      const [Y, Yh, Yc] = b.lstm(seq, [`decoder.l${l}`], m.H, h, c);
      seq = b.op('Squeeze', [Y, b.ints([1])]);                            // [1, 1, H]
      hs.push(Yh);
      cs.push(Yc);
    }
    b.op('Concat', hs, { axis: 0 }, ['h_next']);
    b.op('Concat', cs, { axis: 0 }, ['c_next']);
    const q = b.op('Reshape', [seq, b.ints([1, m.H])]);                    // [1, H]
    // dot attention over the top encoder outputs, no scaling; context; features [context; h_t]
    const scores = b.op('Gemm', [q, 'keys'], { transB: 1 });               // [1, T]
    const weights = b.op('Softmax', [scores], { axis: -1 });
    const context = b.op('MatMul', [weights, 'keys']);                     // [1, H]
    features = b.op('Concat', [context, q], { axis: 1 });
    input.push(valueInfo('h', [m.L, 1, m.H]), valueInfo('c', [m.L, 1, m.H]), valueInfo('keys', ['T', m.H]));
  } else {
    // additive attention queried by s_{t-1}: e_j = v . tanh(W s + U h_j + b)
    const Wq = b.op('Gemm', ['h', b.weight('attention.W')], { transB: 1 });  // [1, Da]
    const energies = b.op('Tanh', [b.op('Add', ['Uk', Wq])]);               // [T, Da]
    const scores = b.op('Gemm', [b.weight('attention.v', [1, m.Da]), energies], { transB: 1 });  // [1, T]
    const weights = b.op('Softmax', [scores], { axis: -1 });
    const context = b.op('MatMul', [weights, 'keys']);                     // [1, Hk]
    // s_t = LSTM([y; c_t], s_{t-1})
    const x = b.op('Unsqueeze', [b.op('Concat', [y, context], { axis: 1 }), b.ints([0])]);  // [1, 1, E + Hk]
    const h = b.op('Unsqueeze', ['h', b.ints([0])]), c = b.op('Unsqueeze', ['c', b.ints([0])]);
    const [, Yh, Yc] = b.lstm(x, ['decoder.l0'], m.S, h, c);
    b.op('Reshape', [Yh, b.ints([1, m.S])], {}, ['h_next']);
    b.op('Reshape', [Yc, b.ints([1, m.S])], {}, ['c_next']);
    features = b.op('Concat', ['h_next', context], { axis: 1 });           // [s_t; c_t]
    input.push(valueInfo('h', [1, m.S]), valueInfo('c', [1, m.S]), valueInfo('keys', ['T', m.Hk]),
               valueInfo('Uk', ['T', m.Da]));
  }
  if (m.O > 0) features = b.op('Tanh', [b.linear(features, 'output_hidden')]);
  b.op('Gemm', [features, b.weight('output.W'), b.weight('output.b')], { transB: 1 }, ['logits']);
  const stateShape = m.kind === 'statquest' ? [m.L, 1, m.H] : [1, m.S];
  return b.graph(input, [valueInfo('logits', [1, m.Vt]), valueInfo('h_next', stateShape), valueInfo('c_next', stateShape)]);
}

// ---- transformer (src/models/transformer.h): pre-LN layers, sinusoidal positions, tied output


function embedWithPositions(b, table, ids, d) {
  const scale = b.float(`${table}.scale`, [], new Float32Array([Math.fround(Math.sqrt(d))]));
  b.float('positions', [MAX_POSITIONS, d], sinusoidalPositions(MAX_POSITIONS, d));
  const n = b.op('Shape', [ids]);                                             // [1]: the sequence length
  const pe = b.op('Slice', ['positions', b.ints([0]), n, b.ints([0])]);     // [n, d]
  return b.op('Add', [b.op('Mul', [b.op('Gather', [b.weight(table), ids]), scale]), pe]);
}
function layerNorm(b, x, prefix) {
  return b.op('LayerNormalization', [x, b.weight(`${prefix}.gamma`), b.weight(`${prefix}.beta`)],
              { axis: -1, epsilon: { f: 1e-5 } });
}
// Multi-head scaled dot-product attention: queries from xq [Tq, d], keys and values from xkv [Tk, d].
function multiHead(b, prefix, xq, xkv, m, mask = null) {
  const split = b.ints([-1, m.heads, m.dh], 'split_heads');
  const join = b.ints([-1, m.d], 'join_heads');
  const scale = b.float('head_scale', [], new Float32Array([Math.fround(1 / Math.fround(Math.sqrt(m.dh)))]));  // 1.0f / sqrtf(dh)
  const heads = (x, part, perm) => b.op('Transpose', [b.op('Reshape', [b.linear(x, `${prefix}.${part}`), split])], { perm });
  const q = heads(xq, 'query', [1, 0, 2]);                                   // [h, Tq, dh]
  const kT = heads(xkv, 'key', [1, 2, 0]);                                   // [h, dh, Tk]
  const v = heads(xkv, 'value', [1, 0, 2]);                                  // [h, Tk, dh]
  let scores = b.op('Mul', [b.op('MatMul', [q, kT]), scale]);       // [h, Tq, Tk]
  if (mask) scores = b.op('Add', [scores, mask]);
  const weights = b.op('Softmax', [scores], { axis: -1 });
  const context = b.op('Transpose', [b.op('MatMul', [weights, v])], { perm: [1, 0, 2] });  // [Tq, h, dh]
  return b.linear(b.op('Reshape', [context, join]), `${prefix}.out`);
}
function feedForward(b, prefix, x) {
  return b.linear(b.op('Relu', [b.linear(x, `${prefix}.up`)]), `${prefix}.down`);
}
function transformerEncoder(model) {
  const m = dims(model);
  const b = new Builder(model);
  let x = embedWithPositions(b, 'src_embed', 'src', m.d);
  for (let l = 0; l < m.encLayers; ++l) {
    const a = layerNorm(b, x, `enc.${l}.self_norm`);
    x = b.op('Add', [x, multiHead(b, `enc.${l}.self`, a, a, m)]);
    x = b.op('Add', [x, feedForward(b, `enc.${l}.ff`, layerNorm(b, x, `enc.${l}.ff_norm`))]);
  }
  b.op('Identity', [layerNorm(b, x, 'enc.norm')], {}, ['memory']);
  return b.graph([valueInfo('src', ['S'], INT64)], [valueInfo('memory', ['S', m.d])]);
}

function transformerStep(model) {
  const m = dims(model);
  const b = new Builder(model);
  // the causal mask: 0 where a position may look (j <= i), -inf on the future; cut to [T, T]
  const table = new Float32Array(MAX_POSITIONS * MAX_POSITIONS);
  for (let i = 0; i < MAX_POSITIONS; ++i) for (let j = i + 1; j < MAX_POSITIONS; ++j) table[i * MAX_POSITIONS + j] = -Infinity;
  b.float('causal', [MAX_POSITIONS, MAX_POSITIONS], table);
  const n = b.op('Shape', ['prefix']);
  const mask = b.op('Slice', ['causal', b.ints([0, 0]), b.op('Concat', [n, n], { axis: 0 }), b.ints([0, 1])]);
  let y = embedWithPositions(b, 'tgt_embed', 'prefix', m.d);
  for (let l = 0; l < m.decLayers; ++l) {
    const a = layerNorm(b, y, `dec.${l}.self_norm`);
    y = b.op('Add', [y, multiHead(b, `dec.${l}.self`, a, a, m, mask)]);
    const q = layerNorm(b, y, `dec.${l}.cross_norm`);
    y = b.op('Add', [y, multiHead(b, `dec.${l}.cross`, q, 'memory', m)]);
    y = b.op('Add', [y, feedForward(b, `dec.${l}.ff`, layerNorm(b, y, `dec.${l}.ff_norm`))]);
  }
  const hidden = layerNorm(b, y, 'dec.norm');
  b.op('Gemm', [hidden, b.weight('tgt_embed'), b.weight('out_bias')], { transB: 1 }, ['logits']);  // tied output
  return b.graph([valueInfo('prefix', ['T'], INT64), valueInfo('memory', ['S', m.d])], [valueInfo('logits', ['T', m.Vt])]);
}

// The files ONNX Runtime needs for a workload: { "<name>.onnx": bytes } for a kernel workload;
// { "<name>.encoder.onnx", "<name>.step.onnx" } for decode_<model>, whose model file's bytes are passed.
export function buildOnnxModels(name, { modelBytes } = {}) {
  if (!isDecodeWorkload(name)) return { [`${name}.onnx`]: buildOnnxModel(name) };
  if (!modelBytes) throw new Error(`${name}: the model file's bytes are needed to build its graphs`);
  const model = parseSafetensors(modelBytes, `${name.slice(7)}.safetensors`);
  const transformer = model.architecture === 'transformer';
  return {
    [`${name}.encoder.onnx`]: serialize(`${name}.encoder`, transformer ? transformerEncoder(model) : seq2seqEncoder(model)),
    [`${name}.step.onnx`]: serialize(`${name}.step`, transformer ? transformerStep(model) : seq2seqStep(model)),
  };
}
