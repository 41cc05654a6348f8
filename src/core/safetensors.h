// safetensors.h: read and write the safetensors format, the way this project ships weights.
// Layout: 8-byte little-endian header length N; N bytes of JSON mapping each tensor name to
// {"dtype", "shape", "data_offsets": [begin, end]} plus an optional "__metadata__" object of
// string -> string; then the data section, raw little-endian, row-major. Only F32 and I32 are read.
// Not a general tensor store: whole files are held in memory (ours are a few hundred KB).
// Test: tests/unit/test_safetensors.cpp (round trip, every kind of corruption, byte-flip fuzz).
//
// The reader validates everything and throws FormatError naming the source, the tensor and what
// was expected vs found: header length (>= 2, at most kMaxHeaderBytes, inside the file), JSON
// well-formed (strict: see core/json.h) and of the right structure (no unknown keys), known
// dtypes, non-negative integer shapes and offsets, shape size * dtype size == end - begin,
// offsets inside the data section, and tensors tiling the data section exactly: sorted by begin,
// the first starts at 0, each starts where the previous ends (an overlap or a gap is an error),
// the last ends at the end of the file. The writer produces exactly such files (header padded
// with spaces to a multiple of 8 bytes, as the reference implementation does).
#pragma once

#include "core/format_error.h"
#include "core/tensor.h"

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace attn {

enum class DType { F32, I32 };
const char* dtype_name(DType d);  // "F32", "I32"
std::size_t dtype_size(DType d);  // 4, 4

// The reference implementation refuses headers above 100 MB; so do we.
constexpr uint64_t kMaxHeaderBytes = 100000000;

struct StoredTensor {
    std::string name;
    DType dtype = DType::F32;
    std::vector<int64_t> shape;  // empty: a scalar (one element)
    std::vector<uint8_t> bytes;  // little-endian, row-major; size == element_count() * dtype_size

    int64_t element_count() const;
    std::vector<float> to_f32() const;    // requires dtype F32
    std::vector<int32_t> to_i32() const;  // requires dtype I32
};

std::string shape_str(const std::vector<int64_t>& shape);  // "[8, 4]", "[]"

class SafetensorsFile {
public:
    std::string source;  // file path or URL: named in every error message
    std::map<std::string, std::string> metadata;
    std::vector<StoredTensor> tensors;  // in the order of their data

    const StoredTensor* find(std::string_view name) const;
    // The tensor `name` with exactly this dtype and shape, else FormatError, e.g.
    // "tensor 'enc.W' in statquest.safetensors: expected shape [8, 4], found [8, 5]".
    const StoredTensor& require(std::string_view name, DType dtype, const std::vector<int64_t>& shape) const;
    Mat require_mat(std::string_view name, int rows, int cols) const;  // F32 [rows, cols]
    Vec require_vec(std::string_view name, int size) const;            // F32 [size]
    // The metadata value for key, else FormatError naming the key.
    const std::string& require_metadata(const std::string& key) const;

    // Appends a tensor (its bytes are copied; the writer checks names are unique).
    void add_f32(const std::string& name, const std::vector<int64_t>& shape, const float* data);
    void add_i32(const std::string& name, const std::vector<int64_t>& shape, const int32_t* data);
    void add(const std::string& name, const Mat& m);  // F32 [rows, cols]
    void add(const std::string& name, const Vec& v);  // F32 [size]
};

// Parses a whole file held in memory (the page fetches files into a buffer).
SafetensorsFile safetensors_parse(const uint8_t* data, std::size_t size, const std::string& source);
SafetensorsFile safetensors_load(const std::string& path);  // reads the file, then parses it

// The bytes of the file. Throws FormatError (naming f.source) for a name that is empty, repeated or
// "__metadata__", or bytes that do not match dtype and shape.
std::vector<uint8_t> safetensors_serialize(const SafetensorsFile& f);
void safetensors_save(const SafetensorsFile& f, const std::string& path);

}  // namespace attn
