#!/usr/bin/env bash
# build-sdl2-wasm.sh: compiles Debian's SDL2 source to a static WebAssembly library, once.
# Output: build/third_party/sdl2-wasm/{include/SDL2,lib/libSDL2.a}. Built in a temporary folder and
# moved into place only when complete, so an interrupted build leaves nothing a later run would trust.
# Not SDL's CMake build: its configure step runs some 300 checks, each an emcc start (Python), which
# took longer than compiling SDL itself (minutes on 2 cores). SDL's source ships the configuration for
# this platform (include/SDL_config_emscripten.h, chosen by include/SDL_config.h under __EMSCRIPTEN__);
# the folders below are the ones that configuration enables (audio: disk, dummy, emscripten; joystick:
# emscripten; timer: unix; threads: generic, as SDL_THREADS_DISABLED; video: emscripten with GLES2).
# Test: tests/e2e/page.test.mjs (the page runs on this library: input, window, WebGL2 context).
set -euo pipefail
cd "$(dirname "$0")/.."
TP=$PWD/build/third_party
OUT=$TP/sdl2-wasm
[ -f "$OUT/lib/libSDL2.a" ] && exit 0
SRC=$(ls -d "$TP"/src/libsdl2-*/ 2>/dev/null | head -n 1)
[ -n "$SRC" ] || { echo "build-sdl2-wasm: no SDL2 source under $TP/src (run scripts/setup.sh)" >&2; exit 1; }
SRC=${SRC%/}
[ -f "$SRC/include/SDL_config_emscripten.h" ] || { echo "build-sdl2-wasm: $SRC has no include/SDL_config_emscripten.h" >&2; exit 1; }
export NODE_PATH=/usr/share/nodejs
tmp=$(mktemp -d "$TP/.sdl2-wasm-build.XXXX")
trap 'rm -rf "$tmp"' EXIT
echo "build-sdl2-wasm: compiling SDL2 for WebAssembly from $SRC (about a minute, once)"

DIRS=(. atomic audio audio/disk audio/dummy audio/emscripten cpuinfo dynapi events file
      filesystem/emscripten haptic haptic/dummy hidapi joystick joystick/emscripten libm loadso/dlopen
      locale locale/emscripten misc misc/emscripten power power/emscripten render render/opengles2
      render/software sensor sensor/dummy stdlib thread thread/generic timer timer/unix video
      video/emscripten video/yuv2rgb)
FLAGS=(-O2 -DNDEBUG -I"$SRC/include" -idirafter "$SRC/src/video/khronos" -Wno-everything)
# One emcc per folder (its files in one call, objects named after them), nproc folders at a time.
for d in "${DIRS[@]}"; do
  ls "$SRC/src/$d"/*.c >/dev/null 2>&1 || { echo "build-sdl2-wasm: no C files in $SRC/src/$d" >&2; exit 1; }
  mkdir -p "$tmp/obj/$d"
done
log=$tmp/build.log
compile() { (cd "$tmp/obj/$1" && emcc "${FLAGS[@]}" -c "$SRC/src/$1"/*.c) >>"$log" 2>&1; }
jobs=$(nproc) running=0 failed=0
for d in "${DIRS[@]}"; do
  compile "$d" &
  if (( ++running >= jobs )); then wait -n || failed=1; running=$((running - 1)); fi
done
while (( running > 0 )); do wait -n || failed=1; running=$((running - 1)); done
if [ $failed = 1 ]; then
  tail -n 30 "$log" >&2
  echo "build-sdl2-wasm: command failed: emcc -c on the folders of $SRC/src (log above)" >&2
  exit 1
fi
mkdir -p "$tmp/install/lib" "$tmp/install/include/SDL2"
(cd "$tmp/obj" && find . -name '*.o' -print0 | sort -z | xargs -0 emar rcs "$tmp/install/lib/libSDL2.a") >>"$log" 2>&1 \
  || { tail -n 30 "$log" >&2; echo "build-sdl2-wasm: command failed: emar rcs libSDL2.a" >&2; exit 1; }
cp "$SRC"/include/*.h "$tmp/install/include/SDL2/"
rm -rf "$OUT"
mv "$tmp/install" "$OUT"
echo "build-sdl2-wasm: ok ($OUT, $(find "$tmp/obj" -name '*.o' | wc -l) objects)"
