// gpu_port_web.h: the page's GpuPort (views/gpu_port.h), over the WebGPU backend in src/gpu (wasm
// build only). Not the backend itself. Test: tests/e2e/webgpu.test.mjs.
#pragma once

#include "views/gpu_port.h"

namespace attn::app {

views::GpuPort& web_gpu_port();

}  // namespace attn::app
