// model_store.h: the translation models the app can show, loaded on first use: from assets/models on
// disk natively, fetched asynchronously by the page on the web (the frame keeps drawing meanwhile).
// A file that fails to load is reported with its reason; nothing else is lost.
#pragma once

#include "models/model_zoo.h"

#include <map>
#include <memory>
#include <string>

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
    void fail(const std::string& name, const std::string& why);

private:
    struct Entry {
        ModelStatus status = ModelStatus::Unloaded;
        std::string error;
        std::unique_ptr<Translator> model;
    };
    std::string dir_;
    std::map<std::string, Entry> entries_;
};

}  // namespace attn::app
