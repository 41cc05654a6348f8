# The front door. Two commands do everything on a fresh Debian 12 machine (see README.md):
#   make serve   installs what is missing, builds the WebAssembly page, serves it on 127.0.0.1:$(PORT)
#   make test    installs what is missing, builds the wasm tree and the native sanitizer tree, runs every test (unit
#                tests natively under ASan+UBSan and as wasm; each fuzz harness briefly; browser tests, which compare
#                the page with the native CLI and app, themselves under ASan+UBSan), prints "N passed, M failed"
#   make dist    packs the built page as build/dist/attention-step-by-step/ and its .zip, for any static web server
#   make fuzz    runs each libFuzzer harness of tests/fuzz for FUZZ_SECONDS (default 60), or until FUZZ_RUNS
#                executions when that comes first, and prints its executions
# Third-party builds (SDL2 for wasm, GoogleTest for wasm, ImGui) are cached under build/.
PORT ?= 8000
JOBS ?= $(shell nproc)
export NODE_PATH := /usr/share/nodejs
RESULTS := build/test-results
# The browser tests: $(call E2E,<files at once>,<report>). The ones that time the page (first frame,
# frame times, a time-boxed random visitor, WebGPU's "never blocks the page") run alone, first; the others
# two files at a time (measured: 382 s against about 450 s one at a time, on 2 cores).
E2E = node --test --test-concurrency=$(1) --test-reporter=spec --test-reporter-destination=stdout \
      --test-reporter=./tests/e2e/leaf-reporter.mjs --test-reporter-destination=$(RESULTS)/$(2)
# A browser suite that has not ended after E2E_LIMIT seconds (each takes 3 to 5 minutes here) is stopped
# and run once more, and the output says so: twice in six runs of 2026-12-07 the two-at-a-time suite
# stopped moving with every process idle, for a reason not found yet (README, Tests).
E2E_LIMIT ?= 1200
E2E_GUARDED = timeout -k 10 $(E2E_LIMIT) $(call E2E,$(1),$(2)) $(3) || { rc=$$?; \
      if [ $$rc = 124 ] || [ $$rc = 137 ]; then echo "e2e: $(2) had not ended after $(E2E_LIMIT) s: stopped, run again"; \
      $(call E2E,$(1),$(2)) $(3); else exit $$rc; fi; }
E2E_TIMED := tests/e2e/perf.test.mjs tests/e2e/redraw.test.mjs tests/e2e/visitor.test.mjs tests/e2e/webgpu.test.mjs
E2E_JOBS ?= 2

.PHONY: all setup native wasm asan trees tree-wasm tree-asan serve dist test fuzz bench bench-browser train app clean help
FUZZ_SECONDS ?= 60
FUZZ_RUNS ?= 0
# make test's short fuzz runs: each harness on its committed corpus, then mutating, this long.
FUZZ_TEST_SECONDS ?= 4
# Under the sanitizers every unit test runs except the long evaluations and trainings (held-out bars,
# training determinism, the corpus regeneration): they run as wasm, take 10-50x longer
# under ASan, and reach no code the others do not.
ASAN_GTEST_FILTER := -*Bars*:*HeldOut*:*TrainingIsDeterministic*:*StoredMetrics*:Corpus.*:Trainer.*:*ShortTraining*:TrainRun.CopyLearns*:TrainRun.TransformerLearns*:TrainRun.TheSensorModelLearns*

all: native wasm

help:
	@echo "make serve   build the page and serve it on http://127.0.0.1:$(PORT)/ (PORT=... to change)"
	@echo "make test    build everything and run every test; ends with 'N passed, M failed'"
	@echo "make dist    build/dist/attention-step-by-step/ and .zip: the page for any static web server (README: Hosting)"
	@echo "make fuzz    run each fuzz harness (tests/fuzz) for FUZZ_SECONDS seconds (default 60) or FUZZ_RUNS executions; prints executions"
	@echo "make app     build and run the native app (SDL2 + OpenGL 3)"
	@echo "make train   retrain every shipped model from scratch into assets/models/"
	@echo "make bench   benchmarks: scalar vs SIMD natively and under node, then in Chromium vs WebGPU, ORT Web, TF.js"
	@echo "make bench-browser  in Chromium: scalar, SIMD, WebGPU vs ONNX Runtime Web and TensorFlow.js"

setup:
	@scripts/setup.sh

# Configure once, and again when the presets change (CMake re-configures by itself when a CMakeLists
# changes, but a preset's cache variables only reach a tree through cmake --preset), then build.
build/native-release/CMakeCache.txt: CMakePresets.json
	cmake --preset native-release >/dev/null && touch $@
build/wasm-release/CMakeCache.txt: CMakePresets.json
	cmake --preset wasm-release >/dev/null && touch $@
build/native-asan/CMakeCache.txt: CMakePresets.json
	cmake --preset native-asan >/dev/null && touch $@

native: setup build/native-release/CMakeCache.txt
	cmake --build --preset native-release -j$(JOBS)

wasm: setup build/wasm-release/CMakeCache.txt
	cmake --build --preset wasm-release -j$(JOBS)

# The sanitizer tree (clang-14, ASan + UBSan + leaks): make test's native tree. The unit tests, the fuzz
# harnesses, and the native programs the browser tests compare the page with (attn_cli, attn_app) and
# the benchmarks' quick runs; native-release (g++ -O3) is for make app, make train and make bench.
ASAN_TARGETS := unit_tests ui_tests fuzzers attn_cli attn_app bench_native bench_train_native
asan: setup build/native-asan/CMakeCache.txt
	cmake --build --preset native-asan -j$(JOBS) --target $(ASAN_TARGETS)

# make test's build: both trees at once, sharing one jobserver of $(JOBS) slots (the '+' lines hand it
# to each tree's make), so that one tree's serial steps (configure, links, wasm-opt) overlap the other's
# compiles instead of leaving a core idle. (A third tree, native-release, cost about 3.5 minutes on
# 2 cores; its programs now come from the sanitizer tree.)
trees: setup
	@$(MAKE) -j$(JOBS) --no-print-directory tree-wasm tree-asan
tree-wasm: build/wasm-release/CMakeCache.txt
	+cmake --build --preset wasm-release
tree-asan: build/native-asan/CMakeCache.txt
	+cmake --build --preset native-asan --target $(ASAN_TARGETS)

serve: wasm
	node scripts/serve.mjs build/wasm-release/web --port $(PORT)

# The page as plain files for any static host (relative paths, no COOP/COEP needed), and a .zip of it.
# make test does not need it: tests/e2e/dist.test.mjs packs its own copy (about a second).
dist: wasm
	node scripts/dist.mjs --web build/wasm-release/web --out build/dist

app: native
	build/native-release/attn_app

# Every suite runs even when an earlier one fails; the summary decides the exit code.
test: trees
	@rm -rf $(RESULTS) && mkdir -p $(RESULTS)
	-ctest --preset native-asan --output-junit $(CURDIR)/$(RESULTS)/ctest-native.xml
	-ctest --preset wasm-release --output-junit $(CURDIR)/$(RESULTS)/ctest-wasm.xml
	-ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 build/native-asan/unit_tests \
	  --gtest_filter='$(ASAN_GTEST_FILTER)' --gtest_output=xml:$(RESULTS)/unit-asan.xml > $(RESULTS)/unit-asan.log 2>&1 \
	  && echo "unit tests under ASan + UBSan: no finding" || { tail -n 40 $(RESULTS)/unit-asan.log; false; }
	-node scripts/fuzz.mjs --seconds $(FUZZ_TEST_SECONDS) --junit $(RESULTS)/fuzz.xml
	-$(call E2E_GUARDED,1,e2e-timed.xml,$(E2E_TIMED))
	-$(call E2E_GUARDED,$(E2E_JOBS),e2e.xml,$(filter-out $(E2E_TIMED),$(wildcard tests/e2e/*.test.mjs)))
	@node scripts/summary.mjs $(RESULTS) unit-wasm.xml unit-asan.xml fuzz.xml ctest-native.xml ctest-wasm.xml e2e-timed.xml e2e.xml

# Each harness of tests/fuzz for FUZZ_SECONDS; new inputs in build/fuzz/corpus, crashes in build/fuzz/artifacts.
fuzz: asan
	node scripts/fuzz.mjs --seconds $(FUZZ_SECONDS) --runs $(FUZZ_RUNS)

# Retrains every model from scratch (deterministic) into assets/models/, printing loss and accuracy.
train: native
	build/native-release/attn_trainer all

# Benchmarks: a table of median times and SIMD/scalar ratios measured in one run, and build/bench/results.json.
bench: native wasm
	node tests/bench/run.mjs
	node tests/bench/browser/run.mjs
	node tests/bench/browser/train.mjs

# In headless Chromium (WebGPU on SwiftShader): our scalar, SIMD and WebGPU paths against ONNX Runtime
# Web and TensorFlow.js; adds env "chromium" rows to build/bench/results.json (run it after `make bench`,
# whose runner rewrites that file).
bench-browser: wasm
	node tests/bench/browser/run.mjs

clean:
	rm -rf build/native-release build/native-debug build/native-asan build/wasm-release build/fuzz build/dist $(RESULTS)
