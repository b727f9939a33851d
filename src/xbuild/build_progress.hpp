// What one platform's build is doing, read from BuildKit's `--progress=plain` output, for the
// progress line `linux/arm64  [build 5/6] RUN go build ...`.
//
// The plain format (docker build with BuildKit, and buildctl) prints, per vertex N:
//   #N [build 5/6] RUN go build -o /out/server .     the first line: the step's name
//   #N 0.532 some output of the step                 its output, timed
//   #N CACHED | #N DONE 1.2s | #N ERROR: <message>   how it ended
// and after a failed build a block `------ / > [build 5/6] RUN ...: / ------` and the error.
// Lines not of that form (docker push's output, warnings) are kept for the log only.
#pragma once

#include <cstddef>
#include <deque>
#include <map>
#include <string>
#include <string_view>

namespace xbuild::cli {

class BuildProgress {
   public:
    // Reads one line (without its '\n'). True when the step shown changed.
    bool feed(std::string_view line);

    // The step to show: the name of the vertex that started last ("" before the first).
    const std::string& step() const { return step_; }
    // The first `#N ERROR: ...` message with the step it belongs to ("" when none).
    const std::string& error() const { return error_; }
    // Steps started and finished (DONE, CACHED or ERROR) so far.
    std::size_t started() const { return names_.size(); }
    std::size_t finished() const { return finished_; }

    // The last `n` lines read, for the failure report.
    std::string tail(std::size_t n) const;

    // Shows a step that is not a BuildKit vertex (e.g. "pushing NAME").
    void set_step(std::string step) { step_ = std::move(step); }

   private:
    std::map<long, std::string> names_;
    std::string step_;
    std::string error_;
    std::size_t finished_ = 0;
    std::deque<std::string> lines_;
};

}  // namespace xbuild::cli
