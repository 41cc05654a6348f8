// model_store.cpp: see model_store.h.
#include "views/model_store.h"

#include "core/safetensors.h"

#include "core/format_error.h"
#include "views/strings.h"

#include <cctype>
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

std::string download_failure(const std::string& url, int http_status, const std::string& status_text) {
    if (http_status == 0) return "the connection closed before " + url + " arrived";
    return "could not download " + url + " (HTTP " + std::to_string(http_status) +
           (status_text.empty() ? "" : " " + status_text) + ")";
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
        e.loaded = e.total = 0;
        fetch_(url, [this, name](const uint8_t* data, size_t size) { load_bytes(name, data, size); },
               [this, name, url](int http_status, const std::string& status_text) {
                   fail(name, download_failure(url, http_status, status_text) +
                                  "; the page keeps your text and tweaks: try again", true);
               },
               [this, name](long loaded, long total) { set_progress(name, loaded, total); });
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

void ModelStore::fail(const std::string& name, const std::string& why, bool retryable) {
    Entry& e = entries_[name];
    e.status = ModelStatus::Failed;
    e.error = why;
    e.retryable = retryable;
}

bool ModelStore::retry(const std::string& name) {
    const auto it = entries_.find(name);
    if (it == entries_.end() || it->second.status != ModelStatus::Failed || !it->second.retryable) return false;
    it->second = Entry{};  // Unloaded: the next get() starts the download again
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

namespace {
std::string shown_name(const std::string& file_name) { return file_name.empty() ? "the model file" : file_name; }
}  // namespace

SafetensorsFile ModelStore::parse_file(const std::string& file_name, const uint8_t* data, size_t size) {
    const std::string shown = shown_name(file_name);
    if (size > kMaxModelFileBytes)
        throw FormatError(shown + " is larger than " + std::to_string(kMaxModelFileBytes >> 20) +
                          " MB, the most the page loads of a model file");
    return safetensors_parse(data, size, shown);
}

std::string ModelStore::add_file(const std::string& file_name, const uint8_t* data, size_t size) {
    return add_parsed(file_name, parse_file(file_name, data, size));
}

std::string ModelStore::add_parsed(const std::string& file_name, const SafetensorsFile& file) {
    const std::string shown = shown_name(file_name);
    // Checked before anything changes: a refused file leaves the store as it was.
    std::unique_ptr<Translator> model = load_translator(file);
    std::string stem = file_name.substr(0, file_name.rfind('.'));
    std::string base;  // lower case; a run of other characters becomes one '-'
    for (char c : stem.substr(0, 40)) {
        const unsigned char u = static_cast<unsigned char>(c);
        if (std::isalnum(u) || c == '_') base += static_cast<char>(std::tolower(u));
        else if (!base.empty() && base.back() != '-') base += '-';
    }
    while (!base.empty() && base.back() == '-') base.pop_back();
    if (base.empty()) base = "model";
    std::string name = base;
    if (known(name)) name = base + "-file";
    for (int n = 2; known(name); ++n) name = base + "-file-" + std::to_string(n);
    const ModelInfo& info = model->info();
    ModelRow row{name, "", "", info.architecture, info.description, shown, true};
    Entry& e = entries_[name];
    e = Entry{};
    e.status = ModelStatus::Ready;
    e.model = std::move(model);
    files_.push_back(std::move(row));
    return name;
}

namespace {
// A file without a description says where it came from, in today's language.
std::string file_description(const ModelRow& r) {
    return r.description.empty() ? trf("lab.model_from_file", r.file.c_str()) : r.description;
}
}  // namespace

std::vector<ModelRow> ModelStore::rows() const {
    std::vector<ModelRow> out;
    for (const ZooEntry& e : translation_models())
        out.push_back({e.name, e.languages, e.example, e.architecture, model_description(e), model_file(e), false});
    for (ModelRow r : files_) {
        r.description = file_description(r);
        out.push_back(std::move(r));
    }
    return out;
}

std::string ModelStore::description(const std::string& name) const {
    if (const ZooEntry* e = find_translation_model(name)) return model_description(*e);
    for (const ModelRow& r : files_)
        if (r.name == name) return file_description(r);
    return "";
}

bool ModelStore::known(const std::string& name) const {
    if (find_translation_model(name)) return true;
    for (const ModelRow& r : files_)
        if (r.name == name) return true;
    return false;
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
