// model_store.h: the translation models the app can show, loaded on first use: from assets/models on
// disk natively, fetched asynchronously by the page on the web (the frame keeps drawing meanwhile).
// A file that fails to load is reported with its reason; nothing else is lost.
#pragma once

#include "models/model_zoo.h"

#include <map>
#include <memory>
#include <string>
#include <utility>

namespace attn::app {

enum class ModelStatus { Unloaded, Loading, Ready, Failed };
const char* model_status_name(ModelStatus s);  // "unloaded", "loading", "ready", "failed"

class ModelStore {
public:
    explicit ModelStore(std::string models_dir = "") : dir_(std::move(models_dir)) {}
    void set_dir(std::string models_dir) { dir_ = std::move(models_dir); }  // native: where <name>.safetensors are
    const std::string& dir() const { return dir_; }
    // The model if it is ready; otherwise starts loading it (once) and returns nullptr.
    const Translator* get(const std::string& name);
    ModelStatus status(const std::string& name) const;
    const std::string& error(const std::string& name) const;  // why it failed ("" otherwise)
    // Parses and loads a model file held in memory (what the page fetched).
    void load_bytes(const std::string& name, const uint8_t* data, size_t size);
    // retryable: a download that failed (HTTP error, connection closed) may be asked for again.
    void fail(const std::string& name, const std::string& why, bool retryable = false);
    // Starts the download again after a retryable failure (true when it did); the lab's text, model
    // and tweaks are untouched meanwhile.
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
    std::map<std::string, Entry> entries_;
};

}  // namespace attn::app
