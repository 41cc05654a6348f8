// model_store.cpp: see model_store.h.
#include "views/model_store.h"

#include "core/safetensors.h"

#include <exception>

namespace attn::views {

const char* model_status_name(ModelStatus s) {
    switch (s) {
        case ModelStatus::Unloaded: return "unloaded";
        case ModelStatus::Loading: return "loading";
        case ModelStatus::Ready: return "ready";
        case ModelStatus::Failed: return "failed";
    }
    return "unknown";
}

const Translator* ModelStore::get(const std::string& name) {
    Entry& e = entries_[name];
    if (e.status == ModelStatus::Ready) return e.model.get();
    if (e.status != ModelStatus::Unloaded) return nullptr;
    if (!find_translation_model(name)) {
        e.status = ModelStatus::Failed;
        e.error = "no translation model named '" + name + "'";
        return nullptr;
    }
    e.status = ModelStatus::Loading;
    if (fetch_) {  // the page: the file arrives later (or never, with the reason)
        const std::string url = "models/" + name + ".safetensors";
        fetch_(url, [this, name](const uint8_t* data, size_t size) { load_bytes(name, data, size); },
               [this, name, url] { fail(name, "could not download " + url); });
        return entries_[name].model.get();
    }
    try {
        e.model = load_translator(safetensors_load(dir_ + "/" + name + ".safetensors"));
        e.status = ModelStatus::Ready;
    } catch (const std::exception& ex) {
        e.status = ModelStatus::Failed;
        e.error = ex.what();
    }
    return e.model.get();
}

void ModelStore::load_bytes(const std::string& name, const uint8_t* data, size_t size) {
    Entry& e = entries_[name];
    try {
        e.model = load_translator(safetensors_parse(data, size, name + ".safetensors"));
        e.status = ModelStatus::Ready;
        e.error.clear();
    } catch (const std::exception& ex) {
        e.model.reset();
        e.status = ModelStatus::Failed;
        e.error = ex.what();
    }
}

void ModelStore::fail(const std::string& name, const std::string& why) {
    Entry& e = entries_[name];
    e.status = ModelStatus::Failed;
    e.error = why;
}

const Translator* ModelStore::ready(const std::string& name) const {
    const auto it = entries_.find(name);
    return it == entries_.end() || it->second.status != ModelStatus::Ready ? nullptr : it->second.model.get();
}

ModelStatus ModelStore::status(const std::string& name) const {
    const auto it = entries_.find(name);
    return it == entries_.end() ? ModelStatus::Unloaded : it->second.status;
}

const std::string& ModelStore::error(const std::string& name) const {
    static const std::string none;
    const auto it = entries_.find(name);
    return it == entries_.end() ? none : it->second.error;
}

}  // namespace attn::views
