// backend_window.h: the Backend view's window (the choice, the workload, Auto's measurements, the last
// result, the GPU self-check button). It draws a views::BackendState and returns what the user asked for;
// it runs nothing (views/backend.cpp does, in the update phase). The .cpp also holds the view's row.
// Test: tests/e2e/webgpu.test.mjs (clicks the choices, reads attn.backend()).
#pragma once

#include "views/backend.h"

namespace attn::ui {

// Below the view bar at height top.
views::BackendIntents draw_backend_window(const views::BackendState& b, const views::GpuInfo& gpu, float top);

}  // namespace attn::ui
