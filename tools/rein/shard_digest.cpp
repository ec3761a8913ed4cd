#include "shard_digest.hpp"

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>

namespace rein::cli {

namespace {

// FNV-1a, 64 bits, continued from `hash`.
std::uint64_t fnv1a(const std::string& bytes, std::uint64_t hash = 0xcbf29ce484222325ULL) {
  for (const unsigned char c : bytes) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

std::string hex(std::uint64_t value) {
  char buffer[17];
  std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(value));
  return buffer;
}

// Each part is prefixed with its length, so that ("ab", "c") and ("a", "bc") differ.
void add(std::uint64_t& hash, const std::string& part) { hash = fnv1a(part, fnv1a(std::to_string(part.size()) + ":", hash)); }

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw io_error("rein: cannot read '" + path + "' to check which run a shard belongs to");
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

std::vector<std::string> whole_run(const std::vector<std::string>& tokens) {
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

std::string run_digest(const std::string& verb, const arguments& args, std::size_t count) {
  std::uint64_t hash = fnv1a("rein shard run");
  add(hash, verb);
  for (const auto& token : whole_run(args.tokens())) add(hash, token);
  add(hash, std::to_string(count));
  // the model file, and a grid's patch files after the first (--patches P1 P2 ... are positional)
  for (std::size_t i = 0; i < args.positional_count(); ++i) add(hash, file_bytes(args.positional(i, "WS")));
  // the signal points of a grid too (--patches, --patchset)
  for (const char* option : {"patch", "patches", "patchset"})
    for (const auto& patch : args.all(option)) add(hash, file_bytes(patch));
  return hex(hash);
}

std::string contents_digest(const std::string& run, std::size_t index, const nlohmann::json& document) {
  nlohmann::json results = document;
  if (results.is_object()) results.erase("shard"), results.erase("seconds");
  std::uint64_t hash = fnv1a("rein shard contents");
  add(hash, run);
  add(hash, std::to_string(index));
  add(hash, results.dump());
  return hex(hash);
}

void sign_shard(nlohmann::json& document, const std::string& verb, const arguments& args) {
  auto& record = document["shard"];
  const auto count = record.at("count").get<std::size_t>();
  const auto index = record.at("index").get<std::size_t>();
  const std::string run = run_digest(verb, args, count);
  record["run_digest"] = run;
  record["contents_digest"] = contents_digest(run, index, document);
}

}  // namespace rein::cli
