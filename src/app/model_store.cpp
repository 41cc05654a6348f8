// model_store.cpp: see model_store.h.
#include "app/model_store.h"

#include "core/safetensors.h"

#include <exception>
#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#include <emscripten/wget.h>
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
void on_loaded(unsigned, void* arg, void* data, unsigned size) {
    auto* p = static_cast<Pending*>(arg);
    p->store->load_bytes(p->name, static_cast<const uint8_t*>(data), static_cast<size_t>(size));
    delete p;
}
// status 0: no HTTP answer at all, or the connection closed before the whole file arrived.
void on_error(unsigned, void* arg, int status, const char* status_text) {
    auto* p = static_cast<Pending*>(arg);
    const std::string file = "models/" + p->name + ".safetensors";
    std::string why = status == 0 ? "the connection closed before " + file + " arrived"
                                  : "could not download " + file + " (HTTP " + std::to_string(status) +
                                        (status_text && *status_text ? std::string(" ") + status_text : "") + ")";
    p->store->fail(p->name, why + "; the page keeps your text and tweaks: try again", true);
    delete p;
}
void on_progress(unsigned, void* arg, int loaded, int total) {
    auto* p = static_cast<Pending*>(arg);
    p->store->set_progress(p->name, loaded, total);
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
    e.loaded = e.total = 0;
    emscripten_async_wget2_data(url.c_str(), "GET", "", new Pending{this, name}, 1, on_loaded, on_error, on_progress);
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

void ModelStore::fail(const std::string& name, const std::string& why, bool retryable) {
    Entry& e = entries_[name];
    e.status = ModelStatus::Failed;
    e.error = why;
    e.retryable = retryable;
}

bool ModelStore::retry(const std::string& name) {
    const auto it = entries_.find(name);
    if (it == entries_.end() || it->second.status != ModelStatus::Failed || !it->second.retryable) return false;
    it->second = Entry{};
    get(name);
    return true;
}

bool ModelStore::retryable(const std::string& name) const {
    const auto it = entries_.find(name);
    return it != entries_.end() && it->second.status == ModelStatus::Failed && it->second.retryable;
}

void ModelStore::set_progress(const std::string& name, long loaded, long total) {
    Entry& e = entries_[name];
    e.loaded = loaded;
    e.total = total;
}

std::pair<long, long> ModelStore::progress(const std::string& name) const {
    const auto it = entries_.find(name);
    return it == entries_.end() ? std::pair<long, long>{0, 0} : std::pair<long, long>{it->second.loaded, it->second.total};
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
