// test_models_seq2seq.cpp: the LSTM encoder-decoder translators (models/seq2seq_lstm.h): the shipped
// models reach their bars and their stored metrics are reproduced; the whole model's gradient matches
// finite differences; training is deterministic; the loader rejects every kind of bad file by name;
// bad input never throws; traces are the vectors the model used, and the lab's tweaks change the run.
#include "core/format_error.h"
#include "core/rng.h"
#include "core/safetensors.h"
#include "models/model_file.h"
#include "models/seq2seq_lstm.h"
#include "nn/loss.h"
#include "train/trainer.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace attn {
namespace {

// ---- helpers ------------------------------------------------------------------------------------------

std::unique_ptr<Seq2SeqLstm> load_shipped(const std::string& name) {
    return load_seq2seq_lstm_model(safetensors_load(std::string(ATTN_ASSETS_DIR) + "/models/" + name + ".safetensors"));
}

// A small model with random weights: fast enough for finite differences and for loader tests.
Seq2SeqConfig tiny_config(Seq2SeqStyle style, int output_hidden) {
    Seq2SeqConfig c;
    c.style = style;
    c.embed = 3;
    c.hidden = 4;
    c.max_source_tokens = 6;
    c.output_hidden = output_hidden;
    if (style == Seq2SeqStyle::StatQuest) {
        c.layers = 2;
        c.decoder_hidden = 4;
    } else {
        c.layers = 1;
        c.bidirectional = true;
        c.decoder_hidden = 5;
        c.attention_dim = 3;
    }
    return c;
}

Seq2SeqLstm tiny_model(const Seq2SeqConfig& c, uint64_t seed) {
    Rng rng(seed);
    Vocab src = Vocab::from_words({"the", "red", "house", "let's", "go", "to"});
    Vocab tgt = Vocab::from_words({"la", "casa", "roja", "vamos", "ir"});
    ModelInfo info;
    info.name = "tiny";
    info.description = "a test model";
    Seq2SeqWeights w = seq2seq_init(rng, c, src.size(), tgt.size());
    return Seq2SeqLstm(info, c, std::move(src), std::move(tgt), std::move(w));
}

std::vector<uint8_t> bytes_of(const Seq2SeqLstm& m) { return safetensors_serialize(seq2seq_to_file(m)); }

// The loader's message for a file, or "" when it loads.
std::string load_error(const SafetensorsFile& f) {
    try {
        const std::vector<uint8_t> bytes = safetensors_serialize(f);
        load_seq2seq_lstm(safetensors_parse(bytes.data(), bytes.size(), f.source));
    } catch (const FormatError& e) {
        return e.what();
    }
    return "";
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

bool any_note(const Translation& t, const std::string& part) {
    for (const std::string& n : t.notes)
        if (contains(n, part)) return true;
    return false;
}

int argmax_row(const Mat& weights) {
    Eigen::Index j = 0;
    weights.row(0).maxCoeff(&j);
    return static_cast<int>(j);
}

std::string row_text(const Mat& weights) {
    std::string s = "[";
    for (long j = 0; j < weights.cols(); ++j) {
        char buf[16];
        std::snprintf(buf, sizeof buf, "%s%.2f", j ? " " : "", weights(0, j));
        s += buf;
    }
    return s + "]";
}

// The attention row of the decoder step that emits output word `t`.
const AttentionTrace& step_trace(const Translation& tr, size_t t) {
    EXPECT_LT(t, tr.steps.size());
    EXPECT_EQ(tr.steps[t].attention.size(), 1u);
    return tr.steps[t].attention.at(0);
}

// ---- config, tensors ------------------------------------------------------------------------------------

TEST(Seq2Seq, ConfigRoundTripsAndRejectsBadValuesByKey) {
    for (Seq2SeqStyle style : {Seq2SeqStyle::StatQuest, Seq2SeqStyle::Bahdanau}) {
        const Seq2SeqConfig c = tiny_config(style, 5);
        const Seq2SeqConfig back = Seq2SeqConfig::from_json(c.to_json(), "cfg");
        EXPECT_EQ(back.to_json(), c.to_json());
    }
    const std::string good = tiny_config(Seq2SeqStyle::Bahdanau, 0).to_json();
    const auto error = [](const std::string& text) {
        try {
            Seq2SeqConfig::from_json(text, "m.safetensors metadata config");
        } catch (const FormatError& e) {
            return std::string(e.what());
        }
        return std::string();
    };
    nlohmann::json j = nlohmann::json::parse(good);
    j.erase("hidden");
    EXPECT_TRUE(contains(error(j.dump()), "missing key 'hidden'")) << error(j.dump());
    j = nlohmann::json::parse(good);
    j["colour"] = 1;
    EXPECT_TRUE(contains(error(j.dump()), "unexpected key 'colour'")) << error(j.dump());
    j = nlohmann::json::parse(good);
    j["layers"] = 2;  // bahdanau decoders have one layer
    EXPECT_TRUE(contains(error(j.dump()), "'layers' 1")) << error(j.dump());
    j = nlohmann::json::parse(good);
    j["embed"] = 1.5;
    EXPECT_TRUE(contains(error(j.dump()), "'embed' must be an integer")) << error(j.dump());
    j = nlohmann::json::parse(good);
    j["hidden"] = 100000;
    EXPECT_TRUE(contains(error(j.dump()), "'hidden' must be in [1, 1024]")) << error(j.dump());
    j = nlohmann::json::parse(good);
    j["score"] = "dot";
    EXPECT_TRUE(contains(error(j.dump()), "'score'")) << error(j.dump());
    EXPECT_TRUE(contains(error("{not json"), "not valid JSON"));
    EXPECT_TRUE(contains(error("[1]"), "expected a JSON object"));
    // statquest scores with dot, cosine, scaled_dot or general; nothing else
    Seq2SeqConfig cos = tiny_config(Seq2SeqStyle::StatQuest, 0);
    for (ScoreFn f : {ScoreFn::Cosine, ScoreFn::ScaledDot, ScoreFn::General}) {
        cos.statquest_score = f;
        EXPECT_EQ(Seq2SeqConfig::from_json(cos.to_json(), "cfg").score(), f);
    }
    j = nlohmann::json::parse(cos.to_json());
    j["score"] = "additive";  // its energies need attention_dim, which statquest keeps at 0
    EXPECT_TRUE(contains(error(j.dump()), "'score' dot, cosine, scaled_dot or general")) << error(j.dump());
    j["score"] = "sharpest";
    EXPECT_TRUE(contains(error(j.dump()), "'score' is not a score function: 'sharpest'")) << error(j.dump());
}

// Stage 5 as trained: the file's normalizer and top_k round-trip; a file written before them (neither
// key) was trained with soft attention; a name the normalizers table lacks, or k out of range, is refused.
TEST(Seq2Seq, ConfigKeepsTheNormalizerItWasTrainedWith) {
    Seq2SeqConfig c = tiny_config(Seq2SeqStyle::Bahdanau, 0);
    c.normalizer = Normalizer::TopK;
    c.top_k = 3;
    const Seq2SeqConfig back = Seq2SeqConfig::from_json(c.to_json(), "cfg");
    EXPECT_EQ(back.normalizer, Normalizer::TopK);
    EXPECT_EQ(back.top_k, 3);
    nlohmann::json j = nlohmann::json::parse(c.to_json());
    j.erase("normalizer");
    j.erase("top_k");
    EXPECT_EQ(Seq2SeqConfig::from_json(j.dump(), "cfg").normalizer, Normalizer::Soft);
    const auto error = [](const std::string& text) {
        try {
            Seq2SeqConfig::from_json(text, "cfg");
        } catch (const FormatError& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    j["normalizer"] = "softest";
    EXPECT_TRUE(contains(error(j.dump()), "'normalizer' must be one of soft, hard, top_k, sparsemax, found 'softest'"))
        << error(j.dump());
    j["normalizer"] = "top_k";
    j["top_k"] = 0;
    EXPECT_TRUE(contains(error(j.dump()), "'top_k' must be in [1, 1024]")) << error(j.dump());
    // the loss runs the normalizer the config names: sparsemax's exact zeros reach the alignment
    Seq2SeqConfig sq = tiny_config(Seq2SeqStyle::StatQuest, 0);
    sq.normalizer = Normalizer::Sparsemax;
    Seq2SeqLstm m = tiny_model(sq, 31);
    RunOptions o;
    o.normalizer = Normalizer::Sparsemax;  // as trained: no note
    const Translation t = m.force("the red house", "la casa roja", o);
    for (const std::string& n : t.notes) EXPECT_EQ(n.find("trained with"), std::string::npos) << n;
    o.normalizer = Normalizer::Soft;  // another normalizer says how it was trained
    const Translation soft = m.force("the red house", "la casa roja", o);
    EXPECT_TRUE(std::any_of(soft.notes.begin(), soft.notes.end(),
                            [](const std::string& n) { return contains(n, "the model was trained with sparsemax attention"); }));
}

TEST(Seq2Seq, TensorSpecsMatchTheWeightsAndTheParamList) {
    Seq2SeqGrad g;  // one for all five models in turn: zero_like must drop what the model lacks, add what it has
    for (Seq2SeqStyle style : {Seq2SeqStyle::Bahdanau, Seq2SeqStyle::StatQuest}) {
        for (int output_hidden : {5, 0, -1}) {  // -1: none, and the general score's attention.W [S, H]
            Seq2SeqConfig c = tiny_config(style, std::max(output_hidden, 0));
            if (output_hidden < 0 && style == Seq2SeqStyle::Bahdanau) continue;
            if (output_hidden < 0) c.statquest_score = ScoreFn::General;
            Seq2SeqLstm m = tiny_model(c, 1);
            const auto specs = seq2seq_tensor_specs(c, m.source_vocab().size(), m.target_vocab().size());
            g.zero_like(m.weights());
            const ParamList params = seq2seq_params(m.mutable_weights(), g);
            const std::vector<TensorView> tensors = seq2seq_tensors(m.weights());  // the one list
            ASSERT_EQ(specs.size(), params.size());
            ASSERT_EQ(specs.size(), tensors.size());
            long total = 0;
            for (size_t i = 0; i < specs.size(); ++i) {
                long n = 1;
                for (int64_t d : specs[i].shape) n *= d;
                EXPECT_EQ(specs[i].name, params[i].name);
                EXPECT_EQ(specs[i].name, tensors[i].name);
                EXPECT_EQ(n, params[i].size) << specs[i].name;
                EXPECT_EQ(n, tensors[i].size) << specs[i].name;
                // zero_like, derived from the list: every gradient shaped as its parameter, all zeros
                EXPECT_EQ(params[i].param, tensors[i].data) << specs[i].name;
                for (long k = 0; k < params[i].size; ++k) ASSERT_EQ(params[i].grad[k], 0.0f) << specs[i].name;
                total += n;
            }
            // parts the model lacks have no gradient either (left from the bigger model before)
            if (style == Seq2SeqStyle::StatQuest) {
                EXPECT_EQ(g.bridge.dW.size(), 0);
                EXPECT_EQ(g.score.dv.size(), 0);
                EXPECT_EQ(g.score.dW.dW.size(), c.statquest_score == ScoreFn::General ? 16 : 0);  // [S, H]
            }
            if (output_hidden <= 0) { EXPECT_EQ(g.output_hidden.dW.size(), 0); }
            EXPECT_EQ(total, m.info().parameter_count);
            EXPECT_EQ(m.info().architecture, "seq2seq_lstm");
        }
    }
}

// ---- gradient check of the whole model loss --------------------------------------------------------------

// Every parameter tensor: a sample of its entries (all of a small one) against central differences of
// seq2seq_loss in float (scalar backend). The loss is near log(Vt) ~ 2, so its float rounding divided
// by 2 eps is ~1e-5: the measured worst error over the four configs below is 3.8e-5 absolute, 18% of
// the tolerance |analytic - numeric| <= 2e-4 + 2e-3 |numeric| (5x headroom). Dropping one gradient
// path (the attention's dQ into the decoder) fails this check on well over a hundred entries.
constexpr float kWeightScale = 4.0f;

void check_model_gradient(const Seq2SeqConfig& c, uint64_t seed) {
    Seq2SeqLstm m = tiny_model(c, seed);
    // PyTorch's initial weights (uniform in +-1/sqrt(fan)) make encoder outputs small and alike, so
    // attention barely matters and many gradients stay below 1e-3. With every weight but the
    // embeddings 4x larger, every tensor's largest gradient entry is at least 5x the absolute
    // tolerance (checked below), so each sampled entry is tested relative to its size.
    {
        Seq2SeqGrad unused;
        unused.zero_like(m.weights());
        for (const ParamGrad& p : seq2seq_params(m.mutable_weights(), unused))
            for (long i = 0; i < p.size; ++i)
                p.param[i] *= p.name.rfind("embed.", 0) == 0 ? 1.0f : kWeightScale;
    }
    const std::vector<int> source = m.encode_source("the red house");
    const std::vector<int> target = m.encode_target("la casa roja");
    Seq2SeqGrad g;
    g.zero_like(m.weights());
    const ParamList params = seq2seq_params(m.mutable_weights(), g);
    seq2seq_loss(m.config(), m.weights(), source, target, &g, Backend::Scalar);
    const auto loss = [&] { return seq2seq_loss(m.config(), m.weights(), source, target, nullptr, Backend::Scalar); };

    const double eps = 1e-2, rtol = 2e-3, atol = 2e-4;
    Rng pick(seed + 100);
    double worst = 0.0, worst_abs = 0.0;
    for (const ParamGrad& p : params) {
        // embedding rows of words the pair does not use must get exactly nothing
        std::vector<long> candidates;
        const bool src_table = p.name == "embed.src", tgt_table = p.name == "embed.tgt";
        for (long i = 0; i < p.size; ++i) {
            if (src_table || tgt_table) {
                const long row = i / c.embed;
                bool used = false;
                if (src_table) for (int id : source) used = used || id == row;
                if (tgt_table) {
                    used = row == c.start_token();
                    for (int id : target) used = used || id == row;
                }
                if (!used) {
                    EXPECT_EQ(p.grad[i], 0.0f) << p.name << "[" << i << "] belongs to an unused word";
                    continue;
                }
            }
            candidates.push_back(i);
        }
        ASSERT_FALSE(candidates.empty()) << p.name;
        float largest = 0.0f;
        for (long i : candidates) largest = std::max(largest, std::fabs(p.grad[i]));
        EXPECT_GT(largest, 5 * atol) << p.name << ": too small a gradient to test";
        const int samples = std::min<int>(static_cast<int>(candidates.size()), 12);
        for (int s = 0; s < samples; ++s) {
            const long i = candidates.size() <= 12 ? candidates[s] : candidates[pick.next_u64() % candidates.size()];
            const float saved = p.param[i];
            p.param[i] = saved + static_cast<float>(eps);
            const double up = loss();
            p.param[i] = saved - static_cast<float>(eps);
            const double down = loss();
            p.param[i] = saved;
            const double numeric = (up - down) / (2 * eps);
            const double tol = atol + rtol * std::fabs(numeric);
            EXPECT_NEAR(p.grad[i], numeric, tol) << p.name << "[" << i << "]";
            worst = std::max(worst, std::fabs(p.grad[i] - numeric) / tol);
            worst_abs = std::max(worst_abs, std::fabs(p.grad[i] - numeric));
        }
    }
    std::printf("[ info ] %s: worst gradient error %.0f%% of the tolerance (%.2g absolute)\n",
                seq2seq_style_name(c.style), 100 * worst, worst_abs);
}

TEST(Seq2Seq, WholeModelGradientMatchesFiniteDifferencesStatQuest) {
    check_model_gradient(tiny_config(Seq2SeqStyle::StatQuest, 0), 11);
    check_model_gradient(tiny_config(Seq2SeqStyle::StatQuest, 5), 12);
}

// The StatQuest model with the other scores it may train with: cosine, scaled dot (1/sqrt(H), stage 3),
// and general (q . W k: the check covers attention.W's gradient too).
TEST(Seq2Seq, WholeModelGradientMatchesFiniteDifferencesOtherScores) {
    for (ScoreFn f : {ScoreFn::Cosine, ScoreFn::ScaledDot, ScoreFn::General}) {
        Seq2SeqConfig c = tiny_config(Seq2SeqStyle::StatQuest, 0);
        c.statquest_score = f;
        // general's attention.W gets gradients near 5e-4 from most draws at this size, below what the check
        // can test relative to its tolerance (it says "too small a gradient to test"); seed 73 draws larger.
        check_model_gradient(c, f == ScoreFn::General ? 73 : 15 + static_cast<int>(f));
    }
}

// Stage 5's other normalizers in the whole model: sparsemax (exact zeros; its backward is the projection's)
// and top-k (softmax over the k best). Their kinks are where a score crosses a threshold; the check's
// steps (1e-2) stay clear of them with these seeds.
TEST(Seq2Seq, WholeModelGradientMatchesFiniteDifferencesOtherNormalizers) {
    for (Normalizer n : {Normalizer::Sparsemax, Normalizer::TopK}) {
        Seq2SeqConfig c = tiny_config(Seq2SeqStyle::StatQuest, 0);
        c.normalizer = n;
        c.top_k = 2;
        check_model_gradient(c, 40 + static_cast<int>(n));
    }
}

TEST(Seq2Seq, WholeModelGradientMatchesFiniteDifferencesBahdanau) {
    check_model_gradient(tiny_config(Seq2SeqStyle::Bahdanau, 5), 13);
    Seq2SeqConfig one_way = tiny_config(Seq2SeqStyle::Bahdanau, 0);
    one_way.bidirectional = false;
    check_model_gradient(one_way, 14);
}

// The whole model's gradient on the Simd kernels beside the Scalar ones (the checks above test the Scalar
// path against finite differences), in every part: embeddings, both encoders, decoder, bridge, attention
// (dot, general, additive), tanh layer, output. They differ by the Simd forward's approximations and
// the products' summation order: measured at most 5.6e-5 of each tensor's largest entry (wasm); 3e-4 of
// it (plus 1e-6) is far below a path the Simd backward lost or doubled (order 1: 11 when a leftover
// loop read the wrong gate).
TEST(Seq2Seq, SimdGradientsAgreeWithScalar) {
    Seq2SeqConfig general = tiny_config(Seq2SeqStyle::StatQuest, 0);
    general.statquest_score = ScoreFn::General;
    Seq2SeqConfig wider = tiny_config(Seq2SeqStyle::Bahdanau, 7);  // widths past a vector (and its leftovers)
    wider.embed = 6;
    wider.hidden = 9;
    wider.decoder_hidden = 10;
    wider.attention_dim = 11;
    double worst = 0.0;
    for (const Seq2SeqConfig& c : {tiny_config(Seq2SeqStyle::StatQuest, 5), general, tiny_config(Seq2SeqStyle::Bahdanau, 5),
                                   wider}) {
        Seq2SeqLstm m = tiny_model(c, 21);
        const std::vector<int> source = m.encode_source("the red house");
        const std::vector<int> target = m.encode_target("la casa roja");
        Seq2SeqGrad gs, gv;
        gs.zero_like(m.weights());
        gv.zero_like(m.weights());
        const double ls = seq2seq_loss(m.config(), m.weights(), source, target, &gs, Backend::Scalar);
        const double lv = seq2seq_loss(m.config(), m.weights(), source, target, &gv, Backend::Simd);
        EXPECT_NEAR(lv, ls, 1e-5 * ls) << seq2seq_style_name(c.style);
        const ParamList ps = seq2seq_params(m.mutable_weights(), gs), pv = seq2seq_params(m.mutable_weights(), gv);
        ASSERT_EQ(ps.size(), pv.size());
        for (size_t k = 0; k < ps.size(); ++k) {
            float largest = 0.0f, diff = 0.0f;
            for (long i = 0; i < ps[k].size; ++i) {
                largest = std::max(largest, std::fabs(ps[k].grad[i]));
                diff = std::max(diff, std::fabs(ps[k].grad[i] - pv[k].grad[i]));
            }
            EXPECT_GT(largest, 0.0f) << ps[k].name;  // every tensor gets a gradient to compare
            EXPECT_LE(diff, 3e-4f * largest + 1e-6f) << seq2seq_style_name(c.style) << " " << ps[k].name;
            worst = std::max(worst, double(diff) / largest);
        }
    }
    std::printf("[ info ] largest Simd - Scalar gradient difference: %.2g of its tensor's largest entry\n", worst);
}

// The loss of training and the probabilities of force() are one computation: -mean log p(target).
TEST(Seq2Seq, ForcedProbabilitiesGiveTheTrainingLoss) {
    for (Seq2SeqStyle style : {Seq2SeqStyle::StatQuest, Seq2SeqStyle::Bahdanau}) {
        Seq2SeqLstm m = tiny_model(tiny_config(style, 5), 21);
        RunOptions o;
        o.backend = Backend::Scalar;
        const Translation t = m.force("the red house", "la casa roja", o);
        ASSERT_EQ(t.steps.size(), 4u);
        const std::vector<int> target = m.encode_target("la casa roja");
        double nll = 0.0;
        for (size_t s = 0; s < t.steps.size(); ++s) {
            const int want = s < target.size() ? target[s] : Vocab::kEos;
            EXPECT_EQ(t.steps[s].input_token, s == 0 ? m.config().start_token() : target[s - 1]);
            nll -= std::log(static_cast<double>(t.steps[s].probs[want]));
        }
        const double loss =
            seq2seq_loss(m.config(), m.weights(), m.encode_source("the red house"), target, nullptr, Backend::Scalar);
        EXPECT_NEAR(nll / t.steps.size(), loss, 1e-5 * loss) << seq2seq_style_name(style);
    }
}

// ---- determinism ---------------------------------------------------------------------------------------------

TEST(Seq2Seq, TrainingIsDeterministicAndLearns) {
    const std::vector<Pair> pairs = {{"the red house", "la casa roja"}, {"let's go", "vamos"}, {"to go", "ir"},
                                     {"the house", "la casa"},          {"go", "ir"},          {"the red go", "la roja ir"}};
    for (Seq2SeqStyle style : {Seq2SeqStyle::StatQuest, Seq2SeqStyle::Bahdanau}) {
        std::vector<std::vector<double>> losses;
        std::vector<std::vector<float>> weights;
        for (int run = 0; run < 2; ++run) {
            Seq2SeqLstm m = tiny_model(tiny_config(style, 0), 31);
            std::vector<std::vector<int>> src, tgt;
            for (const Pair& p : pairs) {
                src.push_back(m.encode_source(p.source));
                tgt.push_back(m.encode_target(p.target));
            }
            Seq2SeqGrad g;
            g.zero_like(m.weights());
            const ParamList params = seq2seq_params(m.mutable_weights(), g);
            TrainConfig tc;
            tc.seed = 5;
            tc.epochs = 100;
            tc.batch_size = 2;  // 3 steps an epoch: 300 steps
            tc.adam.lr = 0.02f;
            tc.adam.max_grad_norm = 5.0f;
            const TrainLog log = train_loop(tc, params, static_cast<int>(pairs.size()), [&](int i) {
                return seq2seq_loss(m.config(), m.weights(), src[i], tgt[i], &g, Backend::Simd);
            });
            ASSERT_EQ(log.steps, 300);
            losses.push_back(log.step_losses);
            weights.emplace_back();
            for (const ParamGrad& p : params) weights.back().insert(weights.back().end(), p.param, p.param + p.size);
        }
        ASSERT_EQ(losses[0].size(), losses[1].size());
        for (size_t i = 0; i < losses[0].size(); ++i) ASSERT_EQ(losses[0][i], losses[1][i]) << "step " << i;
        ASSERT_EQ(weights[0].size(), weights[1].size());
        EXPECT_EQ(0, std::memcmp(weights[0].data(), weights[1].data(), weights[0].size() * sizeof(float)));
        double first = 0, last = 0;
        for (int i = 0; i < 30; ++i) {
            first += losses[0][i];
            last += losses[0][losses[0].size() - 1 - i];
        }
        EXPECT_LT(last, 0.25 * first) << seq2seq_style_name(style) << ": first 30 steps " << first / 30
                                     << ", last 30 steps " << last / 30;
    }
}

// ---- the loader -----------------------------------------------------------------------------------------------

TEST(Seq2Seq, FileRoundTripGivesTheSameModel) {
    for (Seq2SeqStyle style : {Seq2SeqStyle::StatQuest, Seq2SeqStyle::Bahdanau}) {
        const Seq2SeqLstm m = tiny_model(tiny_config(style, 5), 41);
        const std::vector<uint8_t> bytes = bytes_of(m);
        const std::unique_ptr<Translator> back = load_seq2seq_lstm(safetensors_parse(bytes.data(), bytes.size(), "t"));
        EXPECT_EQ(back->info().config_json, m.info().config_json);
        EXPECT_EQ(back->info().parameter_count, m.info().parameter_count);
        const Translation a = m.force("the red house", "la casa roja", {}), b = back->force("the red house", "la casa roja", {});
        ASSERT_EQ(a.steps.size(), b.steps.size());
        for (size_t s = 0; s < a.steps.size(); ++s) EXPECT_EQ(a.steps[s].logits, b.steps[s].logits);
    }
}

TEST(Seq2Seq, LoaderRejectsBadFilesByName) {
    const Seq2SeqLstm m = tiny_model(tiny_config(Seq2SeqStyle::Bahdanau, 5), 51);
    const SafetensorsFile good = seq2seq_to_file(m);
    ASSERT_EQ(load_error(good), "");

    // a truncated file
    std::vector<uint8_t> bytes = safetensors_serialize(good);
    bytes.resize(bytes.size() - 7);
    try {
        load_seq2seq_lstm(safetensors_parse(bytes.data(), bytes.size(), "cut.safetensors"));
        ADD_FAILURE() << "a truncated file loaded";
    } catch (const FormatError& e) {
        EXPECT_TRUE(contains(e.what(), "cut.safetensors")) << e.what();
    }

    // a tensor of the wrong shape: named, with what was expected and found
    SafetensorsFile f = good;
    for (StoredTensor& t : f.tensors)
        if (t.name == "decoder.l0.W_hh") {
            t.shape = {t.shape[1], t.shape[0]};  // same bytes, transposed shape [5, 20]
        }
    std::string e = load_error(f);
    EXPECT_TRUE(contains(e, "decoder.l0.W_hh") && contains(e, "tiny.safetensors") &&
                contains(e, "expected shape [20, 5], found [5, 20]"))
        << e;

    // a missing tensor
    f = good;
    f.tensors.erase(std::find_if(f.tensors.begin(), f.tensors.end(),
                                 [](const StoredTensor& t) { return t.name == "attention.v"; }));
    e = load_error(f);
    EXPECT_TRUE(contains(e, "'attention.v' not found in tiny.safetensors")) << e;

    // an unexpected tensor
    f = good;
    const float one = 1.0f;
    f.add_f32("extra.W", {1}, &one);
    e = load_error(f);
    EXPECT_TRUE(contains(e, "'extra.W'") && contains(e, "tiny.safetensors")) << e;

    // a wrong architecture
    f = good;
    f.metadata["architecture"] = "transformer";
    e = load_error(f);
    EXPECT_TRUE(contains(e, "tiny.safetensors") && contains(e, "'transformer'") && contains(e, "'seq2seq_lstm'")) << e;

    // a config that does not match the tensors: a tensor of the other shape is named
    f = good;
    nlohmann::json c = nlohmann::json::parse(f.metadata["config"]);
    c["attention_dim"] = 4;
    f.metadata["config"] = c.dump();
    e = load_error(f);
    EXPECT_TRUE(contains(e, "attention.W") && contains(e, "expected shape [4, 5], found [3, 5]")) << e;

    // a NaN weight
    f = good;
    for (StoredTensor& t : f.tensors)
        if (t.name == "output.b") {
            const float nan = std::nanf("");
            std::memcpy(t.bytes.data() + 4, &nan, 4);
        }
    e = load_error(f);
    EXPECT_TRUE(contains(e, "'output.b'") && contains(e, "finite") && contains(e, "index 1")) << e;

    // a vocabulary of another size than the embedding table
    f = good;
    f.metadata["vocab_src"] = Vocab::from_words({"the"}).to_json();
    e = load_error(f);
    EXPECT_TRUE(contains(e, "embed.src") && contains(e, "expected shape [5, 3], found [10, 3]")) << e;

    // metadata: missing vocabulary, wrong parameter count
    f = good;
    f.metadata.erase("vocab_tgt");
    EXPECT_TRUE(contains(load_error(f), "vocab_tgt")) << load_error(f);
    f = good;
    f.metadata["parameter_count"] = "7";
    EXPECT_TRUE(contains(load_error(f), "parameter_count")) << load_error(f);
}

// ---- bad input -------------------------------------------------------------------------------------------------

TEST(Seq2Seq, BadInputNeverThrows) {
    for (Seq2SeqStyle style : {Seq2SeqStyle::StatQuest, Seq2SeqStyle::Bahdanau}) {
        const Seq2SeqLstm m = tiny_model(tiny_config(style, 0), 61);
        RunOptions o;
        o.max_output_tokens = 5;  // random weights may never choose <EOS>

        for (const std::string empty : {"", "   \t\n", "\xE2\x80\x8B"}) {  // nothing, spaces, a zero-width space
            const Translation t = m.translate(empty, o);
            EXPECT_TRUE(t.steps.empty());
            EXPECT_TRUE(t.source_tokens.empty());
            EXPECT_TRUE(any_note(t, "empty input"));
        }

        const Translation unknown = m.translate("the purple house", o);
        ASSERT_EQ(unknown.unknown.size(), 1u);
        EXPECT_EQ(unknown.unknown[0].word, "purple");
        EXPECT_EQ(unknown.unknown[0].position, 1u);
        EXPECT_EQ(unknown.source_ids[1], Vocab::kUnk);
        EXPECT_FALSE(unknown.steps.empty());
        EXPECT_TRUE(any_note(unknown, "'purple'"));

        const Translation longer = m.translate("the red house the red house to go", o);  // 8 words, limit 6
        EXPECT_TRUE(longer.truncated);
        EXPECT_EQ(longer.source_ids.size(), 6u);
        EXPECT_EQ(longer.max_source_tokens, 6);
        EXPECT_FALSE(longer.steps.empty());
        EXPECT_TRUE(any_note(longer, "8 words"));

        const std::string invalid("\xff\xfe go \xc3 red\0house", 18);  // invalid UTF-8, a cut sequence, a NUL
        const Translation bad = m.translate(invalid, o);
        EXPECT_FALSE(bad.steps.empty());
        EXPECT_FALSE(bad.unknown.empty());
        EXPECT_LE(static_cast<int>(bad.steps.size()), o.max_output_tokens);
        EXPECT_TRUE(any_note(bad, "stopped after") || bad.steps.back().token == Vocab::kEos);

        // options outside their ranges are replaced, and said so
        RunOptions odd = o;
        odd.temperature = -1.0f;
        odd.normalizer = Normalizer::TopK;
        odd.top_k = 0;
        odd.max_output_tokens = 0;
        odd.nudge_position = 99;
        odd.nudge_amount = 1.0f;
        const Translation t = m.translate("the red house", odd);
        EXPECT_EQ(t.steps.size(), 1u);
        EXPECT_TRUE(any_note(t, "temperature -1"));
        EXPECT_TRUE(any_note(t, "top_k 0"));
        EXPECT_TRUE(any_note(t, "max_output_tokens 0"));
        EXPECT_TRUE(any_note(t, "nudge position 99"));
        // a nudge so large that the LSTM overflows stops the run with a note, not an exception
        odd = o;
        odd.nudge_position = 0;
        odd.nudge_amount = 3e38f;
        const Translation huge = m.translate("the red house", odd);
        EXPECT_TRUE(any_note(huge, "stopped")) << (huge.notes.empty() ? "" : huge.notes.back());
    }
}

// ---- traces and run-time options -----------------------------------------------------------------------------

// Recomputes every stage of a trace in double from its recorded query and keys (and, for additive
// scores, the model's attention weights) and checks what the model recorded.
void expect_trace_recomputes(const Seq2SeqLstm& m, const AttentionTrace& a, const char* what) {
    const Seq2SeqWeights& w = m.weights();
    ASSERT_EQ(a.query.rows(), 1);
    const long Tk = a.keys.rows();
    EXPECT_EQ(a.values, a.keys) << what << ": keys and values are the same encoder outputs";
    std::vector<double> scores(Tk);
    for (long j = 0; j < Tk; ++j) {
        double s = 0.0;
        if (a.kind == "dot") {
            for (long d = 0; d < a.query.cols(); ++d) s += double(a.query(0, d)) * a.keys(j, d);
        } else {
            ASSERT_EQ(a.kind, "additive");
            ASSERT_EQ(a.energies.size(), 1u);
            for (long u = 0; u < w.score.v.size(); ++u) {
                double pre = w.score.U.b[u];
                for (long d = 0; d < a.query.cols(); ++d) pre += double(w.score.W.W(u, d)) * a.query(0, d);
                for (long d = 0; d < a.keys.cols(); ++d) pre += double(w.score.U.W(u, d)) * a.keys(j, d);
                EXPECT_NEAR(a.energies[0](j, u), std::tanh(pre), 1e-5) << what << " energy " << j << "," << u;
                s += double(w.score.v[u]) * std::tanh(pre);
            }
        }
        scores[j] = s;
        EXPECT_NEAR(a.scores(0, j), s, 1e-5 * (1 + std::fabs(s))) << what << " score " << j;
    }
    double top = -1e300, sum = 0.0, wsum = 0.0;
    for (double s : scores) top = std::max(top, s * a.scale / a.temperature);
    for (double s : scores) sum += std::exp(s * a.scale / a.temperature - top);
    for (long j = 0; j < Tk; ++j) {
        const double weight = std::exp(scores[j] * a.scale / a.temperature - top) / sum;
        if (a.normalizer == "soft") {
            EXPECT_NEAR(a.weights(0, j), weight, 1e-6) << what << " weight " << j;
        }
        wsum += a.weights(0, j);
    }
    EXPECT_NEAR(wsum, 1.0, 1e-6) << what;
    for (long d = 0; d < a.values.cols(); ++d) {
        double c = 0.0;
        for (long j = 0; j < Tk; ++j) c += double(a.weights(0, j)) * a.values(j, d);
        EXPECT_NEAR(a.context(0, d), c, 1e-5) << what << " context " << d;
    }
}

// logits = output(tanh?(output_hidden([first; second]))), in double.
std::vector<double> logits_from(const Seq2SeqLstm& m, const Mat& first, const Mat& second) {
    const Seq2SeqWeights& w = m.weights();
    std::vector<double> f;
    for (long d = 0; d < first.cols(); ++d) f.push_back(first(0, d));
    for (long d = 0; d < second.cols(); ++d) f.push_back(second(0, d));
    if (m.config().output_hidden > 0) {
        std::vector<double> h(w.output_hidden.out());
        for (int o = 0; o < w.output_hidden.out(); ++o) {
            double s = w.output_hidden.b[o];
            for (size_t d = 0; d < f.size(); ++d) s += double(w.output_hidden.W(o, d)) * f[d];
            h[o] = std::tanh(s);
        }
        f = h;
    }
    std::vector<double> logits(w.output.out());
    for (int v = 0; v < w.output.out(); ++v) {
        double s = w.output.b[v];
        for (size_t d = 0; d < f.size(); ++d) s += double(w.output.W(v, d)) * f[d];
        logits[v] = s;
    }
    return logits;
}

// The trace holds the vectors the model used: keys are the encoder's outputs (recomputed here through
// nn/lstm with the scalar backend), queries are the decoder's states, and each step's logits follow
// from its trace's context and the decoder state. Tolerance 1e-4: SIMD (the default backend) against
// scalar through two LSTMs, measured below 1e-5.
void expect_trace_is_what_the_model_used(const Seq2SeqLstm& m, const std::string& source, const std::string& target) {
    const Translation t = m.force(source, target, {});
    ASSERT_FALSE(t.steps.empty());
    const Seq2SeqConfig& c = m.config();
    const Mat X = embedding_forward(m.weights().src_embed, t.source_ids);
    const LstmRun fwd = lstm_forward(m.weights().encoder, X);
    Mat keys = fwd.out;
    LstmRun rev;
    if (c.bidirectional) {
        rev = lstm_forward(m.weights().encoder_reverse, X, LstmDirection::Reverse);
        keys.resize(X.rows(), c.key_dim());
        keys << fwd.out, rev.out;
    }
    for (size_t s = 0; s < t.steps.size(); ++s) {
        const AttentionTrace& a = step_trace(t, s);
        EXPECT_TRUE(a.keys.isApprox(keys, 1e-4f)) << "step " << s << ": keys are not the encoder outputs";
        expect_trace_recomputes(m, a, ("step " + std::to_string(s)).c_str());
        std::vector<double> logits;
        if (c.style == Seq2SeqStyle::StatQuest) {
            logits = logits_from(m, a.context, a.query);  // [context; h_t]
        } else if (s + 1 < t.steps.size()) {
            logits = logits_from(m, step_trace(t, s + 1).query, a.context);  // [s_t; c_t], s_t = the next query
        }
        for (size_t v = 0; v < logits.size(); ++v)
            EXPECT_NEAR(t.steps[s].logits[v], logits[v], 1e-4 * (1 + std::fabs(logits[v]))) << "step " << s;
    }
    // the first query: statquest's h after reading the start token from the encoder's state; bahdanau's
    // s_{-1} = tanh(bridge(h<-_1))
    const Mat q0 = step_trace(t, 0).query;
    if (c.style == Seq2SeqStyle::StatQuest) {
        const Mat start = m.weights().tgt_embed.table.row(c.start_token());
        const LstmRun dec = lstm_forward(m.weights().decoder, start, fwd.final);
        EXPECT_TRUE(q0.isApprox(dec.out, 1e-4f)) << q0 << "\nvs\n" << dec.out;
    } else {
        Mat expected = linear_forward(m.weights().bridge, rev.final.h);
        expected = expected.array().tanh().matrix();
        EXPECT_TRUE(q0.isApprox(expected, 1e-4f)) << q0 << "\nvs\n" << expected;
    }
}

TEST(Seq2Seq, TracesAreTheVectorsTheModelUsed) {
    for (Seq2SeqStyle style : {Seq2SeqStyle::StatQuest, Seq2SeqStyle::Bahdanau}) {
        for (int output_hidden : {0, 5}) {
            const Seq2SeqLstm m = tiny_model(tiny_config(style, output_hidden), 71);
            expect_trace_is_what_the_model_used(m, "the red house", "la casa roja");
        }
    }
}

TEST(Seq2Seq, RunOptionsChangeTheRunAndSaySo) {
    for (Seq2SeqStyle style : {Seq2SeqStyle::StatQuest, Seq2SeqStyle::Bahdanau}) {
        const Seq2SeqLstm m = tiny_model(tiny_config(style, 0), 81);
        const std::string src = "the red house let's go", tgt = "la casa roja";
        const Translation base = m.force(src, tgt, {});
        EXPECT_TRUE(base.notes.size() == 1 && any_note(base, "teacher-forced")) << base.notes.size();
        const Mat& w0 = step_trace(base, 1).weights;
        EXPECT_EQ(step_trace(base, 1).scale, 1.0f);  // trained without scaling

        RunOptions o;
        o.temperature = 0.25f;
        Translation t = m.force(src, tgt, o);
        EXPECT_FALSE(step_trace(t, 1).weights.isApprox(w0, 1e-3f));
        EXPECT_EQ(step_trace(t, 1).temperature, 0.25f);
        EXPECT_TRUE(any_note(t, "trained at temperature 1"));
        expect_trace_recomputes(m, step_trace(t, 1), "temperature");

        o = {};
        o.normalizer = Normalizer::Hard;
        t = m.force(src, tgt, o);
        const Mat& hard = step_trace(t, 1).weights;
        EXPECT_EQ(hard.sum(), 1.0f);
        EXPECT_EQ(hard.maxCoeff(), 1.0f);
        EXPECT_EQ(argmax_row(hard), argmax_row(w0));
        EXPECT_TRUE(any_note(t, "trained with soft attention"));

        o = {};
        o.normalizer = Normalizer::TopK;
        o.top_k = 2;
        t = m.force(src, tgt, o);
        const Mat& topk = step_trace(t, 1).weights;
        EXPECT_EQ((topk.array() > 0.0f).count(), 2);
        EXPECT_NEAR(topk.sum(), 1.0f, 1e-6f);
        EXPECT_TRUE(any_note(t, "top-k (k = 2) attention"));

        o = {};
        o.scaling = Scaling::On;
        t = m.force(src, tgt, o);
        EXPECT_FLOAT_EQ(step_trace(t, 1).scale, 1.0f / std::sqrt(static_cast<float>(m.config().key_dim())));
        EXPECT_FALSE(step_trace(t, 1).weights.isApprox(w0, 1e-3f));
        EXPECT_TRUE(any_note(t, "trained without scaling"));
        expect_trace_recomputes(m, step_trace(t, 1), "scaling on");
        o.scaling = Scaling::Off;  // = how it was trained
        t = m.force(src, tgt, o);
        EXPECT_EQ(step_trace(t, 1).weights, w0);
        EXPECT_FALSE(any_note(t, "scaling"));

        o = {};
        o.nudge_position = 1;
        o.nudge_amount = 2.0f;
        t = m.force(src, tgt, o);
        const Mat& k0 = step_trace(base, 0).keys;
        const Mat& k1 = step_trace(t, 0).keys;
        const int H = m.config().hidden;
        EXPECT_EQ(k1.row(0).leftCols(H), k0.row(0).leftCols(H)) << "the forward encoder before the nudged word";
        EXPECT_FALSE(k1.row(1).isApprox(k0.row(1), 1e-3f));
        EXPECT_TRUE(any_note(t, "nudged by 2"));
        // the nudge is amount * nudge_direction(E) on that word's embedding
        const Mat X = embedding_forward(m.weights().src_embed, t.source_ids);
        Mat Xn = X;
        Xn.row(1) += 2.0f * nudge_direction(m.config().embed).transpose();
        const LstmRun fwd = lstm_forward(m.weights().encoder, Xn);
        EXPECT_TRUE(k1.leftCols(m.config().hidden).isApprox(fwd.out, 1e-4f));

        o = {};
        o.record_trace = false;
        o.head_mask["enc.0.self"] = {false};
        t = m.force(src, tgt, o);
        ASSERT_EQ(t.steps.size(), base.steps.size());
        for (size_t s = 0; s < t.steps.size(); ++s) {
            EXPECT_TRUE(t.steps[s].attention.empty());
            EXPECT_EQ(t.steps[s].token, base.steps[s].token);
        }
        EXPECT_TRUE(any_note(t, "head mask ignored"));
    }
}

// ---- the shipped models ---------------------------------------------------------------------------------------

double stored_metric(const Translator& m, const char* key) {
    const nlohmann::json j = nlohmann::json::parse(m.info().metrics_json);
    EXPECT_TRUE(j.contains(key)) << m.info().metrics_json;
    return j.value(key, -1.0);
}

// The held-out exact match stored by the recipe equals a fresh evaluation of the shipped weights.
double check_stored_metric(const Translator& m, const std::string& test_file) {
    const std::vector<Pair> test = load_pairs(std::string(ATTN_ASSETS_DIR) + "/data/" + test_file);
    const double fresh = exact_match_accuracy(m, test, RunOptions{});
    EXPECT_NEAR(stored_metric(m, "test_exact_match"), fresh, 1e-6) << m.info().name;
    EXPECT_EQ(stored_metric(m, "test_pairs"), static_cast<double>(test.size()));
    return fresh;
}

void expect_translation(const Translator& m, const std::string& source, const std::string& expected) {
    const Translation t = m.translate(source, {});
    EXPECT_EQ(t.output_text, expected) << m.info().name << ": " << source;
    ASSERT_FALSE(t.steps.empty());
    EXPECT_EQ(t.steps.back().token, Vocab::kEos);
    EXPECT_TRUE(t.notes.empty()) << t.notes.front();
}

// On the reference "la casa roja" for "the red house", the step that emits casa attends most to house
// and the one that emits roja to red.
void expect_red_house_alignment(const Seq2SeqLstm& m) {
    const Translation t = m.force("the red house", "la casa roja", {});
    ASSERT_EQ(t.steps.size(), 4u);
    std::printf("[ info ] %s: the red house -> la casa roja: la %s, casa %s, roja %s\n", m.info().name.c_str(),
                row_text(step_trace(t, 0).weights).c_str(), row_text(step_trace(t, 1).weights).c_str(),
                row_text(step_trace(t, 2).weights).c_str());
    EXPECT_EQ(argmax_row(step_trace(t, 1).weights), 2) << m.info().name << ": casa -> " << step_trace(t, 1).weights;
    EXPECT_EQ(argmax_row(step_trace(t, 2).weights), 1) << m.info().name << ": roja -> " << step_trace(t, 2).weights;
}

TEST(Seq2SeqShipped, StatQuestToyTranslatesTheVideosPairs) {
    const auto m = load_shipped("statquest-toy");
    EXPECT_EQ(m->config().embed, 2);
    EXPECT_EQ(m->config().hidden, 2);
    EXPECT_EQ(m->config().layers, 2);
    EXPECT_EQ(m->config().start_token(), Vocab::kEos);
    EXPECT_TRUE(m->target_vocab().contains("y"));
    expect_translation(*m, "let's go", "vamos");
    expect_translation(*m, "to go", "ir");
    EXPECT_EQ(stored_metric(*m, "train_exact_match"), 1.0);
}

TEST(Seq2SeqShipped, StatQuestReachesItsBars) {
    const auto m = load_shipped("statquest");
    EXPECT_EQ(m->config().style, Seq2SeqStyle::StatQuest);
    expect_translation(*m, "let's go", "vamos");
    expect_translation(*m, "to go", "ir");
    EXPECT_GE(check_stored_metric(*m, "en-es.test.tsv"), 0.80);
    expect_red_house_alignment(*m);
}

// The rule of vocab.h: case folded, unknown punctuation set aside with a note (the example).
TEST(Seq2SeqShipped, CaseAndUnknownPunctuationDoNotChangeTheTranslation) {
    for (const char* name : {"statquest", "bahdanau"}) {
        const auto m = load_shipped(name);
        const Translation plain = m->translate("i love you", RunOptions{});
        const Translation loud = m->translate("I Love You!", RunOptions{});
        EXPECT_EQ(loud.output_text, plain.output_text) << name;
        EXPECT_EQ(loud.source_ids, plain.source_ids) << name;
        EXPECT_TRUE(loud.unknown.empty()) << name;
        EXPECT_TRUE(any_note(loud, "set aside: '!'")) << name;
        EXPECT_FALSE(any_note(plain, "set aside")) << name;
    }
}

TEST(Seq2SeqShipped, BahdanauReachesItsBars) {
    const auto m = load_shipped("bahdanau");
    EXPECT_EQ(m->config().style, Seq2SeqStyle::Bahdanau);
    expect_translation(*m, "let's go", "vamos");
    expect_translation(*m, "to go", "ir");
    EXPECT_GE(check_stored_metric(*m, "en-es.test.tsv"), 0.90);
    expect_red_house_alignment(*m);
}

TEST(Seq2SeqShipped, HindiReachesItsBars) {
    const auto m = load_shipped("hindi");
    expect_translation(*m, "mai ghar ja raha hoon", "i am going home");
    // no bar was set for hindi's held-out accuracy; this guards against a regression (0.99 measured)
    EXPECT_GE(check_stored_metric(*m, "hi-en.test.tsv"), 0.90);
    const Translation t = m->force("mai ghar ja raha hoon", "i am going home", {});
    ASSERT_EQ(t.steps.size(), 5u);
    std::printf("[ info ] hindi: mai ghar ja raha hoon -> i am going home: home %s\n",
                row_text(step_trace(t, 3).weights).c_str());
    EXPECT_EQ(argmax_row(step_trace(t, 3).weights), 1) << "home -> " << step_trace(t, 3).weights;
}

TEST(Seq2SeqShipped, ShippedTracesRecompute) {
    for (const char* name : {"statquest-toy", "statquest", "bahdanau", "hindi"}) {
        const auto m = load_shipped(name);
        const bool hindi = std::string(name) == "hindi", toy = std::string(name) == "statquest-toy";
        const Translation t = m->translate(hindi ? "mai ghar ja raha hoon" : toy ? "let's go" : "the red house", {});
        for (size_t s = 0; s < t.steps.size(); ++s)
            expect_trace_recomputes(*m, step_trace(t, s), (std::string(name) + " step " + std::to_string(s)).c_str());
    }
}

}  // namespace
}  // namespace attn
