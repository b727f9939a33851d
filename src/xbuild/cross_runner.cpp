#include "cross_runner.hpp"

#include <poll.h>
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <deque>
#include <fstream>
#include <memory>
#include <optional>

#include "build_view.hpp"
#include "interrupt.hpp"
#include "xbuild/process.hpp"

namespace xbuild::cli {

namespace {

using Clock = std::chrono::steady_clock;
using xbuild::project::Step;

std::string variable(const std::vector<std::string>& env, std::string_view name) {
    std::string value;
    for (const std::string& e : env)
        if (e.size() > name.size() && e.compare(0, name.size(), name) == 0 && e[name.size()] == '=')
            value = e.substr(name.size() + 1);
    return value;
}

// argv[0] as the step's environment finds it: on its PATH (the tool folder first), or a path
// relative to the step's folder.
std::string program_of(const Step& step, const std::vector<std::string>& env) {
    const std::string& name = step.argv.front();
    if (name.find('/') != std::string::npos) return name.front() == '/' ? name : (step.cwd / name).string();
    if (auto found = find_program(name, variable(env, "PATH"))) return *found;
    throw ProcessError(name + ": command not found");
}

// One platform as it runs.
struct Running {
    std::size_t next_step = 0;
    std::optional<Process> child;
    std::unique_ptr<StopGroupOnInterrupt> guard;
    std::ofstream log;
    std::deque<std::string> tail;
    Clock::time_point started;
    bool active = false, finished = false;
};

}  // namespace

std::string describe_command(const std::vector<std::string>& argv, std::size_t max) {
    std::string text;
    for (std::size_t i = 0; i < argv.size(); i++) {
        std::string word = argv[i];
        if (i == 0 && word.find('/') != std::string::npos) word = word.substr(word.rfind('/') + 1);
        text += (i ? " " : "") + word;
    }
    return text.size() > max ? text.substr(0, max - 3) + "..." : text;
}

CrossRunner::CrossRunner(std::vector<PlatformJob> jobs, RunnerOptions options)
    : jobs_(std::move(jobs)), options_(std::move(options)) {}

std::vector<PlatformResult> CrossRunner::run(const std::function<std::string(std::size_t)>& finish) {
    std::vector<std::string> names;
    std::size_t width = 0;
    for (const auto& j : jobs_) {
        names.push_back(j.platform.str());
        width = std::max(width, names.back().size());
    }
    BuildView view(options_.progress, names);
    std::vector<PlatformResult> results(jobs_.size());
    std::vector<Running> state(jobs_.size());
    bool stopping = false;

    auto keep = [&](std::size_t i, const std::string& line) {
        Running& r = state[i];
        r.log << line << '\n';
        r.tail.push_back(line);
        if (r.tail.size() > options_.tail_lines) r.tail.pop_front();
        if (!view.tty()) {
            std::string name = names[i];
            name.resize(width, ' ');
            std::fprintf(stderr, "%s  | %s\n", name.c_str(), line.c_str());
        }
    };
    auto end_job = [&](std::size_t i, PlatformResult::State how, std::string message) {
        Running& r = state[i];
        r.active = false;
        r.finished = true;
        r.guard.reset();
        PlatformResult& res = results[i];
        res.state = how;
        res.message = std::move(message);
        res.seconds = std::chrono::duration<double>(Clock::now() - r.started).count();
        if (how == PlatformResult::State::failed) {
            res.tail.assign(r.tail.begin(), r.tail.end());
            r.log << "xbuild: " << res.message << '\n';
        }
        r.log.close();
        const char* word = how == PlatformResult::State::done     ? "done"
                           : how == PlatformResult::State::failed ? "FAILED"
                                                                  : "cancelled";
        char time[32];
        std::snprintf(time, sizeof time, " (%.1f s)", res.seconds);
        view.update(i, std::string(word) + time, false);
        if (how == PlatformResult::State::failed && options_.fail_fast) stopping = true;
    };
    // Starts job i's next step, skipping those whose condition fails; ends the job after its last.
    auto advance = [&](std::size_t i) {
        Running& r = state[i];
        const PlatformJob& job = jobs_[i];
        while (r.next_step < job.steps.size()) {
            if (interrupted()) return end_job(i, PlatformResult::State::cancelled, "interrupted");
            const Step& step = job.steps[r.next_step++];
            std::vector<std::string> env = job.env;
            env.insert(env.end(), step.env.begin(), step.env.end());
            try {
                if (!step.only_if.empty()) {
                    Process probe = Process::spawn(program_of({"", step.only_if, step.cwd, {}, {}}, env), step.only_if,
                                                   {.env_changes = env,
                                                    .in = Stdio::null,
                                                    .out = Stdio::null,
                                                    .err = Stdio::null,
                                                    .cwd = step.cwd.string()});
                    if (probe.wait() != 0) continue;
                }
                const std::string shown = step.name + ": " + describe_command(step.argv);
                r.log << "#### " << shown << "  (in " << step.cwd.string() << ")\n";
                r.log.flush();
                r.child = Process::spawn(program_of(step, env), step.argv,
                                         {.env_changes = env,
                                          .in = Stdio::null,
                                          .out = Stdio::pipe,
                                          .err = Stdio::to_stdout,
                                          .new_process_group = true,
                                          .cwd = step.cwd.string()});
                r.guard = std::make_unique<StopGroupOnInterrupt>(r.child->pid());
                view.update(i, shown, true);
                return;
            } catch (const ProcessError& e) {
                end_job(i, PlatformResult::State::failed, step.name + ": " + e.what());
                return;
            }
        }
        std::string problem;
        try {
            problem = finish(i);
        } catch (const std::exception& e) { problem = e.what(); }
        if (!problem.empty()) keep(i, "xbuild: " + problem);
        end_job(i, problem.empty() ? PlatformResult::State::done : PlatformResult::State::failed, problem);
    };
    auto start = [&](std::size_t i) {
        Running& r = state[i];
        r.active = true;
        r.started = Clock::now();
        r.log.open(jobs_[i].log, std::ios::trunc);
        advance(i);
    };

    std::size_t next = 0;
    for (;;) {
        std::size_t active = 0;
        for (const auto& r : state) active += r.active;
        while (!stopping && !interrupted() && active < std::max(1u, options_.jobs) && next < jobs_.size()) {
            start(next++);
            active += state[next - 1].active;
        }
        if (stopping)
            for (std::size_t i = 0; i < jobs_.size(); i++)
                if (state[i].active && state[i].child) state[i].child->signal(SIGTERM);
        if (active == 0) break;

        std::vector<pollfd> fds;
        std::vector<std::size_t> owners;
        for (std::size_t i = 0; i < jobs_.size(); i++)
            if (state[i].active && state[i].child && state[i].child->output_open()) {
                fds.push_back({state[i].child->out_fd(), POLLIN, 0});
                owners.push_back(i);
            }
        ::poll(fds.data(), fds.size(), 250);
        for (std::size_t k = 0; k < owners.size(); k++) {
            const std::size_t i = owners[k];
            Running& r = state[i];
            for (const std::string& line : r.child->read_lines()) keep(i, line);
            if (r.child->output_open()) continue;
            // Output closed: the step ended.
            const int status = r.child->wait();
            const Step& step = jobs_[i].steps[r.next_step - 1];
            r.child.reset();
            r.guard.reset();
            if (stopping) end_job(i, PlatformResult::State::cancelled, "stopped: another platform failed");
            else if (status != 0)
                end_job(
                    i, PlatformResult::State::failed,
                    step.name + ": " + describe_command(step.argv) + " exited with status " + std::to_string(status));
            else advance(i);
        }
        view.tick();
    }
    view.finish();
    return results;
}

}  // namespace xbuild::cli
