// xx-windres: GNU windres for the target, over llvm-rc and llvm-cvtres; a drop-in for the xx
// shell helper of the same name.
//
//   xx-windres [OPTION...] [INPUT [OUTPUT]]        (-i INPUT, -o OUTPUT; -h lists the options)
//   TARGETPLATFORM=windows/amd64 xx-windres -i app.rc -o app.syso   # a COFF object for x86-64
//   xx-windres -D VERSION=2 app.rc app.res                           # compiled resources only
//
// An .rc input goes through the C preprocessor (--preprocessor, else $CC, else clang, else gcc)
// with RC_INVOKED=1, then llvm-rc; llvm-cvtres makes the COFF object for the machine that -F
// names (a BFD target such as pe-x86-64, or a triple; default: the target's `xx-info` triple).
// Test hooks, as in the shell helper: XX_WINDRES_DRYRUN=1 prints the commands instead of running
// them, XX_TMP_FILE_FIXED=PATH names the temporary files PATH, PATH_, PATH__, ...
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "helpers.hpp"
#include "xbuild/process.hpp"
#include "xbuild/strings.hpp"
#include "xbuild/target_env.hpp"

namespace xbuild::xx {

namespace {

namespace fs = std::filesystem;

constexpr const char* usage_text =
    "Usage: xx-windres [option...] [input-file] [output-file]\n"
    "  -i/--input=FILE, -o/--output=FILE     default: standard input, standard output\n"
    "  -J/--input-format=rc|res, -O/--output-format=coff|res   default: res for *.res, else rc, coff\n"
    "  -F/--target=pe-x86-64|pe-i386|pe-arm|pe-aarch64|TRIPLE  default: the target's, as xx-info\n"
    "  --preprocessor=PROGRAM (default: $CC, else clang, else gcc) and its arguments:\n"
    "    --preprocessor-arg=ARG, -I/--include-dir=DIR, -D/--define=SYM[=VAL], -U/--undefine=SYM\n"
    "  -l/--language=LANG, -c/--codepage=CP  llvm-rc's -L, -C\n"
    "  -r, -v, --verbose, --use-temp-file, --no-use-temp-file   ignored\n"
    "  -h/--help, -V/--version. Needs llvm-rc (rc input), llvm-cvtres (coff output): package llvm\n";

struct Options {
    std::string input, output, input_format, output_format, target, preprocessor;
    std::vector<std::string> cpp_args, rc_args;
};

// An option with a value: it sets a field, or adds the value (after `flag`, or joined to it) to
// the preprocessor's or llvm-rc's arguments, in the order given.
struct ValueOption {
    char short_name;  // '\0': long form only
    std::string_view long_name;
    std::string Options::*field = nullptr;
    std::vector<std::string> Options::*list = nullptr;
    std::string_view flag = "";
    bool joined = false;
};
constexpr ValueOption value_options[] = {
    {'i', "input", &Options::input},
    {'o', "output", &Options::output},
    {'J', "input-format", &Options::input_format},
    {'O', "output-format", &Options::output_format},
    {'F', "target", &Options::target},
    {'\0', "preprocessor", &Options::preprocessor},
    {'\0', "preprocessor-arg", nullptr, &Options::cpp_args},
    {'I', "include-dir", nullptr, &Options::cpp_args, "-I", true},
    {'\0', "include-path", nullptr, &Options::cpp_args, "-I", true},
    {'D', "define", nullptr, &Options::cpp_args, "-D"},
    {'U', "undefine", nullptr, &Options::cpp_args, "-U"},
    {'l', "language", nullptr, &Options::rc_args, "-L"},
    {'c', "codepage", nullptr, &Options::rc_args, "-C"},
};

// The option `a` names, with its value when given in the same word (-ofile, --output=file).
const ValueOption* find_option(const std::string& a, std::optional<std::string>& value) {
    for (const ValueOption& v : value_options) {
        if (a[1] == '-') {
            const std::string_view name = std::string_view(a).substr(2);
            if (name == v.long_name) return &v;
            if (name.starts_with(v.long_name) && name[v.long_name.size()] == '=') {
                value = std::string(name.substr(v.long_name.size() + 1));
                return &v;
            }
        } else if (a[1] == v.short_name) {
            if (a.size() > 2) value = a.substr(2);
            return &v;
        }
    }
    return nullptr;
}

// Options may follow the file names, as GNU windres (getopt) allows; "--" ends them. Mistakes
// throw std::invalid_argument worded as the shell helper words them (its tests compare the text).
// Returns an exit status when the command is done (--help, --version).
std::optional<int> parse(Args args, Options& o, std::vector<std::string>& files) {
    for (std::size_t k = 0; k < args.size(); ++k) {
        const std::string a = args[k];
        if (a == "--") {
            files.insert(files.end(), args.begin() + std::ptrdiff_t(k) + 1, args.end());
            break;
        }
        if (a == "-h" || a == "--help") return std::fputs(usage_text, stderr), 0;
        if (a == "-V" || a == "--version") return std::puts("xx-windres 0.1"), 0;
        if (a == "-r" || a == "-v" || a == "--verbose" || a == "--use-temp-file" || a == "--no-use-temp-file") continue;
        if (a.size() < 2 || a[0] != '-') {
            files.push_back(a);
            continue;
        }
        std::optional<std::string> value;
        const ValueOption* v = find_option(a, value);
        if (!v) throw std::invalid_argument("invalid option " + a);
        if (!value && (k + 1 >= args.size() || *args[k + 1] == '\0'))
            throw std::invalid_argument("error: argument to " + a + " is missing");
        if (!value) value = args[++k];
        if (v->field) o.*v->field = *value;
        else if (v->joined) (o.*v->list).push_back(std::string(v->flag) + *value);
        else if (v->flag.empty()) (o.*v->list).push_back(*value);
        else (o.*v->list).insert((o.*v->list).end(), {std::string(v->flag), *value});
    }
    return std::nullopt;
}

// Lower case, '_' as '-': so that pe-x86-64 and x86_64 meet.
std::string dashed(std::string_view s) {
    std::string out = xbuild::to_lower(s);
    std::replace(out.begin(), out.end(), '_', '-');
    return out;
}

// True when `name` starts one of the '-' separated parts of `s`.
bool starts_a_part(const std::string& s, const std::string& name) {
    for (std::size_t p = 0;; ++p) {
        if (s.compare(p, name.size(), name) == 0) return true;
        if ((p = s.find('-', p)) == std::string::npos) return false;
    }
}

// The windows row a BFD target (pe-x86-64, pe-i386, pei-aarch64-little) or a triple
// (x86_64-w64-mingw32, armv7a-...) names: the longest CPU name of a windows row, or of its linux
// twin (which keeps the aliases: i586, armhf, ...), that starts one of its parts. Prefixes, as
// the shell helper's `arm*`: armv6 and armv7a mean 32-bit ARM too.
const xbuild::Target* windows_row(std::string_view spec) {
    const std::string s = dashed(spec);
    const xbuild::Target* best = nullptr;
    std::size_t best_len = 0;
    for (const xbuild::Target& t : xbuild::targets()) {
        if (t.os != "windows") continue;
        const xbuild::Target* twin = xbuild::find_target("linux", t.arch, t.variant);
        const xbuild::Target& n = twin ? *twin : t;
        for (std::string_view list :
             {t.triple_arch, n.arch, n.uname, n.uname_aliases, n.arch_aliases, n.triple_arch, n.triple_arch_alpine})
            for (std::string_view word : xbuild::split(list, ' '))
                if (const std::string name = dashed(word); name.size() > best_len && starts_a_part(s, name))
                    best = &t, best_len = name.size();
    }
    return best;
}

// dirname(1): the folder llvm-rc searches for the files the resources name.
std::string dirname_of(std::string path) {
    while (path.size() > 1 && path.back() == '/') path.pop_back();
    const auto slash = path.rfind('/');
    if (slash == std::string::npos) return ".";
    path.resize(slash);
    while (path.size() > 1 && path.back() == '/') path.pop_back();
    return path.empty() ? "/" : path;
}

volatile std::sig_atomic_t caught_signal = 0;
extern "C" void on_signal(int sig) { caught_signal = sig; }

// The files of one run that must not outlive it: the temporaries (in a private mkdtemp folder, or
// XX_TMP_FILE_FIXED with '_' appended per name: the shell helper's test hook), and the output
// under a temporary name beside it until commit() renames it into place, whole.
class Scratch {
   public:
    explicit Scratch(bool dry) : dry_(dry) {}
    ~Scratch() {
        std::error_code ec;
        for (const std::string& f : files_) ::unlink(f.c_str());
        if (!dir_.empty()) fs::remove_all(dir_, ec);
    }
    std::string next(std::string_view name) {
        if (const char* fixed = std::getenv("XX_TMP_FILE_FIXED"); fixed && *fixed) {
            std::string path = fixed + std::string(fixed_used_++, '_');
            if (!dry_) files_.push_back(path);  // a dry run creates nothing, so removes nothing
            return path;
        }
        if (dir_.empty()) {
            const char* tmp = std::getenv("TMPDIR");
            std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/xx-windres.XXXXXX";
            if (!::mkdtemp(pattern.data()))
                throw std::runtime_error("cannot make " + pattern + ": " + std::strerror(errno));
            dir_ = pattern;
        }
        return dir_ + "/" + std::string(name);
    }
    // Where the last step writes OUTPUT; OUTPUT itself when it is no regular file (/dev/stdout).
    std::string stage(const std::string& output) {
        struct stat st {};
        const bool exists = ::stat(output.c_str(), &st) == 0;
        if (dry_ || (exists && !S_ISREG(st.st_mode))) return output;
        dest_ = exists ? fs::canonical(output).string() : output;  // through a symlink, as cp writes
        const mode_t mask = ::umask(0);
        ::umask(mask);
        mode_ = exists ? st.st_mode & 07777 : 0666 & ~mask;
        std::string path = dirname_of(dest_) + "/." + fs::path(dest_).filename().string() + ".xx-windres-XXXXXX";
        const int fd = ::mkstemp(path.data());
        if (fd < 0) throw std::runtime_error("cannot write beside " + output + ": " + std::strerror(errno));
        ::close(fd);
        files_.push_back(staged_ = path);
        return path;
    }
    void commit() {
        if (staged_.empty()) return;
        if (::chmod(staged_.c_str(), mode_) != 0 || ::rename(staged_.c_str(), dest_.c_str()) != 0)
            throw std::runtime_error("cannot write " + dest_ + ": " + std::strerror(errno));
        std::erase(files_, staged_);
    }

   private:
    bool dry_;
    std::size_t fixed_used_ = 0;
    std::string dir_, dest_, staged_;
    mode_t mode_ = 0;
    std::vector<std::string> files_;
};

// Runs one command, or prints it (XX_WINDRES_DRYRUN): its exit status.
int step(const std::vector<std::string>& argv, bool dry) {
    if (dry) return std::puts(xbuild::join(argv, " ").c_str()), 0;
    const int status = caught_signal ? 0 : xbuild::run_program(argv);  // no new step once interrupted
    if (caught_signal) return 128 + caught_signal;
    if (status != 0) std::fprintf(stderr, "xx-windres: %s failed (exit status %d)\n", argv[0].c_str(), status);
    return status;
}

int convert(const Options& o, std::string_view machine, std::vector<std::string> cpp, bool dry, Scratch& scratch) {
    std::string res = o.input;
    if (o.input_format == "rc") {
        const std::string preprocessed = scratch.next("preprocessed.rc");
        cpp.insert(cpp.end(), {"-E", "-xc", "-D", "RC_INVOKED=1"});
        cpp.insert(cpp.end(), o.cpp_args.begin(), o.cpp_args.end());
        cpp.insert(cpp.end(), {"-o", preprocessed, o.input});
        if (int status = step(cpp, dry)) return status;
        res = scratch.next("resources.res");
        std::vector<std::string> rc = {"llvm-rc"};
        rc.insert(rc.end(), o.rc_args.begin(), o.rc_args.end());
        rc.insert(rc.end(), {"-fo", res, "-I", dirname_of(o.input), preprocessed});
        if (int status = step(rc, dry)) return status;
    }
    const std::string out = scratch.stage(o.output);
    const int status = o.output_format == "res"
                           ? step({"cp", res, out}, dry)
                           : step({"llvm-cvtres", "-machine:" + std::string(machine), "-out:" + out, res}, dry);
    if (status == 0) scratch.commit();
    return status;
}

int fail(const std::string& message) {
    std::fprintf(stderr, "%s\n", message.c_str());
    return 1;
}

}  // namespace

int windres_main(std::string_view, Args args) {
    Options o;
    std::vector<std::string> files;
    try {
        if (auto done = parse(args, o, files)) return *done;
    } catch (const std::invalid_argument& e) { return fail(e.what()); }
    // As GNU windres: the names fill what -i and -o left open (the shell helper skips empty ones).
    std::erase(files, "");
    for (std::string* slot : {&o.input, &o.output})
        if (slot->empty() && !files.empty()) {
            *slot = files.front();
            files.erase(files.begin());
        }
    if (!files.empty()) return fail("too many arguments");
    try {
        if (o.target.empty()) o.target = xbuild::TargetEnv::from_process().triple();
    } catch (const xbuild::UnsupportedTarget& e) { return fail(e.what()); }
    if (o.input.empty()) o.input = "/dev/stdin";
    if (o.output.empty()) o.output = "/dev/stdout";
    if (o.input_format.empty()) o.input_format = o.input.ends_with(".res") ? "res" : "rc";
    if (o.input_format != "rc" && o.input_format != "res") return fail("invalid input format " + o.input_format);
    if (o.output_format.empty()) o.output_format = o.output.ends_with(".res") ? "res" : "coff";
    if (o.output_format != "coff" && o.output_format != "res") return fail("invalid output format " + o.output_format);
    const xbuild::Target* row = windows_row(o.target);
    const std::string_view machine = row ? row->coff_machine : std::string_view();
    if (machine.empty()) return fail("invalid target " + o.target + " for xx-windres");

    const char* dry_env = std::getenv("XX_WINDRES_DRYRUN");
    const bool dry = dry_env && *dry_env;
    std::string preprocessor = o.preprocessor;
    std::vector<std::string> cpp;  // split at spaces, as GNU windres does: CC="zig cc" works
    if (o.input_format == "rc") {
        if (const char* cc = std::getenv("CC"); preprocessor.empty() && cc) preprocessor = cc;
        for (std::string_view word : xbuild::split(preprocessor, ' '))
            if (!word.empty()) cpp.emplace_back(word);
        if (cpp.empty()) cpp = {xbuild::find_program("clang") ? "clang" : "gcc"};
        if (!xbuild::find_program("llvm-rc")) return fail("llvm-rc not installed (it is in the llvm package)");
        if (!dry && !xbuild::find_program(cpp[0]))
            return fail("xx-windres: preprocessor " + cpp[0] +
                        " not found: name one with --preprocessor or CC, or install clang or gcc");
    }
    if (o.output_format == "coff" && !xbuild::find_program("llvm-cvtres"))
        return fail("llvm-cvtres not installed (it is in the llvm package)");

    // Interrupted: the step under way ends (the terminal signals it too), the scratch files go,
    // then this process dies of the same signal. Signals ignored by whoever started us stay so.
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
        struct sigaction old {
        }, sa {};
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        if (::sigaction(sig, nullptr, &old) == 0 && old.sa_handler != SIG_IGN) ::sigaction(sig, &sa, nullptr);
    }
    int status = 1;
    try {
        Scratch scratch(dry);
        status = convert(o, machine, std::move(cpp), dry, scratch);
    } catch (const std::exception& e) { std::fprintf(stderr, "xx-windres: %s\n", e.what()); }
    if (caught_signal) {
        std::signal(caught_signal, SIG_DFL);
        std::raise(caught_signal);
    }
    return status;
}

}  // namespace xbuild::xx
