# train.cmake: the native-only programs of src/train (corpus generator; later the trainer), and the
# corpus grammar library, which is built everywhere because tests/unit/test_corpus.cpp runs it in the
# native and the wasm test binaries alike. Included from the top-level CMakeLists.txt.
add_library(attn_corpus STATIC
  src/train/corpus_grammar.cpp src/train/corpus_en_es.cpp src/train/corpus_hi_en.cpp)
target_link_libraries(attn_corpus PUBLIC attn_core)
target_link_libraries(unit_tests PRIVATE attn_corpus)

if(NOT EMSCRIPTEN)
  # build/native/corpus_gen assets/data  -- regenerates the committed corpus files
  add_executable(corpus_gen src/train/corpus_gen.cpp)
  target_link_libraries(corpus_gen PRIVATE attn_corpus)
endif()
