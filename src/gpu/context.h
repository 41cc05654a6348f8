// context.h: the WebGPU device the page requested (web/gpu.js puts it in
// Module.preinitializedWebGPUDevice; emscripten_webgpu_get_device reads it), its queue, and the two
// ways it can go bad: lost (device.destroy(), a driver reset) or an uncaptured error. Also Buffer,
// the one GPU resource type the backend allocates. Not the pipelines (pipelines.h) or the
// launches (plan.h). Test: tests/e2e/webgpu.test.mjs (lost device, fallback).
#pragma once

#include <webgpu/webgpu.h>

#include <cstdint>
#include <functional>
#include <string>

namespace attn::gpu {

class Context {
public:
    // Takes the page's device. on_lost(message) when the device is lost, on_error(message) for a
    // validation or out-of-memory error nobody's error scope caught. Both are called later.
    void init(std::function<void(std::string)> on_lost, std::function<void(std::string)> on_error);
    void release();  // queue, then device
    bool alive() const { return device_ != nullptr; }
    WGPUDevice device() const { return device_; }
    WGPUQueue queue() const { return queue_; }

private:
    static void on_device_lost(WGPUDeviceLostReason reason, const char* message, void* userdata);
    static void on_uncaptured_error(WGPUErrorType type, const char* message, void* userdata);
    WGPUDevice device_ = nullptr;
    WGPUQueue queue_ = nullptr;
    std::function<void(std::string)> on_lost_, on_error_;
    int generation_ = 0;  // callbacks of a released device are ignored
};

// A GPU buffer: init/release pair; destroy() frees its memory at once rather than at collection.
struct Buffer {
    WGPUBuffer handle = nullptr;
    uint64_t bytes = 0;
    void init(WGPUDevice device, uint64_t bytes, WGPUBufferUsageFlags usage, const char* label);
    void release();
};

}  // namespace attn::gpu
