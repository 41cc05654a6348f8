// normalizers.h: Stage 5's table, every way the scaled and masked scores become weights (soft, hard,
// top-k, ...), one row each: its name, what the page says about it, its forward and backward, and
// which fast paths it has. Parsers, the lab's tweak control, the URL state, the JSON API, the gallery,
// the GPU decode and the tests read this table; a new normalizer is a row here and its functions in
// normalizers.cpp. Not the scores, scale or mask (attention.h). Test: tests/unit/test_normalizers.cpp.
//
// Dimension legend
//   Tq, Tk   rows (queries) and columns (keys) of the logits and weights
#pragma once

#include "core/tensor.h"
#include "kernels/kernels.h"

#include <string>
#include <vector>

namespace attn {

// Stage 5: how scores become weights. The values index kNormalizers (normalizers()).
enum class Normalizer : int {
    Soft = 0,  // softmax: every key gets some weight (seed 001 "soft attention")
    Hard,      // one-hot at the largest score, ties to the lowest index (seed 001 "hard attention")
    TopK,      // softmax over the top_k largest scores only; the others get weight 0
    Sparsemax, // the Euclidean projection onto the simplex (Martins and Astudillo 2016): exact zeros
};

struct NormalizerInfo {
    Normalizer id;
    const char* name;         // "soft": parsers, the URL state (norm=soft), the JSON API, the trace
    const char* label;        // the lab's radio button ("top-k")
    const char* widget;       // the lab's widget id for tests and the tour ("tweak/soft")
    const char* summary;      // one line for the lab's stage 5 and its help marker
    const char* title;        // the gallery's heading ("Top-k attention")
    const char* explanation;  // the gallery's paragraph, in plain words
    bool uses_k;              // reads top_k (the lab shows the k slider; the trace records k)
    bool sparse;              // low scores get exactly 0 (hard, top-k): the page's tests look for the zeros
    // logits[Tq, Tk] (-inf where masked) -> weights[Tq, Tk]: each row sums to 1, or is all 0 when every
    // entry of the row is masked (never NaN). top_k is read only when uses_k.
    Mat (*forward)(const Mat& logits, int top_k, Backend backend);
    // weights[Tq, Tk] (what forward returned), dweights[Tq, Tk] -> dlogits[Tq, Tk].
    Mat (*backward)(const Mat& weights, const Mat& dweights);
    bool simd;     // forward has a SIMD path of its own (else Backend::Simd runs the reference too)
    int gpu_code;  // its branch in normalize_row (shaders/lib/decode.wgsl); -1: no GPU path
};

// Every normalizer, in the order of the enum (the lab and the gallery show them in this order).
const std::vector<NormalizerInfo>& normalizers();
const NormalizerInfo& normalizer_info(Normalizer n);
const char* normalizer_name(Normalizer n);  // normalizer_info(n).name
bool parse_normalizer(const char* name, Normalizer* out);
// "soft, hard, top_k": every name, for messages ("unknown normalizer 'x' (soft, hard, top_k)").
std::string normalizer_names();

// Stage 5 through the table. logits[Tq, Tk] -> weights[Tq, Tk].
Mat normalize_forward(Normalizer n, int top_k, const Mat& logits, Backend backend);
// dweights -> dlogits (see each row's backward in normalizers.cpp).
Mat normalize_backward(Normalizer n, const Mat& weights, const Mat& dweights);

}  // namespace attn
