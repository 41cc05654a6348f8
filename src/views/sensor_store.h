// sensor_store.h: seed 000's sensor model (models/sensor_model.h), loaded on first use: from
// assets/models/sensor.safetensors on disk natively, fetched asynchronously by the page on the web
// (models/sensor.safetensors, as ModelStore fetches the translators; the frame keeps drawing meanwhile).
// A file that fails to load is reported with its reason. Test: tests/e2e/views.test.mjs.
#pragma once

#include "views/model_store.h"
#include "models/sensor_model.h"

#include <memory>
#include <string>

namespace attn::views {

constexpr const char* kSensorModelName = "sensor";  // file: <models dir>/sensor.safetensors

class SensorStore {
public:
    // The model if it is ready; otherwise starts loading it (once) from models_dir and returns nullptr.
    const SensorModel* get(const std::string& models_dir);
    const SensorModel* ready() const { return status_ == ModelStatus::Ready ? model_.get() : nullptr; }  // never loads
    void set_fetch(FetchFile fetch) { fetch_ = std::move(fetch); }
    ModelStatus status() const { return status_; }
    const std::string& error() const { return error_; }
    // Parses and checks a model file held in memory (what the page fetched).
    void load_bytes(const uint8_t* data, size_t size);
    // Another model in the shipped one's place (one the Train view trained, given to attn.loadModel): shown
    // from now on, for this visit.
    void use(std::unique_ptr<SensorModel> model);
    void fail(const std::string& why);

private:
    FetchFile fetch_;
    ModelStatus status_ = ModelStatus::Unloaded;
    std::string error_;
    std::unique_ptr<SensorModel> model_;
};

}  // namespace attn::views
