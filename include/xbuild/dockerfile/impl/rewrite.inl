// Implementation of xbuild/dockerfile/rewrite.hpp.
#pragma once

#include <algorithm>

namespace xbuild::dockerfile {

inline Rewritten rewrite(std::string_view text, const Dockerfile& file, const Plan& plan, const RewriteOptions& options) {
    std::vector<Edit> edits;
    // The FROM of each cross stage, found again by position: the plan keeps line numbers.
    std::vector<const Instruction*> froms;
    for (const auto& in : file.instructions)
        if (in.keyword == "FROM") froms.push_back(&in);
    bool first_cross = true;
    for (const StagePlan& s : plan.stages) {
        if (s.mode != StageMode::cross || std::size_t(s.index) >= froms.size()) continue;
        const Instruction& from = *froms[std::size_t(s.index)];
        if (first_cross) {
            edits.push_back({from.begin, from.begin,
                             "FROM --platform=$BUILDPLATFORM " + options.xx_image + " AS xbuild-xx\n",
                             "the helpers' stage", from.first_line});
            first_cross = false;
        }
        // After the keyword: FROM is the line's first word, blanks before it allowed.
        std::size_t k = from.begin;
        while (k < from.end && (text[k] == ' ' || text[k] == '\t')) k++;
        edits.push_back({k + 4, k + 4, " --platform=$BUILDPLATFORM", "runs on the build machine"});
        const bool ends_line = from.end > 0 && text[from.end - 1] == '\n';
        edits.push_back({from.end, from.end,
                         std::string(ends_line ? "" : "\n") + "COPY --from=xbuild-xx /usr/bin/xx* /usr/bin/\n" +
                             "ARG TARGETPLATFORM TARGETOS TARGETARCH TARGETVARIANT\n",
                         "the helpers and the target's platform", from.last_line});
        edits.insert(edits.end(), s.edits.begin(), s.edits.end());
    }
    if (options.strip_syntax)
        for (const auto& d : file.directives)
            if (d.name == "syntax") {
                // The directive's whole line (the first lines of the file hold the directives).
                std::size_t begin = 0;
                for (int l = 1; l < d.line && begin != std::string_view::npos; ++l) begin = text.find('\n', begin) + 1;
                std::size_t end = text.find('\n', begin);
                edits.push_back({begin, end == std::string_view::npos ? text.size() : end + 1, "", "loop guard"});
            }
    std::stable_sort(edits.begin(), edits.end(), [](const Edit& a, const Edit& b) { return a.begin < b.begin; });

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

inline std::string map_error_lines(std::string_view message, const Rewritten& rewritten) {
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
            int l = std::stoi(std::string(message.substr(d, n)));
            if (l >= 1 && std::size_t(l) <= rewritten.original_line.size()) l = rewritten.original_line[std::size_t(l) - 1];
            out += std::to_string(l);
            i = d + n;
        } else {
            i = colon + 1;
        }
    }
    out.append(message.substr(i));
    return out;
}

}  // namespace xbuild::dockerfile
