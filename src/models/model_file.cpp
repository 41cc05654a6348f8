// model_file.cpp: see model_file.h.
#include "models/model_file.h"

#include "core/format_error.h"

namespace attn {

void write_model_info(SafetensorsFile& f, const ModelInfo& info) {
    f.metadata["name"] = info.name;
    f.metadata["architecture"] = info.architecture;
    f.metadata["description"] = info.description;
    f.metadata["config"] = info.config_json.empty() ? "{}" : info.config_json;
    f.metadata["metrics"] = info.metrics_json.empty() ? "{}" : info.metrics_json;
    f.metadata["training"] = info.training_json.empty() ? "{}" : info.training_json;
    f.metadata["parameter_count"] = std::to_string(info.parameter_count);
}

ModelInfo read_model_info(const SafetensorsFile& f, const std::string& expected_architecture) {
    ModelInfo info;
    info.name = f.require_metadata("name");
    info.architecture = f.require_metadata("architecture");
    if (!expected_architecture.empty() && info.architecture != expected_architecture)
        throw FormatError(f.source + ": architecture '" + info.architecture + "', expected '" +
                          expected_architecture + "'");
    info.description = f.require_metadata("description");
    info.config_json = f.require_metadata("config");
    info.metrics_json = f.require_metadata("metrics");
    info.training_json = f.require_metadata("training");
    const std::string& count = f.require_metadata("parameter_count");
    try {
        info.parameter_count = std::stol(count);
    } catch (const std::exception&) {
        throw FormatError(f.source + ": metadata parameter_count '" + count + "' is not a number");
    }
    return info;
}

void write_vocab(SafetensorsFile& f, const std::string& key, const Vocab& v) { f.metadata[key] = v.to_json(); }

Vocab read_vocab(const SafetensorsFile& f, const std::string& key) {
    return Vocab::from_json(f.require_metadata(key), f.source + " metadata " + key);
}

}  // namespace attn
