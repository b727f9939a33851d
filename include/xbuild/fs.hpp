// xbuild/fs.hpp: files, links and locks in folders that other processes read and write at the
// same time (parallel builds calling the helpers, apt, a user's shell), done so that a reader
// never sees half of anything: each file or link is made under a temporary name in the same
// folder and renamed into place.
//
//   xbuild::write_file_atomically("/etc/apt/sources.list", text);    // keeps the old file's mode
//   xbuild::write_file_if_changed(dir + "/aarch64-linux-gnu.cfg", config);  // no write when equal
//   xbuild::replace_symlink("xx", "/usr/bin/aarch64-linux-gnu-clang");
//   xbuild::ExclusiveLock lock("/var/lock/xx-apt", "waiting for another xx-apt");
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace xbuild {

// Reads a whole file; nullopt when it cannot be opened.
std::optional<std::string> read_file(const std::string& path);

// Writes `text` to a temporary file beside `path` (synced) and renames it over `path`, then syncs
// the folder; keeps an existing file's mode, else uses `mode`. Safe to call from several threads
// and processes at once: the last rename wins. Throws std::runtime_error naming the file.
void write_file_atomically(const std::string& path, std::string_view text, unsigned mode = 0644);

// write_file_atomically unless `path` already holds exactly `text`; true when it wrote.
bool write_file_if_changed(const std::string& path, std::string_view text, unsigned mode = 0644);

// Makes or replaces the symlink `link` -> `target`. False, with errno set, when it cannot.
bool replace_symlink(const std::string& target, const std::string& link);

// Something is at `path`: a file, a folder, a link (even a dangling one). lstat(2), no follow.
bool path_taken(const std::string& path);

// A fresh temporary name beside `path`, as write_file_atomically and replace_symlink use: hidden
// (dot-prefixed, so folder walkers skip it), unique per process and call, and marked
// ".xbuild-tmp." so a leftover is recognisable (tests look for it).
std::string temporary_name_for(const std::string& path);

// An exclusive flock(2) on a file (created if missing), held until destruction. Waits for other
// holders, printing `waiting_message` to stderr first when it has to wait.
class ExclusiveLock {
   public:
    explicit ExclusiveLock(const std::string& path,
                           std::string_view waiting_message = {});  // throws std::runtime_error
    ExclusiveLock(const ExclusiveLock&) = delete;
    ExclusiveLock& operator=(const ExclusiveLock&) = delete;
    ~ExclusiveLock();

   private:
    int fd_ = -1;
};

}  // namespace xbuild

#include "impl/fs.inl"
