#!/usr/bin/env bash
# build-sdl2-wasm.sh: compiles Debian's SDL2 source to a static WebAssembly library, once.
# Output: build/third_party/sdl2-wasm/{include,lib}. Built in a temporary folder and moved into
# place only when complete, so an interrupted build leaves nothing that a later run would trust.
set -euo pipefail
cd "$(dirname "$0")/.."
TP=$PWD/build/third_party
OUT=$TP/sdl2-wasm
[ -f "$OUT/lib/libSDL2.a" ] && exit 0
SRC=$(ls -d "$TP"/src/libsdl2-*/ 2>/dev/null | head -n 1)
[ -n "$SRC" ] || { echo "build-sdl2-wasm: no SDL2 source under $TP/src (run scripts/setup.sh)" >&2; exit 1; }
export NODE_PATH=/usr/share/nodejs
tmp=$(mktemp -d "$TP/.sdl2-wasm-build.XXXX")
trap 'rm -rf "$tmp"' EXIT
echo "build-sdl2-wasm: building SDL2 for WebAssembly from $SRC (about 2-3 minutes, once)"
log=$tmp/build.log
if ! { emcmake cmake -S "$SRC" -B "$tmp/build" -DCMAKE_BUILD_TYPE=Release -DSDL_SHARED=OFF -DSDL_STATIC=ON \
         -DSDL_TEST=OFF -DCMAKE_INSTALL_PREFIX="$tmp/install" \
       && emmake make -C "$tmp/build" -j"$(nproc)" install; } >"$log" 2>&1; then
  tail -n 30 "$log" >&2
  echo "build-sdl2-wasm: command failed: emcmake cmake / emmake make install on $SRC (log above)" >&2
  exit 1
fi
rm -rf "$OUT"
mv "$tmp/install" "$OUT"
echo "build-sdl2-wasm: ok ($OUT)"
