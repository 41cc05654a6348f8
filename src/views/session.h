// session.h: everything on screen, as plain C++: models, lab, backend choice, notices, the shell's GPU,
// and each other view's state in a registry keyed by its type (a new view adds no member here). The app
// updates it, src/ui draws it (const) and returns intents, applied after the draw. Not the shell (app.h).
// Test: tests/unit/test_views_intents.cpp, tests/unit/test_views_lab.cpp.
#pragma once

#include "views/backend.h"
#include "views/gpu_port.h"
#include "views/keys.h"
#include "views/lab.h"
#include "views/lab_gpu.h"
#include "views/model_store.h"

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace attn::views {

struct Session;

// One thing a window asked for while it was drawn (a click, a slider), bound to its view's apply step.
// Drawing only collects them; the shell applies them once the frame is drawn, before the next update.
using Intent = std::function<void(Session&)>;
using Intents = std::vector<Intent>;

struct Session {
    explicit Session(std::string models_dir = "") : store(std::move(models_dir)) {}
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    ModelStore store;
    Lab lab;                           // read by the Translate and Heads views, the URL state and the API
    BackendState backend;              // the Backend view (Scalar / SIMD / WebGPU / Auto), read by lab_gpu
    LabGpu lab_gpu;                    // the lab's numbers from the chosen backend (lab_gpu.h)
    GpuPort* gpu = &native_gpu_port(); // the page's port on the web (set by the shell)
    std::vector<std::string> notices;  // shown once at the top (e.g. a broken URL hash fell back to defaults)
    long frame = 0;

    // A view's own state (e.g. SensorViewState), made by its default constructor on first use and kept
    // for the session's life. The const form makes it too when absent (drawing before the first update
    // sees a fresh state, as a member would be), hence the mutable registry.
    template <class V> V& view() { return const_cast<V&>(static_cast<const Session&>(*this).view<V>()); }
    template <class V> const V& view() const {
        std::shared_ptr<void>& slot = views_[key<V>()];
        if (!slot) slot = std::make_shared<V>();
        return *static_cast<const V*>(slot.get());
    }

private:
    // One address per state type (a function-local static of an inline template is one object program-wide).
    template <class V> static const void* key() {
        static const char k = 0;
        return &k;
    }
    mutable std::map<const void*, std::shared_ptr<void>> views_;
};

}  // namespace attn::views
