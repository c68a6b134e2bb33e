// Reading the registry files the server serves (--registry at start, an admin's upload later)
// into a registry and what GET /api/registry says of it: source, generation date, SHA-256 of the
// bytes, counts. FINESS+ files are streamed (hashed and measured as they are read); the CSV
// formats are read whole by grappe::reference.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "registries.h"

namespace grappe::server {

// Reads `files` in order and merges them (a FINESS present twice: the first is kept). `demo`:
// the bundled demo registry (source "demo"). `progress` (may be empty) gets the share read.
// Warnings and errors name a file by its path, or by `name` when given.
std::expected<LoadedRegistry, std::string> load_registry_files(
    const std::vector<std::filesystem::path>& files, bool demo, const Progress& progress,
    const std::string& name = {});

// The loader an upload uses: one file, never the demo.
RegistryLoader upload_loader();

// Removes the files of registry uploads a stopped or crashed server left in `data`.
void remove_unfinished_uploads(const std::filesystem::path& data);

}  // namespace grappe::server
