// model_store.cpp: see model_store.h.
#include "app/model_store.h"

#include "core/safetensors.h"

#include <exception>
#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#endif

namespace attn::app {

const char* model_status_name(ModelStatus s) {
    switch (s) {
        case ModelStatus::Unloaded: return "unloaded";
        case ModelStatus::Loading: return "loading";
        case ModelStatus::Ready: return "ready";
        case ModelStatus::Failed: return "failed";
    }
    return "unknown";
}

#ifdef __EMSCRIPTEN__
namespace {
struct Pending {
    ModelStore* store;
    std::string name;
};
void on_loaded(void* arg, void* data, int size) {
    auto* p = static_cast<Pending*>(arg);
    p->store->load_bytes(p->name, static_cast<const uint8_t*>(data), static_cast<size_t>(size));
    delete p;
}
void on_error(void* arg) {
    auto* p = static_cast<Pending*>(arg);
    p->store->fail(p->name, "could not download models/" + p->name + ".safetensors");
    delete p;
}
}  // namespace
#endif

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
#ifdef __EMSCRIPTEN__
    const std::string url = "models/" + name + ".safetensors";
    emscripten_async_wget_data(url.c_str(), new Pending{this, name}, on_loaded, on_error);
    return nullptr;
#else
    try {
        e.model = load_translator(safetensors_load(dir_ + "/" + name + ".safetensors"));
        e.status = ModelStatus::Ready;
    } catch (const std::exception& ex) {
        e.status = ModelStatus::Failed;
        e.error = ex.what();
    }
    return e.model.get();
#endif
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

ModelStatus ModelStore::status(const std::string& name) const {
    const auto it = entries_.find(name);
    return it == entries_.end() ? ModelStatus::Unloaded : it->second.status;
}

const std::string& ModelStore::error(const std::string& name) const {
    static const std::string none;
    const auto it = entries_.find(name);
    return it == entries_.end() ? none : it->second.error;
}

}  // namespace attn::app
