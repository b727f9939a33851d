// How `xbuild build` shows its platforms' progress on standard error:
//   tty    one line per platform, redrawn in place: `linux/arm64  [build 5/6] RUN go build ...  (12 s)`
//   plain  a line each time a platform starts a step (logs, CI, pipes)
// `auto` picks tty when standard error is a terminal (and TERM is not dumb).
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace xbuild::cli {

struct PlatformLine {
    std::string platform;  // "linux/arm64"
    std::string state;     // "waiting", "[build 5/6] RUN ...", "done", "FAILED"
    std::chrono::steady_clock::time_point started {};
    bool running = false;
};

class BuildView {
   public:
    BuildView(std::string mode, std::vector<std::string> platforms);  // mode: auto, tty, plain
    bool tty() const { return tty_; }

    // platform i started a new step (or finished): plain mode prints it now, tty mode redraws.
    void update(std::size_t i, const std::string& state, bool running);
    // tty mode: redraw the block now (elapsed times), at most a few times a second.
    void tick();
    // tty mode: removes the block, so the summary that follows is printed once.
    void finish();

   private:
    void draw();
    bool tty_ = false;
    bool drawn_ = false;
    std::vector<PlatformLine> lines_;
    std::size_t name_width_ = 0;
    std::chrono::steady_clock::time_point last_draw_ {};
};

}  // namespace xbuild::cli
