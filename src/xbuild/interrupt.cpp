#include "interrupt.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

namespace xbuild::cli {

namespace {

int wake_fds[2] = {-1, -1};
volatile std::sig_atomic_t pending_signal = 0;
std::mutex paths_mutex;
std::vector<std::filesystem::path> paths;  // registered, in order
std::vector<pid_t> groups;                 // child process groups to stop first
bool groups_stopped = false;               // the watcher stopped them: a group registered later dies at once

// Asks every registered group to stop, then kills what is left: the builds' compilers must not
// go on writing into folders about to be removed.
void stop_groups() {
    groups_stopped = true;
    if (groups.empty()) return;
    for (pid_t g : groups) ::kill(-g, SIGTERM);
    for (int attempt = 0; attempt < 50; attempt++) {
        const bool alive = std::any_of(groups.begin(), groups.end(), [](pid_t g) { return ::kill(-g, 0) == 0; });
        if (!alive) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    for (pid_t g : groups) ::kill(-g, SIGKILL);
    groups.clear();
    groups_stopped = true;
}

extern "C" void on_signal(int sig) {
    pending_signal = sig;
    const unsigned char byte = static_cast<unsigned char>(sig);
    [[maybe_unused]] ssize_t n = ::write(wake_fds[1], &byte, 1);
}

void watch() {
    unsigned char sig = 0;
    while (::read(wake_fds[0], &sig, 1) != 1) {}
    {
        std::lock_guard<std::mutex> lock(paths_mutex);
        stop_groups();
        // The command goes on while this runs: a file it makes in a folder remove_all already
        // listed makes the last rmdir fail. So again, until the path is gone (the writers never
        // make a registered root again: a layout's blob folders need their root to exist).
        for (auto it = paths.rbegin(); it != paths.rend(); ++it)
            for (int attempt = 0; attempt < 100; attempt++) {
                std::error_code ec;
                std::filesystem::remove_all(*it, ec);
                if (!std::filesystem::exists(std::filesystem::symlink_status(*it, ec))) break;
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
            }
        paths.clear();
    }
    ::signal(sig, SIG_DFL);
    ::raise(sig);
}

}  // namespace

void install_interrupt_cleanup() {
    if (wake_fds[0] >= 0) return;
    if (::pipe2(wake_fds, O_CLOEXEC) != 0) return;  // no cleanup then; the signals keep their defaults
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) ::sigaction(sig, &sa, nullptr);
    std::thread(watch).detach();
}

int finish(int status) {
    if (pending_signal != 0)
        for (;;) ::pause();  // the watcher raises the signal with its default action: the process ends
    return status;
}

RemoveOnInterrupt::RemoveOnInterrupt(std::filesystem::path path) : path_(std::move(path)) {
    std::lock_guard<std::mutex> lock(paths_mutex);
    paths.push_back(path_);
}

RemoveOnInterrupt::~RemoveOnInterrupt() {
    std::lock_guard<std::mutex> lock(paths_mutex);
    auto it = std::find(paths.rbegin(), paths.rend(), path_);
    if (it != paths.rend()) paths.erase(std::next(it).base());
}

bool interrupted() { return pending_signal != 0; }

StopGroupOnInterrupt::StopGroupOnInterrupt(pid_t group) : group_(group) {
    std::lock_guard<std::mutex> lock(paths_mutex);
    // Started while the watcher was already stopping the others: stopped now, not left running.
    if (groups_stopped) ::kill(-group_, SIGKILL);
    else groups.push_back(group_);
}

StopGroupOnInterrupt::~StopGroupOnInterrupt() {
    std::lock_guard<std::mutex> lock(paths_mutex);
    auto it = std::find(groups.begin(), groups.end(), group_);
    if (it != groups.end()) groups.erase(it);
}

}  // namespace xbuild::cli
