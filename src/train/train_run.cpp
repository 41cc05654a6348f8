// train_run.cpp: see train_run.h.
#include "train/train_run.h"

#include "core/rng.h"
#include "core/tokenizer.h"
#include "nn/loss.h"
#include "train/corpus_grammar.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <set>
#include <stdexcept>

namespace attn {

namespace {

// The symbols of the reversal and copy tasks, and their lengths: long enough that position matters,
// short enough that a model of a few thousand weights learns it in seconds.
const std::vector<std::string> kSymbols = {"a", "b", "c", "d", "e", "f", "g", "h"};
constexpr int kMinSymbols = 3, kMaxSymbols = 6;
constexpr int kSymbolPairs = 2000, kSymbolHeldOut = 200;
constexpr uint64_t kSymbolSeed = 20261206;  // the task's data, whatever the run's seed
// The translation presets: the shorter pairs of the project's corpora, so that a minute of training
// on one core shows the word alignments.
constexpr int kPresetMaxTokens = 5;
constexpr size_t kPresetTrainPairs = 1600;
// Held-out pairs measured at each evaluation, and how often (steps) evaluation runs.
constexpr size_t kMeasuredHeldOut = 100;
constexpr int kEvalEvery = 10;
constexpr int kEpochs = 1000000;  // open-ended: the learner stops it

const std::vector<TrainTaskRow> kTasks = {
    {"toy", "StatQuest's two pairs: \"let's go\" -> \"vamos\", \"to go\" -> \"ir\"", "let's go", TrainPattern::None, TrainKind::Translate},
    {"reverse", "reverse a string of symbols: \"a b c\" -> \"c b a\"", "a b c d e", TrainPattern::AntiDiagonal, TrainKind::Translate},
    {"copy", "copy a string of symbols: \"a b c\" -> \"a b c\"", "a b c d e", TrainPattern::Diagonal, TrainKind::Translate},
    {"en-es", "English -> Spanish, the shorter pairs of the project's corpus", "the red house", TrainPattern::None, TrainKind::Translate},
    {"hi-en", "romanized Hindi -> English: the verb moves from the end (SOV) to the middle (SVO)",
     "mai ghar ja raha hoon", TrainPattern::None, TrainKind::Translate},
    {"sensor", "seed 000's well sensors: name the event in 100 hourly readings of four gauges (or none)", "2",
     TrainPattern::Event, TrainKind::Classify},
};

const std::vector<TrainModelRow> kModels = {
    {"lstm-dot", "StatQuest's LSTM encoder-decoder, dot-product attention", TrainArch::Seq2Seq, TrainKind::Translate,
     Seq2SeqStyle::StatQuest, ScoreFn::Dot},
    {"lstm-cosine", "StatQuest's LSTM encoder-decoder, cosine-similarity attention (scores in [-1, 1])",
     TrainArch::Seq2Seq, TrainKind::Translate, Seq2SeqStyle::StatQuest, ScoreFn::Cosine},
    {"lstm-scaled-dot", "StatQuest's LSTM encoder-decoder, scaled dot-product attention (q.k / sqrt(H))",
     TrainArch::Seq2Seq, TrainKind::Translate, Seq2SeqStyle::StatQuest, ScoreFn::ScaledDot},
    {"lstm-general", "StatQuest's LSTM encoder-decoder, general attention (q . W k: Luong's, one learned matrix)",
     TrainArch::Seq2Seq, TrainKind::Translate, Seq2SeqStyle::StatQuest, ScoreFn::General},
    {"bahdanau", "Bahdanau's encoder-decoder: bidirectional encoder, additive attention", TrainArch::Seq2Seq,
     TrainKind::Translate, Seq2SeqStyle::Bahdanau, ScoreFn::Additive},
    {"transformer", "the tiny Transformer: multi-head scaled dot-product attention, pre-LN, sinusoidal positions",
     TrainArch::Transformer, TrainKind::Translate, Seq2SeqStyle::StatQuest, ScoreFn::ScaledDot},
    {"sensor-lstm", "seed 000's classifier: an LSTM reads the series, attention pools its steps (a learned query), a linear layer names the event",
     TrainArch::SensorPool, TrainKind::Classify, Seq2SeqStyle::StatQuest, ScoreFn::Additive},
};

std::vector<Pair> to_pairs(const std::vector<corpus::Pair>& in) {
    std::vector<Pair> out;
    out.reserve(in.size());
    for (const corpus::Pair& p : in) out.push_back({p.source, p.target});
    return out;
}

std::vector<std::string> words_of(const std::string& s) {
    std::vector<std::string> words;
    for (Token& t : tokenize(s)) words.push_back(std::move(t.text));
    return words;
}

size_t tokens(const std::string& s) { return tokenize(s).size(); }

std::vector<Pair> short_pairs(const std::vector<corpus::Pair>& in, size_t most) {
    std::vector<Pair> out;
    for (const corpus::Pair& p : in) {
        if (out.size() >= most) break;
        if (tokens(p.source) <= kPresetMaxTokens && tokens(p.target) <= kPresetMaxTokens) out.push_back({p.source, p.target});
    }
    return out;
}

std::string join(const std::vector<std::string>& words) {
    std::string s;
    for (const std::string& w : words) s += (s.empty() ? "" : " ") + w;
    return s;
}

TaskData symbol_task(bool reverse) {
    Rng rng(kSymbolSeed);
    std::set<std::string> seen;
    std::vector<Pair> pairs;
    while (static_cast<int>(pairs.size()) < kSymbolPairs) {
        const int n = kMinSymbols + static_cast<int>(rng.next_u64() % (kMaxSymbols - kMinSymbols + 1));
        std::vector<std::string> words;
        for (int i = 0; i < n; ++i) words.push_back(kSymbols[rng.next_u64() % kSymbols.size()]);
        std::string source = join(words);
        if (!seen.insert(source).second) continue;
        if (reverse) std::reverse(words.begin(), words.end());
        pairs.push_back({std::move(source), join(words)});
    }
    TaskData d;
    d.held_out.assign(pairs.begin(), pairs.begin() + kSymbolHeldOut);
    d.train.assign(pairs.begin() + kSymbolHeldOut, pairs.end());
    return d;
}

// The sensor task's series: the generator's training indices [0, kSensorTrainSeries) and held-out indices
// kSensorHeldOutFirst + [0, kSensorHeldOutSeries), the ranges the shipped sensor model was trained and
// measured on (models/sensor_model.h).
TaskData sensor_task() {
    TaskData d;
    for (int i = 0; i < TrainBounds::kSensorTrainSeries; ++i)
        d.train_series.push_back(generate_sensor_sample(kSensorDataSeed, static_cast<uint64_t>(i)));
    for (int i = 0; i < TrainBounds::kSensorHeldOutSeries; ++i)
        d.held_out_series.push_back(generate_sensor_sample(kSensorDataSeed, kSensorHeldOutFirst + static_cast<uint64_t>(i)));
    return d;
}

template <class Row>
const Row* find_row(const std::vector<Row>& rows, std::string_view id) {
    for (const Row& r : rows)
        if (id == r.id) return &r;
    return nullptr;
}

template <class Row>
std::string ids_of(const std::vector<Row>& rows) {
    std::string s;
    for (const Row& r : rows) s += (s.empty() ? "" : ", ") + std::string(r.id);
    return s;
}

std::vector<std::string> sources_of(const std::vector<Pair>& pairs, bool target) {
    std::vector<std::string> out;
    for (const Pair& p : pairs) out.push_back(target ? p.target : p.source);
    return out;
}

}  // namespace

// The model a run trains: the forward and backward of one pair (adding into its gradients), its parameters
// with their gradients, the Translator that evaluates and draws it, and its file. One per architecture.
class TrainModel {
public:
    virtual ~TrainModel() = default;
    virtual const Translator& translator() const = 0;
    virtual ParamList params() = 0;
    // The teacher-forced loss of one pair; with_grad ADDS its gradient (the Trainer's example_loss contract).
    virtual double loss(const std::vector<int>& src, const std::vector<int>& tgt, bool with_grad) = 0;
    // After a batch's pairs: adds (apply) or drops what the gradients hold back (the Trainer's finish_batch).
    virtual void finish_batch(bool apply) {}
    std::vector<int> encode_source(const std::string& text) const { return encode_text(translator().source_vocab(), text).ids; }
    std::vector<int> encode_target(const std::string& text) const { return encode_text(translator().target_vocab(), text).ids; }
    // A copy named `name` with the run's metrics and training record, as a file.
    virtual SafetensorsFile to_file(const std::string& name, const std::string& metrics, const std::string& training) const = 0;
};

namespace {

class LstmTrainModel final : public TrainModel {
public:
    LstmTrainModel(const ModelInfo& info, const Seq2SeqConfig& c, Vocab src, Vocab tgt, Rng& rng, Backend backend)
        : backend_(backend) {
        const int vs = src.size(), vt = tgt.size();
        model_ = std::make_unique<Seq2SeqLstm>(info, c, std::move(src), std::move(tgt), seq2seq_init(rng, c, vs, vt));
        grad_.zero_like(model_->weights());
        // a batch's LSTM weight gradients added once per batch (lstm.h): the same sums, dW touched once
        for (LstmGrad* g : lstm_grads()) g->defer_weights = true;
    }
    const Translator& translator() const override { return *model_; }
    const Seq2SeqLstm& model() const { return *model_; }
    ParamList params() override { return seq2seq_params(model_->mutable_weights(), grad_); }
    double loss(const std::vector<int>& src, const std::vector<int>& tgt, bool with_grad) override {
        return seq2seq_loss(model_->config(), model_->weights(), src, tgt, with_grad ? &grad_ : nullptr, backend_);
    }
    void finish_batch(bool apply) override {
        for (LstmGrad* g : lstm_grads()) lstm_grad_flush(*g, backend_, !apply);
    }
    SafetensorsFile to_file(const std::string& name, const std::string& metrics, const std::string& training) const override {
        ModelInfo info = model_->info();
        info.name = name;
        Seq2SeqLstm copy(info, model_->config(), model_->source_vocab(), model_->target_vocab(), model_->weights());
        copy.set_metrics(metrics, training);
        return seq2seq_to_file(copy);
    }

private:
    std::array<LstmGrad*, 3> lstm_grads() { return {&grad_.encoder, &grad_.encoder_reverse, &grad_.decoder}; }
    Backend backend_;
    std::unique_ptr<Seq2SeqLstm> model_;
    Seq2SeqGrad grad_;
};

class TransformerTrainModel final : public TrainModel {
public:
    TransformerTrainModel(const ModelInfo& info, const TransformerConfig& c, Vocab src, Vocab tgt, Rng& rng, Backend backend)
        : attention_(transformer_training_attention(c, backend)) {
        const int vs = src.size(), vt = tgt.size();
        model_ = std::make_unique<Transformer>(info, std::move(src), std::move(tgt), c, transformer_init(rng, c, vs, vt));
        grad_.zero_like(model_->weights());
    }
    const Translator& translator() const override { return *model_; }
    const Transformer& model() const { return *model_; }
    ParamList params() override { return transformer_params(model_->mutable_weights(), grad_); }
    double loss(const std::vector<int>& src, const std::vector<int>& tgt, bool with_grad) override {
        return transformer_loss(model_->weights(), attention_, src, tgt, with_grad ? &grad_ : nullptr);
    }
    SafetensorsFile to_file(const std::string& name, const std::string& metrics, const std::string& training) const override {
        ModelInfo info = model_->info();
        info.name = name;
        info.metrics_json = metrics;
        info.training_json = training;
        Transformer copy(info, model_->source_vocab(), model_->target_vocab(), model_->config(), model_->weights());
        return transformer_to_file(copy);
    }

private:
    TransformerAttention attention_;
    std::unique_ptr<Transformer> model_;
    TransformerGrads grad_;
};

}  // namespace

// The sensor task's model: seed 000's classifier at the run's hidden size, normalized by its training
// series' statistics (as the shipped one), its gradients, and those series and the measured held-out ones as
// it reads them.
class SensorTrainModel {
public:
    SensorTrainModel(const TaskData& d, size_t measured, int hidden, uint64_t seed, Backend backend) : backend(backend) {
        std::vector<Mat> values;
        for (const SensorSample& s : d.train_series) {
            values.push_back(s.values);
            labels.push_back(static_cast<int>(s.event));
        }
        Vec mean, std;
        sensor_normalization_stats(values, &mean, &std);
        SensorModelConfig c;
        c.hidden = hidden;
        model = sensor_model_init(c, seed, mean, std);
        grad.zero_like(model);
        grad.lstm.defer_weights = true;  // as LstmTrainModel's: added once per batch (finish_batch)
        for (const Mat& v : values) inputs.push_back(sensor_model_normalize(model, v));
        held.resize(static_cast<long>(measured) * kSensorSteps, kSensorChannels);
        for (size_t i = 0; i < measured; ++i) held.middleRows(static_cast<long>(i) * kSensorSteps, kSensorSteps) = d.held_out_series[i].values;
    }
    ParamList params() { return sensor_model_params(model, grad); }
    void finish_batch(bool apply) { lstm_grad_flush(grad.lstm, backend, !apply); }
    double loss(int i, bool with_grad) {
        return sensor_model_loss(model, inputs[static_cast<size_t>(i)], labels[static_cast<size_t>(i)], with_grad ? &grad : nullptr, backend);
    }

    Backend backend;
    SensorModel model;
    SensorModelGrad grad;
    std::vector<Mat> inputs;  // the training series, normalized
    std::vector<int> labels;
    Mat held;                 // [N*T, C] the measured held-out series, as recorded (the batch normalizes them)
};

const char* train_pattern_name(TrainPattern p) {
    switch (p) {
        case TrainPattern::Diagonal: return "diagonal";
        case TrainPattern::AntiDiagonal: return "anti-diagonal";
        case TrainPattern::Event: return "event";
        case TrainPattern::None: break;
    }
    return "none";
}

const char* train_kind_name(TrainKind k) { return k == TrainKind::Classify ? "classify" : "translate"; }

const std::vector<TrainTaskRow>& train_tasks() { return kTasks; }
const TrainTaskRow* find_train_task(std::string_view id) { return find_row(kTasks, id); }
const std::vector<TrainModelRow>& train_models() { return kModels; }

int train_max_layers(const TrainModelRow& m) {
    const bool one = m.arch == TrainArch::SensorPool || (m.arch == TrainArch::Seq2Seq && m.style == Seq2SeqStyle::Bahdanau);
    return one ? 1 : TrainBounds::kMaxLayers;
}
bool train_model_uses(const TrainModelRow& m, std::string_view setting) {
    if (setting == "heads") return m.arch == TrainArch::Transformer;
    if (setting == "embed" || setting == "normalizer" || setting == "top_k") return m.arch == TrainArch::Seq2Seq;
    return true;
}
const TrainModelRow* find_train_model(std::string_view id) { return find_row(kModels, id); }

void TrainSettings::validate() const {
    const auto bad = [](const std::string& what) { throw std::invalid_argument(what); };
    if (!find_train_task(task)) bad("unknown task '" + task + "' (tasks: " + ids_of(kTasks) + ")");
    const TrainModelRow* m = find_train_model(model);
    if (!m) bad("unknown model '" + model + "' (models: " + ids_of(kModels) + ")");
    const auto range = [&](const char* key, long v, long lo, long hi) {
        if (v < lo || v > hi)
            bad(std::string(key) + " must be from " + std::to_string(lo) + " to " + std::to_string(hi) + ", not " +
                std::to_string(v));
    };
    const TrainTaskRow* t = find_train_task(task);
    if (t->kind != m->kind) {
        std::string fits;  // the models this task trains
        for (const TrainModelRow& r : kModels)
            if (r.kind == t->kind) fits += (fits.empty() ? "" : ", ") + std::string(r.id);
        bad("the " + task + " task " + (t->kind == TrainKind::Classify ? "classifies series" : "translates") +
            ": it trains " + fits + ", not " + model);
    }
    range("embed", embed, TrainBounds::kMinWidth, TrainBounds::kMaxWidth);
    range("hidden", hidden, TrainBounds::kMinWidth, TrainBounds::kMaxWidth);
    if (m->arch == TrainArch::Transformer) {
        range("heads", heads, TrainBounds::kMinHeads, TrainBounds::kMaxHeads);
        if (hidden % heads != 0)
            bad("the Transformer's hidden (its width) must be a multiple of heads: " + std::to_string(hidden) +
                " is not a multiple of " + std::to_string(heads));
        if (normalizer != Normalizer::Soft)
            bad(std::string("the Transformer trains with softmax attention (normalizer soft), not ") +
                normalizer_name(normalizer));
    }
    if (m->arch == TrainArch::SensorPool && normalizer != Normalizer::Soft)
        bad(std::string("the sensor model pools with a softmax over time (normalizer soft), not ") + normalizer_name(normalizer));
    range("layers", layers, TrainBounds::kMinLayers, train_max_layers(*m));
    range("batch", batch, TrainBounds::kMinBatch, TrainBounds::kMaxBatch);
    if (!(lr >= TrainBounds::kMinLr && lr <= TrainBounds::kMaxLr))
        bad("learning rate must be from 0.0001 to 0.1, not " + std::to_string(lr));
    if (normalizer_info(normalizer).uses_k && m->arch == TrainArch::Seq2Seq) range("top_k", top_k, TrainBounds::kMinTopK, TrainBounds::kMaxTopK);
}

TaskData make_task_data(std::string_view task) {
    if (task == "toy") {
        TaskData d;
        d.train = to_pairs(corpus::toy_pairs());
        d.held_out = d.train;  // two pairs: nothing to hold out; measured on what it learns
        return d;
    }
    if (task == "reverse") return symbol_task(true);
    if (task == "sensor") return sensor_task();
    if (task == "copy") return symbol_task(false);
    if (task == "en-es" || task == "hi-en") {
        const bool es = task == "en-es";
        const corpus::Split split =
            es ? corpus::split_pairs(corpus::generate_en_es(), corpus::kEnEsTestCount, corpus::kEnEsSeed,
                                     corpus::en_es_required_pairs(), corpus::kMinTrainOccurrences)
               : corpus::split_pairs(corpus::generate_hi_en(), corpus::kHiEnTestCount, corpus::kHiEnSeed,
                                     corpus::hi_en_required_pairs(), corpus::kMinTrainOccurrences);
        TaskData d;
        // The pairs the page demonstrates first (they are always in train), then the shorter others.
        d.train = to_pairs(es ? corpus::en_es_required_pairs() : corpus::hi_en_required_pairs());
        for (const Pair& p : short_pairs(split.train, kPresetTrainPairs)) {
            const bool required = std::any_of(d.train.begin(), d.train.end(), [&](const Pair& q) { return q.source == p.source; });
            if (!required && d.train.size() < kPresetTrainPairs) d.train.push_back(p);
        }
        d.held_out = short_pairs(split.test, split.test.size());
        // A held-out word the training subset never shows would be <UNK>: keep the pairs it can know.
        std::set<std::string> known_src, known_tgt;
        for (const Pair& p : d.train) {
            for (const std::string& w : words_of(p.source)) known_src.insert(w);
            for (const std::string& w : words_of(p.target)) known_tgt.insert(w);
        }
        const auto knows = [](const std::set<std::string>& known, const std::string& s) {
            for (const std::string& w : words_of(s))
                if (!known.count(w)) return false;
            return true;
        };
        d.held_out.erase(std::remove_if(d.held_out.begin(), d.held_out.end(),
                                        [&](const Pair& p) { return !knows(known_src, p.source) || !knows(known_tgt, p.target); }),
                         d.held_out.end());
        return d;
    }
    throw std::invalid_argument("unknown task '" + std::string(task) + "' (tasks: " + ids_of(kTasks) + ")");
}

TrainSettings train_settings_from_json(std::string_view json) {
    const nlohmann::json j = nlohmann::json::parse(json.begin(), json.end(), nullptr, false);
    if (j.is_discarded() || !j.is_object()) throw std::invalid_argument("training settings must be a JSON object");
    TrainSettings s;
    for (auto it = j.begin(); it != j.end(); ++it) {
        const std::string& key = it.key();
        const nlohmann::json& v = it.value();
        const auto need = [&](bool ok, const char* what) {
            if (!ok) throw std::invalid_argument(key + " must be " + what);
        };
        const auto integer = [&](int* out, long lo, long hi) {
            need(v.is_number_integer() || v.is_number_unsigned(), "an integer");
            const long long x = v.is_number_unsigned() ? static_cast<long long>(std::min<uint64_t>(v.get<uint64_t>(), 1u << 30))
                                                       : v.get<long long>();
            *out = static_cast<int>(std::clamp<long long>(x, lo, hi));  // out of bounds stays out: validate names it
        };
        if (key == "task") need(v.is_string(), "a string"), s.task = v.get<std::string>();
        else if (key == "model") need(v.is_string(), "a string"), s.model = v.get<std::string>();
        else if (key == "probe") need(v.is_string(), "a string"), s.probe = v.get<std::string>();
        else if (key == "embed") integer(&s.embed, -1, 1 << 20);
        else if (key == "hidden") integer(&s.hidden, -1, 1 << 20);
        else if (key == "layers") integer(&s.layers, -1, 1 << 20);
        else if (key == "heads") integer(&s.heads, -1, 1 << 20);
        else if (key == "batch") integer(&s.batch, -1, 1 << 20);
        else if (key == "top_k") integer(&s.top_k, -1, 1 << 20);
        else if (key == "normalizer") {
            need(v.is_string() && parse_normalizer(v.get<std::string>().c_str(), &s.normalizer),
                 ("one of the normalizers (" + normalizer_names() + ")").c_str());
        }
        else if (key == "lr") {
            need(v.is_number(), "a number");
            const double lr = v.get<double>();
            s.lr = std::isfinite(lr) && std::abs(lr) < 1e30 ? static_cast<float>(lr) : -1.0f;
        } else if (key == "seed") {
            need(v.is_number_unsigned() || (v.is_number_integer() && v.get<long long>() >= 0),
                 "a whole number from 0 to 2^64 - 1");
            s.seed = v.get<uint64_t>();
        } else if (key == "backend") {
            need(v.is_string() && parse_backend(v.get<std::string>().c_str(), &s.backend), "\"simd\" or \"scalar\"");
        } else {
            throw std::invalid_argument("unknown training setting '" + key +
                                        "' (settings: task, model, embed, hidden, layers, heads, batch, lr, normalizer, top_k, seed, backend, probe)");
        }
    }
    return s;
}

TrainRun::TrainRun(const TrainSettings& settings) : settings_(settings) {
    settings_.validate();
    task_ = find_train_task(settings_.task);
    data_ = make_task_data(settings_.task);
    held_out_.assign(data_.held_out.begin(), data_.held_out.begin() + std::min(kMeasuredHeldOut, data_.held_out.size()));

    const TrainModelRow* row = find_train_model(settings_.model);
    TrainConfig tc;
    tc.seed = settings_.seed;
    tc.epochs = kEpochs;
    tc.batch_size = settings_.batch;
    tc.adam.lr = settings_.lr;
    tc.adam.max_grad_norm = 5.0f;
    tc.adam.backend = settings_.backend;
    tc.final_lr_fraction = 1.0f;  // a constant rate: the run has no planned end
    eval_every_ = kEvalEvery;
    if (classifies()) {
        const size_t measured = std::min(kMeasuredHeldOut, data_.held_out_series.size());
        sensor_ = std::make_unique<SensorTrainModel>(data_, measured, settings_.hidden, settings_.seed, settings_.backend);
        sensor_->model.info.name = "trained-" + settings_.task;
        sensor_->model.info.description = std::string("trained in the page on ") + task_->id + " from seed " + std::to_string(settings_.seed);
        trainer_ = std::make_unique<Trainer>(tc, sensor_->params(), train_pairs());
        set_probe(settings_.probe.empty() ? task_->probe : settings_.probe);
        evaluate();
        take_snapshot();
        return;
    }
    Vocab src = Vocab::from_corpus(sources_of(data_.train, false));
    Vocab tgt = Vocab::from_corpus(sources_of(data_.train, true));
    Rng rng(settings_.seed);
    ModelInfo info;
    info.name = "trained-" + settings_.task;
    info.description = std::string("trained in the page on ") + task_->id + " from seed " + std::to_string(settings_.seed);
    if (row->arch == TrainArch::Transformer) {
        TransformerConfig c;
        c.d_model = settings_.hidden;
        c.heads = settings_.heads;
        c.encoder_layers = c.decoder_layers = settings_.layers;
        c.ff_hidden = 2 * settings_.hidden;
        c.max_source_tokens = 12;
        model_ = std::make_unique<TransformerTrainModel>(info, c, std::move(src), std::move(tgt), rng, settings_.backend);
    } else {
        Seq2SeqConfig c;
        c.style = row->style;
        c.embed = settings_.embed;
        c.hidden = settings_.hidden;
        c.layers = settings_.layers;
        c.max_source_tokens = 12;
        c.normalizer = settings_.normalizer;
        if (normalizer_info(c.normalizer).uses_k) c.top_k = settings_.top_k;  // else not read (validate: not checked)
        if (c.style == Seq2SeqStyle::StatQuest) {
            c.decoder_hidden = c.hidden;
            c.statquest_score = row->score;
        } else {
            c.bidirectional = true;
            c.decoder_hidden = 2 * c.hidden;
            c.attention_dim = c.hidden;
        }
        model_ = std::make_unique<LstmTrainModel>(info, c, std::move(src), std::move(tgt), rng, settings_.backend);
    }

    for (const Pair& p : data_.train) {
        src_ids_.push_back(model_->encode_source(p.source));
        tgt_ids_.push_back(model_->encode_target(p.target));
    }
    for (const Pair& p : held_out_) {
        held_src_.push_back(model_->encode_source(p.source));
        held_tgt_.push_back(model_->encode_target(p.target));
    }
    trainer_ = std::make_unique<Trainer>(tc, model_->params(), train_pairs());

    set_probe(settings_.probe.empty() ? task_->probe : settings_.probe);
    evaluate();
    take_snapshot();
}

double TrainRun::step() {
    const double loss = trainer_->step(
        [this](int i) { return sensor_ ? sensor_->loss(i, true) : model_->loss(src_ids_[i], tgt_ids_[i], true); },
        [this](bool apply) { sensor_ ? sensor_->finish_batch(apply) : model_->finish_batch(apply); });
    if (steps() % eval_every_ == 0) evaluate();
    probe_stale_ = true;  // the probe is run again when it is next read (fresh())
    if (steps() % snapshot_every_ == 0) take_snapshot();
    return loss;
}

int TrainRun::train_pairs() const {
    return static_cast<int>(classifies() ? data_.train_series.size() : data_.train.size());
}
int TrainRun::held_out_pairs() const { return classifies() ? static_cast<int>(sensor_->held.rows() / kSensorSteps) : static_cast<int>(held_out_.size()); }

void TrainRun::evaluate() {
    TrainEval e;
    e.step = steps();
    if (sensor_) {  // the measured held-out series in one batch: the loss from its logits, the class, the weights
        const SensorBatch b = sensor_model_classify_batch(sensor_->model, sensor_->held, settings_.backend);
        const int n = static_cast<int>(b.logits.rows());
        std::vector<int> labels(static_cast<size_t>(n));
        int correct = 0, localized = 0;
        double near = 0.0;
        for (int i = 0; i < n; ++i) {
            const SensorSample& s = data_.held_out_series[static_cast<size_t>(i)];
            labels[static_cast<size_t>(i)] = static_cast<int>(s.event);
            correct += b.predicted[static_cast<size_t>(i)] == labels[static_cast<size_t>(i)];
            if (s.event_width > 0) {
                near += attention_mass_near_event(&b.weights(i, 0), kSensorSteps, s);
                ++localized;
            }
        }
        e.loss = cross_entropy_forward(b.logits, labels).loss;  // mean over the series, as the training loss
        e.exact_match = static_cast<double>(correct) / std::max(1, n);
        e.near_event = localized ? near / localized : 0.0;
        evals_.push_back(e);
        return;
    }
    RunOptions greedy = as_trained();
    greedy.record_trace = false;
    // An output longer than every target cannot match one: decoding stops one word past the longest (an
    // untrained model rarely says <EOS>, and the default 24 words made evaluation most of a short step).
    size_t longest = 0;
    for (const std::vector<int>& t : held_tgt_) longest = std::max(longest, t.size());
    greedy.max_output_tokens = static_cast<int>(longest) + 1;
    int exact = 0;
    for (size_t i = 0; i < held_out_.size(); ++i) {
        e.loss += model_->loss(held_src_[i], held_tgt_[i], false);
        exact += model().translate(held_out_[i].source, greedy).output_text == normalize_text(held_out_[i].target);
    }
    const double n = static_cast<double>(std::max<size_t>(1, held_out_.size()));
    e.loss /= n;
    e.exact_match = exact / n;
    evals_.push_back(e);
}

void TrainRun::set_probe(const std::string& source) {
    if (sensor_) {
        const int n = TrainBounds::kSensorHeldOutSeries;
        const size_t a = source.find_first_not_of(' '), b = source.find_last_not_of(' ');
        const std::string digits = a == std::string::npos ? "" : source.substr(a, b - a + 1);
        if (digits.empty() || digits.size() > 3 || digits.find_first_not_of("0123456789") != std::string::npos ||
            std::stoi(digits) >= n)
            throw std::invalid_argument("the sensor's probe is a held-out series: a number from 0 to " + std::to_string(n - 1) +
                                        ", not '" + source.substr(0, 40) + "'");
        probe_series_ = std::stoi(digits);
        probe_source_ = std::to_string(probe_series_);
        probe_target_ = sensor_event_name(probe_sample().event);
        refresh_probe();
        return;
    }
    const std::string text = normalize_text(source);
    const std::vector<std::string> words = words_of(text);
    if (words.empty()) throw std::invalid_argument("the probe sentence is empty");
    if (static_cast<int>(words.size()) > TrainBounds::kMaxProbeTokens)
        throw std::invalid_argument("the probe sentence has " + std::to_string(words.size()) + " words; at most " +
                                    std::to_string(TrainBounds::kMaxProbeTokens));
    probe_source_ = text;
    probe_target_.clear();
    if (task_->pattern != TrainPattern::None) {
        std::vector<std::string> target = words;
        if (task_->pattern == TrainPattern::AntiDiagonal) std::reverse(target.begin(), target.end());
        probe_target_ = join(target);
    }
    for (const std::vector<Pair>* set : {&data_.train, &data_.held_out})
        for (const Pair& p : *set)
            if (probe_target_.empty() && normalize_text(p.source) == text) probe_target_ = normalize_text(p.target);
    if (probe_target_.empty()) {
        RunOptions greedy = as_trained();
        greedy.record_trace = false;
        greedy.max_output_tokens = TrainBounds::kMaxProbeTokens;  // an untrained model may never say <EOS>
        probe_target_ = model().translate(text, greedy).output_text;
    }
    refresh_probe();
}

void TrainRun::refresh_probe() const {
    probe_stale_ = false;
    if (sensor_)
        probe_sensor_ = sensor_model_run(sensor_->model, probe_sample().values, SensorRunOptions{settings_.backend});
    else
        probe_ = model().force(probe_source_, probe_target_, as_trained());
}

const SensorSample& TrainRun::probe_sample() const {
    if (!sensor_) throw std::logic_error("TrainRun::probe_sample: the task is not the sensor's");
    return data_.held_out_series.at(static_cast<size_t>(probe_series_));
}

RunOptions TrainRun::as_trained() const {
    RunOptions o;
    o.backend = settings_.backend;
    if (!transformer()) {  // the Transformer trains with softmax
        o.normalizer = settings_.normalizer;
        o.top_k = settings_.top_k;
    }
    return o;
}

double TrainRun::pattern_mass() const {
    if (task_->pattern == TrainPattern::None) return -1.0;
    fresh();
    if (sensor_) {
        const SensorSample& s = probe_sample();
        return s.event_width > 0 ? attention_mass_near_event(probe_sensor_.attention.weights.data(), kSensorSteps, s) : -1.0;
    }
    const int t = static_cast<int>(probe_.source_tokens.size());
    const int rows = std::min(t, static_cast<int>(probe_.steps.size()));
    if (rows == 0) return 0.0;
    const Mat a = probe_alignment(probe_);
    double mass = 0.0;
    for (int i = 0; i < rows; ++i) mass += a(i, task_->pattern == TrainPattern::AntiDiagonal ? t - 1 - i : i);
    return mass / rows;
}

TrainRun::~TrainRun() = default;

const Translator& TrainRun::model() const {
    if (!model_) throw std::logic_error("TrainRun::model: the sensor task's model is not a translator (sensor())");
    return model_->translator();
}
const Seq2SeqLstm* TrainRun::seq2seq() const { return model_ ? dynamic_cast<const Seq2SeqLstm*>(&model_->translator()) : nullptr; }
const Transformer* TrainRun::transformer() const { return model_ ? dynamic_cast<const Transformer*>(&model_->translator()) : nullptr; }
const SensorModel* TrainRun::sensor() const { return sensor_ ? &sensor_->model : nullptr; }
int TrainRun::grid_layers() const { return transformer() ? transformer()->config().decoder_layers : 0; }
int TrainRun::grid_heads() const { return transformer() ? transformer()->config().heads : 0; }

std::vector<Mat> TrainRun::probe_heads(const Translation& t) const {
    const int layers = grid_layers(), heads = grid_heads();
    std::vector<Mat> grid(static_cast<size_t>(layers * heads),
                          Mat::Zero(static_cast<int>(t.steps.size()), static_cast<int>(t.source_tokens.size())));
    for (int r = 0; r < static_cast<int>(t.steps.size()); ++r)
        for (const AttentionTrace& a : t.steps[static_cast<size_t>(r)].attention)
            if (a.form == "cross" && a.layer < layers && a.head < heads)
                grid[static_cast<size_t>(a.layer * heads + a.head)].row(r) = a.weights.row(a.weights.rows() - 1);
    return grid;
}

Mat TrainRun::probe_alignment(const Translation& t) const {
    if (sensor_) return probe_sensor_.attention.weights;  // [1, T]
    Mat m = Mat::Zero(static_cast<int>(t.steps.size()), static_cast<int>(t.source_tokens.size()));
    if (!transformer()) {
        for (int r = 0; r < m.rows(); ++r) m.row(r) = t.steps[static_cast<size_t>(r)].attention.at(0).weights.row(0);
        return m;
    }
    const std::vector<Mat> grid = probe_heads(t);  // the last layer's heads, averaged
    const int heads = grid_heads(), last = grid_layers() - 1;
    for (int h = 0; h < heads; ++h) m += grid[static_cast<size_t>(last * heads + h)];
    return m / static_cast<float>(heads);
}

void TrainRun::take_snapshot() {
    fresh();
    TrainSnapshot s;
    s.step = steps();
    const std::vector<double>& l = losses();
    if (loss_mark_ < l.size()) {
        for (size_t i = loss_mark_; i < l.size(); ++i) s.loss += l[i];
        s.loss /= static_cast<double>(l.size() - loss_mark_);
    }
    loss_mark_ = l.size();
    s.alignment = probe_alignment(probe_);
    s.heads = probe_heads(probe_);
    s.probe = probe_source_;
    if (!sensor_) {
        s.source_tokens = probe_.source_tokens;
        s.target_tokens = probe_.output_tokens;
        s.target_tokens.push_back("<EOS>");
    }
    snapshots_.push_back(std::move(s));
    // Full: keep every other one (step 0 stays) and take them half as often.
    if (static_cast<int>(snapshots_.size()) >= kMaxSnapshots) {
        std::vector<TrainSnapshot> kept;
        for (size_t i = 0; i < snapshots_.size(); i += 2) kept.push_back(std::move(snapshots_[i]));
        snapshots_ = std::move(kept);
        snapshot_every_ *= 2;
    }
}

std::string TrainRun::state_json(int since_step) const {
    fresh();
    nlohmann::ordered_json j;
    nlohmann::ordered_json set;
    set["task"] = settings_.task;
    set["model"] = settings_.model;
    set["embed"] = settings_.embed;
    set["hidden"] = settings_.hidden;
    set["layers"] = settings_.layers;
    set["heads"] = settings_.heads;
    set["batch"] = settings_.batch;
    set["lr"] = settings_.lr;
    set["normalizer"] = normalizer_name(settings_.normalizer);
    set["top_k"] = settings_.top_k;
    set["seed"] = settings_.seed;
    set["backend"] = backend_name(settings_.backend);
    j["settings"] = set;
    j["step"] = steps();
    j["examples"] = examples();
    j["train_pairs"] = train_pairs();
    j["held_out_pairs"] = held_out_pairs();
    j["kind"] = train_kind_name(task_->kind);
    j["parameter_count"] = sensor_ ? sensor_parameter_counts(sensor_->model).total : model().info().parameter_count;
    if (transformer()) j["grid"] = {{"layers", grid_layers()}, {"heads", grid_heads()}};
    const int from = std::clamp(since_step, 0, steps());
    j["losses_from"] = from + 1;  // losses[i] is step losses_from + i's
    j["losses"] = std::vector<double>(losses().begin() + from, losses().end());
    nlohmann::ordered_json evals = nlohmann::ordered_json::array();
    for (const TrainEval& e : evals_)
        if (e.step > since_step || since_step == 0)
            evals.push_back(sensor_ ? nlohmann::ordered_json{{"step", e.step}, {"loss", e.loss}, {"accuracy", e.exact_match},
                                                             {"attention_near_event", e.near_event}}
                                    : nlohmann::ordered_json{{"step", e.step}, {"loss", e.loss}, {"exact_match", e.exact_match}});
    j["evals"] = evals;
    const auto matrix = [](const Mat& m) {
        nlohmann::ordered_json rows = nlohmann::ordered_json::array();
        for (int r = 0; r < m.rows(); ++r) {
            std::vector<float> row(static_cast<size_t>(m.cols()));
            for (int c = 0; c < m.cols(); ++c) row[static_cast<size_t>(c)] = m(r, c);
            rows.push_back(row);
        }
        return rows;
    };
    const auto grid = [&](const std::vector<Mat>& heads) {
        nlohmann::ordered_json g = nlohmann::ordered_json::array();
        for (const Mat& h : heads) g.push_back(matrix(h));
        return g;
    };
    nlohmann::ordered_json probe;
    probe["source"] = probe_source_;
    probe["target"] = probe_target_;
    if (sensor_) {  // the held-out series: its steps are the columns, its readings and event beside them
        const SensorSample& s = probe_sample();
        const SensorRun& r = probe_sensor_;
        std::vector<std::string> steps;
        for (int t = 0; t < kSensorSteps; ++t) steps.push_back(std::to_string(t));
        probe["source_tokens"] = steps;
        probe["target_tokens"] = {"weights"};
        probe["alignment"] = matrix(r.attention.weights);
        probe["series"] = matrix(s.values);
        probe["channels"] = sensor_->model.channel_names;
        probe["units"] = sensor_->model.channel_units;
        probe["event"] = {{"name", sensor_event_name(s.event)}, {"start", s.event_start}, {"width", s.event_width},
                          {"channel", s.event_channel}, {"margin", kSensorAttentionMargin}};
        probe["classes"] = sensor_->model.class_names;
        probe["probs"] = r.probs;
        probe["output_text"] = r.predicted_name;
        probe["pattern"] = train_pattern_name(task_->pattern);
        if (pattern_mass() >= 0.0) probe["pattern_mass"] = pattern_mass();
    } else {
        probe["source_tokens"] = probe_.source_tokens;
        std::vector<std::string> rows = probe_.output_tokens;
        rows.push_back("<EOS>");
        probe["target_tokens"] = rows;
        probe["alignment"] = matrix(probe_alignment(probe_));
        if (transformer()) probe["heads"] = grid(probe_heads(probe_));
        RunOptions greedy = as_trained();
        greedy.record_trace = false;
        probe["output_text"] = model().translate(probe_source_, greedy).output_text;
        const double mass = pattern_mass();
        probe["pattern"] = train_pattern_name(task_->pattern);
        if (mass >= 0.0) probe["pattern_mass"] = mass;
    }
    j["probe"] = probe;
    // The snapshots after since_step (all of them when it is 0), and the steps of every one kept: a reader
    // that has the earlier ones drops those the run has thinned away.
    nlohmann::ordered_json snaps = nlohmann::ordered_json::array();
    std::vector<int> kept;
    for (const TrainSnapshot& s : snapshots_) {
        kept.push_back(s.step);
        if (since_step > 0 && s.step <= since_step) continue;
        nlohmann::ordered_json one = {{"step", s.step}, {"loss", s.loss}, {"probe", s.probe}};
        if (!sensor_) {
            one["source_tokens"] = s.source_tokens;
            one["target_tokens"] = s.target_tokens;
        }
        one["alignment"] = matrix(s.alignment);
        if (transformer()) one["heads"] = grid(s.heads);
        snaps.push_back(std::move(one));
    }
    j["snapshots"] = snaps;
    j["snapshot_steps"] = kept;
    return j.dump();
}

SafetensorsFile TrainRun::to_file(const std::string& name) const {
    nlohmann::ordered_json metrics;
    if (sensor_) {  // the shipped sensor file's words (recipe_sensor.cpp), for the series this run measured
        metrics["data_seed"] = kSensorDataSeed;
        metrics["backend"] = backend_name(settings_.backend);
        metrics["task"] = settings_.task;
        metrics["attention_margin_steps"] = kSensorAttentionMargin;
        metrics["held_out"] = {{"first_index", kSensorHeldOutFirst}, {"samples", held_out_pairs()}};
        if (!evals_.empty())
            metrics["held_out"].update({{"loss", evals_.back().loss}, {"accuracy", evals_.back().exact_match},
                                        {"attention_near_event", evals_.back().near_event}, {"at_step", evals_.back().step}});
    } else {
        metrics["decoding"] = "greedy";
        metrics["backend"] = backend_name(settings_.backend);
        metrics["task"] = settings_.task;
        metrics["test_pairs"] = held_out_.size();
        if (!evals_.empty()) {
            metrics["test_loss"] = evals_.back().loss;
            metrics["test_exact_match"] = evals_.back().exact_match;
            metrics["at_step"] = evals_.back().step;
        }
        metrics["train_pairs"] = data_.train.size();
    }
    nlohmann::ordered_json training;
    training["where"] = "the page";
    training["task"] = settings_.task;
    training["model"] = settings_.model;
    training["seed"] = settings_.seed;
    training["steps"] = steps();
    training["batch_size"] = settings_.batch;
    training["lr"] = settings_.lr;
    if (seq2seq()) {
        training["normalizer"] = normalizer_name(settings_.normalizer);
        training["top_k"] = settings_.top_k;
    }
    training["max_grad_norm"] = 5.0;
    training["final_loss"] = losses().empty() ? 0.0 : losses().back();
    if (sensor_) {
        training["data_seed"] = kSensorDataSeed;
        training["train_first_index"] = 0;
        training["train_count"] = train_pairs();
        SensorModel copy = sensor_->model;
        copy.info.name = name;
        copy.info.metrics_json = metrics.dump();
        copy.info.training_json = training.dump();
        return sensor_model_to_file(copy, name + ".safetensors");
    }
    return model_->to_file(name, metrics.dump(), training.dump());
}

}  // namespace attn
