#include "build_progress.hpp"

#include <cctype>

namespace xbuild::cli {

namespace {

constexpr std::size_t kKeptLines = 200;  // enough for any failure report's tail

// "#12 rest" -> 12 and "rest"; -1 when the line is not a vertex line.
long vertex_of(std::string_view line, std::string_view& rest) {
    if (line.size() < 2 || line[0] != '#' || !std::isdigit(static_cast<unsigned char>(line[1]))) return -1;
    std::size_t i = 1;
    long n = 0;
    while (i < line.size() && std::isdigit(static_cast<unsigned char>(line[i])) && n < 100000000)
        n = n * 10 + (line[i++] - '0');
    if (i < line.size() && line[i] != ' ') return -1;
    rest = i < line.size() ? line.substr(i + 1) : std::string_view {};
    return n;
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

}  // namespace

bool BuildProgress::feed(std::string_view line) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines_.emplace_back(line);
    if (lines_.size() > kKeptLines) lines_.pop_front();

    std::string_view rest;
    const long n = vertex_of(line, rest);
    if (n < 0 || rest.empty()) return false;
    auto it = names_.find(n);
    if (it == names_.end()) {  // a vertex's first line is its name
        names_.emplace(n, std::string(rest));
        step_ = std::string(rest);
        return true;
    }
    if (rest == "CACHED" || starts_with(rest, "DONE")) {
        ++finished_;
    } else if (starts_with(rest, "ERROR")) {
        ++finished_;
        if (error_.empty()) {
            std::string_view msg = rest.substr(5);
            if (starts_with(msg, ":")) msg.remove_prefix(1);
            if (starts_with(msg, " ")) msg.remove_prefix(1);
            error_ = it->second + (msg.empty() ? "" : ": " + std::string(msg));
        }
    }
    return false;
}

std::string BuildProgress::tail(std::size_t n) const {
    std::string out;
    const std::size_t from = lines_.size() > n ? lines_.size() - n : 0;
    for (std::size_t i = from; i < lines_.size(); ++i) out += lines_[i] + "\n";
    return out;
}

}  // namespace xbuild::cli
