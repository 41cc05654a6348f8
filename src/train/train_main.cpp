// train_main.cpp: attn_trainer, the native trainer. Retrains models from scratch, deterministically,
// and writes assets/models/<name>.safetensors with their measured held-out metrics.
//   attn_trainer --list
//   attn_trainer [--quick] [--assets DIR] [--out-dir DIR] all | NAME...
#include "train/recipe.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <string>

namespace attn {
std::vector<Recipe>& recipe_registry() {
    static std::vector<Recipe> recipes;
    return recipes;
}
}  // namespace attn

int main(int argc, char** argv) {
    using namespace attn;
    std::string assets = "assets", out_dir = "assets/models";
    bool quick = false, list = false;
    std::vector<std::string> names;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--list")) list = true;
        else if (!std::strcmp(argv[i], "--quick")) quick = true;
        else if (!std::strcmp(argv[i], "--assets") && i + 1 < argc) assets = argv[++i];
        else if (!std::strcmp(argv[i], "--out-dir") && i + 1 < argc) out_dir = argv[++i];
        else if (argv[i][0] == '-') { std::fprintf(stderr, "attn_trainer: unknown option %s\n", argv[i]); return 2; }
        else names.push_back(argv[i]);
    }
    auto& recipes = recipe_registry();
    std::sort(recipes.begin(), recipes.end(), [](const Recipe& a, const Recipe& b) { return std::strcmp(a.name, b.name) < 0; });
    if (list || names.empty()) {
        std::printf("usage: attn_trainer [--quick] [--assets DIR] [--out-dir DIR] all | NAME...\nmodels:\n");
        for (const Recipe& r : recipes) std::printf("  %-16s %s\n", r.name, r.description);
        return list ? 0 : 2;
    }
    if (names.size() == 1 && names[0] == "all") {
        names.clear();
        for (const Recipe& r : recipes) names.push_back(r.name);
    }
    std::error_code ec;
    std::filesystem::create_directories(out_dir, ec);
    if (ec) { std::fprintf(stderr, "attn_trainer: cannot create %s: %s\n", out_dir.c_str(), ec.message().c_str()); return 1; }
    int failures = 0;
    for (const std::string& name : names) {
        const auto it = std::find_if(recipes.begin(), recipes.end(), [&](const Recipe& r) { return name == r.name; });
        if (it == recipes.end()) { std::fprintf(stderr, "attn_trainer: no model named '%s' (--list)\n", name.c_str()); return 2; }
        RecipeArgs args{assets, out_dir + "/" + name + ".safetensors", quick};
        std::printf("== %s: %s%s\n", it->name, it->description, quick ? " (quick)" : "");
        std::fflush(stdout);
        const auto start = std::chrono::steady_clock::now();
        int rc = 1;
        try {
            rc = it->train(args);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "attn_trainer: %s failed: %s\n", it->name, e.what());
        }
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        std::printf("== %s: %s in %.1f s -> %s\n", it->name, rc == 0 ? "done" : "FAILED", s, args.out_path.c_str());
        failures += rc != 0;
    }
    return failures ? 1 : 0;
}
