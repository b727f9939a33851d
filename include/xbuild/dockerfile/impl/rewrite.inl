// Implementation of xbuild/dockerfile/rewrite.hpp.
#pragma once

#include <algorithm>

namespace xbuild::dockerfile {

namespace detail {

// The helpers' stage goes in before stage `inserted_at`: `COPY --from=N` naming that stage or a
// later one by index must say N+1 to mean the same stage. (RUN --mount from= takes names only;
// ONBUILD's COPY runs in another build, with that build's stages.)
inline void renumber_stage_indexes(const Dockerfile& file, int inserted_at, int stages, std::vector<Edit>& edits) {
    for (const Instruction& in : file.instructions) {
        if (in.keyword != "COPY") continue;
        for (const Flag& flag : in.flags) {
            // An index as BuildKit reads one (strconv.Atoi: "+2" and "02" too); the whole flag
            // word is written anew, however it was quoted.
            const auto index = flag.name == "from" && flag.value ? stg::go_atoi(*flag.value) : std::nullopt;
            if (!index || *index < inserted_at || *index >= stages) continue;
            edits.push_back({flag.begin, flag.end, "--from=" + std::to_string(*index + 1),
                             "stage " + std::to_string(*index) + " is stage " + std::to_string(*index + 1) +
                                 " after the helpers' stage"});
        }
    }
}

}  // namespace detail

inline Rewritten rewrite(std::string_view text, const Dockerfile& file, const Plan& plan,
                         const RewriteOptions& options) {
    std::vector<Edit> edits;
    // First, so that its line comes before anything inserted at the same place.
    if (options.strip_syntax) {
        // Drop the syntax line, and close the directive block with an empty line instead: the
        // other directives (escape) still apply and every instruction keeps its line number.
        std::size_t after = 0;  // where the directive lines end
        for (const auto& d : file.directives) after = std::max(after, d.end);
        for (const auto& d : file.directives)
            if (d.name == "syntax") {
                edits.push_back({d.begin, d.end, "", "the loop guard: no syntax line", 0});
                edits.push_back({after, after, after > 0 && text[after - 1] != '\n' ? "\n\n" : "\n",
                                 "keeps the line numbers", d.line});
            }
    }
    bool first_helpers = true;
    for (const StagePlan& s : plan.stages) {
        if (s.mode != StageMode::cross || s.from_instruction >= file.instructions.size()) continue;
        const Instruction& from = file.instructions[s.from_instruction];
        if (first_helpers && s.add_helpers) {
            // Before the comment lines right above the first cross stage's FROM, so that its
            // `# xbuild:cross` (and the user's notes) stay with it.
            const std::size_t at = from.comments_begin;
            edits.push_back({at, at, "FROM --platform=$BUILDPLATFORM " + options.xx_image + " AS xbuild-xx\n",
                             "the helpers' stage", from.first_line});
            detail::renumber_stage_indexes(file, s.index, int(plan.stages.size()), edits);
            first_helpers = false;
        }
        const std::size_t k = from.keyword_end;
        if (s.pin_platform) edits.push_back({k, k, " --platform=$BUILDPLATFORM", "runs on the build machine"});
        const bool ends_line = from.end > 0 && text[from.end - 1] == '\n';
        if (s.add_helpers)
            edits.push_back({from.end, from.end,
                             std::string(ends_line ? "" : "\n") + "COPY --from=xbuild-xx /usr/bin/xx* /usr/bin/\n",
                             "the helpers", from.last_line});
        // Declared where the target first matters: the steps above are shared by every platform.
        if (s.target_args_at != std::string::npos)
            edits.push_back({s.target_args_at, s.target_args_at,
                             "ARG TARGETPLATFORM TARGETOS TARGETARCH TARGETVARIANT XX_AUTO_INSTALL=1\n",
                             "the target's platform", s.target_args_line});
        edits.insert(edits.end(), s.edits.begin(), s.edits.end());
    }
    // By position; at one position, insertions before a replacement (CGO_ENABLED=1 before `go`).
    std::stable_sort(edits.begin(), edits.end(), [](const Edit& a, const Edit& b) {
        if (a.begin != b.begin) return a.begin < b.begin;
        return (a.begin == a.end) && (b.begin != b.end);
    });

    Rewritten out;
    out.changed = !edits.empty();
    int line = 1;
    auto emit_original = [&](std::size_t from, std::size_t to) {
        for (std::size_t i = from; i < to; ++i) {
            out.text += text[i];
            if (text[i] == '\n') out.original_line.push_back(line++);
        }
    };
    std::size_t pos = 0;
    for (const Edit& e : edits) {
        if (e.begin < pos) continue;  // overlapping edits cannot happen; be safe
        emit_original(pos, e.begin);
        for (char c : e.text) {
            out.text += c;
            if (c == '\n') out.original_line.push_back(e.line > 0 ? e.line : line);
        }
        for (std::size_t i = e.begin; i < e.end; ++i)
            if (text[i] == '\n') line++;
        pos = e.end;
    }
    emit_original(pos, text.size());
    if (!out.text.empty() && out.text.back() != '\n') out.original_line.push_back(line);
    return out;
}

namespace detail {

// The mapped line for a line number of the rewritten text (as is when out of range).
inline int original_line_of(const Rewritten& r, int line) {
    return line >= 1 && std::size_t(line) <= r.original_line.size() ? r.original_line[std::size_t(line) - 1] : line;
}

// "line 12" (BuildKit's "dockerfile parse error line 12: ...") mapped back.
inline std::string map_line_words(std::string_view message, const Rewritten& r) {
    std::string out;
    std::size_t i = 0;
    for (std::size_t at; (at = message.find("line ", i)) != std::string_view::npos;) {
        std::size_t d = at + 5, n = 0;
        while (d + n < message.size() && message[d + n] >= '0' && message[d + n] <= '9' && n < 9) n++;
        out.append(message.substr(i, d - i));
        if (n > 0 && (at == 0 || message[at - 1] == ' ')) {
            out += std::to_string(original_line_of(r, std::stoi(std::string(message.substr(d, n)))));
            i = d + n;
        } else {
            i = d;
        }
    }
    out.append(message.substr(i));
    return out;
}

}  // namespace detail

inline std::string map_error_lines(std::string_view full_message, const Rewritten& rewritten) {
    const std::string words = detail::map_line_words(full_message, rewritten);
    const std::string_view message = words;
    std::string out;
    std::size_t i = 0;
    while (i < message.size()) {
        // NAME:<digits> where NAME ends with "Dockerfile" or a file name before the colon.
        std::size_t colon = message.find(':', i);
        if (colon == std::string_view::npos) break;
        std::size_t d = colon + 1, n = 0;
        while (d + n < message.size() && message[d + n] >= '0' && message[d + n] <= '9' && n < 9) n++;
        out.append(message.substr(i, colon + 1 - i));
        if (n > 0 && colon > 0 && message[colon - 1] != ' ') {
            out += std::to_string(detail::original_line_of(rewritten, std::stoi(std::string(message.substr(d, n)))));
            i = d + n;
        } else {
            i = colon + 1;
        }
    }
    out.append(message.substr(i));
    return out;
}

}  // namespace xbuild::dockerfile
