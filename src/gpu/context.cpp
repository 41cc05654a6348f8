// context.cpp: see context.h.
#include "gpu/context.h"

#include <emscripten/html5_webgpu.h>

namespace attn::gpu {

namespace {
// The callbacks carry the generation they were registered for; a later init or release bumps it.
struct CallbackTag {
    Context* context;
    int generation;
};
}  // namespace

void Context::init(std::function<void(std::string)> on_lost, std::function<void(std::string)> on_error) {
    release();
    device_ = emscripten_webgpu_get_device();
    if (!device_) return;
    queue_ = wgpuDeviceGetQueue(device_);
    on_lost_ = std::move(on_lost);
    on_error_ = std::move(on_error);
    // One tag per registration, alive for the page's lifetime (a device is taken a handful of times).
    auto* tag = new CallbackTag{this, generation_};
    wgpuDeviceSetDeviceLostCallback(device_, on_device_lost, tag);
    wgpuDeviceSetUncapturedErrorCallback(device_, on_uncaptured_error, tag);
}

void Context::release() {
    ++generation_;
    if (queue_) wgpuQueueRelease(queue_);
    if (device_) wgpuDeviceRelease(device_);
    queue_ = nullptr;
    device_ = nullptr;
}

void Context::on_device_lost(WGPUDeviceLostReason reason, const char* message, void* userdata) {
    const auto* tag = static_cast<const CallbackTag*>(userdata);
    Context& c = *tag->context;
    if (tag->generation != c.generation_ || !c.device_) return;
    std::string why = reason == WGPUDeviceLostReason_Destroyed ? "destroyed" : "lost";
    if (message && *message) why += std::string(": ") + message;
    c.on_lost_(why);
}

void Context::on_uncaptured_error(WGPUErrorType type, const char* message, void* userdata) {
    const auto* tag = static_cast<const CallbackTag*>(userdata);
    Context& c = *tag->context;
    if (tag->generation != c.generation_ || !c.device_) return;
    const char* kind = type == WGPUErrorType_Validation    ? "validation error"
                       : type == WGPUErrorType_OutOfMemory ? "out of memory"
                       : type == WGPUErrorType_DeviceLost  ? "device lost"
                                                           : "error";
    c.on_error_(std::string(kind) + ": " + (message ? message : ""));
}

void Buffer::init(WGPUDevice device, uint64_t size, WGPUBufferUsageFlags usage, const char* label) {
    release();
    // Bindings must not be empty, and a buffer bound as array<vec4<f32>> must hold whole vec4s:
    // round up to 16 bytes.
    bytes = size < 16 ? 16 : (size + 15) / 16 * 16;
    WGPUBufferDescriptor desc = {};
    desc.label = label;
    desc.usage = usage;
    desc.size = bytes;
    desc.mappedAtCreation = false;
    handle = wgpuDeviceCreateBuffer(device, &desc);
}

void Buffer::release() {
    if (handle) {
        wgpuBufferDestroy(handle);
        wgpuBufferRelease(handle);
    }
    handle = nullptr;
    bytes = 0;
}

}  // namespace attn::gpu
