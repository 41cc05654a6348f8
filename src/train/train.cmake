# train.cmake: the native-only programs of src/train (corpus generator, trainer) and the attn_train
# library. Included from the top-level CMakeLists.txt.
# attn_train: the corpus grammar and the shared training loop. Built for both targets so that the
# unit tests (corpus regeneration, training determinism) run natively and as wasm.
add_library(attn_train STATIC
  src/train/corpus_grammar.cpp src/train/corpus_en_es.cpp src/train/corpus_hi_en.cpp src/train/trainer.cpp
  src/train/train_run.cpp)
target_link_libraries(attn_train PUBLIC attn_core)
attn_precompile(attn_train)
if(TARGET unit_tests)
  target_link_libraries(unit_tests PRIVATE attn_train)
endif()

if(NOT EMSCRIPTEN)
  # build/native/corpus_gen assets/data  -- regenerates the committed corpus files
  add_executable(corpus_gen src/train/corpus_gen.cpp)
  target_link_libraries(corpus_gen PRIVATE attn_train)
endif()

if(NOT EMSCRIPTEN)
  # attn_trainer: every src/train/recipe_*.cpp is compiled in directly, so each registers itself.
  file(GLOB ATTN_RECIPE_SOURCES CONFIGURE_DEPENDS src/train/recipe_*.cpp)
  add_executable(attn_trainer src/train/train_main.cpp ${ATTN_RECIPE_SOURCES})
  target_link_libraries(attn_trainer PRIVATE attn_train)
endif()
