// translator.cpp: see translator.h.
#include "models/translator.h"

#include "core/rng.h"

#include <cmath>
#include <string>

namespace attn {

std::string normalizer_note(Normalizer n, int top_k, const TrainedNormalizer& trained) {
    return normalizer_said(n, top_k, trained).text;
}

Said normalizer_said(Normalizer n, int top_k, const TrainedNormalizer& trained) {
    const NormalizerInfo& row = normalizer_info(n);
    if (n == trained.normalizer && (!row.uses_k || top_k == trained.top_k)) return {};
    const bool soft = trained.normalizer == Normalizer::Soft;
    const NormalizerInfo& was = normalizer_info(trained.normalizer);
    // How it was trained, as words: the label (an id of the strings table) and, for top-k, its k (top-k's
    // label reads the same in every language of the table, so the plain text serves them all).
    const std::string was_words = was.uses_k ? std::string(was.label) + " (k = " + std::to_string(trained.top_k) + ")"
                                             : std::string(was.label);
    const std::string was_arg = was.uses_k ? was_words : "@norm." + std::string(was.name) + ".label";
    Said s;
    s.text = std::string(row.label) + (row.uses_k ? " (k = " + std::to_string(top_k) + ")" : "") + " attention (" +
             row.summary + "): the model was trained with " + was_words + " attention; " + row.name + " is shown untrained";
    // the label and summary are rows of the strings table too ("@" marks an argument that is an id)
    const std::string norm = std::string("@norm.") + row.name;
    s.id = std::string("note.engine.normalizer") + (soft ? "" : "_as_trained") + (row.uses_k ? "_k" : "");
    s.args = {norm + ".label"};
    if (row.uses_k) s.args.push_back(std::to_string(top_k));
    s.args.push_back(norm + ".summary");
    if (!soft) s.args.push_back(was_arg);
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
