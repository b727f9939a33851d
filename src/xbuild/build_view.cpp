#include "build_view.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <sys/ioctl.h>
#include <unistd.h>

namespace xbuild::cli {

namespace {

int terminal_width() {
    winsize ws {};
    if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20) return ws.ws_col;
    return 100;
}

std::string padded(const std::string& s, std::size_t width) {
    return s.size() >= width ? s : s + std::string(width - s.size(), ' ');
}

}  // namespace

BuildView::BuildView(std::string mode, std::vector<std::string> platforms) {
    if (mode == "tty") tty_ = true;
    else if (mode == "auto") {
        const char* term = std::getenv("TERM");
        tty_ = ::isatty(STDERR_FILENO) && !(term && std::strcmp(term, "dumb") == 0);
    }
    for (auto& p : platforms) {
        name_width_ = std::max(name_width_, p.size());
        lines_.push_back({std::move(p), "waiting", {}, false});
    }
}

void BuildView::update(std::size_t i, const std::string& state, bool running) {
    auto& l = lines_.at(i);
    if (running && !l.running) l.started = std::chrono::steady_clock::now();
    l.state = state;
    l.running = running;
    if (!tty_) {
        std::fprintf(stderr, "%s  %s\n", padded(l.platform, name_width_).c_str(), state.c_str());
        std::fflush(stderr);
        return;
    }
    draw();
}

void BuildView::tick() {
    if (tty_ && std::chrono::steady_clock::now() - last_draw_ > std::chrono::milliseconds(250)) draw();
}

void BuildView::draw() {
    const int width = terminal_width();
    std::string out;
    if (drawn_) out += "\033[" + std::to_string(lines_.size()) + "A";  // back to the block's first line
    const auto now = std::chrono::steady_clock::now();
    for (const auto& l : lines_) {
        std::string text = padded(l.platform, name_width_) + "  " + l.state;
        if (l.running) {
            const auto s = std::chrono::duration_cast<std::chrono::seconds>(now - l.started).count();
            const std::string time = "  (" + std::to_string(s) + " s)";
            const std::size_t room = static_cast<std::size_t>(width - 1) > time.size() ? width - 1 - time.size() : 0;
            if (text.size() > room) text = text.substr(0, room > 3 ? room - 3 : 0) + "...";
            text += time;
        } else if (text.size() > static_cast<std::size_t>(width - 1)) {
            text = text.substr(0, width - 4) + "...";
        }
        out += "\r\033[K" + text + "\n";
    }
    std::fputs(out.c_str(), stderr);
    std::fflush(stderr);
    drawn_ = true;
    last_draw_ = now;
}

void BuildView::finish() {
    if (!tty_ || !drawn_) return;
    std::fprintf(stderr, "\033[%zuA\r\033[J", lines_.size());
    std::fflush(stderr);
    drawn_ = false;
}

}  // namespace xbuild::cli
