// model_store.h: the translation models the app can show, loaded on first use: from assets/models on
// disk natively, fetched asynchronously by the page on the web (the frame keeps drawing meanwhile).
// A file that fails to load is reported with its reason; nothing else is lost. A model file the visitor
// drops on the page or picks joins them (add_file), or is refused with the loader's reason.
// Test: tests/e2e/lab.test.mjs (models load on demand), tests/e2e/page.test.mjs, tests/e2e/faults.test.mjs
// (failed downloads, progress, Try again).
#pragma once

#include "models/model_zoo.h"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace attn::views {

// How the page fetches a file next to it (the shell gives it on the web: app/main.cpp): `loaded` or
// `failed` is called later, `progress` as bytes arrive (total 0 when the server did not say). failed's
// http_status is 0 when there was no HTTP answer or the connection closed before the whole file arrived.
// Without one, the stores read <models dir>/<name>.safetensors at once.
using FetchFile = std::function<void(const std::string& url, std::function<void(const uint8_t*, size_t)> loaded,
                                     std::function<void(int http_status, const std::string& status_text)> failed,
                                     std::function<void(long loaded, long total)> progress)>;

// Why a download failed, in the project's words (the file, the HTTP status or a closed connection).
std::string download_failure(const std::string& url, int http_status, const std::string& status_text);

enum class ModelStatus { Unloaded, Loading, Ready, Failed };

// The largest model file a visitor may give the page (dropped, picked, attn.loadModel): the shipped ones
// are under 1 MB; a larger file is refused before it is read.
constexpr size_t kMaxModelFileBytes = size_t{64} << 20;

// A model the picker can offer: a row of the models table (models/model_zoo.h) or a file the visitor
// gave the page. The file's rows have no example sentence and are known by the name add_file gave.
struct ModelRow {
    std::string name, languages, example, architecture, description;
    std::string file;  // the shipped file's address, or the name of the visitor's file
    bool from_file = false;
};
const char* model_status_name(ModelStatus s);  // "unloaded", "loading", "ready", "failed"

class ModelStore {
public:
    explicit ModelStore(std::string models_dir = "") : dir_(std::move(models_dir)) {}
    void set_dir(std::string models_dir) { dir_ = std::move(models_dir); }  // native: where <name>.safetensors are
    const std::string& dir() const { return dir_; }
    void set_fetch(FetchFile fetch) { fetch_ = std::move(fetch); }
    // The model if it is ready; otherwise starts loading it (once) and returns nullptr.
    const Translator* get(const std::string& name);
    // The model if it is ready, else nullptr; never starts a load (what a panel may ask while drawing).
    const Translator* ready(const std::string& name) const;
    ModelStatus status(const std::string& name) const;
    const std::string& error(const std::string& name) const;  // why it failed ("" otherwise)
    // Parses and loads a model file held in memory (what the page fetched).
    void load_bytes(const std::string& name, const uint8_t* data, size_t size);
    // A model file the visitor gave the page, loaded at once under a new name: its file name's stem in
    // lower case, other characters than letters, digits and '_' made '-' ("-file" added when a model
    // has that name, then a number). Returns
    // the name. Throws FormatError naming the file when it is over kMaxModelFileBytes, not a
    // safetensors file, of an unknown architecture, or its tensors do not match it; nothing changes then.
    std::string add_file(const std::string& file_name, const uint8_t* data, size_t size);
    // add_file in two halves, for a caller that looks at the file before it is a translator's (the shell
    // sends a sensor classifier to the Sensor view): the bytes parsed, after the size check (FormatError
    // as add_file's), then the parsed file added (FormatError as add_file's; nothing changes then).
    static SafetensorsFile parse_file(const std::string& file_name, const uint8_t* data, size_t size);
    std::string add_parsed(const std::string& file_name, const SafetensorsFile& file);
    // The models table's rows, then the visitor's files in the order they were added.
    std::vector<ModelRow> rows() const;
    bool known(const std::string& name) const;  // a row of rows()
    std::string description(const std::string& name) const;  // its row's, without building rows(); "" if unknown
    // retryable: a download that failed (HTTP error, connection closed) may be asked for again.
    void fail(const std::string& name, const std::string& why, bool retryable = false);
    // Forgets a retryable failure (true when there was one), so that the next get() downloads the
    // file again (a panel may ask while drawing: the update phase's get() starts it); the lab's text,
    // model and tweaks are untouched meanwhile.
    bool retry(const std::string& name);
    bool retryable(const std::string& name) const;
    // Bytes of a download in flight: loaded so far and the total (0 when the server did not say).
    void set_progress(const std::string& name, long loaded, long total);
    std::pair<long, long> progress(const std::string& name) const;

private:
    struct Entry {
        ModelStatus status = ModelStatus::Unloaded;
        std::string error;
        bool retryable = false;
        long loaded = 0, total = 0;
        std::unique_ptr<Translator> model;
    };
    std::string dir_;
    FetchFile fetch_;
    std::map<std::string, Entry> entries_;
    std::vector<ModelRow> files_;  // the visitor's models (their entries are Ready)
};

}  // namespace attn::views
