// plan.cpp: see plan.h.
#include "gpu/plan.h"

#include <emscripten/emscripten.h>

#include <cstring>
#include <unordered_map>

namespace attn::gpu {

namespace {

constexpr WGPUBufferUsageFlags kStorageUsage =
    WGPUBufferUsage_Storage | WGPUBufferUsage_CopyDst | WGPUBufferUsage_CopySrc;

// Runs in flight, by ticket: a map callback that arrives after its plan was released finds nothing.
std::unordered_map<uint64_t, Plan*>& in_flight() {
    static std::unordered_map<uint64_t, Plan*> runs;
    return runs;
}
uint64_t g_next_ticket = 1;

}  // namespace

int Plan::storage(uint64_t floats, const char* label) {
    Buffer b;
    b.init(ctx_.device(), floats * 4, kStorageUsage, label);
    buffers_.push_back(b);
    return static_cast<int>(buffers_.size()) - 1;
}

int Plan::storage(const float* data, uint64_t floats, const char* label) {
    const int index = storage(floats, label);
    if (floats > 0) wgpuQueueWriteBuffer(ctx_.queue(), buffers_[index].handle, 0, data, floats * 4);
    return index;
}

int Plan::uniform_bytes(const void* data, size_t bytes, const char* label) {
    Buffer b;
    b.init(ctx_.device(), bytes, WGPUBufferUsage_Uniform | WGPUBufferUsage_CopyDst, label);
    wgpuQueueWriteBuffer(ctx_.queue(), b.handle, 0, data, bytes);
    buffers_.push_back(b);
    return static_cast<int>(buffers_.size()) - 1;
}

void Plan::upload_each_run(int buffer, const float* src, uint64_t floats, uint64_t at) {
    uploads_.push_back({buffer, src, floats, at});
}

void Plan::dispatch(Kernel k, std::vector<int> buffers, uint32_t x, uint32_t y, uint32_t z) {
    Step s;
    s.kernel = k;
    s.buffers = std::move(buffers);
    s.groups[0] = x;
    s.groups[1] = y;
    s.groups[2] = z;
    steps_.push_back(std::move(s));
}

void Plan::read_back(int buffer, uint64_t offset, uint64_t count) { readbacks_.push_back({buffer, offset, count}); }

bool Plan::finish(std::string* error) {
    for (Step& s : steps_) {
        const KernelInfo& info = kernel_info(s.kernel);
        if (s.buffers.size() != info.slots.size()) {
            *error = std::string(info.entry) + ": " + std::to_string(info.slots.size()) + " buffers expected, got " +
                     std::to_string(s.buffers.size());
            return false;
        }
        for (int g = 0; g < 3; ++g) {
            if (s.groups[g] == 0 || s.groups[g] > 65535) {
                *error = std::string(info.entry) + ": " + std::to_string(s.groups[g]) +
                         " workgroups in one dimension (1 to 65535 allowed): the shape is too large for this path";
                return false;
            }
        }
        std::vector<WGPUBindGroupEntry> entries;
        for (size_t i = 0; i < info.slots.size(); ++i) {
            WGPUBindGroupEntry e = {};
            e.binding = info.slots[i].binding;
            e.buffer = buffers_[s.buffers[i]].handle;
            e.offset = 0;
            e.size = buffers_[s.buffers[i]].bytes;
            entries.push_back(e);
        }
        WGPUBindGroupDescriptor desc = {};
        desc.label = info.entry;
        desc.layout = pipelines_.get(s.kernel).layout;
        desc.entryCount = static_cast<uint32_t>(entries.size());
        desc.entries = entries.data();
        s.bind_group = wgpuDeviceCreateBindGroup(ctx_.device(), &desc);
    }
    uint64_t total = 0;
    for (const Readback& r : readbacks_) total += r.count;
    staging_.init(ctx_.device(), total * 4, WGPUBufferUsage_MapRead | WGPUBufferUsage_CopyDst, "readback");
    finished_ = true;
    return true;
}

void Plan::run(RunDone done) {
    if (!finished_ || !ctx_.alive()) {
        RunResult r;
        r.error = ctx_.alive() ? "the GPU plan was not built" : "the WebGPU device is gone";
        done(std::move(r));
        return;
    }
    if (in_flight_) {
        queued_.push_back(std::move(done));
        return;
    }
    start(std::move(done));
}

void Plan::start(RunDone done) {
    in_flight_ = true;
    current_ = std::move(done);
    started_ms_ = emscripten_get_now();
    WGPUQueue queue = ctx_.queue();
    for (const Upload& u : uploads_) wgpuQueueWriteBuffer(queue, buffers_[u.buffer].handle, u.at * 4, u.src, u.floats * 4);

    WGPUCommandEncoder encoder = wgpuDeviceCreateCommandEncoder(ctx_.device(), nullptr);
    if (!steps_.empty()) {
        WGPUComputePassEncoder pass = wgpuCommandEncoderBeginComputePass(encoder, nullptr);
        for (const Step& s : steps_) {
            wgpuComputePassEncoderSetPipeline(pass, pipelines_.get(s.kernel).pipeline);
            wgpuComputePassEncoderSetBindGroup(pass, 0, s.bind_group, 0, nullptr);
            wgpuComputePassEncoderDispatch(pass, s.groups[0], s.groups[1], s.groups[2]);
        }
        wgpuComputePassEncoderEnd(pass);
        wgpuComputePassEncoderRelease(pass);
    }
    uint64_t at = 0;
    for (const Readback& r : readbacks_) {
        wgpuCommandEncoderCopyBufferToBuffer(encoder, buffers_[r.buffer].handle, r.offset * 4, staging_.handle, at * 4,
                                             r.count * 4);
        at += r.count;
    }
    WGPUCommandBuffer commands = wgpuCommandEncoderFinish(encoder, nullptr);
    wgpuQueueSubmit(queue, 1, &commands);
    wgpuCommandBufferRelease(commands);
    wgpuCommandEncoderRelease(encoder);

    ticket_ = g_next_ticket++;
    in_flight()[ticket_] = this;
    wgpuBufferMapAsync(staging_.handle, WGPUMapMode_Read, 0, staging_.bytes, on_mapped,
                       reinterpret_cast<void*>(static_cast<uintptr_t>(ticket_)));
}

void Plan::on_mapped(WGPUBufferMapAsyncStatus status, void* userdata) {
    const uint64_t ticket = static_cast<uint64_t>(reinterpret_cast<uintptr_t>(userdata));
    auto it = in_flight().find(ticket);
    if (it == in_flight().end()) return;  // released meanwhile (a lost device): already answered
    Plan* plan = it->second;
    in_flight().erase(it);
    plan->mapped(status);
}

void Plan::mapped(WGPUBufferMapAsyncStatus status) {
    RunResult r;
    if (status == WGPUBufferMapAsyncStatus_Success) {
        const void* data = wgpuBufferGetConstMappedRange(staging_.handle, 0, staging_.bytes);
        if (data) {
            uint64_t floats = 0;
            for (const Readback& rb : readbacks_) floats += rb.count;
            r.data.resize(floats);
            std::memcpy(r.data.data(), data, floats * 4);
        } else {
            r.error = "the read-back buffer could not be mapped";
        }
        wgpuBufferUnmap(staging_.handle);
    } else {
        r.error = "reading the result back failed (map status " + std::to_string(static_cast<int>(status)) +
                  (ctx_.alive() ? ")" : "; the device is gone)");
    }
    r.elapsed_ms = emscripten_get_now() - started_ms_;
    RunDone done = std::move(current_);
    current_ = nullptr;
    in_flight_ = false;
    // Start the next queued run before answering, so a caller that queues again finds it in order.
    if (!queued_.empty() && ctx_.alive()) {
        RunDone next = std::move(queued_.front());
        queued_.pop_front();
        start(std::move(next));
    }
    done(std::move(r));
}

void Plan::release() {
    if (in_flight_) {
        in_flight().erase(ticket_);
        in_flight_ = false;
        RunDone done = std::move(current_);
        current_ = nullptr;
        RunResult r;
        r.error = "the GPU work was abandoned (device lost or backend reset)";
        if (done) done(r);
    }
    while (!queued_.empty()) {
        RunDone done = std::move(queued_.front());
        queued_.pop_front();
        RunResult r;
        r.error = "the GPU work was abandoned (device lost or backend reset)";
        done(r);
    }
    for (auto it = steps_.rbegin(); it != steps_.rend(); ++it)
        if (it->bind_group) wgpuBindGroupRelease(it->bind_group);
    steps_.clear();
    staging_.release();
    for (auto it = buffers_.rbegin(); it != buffers_.rend(); ++it) it->release();
    buffers_.clear();
    uploads_.clear();
    readbacks_.clear();
    finished_ = false;
}

}  // namespace attn::gpu
