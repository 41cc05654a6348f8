// translator.cpp: see translator.h.
#include "models/translator.h"

#include "core/rng.h"

#include <cmath>
#include <string>

namespace attn {

std::string normalizer_note(Normalizer n, int top_k) { return normalizer_said(n, top_k).text; }

Said normalizer_said(Normalizer n, int top_k) {
    if (n == Normalizer::Soft) return {};
    const NormalizerInfo& row = normalizer_info(n);
    Said s;
    s.text = std::string(row.label) + (row.uses_k ? " (k = " + std::to_string(top_k) + ")" : "") + " attention (" +
             row.summary + "): the model was trained with soft attention; " + row.name + " is shown untrained";
    // the label and summary are rows of the strings table too ("@" marks an argument that is an id)
    const std::string norm = std::string("@norm.") + row.name;
    s.id = row.uses_k ? "note.engine.normalizer_k" : "note.engine.normalizer";
    s.args = {norm + ".label"};
    if (row.uses_k) s.args.push_back(std::to_string(top_k));
    s.args.push_back(norm + ".summary");
    s.args.push_back(row.name);
    return s;
}

Vec nudge_direction(int dim) {
    Rng rng(seed_from_name("nudge"));
    Vec u(dim);
    for (int i = 0; i < dim; ++i) u[i] = rng.normal();
    return u / u.norm();
}

}  // namespace attn
