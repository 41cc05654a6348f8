// sensor_store.cpp: see sensor_store.h.
#include "views/sensor_store.h"

#include <exception>

namespace attn::views {

const SensorModel* SensorStore::get(const std::string& models_dir) {
    if (status_ == ModelStatus::Ready) return model_.get();
    if (status_ != ModelStatus::Unloaded) return nullptr;
    status_ = ModelStatus::Loading;
    if (fetch_) {  // the page fetches from models/ next to it; the file arrives later
        const std::string url = std::string("models/") + kSensorModelName + ".safetensors";
        fetch_(url, [this](const uint8_t* data, size_t size) { load_bytes(data, size); },
               [this, url](int http_status, const std::string& status_text) {
                   fail(download_failure(url, http_status, status_text));
               },
               nullptr);
        return model_.get();
    }
    try {
        model_ = std::make_unique<SensorModel>(load_sensor_model(models_dir + "/" + kSensorModelName + ".safetensors"));
        status_ = ModelStatus::Ready;
    } catch (const std::exception& e) {
        status_ = ModelStatus::Failed;
        error_ = e.what();
    }
    return model_.get();
}

void SensorStore::load_bytes(const uint8_t* data, size_t size) {
    try {
        model_ = std::make_unique<SensorModel>(
            parse_sensor_model(data, size, std::string(kSensorModelName) + ".safetensors"));
        status_ = ModelStatus::Ready;
        error_.clear();
    } catch (const std::exception& e) {
        model_.reset();
        status_ = ModelStatus::Failed;
        error_ = e.what();
    }
}

void SensorStore::use(std::unique_ptr<SensorModel> model) {
    model_ = std::move(model);
    status_ = ModelStatus::Ready;
    error_.clear();
}

void SensorStore::fail(const std::string& why) {
    model_.reset();
    status_ = ModelStatus::Failed;
    error_ = why;
}

}  // namespace attn::views
