// libFuzzer target: the parts of registry answers the client reads (xbuild/registry/responses.hpp):
// OCI error bodies, Link headers, token responses, tag lists, Retry-After, and Location URLs
// resolved against a request URL. The first byte picks the parser, the rest is the answer.
// Invariants: no crash; a resolved URL parses as http(s) and resolves to itself; logged URLs carry
// nothing past the query's '?'; appended queries keep the URL parseable.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "xbuild/registry/responses.hpp"

using namespace xbuild::registry;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
    switch (data[0] % 6) {
        case 0: (void)describe_errors(parse_error_body(text)); break;
        case 1:
            if (auto next = parse_link_next(text)) {
                try {
                    const std::string u = resolve_url("https://registry.example:5000/v2/app/tags/list?n=2", *next);
                    if (!parse_url(u) || resolve_url(u, u) != u) __builtin_trap();
                } catch (const ResponseError&) {}
            }
            break;
        case 2:
            try {
                const auto t = parse_token_response(text);
                if (t.token.empty() || t.expires_in.count() < 1) __builtin_trap();
            } catch (const ResponseError&) {}
            break;
        case 3: try { (void)parse_tag_list(text);
            } catch (const ResponseError&) {}
            (void)parse_retry_after(text);
            break;
        case 4: {  // a Location header against an upload URL
            try {
                const std::string u = resolve_url("http://127.0.0.1:5001/v2/a/blobs/uploads/x?_state=s", text);
                const auto parsed = parse_url(u);
                if (!parsed || parsed->str() != u) __builtin_trap();
                const std::string q = append_query(u, "digest", "sha256:00");
                if (!parse_url(q)) __builtin_trap();
            } catch (const ResponseError&) {}
            break;
        }
        default: {
            const std::string logged = url_for_log(text);
            // Nothing from the query or fragment on (control characters show as '?', so count).
            if (logged.size() > text.substr(0, text.find_first_of("?#")).size() + 3) __builtin_trap();
            if (auto u = parse_url(text)) {
                if (!parse_url(u->str()) || *parse_url(u->str()) != *u) __builtin_trap();
                (void)u->host();
            }
            break;
        }
    }
    return 0;
}
