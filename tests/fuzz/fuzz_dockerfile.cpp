// libFuzzer target: Dockerfiles, the text xbuild reads and rewrites. Whatever parses must have
// positions a caller can splice with: in range, in order, not overlapping, whole lines; and its
// rewrite must parse again, map every line, and be left alone by a second rewrite; the typed
// instructions throw only ParseError.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "xbuild/dockerfile/instructions.hpp"
#include "xbuild/dockerfile/parser.hpp"
#include "xbuild/dockerfile/rewrite.hpp"

namespace {

void check(const xbuild::dockerfile::Instruction& ins, std::size_t size) {
    if (ins.begin > ins.end || ins.end > size || ins.first_line < 1 || ins.first_line > ins.last_line) __builtin_trap();
    if (ins.keyword.empty()) __builtin_trap();
    for (const auto& h : ins.heredocs)
        if (h.first_line <= ins.first_line || h.first_line > h.last_line || h.last_line > ins.last_line ||
            h.begin > h.end || h.begin < ins.begin || h.end > ins.end)
            __builtin_trap();
    // The source map stays inside the instruction's lines, in order.
    if (ins.comments_begin > ins.begin || ins.keyword_begin < ins.begin || ins.keyword_begin >= ins.keyword_end ||
        ins.keyword_end > ins.end || ins.text_begin < ins.keyword_end || ins.text_begin > ins.end)
        __builtin_trap();
    std::size_t at = ins.keyword_end;
    for (const auto& f : ins.flags) {
        if (f.begin < at || f.begin >= f.end || f.end > ins.text_begin) __builtin_trap();
        at = f.end;
    }
    for (const auto& p : ins.source.pieces)
        if (p.size == 0 || p.raw < ins.begin || p.raw + p.size > ins.end) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        const auto df = xbuild::dockerfile::parse(text);
        if (df.instructions.empty() || (df.escape != '\\' && df.escape != '`')) __builtin_trap();
        std::size_t prev_end = 0;
        int prev_line = 0;
        for (const auto& ins : df.instructions) {
            check(ins, size);
            if (ins.begin < prev_end || ins.first_line <= prev_line) __builtin_trap();
            // Ranges are whole lines (the first may start after a BOM).
            if (ins.begin != 0 && text[ins.begin - 1] != '\n' &&
                !(ins.begin == 3 && text.substr(0, 3) == "\xEF\xBB\xBF"))
                __builtin_trap();
            if (ins.end != size && text[ins.end - 1] != '\n') __builtin_trap();
            if (ins.inner) {
                check(*ins.inner, size);
                if (ins.inner->keyword == "ONBUILD" || ins.inner->inner) __builtin_trap();
            }
            prev_end = ins.end;
            prev_line = ins.last_line;
        }
        namespace df_ = xbuild::dockerfile;
        // The typed layer: its checks throw nothing but ParseError on the instruction's line;
        // without them it throws nothing, and keeps the instruction it read.
        for (const auto& ins : df.instructions) {
            try {
                (void)df_::parse_instruction(ins);
            } catch (const df_::ParseError& e) {
                if (e.line != ins.first_line) __builtin_trap();
            }
            if (&df_::source_of(df_::parse_instruction(ins, "Dockerfile", {false, false})) != &ins) __builtin_trap();
        }
        df_::Plan plan;
        try {
            plan = df_::plan_stages(text, df);  // the stage rules can refuse what parsed
        } catch (const df_::StageError& e) {
            if (std::string_view(e.what()).substr(0, 11) != "Dockerfile:") __builtin_trap();
            return 0;
        }
        const auto out = df_::rewrite(text, df, plan);
        if (plan.any_cross() != out.changed) __builtin_trap();
        std::size_t lines = 0;
        for (char c : out.text) lines += c == '\n';
        if (!out.text.empty() && out.text.back() != '\n') lines++;
        if (out.original_line.size() != lines) __builtin_trap();
        if (out.changed) {
            try {
                const auto again = df_::parse(out.text);
                if (df_::plan_stages(out.text, again).any_cross()) __builtin_trap();
            } catch (const df_::ParseError&) {
                __builtin_trap();  // the rewrite broke a Dockerfile that parsed
            }
        }
    } catch (const xbuild::dockerfile::ParseError& e) {
        if (e.line < 1) __builtin_trap();
    }
    return 0;
}
