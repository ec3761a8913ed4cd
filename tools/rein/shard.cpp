#include "shard.hpp"

#include "rein/core/shard.hpp"

#include <cerrno>
#include <cstdlib>

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

std::pair<std::size_t, std::size_t> slice(std::size_t tasks, const shard& s) {
  return shard_slice(tasks, s.index, s.count);
}

nlohmann::json shard_record(const std::string& verb, const shard& s, const arguments& args) {
  return {{"verb", verb}, {"index", s.index}, {"count", s.count}, {"arguments", args.tokens()}};
}

}  // namespace rein::cli
