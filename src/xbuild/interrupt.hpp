// Leaving nothing half-written and nothing running when the user presses Ctrl-C: paths registered here (a staging
// folder beside an output, a layout folder the command made) are removed when SIGINT, SIGTERM or
// SIGHUP arrives, and the process then dies of that signal as it would have. Child process groups
// registered here (builds started in groups of their own, which the terminal's Ctrl-C does not
// reach) are stopped first: SIGTERM, then SIGKILL for what is still there after a second.
//
//   install_interrupt_cleanup();                  // once, in main
//   RemoveOnInterrupt guard(stage_dir);           // removed if interrupted while guard lives
//
// The signal handler only writes a byte to a pipe; a watcher thread does the removing (removing a
// tree is not async-signal-safe), then restores the default action and raises the signal again.
// Handlers are reset by exec, so child processes (docker build) get the signal as usual.
#pragma once

#include <sys/types.h>

#include <filesystem>

namespace xbuild::cli {

void install_interrupt_cleanup();

// The status main returns, unless a signal has arrived: then the watcher thread is removing what
// was registered and will kill the process with that signal, so this waits for it instead of
// letting a command's error (a write into a folder just removed) end the process with status 1.
int finish(int status);

class RemoveOnInterrupt {
   public:
    explicit RemoveOnInterrupt(std::filesystem::path path);
    ~RemoveOnInterrupt();
    RemoveOnInterrupt(const RemoveOnInterrupt&) = delete;
    RemoveOnInterrupt& operator=(const RemoveOnInterrupt&) = delete;

   private:
    std::filesystem::path path_;
};

// True once SIGINT, SIGTERM or SIGHUP arrived: start nothing new.
bool interrupted();

// Registers the process group `group` (a child started with new_process_group: its pid) while
// the guard lives.
class StopGroupOnInterrupt {
   public:
    explicit StopGroupOnInterrupt(pid_t group);
    ~StopGroupOnInterrupt();
    StopGroupOnInterrupt(const StopGroupOnInterrupt&) = delete;
    StopGroupOnInterrupt& operator=(const StopGroupOnInterrupt&) = delete;

   private:
    pid_t group_;
};

}  // namespace xbuild::cli
