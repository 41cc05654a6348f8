// test_api_args.cpp: api_args.h answers wrong types in the project's words and converts only in range.
#include "core/api_args.h"

#include <gtest/gtest.h>

#include <functional>
#include <limits>

namespace attn::api_args {
namespace {

using nlohmann::json;

std::string error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "";
}

TEST(ApiArgs, StringsBoolsAndObjects) {
    const json a = json::parse(R"({"text": "hi", "none": null, "n": 3, "flag": true, "options": {"x": 1}})");
    EXPECT_EQ(string_arg(a, "text", "d"), "hi");
    EXPECT_EQ(string_arg(a, "absent", "d"), "d");
    EXPECT_EQ(error_of([&] { string_arg(a, "none", ""); }), "none must be a string");  // the issue's case
    EXPECT_EQ(error_of([&] { string_arg(a, "n", ""); }), "n must be a string");
    EXPECT_TRUE(bool_arg(a, "flag", false));
    EXPECT_FALSE(bool_arg(a, "absent", false));
    EXPECT_EQ(error_of([&] { bool_arg(a, "text", false); }), "text must be true or false");
    EXPECT_EQ(object_arg(a, "options", json::object())["x"], 1);
    EXPECT_EQ(error_of([&] { object_arg(a, "text", json::object()); }), "text must be an object");
}

TEST(ApiArgs, IntegersOnlyInRange) {
    const json a = json::parse(R"({"i": 7, "f": 7.0, "half": 7.5, "neg": -3, "big": 1e300, "huge": 18446744073709551615,
                                   "s": "7", "nan": null})");
    EXPECT_EQ(int_arg(a, "i", 0, 1, 100), 7);
    EXPECT_EQ(int_arg(a, "f", 0, 1, 100), 7);
    EXPECT_EQ(int_arg(a, "absent", 20, 1, 100), 20);
    const std::string want = " must be an integer from 1 to 100";
    for (const char* k : {"half", "neg", "big", "huge", "s", "nan"})
        EXPECT_EQ(error_of([&] { int_arg(a, k, 0, 1, 100); }), k + want) << k;
    const int64_t max = std::numeric_limits<int64_t>::max();
    EXPECT_EQ(int_arg(json{{"u", 5u}}, "u", 0, 0, max), 5);
}

}  // namespace
}  // namespace attn::api_args
