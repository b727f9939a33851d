// Files and links made under a temporary name, renamed into place (see atomic_files.hpp).
#include "atomic_files.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace xx {

namespace {
std::string temporary_name(const std::string& path) { return path + ".xx-tmp." + std::to_string(::getpid()); }
}  // namespace

void write_if_changed(const std::string& path, const std::string& content) {
    {
        std::ifstream in(path, std::ios::binary);
        std::ostringstream old;
        if (in && (old << in.rdbuf(), old.str() == content)) return;
    }
    const std::string tmp = temporary_name(path);
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << content;
        out.close();
        if (!out) {
            const int err = errno;
            ::unlink(tmp.c_str());
            throw std::runtime_error("cannot write " + tmp + ": " + std::strerror(err));
        }
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        const int err = errno;
        ::unlink(tmp.c_str());
        throw std::runtime_error("cannot rename " + tmp + " to " + path + ": " + std::strerror(err));
    }
}

bool replace_symlink(const std::string& target, const std::string& link) {
    const std::string tmp = temporary_name(link);
    if (::symlink(target.c_str(), tmp.c_str()) == 0 && ::rename(tmp.c_str(), link.c_str()) == 0) return true;
    const int err = errno;
    ::unlink(tmp.c_str());
    errno = err;
    return false;
}

bool path_taken(const std::string& path) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0;
}

}  // namespace xx
