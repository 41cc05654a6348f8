// recipe_seq2seq.cpp: how the four LSTM encoder-decoder models are trained from scratch: statquest-toy
// (seed 002 at the video's size, on its two pairs), statquest (seed 002 sized for en-es), bahdanau
// (seed 003 on en-es), hindi (seed 003's example language pair). Each trains with teacher forcing
// (seq2seq_loss) through train_loop, prints loss and held-out accuracy, measures greedy exact match on
// the held-out file and writes assets/models/<name>.safetensors with those numbers in its metadata.
// Not the model (models/seq2seq_lstm.h). Run: build/native-release/attn_trainer statquest [--quick].
#include "core/rng.h"
#include "core/tokenizer.h"
#include "models/seq2seq_lstm.h"
#include "train/recipe.h"
#include "train/trainer.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

namespace attn {
namespace {

struct Seq2SeqRecipe {
    const char* name;
    const char* description;
    const char* train_file;  // under assets/data
    const char* test_file;   // under assets/data; nullptr: no held-out set (the toy)
    // The toy lists its vocabularies itself (the video's words, "y" included); the others take every
    // word of their training file.
    std::vector<std::string> source_words, target_words;
    Seq2SeqConfig config;
    TrainConfig train;
    int eval_every_steps;  // held-out accuracy printed this often
    // Sentences whose greedy translation is printed at the end (source, expected).
    std::vector<Pair> checks;
};

// A float setting as the decimal it was written as (0.01, not 0.009999999776482582).
double decimal(float x) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", x);
    return std::stod(buf);
}

double mean_of_last(const std::vector<double>& v, size_t n) {
    n = std::min(n, v.size());
    double s = 0.0;
    for (size_t i = v.size() - n; i < v.size(); ++i) s += v[i];
    return n ? s / static_cast<double>(n) : 0.0;
}

int train_seq2seq(const Seq2SeqRecipe& r, const RecipeArgs& args) {
    const std::string data = args.assets_dir + "/data/";
    const std::vector<Pair> train = load_pairs(data + r.train_file);
    const std::vector<Pair> test = r.test_file ? load_pairs(data + r.test_file) : std::vector<Pair>();

    std::vector<std::string> sources, targets;
    for (const Pair& p : train) {
        sources.push_back(p.source);
        targets.push_back(p.target);
    }
    Vocab src = r.source_words.empty() ? Vocab::from_corpus(sources) : Vocab::from_words(r.source_words, r.name);
    Vocab tgt = r.target_words.empty() ? Vocab::from_corpus(targets) : Vocab::from_words(r.target_words, r.name);

    Rng rng(r.train.seed);
    ModelInfo info;
    info.name = r.name;
    info.description = r.description;
    Seq2SeqLstm model(info, r.config, src, tgt, seq2seq_init(rng, r.config, src.size(), tgt.size()));

    std::vector<std::vector<int>> src_ids, tgt_ids;
    for (const Pair& p : train) {
        src_ids.push_back(model.encode_source(p.source));
        tgt_ids.push_back(model.encode_target(p.target));
    }

    TrainConfig tc = r.train;
    const int n = static_cast<int>(train.size());
    const int steps_per_epoch = (n + tc.batch_size - 1) / tc.batch_size;
    if (args.quick) tc.epochs = std::max(1, 300 / steps_per_epoch);  // about 300 steps
    std::printf("%s: %d train pairs, %d test pairs, vocab %d -> %d, %ld parameters (%.1f KB as f32), "
                "%d epochs x %d steps\n",
                r.name, n, static_cast<int>(test.size()), src.size(), tgt.size(), model.info().parameter_count,
                model.info().parameter_count * 4 / 1024.0, tc.epochs, steps_per_epoch);
    std::fflush(stdout);

    Seq2SeqGrad grad;
    grad.zero_like(model.weights());
    const ParamList params = seq2seq_params(model.mutable_weights(), grad);
    RunOptions eval;  // greedy, the trained attention, Backend::Simd: the options the metric is stated for
    double eval_seconds = 0.0;
    const auto on_progress = [&](int step, double loss) {
        std::printf("  step %6d  loss %.4f", step, loss);
        if (!test.empty() && (step % r.eval_every_steps == 0 || step == tc.epochs * steps_per_epoch)) {
            const auto t0 = std::chrono::steady_clock::now();
            std::printf("  held-out exact match %.4f", exact_match_accuracy(model, test, eval));
            eval_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        }
        std::printf("\n");
        std::fflush(stdout);
    };
    const TrainLog log = train_loop(
        tc, params, n,
        [&](int i) { return seq2seq_loss(model.config(), model.weights(), src_ids[i], tgt_ids[i], &grad, Backend::Simd); },
        on_progress);

    // The measured numbers, stored in the file.
    const auto t0 = std::chrono::steady_clock::now();
    nlohmann::ordered_json metrics;
    metrics["decoding"] = "greedy";
    metrics["backend"] = backend_name(eval.backend);
    if (!test.empty()) {
        metrics["test_file"] = r.test_file;
        metrics["test_pairs"] = test.size();
        metrics["test_exact_match"] = exact_match_accuracy(model, test, eval);
    }
    metrics["train_file"] = r.train_file;
    metrics["train_pairs"] = train.size();
    metrics["train_exact_match"] = exact_match_accuracy(model, train, eval);
    nlohmann::ordered_json checks = nlohmann::ordered_json::object();
    int failed = 0;
    for (const Pair& c : r.checks) {
        const std::string got = model.translate(c.source, eval).output_text;
        checks[c.source] = got;
        const bool ok = got == normalize_text(c.target);
        failed += !ok;
        std::printf("  %-28s -> %-24s %s\n", c.source.c_str(), got.c_str(), ok ? "ok" : ("expected " + c.target).c_str());
    }
    metrics["examples"] = checks;
    eval_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

    nlohmann::ordered_json training;
    training["seed"] = tc.seed;
    training["epochs"] = tc.epochs;
    training["steps"] = log.steps;
    training["batch_size"] = tc.batch_size;
    training["lr"] = decimal(tc.adam.lr);
    training["final_lr_fraction"] = decimal(tc.final_lr_fraction);
    training["max_grad_norm"] = decimal(tc.adam.max_grad_norm);
    training["seconds"] = std::round(log.seconds * 10.0) / 10.0;  // training alone, without evaluation
    training["final_loss"] = mean_of_last(log.step_losses, static_cast<size_t>(steps_per_epoch));  // last epoch's mean
    training["quick"] = args.quick;
    model.set_metrics(metrics.dump(), training.dump());

    const std::filesystem::path out(args.out_path);
    if (out.has_parent_path()) std::filesystem::create_directories(out.parent_path());
    safetensors_save(seq2seq_to_file(model), args.out_path);
    std::printf("%s: training %.1f s, evaluation %.1f s, %s, file %ld bytes\n  metrics %s\n", r.name, log.seconds,
                eval_seconds, args.out_path.c_str(), static_cast<long>(std::filesystem::file_size(out)),
                metrics.dump().c_str());
    if (failed) std::printf("%s: %d example(s) not translated as expected\n", r.name, failed);
    return 0;
}

TrainConfig train_config(uint64_t seed, int epochs, int batch, float lr) {
    TrainConfig t;
    t.seed = seed;
    t.epochs = epochs;
    t.batch_size = batch;
    t.adam.lr = lr;
    t.adam.max_grad_norm = 5.0f;
    t.final_lr_fraction = 0.05f;
    t.log_every_steps = 100;
    return t;
}

Seq2SeqConfig statquest_config(int embed, int hidden, int output_hidden, int max_source) {
    Seq2SeqConfig c;
    c.style = Seq2SeqStyle::StatQuest;
    c.embed = embed;
    c.hidden = hidden;
    c.layers = 2;
    c.decoder_hidden = hidden;
    c.output_hidden = output_hidden;
    c.max_source_tokens = max_source;
    return c;
}

Seq2SeqConfig bahdanau_config(int embed, int hidden, int decoder_hidden, int attention_dim, int output_hidden) {
    Seq2SeqConfig c;
    c.style = Seq2SeqStyle::Bahdanau;
    c.embed = embed;
    c.hidden = hidden;
    c.layers = 1;
    c.bidirectional = true;
    c.decoder_hidden = decoder_hidden;
    c.attention_dim = attention_dim;
    c.output_hidden = output_hidden;
    c.max_source_tokens = 12;
    return c;
}

const std::vector<Pair> kEnEsChecks = {{"let's go", "vamos"}, {"to go", "ir"}, {"the red house", "la casa roja"}};

const Seq2SeqRecipe& toy_recipe() {
    static const Seq2SeqRecipe r{
        "statquest-toy",
        "seed 002 at the video's size: embedding 2, two LSTM layers of 2 units, dot attention",
        "toy.train.tsv",
        nullptr,
        {"let's", "to", "go"},
        {"ir", "vamos", "y"},
        statquest_config(2, 2, 0, 8),
        train_config(2, 400, 2, 0.05f),
        100,
        {{"let's go", "vamos"}, {"to go", "ir"}}};
    return r;
}

const Seq2SeqRecipe& statquest_recipe() {
    static const Seq2SeqRecipe r{"statquest",
                                 "seed 002 on English -> Spanish: two LSTM layers, dot attention, FC over [context; h]",
                                 "en-es.train.tsv",
                                 "en-es.test.tsv",
                                 {},
                                 {},
                                 statquest_config(24, 40, 0, 12),
                                 train_config(20240601, 16, 32, 0.01f),
                                 900,
                                 kEnEsChecks};
    return r;
}

const Seq2SeqRecipe& bahdanau_recipe() {
    static const Seq2SeqRecipe r{"bahdanau",
                                 "seed 003 on English -> Spanish: bidirectional encoder, additive attention",
                                 "en-es.train.tsv",
                                 "en-es.test.tsv",
                                 {},
                                 {},
                                 bahdanau_config(24, 32, 64, 32, 40),
                                 train_config(20240602, 10, 32, 0.01f),
                                 900,
                                 kEnEsChecks};
    return r;
}

const Seq2SeqRecipe& hindi_recipe() {
    static const Seq2SeqRecipe r{"hindi",
                                 "seed 003's example: romanized Hindi -> English, additive attention",
                                 "hi-en.train.tsv",
                                 "hi-en.test.tsv",
                                 {},
                                 {},
                                 bahdanau_config(16, 24, 48, 24, 0),
                                 train_config(20240603, 40, 16, 0.01f),
                                 700,
                                 {{"mai ghar ja raha hoon", "i am going home"}}};
    return r;
}

int train_toy(const RecipeArgs& a) { return train_seq2seq(toy_recipe(), a); }
int train_statquest(const RecipeArgs& a) { return train_seq2seq(statquest_recipe(), a); }
int train_bahdanau(const RecipeArgs& a) { return train_seq2seq(bahdanau_recipe(), a); }
int train_hindi(const RecipeArgs& a) { return train_seq2seq(hindi_recipe(), a); }

}  // namespace
}  // namespace attn

ATTN_RECIPE(statquest_toy, "statquest-toy", "seed 002 at the video's size (2 pairs, every number on screen)",
            attn::train_toy);
ATTN_RECIPE(statquest, "statquest", "seed 002 on English -> Spanish (dot attention)", attn::train_statquest);
ATTN_RECIPE(bahdanau, "bahdanau", "seed 003 on English -> Spanish (additive attention)", attn::train_bahdanau);
ATTN_RECIPE(hindi, "hindi", "seed 003 on Hindi -> English (additive attention)", attn::train_hindi);
