// sensor_model.cpp: see sensor_model.h. The model is composed of nn/ blocks (lstm, pooling, linear,
// loss); this file wires them together, checks inputs, and reads and writes the file.
#include "models/sensor_model.h"

#include "core/check.h"
#include "core/format_error.h"
#include "core/rng.h"
#include "models/model_file.h"
#include "nn/loss.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <string>

namespace attn {

namespace {

using Json = nlohmann::json;

// The parameter list, written once (as llm.c's param_sizes): f(name, param, grad) for every tensor in
// file order, grad nullptr when g is. The gradients (sensor_model_params, zero_like), the file
// (sensor_model_to_file and the loader), the count check and the GPU packing (sensor_model_tensors)
// all derive from it; the shapes come from the nn/ blocks the model is built of (sensor_model_init).
template <class Model, class F>
void visit_tensors(Model& m, SensorModelGrad* g, F&& f) {
    auto& cell = m.lstm.layers.at(0);
    LstmCellGrad* d = g ? &g->lstm.layers.at(0) : nullptr;
    f("lstm.weight_ih_l0", cell.W_ih, d ? &d->dW_ih : nullptr);
    f("lstm.weight_hh_l0", cell.W_hh, d ? &d->dW_hh : nullptr);
    f("lstm.bias_ih_l0", cell.b_ih, d ? &d->db_ih : nullptr);
    f("lstm.bias_hh_l0", cell.b_hh, d ? &d->db_hh : nullptr);
    f("attention.proj.weight", m.pool.proj.W, g ? &g->pool.proj.dW : nullptr);
    f("attention.proj.bias", m.pool.proj.b, g ? &g->pool.proj.db : nullptr);
    f("attention.score.weight", m.pool.score.W, g ? &g->pool.score.dW : nullptr);
    f("attention.score.bias", m.pool.score.b, g ? &g->pool.score.db : nullptr);
    f("classifier.weight", m.classifier.W, g ? &g->classifier.dW : nullptr);
    f("classifier.bias", m.classifier.b, g ? &g->classifier.db : nullptr);
}

std::string dims(long a, long b) { return "[" + std::to_string(a) + ", " + std::to_string(b) + "]"; }

// The normalization of one series: shape, finiteness (naming step and channel), then (v - mean) / std.
// `series` >= 0 names the series of a batch in the messages.
Mat normalize_series(const SensorModel& m, const Mat& values, const char* op, long series = -1) {
    const int T = m.config.steps, C = m.config.channels;
    const std::string which = series >= 0 ? " of series " + std::to_string(series) : "";
    if (values.rows() != T || values.cols() != C)
        throw ShapeError(std::string(op) + ": shape mismatch: values" + which + " " + shape_str(values) +
                         " vs the model's [steps, channels] = " + dims(T, C));
    for (int t = 0; t < T; ++t)
        for (int c = 0; c < C; ++c)
            if (!std::isfinite(values(t, c)))
                throw NonFiniteError(std::string(op) + ": values" + which + " at step " + std::to_string(t) +
                                     ", channel " + std::to_string(c) + " (" + m.channel_names[c] + ") is " +
                                     (std::isnan(values(t, c)) ? "NaN" : "Inf") +
                                     "; a series must be finite everywhere");
    Mat x(T, C);
    for (int t = 0; t < T; ++t)
        for (int c = 0; c < C; ++c) x(t, c) = (values(t, c) - m.norm_mean[c]) / m.norm_std[c];
    return x;
}

int argmax(const float* p, int n) {
    int best = 0;
    for (int k = 1; k < n; ++k)
        if (p[k] > p[best]) best = k;
    return best;
}

std::string config_json(const SensorModelConfig& c) {
    return Json{{"channels", c.channels}, {"steps", c.steps}, {"hidden", c.hidden}, {"classes", c.classes}}.dump();
}

}  // namespace

// ---- parameters and initialization -------------------------------------------------------------------

SensorParameterCounts sensor_parameter_counts(const SensorModel& m) {
    SensorParameterCounts n;
    n.lstm = m.lstm.layers.empty() ? 0 : m.lstm.parameter_count();
    n.pool_proj = m.pool.proj.parameter_count();
    n.pool_score = m.pool.score.parameter_count();
    n.pool = n.pool_proj + n.pool_score;
    n.classifier = m.classifier.parameter_count();
    n.total = n.lstm + n.pool + n.classifier;
    return n;
}

SensorModel sensor_model_init(const SensorModelConfig& config, uint64_t seed, const Vec& norm_mean,
                              const Vec& norm_std) {
    const char* op = "sensor_model_init";
    if (config.channels < 1 || config.steps < 1 || config.hidden < 1 || config.classes < 2)
        throw std::invalid_argument(std::string(op) + ": config needs channels, steps, hidden >= 1 and classes >= 2");
    const Vec want(config.channels);
    check_shape(op, "norm_mean", norm_mean, "channels", want, norm_mean.size() == config.channels);
    check_shape(op, "norm_std", norm_std, "channels", want, norm_std.size() == config.channels);
    check_finite(op, "norm_mean", norm_mean);
    check_finite(op, "norm_std", norm_std);
    if ((norm_std.array() <= 0.0f).any()) throw std::invalid_argument(std::string(op) + ": norm_std must be > 0");

    SensorModel m;
    m.config = config;
    for (int k = 0; k < config.classes; ++k)
        m.class_names.push_back(k < kSensorEventCount ? sensor_event_name(static_cast<SensorEvent>(k))
                                                      : "class_" + std::to_string(k));
    for (int c = 0; c < config.channels; ++c) {
        m.channel_names.push_back(c < kSensorChannels ? sensor_channel_name(c) : "channel_" + std::to_string(c));
        m.channel_units.push_back(c < kSensorChannels ? sensor_channel_unit(c) : "");
    }
    m.norm_mean = norm_mean;
    m.norm_std = norm_std;
    Rng rng(seed);
    m.lstm = lstm_init(rng, config.channels, config.hidden, 1);
    m.pool = attention_pool_init(rng, config.hidden);
    m.classifier = linear_init(rng, config.hidden, config.classes);
    m.info.name = "sensor";
    m.info.architecture = kSensorArchitecture;
    m.info.description = "seed 000: LSTM + attention pooling over 100 steps of well-sensor data, 5 event classes";
    m.info.config_json = config_json(config);
    m.info.parameter_count = sensor_parameter_counts(m).total;
    return m;
}

void sensor_normalization_stats(const std::vector<Mat>& series, Vec* mean, Vec* std) {
    if (series.empty()) throw std::invalid_argument("sensor_normalization_stats: no series");
    const long C = series.front().cols();
    std::vector<double> sum(C, 0.0), sum_sq(C, 0.0);
    long n = 0;
    for (const Mat& s : series) {
        check_shape("sensor_normalization_stats", "series", s, "first series", series.front(), s.cols() == C);
        check_finite("sensor_normalization_stats", "series", s);
        for (long t = 0; t < s.rows(); ++t)
            for (long c = 0; c < C; ++c) sum[c] += s(t, c);
        n += s.rows();
    }
    mean->resize(C);
    std->resize(C);
    // two passes (mean first, then squared deviations): no cancellation in sum(x^2) - n mean^2
    for (long c = 0; c < C; ++c) (*mean)[c] = static_cast<float>(sum[c] / n);
    for (const Mat& s : series)
        for (long t = 0; t < s.rows(); ++t)
            for (long c = 0; c < C; ++c) {
                const double d = s(t, c) - sum[c] / n;
                sum_sq[c] += d * d;
            }
    for (long c = 0; c < C; ++c) (*std)[c] = static_cast<float>(std::sqrt(sum_sq[c] / n));
}

Mat sensor_model_normalize(const SensorModel& m, const Mat& values) {
    return normalize_series(m, values, "sensor_model_normalize");
}

// ---- the page ------------------------------------------------------------------------------------

SensorRun sensor_model_run(const SensorModel& m, const Mat& values, const SensorRunOptions& options) {
    const int T = m.config.steps, K = m.config.classes;
    SensorRun r;
    r.values = values;
    // the normalization
    r.inputs = normalize_series(m, values, "sensor_model_run");
    // the LSTM reads the series; its outputs are the pooling's keys and values
    LstmRun run = lstm_forward(m.lstm, r.inputs, LstmDirection::Forward, options.backend);
    r.lstm_out = std::move(run.out);
    // passes 1-6 (the attention pooling over time), every stage recorded
    Trace trace;
    const Mat context = attention_pool_forward(m.pool, r.lstm_out, T, options.backend, nullptr, nullptr, &trace);
    r.attention = std::move(trace.calls.at(0));
    // pass 7: output: the class distribution and the chosen class
    const Mat logits = linear_forward(m.classifier, context, options.backend);  // [1, K]
    const Mat probs = softmax(logits, 1.0f, options.backend);
    r.logits.assign(logits.data(), logits.data() + K);
    r.probs.assign(probs.data(), probs.data() + K);
    r.predicted = argmax(probs.data(), K);
    r.predicted_name = m.class_names[r.predicted];
    r.parameters = sensor_parameter_counts(m);
    return r;
}

double attention_mass_near_event(const float* weights, int T, const SensorSample& sample, int margin) {
    if (sample.event_width <= 0) return 0.0;
    const int lo = std::max(0, sample.event_start - margin);
    const int hi = std::min(T - 1, sample.event_start + sample.event_width - 1 + margin);
    double mass = 0.0;
    for (int t = lo; t <= hi; ++t) mass += weights[t];
    return mass;
}

SensorSampleRun sensor_model_run_sample(const SensorModel& m, uint64_t seed, uint64_t index,
                                        const SensorRunOptions& options) {
    if (m.config.steps != kSensorSteps || m.config.channels != kSensorChannels)
        throw ShapeError("sensor_model_run_sample: shape mismatch: the generator's samples are " +
                         dims(kSensorSteps, kSensorChannels) + " but the model reads " +
                         dims(m.config.steps, m.config.channels));
    SensorSampleRun s;
    s.sample = generate_sensor_sample(seed, index);
    s.run = sensor_model_run(m, s.sample.values, options);
    s.attention_near_event = attention_mass_near_event(s.run.attention.weights.data(), m.config.steps, s.sample);
    return s;
}

SensorBatch sensor_model_classify_batch(const SensorModel& m, const Mat& values, Backend backend) {
    const char* op = "sensor_model_classify_batch";
    const int T = m.config.steps, H = m.config.hidden, K = m.config.classes;
    if (values.cols() != m.config.channels || values.rows() == 0 || values.rows() % T != 0)
        throw ShapeError(std::string(op) + ": shape mismatch: values " + shape_str(values) + " vs [B*T, C] with T = " +
                         std::to_string(T) + ", C = " + std::to_string(m.config.channels));
    const long B = values.rows() / T;
    Mat hs(B * T, H);  // [B*T, H] every series' LSTM outputs, the pooling's batch layout
    for (long b = 0; b < B; ++b) {
        const Mat x = normalize_series(m, values.middleRows(b * T, T), op, b);
        hs.middleRows(b * T, T) = lstm_forward(m.lstm, x, LstmDirection::Forward, backend).out;
    }
    SensorBatch out;
    const Mat context = attention_pool_forward(m.pool, hs, T, backend, &out.weights);  // fused: [B, H]
    out.logits = linear_forward(m.classifier, context, backend);
    out.probs = softmax(out.logits, 1.0f, backend);
    out.predicted.resize(B);
    for (long b = 0; b < B; ++b) out.predicted[b] = argmax(&out.probs(b, 0), K);
    return out;
}

// ---- evaluation ----------------------------------------------------------------------------------

SensorEvaluation evaluate_sensor_model(const SensorModel& m, uint64_t seed, uint64_t first, int count,
                                       Backend backend) {
    if (count < 1) throw std::invalid_argument("evaluate_sensor_model: count must be >= 1");
    if (m.config.steps != kSensorSteps || m.config.channels != kSensorChannels || m.config.classes != kSensorEventCount)
        throw ShapeError("evaluate_sensor_model: the model does not read the generator's samples (steps, channels, "
                         "classes = " + std::to_string(m.config.steps) + ", " + std::to_string(m.config.channels) +
                         ", " + std::to_string(m.config.classes) + ")");
    const int T = kSensorSteps, K = kSensorEventCount;
    SensorEvaluation e;
    e.class_samples.assign(K, 0);
    e.class_correct.assign(K, 0);
    e.class_attention.assign(K, 0.0);
    std::vector<double> attention_sum(K, 0.0);
    constexpr int kChunk = 100;  // series per batch: bounds memory, not results (each series is independent)
    for (int begin = 0; begin < count; begin += kChunk) {
        const int n = std::min(kChunk, count - begin);
        std::vector<SensorSample> samples(n);
        Mat values(static_cast<long>(n) * T, kSensorChannels);
        for (int i = 0; i < n; ++i) {
            samples[i] = generate_sensor_sample(seed, first + begin + i);
            values.middleRows(static_cast<long>(i) * T, T) = samples[i].values;
        }
        const SensorBatch batch = sensor_model_classify_batch(m, values, backend);
        for (int i = 0; i < n; ++i) {
            const int label = static_cast<int>(samples[i].event);
            ++e.class_samples[label];
            if (batch.predicted[i] == label) ++e.class_correct[label];
            if (samples[i].event_width > 0)
                attention_sum[label] += attention_mass_near_event(&batch.weights(i, 0), T, samples[i]);
        }
    }
    double localized_sum = 0.0;
    for (int k = 0; k < K; ++k) {
        e.samples += e.class_samples[k];
        e.correct += e.class_correct[k];
        if (k != static_cast<int>(SensorEvent::Normal)) {
            e.localized += e.class_samples[k];
            localized_sum += attention_sum[k];
            if (e.class_samples[k] > 0) e.class_attention[k] = attention_sum[k] / e.class_samples[k];
        }
    }
    e.accuracy = static_cast<double>(e.correct) / e.samples;
    e.attention_near_event = e.localized > 0 ? localized_sum / e.localized : 0.0;
    return e;
}

// ---- training ------------------------------------------------------------------------------------

void SensorModelGrad::zero_like(const SensorModel& m) {
    *this = SensorModelGrad{};
    lstm.layers.resize(m.lstm.layers.size());
    visit_tensors(m, this, [](const char*, const auto& p, auto* dp) { dp->setZero(p.rows(), p.cols()); });
}

ParamList sensor_model_params(SensorModel& m, SensorModelGrad& g) {
    ParamList list;
    visit_tensors(m, &g, [&](const char* name, auto& p, auto* dp) { list.push_back(param_grad(name, p, *dp)); });
    return list;
}

std::vector<TensorView> sensor_model_tensors(const SensorModel& m) {
    std::vector<TensorView> list;
    visit_tensors(m, nullptr, [&](const char* name, const auto& p, auto*) {
        list.push_back({name, p.data(), static_cast<long>(p.size())});
    });
    return list;
}

double sensor_model_loss(const SensorModel& m, const Mat& x, int target, SensorModelGrad* grad, Backend backend) {
    const char* op = "sensor_model_loss";
    const int T = m.config.steps;
    if (x.rows() != T || x.cols() != m.config.channels)
        throw ShapeError(std::string(op) + ": shape mismatch: x " + shape_str(x) + " vs the model's [steps, channels] = " +
                         dims(T, m.config.channels));
    // forward: LSTM, pooling (passes 1-6), classifier (pass 7), cross-entropy
    const LstmRun run = lstm_forward(m.lstm, x, LstmDirection::Forward, backend);
    AttentionPoolCache cache;
    const Mat context = attention_pool_forward(m.pool, run.out, T, backend, nullptr, grad ? &cache : nullptr);
    const Mat logits = linear_forward(m.classifier, context, backend);  // [1, K]
    const CrossEntropy ce = cross_entropy_forward(logits, {target});
    if (!grad) return ce.loss;
    // backward, in reverse: pass 7, passes 6-1, the LSTM through time
    const Mat dlogits = cross_entropy_backward(ce);                                           // [1, K]
    const Mat dcontext = linear_backward(m.classifier, context, dlogits, grad->classifier, backend);    // [1, H]
    LstmRunGrad drun;
    drun.dout = attention_pool_backward(m.pool, run.out, T, cache, dcontext, grad->pool, backend);     // [T, H]
    lstm_backward(m.lstm, run, drun, grad->lstm, backend);
    return ce.loss;
}

// ---- the file ------------------------------------------------------------------------------------

SafetensorsFile sensor_model_to_file(const SensorModel& m, const std::string& source) {
    SafetensorsFile f;
    f.source = source;
    ModelInfo info = m.info;
    info.architecture = kSensorArchitecture;
    info.config_json = config_json(m.config);
    info.parameter_count = sensor_parameter_counts(m).total;
    write_model_info(f, info);
    f.metadata["class_names"] = Json(m.class_names).dump();
    f.metadata["channel_names"] = Json(m.channel_names).dump();
    f.metadata["channel_units"] = Json(m.channel_units).dump();
    f.metadata["normalization"] =
        Json{{"mean", std::vector<float>(m.norm_mean.data(), m.norm_mean.data() + m.norm_mean.size())},
             {"std", std::vector<float>(m.norm_std.data(), m.norm_std.data() + m.norm_std.size())}}
            .dump();
    visit_tensors(m, nullptr, [&](const char* name, const auto& p, auto*) { f.add(name, p); });
    return f;
}

void save_sensor_model(const SensorModel& m, const std::string& path) {
    safetensors_save(sensor_model_to_file(m, path), path);
}

namespace {

Json metadata_json(const SafetensorsFile& f, const std::string& key, Json::value_t want) {
    const std::string& text = f.require_metadata(key);
    // (not the parser's own message: the project's words)
    const Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) throw FormatError(f.source + ": metadata '" + key + "' is not valid JSON");
    if (j.type() != want)
        throw FormatError(f.source + ": metadata '" + key + "': expected " + Json(want).type_name() + ", found " +
                          j.type_name());
    return j;
}

int config_value(const SafetensorsFile& f, const Json& config, const char* key, int lo, int hi) {
    const auto it = config.find(key);
    if (it == config.end()) throw FormatError(f.source + ": metadata 'config' has no \"" + key + "\"");
    if (!it->is_number_integer() || it->get<long long>() < lo || it->get<long long>() > hi)
        throw FormatError(f.source + ": metadata 'config' \"" + key + "\": expected an integer in [" +
                          std::to_string(lo) + ", " + std::to_string(hi) + "], found " + it->dump());
    return static_cast<int>(it->get<long long>());
}

std::vector<std::string> string_array(const SafetensorsFile& f, const std::string& key, int expected_size) {
    const Json j = metadata_json(f, key, Json::value_t::array);
    if (static_cast<int>(j.size()) != expected_size)
        throw FormatError(f.source + ": metadata '" + key + "': expected " + std::to_string(expected_size) +
                          " entries (from config), found " + std::to_string(j.size()));
    std::vector<std::string> out;
    for (const Json& item : j) {
        if (!item.is_string())
            throw FormatError(f.source + ": metadata '" + key + "': expected strings, found " + item.dump());
        out.push_back(item.get<std::string>());
    }
    return out;
}

Vec float_array(const SafetensorsFile& f, const Json& parent, const char* key, int expected_size, bool positive) {
    const std::string where = f.source + ": metadata 'normalization' \"" + key + "\"";
    const auto it = parent.find(key);
    if (it == parent.end() || !it->is_array()) throw FormatError(where + ": expected an array of numbers");
    if (static_cast<int>(it->size()) != expected_size)
        throw FormatError(where + ": expected " + std::to_string(expected_size) + " numbers (one per channel), found " +
                          std::to_string(it->size()));
    Vec v(expected_size);
    for (int i = 0; i < expected_size; ++i) {
        const Json& item = (*it)[i];
        // beyond float's range is not finite here (converting it would be undefined behaviour)
        const double d = item.is_number() ? item.get<double>() : NAN;
        const float x = std::fabs(d) <= std::numeric_limits<float>::max() ? static_cast<float>(d) : NAN;
        if (!std::isfinite(x) || (positive && !(x > 0.0f)))
            throw FormatError(where + "[" + std::to_string(i) + "]: expected a finite number" +
                              (positive ? " > 0" : "") + ", found " + item.dump());
        v[i] = x;
    }
    return v;
}

// Weights must be finite: a NaN in a file would otherwise surface as a NonFiniteError far from its cause.
void check_finite_tensor(const SafetensorsFile& f, const char* name, const float* x, long n) {
    for (long i = 0; i < n; ++i)
        if (!std::isfinite(x[i]))
            throw FormatError("tensor '" + std::string(name) + "' in " + f.source + ": expected finite values, found " +
                              (std::isnan(x[i]) ? "NaN" : "Inf") + " at index " + std::to_string(i));
}

// One tensor of the file into p, which has the shape the config implies: name, dtype, shape, finite.
void read_tensor(const SafetensorsFile& f, const char* name, Mat& p) {
    p = f.require_mat(name, static_cast<int>(p.rows()), static_cast<int>(p.cols()));
    check_finite_tensor(f, name, p.data(), p.size());
}

void read_tensor(const SafetensorsFile& f, const char* name, Vec& p) {
    p = f.require_vec(name, static_cast<int>(p.size()));
    check_finite_tensor(f, name, p.data(), p.size());
}

}  // namespace

SensorModel sensor_model_from_file(const SafetensorsFile& f) {
    const ModelInfo info = read_model_info(f, kSensorArchitecture);
    const Json config_j = metadata_json(f, "config", Json::value_t::object);
    for (const auto& item : config_j.items())
        if (item.key() != "channels" && item.key() != "steps" && item.key() != "hidden" && item.key() != "classes")
            throw FormatError(f.source + ": metadata 'config' has an unexpected key \"" + item.key() +
                              "\" (expected channels, steps, hidden, classes)");
    // The bounds keep what the config makes the loader allocate (below) under ~10 MB of weights.
    SensorModelConfig config;
    config.channels = config_value(f, config_j, "channels", 1, 256);
    config.steps = config_value(f, config_j, "steps", 1, 100000);
    config.hidden = config_value(f, config_j, "hidden", 1, 512);
    config.classes = config_value(f, config_j, "classes", 2, 256);
    const int C = config.channels, K = config.classes;

    std::vector<std::string> class_names = string_array(f, "class_names", K);
    std::vector<std::string> channel_names = string_array(f, "channel_names", C);
    std::vector<std::string> channel_units = string_array(f, "channel_units", C);
    const Json norm = metadata_json(f, "normalization", Json::value_t::object);
    const Vec mean = float_array(f, norm, "mean", C, false);
    const Vec stdev = float_array(f, norm, "std", C, true);
    metadata_json(f, "metrics", Json::value_t::object);   // the page parses them: they must be an object
    metadata_json(f, "training", Json::value_t::object);

    // The shapes come from the model's own blocks; every value is then replaced by the file's.
    SensorModel m = sensor_model_init(config, 0, mean, stdev);
    m.info = info;
    m.class_names = std::move(class_names);
    m.channel_names = std::move(channel_names);
    m.channel_units = std::move(channel_units);
    std::set<std::string> expected;
    visit_tensors(m, nullptr, [&](const char* name, auto& p, auto*) {
        read_tensor(f, name, p);
        expected.insert(name);
    });
    for (const StoredTensor& t : f.tensors)
        if (!expected.count(t.name))
            throw FormatError("tensor '" + t.name + "' in " + f.source + ": unexpected in a " + kSensorArchitecture +
                              " file");
    const long total = sensor_parameter_counts(m).total;
    if (m.info.parameter_count != total)
        throw FormatError(f.source + ": metadata parameter_count: expected " + std::to_string(total) +
                          " (from the tensors), found " + std::to_string(m.info.parameter_count));
    return m;
}

SensorModel parse_sensor_model(const uint8_t* data, std::size_t size, const std::string& source) {
    return sensor_model_from_file(safetensors_parse(data, size, source));
}

SensorModel load_sensor_model(const std::string& path) { return sensor_model_from_file(safetensors_load(path)); }

}  // namespace attn
