// xbuild's BuildKit gateway frontend: BuildKit runs it as the image named by a Dockerfile's
// `# syntax=` line and talks gRPC to it over its stdin/stdout (the LLBBridge service). It reads
// the Dockerfile from the client's session, rewrites it (rewrite_hook.hpp), and forwards the
// build to the engine's own Dockerfile frontend, dockerfile.v0, with the rewritten text as its
// `dockerfile` input and the build's options unchanged; the result goes back as it came.
// Errors go back through Return, so that the user sees them in the build output (this
// program's stderr only reaches the daemon's log).

#include <grpcpp/create_channel_posix.h>
#include <grpcpp/grpcpp.h>

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <thread>

#include "gateway.grpc.pb.h"
#include "llb.hpp"
#include "rewrite_hook.hpp"
#include "status.pb.h"

extern char** environ;

namespace gw = moby::buildkit::v1::frontend;

namespace xbuild::frontend {
namespace {

void log(const std::string& msg) { std::fprintf(stderr, "xbuild-frontend: %s\n", msg.c_str()); }

// A failure to report to the user: a gRPC status (the engine's own, with its details, when a
// call failed).
struct Failure {
    google::rpc::Status status;
};

[[noreturn]] void fail(grpc::StatusCode code, const std::string& message) {
    Failure f;
    f.status.set_code(code);
    f.status.set_message(message);
    throw f;
}

// A failed call: the engine's google.rpc.Status from the error details when it sent one (it
// carries BuildKit's typed details, such as the Dockerfile line of a parse error), else the code
// and message; `what` prefixes the message.
[[noreturn]] void fail_call(const std::string& what, const grpc::Status& s) {
    Failure f;
    if (!s.error_details().empty() && f.status.ParseFromString(s.error_details()) && !f.status.message().empty()) {
        f.status.set_message(what + ": " + f.status.message());
    } else {
        f.status.Clear();
        f.status.set_code(s.error_code());
        f.status.set_message(what + ": " + s.error_message());
    }
    throw f;
}

std::map<std::string, std::string> frontend_options() {
    std::map<std::string, std::string> opts;
    const std::string prefix = "BUILDKIT_FRONTEND_OPT_";
    for (char** e = environ; *e; ++e) {
        std::string kv(*e);
        if (kv.rfind(prefix, 0) != 0) continue;
        auto eq = kv.find('=');  // BUILDKIT_FRONTEND_OPT_<i>=
        if (eq == std::string::npos) continue;
        auto opt = kv.substr(eq + 1);  // key=value
        auto eq2 = opt.find('=');
        if (eq2 == std::string::npos) opts[opt] = "";
        else opts[opt.substr(0, eq2)] = opt.substr(eq2 + 1);
    }
    return opts;
}

std::string env(const char* name) {
    const char* v = std::getenv(name);
    return v ? v : "";
}

// Copies from one fd to another until EOF or an error; then closes the write side.
void pump(int from, int to, bool shutdown_to) {
    char buf[65536];
    for (;;) {
        ssize_t n = read(from, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        for (ssize_t off = 0; off < n;) {
            ssize_t w = write(to, buf + off, n - off);
            if (w < 0 && errno == EINTR) continue;
            if (w <= 0) return;
            off += w;
        }
    }
    if (shutdown_to) shutdown(to, SHUT_WR);
    else close(to);
}

// The result's ref: Result.ref (allowResultReturn), else the old string forms.
std::string result_ref(const gw::SolveResponse& r) {
    if (r.has_result()) {
        if (r.result().has_ref()) return r.result().ref().id();
        if (!r.result().refdeprecated().empty()) return r.result().refdeprecated();
    }
    return r.ref();
}

class Frontend {
   public:
    explicit Frontend(std::shared_ptr<grpc::Channel> ch) : stub_(gw::LLBBridge::NewStub(ch)) {}

    void ping() {
        grpc::ClientContext ctx;
        gw::PingRequest req;
        gw::PongResponse pong;
        auto s = stub_->Ping(&ctx, req, &pong);
        if (!s.ok()) fail_call("ping", s);
        std::string caps;
        for (auto& c : pong.frontendapicaps())
            if (c.enabled()) caps += " " + c.id();
        log("engine caps:" + caps);
        // The worker's default platform: what a build without `platform` is for.
        if (pong.workers_size() > 0 && pong.workers(0).platforms_size() > 0) {
            const auto& p = pong.workers(0).platforms(0);
            default_platform_ = p.os() + "/" + p.architecture() + (p.variant().empty() ? "" : "/" + p.variant());
        }
    }

    gw::Result run() {
        auto opts = frontend_options();
        if (opts.count("context")) {
            // A tar or URL context is served once, to dockerfile.v0 directly; forwarding it needs the
            // frontend to unpack it itself (not done yet).
            fail(grpc::StatusCode::UNIMPLEMENTED,
                 "xbuild frontend: build contexts not sent through the session (a tar on stdin or a URL: context=" +
                     opts["context"] + ") are not supported yet");
        }
        std::string filename = opts.count("filename") && !opts["filename"].empty() ? opts["filename"] : "Dockerfile";
        while (filename.rfind("./", 0) == 0) filename.erase(0, 2);

        // 1. The Dockerfile, from the client's session.
        gw::SolveResponse src;
        {
            grpc::ClientContext ctx;
            gw::SolveRequest req;
            *req.mutable_definition() = dockerfile_source(env("BUILDKIT_SESSION_ID"), filename);
            req.set_allowresultreturn(true);
            req.set_allowresultarrayref(true);
            auto s = stub_->Solve(&ctx, req, &src);
            if (!s.ok()) fail_call("failed to load the Dockerfile " + filename, s);
        }
        gw::ReadFileResponse file;
        {
            grpc::ClientContext ctx;
            gw::ReadFileRequest req;
            req.set_ref(result_ref(src));
            req.set_filepath(filename);
            auto s = stub_->ReadFile(&ctx, req, &file);
            if (!s.ok()) fail_call("failed to read the Dockerfile " + filename, s);
        }

        // 2. The rewrite.
        RewriteResult result;
        try {
            result = rewrite_dockerfile(file.data(), opts, default_platform_);
        } catch (const std::exception& e) {
            fail(grpc::StatusCode::INVALID_ARGUMENT, std::string("xbuild: ") + e.what());
        }
        const xbuild::dockerfile::Rewritten& rewritten = result.rewritten;
        const std::string& text = rewritten.text;
        for (const auto& w : result.warnings) show_warning(warning_line(filename, w));

        // 3. The build by dockerfile.v0, with the original options: `cmdline` among them keeps it
        //    from following a `# syntax=` line back to this frontend.
        gw::SolveResponse res;
        {
            grpc::ClientContext ctx;
            gw::SolveRequest req;
            req.set_frontend("dockerfile.v0");
            req.mutable_frontendopt()->insert(opts.begin(), opts.end());
            (*req.mutable_frontendinputs())["dockerfile"] = single_file(filename, text);
            req.set_allowresultreturn(true);
            req.set_allowresultarrayref(true);
            auto s = stub_->Solve(&ctx, req, &res);
            if (!s.ok()) {
                // The engine names lines of the rewritten text: give the user theirs.
                try {
                    fail_call("xbuild", s);
                } catch (Failure& f) {
                    f.status.set_message(xbuild::frontend::map_lines(f.status.message(), rewritten));
                    throw;
                }
            }
        }
        if (res.has_result()) return res.result();
        gw::Result r;
        r.set_refdeprecated(res.ref());
        return r;
    }

    bool give_back(const gw::ReturnRequest& req) {
        grpc::ClientContext ctx;
        gw::ReturnResponse resp;
        auto s = stub_->Return(&ctx, req, &resp);
        if (!s.ok()) log("Return failed: " + s.error_message());
        return s.ok();
    }

   private:
    // A warning as a step of its own in the build's progress (llb.hpp: warning_vertex), run and
    // thrown away. It never fails the build: a failure only reaches the daemon's log.
    void show_warning(const std::string& line) {
        log(line);
        gw::SolveResponse res;
        {
            grpc::ClientContext ctx;
            gw::SolveRequest req;
            *req.mutable_definition() = warning_vertex(line);
            req.set_allowresultreturn(true);
            req.set_allowresultarrayref(true);
            req.set_evaluate(true);
            auto s = stub_->Solve(&ctx, req, &res);
            if (!s.ok()) return log("warning step: " + s.error_message());
        }
        // Engines older than the `evaluate` flag build a result only when it is read.
        grpc::ClientContext ctx;
        gw::ReadFileRequest req;
        gw::ReadFileResponse file;
        req.set_ref(result_ref(res));
        req.set_filepath("xbuild-warning");
        auto s = stub_->ReadFile(&ctx, req, &file);
        if (!s.ok()) log("warning step: " + s.error_message());
    }

    std::unique_ptr<gw::LLBBridge::Stub> stub_;
    std::string default_platform_;  // the worker's, "" when the engine did not say
};

// Serves one build: what main returns.
int serve() {
    // grpc++ takes one bidirectional fd; the engine gives two pipes. A socketpair joins them.
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
        log(std::string("socketpair: ") + std::strerror(errno));
        return 1;
    }
    std::thread(pump, 0, sv[1], true).detach();   // engine -> grpc
    std::thread(pump, sv[1], 1, false).detach();  // grpc -> engine

    grpc::ChannelArguments args;
    // BuildKit's error trailers (the details of a failed build) are far beyond gRPC's 8 KiB
    // default: over the limit, grpc++ answers RESOURCE_EXHAUSTED and drops the transport.
    args.SetInt(GRPC_ARG_MAX_METADATA_SIZE, 16 << 20);
    args.SetInt("grpc.absolute_max_metadata_size", 16 << 20);
    args.SetMaxReceiveMessageSize(-1);
    args.SetMaxSendMessageSize(-1);
    auto channel = grpc::CreateCustomInsecureChannelFromFd("buildkit-gateway", sv[0], args);

    Frontend fe(channel);
    gw::ReturnRequest ret;
    bool failed = false;
    try {
        fe.ping();
        *ret.mutable_result() = fe.run();
    } catch (const Failure& f) {
        *ret.mutable_error() = f.status;
        failed = true;
    } catch (const std::exception& e) {
        ret.mutable_error()->set_code(grpc::StatusCode::INTERNAL);
        ret.mutable_error()->set_message(std::string("xbuild frontend: ") + e.what());
        failed = true;
    }
    if (failed) log("build failed: " + ret.error().message());
    if (!fe.give_back(ret)) return 1;
    return 0;
}

}  // namespace
}  // namespace xbuild::frontend

int main() { return xbuild::frontend::serve(); }
