// decode_models.mjs: what the peers of the browser benchmark need to run a "decode_<model>" workload
// (src/models/decode_workload.h) from the shipped model file: a safetensors reader, the model's
// config and tensors by name, the sinusoidal positions of the Transformer, the greedy argmax. Runs in
// node (onnx_graphs.mjs builds ONNX Runtime's graphs with it) and in the page (bench.js: TensorFlow.js
// reads the same file the engine fetched). Not the tokenizer: the peers get the engine's source ids
// (attn.inputs). Test: run.mjs --quick (tests/e2e/webgpu.test.mjs) checks every peer's logits and
// tokens against our scalar path.
//
// The file (README "The models"): 8-byte little-endian header length n, n bytes of JSON
// {name: {dtype: "F32", shape, data_offsets: [begin, end]}, __metadata__: {config, vocab_src,
// vocab_tgt, architecture, ...: JSON strings}}, then the little-endian data (offsets count from there).

export const SOS = 1;  // src/core/vocab.h
export const EOS = 2;

// Rows of the Transformer's position and causal-mask tables in the ONNX graphs (which slice them to the
// sequence): more than any source (16 tokens) or decoder prefix (max_output_tokens, 24) of the workloads.
export const MAX_POSITIONS = 64;

export const isDecodeWorkload = (name) => String(name).startsWith('decode_');

// { architecture, config, vocabSrc, vocabTgt, tensors: { name: { shape, data: Float32Array } }, t(name) }
export function parseSafetensors(bytes, source = 'model file') {
  const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  if (u8.length < 8) throw new Error(`${source}: ${u8.length} bytes, not a safetensors file`);
  const view = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
  const n = Number(view.getBigUint64(0, true));
  if (8 + n > u8.length) throw new Error(`${source}: header of ${n} bytes past the end (${u8.length})`);
  const header = JSON.parse(new TextDecoder().decode(u8.subarray(8, 8 + n)));
  const meta = header.__metadata__ || {};
  const base = 8 + n;
  const tensors = {};
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    if (info.dtype !== 'F32') throw new Error(`${source}: tensor ${name} is ${info.dtype}, expected F32`);
    const [begin, end] = info.data_offsets;
    const count = info.shape.reduce((p, d) => p * d, 1);
    if (end - begin !== 4 * count || base + end > u8.length) throw new Error(`${source}: tensor ${name}: bad data_offsets`);
    const data = new Float32Array(count);  // copied: the data need not be 4-byte aligned in the file
    const dv = new DataView(u8.buffer, u8.byteOffset + base + begin, 4 * count);
    for (let i = 0; i < count; ++i) data[i] = dv.getFloat32(4 * i, true);
    tensors[name] = { shape: info.shape, data };
  }
  const json = (key) => (meta[key] === undefined ? undefined : JSON.parse(meta[key]));
  const model = {
    source, architecture: meta.architecture, config: json('config'), vocabSrc: json('vocab_src'), vocabTgt: json('vocab_tgt'),
    tensors,
    t(name) {
      const x = tensors[name];
      if (!x) throw new Error(`${source}: no tensor ${name}`);
      return x;
    },
    has: (name) => name in tensors,
  };
  if (model.architecture !== 'seq2seq_lstm' && model.architecture !== 'transformer')
    throw new Error(`${source}: architecture ${model.architecture}: the benchmark's peers run seq2seq_lstm and transformer`);
  return model;
}

// The shapes a decode needs, from the config (src/models/seq2seq_lstm.h, transformer.h legends).
export function dims(model) {
  const c = model.config;
  const Vt = model.vocabTgt.length;
  if (model.architecture === 'transformer') {
    return { kind: 'transformer', d: c.d_model, heads: c.heads, dh: c.d_model / c.heads, F: c.ff_hidden,
             encLayers: c.encoder_layers, decLayers: c.decoder_layers, Vt, start: SOS };
  }
  const bahdanau = c.style === 'bahdanau';
  const Hk = c.bidirectional ? 2 * c.hidden : c.hidden;
  return { kind: bahdanau ? 'bahdanau' : 'statquest', E: c.embed, H: c.hidden, L: c.layers, S: c.decoder_hidden,
           Hk, Da: c.attention_dim, O: c.output_hidden, bidirectional: c.bidirectional, Vt,
           start: bahdanau ? SOS : EOS };  // StatQuest's decoder starts from <EOS>, as in the video
}

// Sinusoidal positions [T, D] as src/nn/positional.cpp computes them: in double, then rounded to float.
export function sinusoidalPositions(T, D, base = 10000) {
  const pe = new Float32Array(T * D);
  for (let d = 0; d < D; ++d) {
    const twoI = d - (d % 2);
    const inv = Math.pow(base, -twoI / D);
    for (let pos = 0; pos < T; ++pos) pe[pos * D + d] = d % 2 === 0 ? Math.sin(pos * inv) : Math.cos(pos * inv);
  }
  return pe;
}

// The first index of the largest value (std::max_element), as the engine chooses a token.
export function argmax(a, offset = 0, n = a.length - offset) {
  let best = offset;
  for (let i = offset + 1; i < offset + n; ++i) if (a[i] > a[best]) best = i;
  return best - offset;
}

// The token of every row of concatenated logits [steps, Vt].
export function tokensOf(logits, Vt) {
  const out = [];
  for (let r = 0; r * Vt < logits.length; ++r) out.push(argmax(logits, r * Vt, Vt));
  return out;
}
