# app.cmake: Dear ImGui (from Debian's source package, unpacked by scripts/setup.sh) and the app:
# SDL2 + OpenGL 3 natively (attn_app), SDL2 + WebGL2 in the browser (attn.js + attn.wasm, served
# with the page in web/). Included by the top-level CMakeLists.txt when ATTN_BUILD_APP is ON.

file(GLOB ATTN_IMGUI_DIR LIST_DIRECTORIES true "${ATTN_THIRD_PARTY}/src/imgui-*")
if(NOT ATTN_IMGUI_DIR)
  message(FATAL_ERROR "Dear ImGui source not found under ${ATTN_THIRD_PARTY}/src: run scripts/setup.sh "
                      "(or configure with -DATTN_BUILD_APP=OFF to build only the engine and its tests)")
endif()
list(GET ATTN_IMGUI_DIR 0 ATTN_IMGUI_DIR)

if(EMSCRIPTEN)
  set(ATTN_SDL2_WASM "${ATTN_THIRD_PARTY}/sdl2-wasm")
  if(NOT EXISTS "${ATTN_SDL2_WASM}/lib/libSDL2.a")
    message(FATAL_ERROR "SDL2 for WebAssembly not found at ${ATTN_SDL2_WASM}: run scripts/setup.sh")
  endif()
  add_library(attn_sdl2 INTERFACE)
  target_include_directories(attn_sdl2 SYSTEM INTERFACE "${ATTN_SDL2_WASM}/include/SDL2")
  target_link_libraries(attn_sdl2 INTERFACE "${ATTN_SDL2_WASM}/lib/libSDL2.a")
else()
  find_package(SDL2 REQUIRED)
  set(OpenGL_GL_PREFERENCE GLVND)
  find_package(OpenGL REQUIRED)
  add_library(attn_sdl2 INTERFACE)
  target_link_libraries(attn_sdl2 INTERFACE SDL2::SDL2 OpenGL::GL ${CMAKE_DL_LIBS})
endif()

add_library(imgui STATIC
  ${ATTN_IMGUI_DIR}/imgui.cpp ${ATTN_IMGUI_DIR}/imgui_draw.cpp ${ATTN_IMGUI_DIR}/imgui_tables.cpp
  ${ATTN_IMGUI_DIR}/imgui_widgets.cpp
  ${ATTN_IMGUI_DIR}/backends/imgui_impl_sdl.cpp ${ATTN_IMGUI_DIR}/backends/imgui_impl_opengl3.cpp)
target_include_directories(imgui SYSTEM PUBLIC ${ATTN_IMGUI_DIR})
target_link_libraries(imgui PUBLIC attn_sdl2)
target_compile_options(imgui PRIVATE -w)  # third-party code: its warnings are not ours to fix
# ImGui's item hooks, defined in src/ui/mirror.cpp: they list the widgets each frame draws, so the
# accessibility mirror can tell which ones no panel declared (ui/mirror.h).
target_compile_definitions(imgui PUBLIC IMGUI_ENABLE_TEST_ENGINE)
if(EMSCRIPTEN)
  target_compile_definitions(imgui PUBLIC IMGUI_IMPL_OPENGL_ES3)
endif()
if(ATTN_SANITIZE)
  # ImGui 1.86's GL loader fills a 53-slot array from 54 names (ocornut/imgui#4830, fixed in 1.87): the
  # 54th lands in the union's struct beside it, but UBSan's bounds check stops the native app there.
  # Debian's source is used as it is, so that one check is off for that one file.
  set_source_files_properties(${ATTN_IMGUI_DIR}/backends/imgui_impl_opengl3.cpp PROPERTIES COMPILE_OPTIONS -fno-sanitize=bounds)
endif()

# The panels (src/ui) and the shell (src/app) but its entry points: one library for the app, the page
# and attn_cli (which answers through the same API table).
file(GLOB ATTN_UI_SOURCES CONFIGURE_DEPENDS src/ui/*.cpp)
add_library(attn_shell STATIC ${ATTN_UI_SOURCES} src/app/app.cpp src/app/api.cpp src/app/api_table.cpp
            src/app/page.cpp src/app/view_table.cpp)
target_link_libraries(attn_shell PUBLIC attn_views imgui)
attn_precompile(attn_shell <imgui.h>)
set(ATTN_APP_SOURCES src/app/main.cpp)

# The UI font: Debian's DejaVu Sans (fonts-dejavu-core, installed by scripts/setup.sh). The page gets a
# copy next to attn.js (fonts/DejaVuSans.ttf); the native app reads it where Debian put it.
set(ATTN_FONT_FILE /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf CACHE FILEPATH "the UI font (a TTF)")
if(NOT EXISTS "${ATTN_FONT_FILE}")
  message(FATAL_ERROR "the UI font ${ATTN_FONT_FILE} is missing: run scripts/setup.sh (it installs fonts-dejavu-core)")
endif()
file(GLOB ATTN_MODEL_FILES CONFIGURE_DEPENDS "${CMAKE_SOURCE_DIR}/assets/models/*.safetensors")
# The lessons that ship (presenter mode, ?lesson=<name>): JSON files, views/presenter.h.
file(GLOB ATTN_LESSON_FILES CONFIGURE_DEPENDS "${CMAKE_SOURCE_DIR}/assets/lessons/*.json")

if(EMSCRIPTEN)
  set(ATTN_WEB_OUT "${CMAKE_BINARY_DIR}/web")
  include(src/gpu/gpu.cmake)  # the WebGPU backend and its embedded shaders (wasm only)
  add_executable(attn_web ${ATTN_APP_SOURCES} src/app/web_exports.cpp src/app/gpu_port_web.cpp ${ATTN_GPU_SOURCES})
  set_target_properties(attn_web PROPERTIES OUTPUT_NAME attn RUNTIME_OUTPUT_DIRECTORY "${ATTN_WEB_OUT}"
                        LINK_DEPENDS "${ATTN_GPU_JS_LIBRARY}")
  target_link_libraries(attn_web PRIVATE attn_shell)
  target_link_options(attn_web PRIVATE ${ATTN_GPU_LINK_OPTIONS}
    -sENVIRONMENT=web -sUSE_WEBGL2=1 -sMIN_WEBGL_VERSION=2 -sMAX_WEBGL_VERSION=2
    # ImGui's WebGL2 renderer uses core WebGL2 only: enabling every extension the browser offers cost
    # the first frame 80 ms (WEBGL_multi_draw alone, software GL).
    -sGL_SUPPORT_AUTOMATIC_ENABLE_EXTENSIONS=0
    -sINITIAL_MEMORY=32MB -sTOTAL_STACK=1MB
    -sEXPORTED_FUNCTIONS=_main,_attn_api,_attn_load_model_file,_attn_model_file,_malloc,_free,_attn_gpu_compilation_message,_attn_gpu_compilation_done
    -sEXPORTED_RUNTIME_METHODS=ccall,UTF8ToString,lengthBytesUTF8,stringToUTF8
    -sDISABLE_DEPRECATED_FIND_EVENT_TARGET_BEHAVIOR=1)
  # The training worker's engine (web/train_worker.js loads it in a Web Worker): TrainRun and the models,
  # without the UI, so training never holds the page's frames back. attn_train.js + attn_train.wasm.
  add_executable(attn_train_worker src/app/train_worker.cpp)
  set_target_properties(attn_train_worker PROPERTIES OUTPUT_NAME attn_train RUNTIME_OUTPUT_DIRECTORY "${ATTN_WEB_OUT}")
  target_link_libraries(attn_train_worker PRIVATE attn_train)
  target_link_options(attn_train_worker PRIVATE
    -sENVIRONMENT=worker -sMODULARIZE=1 -sEXPORT_NAME=createAttnTrain -sINITIAL_MEMORY=16MB
    -sEXPORTED_FUNCTIONS=_attn_train_tables,_attn_train_start,_attn_train_steps,_attn_train_state,_attn_train_probe,_attn_train_file,_malloc,_free
    -sEXPORTED_RUNTIME_METHODS=ccall,UTF8ToString,lengthBytesUTF8,stringToUTF8)
  # The page (web/) next to the module: copied on every build so `make serve` serves one folder.
  file(GLOB ATTN_WEB_FILES CONFIGURE_DEPENDS web/*)
  list(FILTER ATTN_WEB_FILES EXCLUDE REGEX "/sw\\.js$")  # written by attn_web_offline below, not copied
  # The shipped models next to it, fetched by the page when a model is first picked.
  set(ATTN_COPY_MODELS "")
  if(ATTN_MODEL_FILES)
    set(ATTN_COPY_MODELS COMMAND ${CMAKE_COMMAND} -E copy_if_different ${ATTN_MODEL_FILES} "${ATTN_WEB_OUT}/models/")
  endif()
  add_custom_target(attn_web_page ALL
    COMMAND ${CMAKE_COMMAND} -E make_directory "${ATTN_WEB_OUT}/models" "${ATTN_WEB_OUT}/fonts" "${ATTN_WEB_OUT}/lessons"
    COMMAND ${CMAKE_COMMAND} -E copy_if_different ${ATTN_WEB_FILES} "${ATTN_WEB_OUT}/"
    COMMAND ${CMAKE_COMMAND} -E copy_if_different ${ATTN_LESSON_FILES} "${ATTN_WEB_OUT}/lessons/"
    COMMAND ${CMAKE_COMMAND} -E copy_if_different "${ATTN_FONT_FILE}" "${ATTN_WEB_OUT}/fonts/DejaVuSans.ttf"
    ${ATTN_COPY_MODELS}
    DEPENDS ${ATTN_WEB_FILES} ${ATTN_MODEL_FILES} ${ATTN_LESSON_FILES} "${ATTN_FONT_FILE}"
    COMMENT "copying web/, the font, assets/models/ and assets/lessons/ next to attn.js")
  # Offline after the first visit: sw.js is web/sw.js with this build's version (a content hash of every
  # file beside it) and file list written in, so a new build replaces the old cache. After the module
  # and the page's files are in place; cheap (it hashes a few MB), so it runs on every build.
  find_program(ATTN_NODE NAMES node nodejs REQUIRED)
  add_custom_target(attn_web_offline ALL
    COMMAND ${ATTN_NODE} "${CMAKE_SOURCE_DIR}/scripts/offline_manifest.mjs" "${ATTN_WEB_OUT}" "${CMAKE_SOURCE_DIR}/web/sw.js"
    COMMENT "writing sw.js: the offline copy's version and files")
  # strings.js: the page's texts ("page.*" rows of the interface's strings table), for before the engine runs.
  add_custom_command(OUTPUT "${ATTN_WEB_OUT}/strings.js"
    COMMAND ${ATTN_NODE} "${CMAKE_SOURCE_DIR}/scripts/strings_js.mjs" "${CMAKE_SOURCE_DIR}/src/views/strings_table.inc"
            "${ATTN_WEB_OUT}/strings.js"
    DEPENDS "${CMAKE_SOURCE_DIR}/scripts/strings_js.mjs" "${CMAKE_SOURCE_DIR}/src/views/strings_table.inc"
    COMMENT "writing strings.js from the strings table")
  add_custom_target(attn_web_strings ALL DEPENDS "${ATTN_WEB_OUT}/strings.js")
  add_dependencies(attn_web_offline attn_web attn_train_worker attn_web_page attn_web_strings)
else()
  add_executable(attn_app ${ATTN_APP_SOURCES})
  target_link_libraries(attn_app PRIVATE attn_shell)
  target_compile_definitions(attn_app PRIVATE ATTN_MODELS_DIR="${CMAKE_SOURCE_DIR}/assets/models" ATTN_FONT_FILE="${ATTN_FONT_FILE}")
  # the command-line front end (native): prints what window.attn answers, as JSON, through the API table
  add_executable(attn_cli src/app/cli_main.cpp)
  target_link_libraries(attn_cli PRIVATE attn_shell)
  target_compile_definitions(attn_cli PRIVATE ATTN_MODELS_DIR="${CMAKE_SOURCE_DIR}/assets/models")
  # Every control of every view pressed twice under the sanitizers, with a headless ImGui (no window, no
  # GL): tests/ui/test_ui_drive.cpp. In the trees that build the unit tests (make test's native-asan).
  if(ATTN_UNIT_TESTS)
    add_executable(ui_tests tests/ui/test_ui_drive.cpp)
    target_link_libraries(ui_tests PRIVATE attn_shell ${ATTN_GTEST_LIBS})
    target_compile_definitions(ui_tests PRIVATE ATTN_MODELS_DIR="${CMAKE_SOURCE_DIR}/assets/models")
    add_test(NAME ui_drive COMMAND ui_tests)
  endif()
endif()
