// shader_sources.h: the WGSL of shaders/*.wgsl, compiled into the module at build time
// (src/gpu/embed_shaders.cmake writes shader_sources.cpp), so nothing is fetched at run time.
// Not the pipelines: pipelines.h compiles these. Test: tests/e2e/webgpu.test.mjs.
#pragma once

#include <cstring>

namespace attn::gpu {

struct ShaderSource {
    const char* name;  // the file name without .wgsl: "matmul", "attention", ...
    const char* wgsl;
};

extern const ShaderSource kShaderSources[];
extern const int kShaderSourceCount;

// The WGSL of shaders/<name>.wgsl, or nullptr when there is no such file.
inline const char* shader_source(const char* name) {
    for (int i = 0; i < kShaderSourceCount; ++i)
        if (std::strcmp(kShaderSources[i].name, name) == 0) return kShaderSources[i].wgsl;
    return nullptr;
}

}  // namespace attn::gpu
