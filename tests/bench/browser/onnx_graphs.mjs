// onnx_graphs.mjs: builds, in node and at bench time, the ONNX graphs ONNX Runtime Web runs for the
// browser benchmark: the same computations as src/models/workloads.h, with the workload's weights
// (inputs.mjs, identical to the engine's) as initializers and X as the one graph input. Standard
// opset-17 operators only (Gemm, Reshape, Transpose, MatMul, Mul, Softmax, Tanh): ONNX Runtime is
// free to fuse them as it would for any exported model. Uses npm onnx-proto (no Python).
// Test: run.mjs --quick (tests/e2e/webgpu.test.mjs) checks ONNX Runtime's output against our scalar path.
import { createRequire } from 'node:module';
import { generateInputs, parseWorkload } from './inputs.mjs';

const { onnx } = createRequire(import.meta.url)('onnx-proto');
const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT64 = onnx.TensorProto.DataType.INT64;

function floatTensor(name, shape, data) {
  return onnx.TensorProto.create({ name, dims: shape, dataType: FLOAT,
                                   rawData: Buffer.from(data.buffer, data.byteOffset, data.byteLength) });
}
function int64Tensor(name, values) {
  const data = BigInt64Array.from(values.map(BigInt));
  return onnx.TensorProto.create({ name, dims: [values.length], dataType: INT64, rawData: Buffer.from(data.buffer) });
}
function node(opType, inputs, outputs, attributes = {}) {
  const attribute = Object.entries(attributes).map(([name, v]) => (Array.isArray(v)
    ? { name, ints: v, type: onnx.AttributeProto.AttributeType.INTS }
    : { name, i: v, type: onnx.AttributeProto.AttributeType.INT }));
  return onnx.NodeProto.create({ opType, input: inputs, output: outputs, attribute, name: outputs[0] });
}
function valueInfo(name, shape) {
  return onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType: FLOAT,
    shape: { dim: shape.map((d) => ({ dimValue: d })) } } } });
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

// The serialized ModelProto of a workload (Uint8Array).
export function buildOnnxModel(name) {
  const w = parseWorkload(name);
  const inputs = generateInputs(name);
  const g = w.kind === 'mha' ? mhaGraph(w, inputs) : poolGraph(w, inputs);
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    producerName: 'attention-step-by-step tests/bench/browser',
    graph: onnx.GraphProto.create({ name, node: g.nodes, initializer: g.init, input: [g.input], output: [g.output] }),
  });
  return onnx.ModelProto.encode(model).finish();
}
