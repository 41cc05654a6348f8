// attention_gallery.cpp: see attention_gallery.h. Every weight below comes out of attention_forward,
// self_attention_forward or multihead_self_attention_forward with a Trace; this file only chooses the
// inputs and words, and summarizes what the traces show in each hallmark line.
#include "models/attention_gallery.h"

#include "core/rng.h"
#include "nn/attention.h"
#include "nn/attention_multihead.h"
#include "nn/attention_scores.h"
#include "nn/normalizers.h"

#include <algorithm>
#include <functional>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <stdexcept>

namespace attn {

namespace {

std::string format(const char* fmt, ...) {
    char buf[512];
    va_list args;
    va_start(args, fmt);
    std::vsnprintf(buf, sizeof buf, fmt, args);
    va_end(args);
    return buf;
}

Mat sentence_matrix(const std::vector<std::string>& words, int d) {
    Mat X(static_cast<int>(words.size()), d);
    for (size_t i = 0; i < words.size(); ++i) X.row(static_cast<int>(i)) = gallery_word_vector(words[i], d);
    return X;
}

AttentionTrace take_single(Trace& trace) {
    if (trace.calls.size() != 1) throw std::logic_error("attention_gallery: expected one traced call");
    return std::move(trace.calls.front());
}

// One traced attention call of q[Tq, d] over K = V = keys.
AttentionTrace traced_call(const AttentionOptions& o, const ScoreWeights& w, const Mat& q, const Mat& keys,
                           const char* form = "cross") {
    Trace trace;
    attention_forward(o, w, q, keys, keys, nullptr, &trace, TraceTag{form, 0, 0});
    return take_single(trace);
}

int argmax_row(const Mat& m, int row) {
    int best = 0;
    for (int j = 1; j < m.cols(); ++j)
        if (m(row, j) > m(row, best)) best = j;
    return best;
}

const std::vector<std::string> kSpanish = {"el", "gato", "se", "sentó", "en", "la", "alfombra"};
// Which English word (position in the sentence) each Spanish word translates.
const int kSpanishAlignedTo[] = {0, 1, 2, 2, 3, 4, 5};

}  // namespace

const std::vector<std::string>& gallery_sentence() {
    static const std::vector<std::string> words = {"the", "cat", "sat", "on", "the", "mat"};
    return words;
}

Mat gallery_word_vector(const std::string& word, int d) {
    Rng rng(seed_from_name("gallery/" + std::to_string(d) + "/" + word));
    Mat v = rng.normal_mat(1, d);
    // Every word the same length, sqrt(d) (the expected length of a N(0, 1) vector): then a query
    // equal to a word's vector scores that word highest, whatever the lengths the draw happened to give.
    return v * (std::sqrt(static_cast<float>(d)) / v.norm());
}

void check_gallery_options(const GalleryOptions& o) {
    const int T = static_cast<int>(gallery_sentence().size());
    if (o.query_word < 0 || o.query_word >= T)
        throw std::invalid_argument("attention_gallery: query_word " + std::to_string(o.query_word) +
                                    " is not a word of the sentence (0.." + std::to_string(T - 1) + ")");
    if (!std::isfinite(o.temperature) || o.temperature <= 0.0f)
        throw std::invalid_argument("attention_gallery: temperature must be finite and > 0");
    if (o.window < 0) throw std::invalid_argument("attention_gallery: window must be >= 0");
}

// k for the top-k example: at least k, grown past ties. The sentence says "the" twice, so two keys can
// score alike; which of two equal keys a top-k keeps would then hang on rounding (the scalar and SIMD
// paths sum in different orders), and the example would teach nothing about it.
static int k_past_ties(const Mat& scaled, int k) {
    std::vector<float> s;  // row 0: the asking word
    for (Eigen::Index j = 0; j < scaled.cols(); ++j) s.push_back(scaled(0, j));
    std::sort(s.begin(), s.end(), std::greater<float>());
    const auto alike = [](float a, float b) { return std::fabs(a - b) <= 1e-4f * std::max(1.0f, std::fabs(a)); };
    while (k < static_cast<int>(s.size()) && alike(s[k - 1], s[k])) ++k;
    return k;
}

Gallery attention_gallery(const GalleryOptions& o) {
    check_gallery_options(o);
    Gallery g;
    g.options = o;
    g.words = gallery_sentence();
    const std::vector<std::string>& words = g.words;
    const int T = static_cast<int>(words.size()), d = kGalleryDim;
    const Mat X = sentence_matrix(words, d);  // [T, d]: keys and values of every example but two
    const Mat q = X.row(o.query_word);        // [1, d]: the asking word's own vector
    const std::string asker = words[o.query_word];
    const std::vector<std::string> asker_row = {asker};

    AttentionOptions base;  // scaled dot product, softmax, nothing masked
    base.backend = o.backend;

    // ---- soft
    {
        AttentionOptions so = base;
        so.temperature = o.temperature;
        GalleryExample ex;
        ex.id = "soft";
        ex.title = say("gallery.soft.title", "Soft attention");
        ex.explanation = say("gallery.soft.explanation",
            "Soft attention gives every word a share of the focus. The query (here the vector of '%s"
            "') is compared with each word's key, a softmax turns the scores into weights, and the result is a "
            "weighted average of all the words' values. No word is ever completely ignored, and because every "
            "step is smooth, a model learns these weights by gradient descent. Used in translation, image "
            "captioning and speech recognition. The temperature divides the scores first: below 1 the weights "
            "sharpen, above 1 they flatten.", {asker});
        GalleryPanel p{say("gallery.cap.asks", "'%s' asks every word", {asker}), asker_row, words, traced_call(so, {}, q, X)};
        const Mat& w = p.trace.weights;
        int low = 0;
        for (int j = 1; j < T; ++j) if (w(0, j) < w(0, low)) low = j;
        ex.hallmark = say("gallery.soft.hallmark", "every word gets some weight (the smallest: %s on '%s'); the weights sum to %s",
                          {format("%.4f", w(0, low)), words[low], format("%.6f", w.row(0).sum())});
        ex.panels.push_back(std::move(p));
        g.types.push_back(std::move(ex));
    }
    // ---- hard: the same query, keys and scores; one-hot instead of the softmax
    {
        AttentionOptions ho = base;
        ho.normalizer = Normalizer::Hard;
        GalleryExample ex;
        ex.id = "hard";
        ex.title = say("gallery.hard.title", "Hard attention");
        ex.explanation = say("gallery.hard.explanation",
            "Hard attention makes a yes-or-no choice: it picks the one best-matching word and ignores the rest "
            "completely. Same query, keys and scores as soft attention above, but instead of the softmax the "
            "whole weight goes to the highest score, so the result is that one word's value, untouched. A "
            "choice has no gradient, so models with hard attention are trained with tricks such as sampling.");
        GalleryPanel p{say("gallery.cap.picks", "'%s' picks one word", {asker}), asker_row, words, traced_call(ho, {}, q, X)};
        const int best = argmax_row(p.trace.scores, 0);
        ex.hallmark = say("gallery.hard.hallmark",
                          "all the weight (%s) on '%s', the highest score (%s); every other word gets exactly 0",
                          {format("%.0f", p.trace.weights(0, best)), words[best], format("%.4f", p.trace.scores(0, best))});
        ex.panels.push_back(std::move(p));
        g.types.push_back(std::move(ex));
    }
    // ---- self: seed 004's SelfAttention (learned projections, untrained: drawn from a fixed seed)
    Rng self_rng(seed_from_name("gallery/self"));
    const SelfAttention self_params = self_attention_init(self_rng, d);
    {
        GalleryExample ex;
        ex.id = "self";
        ex.title = say("gallery.self.title", "Self-attention");
        ex.explanation = say("gallery.self.explanation",
            "Self-attention compares a sentence with itself: every word asks a question (its query) of every "
            "word (their keys) of the same sentence, so each word's new vector mixes in the words that matter "
            "to it, near or far, as 'dog' and 'field' in \"The dog ran across the field\". Queries, keys and "
            "values are three learned projections of the same word vectors (seed 004's SelfAttention; untrained "
            "here, so the pattern itself means nothing yet). BERT and GPT are built from it.");
        Trace trace;
        self_attention_forward(self_params, base, X, nullptr, &trace);
        GalleryPanel p{say("gallery.cap.every", "every word asks every word"), words, words, take_single(trace)};
        double worst = 0;
        for (int i = 0; i < T; ++i) worst = std::max(worst, std::fabs(double(p.trace.weights.row(i).sum()) - 1.0));
        ex.hallmark = say("gallery.self.hallmark",
                          "queries and keys are the same %s words: a %s x %s table, every row sums to 1 (largest error %s)",
                          {std::to_string(T), std::to_string(T), std::to_string(T), format("%.1e", worst)});
        ex.panels.push_back(std::move(p));
        g.types.push_back(std::move(ex));
    }
    // ---- multi-head: 2 heads of width 4 over the same sentence
    {
        Rng rng(seed_from_name("gallery/multi_head"));
        const MultiHeadAttention mha = multihead_init(rng, d, 2);
        GalleryExample ex;
        ex.id = "multi_head";
        ex.title = say("gallery.multi_head.title", "Multi-head attention");
        ex.explanation = say("gallery.multi_head.explanation",
            "Multi-head attention runs several self-attentions side by side, each on its own slice of the "
            "vectors (here 2 heads of 4 numbers each), so each head can follow a different relationship: in "
            "\"The cat sat on the mat\" one head might link 'cat' with 'sat', another 'on' with 'mat'. The "
            "heads' outputs are put side by side and mixed by one more learned projection. Untrained here: the "
            "point is that the two tables differ.");
        Trace trace;
        multihead_self_attention_forward(mha, base, X, nullptr, &trace);
        for (AttentionTrace& t : trace.calls) {
            Said caption = say("gallery.cap.head", "head %s", {std::to_string(t.head)});
            ex.panels.push_back({std::move(caption), words, words, std::move(t)});
        }
        const Mat diff = (ex.panels[0].trace.weights - ex.panels[1].trace.weights).cwiseAbs();
        Eigen::Index r = 0, c = 0;
        diff.maxCoeff(&r, &c);
        ex.hallmark = say("gallery.multi_head.hallmark",
                          "%s heads, %s different tables: they disagree most on '%s' -> '%s' (%s vs %s)",
                          {std::to_string(mha.heads), std::to_string(mha.heads), words[r], words[c],
                           format("%.3f", ex.panels[0].trace.weights(r, c)), format("%.3f", ex.panels[1].trace.weights(r, c))});
        g.types.push_back(std::move(ex));
    }
    // ---- cross: Spanish queries over the English sentence
    {
        Rng rng(seed_from_name("gallery/cross"));
        Mat Q(static_cast<int>(kSpanish.size()), d);
        for (size_t i = 0; i < kSpanish.size(); ++i)  // near the vector of the English word it translates
            Q.row(static_cast<int>(i)) = X.row(kSpanishAlignedTo[i]) + 0.35f * rng.normal_mat(1, d);
        GalleryExample ex;
        ex.id = "cross";
        ex.title = say("gallery.cross.title", "Cross-attention");
        ex.explanation = say("gallery.cross.explanation",
            "Cross-attention connects two different sequences: the queries come from one (the Spanish words a "
            "translator writes) and the keys and values from the other (the English sentence it reads). Each "
            "Spanish word looks for the English words that matter to it, as 'chien' finds 'dog'. The Spanish "
            "vectors here are made near their English counterparts, so the alignment shows without training. "
            "Look at 'la': both 'the' have the same vector, so without positions it cannot tell them apart.");
        GalleryPanel p{say("gallery.cap.cross", "Spanish (rows) reads English (columns)"), kSpanish, words,
                       traced_call(base, {}, Q, X)};
        const int gato = 1, cat = argmax_row(p.trace.weights, gato);
        ex.hallmark = say("gallery.cross.hallmark", "%s Spanish queries x %s English keys: 'gato' puts %s on '%s'",
                          {std::to_string(kSpanish.size()), std::to_string(T), format("%.3f", p.trace.weights(gato, cat)),
                           words[cat]});
        ex.panels.push_back(std::move(p));
        g.types.push_back(std::move(ex));
    }
    // ---- scaled dot-product: wide vectors, without and with 1/sqrt(d)
    {
        const int D = kGalleryWideDim;
        const Mat Xw = sentence_matrix(words, D);
        Rng rng(seed_from_name("gallery/scaled_dot/query"));
        // a decoder state leaning toward 'sat': a quarter of its vector plus noise
        const Mat qw = 0.25f * Xw.row(2) + rng.normal_mat(1, D);
        AttentionOptions raw = base;
        raw.score = ScoreFn::Dot;  // Scaling::Auto: a plain dot product is not scaled
        GalleryExample ex;
        ex.id = "scaled_dot";
        ex.title = say("gallery.scaled_dot.title", "Scaled dot-product attention");
        ex.explanation = say("gallery.scaled_dot.explanation",
            "Scaled dot-product attention scores a query against each key with their dot product, then divides "
            "by the square root of the vector width before the softmax. With wide vectors (here 64 numbers "
            "each) raw dot products are large, so the softmax would put nearly all the weight on one key and "
            "learning would stall; dividing by sqrt(64) = 8 keeps the weights spread out. It is the attention "
            "of the Transformer, BERT and GPT.");
        ex.panels.push_back({say("gallery.cap.unscaled", "without scaling: q . k"), {"state"}, words,
                             traced_call(raw, {}, qw, Xw)});
        ex.panels.push_back({say("gallery.cap.scaled", "scaled: q . k / sqrt(%s)", {std::to_string(D)}), {"state"}, words,
                             traced_call(base, {}, qw, Xw)});
        ex.hallmark = say("gallery.scaled_dot.hallmark",
                          "the largest weight is %s without the scaling and %s with it (x %s = 1/sqrt(%s))",
                          {format("%.3f", ex.panels[0].trace.weights.maxCoeff()),
                           format("%.3f", ex.panels[1].trace.weights.maxCoeff()), format("%.3f", ex.panels[1].trace.scale),
                           std::to_string(D)});
        g.types.push_back(std::move(ex));
    }
    // ---- location-based: the same query over the sentence and over it reversed
    {
        Rng rng(seed_from_name("gallery/location"));
        const ScoreWeights loc = score_weights_init(rng, ScoreFn::Location, d, d, 0, T);
        AttentionOptions lo = base;
        lo.score = ScoreFn::Location;
        std::vector<std::string> reversed(words.rbegin(), words.rend());
        const Mat Xr = sentence_matrix(reversed, d);
        GalleryExample ex;
        ex.id = "location";
        ex.title = say("gallery.location.title", "Location-based attention");
        ex.explanation = say("gallery.location.explanation",
            "Location-based attention decides where to look from the query alone: a learned layer turns the "
            "query into one score per position, without reading what the keys contain. Here the same query "
            "reads the sentence forwards and backwards: the weight of each position is exactly the same, while "
            "the words they land on differ. Useful when position itself matters, as in speech recognition, "
            "where the next sound follows the last one.");
        ex.panels.push_back({say("gallery.cap.over", "'%s' over the sentence", {asker}), asker_row, words,
                             traced_call(lo, loc, q, X)});
        ex.panels.push_back({say("gallery.cap.reversed", "the same query, words reversed"), asker_row, reversed,
                             traced_call(lo, loc, q, Xr)});
        const float diff = (ex.panels[0].trace.weights - ex.panels[1].trace.weights).cwiseAbs().maxCoeff();
        const int top = argmax_row(ex.panels[0].trace.weights, 0);
        ex.hallmark = say("gallery.location.hallmark",
                          "the same weights for both word orders (largest difference %s); position %s gets %s, on '%s' or on '%s'",
                          {format("%g", diff), std::to_string(top), format("%.3f", ex.panels[0].trace.weights(0, top)),
                           words[top], reversed[top]});
        g.types.push_back(std::move(ex));
    }
    // ---- global vs local window: the self-attention above, without and with a window mask
    {
        AttentionOptions local = base;
        local.mask = MaskKind::Window;
        local.window = o.window;
        GalleryExample ex;
        ex.id = "global_local";
        ex.title = say("gallery.global_local.title", "Global vs local attention");
        // one row per number of positions ("1 position", "2 positions"): the plural differs by language
        ex.explanation = o.window == 1
            ? say("gallery.global_local.explanation_one",
                  "Global attention lets every word attend to every word of the sentence. Local attention limits "
                  "each word to a window of neighbours (here at most %s position away): the other scores are masked "
                  "to minus infinity before the softmax, so their weights are exactly 0. Windows make long sequences "
                  "cheaper and keep the focus on nearby context. Both tables come from the same self-attention; only "
                  "the mask differs.", {std::to_string(o.window)})
            : say("gallery.global_local.explanation",
                  "Global attention lets every word attend to every word of the sentence. Local attention limits "
                  "each word to a window of neighbours (here at most %s positions away): the other scores are masked "
                  "to minus infinity before the softmax, so their weights are exactly 0. Windows make long sequences "
                  "cheaper and keep the focus on nearby context. Both tables come from the same self-attention; only "
                  "the mask differs.", {std::to_string(o.window)});
        Trace global_trace, local_trace;
        self_attention_forward(self_params, base, X, nullptr, &global_trace);
        self_attention_forward(self_params, local, X, nullptr, &local_trace);
        ex.panels.push_back({say("gallery.cap.global", "global: every word"), words, words, take_single(global_trace)});
        ex.panels.push_back({say("gallery.cap.local", "local: window %s", {std::to_string(o.window)}), words, words,
                             take_single(local_trace)});
        int zeros_local = 0, zeros_global = 0, outside = 0;
        for (int i = 0; i < T; ++i)
            for (int j = 0; j < T; ++j) {
                zeros_global += ex.panels[0].trace.weights(i, j) == 0.0f;
                zeros_local += ex.panels[1].trace.weights(i, j) == 0.0f;
                outside += std::abs(i - j) > o.window;
            }
        ex.hallmark = say("gallery.global_local.hallmark",
                          "local: %s of %s weights are exactly 0 (the %s pairs with |i - j| > %s); global: %s",
                          {std::to_string(zeros_local), std::to_string(T * T), std::to_string(outside),
                           std::to_string(o.window), std::to_string(zeros_global)});
        g.types.push_back(std::move(ex));
    }

    // ---- every other normalizer of the table (nn/normalizers.h) on soft attention's query, keys and
    // scores: a row added to the table appears here with its own title and explanation.
    for (const NormalizerInfo& row : normalizers()) {
        const bool shown = std::any_of(g.types.begin(), g.types.end(), [&](const GalleryExample& e) { return e.id == row.name; });
        if (shown) continue;
        AttentionOptions no = base;
        no.temperature = o.temperature;
        no.normalizer = row.id;
        no.top_k = row.uses_k ? k_past_ties(traced_call(base, {}, q, X).scaled, 2) : 2;
        GalleryExample ex;
        ex.id = row.name;
        // its texts are rows of the strings table named after the normalizer ("gallery.top_k.title")
        const std::string key = std::string("gallery.") + row.name;
        ex.title = say((key + ".title").c_str(), row.title);
        ex.explanation = row.uses_k
            ? say((key + ".explanation").c_str(),
                  (std::string(row.explanation) + " Same query, keys and scores as soft attention above, with k = %s.").c_str(),
                  {std::to_string(no.top_k)})
            : say((key + ".explanation").c_str(),
                  (std::string(row.explanation) + " Same query, keys and scores as soft attention above.").c_str());
        Said caption{"'" + asker + "' asks every word (" + row.label + ")", "gallery.cap.asks_with",
                     {asker, std::string("@norm.") + row.name + ".label"}};
        GalleryPanel p{std::move(caption), asker_row, words, traced_call(no, {}, q, X)};
        const Mat& w = p.trace.weights;
        const int zeros = static_cast<int>((w.row(0).array() == 0.0f).count());
        const int best = argmax_row(w, 0);
        ex.hallmark = say("gallery.normalizer.hallmark",
                          "%s of %s words get exactly 0; the largest weight %s on '%s'; the weights sum to %s",
                          {std::to_string(zeros), std::to_string(T), format("%.4f", w(0, best)), words[best],
                           format("%.6f", w.row(0).sum())});
        ex.panels.push_back(std::move(p));
        g.types.push_back(std::move(ex));
    }

    // ---- the score functions on the same query and keys
    for (const ScoreFnInfo& s : score_fns()) {
        if (!s.in_gallery) continue;
        Rng rng(seed_from_name(std::string("gallery/score/") + s.name));
        const ScoreWeights w = s.init(rng, d, d, d, T);
        AttentionOptions so = base;
        so.score = s.id;  // Scaling::Auto: only scaled_dot divides by sqrt(d)
        GalleryScore gs;
        gs.fn = s.name;
        gs.formula = s.formula;
        gs.note = s.note;
        gs.parameters = w.parameter_count();
        gs.trace = traced_call(so, w, q, X);
        g.scores.push_back(std::move(gs));
    }
    return g;
}

}  // namespace attn
