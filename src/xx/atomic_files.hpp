// Files and links the helpers make in shared folders (/usr/bin, /etc/llvm, /usr/local/bin), where
// parallel builds call them at once: each is made under a temporary name and renamed into place,
// so a reader sees the old one or the new one, whole.
#pragma once

#include <string>

namespace xx {

// Writes `content` to `path` unless it already holds exactly that. Throws std::runtime_error
// naming the file when it cannot.
void write_if_changed(const std::string& path, const std::string& content);

// Makes (or replaces) the symlink `link` -> `target`. False, with errno set, when it cannot.
bool replace_symlink(const std::string& target, const std::string& link);

// lstat(2) succeeds: something (a file, a link, even a dangling one) is at `path`.
bool path_taken(const std::string& path);

}  // namespace xx
