#include "rewrite_hook.hpp"

#include <cctype>
#include <string_view>
#include <vector>

namespace xbuild::frontend {
namespace {

// A parser directive line `# key=value`: returns the lower-cased key, or "" for any other line.
std::string directive_key(std::string_view line) {
  std::size_t i = 0;
  auto skip_space = [&] { while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i; };
  skip_space();
  if (i >= line.size() || line[i] != '#') return "";
  ++i;
  skip_space();
  std::string key;
  while (i < line.size() && std::isalnum(static_cast<unsigned char>(line[i])))
    key += static_cast<char>(std::tolower(static_cast<unsigned char>(line[i++])));
  if (key.empty() || !std::isalpha(static_cast<unsigned char>(key[0]))) return "";
  skip_space();
  if (i >= line.size() || line[i] != '=') return "";
  return key;
}

}  // namespace

// For now: only the `# syntax=` directive goes. Directives are the leading `# key=value` lines;
// the syntax line is removed from among them and an empty line closes the block instead, so
// that the other directives (`# escape=`) still apply and every instruction keeps its line number.
std::string rewrite_dockerfile(const std::string& text, const std::map<std::string, std::string>& /*opts*/) {
  std::vector<std::string_view> lines;
  std::string_view rest(text);
  while (!rest.empty()) {
    auto nl = rest.find('\n');
    auto end = nl == std::string_view::npos ? rest.size() : nl + 1;
    lines.push_back(rest.substr(0, end));
    rest.remove_prefix(end);
  }
  std::size_t block = 0;  // the directive block: lines [0, block)
  bool found = false;
  while (block < lines.size()) {
    auto key = directive_key(lines[block]);
    if (key.empty()) break;
    if (key == "syntax") found = true;
    ++block;
  }
  if (!found) return text;
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < block; ++i)
    if (directive_key(lines[i]) != "syntax") out += lines[i];
  out += '\n';
  for (std::size_t i = block; i < lines.size(); ++i) out += lines[i];
  return out;
}

}  // namespace xbuild::frontend
