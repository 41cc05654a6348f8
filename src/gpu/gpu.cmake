# gpu.cmake: the WebGPU backend (src/gpu, wasm build only) and its shaders (shaders/*.wgsl, embedded
# into the module at build time). Included by src/app/app.cmake for the attn_web target; the engine
# (attn_core) never sees it. Test: tests/e2e/webgpu.test.mjs.
file(GLOB ATTN_WGSL_FILES CONFIGURE_DEPENDS "${CMAKE_SOURCE_DIR}/shaders/*.wgsl" "${CMAKE_SOURCE_DIR}/shaders/lib/*.wgsl")
set(ATTN_SHADER_CPP "${CMAKE_BINARY_DIR}/generated/shader_sources.cpp")
add_custom_command(
  OUTPUT "${ATTN_SHADER_CPP}"
  COMMAND ${CMAKE_COMMAND} -DOUT=${ATTN_SHADER_CPP} -DSHADER_DIR=${CMAKE_SOURCE_DIR}/shaders
          -P ${CMAKE_SOURCE_DIR}/src/gpu/embed_shaders.cmake
  DEPENDS ${ATTN_WGSL_FILES} ${CMAKE_SOURCE_DIR}/src/gpu/embed_shaders.cmake
  COMMENT "embedding shaders/*.wgsl")
file(GLOB ATTN_GPU_SOURCES CONFIGURE_DEPENDS "${CMAKE_SOURCE_DIR}/src/gpu/*.cpp")
set(ATTN_GPU_SOURCES ${ATTN_GPU_SOURCES} "${ATTN_SHADER_CPP}")
set(ATTN_GPU_JS_LIBRARY "${CMAKE_SOURCE_DIR}/src/gpu/gpu_library.js")
set(ATTN_GPU_LINK_OPTIONS -sUSE_WEBGPU=1 "SHELL:--js-library ${ATTN_GPU_JS_LIBRARY}")
