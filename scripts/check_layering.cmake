# check_layering.cmake: fails the build when a file under src/ includes a layer above its own, naming
# the includer and the included file, or when the engine or the view states include a UI or platform
# header. Run by the check_layering target before anything compiles (cmake -DROOT=<repo> -P this).
# Not a style check. Test: add `#include "app/app.h"` to src/nn/attention.h and build: it must fail.
#
# Each layer lists what it may include besides itself (the ranks follow today's includes: trace's
# plain data sits under nn, which records traces; gpu and train both sit on the models; the view
# states reach the GPU only through views/gpu_port.h, which the shell implements; the shell's training
# worker, src/app/train_worker.cpp, runs train's TrainRun).
set(kLayers core kernels trace nn models gpu train views ui app)
set(allow_core "")
set(allow_kernels core)
set(allow_trace core)
set(allow_nn core kernels trace)
set(allow_models core kernels trace nn)
set(allow_gpu core kernels trace nn models)
set(allow_train core kernels trace nn models)
set(allow_views core kernels trace nn models)
set(allow_ui core kernels trace nn models views)
set(allow_app core kernels trace nn models gpu train views ui)
# Layers that must stay plain C++ (no ImGui, SDL, GL, emscripten or WebGPU headers).
set(kPlain core kernels trace nn models train views)
set(kPlatformHeaders "(imgui|SDL|emscripten|GL/|GLES|webgpu|backends/)")

set(problems "")
foreach(layer IN LISTS kLayers)
  file(GLOB_RECURSE files "${ROOT}/src/${layer}/*.h" "${ROOT}/src/${layer}/*.cpp")
  list(FIND kPlain ${layer} plain)
  foreach(f IN LISTS files)
    file(RELATIVE_PATH rel "${ROOT}" "${f}")
    file(STRINGS "${f}" lines REGEX "^[ \t]*#[ \t]*include[ \t]*[<\"]")
    foreach(line IN LISTS lines)
      if(line MATCHES "^[ \t]*#[ \t]*include[ \t]*\"([a-z_]+)/([^\"]+)\"")
        set(target_layer "${CMAKE_MATCH_1}")
        set(included "src/${CMAKE_MATCH_1}/${CMAKE_MATCH_2}")
        list(FIND kLayers ${target_layer} known)
        list(FIND allow_${layer} ${target_layer} allowed)
        if(NOT known EQUAL -1 AND NOT target_layer STREQUAL layer AND allowed EQUAL -1)
          list(JOIN allow_${layer} ", " may)
          if(may STREQUAL "")
            set(may "nothing")
          endif()
          list(APPEND problems "${rel} includes ${included}: ${layer} may include only ${may} (and itself)")
        endif()
      endif()
      if(NOT plain EQUAL -1 AND line MATCHES "^[ \t]*#[ \t]*include[ \t]*[<\"]${kPlatformHeaders}")
        string(STRIP "${line}" shown)
        list(APPEND problems "${rel} includes a UI or platform header (${shown}): ${layer} must stay plain C++")
      endif()
    endforeach()
  endforeach()
endforeach()
if(problems)
  string(REPLACE ";" "\n  " problems "${problems}")
  message(FATAL_ERROR "layering: a file includes a layer above its own (core <- kernels, trace <- nn <- models "
                      "<- gpu, train, views <- ui <- app):\n  ${problems}")
endif()
