// test_models_sensor.cpp: the shipped "sensor" model (seed 000's LSTM + attention pooling): its shapes
// and the pooling's 4,225 parameters, the bars on held-out data (accuracy, attention on the event), the
// stored metrics against a fresh evaluation, the page's run against a double recomputation, batch
// against single runs; and on tiny models: the whole loss's gradient by finite differences, training
// determinism, the loader's errors, bad input.
#include "core/check.h"
#include "core/format_error.h"
#include "core/rng.h"
#include "gradcheck.h"
#include "models/sensor_model.h"
#include "train/trainer.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <numeric>
#include <string>
#include <vector>

namespace attn {
namespace {

const std::string kShippedPath = std::string(ATTN_ASSETS_DIR) + "/models/sensor.safetensors";

const SensorModel& shipped() {
    static const SensorModel m = load_sensor_model(kShippedPath);
    return m;
}

// The test subset, evaluated once for every test that needs it (Scalar kernels, as the recipe stored it).
const SensorEvaluation& fresh_subset_evaluation() {
    static const SensorEvaluation e =
        evaluate_sensor_model(shipped(), kSensorDataSeed, kSensorHeldOutFirst, kSensorTestSubsetCount, Backend::Scalar);
    return e;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// ---- the shipped model ---------------------------------------------------------------------------

TEST(SensorModel, PoolingHas4225ParametersAndTheFileHasTheSeedsShapes) {
    const SensorModel& m = shipped();
    EXPECT_EQ(m.info.architecture, "sensor_lstm_pool");
    EXPECT_EQ(m.config.hidden, 64);
    EXPECT_EQ(m.config.steps, 100);
    EXPECT_EQ(m.config.channels, 4);
    EXPECT_EQ(m.config.classes, 5);
    const SensorParameterCounts n = sensor_parameter_counts(m);
    EXPECT_EQ(n.pool_proj, 64 * 64 + 64);  // 4,160: Linear 64 -> 64
    EXPECT_EQ(n.pool_score, 64 + 1);       // 65: Linear 64 -> 1
    EXPECT_EQ(n.pool, 4225);
    EXPECT_EQ(n.lstm, 4 * 64 * (4 + 64) + 2 * 4 * 64);  // 17,920
    EXPECT_EQ(n.classifier, 5 * 64 + 5);
    EXPECT_EQ(n.total, n.lstm + n.pool + n.classifier);
    EXPECT_EQ(m.info.parameter_count, n.total);

    // the raw file, tensor by tensor, against the seed's shapes (PyTorch's [out, in])
    const SafetensorsFile f = safetensors_load(kShippedPath);
    const std::vector<std::pair<std::string, std::vector<int64_t>>> expected = {
        {"lstm.weight_ih_l0", {256, 4}},    {"lstm.weight_hh_l0", {256, 64}}, {"lstm.bias_ih_l0", {256}},
        {"lstm.bias_hh_l0", {256}},         {"attention.proj.weight", {64, 64}}, {"attention.proj.bias", {64}},
        {"attention.score.weight", {1, 64}}, {"attention.score.bias", {1}},   {"classifier.weight", {5, 64}},
        {"classifier.bias", {5}}};
    ASSERT_EQ(f.tensors.size(), expected.size());
    for (const auto& [name, shape] : expected) {
        const StoredTensor* t = f.find(name);
        ASSERT_NE(t, nullptr) << name;
        EXPECT_EQ(t->dtype, DType::F32) << name;
        EXPECT_EQ(t->shape, shape) << name;
    }
    // the page reads the counts from a run
    const SensorSampleRun r = sensor_model_run_sample(m, kSensorDataSeed, kSensorHeldOutFirst);
    EXPECT_EQ(r.run.parameters.pool_proj, 4160);
    EXPECT_EQ(r.run.parameters.pool_score, 65);
    EXPECT_EQ(r.run.parameters.pool, 4225);
}

TEST(SensorModel, FileIsWithinItsSizeBudget) {
    const std::vector<uint8_t> bytes = safetensors_serialize(safetensors_load(kShippedPath));
    EXPECT_LE(bytes.size(), 250u * 1024u);
}

TEST(SensorModel, HeldOutSubsetMeetsTheBars) {
    const SensorEvaluation& e = fresh_subset_evaluation();
    EXPECT_EQ(e.samples, kSensorTestSubsetCount);
    EXPECT_GE(e.accuracy, 0.90) << e.correct << "/" << e.samples;
    // every class but "normal" has a localized event window
    EXPECT_EQ(e.localized, e.samples - e.class_samples[static_cast<int>(SensorEvent::Normal)]);
    EXPECT_GT(e.localized, kSensorTestSubsetCount / 2);
    EXPECT_GE(e.attention_near_event, 0.5);
}

TEST(SensorModel, StoredMetricsEqualAFreshEvaluation) {
    const nlohmann::json metrics = nlohmann::json::parse(shipped().info.metrics_json);
    const nlohmann::json& stored = metrics.at("test_subset");
    const SensorEvaluation& e = fresh_subset_evaluation();
    EXPECT_EQ(stored.at("first_index").get<uint64_t>(), kSensorHeldOutFirst);
    EXPECT_EQ(stored.at("samples").get<int>(), e.samples);
    EXPECT_EQ(stored.at("correct").get<int>(), e.correct);
    EXPECT_EQ(stored.at("accuracy").get<double>(), e.accuracy);
    EXPECT_EQ(stored.at("localized_samples").get<int>(), e.localized);
    // Natively the same code gives the same bits (measured difference 0); under wasm the generator's
    // sin/exp/log (another libm) and the kernels' rounding differ in the last float bits: measured 2.4e-9.
    EXPECT_NEAR(stored.at("attention_near_event").get<double>(), e.attention_near_event, 1e-6);
    for (int k = 0; k < kSensorEventCount; ++k) {
        const nlohmann::json& c = stored.at("per_class").at(shipped().class_names[k]);
        EXPECT_EQ(c.at("samples").get<int>(), e.class_samples[k]) << k;
        EXPECT_EQ(c.at("accuracy").get<double>(), double(e.class_correct[k]) / e.class_samples[k]) << k;
    }
    // the full held-out figures are stored beside them, over the documented range
    const nlohmann::json& full = metrics.at("held_out");
    EXPECT_EQ(full.at("first_index").get<uint64_t>(), kSensorHeldOutFirst);
    EXPECT_EQ(full.at("samples").get<int>(), kSensorHeldOutCount);
    EXPECT_GE(full.at("accuracy").get<double>(), 0.90);
    EXPECT_GE(full.at("attention_near_event").get<double>(), 0.5);
    // training indices never reach the held-out range
    const nlohmann::json training = nlohmann::json::parse(shipped().info.training_json);
    EXPECT_LE(training.at("train_first_index").get<uint64_t>() + training.at("train_count").get<uint64_t>(),
              kSensorTrainIndexLimit);
    EXPECT_LE(kSensorTrainIndexLimit, kSensorHeldOutFirst);
}

// The page's run of one sample, recomputed in double from the model's weights, stage by stage.
TEST(SensorModel, RunOfASampleMatchesADoubleRecomputation) {
    const SensorModel& m = shipped();
    const int T = 100, H = 64, K = 5;
    SensorRunOptions o;
    o.backend = Backend::Scalar;
    const SensorSampleRun s = sensor_model_run_sample(m, kSensorDataSeed, kSensorHeldOutFirst + 3, o);
    const SensorRun& r = s.run;
    const SensorSample expected_sample = generate_sensor_sample(kSensorDataSeed, kSensorHeldOutFirst + 3);
    EXPECT_TRUE(s.sample.values == expected_sample.values);
    EXPECT_TRUE(r.values == expected_sample.values);
    ASSERT_EQ(r.inputs.rows(), T);
    ASSERT_EQ(r.lstm_out.rows(), T);
    ASSERT_EQ(r.lstm_out.cols(), H);

    // pass 0: normalization with the file's statistics
    for (int t = 0; t < T; ++t)
        for (int c = 0; c < 4; ++c)
            EXPECT_NEAR(r.inputs(t, c), (double(r.values(t, c)) - m.norm_mean[c]) / m.norm_std[c], 1e-5);
    // the LSTM, in double from the same inputs
    const LstmCell& cell = m.lstm.layers[0];
    Eigen::VectorXd h = Eigen::VectorXd::Zero(H), c = Eigen::VectorXd::Zero(H);
    double worst_h = 0.0;
    for (int t = 0; t < T; ++t) {
        const Eigen::VectorXd pre = cell.W_ih.cast<double>() * r.inputs.row(t).transpose().cast<double>() +
                                    cell.b_ih.cast<double>() + cell.W_hh.cast<double>() * h + cell.b_hh.cast<double>();
        auto sig = [](double z) { return 1.0 / (1.0 + std::exp(-z)); };
        for (int u = 0; u < H; ++u) {
            const double i = sig(pre[u]), f = sig(pre[H + u]), g = std::tanh(pre[2 * H + u]), og = sig(pre[3 * H + u]);
            c[u] = f * c[u] + i * g;
            h[u] = og * std::tanh(c[u]);
            worst_h = std::max(worst_h, std::fabs(h[u] - r.lstm_out(t, u)));
        }
    }
    // float against double through 100 recurrent steps: measured 2e-6; 1e-4 leaves room for other compilers
    EXPECT_LT(worst_h, 1e-4);

    // passes 1-6 from the run's own LSTM outputs
    const AttentionTrace& a = r.attention;
    EXPECT_EQ(a.form, "pool");
    ASSERT_EQ(a.weights.rows(), 1);
    ASSERT_EQ(a.weights.cols(), T);
    ASSERT_EQ(a.energies.size(), 1u);
    ASSERT_EQ(a.energies[0].rows(), T);
    ASSERT_EQ(a.energies[0].cols(), H);
    EXPECT_TRUE(a.keys == r.lstm_out);
    Eigen::VectorXd score(T);
    for (int t = 0; t < T; ++t) {
        const Eigen::VectorXd e = (m.pool.proj.W.cast<double>() * r.lstm_out.row(t).transpose().cast<double>() +
                                   m.pool.proj.b.cast<double>())
                                      .array()
                                      .tanh()
                                      .matrix();
        score[t] = m.pool.score.W.row(0).cast<double>().dot(e) + m.pool.score.b[0];
        EXPECT_NEAR(a.scores(0, t), score[t], 1e-4) << t;
    }
    const Eigen::VectorXd w = (score.array() - score.maxCoeff()).exp().matrix() / (score.array() - score.maxCoeff()).exp().sum();
    Eigen::VectorXd context = Eigen::VectorXd::Zero(H);
    for (int t = 0; t < T; ++t) {
        EXPECT_NEAR(a.weights(0, t), w[t], 1e-5) << t;
        context += w[t] * r.lstm_out.row(t).transpose().cast<double>();
    }
    for (int u = 0; u < H; ++u) EXPECT_NEAR(a.context(0, u), context[u], 1e-5) << u;
    // pass 7: the class distribution
    const Eigen::VectorXd logits = m.classifier.W.cast<double>() * context + m.classifier.b.cast<double>();
    const Eigen::VectorXd p = (logits.array() - logits.maxCoeff()).exp().matrix() / (logits.array() - logits.maxCoeff()).exp().sum();
    ASSERT_EQ(r.probs.size(), size_t(K));
    int best = 0;
    for (int k = 0; k < K; ++k) {
        EXPECT_NEAR(r.logits[k], logits[k], 1e-4) << k;
        EXPECT_NEAR(r.probs[k], p[k], 1e-5) << k;
        if (p[k] > p[best]) best = k;
    }
    EXPECT_EQ(r.predicted, best);
    EXPECT_EQ(r.predicted_name, m.class_names[best]);
    // the attention near the event, by hand
    double near = 0.0;
    for (int t = 0; t < T; ++t)
        if (t >= s.sample.event_start - 5 && t < s.sample.event_start + s.sample.event_width + 5) near += a.weights(0, t);
    EXPECT_NEAR(s.attention_near_event, s.sample.event_width > 0 ? near : 0.0, 1e-12);
}

TEST(SensorModel, BatchAgreesWithSingleRunsOnEveryBackend) {
    const SensorModel& m = shipped();
    const int B = 3, T = 100;
    Mat values(B * T, 4);
    std::vector<SensorSample> samples;
    for (int b = 0; b < B; ++b) {
        samples.push_back(generate_sensor_sample(kSensorDataSeed, kSensorHeldOutFirst + 10 + b));
        values.middleRows(b * T, T) = samples.back().values;
    }
    for (Backend backend : {Backend::Scalar, Backend::Simd}) {
        const SensorBatch batch = sensor_model_classify_batch(m, values, backend);
        ASSERT_EQ(batch.probs.rows(), B);
        ASSERT_EQ(batch.weights.cols(), T);
        for (int b = 0; b < B; ++b) {
            SensorRunOptions o;
            o.backend = backend;
            const SensorRun r = sensor_model_run(m, samples[b].values, o);
            EXPECT_EQ(batch.predicted[b], r.predicted) << backend_name(backend) << " " << b;
            // the batch runs the fused pooling kernel, the single run the staged one: rounding differs
            for (int k = 0; k < 5; ++k) EXPECT_NEAR(batch.probs(b, k), r.probs[k], 1e-5) << b << " " << k;
            for (int t = 0; t < T; ++t) EXPECT_NEAR(batch.weights(b, t), r.attention.weights(0, t), 1e-6) << b << " " << t;
        }
    }
}

// ---- tiny models: gradients, training, the file -------------------------------------------------

SensorModel tiny_model(uint64_t seed, int steps = 6, int hidden = 5) {
    SensorModelConfig c;
    c.steps = steps;
    c.hidden = hidden;
    Vec mean(4), std(4);
    mean << 1.0f, -2.0f, 0.5f, 0.0f;
    std << 2.0f, 1.0f, 0.5f, 3.0f;
    return sensor_model_init(c, seed, mean, std);
}

TEST(SensorModel, WholeLossGradientMatchesFiniteDifferences) {
    SensorModel m = tiny_model(11);
    // sharper attention than PyTorch's initialization gives, so that the pooling's gradients are not
    // dwarfed by the tolerance (at init the weights over 6 steps are nearly uniform)
    m.pool.proj.W *= 3.0f;
    m.pool.score.W *= 4.0f;
    Rng rng(12);
    const Mat x = 1.5f * rng.normal_mat(m.config.steps, 4);
    for (int target : {0, 3}) {
        SensorModelGrad g;
        g.zero_like(m);
        const double loss = sensor_model_loss(m, x, target, &g);
        EXPECT_NEAR(loss, sensor_model_loss(m, x, target), 1e-6);  // the backward's forward is the same loss
        // the analytic gradients, copied: the check perturbs the parameters in place
        SensorModelGrad scratch;
        scratch.zero_like(m);
        const ParamList params = sensor_model_params(m, scratch);
        const ParamList analytic = sensor_model_params(m, g);
        ASSERT_EQ(params.size(), 10u);
        for (size_t i = 0; i < params.size(); ++i) {
            const double norm = std::sqrt(
                std::inner_product(analytic[i].grad, analytic[i].grad + analytic[i].size, analytic[i].grad, 0.0));
            if (params[i].name == "attention.score.bias") {
                // it adds the same number to every time step's score, and the softmax over time does not
                // see a shift: its gradient is zero (float rounding of 1e-9 measured), and the check
                // below confirms that moving it changes nothing
                EXPECT_LT(norm, 1e-6) << params[i].name;
            } else {
                EXPECT_GT(norm, 1e-3) << params[i].name << ": a zero gradient would pass any check";
            }
            // every entry of every tensor (the tiny model has 286 parameters)
            testing::expect_grad_near(params[i].name.c_str(), params[i].param, params[i].size, analytic[i].grad,
                                      [&] { return sensor_model_loss(m, x, target); }, testing::kTightGrad.eps,
                                      testing::kTightGrad.rtol, testing::kTightGrad.atol);
        }
    }
}

// The SIMD path's backward (LSTM, pooling, classifier on the Simd kernels) gives the scalar path's
// gradients within float rounding, at the page's hidden size over the generator's 100 steps.
TEST(SensorModel, SimdGradientsAgreeWithScalar) {
    SensorModel m = tiny_model(13, kSensorSteps, 32);
    const SensorSample s = generate_sensor_sample(kSensorDataSeed, 3);
    const Mat x = normalize_sensor_values(s.values);
    SensorModelGrad gs, gv;
    gs.zero_like(m);
    gv.zero_like(m);
    const double ls = sensor_model_loss(m, x, static_cast<int>(s.event), &gs, Backend::Scalar);
    const double lv = sensor_model_loss(m, x, static_cast<int>(s.event), &gv, Backend::Simd);
    EXPECT_NEAR(lv, ls, 1e-5 * ls);
    const ParamList ps = sensor_model_params(m, gs), pv = sensor_model_params(m, gv);
    double worst = 0.0;
    for (size_t k = 0; k < ps.size(); ++k) {
        if (ps[k].name == "attention.score.bias") continue;  // zero up to rounding (see above): nothing to compare
        float largest = 0.0f, diff = 0.0f;
        for (long i = 0; i < ps[k].size; ++i) {
            largest = std::max(largest, std::fabs(ps[k].grad[i]));
            diff = std::max(diff, std::fabs(ps[k].grad[i] - pv[k].grad[i]));
        }
        EXPECT_GT(largest, 0.0f) << ps[k].name;
        EXPECT_LE(diff, 3e-4f * largest + 1e-6f) << ps[k].name;
        worst = std::max(worst, double(diff) / largest);
    }
    std::printf("[ info ] largest Simd - Scalar gradient difference: %.2g of its tensor's largest entry\n", worst);
}

struct ShortRun {
    TrainLog log;
    SensorModel model;
};

// A short run of the recipe's training on real generator samples, at a small hidden size.
ShortRun short_training_run() {
    const int n = 96;
    std::vector<Mat> values;
    std::vector<int> labels;
    for (int i = 0; i < n; ++i) {
        SensorSample s = generate_sensor_sample(kSensorDataSeed, i);
        values.push_back(s.values);
        labels.push_back(static_cast<int>(s.event));
    }
    Vec mean, std;
    sensor_normalization_stats(values, &mean, &std);
    SensorModelConfig c;
    c.hidden = 12;
    ShortRun run{{}, sensor_model_init(c, 5, mean, std)};
    std::vector<Mat> inputs;
    for (const Mat& v : values) inputs.push_back(sensor_model_normalize(run.model, v));
    SensorModelGrad g;
    g.zero_like(run.model);
    TrainConfig tc;
    tc.seed = 9;
    tc.epochs = 4;
    tc.batch_size = 8;
    tc.adam.lr = 1e-2f;
    tc.adam.max_grad_norm = 1.0f;
    run.log = train_loop(tc, sensor_model_params(run.model, g), n, [&](int i) {
        return sensor_model_loss(run.model, inputs[i], labels[i], &g, Backend::Simd);
    });
    return run;
}

TEST(SensorModel, TrainingIsDeterministicAndItsLossFalls) {
    const ShortRun a = short_training_run(), b = short_training_run();
    ASSERT_EQ(a.log.steps, 4 * 12);
    ASSERT_EQ(a.log.step_losses.size(), b.log.step_losses.size());
    for (size_t i = 0; i < a.log.step_losses.size(); ++i) EXPECT_EQ(a.log.step_losses[i], b.log.step_losses[i]) << i;
    const std::vector<uint8_t> fa = safetensors_serialize(sensor_model_to_file(a.model, "a"));
    const std::vector<uint8_t> fb = safetensors_serialize(sensor_model_to_file(b.model, "a"));
    EXPECT_TRUE(fa == fb) << "same seeds, different weights";
    // first epoch against last epoch (12 steps each): ln 5 = 1.61 at the start
    double first = 0, last = 0;
    for (int i = 0; i < 12; ++i) {
        first += a.log.step_losses[i];
        last += a.log.step_losses[a.log.steps - 12 + i];
    }
    EXPECT_LT(last, 0.8 * first) << "first epoch " << first / 12 << ", last epoch " << last / 12;
}

std::vector<uint8_t> tiny_file_bytes(const SensorModel& m, const std::function<void(SafetensorsFile&)>& edit = {}) {
    SafetensorsFile f = sensor_model_to_file(m, "tiny.safetensors");
    if (edit) edit(f);
    return safetensors_serialize(f);
}

// The message of the FormatError that parsing bytes throws ("" and a failure if none).
std::string format_error(const std::vector<uint8_t>& bytes) {
    try {
        parse_sensor_model(bytes.data(), bytes.size(), "tiny.safetensors");
    } catch (const FormatError& e) {
        return e.what();
    }
    ADD_FAILURE() << "expected a FormatError";
    return "";
}

TEST(SensorModel, FileRoundTripsExactly) {
    SensorModel m = tiny_model(21);
    m.info.metrics_json = R"({"test_subset":{"accuracy":0.5}})";
    const std::vector<uint8_t> bytes = tiny_file_bytes(m);
    const SensorModel back = parse_sensor_model(bytes.data(), bytes.size(), "tiny.safetensors");
    EXPECT_TRUE(back.lstm.layers[0].W_ih == m.lstm.layers[0].W_ih);
    EXPECT_TRUE(back.lstm.layers[0].W_hh == m.lstm.layers[0].W_hh);
    EXPECT_TRUE(back.lstm.layers[0].b_ih == m.lstm.layers[0].b_ih);
    EXPECT_TRUE(back.lstm.layers[0].b_hh == m.lstm.layers[0].b_hh);
    EXPECT_TRUE(back.pool.proj.W == m.pool.proj.W);
    EXPECT_TRUE(back.pool.score.b == m.pool.score.b);
    EXPECT_TRUE(back.classifier.W == m.classifier.W);
    EXPECT_TRUE(back.norm_mean == m.norm_mean);
    EXPECT_TRUE(back.norm_std == m.norm_std);
    EXPECT_EQ(back.class_names, m.class_names);
    EXPECT_EQ(back.channel_names, m.channel_names);
    EXPECT_EQ(back.channel_units, m.channel_units);
    EXPECT_EQ(back.config.steps, 6);
    EXPECT_EQ(back.config.hidden, 5);
    EXPECT_EQ(back.info.metrics_json, m.info.metrics_json);
    EXPECT_EQ(back.info.parameter_count, 286);  // 20*(4+5) + 40 + 30 + 6 + 30
}

TEST(SensorModel, LoaderRejectsTruncatedFiles) {
    const std::vector<uint8_t> bytes = tiny_file_bytes(tiny_model(22));
    for (size_t keep : {size_t(0), size_t(7), bytes.size() / 2, bytes.size() - 1}) {
        const std::string msg = format_error(std::vector<uint8_t>(bytes.begin(), bytes.begin() + keep));
        EXPECT_TRUE(contains(msg, "tiny.safetensors")) << keep << ": " << msg;
    }
}

TEST(SensorModel, LoaderNamesAWrongShapeWithExpectedAndFound) {
    const SensorModel m = tiny_model(23);
    const std::string msg = format_error(tiny_file_bytes(m, [](SafetensorsFile& f) {
        for (StoredTensor& t : f.tensors)
            if (t.name == "classifier.weight") {  // [5, 5] -> [5, 6]
                t.shape = {5, 6};
                t.bytes.resize(5 * 6 * 4, 0);
            }
    }));
    EXPECT_TRUE(contains(msg, "classifier.weight")) << msg;
    EXPECT_TRUE(contains(msg, "tiny.safetensors")) << msg;
    EXPECT_TRUE(contains(msg, "expected shape [5, 5], found [5, 6]")) << msg;
}

TEST(SensorModel, LoaderNamesAMissingOrUnexpectedTensor) {
    const SensorModel m = tiny_model(24);
    std::string msg = format_error(tiny_file_bytes(m, [](SafetensorsFile& f) {
        f.tensors.erase(std::remove_if(f.tensors.begin(), f.tensors.end(),
                                       [](const StoredTensor& t) { return t.name == "attention.score.bias"; }),
                        f.tensors.end());
    }));
    EXPECT_TRUE(contains(msg, "'attention.score.bias' not found in tiny.safetensors")) << msg;
    msg = format_error(tiny_file_bytes(m, [](SafetensorsFile& f) {
        const float one = 1.0f;
        f.add_f32("attention.extra", {1}, &one);
    }));
    EXPECT_TRUE(contains(msg, "attention.extra")) << msg;
    EXPECT_TRUE(contains(msg, "unexpected")) << msg;
}

TEST(SensorModel, LoaderRejectsAWrongArchitecture) {
    const std::string msg = format_error(tiny_file_bytes(tiny_model(25), [](SafetensorsFile& f) {
        f.metadata["architecture"] = "seq2seq_lstm";
    }));
    EXPECT_TRUE(contains(msg, "tiny.safetensors")) << msg;
    EXPECT_TRUE(contains(msg, "'seq2seq_lstm', expected 'sensor_lstm_pool'")) << msg;
}

TEST(SensorModel, LoaderRejectsBadMetadataAndWeights) {
    const SensorModel m = tiny_model(26);
    struct Case {
        const char* expect;
        std::function<void(SafetensorsFile&)> edit;
    };
    const std::vector<Case> cases = {
        {"'config' has no \"hidden\"", [](SafetensorsFile& f) { f.metadata["config"] = R"({"channels":4,"steps":6,"classes":5})"; }},
        {"\"hidden\": expected an integer", [](SafetensorsFile& f) { f.metadata["config"] = R"({"channels":4,"steps":6,"hidden":-5,"classes":5})"; }},
        {"'config' is not valid JSON", [](SafetensorsFile& f) { f.metadata["config"] = "{"; }},
        {"'class_names': expected 5 entries", [](SafetensorsFile& f) { f.metadata["class_names"] = R"(["a","b"])"; }},
        {"\"std\"[2]: expected a finite number > 0", [](SafetensorsFile& f) { f.metadata["normalization"] = R"({"mean":[0,0,0,0],"std":[1,1,0,1]})"; }},
        {"\"mean\": expected 4 numbers", [](SafetensorsFile& f) { f.metadata["normalization"] = R"({"mean":[0,0],"std":[1,1,1,1]})"; }},
        // beyond float's range: refused, not converted (undefined behaviour)
        {"\"mean\"[1]: expected a finite number", [](SafetensorsFile& f) { f.metadata["normalization"] = R"({"mean":[0,1e300,0,0],"std":[1,1,1,1]})"; }},
        {"parameter_count: expected 286", [](SafetensorsFile& f) { f.metadata["parameter_count"] = "4225"; }},
        {"'metrics': expected object", [](SafetensorsFile& f) { f.metadata["metrics"] = "[]"; }},
        {"tensor 'attention.proj.bias' in tiny.safetensors: expected finite values, found NaN at index 2",
         [](SafetensorsFile& f) {
             for (StoredTensor& t : f.tensors)
                 if (t.name == "attention.proj.bias") {
                     const float nan = std::nanf("");
                     std::memcpy(&t.bytes[2 * 4], &nan, 4);
                 }
         }},
    };
    for (const Case& c : cases) {
        const std::string msg = format_error(tiny_file_bytes(m, c.edit));
        EXPECT_TRUE(contains(msg, c.expect)) << "expected '" << c.expect << "' in: " << msg;
        EXPECT_TRUE(contains(msg, "tiny.safetensors")) << msg;
    }
}

// ---- bad input -------------------------------------------------------------------------------------

TEST(SensorModel, RejectsNaNAndWrongShapesWithClearErrors) {
    const SensorModel& m = shipped();
    Mat values = generate_sensor_sample(kSensorDataSeed, 5).values;
    values(42, 2) = std::nanf("");
    try {
        sensor_model_run(m, values);
        FAIL() << "expected NonFiniteError";
    } catch (const NonFiniteError& e) {
        EXPECT_TRUE(contains(e.what(), "step 42, channel 2 (flow) is NaN")) << e.what();
    }
    values(42, 2) = INFINITY;
    EXPECT_THROW(sensor_model_run(m, values), NonFiniteError);

    try {
        sensor_model_run(m, Mat::Zero(100, 3));
        FAIL() << "expected ShapeError";
    } catch (const ShapeError& e) {
        EXPECT_TRUE(contains(e.what(), "[100, 3] vs the model's [steps, channels] = [100, 4]")) << e.what();
    }
    EXPECT_THROW(sensor_model_run(m, Mat::Zero(99, 4)), ShapeError);
    EXPECT_THROW(sensor_model_run(m, Mat::Zero(100, 5)), ShapeError);

    // a batch names the series
    Mat batch(3 * 100, 4);
    for (int b = 0; b < 3; ++b) batch.middleRows(b * 100, 100) = generate_sensor_sample(kSensorDataSeed, b).values;
    batch(2 * 100 + 7, 0) = std::nanf("");
    try {
        sensor_model_classify_batch(m, batch);
        FAIL() << "expected NonFiniteError";
    } catch (const NonFiniteError& e) {
        EXPECT_TRUE(contains(e.what(), "series 2 at step 7, channel 0 (pressure)")) << e.what();
    }
    EXPECT_THROW(sensor_model_classify_batch(m, Mat::Zero(250, 4)), ShapeError);
    EXPECT_THROW(sensor_model_classify_batch(m, Mat::Zero(200, 3)), ShapeError);
    EXPECT_THROW(sensor_model_classify_batch(m, Mat::Zero(0, 4)), ShapeError);
    // the training loss checks too
    EXPECT_THROW(sensor_model_loss(m, Mat::Zero(100, 3), 0), ShapeError);
    // a model of another shape cannot read the generator's samples
    EXPECT_THROW(sensor_model_run_sample(tiny_model(27), 0, 0), ShapeError);
}

}  // namespace
}  // namespace attn
