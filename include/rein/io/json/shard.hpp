#pragma once

// What a shard of a run (`rein ... --shard I/N`, rein.distributed) records about itself, and what
// makes merging shards trust nothing (issue #18): every shard carries a digest of its run (the verb,
// the command line without --shard, N, and the bytes of the files the run reads) and a digest of
// its own contents; a merge recomputes both. FNV-1a 64: a check against mix-ups, edits and
// truncation, not a signature against forgery.
#include "rein/core/error.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace rein::io {

namespace detail {

/// FNV-1a, 64 bits, of `bytes`, continued from `hash`.
inline std::uint64_t shard_fnv1a(const std::string& bytes, std::uint64_t hash = 0xcbf29ce484222325ULL) {
  for (const char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

/// Adds one part to `hash`, prefixed with its length, so that ("ab", "c") and ("a", "bc") differ.
inline void shard_hash_part(std::uint64_t& hash, const std::string& part) {
  hash = shard_fnv1a(part, shard_fnv1a(std::to_string(part.size()) + ":", hash));
}

/// `value` as 16 lower-case hex digits.
inline std::string shard_hex(std::uint64_t value) {
  char buffer[17];
  std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(value));
  return buffer;
}

inline std::string shard_file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw io_error("rein: cannot read '" + path + "' to check which run a shard belongs to");
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace detail

/// The command line of the whole run: a shard's `tokens` without `--shard I/N` (or `--shard=I/N`).
inline std::vector<std::string> whole_run(const std::vector<std::string>& tokens) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if (tokens[i] == "--shard") {
      ++i;
      continue;
    }
    if (tokens[i].rfind("--shard=", 0) == 0) continue;
    out.push_back(tokens[i]);
  }
  return out;
}

/// The digest (16 hex digits) of the run a shard belongs to: `verb`, whole_run(tokens), `count`
/// and the bytes of each of `files` in order (the model file, every other positional argument and
/// the patch files the run reads).
/// @throws io_error naming a file that cannot be read.
inline std::string run_digest(const std::string& verb, const std::vector<std::string>& tokens, std::size_t count,
                              const std::vector<std::string>& files) {
  std::uint64_t hash = detail::shard_fnv1a("rein shard run");
  detail::shard_hash_part(hash, verb);
  for (const auto& token : whole_run(tokens)) detail::shard_hash_part(hash, token);
  detail::shard_hash_part(hash, std::to_string(count));
  for (const auto& file : files) detail::shard_hash_part(hash, detail::shard_file_bytes(file));
  return detail::shard_hex(hash);
}

/// The digest of a shard's contents: its run digest `run`, its `index` and `document` without the
/// keys "shard" and "seconds" (the record and the wall time are not results).
inline std::string contents_digest(const std::string& run, std::size_t index, const nlohmann::json& document) {
  nlohmann::json results = document;
  if (results.is_object()) results.erase("shard"), results.erase("seconds");
  std::uint64_t hash = detail::shard_fnv1a("rein shard contents");
  detail::shard_hash_part(hash, run);
  detail::shard_hash_part(hash, std::to_string(index));
  detail::shard_hash_part(hash, results.dump());
  return detail::shard_hex(hash);
}

/// What a shard's output records about itself under "shard": the verb, I, N and the command line.
inline nlohmann::json shard_record(const std::string& verb, std::size_t index, std::size_t count,
                                   const std::vector<std::string>& tokens) {
  return {{"verb", verb}, {"index", index}, {"count", count}, {"arguments", tokens}};
}

/// Adds "run_digest" (`run`) and "contents_digest" to the "shard" record of a shard's output
/// `document` (its results complete: the contents digest covers them).
inline void sign_shard(nlohmann::json& document, const std::string& run) {
  auto& record = document["shard"];
  const auto index = record.at("index").get<std::size_t>();
  record["run_digest"] = run;
  record["contents_digest"] = contents_digest(run, index, document);
}

}  // namespace rein::io
