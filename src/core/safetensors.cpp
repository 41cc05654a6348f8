// safetensors.cpp: see safetensors.h. Parsing runs in three passes: (1) header length and JSON,
// (2) each entry's structure, dtype, shape and byte count, (3) the layout of the data section.
#include "core/safetensors.h"

#include "core/json.h"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>

namespace attn {

const char* dtype_name(DType d) { return d == DType::F32 ? "F32" : "I32"; }
std::size_t dtype_size(DType) { return 4; }

std::string shape_str(const std::vector<int64_t>& shape) {
    std::string s = "[";
    for (std::size_t i = 0; i < shape.size(); ++i) {
        if (i) s += ", ";
        s += std::to_string(shape[i]);
    }
    return s + "]";
}

int64_t StoredTensor::element_count() const {
    int64_t n = 1;
    for (int64_t d : shape) n *= d;
    return n;
}

namespace {

uint32_t load_u32_le(const uint8_t* p) {
    return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}
void store_u32_le(uint8_t* p, uint32_t x) {
    for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(x >> (8 * i));
}

std::string tensor_where(std::string_view name, const std::string& source) {
    return "tensor '" + std::string(name) + "' in " + source;
}

std::string range_str(uint64_t begin, uint64_t end) {
    return "[" + std::to_string(begin) + ", " + std::to_string(end) + "]";
}

// The names this reader knows but cannot load, so the message can say "not supported" rather than
// "unknown".
bool is_other_safetensors_dtype(const std::string& d) {
    static const char* const kOthers[] = {"BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "I16", "U16", "F16",
                                          "BF16", "U32", "I64", "U64", "F64"};
    for (const char* o : kOthers)
        if (d == o) return true;
    return false;
}

struct Entry {
    StoredTensor tensor;  // name, dtype, shape filled; bytes filled last
    uint64_t begin = 0, end = 0;
};

// Pass 2 for one entry: structure, dtype, shape, offsets and their agreement.
Entry parse_entry(const json::Member& m, const std::string& source, uint64_t data_size) {
    const std::string where = tensor_where(m.key, source);
    if (m.key.empty()) throw FormatError("a tensor in " + source + " has an empty name");
    if (m.value.kind != json::Kind::Object)
        throw FormatError(where + ": entry must be an object, found " + json::kind_name(m.value.kind));
    for (const json::Member& field : m.value.members)
        if (field.key != "dtype" && field.key != "shape" && field.key != "data_offsets")
            throw FormatError(where + ": unexpected key \"" + field.key +
                              "\" (expected dtype, shape, data_offsets)");
    const json::Value* dtype = m.value.find("dtype");
    const json::Value* shape = m.value.find("shape");
    const json::Value* offsets = m.value.find("data_offsets");
    if (!dtype) throw FormatError(where + ": missing \"dtype\"");
    if (!shape) throw FormatError(where + ": missing \"shape\"");
    if (!offsets) throw FormatError(where + ": missing \"data_offsets\"");

    Entry e;
    e.tensor.name = m.key;
    if (dtype->kind != json::Kind::String)
        throw FormatError(where + ": dtype must be a string, found " + json::kind_name(dtype->kind));
    if (dtype->text == "F32") e.tensor.dtype = DType::F32;
    else if (dtype->text == "I32") e.tensor.dtype = DType::I32;
    else if (is_other_safetensors_dtype(dtype->text))
        throw FormatError(where + ": dtype '" + dtype->text + "' is not supported (expected F32 or I32)");
    else throw FormatError(where + ": unknown dtype '" + dtype->text + "' (expected F32 or I32)");

    if (shape->kind != json::Kind::Array)
        throw FormatError(where + ": shape must be an array, found " + json::kind_name(shape->kind));
    // The element count, with overflow detected: a product that wraps around could otherwise match
    // a small byte range.
    const uint64_t max_elements = UINT64_MAX / dtype_size(e.tensor.dtype);
    uint64_t elements = 1;
    bool overflow = false;
    for (const json::Value& d : shape->items) {
        uint64_t dim;
        if (!json::to_u64(d, &dim) || dim > uint64_t(INT64_MAX))
            throw FormatError(where + ": shape entries must be non-negative integers, found " +
                              (d.kind == json::Kind::Number ? d.text : std::string(json::kind_name(d.kind))));
        e.tensor.shape.push_back(static_cast<int64_t>(dim));
        if (dim == 0) {
            elements = 0;
            overflow = false;
        } else if (elements != 0 && (overflow || dim > max_elements / elements)) {
            overflow = true;
        } else {
            elements *= dim;
        }
    }

    if (offsets->kind != json::Kind::Array || offsets->items.size() != 2)
        throw FormatError(where + ": data_offsets must be an array of two integers [begin, end]");
    if (!json::to_u64(offsets->items[0], &e.begin) || !json::to_u64(offsets->items[1], &e.end))
        throw FormatError(where + ": data_offsets must be non-negative integers");
    if (e.begin > e.end)
        throw FormatError(where + ": data_offsets " + range_str(e.begin, e.end) + " end before they begin");
    if (e.end > data_size)
        throw FormatError(where + ": data_offsets " + range_str(e.begin, e.end) +
                          " end past the data section (" + std::to_string(data_size) + " bytes)");
    const uint64_t have = e.end - e.begin;
    if (overflow || elements * dtype_size(e.tensor.dtype) != have)
        throw FormatError(where + ": shape " + shape_str(e.tensor.shape) + " of " + dtype->text + " needs " +
                          (overflow ? std::string("more than 2^64 bytes")
                                    : std::to_string(elements * dtype_size(e.tensor.dtype)) + " bytes") +
                          ", data_offsets " + range_str(e.begin, e.end) + " hold " + std::to_string(have));
    return e;
}

}  // namespace

SafetensorsFile safetensors_parse(const uint8_t* data, std::size_t size, const std::string& source) {
    // pass 1: the header length and the JSON
    if (size < 8)
        throw FormatError(source + ": file is " + std::to_string(size) +
                          " bytes; a safetensors file starts with an 8-byte header length");
    uint64_t header_len = 0;
    for (int i = 7; i >= 0; --i) header_len = header_len << 8 | data[i];
    if (header_len > kMaxHeaderBytes)  // text, an image, anything else: its first bytes make a huge number
        throw FormatError(source + ": not a safetensors file (its first 8 bytes, read as the header length, say " +
                          std::to_string(header_len) + ", over the cap of " + std::to_string(kMaxHeaderBytes) + " bytes)");
    if (header_len > size - 8)
        throw FormatError(source + ": header length " + std::to_string(header_len) + " is larger than the " +
                          std::to_string(size - 8) + " bytes after the length field");
    if (header_len < 2)
        throw FormatError(source + ": header length " + std::to_string(header_len) +
                          " is too small for a JSON object");
    const std::string_view header(reinterpret_cast<const char*>(data + 8), header_len);
    json::Value doc;
    try {
        doc = json::parse(header);
    } catch (const json::ParseError& e) {
        throw FormatError(source + ": header is not valid JSON: " + e.what() + " of the header");
    }
    if (doc.kind != json::Kind::Object)
        throw FormatError(source + ": header must be a JSON object, found " + json::kind_name(doc.kind));

    // pass 2: metadata and each tensor entry
    const uint64_t data_begin = 8 + header_len;
    const uint64_t data_size = size - data_begin;
    SafetensorsFile f;
    f.source = source;
    std::vector<Entry> entries;
    for (const json::Member& m : doc.members) {
        if (m.key == "__metadata__") {
            if (m.value.kind != json::Kind::Object)
                throw FormatError(source + ": __metadata__ must be an object, found " + json::kind_name(m.value.kind));
            for (const json::Member& kv : m.value.members) {
                if (kv.value.kind != json::Kind::String)
                    throw FormatError(source + ": __metadata__ value for key '" + kv.key + "' must be a string, found " +
                                      json::kind_name(kv.value.kind));
                f.metadata.emplace(kv.key, kv.value.text);
            }
            continue;
        }
        entries.push_back(parse_entry(m, source, data_size));
    }

    // pass 3: the tensors tile the data section: sorted by begin, no overlap, no gap, nothing left over
    std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
        return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
    });
    uint64_t expected_begin = 0;
    const Entry* previous = nullptr;
    for (const Entry& e : entries) {
        const std::string where = tensor_where(e.tensor.name, source);
        if (e.begin < expected_begin)
            throw FormatError(where + ": data_offsets " + range_str(e.begin, e.end) + " overlap tensor '" +
                              previous->tensor.name + "' at " + range_str(previous->begin, previous->end));
        if (e.begin > expected_begin)
            throw FormatError(where + ": data_offsets " + range_str(e.begin, e.end) + " leave a gap of " +
                              std::to_string(e.begin - expected_begin) + " bytes after " +
                              (previous ? "tensor '" + previous->tensor.name + "'" : std::string("the header")));
        expected_begin = e.end;
        previous = &e;
    }
    if (expected_begin != data_size)
        throw FormatError(source + ": " + std::to_string(data_size - expected_begin) +
                          " bytes at the end of the data section belong to no tensor");

    for (Entry& e : entries) {
        const uint8_t* p = data + data_begin + e.begin;
        e.tensor.bytes.assign(p, p + (e.end - e.begin));
        f.tensors.push_back(std::move(e.tensor));
    }
    return f;
}

SafetensorsFile safetensors_load(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw FormatError(path + ": cannot open the file");
    const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) throw FormatError(path + ": error while reading the file");
    return safetensors_parse(bytes.data(), bytes.size(), path);
}

std::vector<uint8_t> safetensors_serialize(const SafetensorsFile& f) {
    std::string header = "{";
    bool first = true;
    if (!f.metadata.empty()) {
        header += "\"__metadata__\":{";
        for (auto it = f.metadata.begin(); it != f.metadata.end(); ++it) {
            if (it != f.metadata.begin()) header += ',';
            header += json::quote(it->first) + ':' + json::quote(it->second);
        }
        header += '}';
        first = false;
    }
    uint64_t offset = 0;
    std::vector<std::string_view> names;
    for (const StoredTensor& t : f.tensors) {
        const std::string where = "cannot write " + tensor_where(t.name, f.source);
        if (t.name.empty() || t.name == "__metadata__")
            throw FormatError(where + ": the name is reserved or empty");
        if (std::find(names.begin(), names.end(), t.name) != names.end())
            throw FormatError(where + ": the name appears twice");
        names.push_back(t.name);
        for (int64_t d : t.shape)
            if (d < 0) throw FormatError(where + ": negative dimension in shape " + shape_str(t.shape));
        if (uint64_t(t.element_count()) * dtype_size(t.dtype) != t.bytes.size())
            throw FormatError(where + ": shape " + shape_str(t.shape) + " of " + dtype_name(t.dtype) + " needs " +
                              std::to_string(t.element_count() * dtype_size(t.dtype)) + " bytes, it has " +
                              std::to_string(t.bytes.size()));
        if (!first) header += ',';
        first = false;
        header += json::quote(t.name) + ":{\"dtype\":\"" + dtype_name(t.dtype) + "\",\"shape\":[";
        for (std::size_t i = 0; i < t.shape.size(); ++i) header += (i ? "," : "") + std::to_string(t.shape[i]);
        header += "],\"data_offsets\":[" + std::to_string(offset) + "," + std::to_string(offset + t.bytes.size()) + "]}";
        offset += t.bytes.size();
    }
    header += '}';
    while ((8 + header.size()) % 8 != 0) header += ' ';  // the data section starts 8-byte aligned

    std::vector<uint8_t> out(8);
    for (int i = 0; i < 8; ++i) out[i] = static_cast<uint8_t>(uint64_t(header.size()) >> (8 * i));
    out.insert(out.end(), header.begin(), header.end());
    for (const StoredTensor& t : f.tensors) out.insert(out.end(), t.bytes.begin(), t.bytes.end());
    return out;
}

void safetensors_save(const SafetensorsFile& f, const std::string& path) {
    const std::vector<uint8_t> bytes = safetensors_serialize(f);
    std::ofstream out(path, std::ios::binary);
    if (!out) throw FormatError(path + ": cannot open the file for writing");
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (!out) throw FormatError(path + ": error while writing the file");
}

const StoredTensor* SafetensorsFile::find(std::string_view name) const {
    for (const StoredTensor& t : tensors)
        if (t.name == name) return &t;
    return nullptr;
}

const StoredTensor& SafetensorsFile::require(std::string_view name, DType dtype,
                                             const std::vector<int64_t>& shape) const {
    const StoredTensor* t = find(name);
    if (!t) {
        std::string have;
        for (const StoredTensor& o : tensors) have += (have.empty() ? "" : ", ") + o.name;
        throw FormatError("tensor '" + std::string(name) + "' not found in " + source + " (it has: " +
                          (have.empty() ? std::string("no tensors") : have) + ")");
    }
    if (t->dtype != dtype)
        throw FormatError(tensor_where(name, source) + ": expected dtype " + dtype_name(dtype) + ", found " +
                          dtype_name(t->dtype));
    if (t->shape != shape)
        throw FormatError(tensor_where(name, source) + ": expected shape " + shape_str(shape) + ", found " +
                          shape_str(t->shape));
    return *t;
}

std::vector<float> StoredTensor::to_f32() const {
    if (dtype != DType::F32) throw FormatError("tensor '" + name + "' is " + dtype_name(dtype) + ", not F32");
    std::vector<float> out(bytes.size() / 4);
    for (std::size_t i = 0; i < out.size(); ++i) {
        const uint32_t bits = load_u32_le(&bytes[4 * i]);
        std::memcpy(&out[i], &bits, 4);
    }
    return out;
}

std::vector<int32_t> StoredTensor::to_i32() const {
    if (dtype != DType::I32) throw FormatError("tensor '" + name + "' is " + dtype_name(dtype) + ", not I32");
    std::vector<int32_t> out(bytes.size() / 4);
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<int32_t>(load_u32_le(&bytes[4 * i]));
    return out;
}

Mat SafetensorsFile::require_mat(std::string_view name, int rows, int cols) const {
    const std::vector<float> v = require(name, DType::F32, {rows, cols}).to_f32();
    Mat m(rows, cols);
    std::copy(v.begin(), v.end(), m.data());
    return m;
}

Vec SafetensorsFile::require_vec(std::string_view name, int size) const {
    const std::vector<float> v = require(name, DType::F32, {size}).to_f32();
    Vec out(size);
    std::copy(v.begin(), v.end(), out.data());
    return out;
}

const std::string& SafetensorsFile::require_metadata(const std::string& key) const {
    const auto it = metadata.find(key);
    if (it == metadata.end()) throw FormatError(source + ": __metadata__ has no key '" + key + "'");
    return it->second;
}

namespace {
StoredTensor make_tensor(const std::string& name, DType dtype, const std::vector<int64_t>& shape, const void* data) {
    StoredTensor t;
    t.name = name;
    t.dtype = dtype;
    t.shape = shape;
    for (int64_t d : shape)
        if (d < 0) throw FormatError("cannot add tensor '" + name + "': negative dimension in shape " + shape_str(shape));
    const int64_t n = t.element_count();
    t.bytes.resize(static_cast<std::size_t>(n) * 4);
    const uint8_t* src = static_cast<const uint8_t*>(data);
    for (int64_t i = 0; i < n; ++i) {
        uint32_t bits;
        std::memcpy(&bits, src + 4 * i, 4);
        store_u32_le(&t.bytes[static_cast<std::size_t>(4 * i)], bits);
    }
    return t;
}
}  // namespace

void SafetensorsFile::add_f32(const std::string& name, const std::vector<int64_t>& shape, const float* data) {
    tensors.push_back(make_tensor(name, DType::F32, shape, data));
}
void SafetensorsFile::add_i32(const std::string& name, const std::vector<int64_t>& shape, const int32_t* data) {
    tensors.push_back(make_tensor(name, DType::I32, shape, data));
}
void SafetensorsFile::add(const std::string& name, const Mat& m) {
    add_f32(name, {m.rows(), m.cols()}, m.data());
}
void SafetensorsFile::add(const std::string& name, const Vec& v) { add_f32(name, {v.size()}, v.data()); }

}  // namespace attn
