// session.h: everything on screen, as plain C++: the models, the lab, every view's state, the backend
// choice, the notices, and the GPU as the shell gives it. The app's frame updates it, then the panels
// in src/ui draw it; window.attn's answers read and change it. Not the shell (app/app.h adds the page's
// habits and the main loop). Test: tests/unit/test_views_lab.cpp.
#pragma once

#include "views/backend.h"
#include "views/gpu_port.h"
#include "views/lab.h"
#include "views/lab_gpu.h"
#include "views/model_store.h"
#include "views/seed001_view.h"
#include "views/view_states.h"

#include <string>
#include <vector>

namespace attn::views {

struct Session {
    explicit Session(std::string models_dir = "") : store(std::move(models_dir)) {}
    ModelStore store;
    Lab lab;
    Seed001ViewState seed001;
    Views views;                       // the heads, gallery and sensor views (view_states.h)
    BackendState backend;              // the Backend view (Scalar / SIMD / WebGPU / Auto)
    BackendIntents backend_asked;      // what its window asked for, applied at the next frame's start
    LabGpu lab_gpu;                    // the lab's numbers from the chosen backend (lab_gpu.h)
    GpuPort* gpu = &native_gpu_port(); // the page's port on the web (set by the shell)
    std::vector<std::string> notices;  // shown once at the top (e.g. a broken URL hash fell back to defaults)
    long frame = 0;
};

}  // namespace attn::views
