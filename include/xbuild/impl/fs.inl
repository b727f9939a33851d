// Implementation of xbuild/fs.hpp.
#pragma once

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace xbuild {

inline std::string temporary_name_for(const std::string& path) {
    static std::atomic<unsigned> counter {0};
    const std::size_t slash = path.rfind('/');
    const std::size_t base = slash == std::string::npos ? 0 : slash + 1;
    return path.substr(0, base) + "." + path.substr(base) + ".xbuild-tmp." + std::to_string(::getpid()) + "." +
           std::to_string(counter++);
}

inline std::optional<std::string> read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

inline void write_file_atomically(const std::string& path, std::string_view text, unsigned mode) {
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0) mode = st.st_mode & 07777;
    const std::string tmp = temporary_name_for(path);
    // Errors name the file the caller asked for; the temporary name is ours.
    auto fail = [&](const char* what) {
        std::string msg = std::string(what) + " " + path + ": " + std::strerror(errno);
        ::unlink(tmp.c_str());
        throw std::runtime_error(msg);
    };
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0) throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno));
    std::size_t done = 0;
    while (done < text.size()) {
        ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            ::close(fd);
            fail("cannot write");
        }
        done += static_cast<std::size_t>(n);
    }
    ::fchmod(fd, mode);  // the umask narrowed open()'s mode
    if (::fsync(fd) != 0 || ::close(fd) != 0) fail("cannot write");
    if (::rename(tmp.c_str(), path.c_str()) != 0) fail("cannot replace");
    // So the rename survives a crash; best effort, as some filesystems refuse fsync on folders.
    const std::size_t slash = path.rfind('/');
    const std::string folder = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
    if (const int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dir >= 0) {
        ::fsync(dir);
        ::close(dir);
    }
}

inline bool write_file_if_changed(const std::string& path, std::string_view text, unsigned mode) {
    if (auto old = read_file(path); old && *old == text) return false;
    write_file_atomically(path, text, mode);
    return true;
}

inline bool replace_symlink(const std::string& target, const std::string& link) {
    const std::string tmp = temporary_name_for(link);
    ::unlink(tmp.c_str());  // a leftover of a killed run with this pid
    if (::symlink(target.c_str(), tmp.c_str()) == 0 && ::rename(tmp.c_str(), link.c_str()) == 0) return true;
    const int err = errno;
    ::unlink(tmp.c_str());
    errno = err;
    return false;
}

inline bool path_taken(const std::string& path) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0;
}

inline ExclusiveLock::ExclusiveLock(const std::string& path, std::string_view waiting_message) {
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) throw std::runtime_error("cannot open lock " + path + ": " + std::strerror(errno));
    if (::flock(fd_, LOCK_EX | LOCK_NB) == 0) return;
    if (!waiting_message.empty()) std::fprintf(stderr, "%.*s\n", int(waiting_message.size()), waiting_message.data());
    int r;
    while ((r = ::flock(fd_, LOCK_EX)) != 0 && errno == EINTR) {}
    if (r != 0) {
        std::string msg = "cannot lock " + path + ": " + std::strerror(errno);
        ::close(fd_);
        throw std::runtime_error(msg);
    }
}

inline ExclusiveLock::~ExclusiveLock() {
    if (fd_ >= 0) ::close(fd_);
}

}  // namespace xbuild
