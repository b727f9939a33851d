#include "child_process.hpp"

#include <cerrno>
#include <cstring>
#include <utility>

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include "xbuild/process.hpp"

namespace xbuild_cli {

Child Child::start(const std::vector<std::string>& argv, const std::vector<std::string>& env_changes) {
    auto program = xbuild::find_program(argv.at(0));
    if (!program) throw xbuild::ProcessError("cannot run " + argv[0] + ": not found on PATH");
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw xbuild::ProcessError(std::string("pipe: ") + std::strerror(errno));
    const pid_t pid = ::fork();
    if (pid < 0) {
        ::close(fds[0]);
        ::close(fds[1]);
        throw xbuild::ProcessError(std::string("fork: ") + std::strerror(errno));
    }
    if (pid == 0) {
        const int null = ::open("/dev/null", O_RDONLY);
        if (null >= 0) ::dup2(null, STDIN_FILENO);
        ::dup2(fds[1], STDOUT_FILENO);
        ::dup2(fds[1], STDERR_FILENO);
        xbuild::apply_env_changes(env_changes);
        std::vector<char*> args;
        for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        ::execv(program->c_str(), args.data());
        const std::string msg = "cannot run " + *program + ": " + std::strerror(errno) + "\n";
        (void)!::write(STDERR_FILENO, msg.data(), msg.size());
        ::_exit(127);
    }
    ::close(fds[1]);
    ::fcntl(fds[0], F_SETFL, ::fcntl(fds[0], F_GETFL) | O_NONBLOCK);
    Child c;
    c.pid_ = pid;
    c.fd_ = fds[0];
    return c;
}

Child::Child(Child&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)), fd_(std::exchange(other.fd_, -1)), partial_(std::move(other.partial_)) {}

Child& Child::operator=(Child&& other) noexcept {
    if (this != &other) {
        this->~Child();
        pid_ = std::exchange(other.pid_, -1);
        fd_ = std::exchange(other.fd_, -1);
        partial_ = std::move(other.partial_);
    }
    return *this;
}

Child::~Child() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    if (pid_ > 0) {  // never leave a zombie behind
        int status;
        while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {}
        pid_ = -1;
    }
}

std::vector<std::string> Child::read_lines() {
    std::vector<std::string> lines;
    if (fd_ < 0) return lines;
    char buf[8192];
    for (;;) {
        const ssize_t n = ::read(fd_, buf, sizeof buf);
        if (n > 0) {
            partial_.append(buf, static_cast<std::size_t>(n));
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
        ::close(fd_);  // end of file (or a read error: treated the same)
        fd_ = -1;
        break;
    }
    std::size_t start = 0, nl;
    while ((nl = partial_.find('\n', start)) != std::string::npos) {
        lines.push_back(partial_.substr(start, nl - start));
        start = nl + 1;
    }
    partial_.erase(0, start);
    if (fd_ < 0 && !partial_.empty()) lines.push_back(std::exchange(partial_, {}));
    return lines;
}

int Child::wait() {
    if (fd_ >= 0) {
        ::close(fd_);
        fd_ = -1;
    }
    if (pid_ <= 0) return -1;
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0) {
        if (errno != EINTR) {
            pid_ = -1;
            return -1;
        }
    }
    pid_ = -1;
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return -1;
}

ChildOutput run_collecting(const std::vector<std::string>& argv, const std::vector<std::string>& env_changes) {
    Child c = Child::start(argv, env_changes);
    ChildOutput out;
    while (c.output_open()) {
        pollfd p {c.fd(), POLLIN, 0};
        ::poll(&p, 1, -1);
        for (const auto& line : c.read_lines()) out.output += line + "\n";
    }
    out.status = c.wait();
    return out;
}

}  // namespace xbuild_cli
