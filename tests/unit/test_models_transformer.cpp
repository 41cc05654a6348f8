// test_models_transformer.cpp: the tiny Transformer translator. The shipped file (greedy translations,
// held-out accuracy equal to its metadata, cross-attention alignment, head ablation, traces, run-time
// tweaks, bad input) and the model's machinery on tiny configs (finite-difference gradient of the
// whole loss, deterministic training, loader errors).
#include "core/compare.h"
#include "core/format_error.h"
#include "core/rng.h"
#include "gradcheck.h"
#include "models/model_file.h"
#include "models/transformer.h"
#include "train/trainer.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <memory>

namespace attn {
namespace {

const std::string kModelPath = ATTN_ASSETS_DIR "/models/transformer.safetensors";

// The shipped model, loaded once for every test of this file.
const Transformer& shipped() {
    static const std::unique_ptr<Transformer> model = transformer_from_file(safetensors_load(kModelPath));
    return *model;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }
bool any_note_contains(const Translation& t, const std::string& part) {
    for (const std::string& n : t.notes)
        if (contains(n, part)) return true;
    return false;
}
std::string all_notes(const Translation& t) {
    std::string s;
    for (const std::string& n : t.notes) s += "[" + n + "] ";
    return s;
}

// ---------------------------------------------------------------------------------------------------
// the shipped model

TEST(TransformerShipped, FileMetadataAndBudget) {
    std::ifstream in(kModelPath, std::ios::binary | std::ios::ate);
    ASSERT_TRUE(in) << kModelPath;
    EXPECT_LE(static_cast<long>(in.tellg()), 900000L) << "the budget of assets/models/transformer.safetensors";
    const Transformer& m = shipped();
    EXPECT_EQ(m.info().name, "transformer");
    EXPECT_EQ(m.info().architecture, "transformer");
    EXPECT_EQ(m.config().d_model, 64);
    EXPECT_EQ(m.config().heads, 4);
    EXPECT_EQ(m.config().encoder_layers, 2);
    EXPECT_EQ(m.config().decoder_layers, 2);
    EXPECT_EQ(m.info().parameter_count, m.weights().parameter_count());
    EXPECT_LE(m.info().parameter_count, 225000);
    const nlohmann::json training = nlohmann::json::parse(m.info().training_json);
    for (const char* key : {"seed", "epochs", "steps", "seconds", "final_loss"}) EXPECT_TRUE(training.contains(key)) << key;
    EXPECT_FALSE(training.value("quick", true)) << "the shipped file must come from a full run";
}

TEST(TransformerShipped, TranslatesTheSeedExamples) {
    const Transformer& m = shipped();
    EXPECT_EQ(m.translate("let's go", RunOptions{}).output_text, "vamos");
    EXPECT_EQ(m.translate("to go", RunOptions{}).output_text, "ir");
    // normalized like the corpus; the "!" its vocabulary lacks is set aside (vocab.h's rule), not <UNK>
    const Translation t = m.translate("Let's go!", RunOptions{});
    EXPECT_EQ(t.source_tokens, (std::vector<std::string>{"let's", "go"}));
    EXPECT_EQ(t.output_text, "vamos");
    ASSERT_FALSE(t.steps.empty());
    EXPECT_EQ(t.steps.back().word, "<EOS>");
}

TEST(TransformerShipped, HeldOutAccuracyIsAtLeast90PercentAndEqualsMetadata) {
    const std::vector<Pair> test = load_pairs(ATTN_ASSETS_DIR "/data/en-es.test.tsv");
    ASSERT_EQ(test.size(), 800u);
    const double acc = exact_match_accuracy(shipped(), test, RunOptions{});
    EXPECT_GE(acc, 0.90);
    const nlohmann::json metrics = nlohmann::json::parse(shipped().info().metrics_json);
    ASSERT_TRUE(metrics.contains("test_exact_match"));
    EXPECT_NEAR(metrics["test_exact_match"].get<double>(), acc, 1e-6);
    EXPECT_EQ(metrics["test_pairs"].get<int>(), 800);
}

// Cross-attention weights of step `step` averaged over the heads of decoder layer `layer`.
std::vector<double> cross_average(const DecodeStep& s, int layer) {
    std::vector<double> avg;
    int heads = 0;
    for (const AttentionTrace& a : s.attention) {
        if (a.form != "cross" || a.layer != layer) continue;
        if (avg.empty()) avg.assign(a.weights.cols(), 0.0);
        for (long j = 0; j < a.weights.cols(); ++j) avg[j] += a.weights(0, j);
        ++heads;
    }
    for (double& v : avg) v /= heads;
    return avg;
}
int argmax(const std::vector<double>& v) {
    return static_cast<int>(std::max_element(v.begin(), v.end()) - v.begin());
}

// Alignment is read off the LAST decoder layer's cross-attention, averaged over its heads (not over
// layers): the step that writes word i of the reference is step i (it reads word i-1).
TEST(TransformerShipped, CrossAttentionAlignsNounAndAdjective) {
    const Transformer& m = shipped();
    const Translation t = m.force("the red house", "la casa roja", RunOptions{});
    ASSERT_EQ(t.source_tokens, (std::vector<std::string>{"the", "red", "house"}));
    ASSERT_EQ(t.output_tokens, (std::vector<std::string>{"la", "casa", "roja"}));
    ASSERT_EQ(t.steps.size(), 4u);  // reads <SOS> la casa roja; writes la casa roja <EOS>
    EXPECT_EQ(t.steps[1].input_token, m.target_vocab().id("la"));
    // the model agrees with the reference at every step
    EXPECT_EQ(t.steps[0].word, "la");
    EXPECT_EQ(t.steps[1].word, "casa");
    EXPECT_EQ(t.steps[2].word, "roja");
    EXPECT_EQ(t.steps[3].word, "<EOS>");
    const int last = m.config().decoder_layers - 1;
    const std::vector<double> casa = cross_average(t.steps[1], last), roja = cross_average(t.steps[2], last);
    ASSERT_EQ(casa.size(), 3u);
    EXPECT_EQ(argmax(casa), 2) << "casa -> house; weights " << casa[0] << " " << casa[1] << " " << casa[2];
    EXPECT_EQ(argmax(roja), 1) << "roja -> red; weights " << roja[0] << " " << roja[1] << " " << roja[2];
}

// Every step's logits of two runs, exactly.
void expect_same_logits(const Translation& a, const Translation& b) {
    ASSERT_EQ(a.steps.size(), b.steps.size());
    for (size_t t = 0; t < a.steps.size(); ++t) {
        ASSERT_EQ(a.steps[t].logits.size(), b.steps[t].logits.size());
        EXPECT_EQ(0, std::memcmp(a.steps[t].logits.data(), b.steps[t].logits.data(),
                                 sizeof(float) * a.steps[t].logits.size()))
            << "step " << t;
    }
}
double max_logit_difference(const Translation& a, const Translation& b) {
    Difference d;
    for (size_t t = 0; t < std::min(a.steps.size(), b.steps.size()); ++t)
        d.add(a.steps[t].logits.data(), b.steps[t].logits.data(), static_cast<long>(a.steps[t].logits.size()));
    return d.max_abs;
}

TEST(TransformerShipped, HeadMaskOfNoHeadsReproducesTheRunExactly) {
    const Transformer& m = shipped();
    const Translation base = m.force("the tall girl sees the black dog", "la niña alta ve al perro negro", RunOptions{});
    RunOptions all_on;
    for (const std::string& name : transformer_block_names(m.config())) all_on.head_mask[name].assign(4, true);
    const Translation same = m.force("the tall girl sees the black dog", "la niña alta ve al perro negro", all_on);
    expect_same_logits(base, same);
    EXPECT_EQ(m.translate("the red house", all_on).output_text, m.translate("the red house", RunOptions{}).output_text);
}

TEST(TransformerShipped, AblatingEveryHeadOfABlockChangesTheOutput) {
    const Transformer& m = shipped();
    const Translation base = m.translate("the red house", RunOptions{});
    ASSERT_EQ(base.output_text, "la casa roja");
    for (const std::string block : {"enc.0.self", "dec.0.self", "dec.1.cross"}) {
        RunOptions o;
        o.head_mask[block].assign(4, false);
        const Translation ablated = m.translate("the red house", o);
        EXPECT_GT(max_logit_difference(base, ablated), 1e-2) << block;
        EXPECT_TRUE(any_note_contains(ablated, block + ": heads switched off: 0, 1, 2, 3")) << all_notes(ablated);
    }
    // Without any cross-attention the decoder cannot see the source at all: the words change.
    RunOptions blind;
    blind.head_mask["dec.0.cross"].assign(4, false);
    blind.head_mask["dec.1.cross"].assign(4, false);
    EXPECT_NE(m.translate("the red house", blind).output_text, "la casa roja");
}

TEST(TransformerShipped, MaskedHeadsMatchAModelWithoutThoseHeads) {
    // Switching heads off = removing what they write: their columns of the output projection.
    const Transformer& m = shipped();
    RunOptions o;
    o.head_mask["enc.1.self"] = {true, false, true, true};
    o.head_mask["dec.0.self"] = {false, true, true, true};
    o.head_mask["dec.1.cross"] = {true, true, false, false};
    const Translation masked = m.force("the cat is under the bed", "el gato está debajo de la cama", o);
    TransformerWeights w = m.weights();
    const int dh = m.config().d_model / m.config().heads;
    w.encoder[1].self.out.W.middleCols(1 * dh, dh).setZero();
    w.decoder[0].self.out.W.middleCols(0 * dh, dh).setZero();
    w.decoder[1].cross.out.W.middleCols(2 * dh, 2 * dh).setZero();
    const Transformer without(m.info(), m.source_vocab(), m.target_vocab(), m.config(), w);
    const Translation recomputed = without.force("the cat is under the bed", "el gato está debajo de la cama", RunOptions{});
    // Exact zeros in place of the heads' terms: the same sums up to adding zeros (tolerance of a few
    // ulps of logits of size ~10).
    EXPECT_LT(max_logit_difference(masked, recomputed), 1e-5);
    EXPECT_GT(max_logit_difference(masked, m.force("the cat is under the bed", "el gato está debajo de la cama",
                                                   RunOptions{})),
              1e-3);
    // the switched-off heads are still traced, and marked
    int ablated = 0;
    for (const DecodeStep& s : masked.steps)
        for (const AttentionTrace& a : s.attention) ablated += a.ablated;
    EXPECT_EQ(ablated, static_cast<int>(masked.steps.size()) * 3);
}

TEST(TransformerShipped, BadHeadMaskIsANoteNotACrash) {
    RunOptions o;
    o.head_mask["dec.7.cross"] = {false};
    o.head_mask["enc.0.self"] = {false, true};  // wrong number of heads
    const Translation t = shipped().translate("the red house", o);
    EXPECT_EQ(t.output_text, "la casa roja");
    EXPECT_TRUE(any_note_contains(t, "no block named 'dec.7.cross'")) << all_notes(t);
    EXPECT_TRUE(any_note_contains(t, "'enc.0.self' has 2 flags")) << all_notes(t);
}

// ---------------------------------------------------------------------------------------------------
// traces

// Stage 2-6 of one recorded call, recomputed in double from its recorded query, keys and values.
void expect_trace_consistent(const AttentionTrace& a, const std::string& where) {
    const long Tq = a.query.rows(), Tk = a.keys.rows();
    ASSERT_EQ(a.weights.rows(), Tq) << where;
    ASSERT_EQ(a.weights.cols(), Tk) << where;
    for (long i = 0; i < Tq; ++i) {
        std::vector<double> z(Tk);
        double m = -std::numeric_limits<double>::infinity();
        for (long j = 0; j < Tk; ++j) {
            double s = 0;
            for (long k = 0; k < a.query.cols(); ++k) s += double(a.query(i, k)) * a.keys(j, k);
            // scores of size ~10 summed over 16 float products: relative 1e-6
            EXPECT_NEAR(a.scores(i, j), s, 1e-5 * (1 + std::fabs(s))) << where;
            z[j] = s * a.scale / a.temperature;
            const bool dropped = a.mask.size() && std::isinf(a.mask(i, j));
            if (dropped) z[j] = -std::numeric_limits<double>::infinity();
            m = std::max(m, z[j]);
        }
        double sum = 0;
        for (long j = 0; j < Tk; ++j) sum += std::isinf(z[j]) ? 0 : std::exp(z[j] - m);
        for (long j = 0; j < Tk; ++j) {
            const double w = std::isinf(z[j]) ? 0 : std::exp(z[j] - m) / sum;
            // float softmax of a row of a few entries: 1e-6 relative; 1e-5 leaves room for SIMD exp
            EXPECT_NEAR(a.weights(i, j), w, 1e-5) << where << " weight (" << i << "," << j << ")";
        }
        for (long k = 0; k < a.values.cols(); ++k) {
            double c = 0;
            for (long j = 0; j < Tk; ++j) c += double(a.weights(i, j)) * a.values(j, k);
            EXPECT_NEAR(a.context(i, k), c, 1e-5 * (1 + std::fabs(c))) << where;
        }
    }
}

TEST(TransformerTraces, EncoderRecordsEveryHeadOfEveryLayer) {
    const Transformer& m = shipped();
    const Translation t = m.translate("the red house", RunOptions{});
    ASSERT_EQ(t.encoder_attention.size(), 8u);
    for (int i = 0; i < 8; ++i) {
        const AttentionTrace& a = t.encoder_attention[i];
        EXPECT_EQ(a.form, "self");
        EXPECT_EQ(a.kind, "scaled_dot");
        EXPECT_EQ(a.layer, i / 4);
        EXPECT_EQ(a.head, i % 4);
        EXPECT_EQ(a.mask_kind, "none");
        EXPECT_FLOAT_EQ(a.scale, 0.25f);  // 1/sqrt(16)
        EXPECT_EQ(a.weights.rows(), 3);
        EXPECT_EQ(a.weights.cols(), 3);
        expect_trace_consistent(a, "encoder call " + std::to_string(i));
    }
}

TEST(TransformerTraces, DecoderStepsRecordCausalSelfAndCrossHeads) {
    const Transformer& m = shipped();
    const Translation t = m.translate("the red house", RunOptions{});
    ASSERT_EQ(t.steps.size(), 4u);
    for (int step = 0; step < 4; ++step) {
        const DecodeStep& s = t.steps[step];
        ASSERT_EQ(s.attention.size(), 16u) << step;  // 2 layers x (4 self + 4 cross)
        for (int i = 0; i < 16; ++i) {
            const AttentionTrace& a = s.attention[i];
            const std::string where = "step " + std::to_string(step) + " call " + std::to_string(i);
            EXPECT_EQ(a.layer, i / 8) << where;
            EXPECT_EQ(a.head, i % 4) << where;
            EXPECT_EQ(a.query.rows(), 1) << where << ": the step's own query row";
            EXPECT_EQ(a.query_offset, step) << where;
            if (i % 8 < 4) {
                EXPECT_EQ(a.form, "causal_self") << where;
                EXPECT_EQ(a.mask_kind, "causal") << where;
                EXPECT_EQ(a.keys.rows(), step + 1) << where << ": <SOS> and the words written so far";
            } else {
                EXPECT_EQ(a.form, "cross") << where;
                EXPECT_EQ(a.keys.rows(), 3) << where;
            }
            EXPECT_NEAR(a.weights.sum(), 1.0f, 1e-5f) << where;
            expect_trace_consistent(a, where);
        }
        EXPECT_EQ(s.probs.size(), static_cast<size_t>(m.target_vocab().size()));
        EXPECT_FLOAT_EQ(s.prob, s.probs[s.token]);
    }
    // Each step reads the previous step's word.
    for (int step = 1; step < 4; ++step) EXPECT_EQ(t.steps[step].input_token, t.steps[step - 1].token);
    EXPECT_EQ(t.steps[0].input_token, Vocab::kSos);
}

TEST(TransformerTraces, ForcedRunRecordsTheCausalMaskOverTheWholeReference) {
    const Transformer& m = shipped();
    const Translation t = m.force("the red house", "la casa roja", RunOptions{});
    ASSERT_EQ(t.steps.size(), 4u);
    for (int step = 0; step < 4; ++step) {
        for (const AttentionTrace& a : t.steps[step].attention) {
            if (a.form != "causal_self") continue;
            ASSERT_EQ(a.keys.rows(), 4);
            ASSERT_EQ(a.mask.cols(), 4);
            for (int j = 0; j < 4; ++j) {
                if (j > step) {
                    EXPECT_TRUE(std::isinf(a.mask(0, j)) && a.mask(0, j) < 0) << "future key " << j << " of step " << step;
                    EXPECT_EQ(a.weights(0, j), 0.0f) << "future key " << j << " of step " << step;
                } else {
                    EXPECT_EQ(a.mask(0, j), 0.0f);
                }
            }
            expect_trace_consistent(a, "forced step " + std::to_string(step));
        }
    }
    // The rows agree with greedy decoding, which never saw the future at all.
    const Translation g = m.translate("the red house", RunOptions{});
    ASSERT_EQ(g.steps.size(), 4u);
    for (int step = 0; step < 4; ++step)
        for (size_t v = 0; v < g.steps[step].probs.size(); ++v)
            EXPECT_NEAR(g.steps[step].probs[v], t.steps[step].probs[v], 1e-5f);
}

TEST(TransformerTraces, RunOptionsChangeTheRun) {
    const Transformer& m = shipped();
    const Translation base = m.translate("the mouse eats the meat", RunOptions{});
    ASSERT_FALSE(base.steps.empty());
    EXPECT_TRUE(base.notes.empty()) << all_notes(base);

    RunOptions hot;
    hot.temperature = 3.0f;
    const Translation h = m.translate("the mouse eats the meat", hot);
    EXPECT_FLOAT_EQ(h.encoder_attention[0].temperature, 3.0f);
    EXPECT_GT((h.encoder_attention[0].weights - base.encoder_attention[0].weights).cwiseAbs().maxCoeff(), 1e-3f);
    EXPECT_TRUE(any_note_contains(h, "trained at temperature 1")) << all_notes(h);
    expect_trace_consistent(h.steps[0].attention[4], "hot cross");

    RunOptions hard;
    hard.normalizer = Normalizer::Hard;
    const Translation hd = m.translate("the mouse eats the meat", hard);
    for (const AttentionTrace& a : hd.encoder_attention)
        for (long i = 0; i < a.weights.rows(); ++i) {
            EXPECT_EQ(a.weights.row(i).maxCoeff(), 1.0f);
            EXPECT_EQ(a.weights.row(i).sum(), 1.0f);
        }
    EXPECT_EQ(hd.encoder_attention[0].normalizer, "hard");
    EXPECT_TRUE(any_note_contains(hd, "trained with soft attention")) << all_notes(hd);

    RunOptions topk;
    topk.normalizer = Normalizer::TopK;
    topk.top_k = 2;
    const Translation tk = m.translate("the mouse eats the meat", topk);
    for (const AttentionTrace& a : tk.encoder_attention)
        for (long i = 0; i < a.weights.rows(); ++i) EXPECT_LE((a.weights.row(i).array() > 0).count(), 2);
    EXPECT_EQ(tk.encoder_attention[0].top_k, 2);
    EXPECT_TRUE(any_note_contains(tk, "top-k")) << all_notes(tk);

    RunOptions unscaled;
    unscaled.scaling = Scaling::Off;
    const Translation u = m.translate("the mouse eats the meat", unscaled);
    EXPECT_EQ(u.encoder_attention[0].scale, 1.0f);
    EXPECT_EQ(base.encoder_attention[0].scale, 0.25f);
    EXPECT_TRUE(any_note_contains(u, "trained with scores scaled by 1/sqrt(16)")) << all_notes(u);
    EXPECT_GT((u.encoder_attention[0].weights - base.encoder_attention[0].weights).cwiseAbs().maxCoeff(), 1e-3f);
    expect_trace_consistent(u.encoder_attention[0], "unscaled encoder");

    RunOptions nudged;
    nudged.nudge_position = 1;
    nudged.nudge_amount = 4.0f;
    const Translation n = m.translate("the mouse eats the meat", nudged);
    EXPECT_GT((n.encoder_attention[0].weights - base.encoder_attention[0].weights).cwiseAbs().maxCoeff(), 1e-3f);

    RunOptions untraced;
    untraced.record_trace = false;
    const Translation q = m.translate("the mouse eats the meat", untraced);
    EXPECT_TRUE(q.encoder_attention.empty());
    EXPECT_TRUE(q.steps[0].attention.empty());
    EXPECT_EQ(q.output_text, base.output_text);
    // untraced attention runs the fused kernel, traced the staged passes: rounding may differ a little
    EXPECT_LT(max_logit_difference(q, base), 1e-4);
}

// ---------------------------------------------------------------------------------------------------
// bad input

TEST(TransformerInput, EmptyInputGivesNoStepsAndANote) {
    for (const char* text : {"", "   ", "\t\n"}) {
        const Translation t = shipped().translate(text, RunOptions{});
        EXPECT_TRUE(t.steps.empty()) << "'" << text << "'";
        EXPECT_TRUE(t.output_text.empty());
        EXPECT_TRUE(any_note_contains(t, "empty input")) << all_notes(t);
    }
}

TEST(TransformerInput, UnknownWordsAreReadAsUnkAndReported) {
    const Translation t = shipped().translate("the zorblax house", RunOptions{});
    ASSERT_EQ(t.unknown.size(), 1u);
    EXPECT_EQ(t.unknown[0].word, "zorblax");
    EXPECT_EQ(t.unknown[0].position, 1u);
    EXPECT_EQ(t.unknown[0].byte_begin, 4u);
    EXPECT_EQ(t.unknown[0].byte_end, 11u);
    EXPECT_EQ(t.source_ids[1], Vocab::kUnk);
    EXPECT_FALSE(t.steps.empty());
    EXPECT_TRUE(any_note_contains(t, "'zorblax'")) << all_notes(t);
}

TEST(TransformerInput, OverLongInputIsCut) {
    std::string text;
    for (int i = 0; i < 40; ++i) text += "the red house ";
    const Translation t = shipped().translate(text, RunOptions{});
    EXPECT_TRUE(t.truncated);
    EXPECT_EQ(t.max_source_tokens, shipped().max_source_tokens());
    EXPECT_EQ(static_cast<int>(t.source_tokens.size()), shipped().max_source_tokens());
    EXPECT_LE(static_cast<int>(t.steps.size()), RunOptions{}.max_output_tokens);
    EXPECT_EQ(t.encoder_attention[0].keys.rows(), shipped().max_source_tokens());
    EXPECT_TRUE(any_note_contains(t, "reads the first")) << all_notes(t);
    EXPECT_FALSE(shipped().translate("the red house", RunOptions{}).truncated);
}

TEST(TransformerInput, CaseAndUnknownPunctuationDoNotChangeTheTranslation) {
    const Translation plain = shipped().translate("i love you", RunOptions{});
    const Translation loud = shipped().translate("I Love You!", RunOptions{});
    EXPECT_EQ(loud.output_text, plain.output_text);
    EXPECT_EQ(loud.source_ids, plain.source_ids);
    EXPECT_TRUE(any_note_contains(loud, "set aside: '!'")) << all_notes(loud);
}

TEST(TransformerInput, AnyBytesAreAccepted) {
    const Translation bad = shipped().translate("the \xff\xfe house \xc3", RunOptions{});
    EXPECT_FALSE(bad.steps.empty());
    ASSERT_FALSE(bad.unknown.empty());
    EXPECT_EQ(bad.unknown[0].word, "\xEF\xBF\xBD");  // U+FFFD, one per invalid byte
    Rng rng(91);
    for (int k = 0; k < 40; ++k) {
        std::string bytes(rng.next_u64() % 40, '\0');
        for (char& c : bytes) c = static_cast<char>(rng.next_u64() & 0xff);
        RunOptions o;
        o.record_trace = (k % 2) == 0;
        EXPECT_NO_THROW(shipped().translate(bytes, o));
        EXPECT_NO_THROW(shipped().force(bytes, bytes, o));
    }
}

TEST(TransformerInput, ImpossibleOptionsAreNotesNotCrashes) {
    RunOptions o;
    o.temperature = 0.0f;
    EXPECT_TRUE(any_note_contains(shipped().translate("the red house", o), "temperature"));
    o.temperature = std::nanf("");  // replaced by 1, with a note (translate_outline.h's policy)
    const Translation nan_run = shipped().translate("the red house", o);
    EXPECT_FALSE(nan_run.steps.empty());
    EXPECT_TRUE(any_note_contains(nan_run, "using 1")) << all_notes(nan_run);
    o = RunOptions{};
    o.temperature = 1e-38f;  // the scaled scores overflow
    EXPECT_NO_THROW(shipped().translate("the red house", o));
    o = RunOptions{};
    o.normalizer = Normalizer::TopK;
    o.top_k = 0;
    EXPECT_TRUE(any_note_contains(shipped().translate("the red house", o), "top_k"));
    o = RunOptions{};
    o.max_output_tokens = 0;  // raised to 1, with a note
    const Translation one = shipped().translate("the red house", o);
    EXPECT_EQ(one.steps.size(), 1u);
    EXPECT_TRUE(any_note_contains(one, "max_output_tokens 0")) << all_notes(one);
    o.max_output_tokens = 2;
    const Translation cut = shipped().translate("the tall girl sees the black dog", o);
    EXPECT_EQ(cut.steps.size(), 2u);
    EXPECT_TRUE(any_note_contains(cut, "no <EOS>")) << all_notes(cut);
    o = RunOptions{};
    o.nudge_position = 99;
    o.nudge_amount = 1.0f;
    EXPECT_TRUE(any_note_contains(shipped().translate("the red house", o), "nudge position 99"));
}

// ---------------------------------------------------------------------------------------------------
// the machinery, on tiny models

TransformerConfig tiny_config() {
    TransformerConfig c;
    c.d_model = 8;
    c.heads = 2;
    c.encoder_layers = 2;
    c.decoder_layers = 2;
    c.ff_hidden = 12;
    c.max_source_tokens = 6;
    return c;
}

Transformer tiny_model(uint64_t seed) {
    const Vocab src = Vocab::from_words({"let's", "go", "to", "the", "house"});
    const Vocab tgt = Vocab::from_words({"vamos", "ir", "a", "la", "casa", "al"});
    Rng rng(seed);
    TransformerWeights w = transformer_init(rng, tiny_config(), src.size(), tgt.size());
    ModelInfo info;
    info.name = "tiny";
    info.description = "a tiny transformer for tests";
    return Transformer(info, src, tgt, tiny_config(), std::move(w));
}

// The training's SIMD path (the backward's products on the Simd kernels: attention, feed-forward, the tied
// output layer) gives the scalar path's gradients within float rounding, on widths past a vector.
TEST(TransformerModel, SimdGradientsAgreeWithScalar) {
    TransformerConfig c = tiny_config();
    c.d_model = 12;  // 3 vectors of 4, heads of 6: leftovers in the per-head products
    c.ff_hidden = 18;
    Rng rng(82);
    TransformerWeights w = transformer_init(rng, c, 9, 10);
    const std::vector<int> src{4, 7, 5, 8}, tgt{6, 4, 9};
    TransformerGrads gs, gv;
    gs.zero_like(w);
    gv.zero_like(w);
    const double ls = transformer_loss(w, transformer_training_attention(c, Backend::Scalar), src, tgt, &gs);
    const double lv = transformer_loss(w, transformer_training_attention(c, Backend::Simd), src, tgt, &gv);
    EXPECT_NEAR(lv, ls, 1e-5 * ls);
    const ParamList ps = transformer_params(w, gs), pv = transformer_params(w, gv);
    ASSERT_EQ(ps.size(), pv.size());
    double worst = 0.0;
    for (size_t k = 0; k < ps.size(); ++k) {
        // A key's bias adds q . b to every key's score alike, which the softmax does not see: its gradient
        // is zero up to rounding (1e-9 here), nothing to compare.
        const std::string& name = ps[k].name;
        if (name.size() > 6 && name.compare(name.size() - 6, 6, ".key.b") == 0) continue;
        float largest = 0.0f, diff = 0.0f;
        for (long i = 0; i < ps[k].size; ++i) {
            largest = std::max(largest, std::fabs(ps[k].grad[i]));
            diff = std::max(diff, std::fabs(ps[k].grad[i] - pv[k].grad[i]));
        }
        EXPECT_GT(largest, 1e-6f) << ps[k].name;  // every tensor gets a gradient to compare
        EXPECT_LE(diff, 3e-4f * largest + 1e-6f) << ps[k].name;
        worst = std::max(worst, double(diff) / largest);
    }
    std::printf("[ info ] largest Simd - Scalar gradient difference: %.2g of its tensor's largest entry\n", worst);
}

TEST(TransformerModel, WholeLossGradientMatchesFiniteDifferences) {
    const TransformerConfig c = tiny_config();
    Rng rng(81);
    TransformerWeights w = transformer_init(rng, c, 9, 10);
    // Move every parameter off its initial value (norms off 1 / 0, biases off 0) so that no
    // gradient is checked only at a special point.
    TransformerGrads g;
    g.zero_like(w);
    for (const ParamGrad& p : transformer_params(w, g))
        for (long i = 0; i < p.size; ++i) p.param[i] += 0.2f * rng.normal();
    const TransformerAttention a = transformer_training_attention(c, Backend::Scalar);
    const std::vector<int> src{4, 7, 5, 8}, tgt{6, 4, 9};
    g.zero_like(w);
    const double loss0 = transformer_loss(w, a, src, tgt, &g);
    EXPECT_GT(loss0, 0.5);
    auto loss = [&]() { return transformer_loss(w, a, src, tgt); };
    const ParamList params = transformer_params(w, g);
    EXPECT_EQ(params.size(), 3u + 2 * 16 + 2 + 2 * 26 + 2);
    // A sample of every tensor: 3 random entries, and for the embeddings the rows this example reads
    // (the tied target table gets gradient both as input and as output projection).
    struct Entry {
        const ParamGrad* p;
        long i;
    };
    std::vector<Entry> entries;
    for (const ParamGrad& p : params) {
        for (int k = 0; k < 3; ++k) entries.push_back({&p, static_cast<long>(rng.next_u64() % p.size)});
        if (p.name == "src_embed") entries.push_back({&p, 7L * c.d_model + 3});
        if (p.name == "tgt_embed") {
            entries.push_back({&p, long(Vocab::kSos) * c.d_model + 1});
            entries.push_back({&p, 4L * c.d_model + 6});
        }
    }
    double norm2 = 0;
    for (const Entry& e : entries) {
        const double analytic = e.p->grad[e.i];
        float* x = e.p->param + e.i;
        const float saved = *x;
        // eps 1e-2 (gradcheck.h): the loss is a float computation of size ~2, one ulp of it over
        // 2 eps is 1.2e-5. Measured worst |analytic - numeric|: 2.1e-4 (src_embed, whose entries are
        // scaled by sqrt(d) before use, so the step is effectively 2.8x larger and so is truncation);
        // with eps 2e-3 rounding dominates instead (1.2e-4 steps). Tolerance 5e-4 + 2e-3 |numeric|:
        // 2.5x headroom, and a gradient 10% off (tried: out_bias scaled by 0.9) fails.
        *x = saved + 1e-2f;
        const double lp = loss();
        *x = saved - 1e-2f;
        const double lm = loss();
        *x = saved;
        const double numeric = (lp - lm) / 2e-2;
        EXPECT_NEAR(analytic, numeric, 5e-4 + 2e-3 * std::fabs(numeric)) << e.p->name << "[" << e.i << "]";
        norm2 += numeric * numeric;
    }
    EXPECT_GT(std::sqrt(norm2), 0.1) << "the sampled gradient is not trivially zero";
}

TEST(TransformerModel, ShortTrainingIsDeterministicAndLearns) {
    const std::vector<Pair> pairs = load_pairs(ATTN_ASSETS_DIR "/data/en-es.train.tsv");
    std::vector<std::string> sources, targets;
    for (size_t i = 0; i < pairs.size(); i += 150) {  // 48 pairs across the templates
        sources.push_back(pairs[i].source);
        targets.push_back(pairs[i].target);
    }
    const Vocab vs = Vocab::from_corpus(sources), vt = Vocab::from_corpus(targets);
    TransformerConfig c = tiny_config();
    c.d_model = 16;
    c.encoder_layers = 1;
    c.decoder_layers = 1;
    c.ff_hidden = 16;
    auto run = [&](TransformerWeights& w) {
        TransformerGrads g;
        g.zero_like(w);
        const ParamList params = transformer_params(w, g);
        const TransformerAttention a = transformer_training_attention(c, Backend::Simd);
        TrainConfig tc;
        tc.seed = 5;
        tc.epochs = 25;
        tc.batch_size = 4;  // 12 steps an epoch, 300 steps
        tc.adam.lr = 3e-3f;
        tc.adam.max_grad_norm = 1.0f;
        return train_loop(tc, params, static_cast<int>(sources.size()), [&](int i) {
            return transformer_loss(w, a, encode_text(vs, sources[i]).ids, encode_text(vt, targets[i]).ids, &g);
        });
    };
    Rng r1(3), r2(3);
    TransformerWeights w1 = transformer_init(r1, c, vs.size(), vt.size());
    TransformerWeights w2 = transformer_init(r2, c, vs.size(), vt.size());
    const TrainLog a = run(w1), b = run(w2);
    ASSERT_EQ(a.steps, 300);
    ASSERT_EQ(a.step_losses.size(), b.step_losses.size());
    for (size_t i = 0; i < a.step_losses.size(); ++i) ASSERT_EQ(a.step_losses[i], b.step_losses[i]) << "step " << i;
    TransformerGrads g1, g2;
    const ParamList p1 = transformer_params(w1, g1), p2 = transformer_params(w2, g2);
    for (size_t k = 0; k < p1.size(); ++k)
        EXPECT_EQ(0, std::memcmp(p1[k].param, p2[k].param, sizeof(float) * p1[k].size)) << p1[k].name;
    double first = 0, last = 0;
    for (int i = 0; i < 12; ++i) first += a.step_losses[i] / 12;
    for (int i = a.steps - 12; i < a.steps; ++i) last += a.step_losses[i] / 12;
    EXPECT_LT(last, 0.5 * first) << "first epoch " << first << ", last epoch " << last;
}

// --- the loader

std::vector<uint8_t> tiny_bytes() { return safetensors_serialize(transformer_to_file(tiny_model(1))); }
SafetensorsFile parse(const std::vector<uint8_t>& b) { return safetensors_parse(b.data(), b.size(), "tiny.safetensors"); }

// The FormatError of loading f, or "" when it loads.
std::string load_error(const SafetensorsFile& f) {
    try {
        load_transformer(f);
    } catch (const FormatError& e) {
        return e.what();
    }
    return "";
}

TEST(TransformerFile, RoundTripKeepsEveryNumber) {
    const Transformer m = tiny_model(1);
    const std::unique_ptr<Transformer> back = transformer_from_file(parse(tiny_bytes()));
    EXPECT_EQ(back->info().name, "tiny");
    EXPECT_EQ(back->config().ff_hidden, 12);
    EXPECT_EQ(back->source_vocab().words(), m.source_vocab().words());
    EXPECT_EQ(back->target_vocab().words(), m.target_vocab().words());
    expect_same_logits(back->force("let's go to the house", "vamos a la casa", RunOptions{}),
                       m.force("let's go to the house", "vamos a la casa", RunOptions{}));
}

TEST(TransformerFile, TruncatedFileNamesTheFile) {
    std::vector<uint8_t> b = tiny_bytes();
    b.resize(b.size() - 7);
    try {
        load_transformer(parse(b));
        FAIL() << "a truncated file loaded";
    } catch (const FormatError& e) {
        EXPECT_TRUE(contains(e.what(), "tiny.safetensors")) << e.what();
    }
}

TEST(TransformerFile, WrongShapeNamesTensorExpectedAndFound) {
    SafetensorsFile f = parse(tiny_bytes());
    for (StoredTensor& t : f.tensors)
        if (t.name == "dec.1.cross.key.W") {
            t.shape = {8, 7};
            t.bytes.resize(8 * 7 * 4);
        }
    const std::string e = load_error(f);
    EXPECT_TRUE(contains(e, "dec.1.cross.key.W")) << e;
    EXPECT_TRUE(contains(e, "tiny.safetensors")) << e;
    EXPECT_TRUE(contains(e, "expected shape [8, 8]")) << e;
    EXPECT_TRUE(contains(e, "found [8, 7]")) << e;
}

TEST(TransformerFile, MissingAndUnexpectedTensorsAreNamed) {
    SafetensorsFile f = parse(tiny_bytes());
    f.tensors.erase(std::remove_if(f.tensors.begin(), f.tensors.end(),
                                   [](const StoredTensor& t) { return t.name == "enc.0.ff.up.b"; }),
                    f.tensors.end());
    std::string e = load_error(f);
    EXPECT_TRUE(contains(e, "'enc.0.ff.up.b' not found in tiny.safetensors")) << e;

    SafetensorsFile g = parse(tiny_bytes());
    const float one = 1.0f;
    g.add_f32("dec.2.self.query.W", {1}, &one);
    e = load_error(g);
    EXPECT_TRUE(contains(e, "'dec.2.self.query.W'")) << e;
    EXPECT_TRUE(contains(e, "unexpected")) << e;
}

TEST(TransformerFile, WrongArchitectureConfigAndValuesAreNamed) {
    SafetensorsFile f = parse(tiny_bytes());
    f.metadata["architecture"] = "seq2seq_lstm";
    std::string e = load_error(f);
    EXPECT_TRUE(contains(e, "tiny.safetensors")) << e;
    EXPECT_TRUE(contains(e, "'seq2seq_lstm', expected 'transformer'")) << e;

    f = parse(tiny_bytes());
    nlohmann::json config = nlohmann::json::parse(f.metadata["config"]);
    config["heads"] = 3;
    f.metadata["config"] = config.dump();
    e = load_error(f);
    EXPECT_TRUE(contains(e, "metadata config")) << e;
    EXPECT_TRUE(contains(e, "heads = 3 does not divide d_model = 8")) << e;

    config["heads"] = 2;
    config["norm"] = "post";
    f.metadata["config"] = config.dump();
    e = load_error(f);
    EXPECT_TRUE(contains(e, "'norm' is \"post\"")) << e;

    f = parse(tiny_bytes());
    f.metadata["config"] = "{\"d_model\": 8";
    EXPECT_TRUE(contains(load_error(f), "not valid JSON"));

    f = parse(tiny_bytes());
    f.metadata["parameter_count"] = "12";
    e = load_error(f);
    EXPECT_TRUE(contains(e, "parameter_count is 12")) << e;

    f = parse(tiny_bytes());
    for (StoredTensor& t : f.tensors)
        if (t.name == "enc.norm.gamma") {
            const float nan = std::nanf("");
            std::memcpy(t.bytes.data() + 4 * 3, &nan, 4);
        }
    e = load_error(f);
    EXPECT_TRUE(contains(e, "'enc.norm.gamma'")) << e;
    EXPECT_TRUE(contains(e, "finite")) << e;
    EXPECT_TRUE(contains(e, "index 3")) << e;

    f = parse(tiny_bytes());
    f.metadata.erase("vocab_tgt");
    e = load_error(f);
    EXPECT_TRUE(contains(e, "vocab_tgt")) << e;
}

}  // namespace
}  // namespace attn
