// recipe.h: how a model is trained from scratch, registered by name for `attn_trainer`. Each model
// family adds a src/train/recipe_<family>.cpp that defines its recipes with ATTN_RECIPE; they are
// compiled straight into the trainer program (not a library), so their registrations always link.
// Not the training loop itself (trainer.h). Run: build/native-release/attn_trainer --list.
#pragma once

#include <string>
#include <vector>

namespace attn {

struct RecipeArgs {
    std::string assets_dir;  // where assets/data/*.tsv are read from
    std::string out_path;    // the .safetensors file to write
    bool quick = false;      // a short run (a few hundred steps) for smoke tests; the file is still valid
};

struct Recipe {
    const char* name;         // the model's name = its file name: assets/models/<name>.safetensors
    const char* description;  // one line
    int (*train)(const RecipeArgs& args);  // trains, evaluates, writes out_path; returns 0 on success
};

std::vector<Recipe>& recipe_registry();

struct RecipeRegistrar {
    explicit RecipeRegistrar(const Recipe& r) { recipe_registry().push_back(r); }
};

}  // namespace attn

#define ATTN_RECIPE(id, name, description, fn) \
    static const ::attn::RecipeRegistrar attn_recipe_##id(::attn::Recipe{name, description, fn})
