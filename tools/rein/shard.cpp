#include "shard.hpp"

#include "rein/core/shard.hpp"
#include "rein/io/json/shard.hpp"

#include <cerrno>
#include <cstdlib>
#include <vector>

namespace rein::cli {

namespace {

std::size_t parse_count(const std::string& token, const std::string& spec) {
  char* end = nullptr;
  errno = 0;
  const long long value = std::strtoll(token.c_str(), &end, 10);
  if (token.empty() || *end != '\0' || errno != 0 || value < 0)
    throw invalid_argument("--shard '" + spec + "' must be I/N with integers 0 <= I < N, e.g. 0/4");
  return static_cast<std::size_t>(value);
}

}  // namespace

std::optional<shard> shard_of(const arguments& args) {
  if (!args.has("shard")) return std::nullopt;
  const std::string spec = args.get("shard", "");
  const auto slash = spec.find('/');
  if (slash == std::string::npos) throw invalid_argument("--shard '" + spec + "' must be I/N, e.g. 0/4");
  shard s{parse_count(spec.substr(0, slash), spec), parse_count(spec.substr(slash + 1), spec)};
  if (s.count == 0 || s.index >= s.count)
    throw invalid_argument("--shard '" + spec + "': need 0 <= I < N, got I = " + std::to_string(s.index) +
                           ", N = " + std::to_string(s.count));
  return s;
}

std::pair<std::size_t, std::size_t> slice(std::size_t tasks, const shard& s) { return shard_slice(tasks, s.index, s.count); }

nlohmann::json shard_record(const std::string& verb, const shard& s, const arguments& args) {
  return io::shard_record(verb, s.index, s.count, args.tokens());
}

std::string run_digest(const std::string& verb, const arguments& args, std::size_t count) {
  // the model file, and a grid's patch files after the first (--patches P1 P2 ... are positional)
  std::vector<std::string> files;
  for (std::size_t i = 0; i < args.positional_count(); ++i) files.push_back(args.positional(i, "WS"));
  // the signal points of a grid too (--patches, --patchset)
  for (const char* option : {"patch", "patches", "patchset"})
    for (const auto& patch : args.all(option)) files.push_back(patch);
  return io::run_digest(verb, args.tokens(), count, files);
}

void sign_shard(nlohmann::json& document, const std::string& verb, const arguments& args) {
  io::sign_shard(document, run_digest(verb, args, document["shard"].at("count").get<std::size_t>()));
}

}  // namespace rein::cli
