// Implementation of xbuild/registry/responses.hpp.
#pragma once

#include <cctype>
#include <cstddef>
#include <nlohmann/json.hpp>

#include "xbuild/strings.hpp"

namespace xbuild::registry {

namespace detail {

// Registry-supplied text for a message: control characters and DEL replaced, length capped.
inline std::string resp_printable(std::string_view s, std::size_t max) {
    std::string out;
    for (char c : s.substr(0, max)) {
        const auto u = static_cast<unsigned char>(c);
        out += (u < 0x20 || u == 0x7f) ? '?' : c;
    }
    if (s.size() > max) out += "...";
    return out;
}

inline bool resp_is_blank(char c) { return c == ' ' || c == '\t'; }

inline bool resp_token_char(char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
    return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// Removes "." and ".." segments of a path (RFC 3986 5.2.4), for relative Locations.
inline std::string resp_remove_dots(std::string_view path) {
    std::vector<std::string_view> out;
    const bool absolute = !path.empty() && path.front() == '/';
    auto parts = split(path, '/');
    for (std::size_t i = 0; i < parts.size(); ++i) {
        const auto p = parts[i];
        if (i == 0 && absolute) continue;  // the empty part before the leading '/'
        if (p == ".") {
            if (i + 1 == parts.size()) out.push_back("");
        } else if (p == "..") {
            if (!out.empty()) out.pop_back();
            if (i + 1 == parts.size()) out.push_back("");
        } else {
            out.push_back(p);
        }
    }
    std::string r = absolute ? "/" : "";
    for (std::size_t i = 0; i < out.size(); ++i) {
        if (i) r += '/';
        r += out[i];
    }
    return r;
}

}  // namespace detail

inline std::vector<ApiError> parse_error_body(std::string_view body) {
    std::vector<ApiError> out;
    const auto j = nlohmann::json::parse(body.begin(), body.end(), nullptr, false);
    if (j.is_discarded() || !j.is_object()) return out;
    const auto it = j.find("errors");
    if (it == j.end() || !it->is_array()) return out;
    for (const auto& e : *it) {
        if (!e.is_object()) continue;
        ApiError a;
        if (auto c = e.find("code"); c != e.end() && c->is_string())
            a.code = detail::resp_printable(c->get<std::string>(), 64);
        if (auto m = e.find("message"); m != e.end() && m->is_string())
            a.message = detail::resp_printable(m->get<std::string>(), 200);
        if (!a.code.empty() || !a.message.empty()) out.push_back(std::move(a));
        if (out.size() == 8) break;
    }
    return out;
}

inline std::string describe_errors(const std::vector<ApiError>& errors) {
    std::string out;
    for (const auto& e : errors) {
        if (!out.empty()) out += "; ";
        out += detail::resp_printable(e.code, 64);
        if (!e.message.empty()) out += (e.code.empty() ? "" : ": ") + detail::resp_printable(e.message, 200);
    }
    return out;
}

inline std::optional<std::string> parse_link_next(std::string_view h) {
    std::size_t i = 0;
    const auto skip_blanks = [&] {
        while (i < h.size() && detail::resp_is_blank(h[i])) ++i;
    };
    while (i < h.size()) {
        skip_blanks();
        if (i < h.size() && h[i] == ',') {
            ++i;
            continue;
        }
        if (i >= h.size()) break;
        if (h[i] != '<') return std::nullopt;
        const auto close = h.find('>', i + 1);
        if (close == std::string_view::npos) return std::nullopt;
        const std::string uri(h.substr(i + 1, close - i - 1));
        i = close + 1;
        bool next = false;
        // Parameters: *( ";" name [ "=" ( token / quoted-string ) ] ) up to the ',' ending this link.
        for (;;) {
            skip_blanks();
            if (i >= h.size() || h[i] == ',') break;
            if (h[i] != ';') return std::nullopt;
            ++i;
            skip_blanks();
            const auto name_start = i;
            while (i < h.size() && detail::resp_token_char(h[i])) ++i;
            const std::string name = to_lower(h.substr(name_start, i - name_start));
            if (name.empty()) return std::nullopt;
            skip_blanks();
            std::string value;
            if (i < h.size() && h[i] == '=') {
                ++i;
                skip_blanks();
                if (i < h.size() && h[i] == '"') {
                    ++i;
                    for (;;) {
                        if (i >= h.size()) return std::nullopt;
                        if (h[i] == '"') {
                            ++i;
                            break;
                        }
                        if (h[i] == '\\') {
                            if (++i >= h.size()) return std::nullopt;
                        }
                        value += h[i++];
                    }
                } else {
                    const auto v = i;
                    while (i < h.size() && detail::resp_token_char(h[i])) ++i;
                    value = std::string(h.substr(v, i - v));
                }
            }
            if (name == "rel")
                for (auto rel : split(std::string_view(value), ' '))
                    if (to_lower(rel) == "next") next = true;
        }
        if (next && !uri.empty()) return uri;
    }
    return std::nullopt;
}

inline TokenResponse parse_token_response(std::string_view body) {
    const auto j = nlohmann::json::parse(body.begin(), body.end(), nullptr, false);
    if (j.is_discarded()) throw ResponseError("token response: not JSON");
    if (!j.is_object()) throw ResponseError("token response: not a JSON object");
    TokenResponse t;
    for (const char* key : {"token", "access_token"}) {
        const auto it = j.find(key);
        if (it != j.end() && it->is_string() && !it->get_ref<const std::string&>().empty()) {
            t.token = it->get<std::string>();
            break;
        }
    }
    if (t.token.empty()) throw ResponseError("token response: no \"token\" or \"access_token\" string");
    for (char c : t.token)
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f)
            throw ResponseError("token response: the token holds blanks or control characters");
    if (auto e = j.find("expires_in"); e != j.end() && e->is_number()) {
        const double v = e->get<double>();
        constexpr double year = 365.0 * 24 * 3600;
        if (v >= 1) t.expires_in = std::chrono::seconds(static_cast<long long>(v < year ? v : year));
    }
    if (auto r = j.find("refresh_token"); r != j.end() && r->is_string()) t.refresh_token = r->get<std::string>();
    return t;
}

inline std::vector<std::string> parse_tag_list(std::string_view body) {
    const auto j = nlohmann::json::parse(body.begin(), body.end(), nullptr, false);
    if (j.is_discarded() || !j.is_object()) throw ResponseError("tag list: not a JSON object");
    std::vector<std::string> tags;
    const auto it = j.find("tags");
    if (it == j.end() || it->is_null()) return tags;
    if (!it->is_array()) throw ResponseError("tag list: \"tags\" is not an array");
    for (const auto& t : *it) {
        if (!t.is_string()) throw ResponseError("tag list: a tag is not a string");
        tags.push_back(t.get<std::string>());
    }
    return tags;
}

inline std::optional<std::chrono::seconds> parse_retry_after(std::string_view value) {
    value = trim(value);
    if (value.empty() || value.size() > 9) return std::nullopt;
    long long n = 0;
    for (char c : value) {
        if (c < '0' || c > '9') return std::nullopt;
        n = n * 10 + (c - '0');
    }
    return std::chrono::seconds(n);
}

inline std::string Url::host() const {
    std::string_view a = authority;
    if (!a.empty() && a.front() == '[') {
        const auto close = a.find(']');
        return std::string(a.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1));
    }
    return std::string(a.substr(0, a.find(':')));
}

inline std::optional<Url> parse_url(std::string_view text) {
    for (char c : text)
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return std::nullopt;
    const auto sep = text.find("://");
    if (sep == std::string_view::npos) return std::nullopt;
    Url u;
    u.scheme = to_lower(text.substr(0, sep));
    if (u.scheme != "http" && u.scheme != "https") return std::nullopt;
    auto rest = text.substr(sep + 3);
    const auto end = rest.find_first_of("/?#");
    u.authority = std::string(rest.substr(0, end));
    if (u.authority.empty() || u.authority.find('@') != std::string::npos) return std::nullopt;
    if (u.authority.front() == '[' ? u.authority.find(']') == std::string::npos
                                   : u.authority.find_first_of("[]") != std::string::npos)
        return std::nullopt;
    auto target = end == std::string_view::npos ? std::string_view {} : rest.substr(end);
    target = target.substr(0, target.find('#'));
    u.target = (target.empty() || target.front() != '/') ? "/" + std::string(target) : std::string(target);
    return u;
}

inline std::string resolve_url(std::string_view base_text, std::string_view ref) {
    const auto base = parse_url(base_text);
    if (!base) throw ResponseError("not an absolute http(s) URL: " + url_for_log(base_text));
    ref = ref.substr(0, ref.find('#'));
    std::string result;
    const auto colon = ref.find(':');
    const auto first_delim = ref.find_first_of("/?");
    const bool has_scheme = colon != std::string_view::npos && colon > 0 &&
                            (first_delim == std::string_view::npos || colon < first_delim) &&
                            std::isalpha(static_cast<unsigned char>(ref[0]));
    const std::string_view base_path = std::string_view(base->target).substr(0, base->target.find('?'));
    if (has_scheme) {
        result = std::string(ref);
    } else if (ref.substr(0, 2) == "//") {
        result = base->scheme + ":" + std::string(ref);
    } else if (ref.empty()) {
        result = base->str();
    } else if (ref.front() == '/') {
        const auto q = ref.find('?');
        result = base->scheme + "://" + base->authority + detail::resp_remove_dots(ref.substr(0, q)) +
                 std::string(q == std::string_view::npos ? std::string_view {} : ref.substr(q));
    } else if (ref.front() == '?') {
        result = base->scheme + "://" + base->authority + std::string(base_path) + std::string(ref);
    } else {
        const auto q = ref.find('?');
        const std::string merged =
            std::string(base_path.substr(0, base_path.rfind('/') + 1)) + std::string(ref.substr(0, q));
        result = base->scheme + "://" + base->authority + detail::resp_remove_dots(merged) +
                 std::string(q == std::string_view::npos ? std::string_view {} : ref.substr(q));
    }
    const auto u = parse_url(result);
    if (!u) throw ResponseError("not an http(s) URL: " + url_for_log(result));
    return u->str();
}

inline std::string url_encode(std::string_view text) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (std::isalnum(u) || c == '-' || c == '.' || c == '_' || c == '~') {
            out += c;
        } else {
            out += '%';
            out += hex[u >> 4];
            out += hex[u & 15];
        }
    }
    return out;
}

inline std::string append_query(std::string_view url, std::string_view key, std::string_view value) {
    std::string out(url.substr(0, url.find('#')));
    const auto q = out.find('?');
    if (q == std::string::npos) out += '?';
    else if (out.back() != '?' && out.back() != '&') out += '&';
    return out + url_encode(key) + "=" + url_encode(value);
}

inline std::string url_for_log(std::string_view url) {
    url = url.substr(0, url.find_first_of("?#"));
    std::string s(url);
    const auto sep = s.find("://");
    if (sep != std::string::npos) {
        const auto slash = s.find('/', sep + 3);
        const auto at = s.rfind('@', slash == std::string::npos ? std::string::npos : slash);
        if (at != std::string::npos && at > sep) s.erase(sep + 3, at - sep - 2);
    }
    return detail::resp_printable(s, 300);
}

}  // namespace xbuild::registry
