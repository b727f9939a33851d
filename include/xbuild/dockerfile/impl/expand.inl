// Implementation of xbuild/dockerfile/expand.hpp. The structure follows BuildKit's shell/lex.go
// (processStopOn, processDollar, processSingleQuote, processDoubleQuote) so that its quirks
// carry over; patterns run on a small leftmost-first NFA, which is what Go's regexp does with
// the regular expression BuildKit builds from them.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <set>
#include <utility>

#include "text.inl"

namespace xbuild::dockerfile {

namespace detail {

// Substitutions nest at most this deep (${a:-${b:-...}}): the lexer recurses on them.
inline constexpr int kMaxExpandDepth = 64;

// Characters are runes as Go steps through text (an invalid byte is one of its own) and white
// space is Go's unicode.IsSpace, so a no-break space splits words too: the parser's helpers.
using df::rune_len;

inline bool is_space_char(std::string_view ch) { return !ch.empty() && df::space_len(ch, 0) == ch.size(); }

inline std::vector<std::string_view> utf8_chars(std::string_view s) {
    std::vector<std::string_view> out;
    for (std::size_t i = 0; i < s.size();) {
        const std::size_t n = rune_len(s, i);
        out.push_back(s.substr(i, n));
        i += n;
    }
    return out;
}

// BuildKit's wordsStruct: characters from the text and from unquoted expansions split on
// white space, quoted text and escaped characters never do.
class WordSplitter {
   public:
    void add_char(std::string_view ch) {
        if (!is_space_char(ch)) {
            add_raw(ch);
        } else if (in_word_ && !word_.empty()) {
            words_.push_back(std::move(word_));
            word_.clear();
            in_word_ = false;
        }
    }
    void add_raw(std::string_view s) {
        word_ += s;
        in_word_ = true;
    }
    void add_expanded(std::string_view s) {
        for (std::size_t i = 0; i < s.size();) {
            const std::size_t n = rune_len(s, i);
            add_char(s.substr(i, n));
            i += n;
        }
    }
    std::vector<std::string> finish() {
        if (!word_.empty()) words_.push_back(std::move(word_));
        return std::move(words_);
    }

   private:
    std::vector<std::string> words_;
    std::string word_;
    bool in_word_ = false;
};

// A ${name#pat} pattern: literal characters, ? (one character) and * (any run), where neither
// wildcard matches a newline (they become . and .* in BuildKit's Go regexp).
struct GlobToken {
    enum Kind { Literal, Any, Star } kind;
    std::string_view text;  // the character, for Literal
};

// BuildKit's convertShellPatternToRegex: \ escapes only * ? \ (and drops before } and /, which
// needed it inside ${}); it is always the backslash, whatever the escape directive says.
// Runs of * are one * (same matches, and it keeps the matcher small). Throws the reason.
inline std::vector<GlobToken> compile_glob(std::string_view pat) {
    std::vector<GlobToken> toks;
    for (std::size_t i = 0; i < pat.size();) {
        const char c = pat[i];
        if (c == '*') {
            if (toks.empty() || toks.back().kind != GlobToken::Star) toks.push_back({GlobToken::Star, {}});
            ++i;
            continue;
        }
        if (c == '?') {
            toks.push_back({GlobToken::Any, {}});
            ++i;
            continue;
        }
        if (c == '\\') {
            if (i + 1 < pat.size() && (pat[i + 1] == '}' || pat[i + 1] == '/')) {
                ++i;
                continue;
            }
            if (i + 1 >= pat.size()) throw ExpandError("invalid escape '\\' at the end");
            const std::size_t n = rune_len(pat, i + 1);
            const char e = pat[i + 1];
            if (e != '*' && e != '?' && e != '\\')
                throw ExpandError("invalid escape '\\" + std::string(pat.substr(i + 1, n)) + "'");
            toks.push_back({GlobToken::Literal, pat.substr(i + 1, 1)});
            i += 2;
            continue;
        }
        const std::size_t n = rune_len(pat, i);
        toks.push_back({GlobToken::Literal, pat.substr(i, n)});
        i += n;
    }
    return toks;
}

inline bool glob_token_matches(const GlobToken& t, std::string_view ch) {
    return t.kind == GlobToken::Literal ? ch == t.text : ch != "\n";
}

// The match Go's regexp (leftmost-first, like Perl) finds for the pattern in chars[from..]:
// greedy makes * prefer longer runs, anchored requires the match to start at `from`. A Pike VM
// over the tokens: time O(chars x tokens), no backtracking. Returns [start, end) in characters.
inline std::optional<std::pair<std::size_t, std::size_t>> glob_find(const std::vector<GlobToken>& toks,
                                                                    const std::vector<std::string_view>& chars,
                                                                    std::size_t from, bool greedy, bool anchored) {
    const std::size_t n = chars.size();
    std::size_t fixed = 0;  // characters any match consumes besides the stars
    for (const GlobToken& t : toks) fixed += t.kind != GlobToken::Star;
    if (from > n || fixed > n - from) return std::nullopt;

    // A thread is a position in the pattern (toks.size() = matched) and where its match started.
    struct Thread {
        std::size_t pc, start;
    };
    const std::size_t match_pc = toks.size();
    std::vector<std::size_t> seen(match_pc + 1, 0);
    std::size_t generation = 1;
    const auto add = [&](std::vector<Thread>& list, std::size_t pc, std::size_t start) {
        const auto push = [&](std::size_t p) {
            if (seen[p] == generation) return;
            seen[p] = generation;
            list.push_back({p, start});
        };
        if (pc == match_pc || toks[pc].kind != GlobToken::Star) {
            push(pc);
            return;
        }
        // A star either takes one more character (its own thread) or is done; the next token is
        // never a star, so this closure is complete. Order is priority.
        if (seen[pc] == generation) return;
        seen[pc] = generation;
        if (greedy) list.push_back({pc, start});
        push(pc + 1);
        if (!greedy) list.push_back({pc, start});
    };

    std::optional<std::pair<std::size_t, std::size_t>> found;
    std::vector<Thread> current, next;
    for (std::size_t pos = from;; ++pos) {
        if (!found && (pos == from || !anchored)) add(current, 0, pos);
        if (current.empty()) break;
        ++generation;
        next.clear();
        for (const Thread& t : current) {
            if (t.pc == match_pc) {
                found = std::make_pair(t.start, pos);
                break;  // the remaining threads have lower priority
            }
            if (pos < n && glob_token_matches(toks[t.pc], chars[pos]))
                add(next, toks[t.pc].kind == GlobToken::Star ? t.pc : t.pc + 1, t.start);
        }
        std::swap(current, next);
        if (pos >= n) break;
    }
    return found;
}

// The byte offset of character i of s (chars are views into s).
inline std::size_t char_offset(std::string_view s, const std::vector<std::string_view>& chars, std::size_t i) {
    return i < chars.size() ? static_cast<std::size_t>(chars[i].data() - s.data()) : s.size();
}

class Lexer {
   public:
    Lexer(std::string_view in, const VarLookup& vars, const ExpandOptions& opt, std::vector<std::string>* refs)
        : in_(in), vars_(vars), opt_(opt), refs_(refs) {}

    std::string run(WordSplitter* words) {
        bool closed = false;
        return until(-1, opt_.raw_escapes, words, closed);
    }

   private:
    std::string_view in_;
    const VarLookup& vars_;
    const ExpandOptions& opt_;
    std::vector<std::string>* refs_;  // referenced_variables collects names here
    std::set<std::string, std::less<>> seen_refs_;
    std::size_t pos_ = 0;
    int depth_ = 0;

    bool at_end() const { return pos_ >= in_.size(); }
    int peek() const { return at_end() ? -1 : static_cast<unsigned char>(in_[pos_]); }

    // in_[from, to) for a message, shortened when long.
    std::string excerpt(std::size_t from, std::size_t to) const {
        constexpr std::size_t max = 60;
        to = std::min(to, in_.size());
        std::string_view s = in_.substr(from, to - from);
        if (s.size() <= max) return std::string(s);
        std::size_t cut = max - 3;
        while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
        return std::string(s.substr(0, cut)) + "...";
    }
    // Where the first } at or after `from` ends (or the end), to quote a whole substitution.
    std::size_t brace_end(std::size_t from) const {
        const std::size_t close = in_.find('}', from);
        return close == std::string_view::npos ? in_.size() : close + 1;
    }

    void append(std::string& out, std::string_view s) const {
        if (s.size() > opt_.max_length || out.size() > opt_.max_length - s.size())
            throw ExpandError("expansion longer than " + std::to_string(opt_.max_length) + " bytes");
        out += s;
    }

    void note(const std::string& name) {
        if (!refs_ || name.empty() || seen_refs_.count(name)) return;
        seen_refs_.insert(name);
        refs_->push_back(name);
    }
    std::optional<std::string> get(const std::string& name) const {
        if (name.empty() || !vars_) return std::nullopt;
        return vars_(name);
    }

    // processStopOn: text up to `stop` (consumed; -1 = the end). `raw` keeps escape chars, for
    // patterns. `closed` tells whether `stop` was found.
    std::string until(int stop, bool raw, WordSplitter* words, bool& closed) {
        std::string out;
        closed = false;
        while (!at_end()) {
            const char c = in_[pos_];
            if (stop >= 0 && peek() == stop) {
                ++pos_;
                closed = true;
                return out;
            }
            if (c == '$') {
                const std::string v = dollar();
                append(out, v);
                if (words) words->add_expanded(v);
                continue;
            }
            if (c == '\'' || c == '"') {
                const std::string v = c == '\'' ? single_quote() : double_quote(raw);
                append(out, v);
                if (words) words->add_raw(v);
                continue;
            }
            if (c == opt_.escape) {
                ++pos_;
                if (raw) {
                    append(out, std::string_view(&opt_.escape, 1));
                    if (words) words->add_raw(std::string_view(&opt_.escape, 1));
                }
                if (at_end()) break;  // a trailing escape is dropped
                const std::string_view ch = in_.substr(pos_, rune_len(in_, pos_));
                pos_ += ch.size();
                append(out, ch);
                if (words) words->add_raw(ch);
                continue;
            }
            const std::string_view ch = in_.substr(pos_, rune_len(in_, pos_));
            pos_ += ch.size();
            append(out, ch);
            if (words) words->add_char(ch);
        }
        return out;
    }

    // until() for the parts of ${...} that start at `start`: running out of input, whatever the
    // error on the way, means the substitution is not closed.
    std::string part(int stop, bool raw, std::size_t start) {
        bool closed = false;
        std::string s;
        try {
            s = until(stop, raw, nullptr, closed);
        } catch (const ExpandError&) {
            if (!at_end()) throw;
        }
        if (!closed)
            throw ExpandError("missing '" + std::string(1, static_cast<char>(stop)) + "' in '" +
                              excerpt(start, in_.size()) + "'");
        return s;
    }

    std::string single_quote() {
        const std::size_t start = pos_++;
        const std::size_t close = in_.find('\'', pos_);
        if (close == std::string_view::npos)
            throw ExpandError("unexpected end of statement while looking for matching single-quote in '" +
                              excerpt(start, in_.size()) + "'");
        pos_ = close + 1;
        if (opt_.raw_quotes) return std::string(in_.substr(start, close + 1 - start));
        return std::string(in_.substr(start + 1, close - start - 1));
    }

    std::string double_quote(bool raw) {
        const std::size_t start = pos_++;
        std::string out;
        if (opt_.raw_quotes) out += '"';
        for (;;) {
            if (at_end())
                throw ExpandError("unexpected end of statement while looking for matching double-quote in '" +
                                  excerpt(start, in_.size()) + "'");
            const char c = in_[pos_];
            if (c == '"') {
                ++pos_;
                if (opt_.raw_quotes) out += '"';
                return out;
            }
            if (c == '$') {
                append(out, dollar());
                continue;
            }
            ++pos_;
            if (c == opt_.escape && !at_end()) {
                const char e = in_[pos_];
                if (e == '"' || e == '$' || e == opt_.escape) {
                    if (raw || opt_.raw_escapes) append(out, std::string_view(&opt_.escape, 1));
                    append(out, std::string_view(&e, 1));
                    ++pos_;
                    continue;
                }
            }
            // Any other escape stays, with the character after it read normally (with RawEscapes
            // BuildKit writes it twice: once as kept, once as not escaping).
            if (c == opt_.escape && opt_.raw_escapes) append(out, std::string_view(&c, 1));
            append(out, std::string_view(&c, 1));
        }
    }

    // processName: a name, a run of digits, or one special parameter; "" when none.
    std::string name() {
        const std::size_t start = pos_;
        const auto is_digit = [](int c) { return c >= '0' && c <= '9'; };
        const auto is_name = [&](int c) {
            return c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || is_digit(c);
        };
        const int first = peek();
        if (is_digit(first)) {
            while (is_digit(peek())) ++pos_;
        } else if (first >= 0 && std::string_view("@*#?-$!").find(static_cast<char>(first)) != std::string_view::npos) {
            ++pos_;
        } else {
            while (is_name(peek())) ++pos_;
        }
        return std::string(in_.substr(start, pos_ - start));
    }

    // processDollar, at a $.
    std::string dollar() {
        const std::size_t start = pos_++;
        if (peek() != '{') {
            const std::string n = name();
            if (n.empty()) return "$";
            note(n);
            std::optional<std::string> v = get(n);
            if (!v && opt_.skip_unset_env) return "$" + n;
            return v ? std::move(*v) : std::string();
        }
        ++pos_;
        if (at_end()) throw ExpandError("missing '}' in '" + excerpt(start, in_.size()) + "'");
        if (peek() == '{' || peek() == '}' || peek() == ':')
            throw ExpandError("bad substitution '" + excerpt(start, brace_end(start)) + "'");
        if (depth_ >= kMaxExpandDepth)
            throw ExpandError("substitutions nested more than " + std::to_string(kMaxExpandDepth) + " deep in '" +
                              excerpt(start, in_.size()) + "'");
        ++depth_;
        struct Leave {
            int& d;
            ~Leave() { --d; }
        } leave {depth_};

        const std::string n = name();
        note(n);
        if (at_end()) throw ExpandError("missing '}' in '" + excerpt(start, in_.size()) + "'");
        const std::size_t mod_at = pos_;
        char op = in_[pos_];
        pos_ += rune_len(in_, pos_);
        // The modifier is the character after the name, and the next one after a ':'.
        const auto unsupported = [&](std::size_t mod_end, std::size_t to) {
            return ExpandError("unsupported modifier '" + std::string(in_.substr(mod_at, mod_end - mod_at)) + "' in '" +
                               excerpt(start, to) + "'");
        };

        if (op == '}') {
            std::optional<std::string> v = get(n);
            if (!v && opt_.skip_unset_env) return "${" + n + "}";
            return v ? std::move(*v) : std::string();
        }
        if (op == '/') return replace(start, n);
        if (op != ':' && op != '-' && op != '+' && op != '?' && op != '#' && op != '%')
            throw unsupported(pos_, brace_end(mod_at));

        // BuildKit reads the character after ':' whatever it is (even '}') and only then checks it.
        const bool null_is_unset = op == ':';
        if (null_is_unset) {
            if (at_end()) throw ExpandError("missing '}' in '" + excerpt(start, in_.size()) + "'");
            op = in_[pos_];
            pos_ += rune_len(in_, pos_);
        }
        const bool is_pattern = op == '#' || op == '%';
        if (null_is_unset && is_pattern) throw unsupported(pos_, brace_end(pos_));
        const std::size_t mod_end = pos_;
        const std::string modifier(in_.substr(mod_at, mod_end - mod_at));
        std::string word = part('}', is_pattern, start);

        std::optional<std::string> v = get(n);
        if (!v && opt_.skip_unset_env) return "${" + n + modifier + word + "}";
        const bool empty = !v || (null_is_unset && v->empty());
        switch (op) {
            case '-': return empty ? word : std::move(*v);
            case '+': return empty ? std::string() : word;
            case '?':
                if (empty) {
                    if (word.empty()) word = v ? "is not allowed to be empty" : "is not allowed to be unset";
                    throw ExpandError(n + ": " + word);
                }
                return std::move(*v);
            case '#':
            case '%': {
                // One more # or % (after expansion, as in BuildKit) asks for the longest match.
                const bool greedy = !word.empty() && word[0] == op;
                if (greedy) word.erase(0, 1);
                return trim(start, v ? *v : std::string(), word, op == '%', greedy);
            }
            default: throw unsupported(mod_end, pos_);
        }
    }

    std::vector<GlobToken> glob(std::size_t start, std::string_view pat) const {
        try {
            return compile_glob(pat);
        } catch (const ExpandError& e) {
            throw ExpandError("invalid pattern '" + std::string(pat) + "' in '" + excerpt(start, pos_) +
                              "': " + e.what());
        }
    }

    // ${v#pat} ${v##pat} ${v%pat} ${v%%pat}. BuildKit matches a suffix by reversing the value and
    // the pattern and matching a prefix; so does this.
    std::string trim(std::size_t start, const std::string& value, std::string_view pat, bool suffix, bool greedy) {
        std::vector<GlobToken> toks = glob(start, pat);
        std::vector<std::string_view> chars = utf8_chars(value);
        if (suffix) {
            std::reverse(toks.begin(), toks.end());
            std::reverse(chars.begin(), chars.end());
        }
        const auto m = glob_find(toks, chars, 0, greedy, true);
        if (!m) return value;
        if (suffix) {
            // chars is reversed: the match covers the last m->second characters.
            const std::size_t keep = chars.size() - m->second;
            std::reverse(chars.begin(), chars.end());
            return value.substr(0, char_offset(value, chars, keep));
        }
        return value.substr(char_offset(value, chars, m->second));
    }

    // ${v/pat/repl} and ${v//pat/repl}, after the first '/'. Matches as Go's regexp
    // ReplaceAllString does: leftmost-longest, an empty match right after a match is skipped.
    std::string replace(std::size_t start, const std::string& n) {
        const bool all = peek() == '/';
        if (all) ++pos_;
        const std::string pat = part('/', true, start);
        const std::string repl = part('}', false, start);
        std::optional<std::string> v = get(n);
        if (!v && opt_.skip_unset_env) return "${" + n + (all ? "//" : "/") + pat + "/" + repl + "}";
        const std::vector<GlobToken> toks = glob(start, pat);
        const std::string value = v ? std::move(*v) : std::string();
        const std::vector<std::string_view> chars = utf8_chars(value);
        std::string out;
        std::size_t last = 0, search = 0;
        while (search <= chars.size()) {
            const auto m = glob_find(toks, chars, search, true, false);
            if (!m) break;
            append(out, std::string_view(value).substr(
                            char_offset(value, chars, last),
                            char_offset(value, chars, m->first) - char_offset(value, chars, last)));
            if (m->second > last || m->first == 0) append(out, repl);
            last = m->second;
            search = search + 1 > m->second ? search + 1 : m->second;
            if (!all) break;
        }
        append(out, std::string_view(value).substr(char_offset(value, chars, last)));
        return out;
    }
};

}  // namespace detail

inline std::string expand_word(std::string_view word, const VarLookup& vars, const ExpandOptions& opt) {
    return detail::Lexer(word, vars, opt, nullptr).run(nullptr);
}

inline std::vector<std::string> expand_words(std::string_view text, const VarLookup& vars, const ExpandOptions& opt) {
    detail::WordSplitter words;
    detail::Lexer(text, vars, opt, nullptr).run(&words);
    return words.finish();
}

inline std::vector<std::string> referenced_variables(std::string_view word, const ExpandOptions& opt) {
    // Nothing set and unset names kept as text: every name is seen, no ${x?} error, no pattern
    // is applied, and the text never grows much past the input.
    ExpandOptions o = opt;
    o.skip_unset_env = true;
    o.max_length = std::numeric_limits<std::size_t>::max();
    std::vector<std::string> refs;
    const VarLookup none;
    detail::Lexer(word, none, o, &refs).run(nullptr);
    return refs;
}

}  // namespace xbuild::dockerfile
