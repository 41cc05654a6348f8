// lib/activations.wgsl: sigmoid and tanh without overflow, for every shader that says
// "// uses: lib/activations.wgsl" (src/gpu/embed_shaders.cmake appends this file to it).
// exp is taken of non-positive arguments only: WGSL implementations may assume that no infinities
// occur, so 1 / (1 + exp(-x)) with exp(-x) = inf is not safe to rely on, and WGSL's tanh may be
// computed from sinh/cosh, which overflow for |x| > 89. Near 0, tanh is a series, where
// 1 - exp(-2|x|) would lose its relative precision.

fn sigmoid_stable(x: f32) -> f32 {
  let e = exp(-abs(x));
  return select(e / (1.0 + e), 1.0 / (1.0 + e), x >= 0.0);
}

fn tanh_stable(x: f32) -> f32 {
  let ax = abs(x);
  if (ax < 0.0625) {
    let x2 = x * x;
    return x * (1.0 + x2 * (-1.0 / 3.0 + x2 * (2.0 / 15.0 - x2 * (17.0 / 315.0))));
  }
  let e = exp(-2.0 * ax);
  let t = (1.0 - e) / (1.0 + e);
  return select(-t, t, x >= 0.0);
}
