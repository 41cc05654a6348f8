// translator.cpp: see translator.h.
#include "models/translator.h"

#include "core/rng.h"

#include <cmath>
#include <string>

namespace attn {

std::string normalizer_note(Normalizer n, int top_k) {
    if (n == Normalizer::Soft) return "";
    const NormalizerInfo& row = normalizer_info(n);
    return std::string(row.label) + (row.uses_k ? " (k = " + std::to_string(top_k) + ")" : "") + " attention (" +
           row.summary + "): the model was trained with soft attention; " + row.name + " is shown untrained";
}

Vec nudge_direction(int dim) {
    Rng rng(seed_from_name("nudge"));
    Vec u(dim);
    for (int i = 0; i < dim; ++i) u[i] = rng.normal();
    return u / u.norm();
}

}  // namespace attn
