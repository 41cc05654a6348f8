// sensor_store.cpp: see sensor_store.h.
#include "app/sensor_store.h"

#include <exception>
#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#endif

namespace attn::app {

#ifdef __EMSCRIPTEN__
namespace {
void on_loaded(void* arg, void* data, int size) {
    static_cast<SensorStore*>(arg)->load_bytes(static_cast<const uint8_t*>(data), static_cast<size_t>(size));
}
void on_error(void* arg) {
    static_cast<SensorStore*>(arg)->fail(std::string("could not download models/") + kSensorModelName + ".safetensors");
}
}  // namespace
#endif

const SensorModel* SensorStore::get(const std::string& models_dir) {
    if (status_ == ModelStatus::Ready) return model_.get();
    if (status_ != ModelStatus::Unloaded) return nullptr;
    status_ = ModelStatus::Loading;
#ifdef __EMSCRIPTEN__
    (void)models_dir;  // the page fetches from models/ next to it
    const std::string url = std::string("models/") + kSensorModelName + ".safetensors";
    emscripten_async_wget_data(url.c_str(), this, on_loaded, on_error);
    return nullptr;
#else
    try {
        model_ = std::make_unique<SensorModel>(load_sensor_model(models_dir + "/" + kSensorModelName + ".safetensors"));
        status_ = ModelStatus::Ready;
    } catch (const std::exception& e) {
        status_ = ModelStatus::Failed;
        error_ = e.what();
    }
    return model_.get();
#endif
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

void SensorStore::fail(const std::string& why) {
    model_.reset();
    status_ = ModelStatus::Failed;
    error_ = why;
}

}  // namespace attn::app
