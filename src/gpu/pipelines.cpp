// pipelines.cpp: see pipelines.h. The binding lists below must match the headers of the WGSL files
// (a mismatch is a validation error at pipeline creation, reported like a compilation error).
#include "gpu/pipelines.h"

#include "gpu/shader_sources.h"

#include <emscripten/emscripten.h>

#include <map>
#include <memory>

// gpu_library.js: asks the browser for a shader module's compilation messages; each arrives through
// attn_gpu_compilation_message, then attn_gpu_compilation_done (both below) with the same token.
extern "C" void attn_gpu_compilation_info(WGPUShaderModule module, int token);

namespace attn::gpu {

namespace {

using K = SlotKind;

const KernelInfo kKernels[] = {
    {"matmul", "matmul_nt", {{0, K::Uniform}, {1, K::Read}, {2, K::Read}, {3, K::Read}, {4, K::ReadWrite}}},
    {"attention", "mha_rows",
     {{0, K::Uniform}, {1, K::Read}, {2, K::Read}, {3, K::Read}, {4, K::ReadWrite}, {5, K::ReadWrite}, {6, K::Read},
      {7, K::Read}}},
    {"lstm", "lstm_cell",
     {{0, K::Uniform}, {1, K::Read}, {2, K::Read}, {3, K::ReadWrite}, {4, K::ReadWrite}, {5, K::ReadWrite},
      {6, K::Read}, {7, K::Read}}},
    {"pool", "pool_scores",
     {{0, K::Uniform}, {1, K::Read}, {2, K::Read}, {3, K::Read}, {4, K::Read}, {5, K::ReadWrite}, {8, K::Read},
      {9, K::Read}}},
    {"pool", "pool_context", {{0, K::Uniform}, {1, K::Read}, {5, K::ReadWrite}, {6, K::ReadWrite}, {7, K::ReadWrite}}},
    {"decode_lstm", "decode_lstm", {{0, K::Uniform}, {1, K::Read}, {2, K::Read}, {3, K::ReadWrite}, {4, K::ReadWrite}}},
    {"decode_transformer", "decode_transformer",
     {{0, K::Uniform}, {1, K::Read}, {2, K::Read}, {3, K::ReadWrite}, {4, K::ReadWrite}}},
    {"sensor_forward", "sensor_forward", {{0, K::Uniform}, {1, K::Read}, {2, K::Read}, {3, K::ReadWrite}, {4, K::ReadWrite}}},
};
static_assert(sizeof kKernels / sizeof kKernels[0] == static_cast<size_t>(Kernel::Count), "one entry per Kernel");

// A compilation whose messages are on their way from the browser.
struct CompileJob {
    std::string label;
    std::vector<CompileMessage> messages;
    std::function<void(CompileJob&)> finished;
};
std::map<int, std::unique_ptr<CompileJob>> g_compile_jobs;
int g_next_token = 1;

void request_messages(WGPUShaderModule module, const std::string& label, std::function<void(CompileJob&)> finished) {
    const int token = g_next_token++;
    auto job = std::make_unique<CompileJob>();
    job->label = label;
    job->finished = std::move(finished);
    g_compile_jobs[token] = std::move(job);
    attn_gpu_compilation_info(module, token);
}

WGPUShaderModule create_module(WGPUDevice device, const std::string& label, const char* wgsl) {
    WGPUShaderModuleWGSLDescriptor code = {};
    code.chain.sType = WGPUSType_ShaderModuleWGSLDescriptor;
    code.source = wgsl;
    WGPUShaderModuleDescriptor desc = {};
    desc.nextInChain = &code.chain;
    desc.label = label.c_str();
    return wgpuDeviceCreateShaderModule(device, &desc);
}

// What a pipeline creation (and the modules before it) said through the error scope.
struct ScopeJob {
    std::function<void(WGPUErrorType, std::string)> done;
};
void on_scope_popped(WGPUErrorType type, const char* message, void* userdata) {
    std::unique_ptr<ScopeJob> job(static_cast<ScopeJob*>(userdata));
    job->done(type, message ? message : "");
}

}  // namespace

const KernelInfo& kernel_info(Kernel k) { return kKernels[static_cast<int>(k)]; }
const char* kernel_name(Kernel k) { return kKernels[static_cast<int>(k)].entry; }

std::string format_message(const CompileMessage& m) {
    std::string where = m.shader;
    if (where.find('.') == std::string::npos && where.find('(') == std::string::npos) where += ".wgsl";
    if (m.line > 0) where += ":" + std::to_string(m.line) + ":" + std::to_string(m.column);
    return where + ": " + m.type + ": " + m.text;
}

void PipelineCache::init(WGPUDevice device, std::function<void(std::vector<CompileMessage>)> done) {
    release();
    const int generation = ++generation_;
    // Everything below reports to one collector; done runs when the last answer is in.
    struct Collector {
        int pending = 0;
        std::vector<CompileMessage> errors;
        std::function<void(std::vector<CompileMessage>)> done;
    };
    auto collector = std::make_shared<Collector>();
    collector->done = std::move(done);
    auto answer = [this, collector, generation]() {
        if (--collector->pending > 0) return;
        if (generation != generation_) return;  // the device went away meanwhile: nobody is waiting
        ready_ = collector->errors.empty();
        collector->done(collector->errors);
    };

    wgpuDevicePushErrorScope(device, WGPUErrorFilter_Validation);
    for (int i = 0; i < kShaderSourceCount; ++i) {
        Module m;
        m.name = kShaderSources[i].name;
        m.module = create_module(device, m.name, kShaderSources[i].wgsl);
        modules_.push_back(m);
    }
    for (int k = 0; k < static_cast<int>(Kernel::Count); ++k) {
        const KernelInfo& info = kKernels[k];
        Pipeline& p = pipelines_[k];
        for (const Module& m : modules_)
            if (m.name == info.shader) p.module = m.module;
        std::vector<WGPUBindGroupLayoutEntry> entries;
        for (const Slot& s : info.slots) {
            WGPUBindGroupLayoutEntry e = {};
            e.binding = s.binding;
            e.visibility = WGPUShaderStage_Compute;
            e.buffer.type = s.kind == SlotKind::Uniform ? WGPUBufferBindingType_Uniform
                            : s.kind == SlotKind::Read  ? WGPUBufferBindingType_ReadOnlyStorage
                                                        : WGPUBufferBindingType_Storage;
            entries.push_back(e);
        }
        WGPUBindGroupLayoutDescriptor bgl = {};
        bgl.label = info.entry;
        bgl.entryCount = static_cast<uint32_t>(entries.size());
        bgl.entries = entries.data();
        p.layout = wgpuDeviceCreateBindGroupLayout(device, &bgl);
        WGPUPipelineLayoutDescriptor pl = {};
        pl.label = info.entry;
        pl.bindGroupLayoutCount = 1;
        pl.bindGroupLayouts = &p.layout;
        p.pipeline_layout = wgpuDeviceCreatePipelineLayout(device, &pl);
        WGPUComputePipelineDescriptor cp = {};
        cp.label = info.entry;
        cp.layout = p.pipeline_layout;
        cp.compute.module = p.module;
        cp.compute.entryPoint = info.entry;
        p.pipeline = wgpuDeviceCreateComputePipeline(device, &cp);
    }

    collector->pending = static_cast<int>(modules_.size()) + 1;
    for (const Module& m : modules_) {
        request_messages(m.module, m.name, [collector, answer](CompileJob& job) {
            for (const CompileMessage& msg : job.messages)
                if (msg.type == "error") collector->errors.push_back(msg);
            answer();
        });
    }
    auto* scope = new ScopeJob{[collector, answer](WGPUErrorType type, std::string message) {
        // A compilation error also fails the pipelines that use the module: report the scope's
        // message only when the compilation messages did not already explain it.
        if (type != WGPUErrorType_NoError && collector->errors.empty())
            collector->errors.push_back({"(pipelines)", "error", 0, 0, message});
        answer();
    }};
    wgpuDevicePopErrorScope(device, on_scope_popped, scope);
}

void PipelineCache::release() {
    ++generation_;
    ready_ = false;
    for (int k = static_cast<int>(Kernel::Count) - 1; k >= 0; --k) {
        Pipeline& p = pipelines_[k];
        if (p.pipeline) wgpuComputePipelineRelease(p.pipeline);
        if (p.pipeline_layout) wgpuPipelineLayoutRelease(p.pipeline_layout);
        if (p.layout) wgpuBindGroupLayoutRelease(p.layout);
        p = Pipeline{};
    }
    for (auto it = modules_.rbegin(); it != modules_.rend(); ++it)
        if (it->module) wgpuShaderModuleRelease(it->module);
    modules_.clear();
}

void compile_source(WGPUDevice device, const std::string& label, const std::string& wgsl,
                    std::function<void(std::vector<CompileMessage>)> done) {
    // The scope keeps a broken shader's validation error from reaching the device's uncaptured-error
    // handler (which would take the backend down): its messages are the answer here.
    wgpuDevicePushErrorScope(device, WGPUErrorFilter_Validation);
    WGPUShaderModule module = create_module(device, label, wgsl.c_str());
    wgpuDevicePopErrorScope(device, on_scope_popped, new ScopeJob{[](WGPUErrorType, std::string) {}});
    request_messages(module, label, [module, done](CompileJob& job) {
        wgpuShaderModuleRelease(module);
        done(job.messages);
    });
}

}  // namespace attn::gpu

// Called by gpu_library.js, once per message and then once at the end, for a request_messages token.
extern "C" EMSCRIPTEN_KEEPALIVE void attn_gpu_compilation_message(int token, int type, int line, int column,
                                                                  const char* text) {
    auto it = attn::gpu::g_compile_jobs.find(token);
    if (it == attn::gpu::g_compile_jobs.end()) return;
    static const char* kTypes[] = {"info", "warning", "error"};
    it->second->messages.push_back(
        {it->second->label, kTypes[type < 0 || type > 2 ? 2 : type], line, column, text ? text : ""});
}

extern "C" EMSCRIPTEN_KEEPALIVE void attn_gpu_compilation_done(int token) {
    auto it = attn::gpu::g_compile_jobs.find(token);
    if (it == attn::gpu::g_compile_jobs.end()) return;
    std::unique_ptr<attn::gpu::CompileJob> job = std::move(it->second);
    attn::gpu::g_compile_jobs.erase(it);
    job->finished(*job);
}
