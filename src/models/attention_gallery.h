// attention_gallery.h: the page's gallery: one small live example of each attention type of seed 001
// (soft, hard, self, multi-head, cross, scaled dot-product, location-based, global vs local window)
// and the score functions (dot, cosine, scaled dot, general, additive) side by side on the same query
// and keys. Each example is a call (or two) of nn/attention*.h on fixed inputs drawn from Rng, traced
// stage by stage; nothing here is trained. Not the drawing (src/ui/gallery_panel.cpp).
// Test: tests/unit/test_attention_gallery.cpp (each example shows what it claims), tests/e2e/views.test.mjs.
//
// Dimension legend
//   T = 6    the sentence "the cat sat on the mat" (keys and values; queries of the self-attention forms)
//   d = 8    word vectors (kGalleryDim);  the scaled dot-product example uses d = 64 (kGalleryWideDim)
//
// Inputs. Each word's vector is drawn from Rng(seed_from_name("gallery/<d>/<word>")) (normal), then scaled
// to length sqrt(d), so the same word has the same vector wherever it appears (both "the" are identical)
// and no word wins a dot product by being long. A query is the vector of one word of the sentence
// (GalleryOptions::query_word), so content-based attention matches that word best.
#pragma once

#include "core/said.h"
#include "core/tensor.h"
#include "kernels/kernels.h"
#include "trace/trace.h"

#include <string>
#include <vector>

namespace attn {

constexpr int kGalleryDim = 8;
constexpr int kGalleryWideDim = 64;

// The gallery's knobs; each change re-runs the examples (they take microseconds).
struct GalleryOptions {
    int query_word = 1;         // which word of the sentence asks (soft, hard, location, score functions)
    float temperature = 1.0f;   // soft attention's temperature (> 0): divides the scaled scores
    int window = 1;             // local attention: a word sees the words at most this far away (>= 0)
    Backend backend = Backend::Scalar;
};
// Throws std::invalid_argument naming the bad field (query_word outside the sentence, temperature not
// finite and > 0, negative window).
void check_gallery_options(const GalleryOptions& o);

// One heatmap of an example: queries (rows) x keys (columns), with the engine's trace of every stage.
// The texts are Said (core/said.h): the English, and a stable id ("gallery.<type id>.title", ...) with its
// arguments for the interface's language.
struct GalleryPanel {
    Said caption;
    std::vector<std::string> query_labels;  // [Tq]
    std::vector<std::string> key_labels;    // [Tk]
    AttentionTrace trace;
};

struct GalleryExample {
    std::string id;           // "soft", "hard", "self", "multi_head", "cross", "scaled_dot", "location", "global_local"
    Said title;        // "Soft attention"
    Said explanation;  // one paragraph in plain words
    Said hallmark;     // what makes it this type, with this example's numbers
    std::vector<GalleryPanel> panels;
};

// One score function on the shared query and keys.
struct GalleryScore {
    std::string fn;        // score_fn_name: "dot", "cosine", "scaled_dot", "general", "additive"
    std::string formula;   // "q . k", ...
    std::string note;      // what sets it apart, in plain words (score_fns' row; "score.<fn>.note" on screen)
    long parameters = 0;   // learned weights of the score function (0 for dot, cosine, scaled dot)
    AttentionTrace trace;  // scores (stage 2), scaled (stage 3), weights (stage 5), context
};

struct Gallery {
    GalleryOptions options;
    std::vector<std::string> words;  // [T] the sentence
    std::vector<GalleryExample> types;
    std::vector<GalleryScore> scores;
};

// Builds every example under o (see check_gallery_options for its errors). Deterministic: the same
// options give the same numbers; Scalar and Simd agree to rounding.
Gallery attention_gallery(const GalleryOptions& o);

// The sentence and the vector of a word at width d (what every example is built from).
const std::vector<std::string>& gallery_sentence();
Mat gallery_word_vector(const std::string& word, int d);  // [1, d]

}  // namespace attn
