// seed001_view.cpp: see seed001_view.h.
#include "views/seed001_view.h"

#include "models/seed_examples.h"

namespace attn::views {

void seed001_init(Seed001ViewState& v) {
    v.trace = seed001_scaled_dot_example(Backend::Simd);
    ++v.runs;
    v.stepper.set_stage_count(kSeed001StageCount);
    v.stepper.seek(0);
}

}  // namespace attn::views
