// pipelines.h: the compute kernels the WebGPU backend has (one per WGSL entry point), their
// bindings, and the pipeline cache: each shader module and pipeline is made once per device, with
// an explicit pipeline layout (browsers reject an implicit one from Emscripten 3.1.6's webgpu.h),
// and every compilation message (line, column, text) is kept for the page to show.
// Not the launches (plan.h records those). Test: tests/e2e/webgpu.test.mjs.
#pragma once

#include <webgpu/webgpu.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace attn::gpu {

enum class Kernel : int {
    MatmulNT = 0,      // matmul.wgsl matmul_nt
    MhaRows,           // attention.wgsl mha_rows
    LstmCell,          // lstm.wgsl lstm_cell
    PoolScores,        // pool.wgsl pool_scores
    PoolContext,       // pool.wgsl pool_context
    DecodeLstm,        // decode_lstm.wgsl decode_lstm
    DecodeTransformer, // decode_transformer.wgsl decode_transformer
    SensorForward,     // sensor_forward.wgsl sensor_forward
    Count
};

enum class SlotKind { Uniform, Read, ReadWrite };
struct Slot {
    uint32_t binding;
    SlotKind kind;
};
struct KernelInfo {
    const char* shader;  // shaders/<shader>.wgsl
    const char* entry;   // its @compute entry point
    std::vector<Slot> slots;  // what the entry point binds, in the order Plan::dispatch takes buffers
};
const KernelInfo& kernel_info(Kernel k);
const char* kernel_name(Kernel k);  // "matmul_nt", ...

// One message of a WGSL compilation (GPUCompilationMessage), or of a failed pipeline creation.
struct CompileMessage {
    std::string shader;  // "pool" or the label given to compile_source
    std::string type;    // "error", "warning", "info"
    int line = 0, column = 0;  // 1-based; 0 when the message has no position
    std::string text;
};
std::string format_message(const CompileMessage& m);  // "pool.wgsl:12:5: error: ..."

struct Pipeline {
    WGPUShaderModule module = nullptr;  // owned by the cache (shared by a file's entry points)
    WGPUBindGroupLayout layout = nullptr;
    WGPUPipelineLayout pipeline_layout = nullptr;
    WGPUComputePipeline pipeline = nullptr;
};

class PipelineCache {
public:
    // Compiles every shader and makes every pipeline. done(errors) is called once, later, when the
    // browser has answered every compilation and error scope; errors is empty when all is well.
    void init(WGPUDevice device, std::function<void(std::vector<CompileMessage>)> done);
    void release();  // in reverse order of creation
    bool ready() const { return ready_; }
    const Pipeline& get(Kernel k) const { return pipelines_[static_cast<int>(k)]; }

private:
    struct Module {
        std::string name;
        WGPUShaderModule module = nullptr;
    };
    std::vector<Module> modules_;
    Pipeline pipelines_[static_cast<int>(Kernel::Count)] = {};
    bool ready_ = false;
    int generation_ = 0;  // answers for an older init (a lost device) are ignored
};

// Compiles WGSL text on the device and reports its messages (for the page's WGSL check and for
// the tests that feed it a broken shader). done is called later, once.
void compile_source(WGPUDevice device, const std::string& label, const std::string& wgsl,
                    std::function<void(std::vector<CompileMessage>)> done);

}  // namespace attn::gpu
