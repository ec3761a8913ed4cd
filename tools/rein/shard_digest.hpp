#pragma once

// What makes `rein merge` trust nothing (issue #18): every shard carries a digest of its run (the
// verb, the command line without --shard, N, and the bytes of the files the run reads) and a
// digest of its own contents; merge recomputes both. FNV-1a 64: a check against mix-ups, edits
// and truncation, not a signature against forgery.
#include "cli.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>
#include <vector>

namespace rein::cli {

/// The command line of the whole run: a shard's arguments without --shard I/N.
std::vector<std::string> whole_run(const std::vector<std::string>& tokens);

/// The digest (16 hex digits) of the run a shard belongs to: `verb`, whole_run(tokens), `count`
/// and the contents of the model file (and of every other positional argument) and of every --patch, --patches
/// and --patchset file.
/// @throws io_error naming a file that cannot be read.
std::string run_digest(const std::string& verb, const arguments& args, std::size_t count);

/// The digest of a shard's contents: its run digest, its index and `document` without the keys
/// "shard" and "seconds" (the record and the wall time are not results).
std::string contents_digest(const std::string& run, std::size_t index, const nlohmann::json& document);

/// Adds "run_digest" and "contents_digest" to the "shard" record of a shard's output `document`.
void sign_shard(nlohmann::json& document, const std::string& verb, const arguments& args);

}  // namespace rein::cli
