// Implementation of xbuild/registry/reference.hpp.
#pragma once

#include "../../oci/digest.hpp"

namespace xbuild::registry {

namespace detail {

inline bool ref_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
inline bool ref_alnum(char c) { return ref_lower_alnum(c) || (c >= 'A' && c <= 'Z'); }

inline std::string ref_shown(std::string_view text) {
    return text.size() > 300 ? std::string(text.substr(0, 300)) + "..." : std::string(text);
}

[[noreturn]] inline void ref_fail(std::string_view text, const std::string& why) {
    throw ReferenceError("invalid reference '" + ref_shown(text) + "': " + why);
}

// One path component: [a-z0-9]+ joined by '.', '_', '__' or one or more '-'.
inline void check_path_component(std::string_view whole, std::string_view c) {
    if (c.empty()) ref_fail(whole, "empty path component (a '/' at the start or end, or '//')");
    for (char ch : c)
        if (ch >= 'A' && ch <= 'Z') ref_fail(whole, "repository names must be lower-case");
    if (!ref_lower_alnum(c.front()) || !ref_lower_alnum(c.back()))
        ref_fail(whole, "path component '" + std::string(c) + "' must start and end with a lower-case letter or digit");
    for (std::size_t i = 0; i < c.size();) {
        if (ref_lower_alnum(c[i])) {
            ++i;
            continue;
        }
        std::size_t j = i;
        while (j < c.size() && !ref_lower_alnum(c[j])) ++j;
        const std::string_view sep = c.substr(i, j - i);
        const bool dashes = sep.find_first_not_of('-') == std::string_view::npos;
        if (!(sep == "." || sep == "_" || sep == "__" || dashes))
            ref_fail(whole, "path component '" + std::string(c) +
                                "' may join letters and digits only with '.', '_', '__' or '-'");
        i = j;
    }
}

// host[:port]: DNS labels joined by '.', or a bracketed IPv6 address; an optional decimal port.
inline void check_domain(std::string_view whole, std::string_view d) {
    std::string_view host = d, port;
    if (!d.empty() && d.front() == '[') {
        const auto close = d.find(']');
        if (close == std::string_view::npos) ref_fail(whole, "unterminated '[' in registry '" + std::string(d) + "'");
        const std::string_view inner = d.substr(1, close - 1);
        if (inner.empty() || inner.find_first_not_of("0123456789abcdefABCDEF:.") != std::string_view::npos)
            ref_fail(whole, "'" + std::string(d) + "' is not a bracketed IPv6 address");
        host = d.substr(0, close + 1);
        const std::string_view rest = d.substr(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':') ref_fail(whole, "unexpected '" + std::string(rest) + "' after the IPv6 address");
            port = rest.substr(1);
            if (port.empty()) ref_fail(whole, "empty port in registry '" + std::string(d) + "'");
        }
    } else {
        const auto colon = d.find(':');
        if (colon != std::string_view::npos) {
            host = d.substr(0, colon);
            port = d.substr(colon + 1);
            if (port.empty()) ref_fail(whole, "empty port in registry '" + std::string(d) + "'");
        }
        if (host.empty()) ref_fail(whole, "empty registry host");
        std::size_t start = 0;
        for (;;) {
            const auto dot = host.find('.', start);
            const std::string_view label = host.substr(start, dot == std::string_view::npos ? host.npos : dot - start);
            if (label.empty() || !ref_alnum(label.front()) || !ref_alnum(label.back()))
                ref_fail(whole, "registry host '" + std::string(host) +
                                    "' must be DNS labels (letters, digits, inner '-') joined by '.'");
            for (char ch : label)
                if (!ref_alnum(ch) && ch != '-')
                    ref_fail(whole,
                             "registry host '" + std::string(host) + "' may hold only letters, digits, '-' and '.'");
            if (dot == std::string_view::npos) break;
            start = dot + 1;
        }
    }
    if (!port.empty() && port.find_first_not_of("0123456789") != std::string_view::npos)
        ref_fail(whole, "port '" + std::string(port) + "' of registry '" + std::string(d) + "' must be a number");
}

inline void check_tag(std::string_view whole, std::string_view tag) {
    auto word = [](char c) { return ref_alnum(c) || c == '_'; };
    bool ok = !tag.empty() && tag.size() <= 128 && word(tag.front());
    for (char c : tag) ok = ok && (word(c) || c == '.' || c == '-');
    if (!ok)
        throw ReferenceError("invalid tag '" + ref_shown(tag) + "' in '" + ref_shown(whole) +
                             "': a tag is 1 to 128 of A-Z a-z 0-9 _ . - and does not start with '.' or '-'");
}

}  // namespace detail

inline std::string Reference::str() const {
    std::string s = registry + "/" + repository;
    if (!tag.empty()) s += ":" + tag;
    if (!digest.empty()) s += "@" + digest;
    return s;
}

inline std::string Reference::familiar() const {
    if (registry != "docker.io") return str();
    std::string name = repository;
    if (name.rfind("library/", 0) == 0 && name.find('/', 8) == std::string::npos) name = name.substr(8);
    if (!tag.empty()) name += ":" + tag;
    if (!digest.empty()) name += "@" + digest;
    return name;
}

inline std::string Reference::api_host() const { return registry == "docker.io" ? "registry-1.docker.io" : registry; }
inline std::string Reference::object() const { return digest.empty() ? tag : digest; }

inline Reference Reference::with_tag(std::string t) const {
    Reference r = *this;
    r.tag = std::move(t);
    r.digest.clear();
    return r;
}

inline Reference Reference::with_digest(std::string d) const {
    Reference r = *this;
    r.digest = std::move(d);
    r.tag.clear();
    return r;
}

inline Reference parse_reference(std::string_view text) {
    using namespace detail;
    if (text.empty()) ref_fail(text, "empty; expected [REGISTRY/]REPOSITORY[:TAG][@DIGEST], e.g. alpine:3.19");
    for (unsigned char c : text)
        if (c <= ' ' || c >= 0x7f) ref_fail(text, "blanks, control and non-ASCII characters are not allowed");
    Reference r;
    std::string_view name = text;
    if (const auto at = text.find('@'); at != std::string_view::npos) {
        try {
            r.digest = oci::Digest::parse(text.substr(at + 1)).str();
        } catch (const oci::DigestError& e) { ref_fail(text, e.what()); }
        name = text.substr(0, at);
    }
    const auto slash = name.rfind('/');
    if (const auto colon = name.rfind(':');
        colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash)) {
        const std::string_view tag = name.substr(colon + 1);
        // "host:5000" alone: the ':' is a port only when a path follows; here it is after the last '/'.
        check_tag(text, tag);
        r.tag = std::string(tag);
        name = name.substr(0, colon);
    }
    if (name.empty()) ref_fail(text, "no repository name");
    if (name.size() > 255)
        ref_fail(text, "the name is " + std::to_string(name.size()) + " characters; at most 255 are allowed");

    // Docker's rule: the first component is a registry when it has '.' or ':', is "localhost",
    // or has upper-case letters (which a repository may not).
    std::string_view domain, path = name;
    if (const auto first = name.find('/'); first != std::string_view::npos) {
        const std::string_view head = name.substr(0, first);
        bool upper = false;
        for (char c : head) upper = upper || (c >= 'A' && c <= 'Z');
        if (head.find_first_of(".:[") != std::string_view::npos || head == "localhost" || upper) {
            domain = head;
            path = name.substr(first + 1);
        }
    }
    if (domain.empty()) {
        if (path.size() == 64 && path.find_first_not_of("0123456789abcdef") == std::string_view::npos)
            ref_fail(text, "a 64-digit hex string is an image ID, not a repository name");
        r.registry = "docker.io";
    } else {
        check_domain(text, domain);
        r.registry = std::string(domain);
        if (r.registry == "index.docker.io" || r.registry == "registry-1.docker.io") r.registry = "docker.io";
    }
    std::size_t start = 0;
    for (;;) {
        const auto next = path.find('/', start);
        check_path_component(text, path.substr(start, next == std::string_view::npos ? path.npos : next - start));
        if (next == std::string_view::npos) break;
        start = next + 1;
    }
    r.repository = std::string(path);
    if (r.registry == "docker.io" && r.repository.find('/') == std::string::npos)
        r.repository = "library/" + r.repository;
    if (r.tag.empty() && r.digest.empty()) r.tag = "latest";
    return r;
}

inline std::string LayoutReference::str() const {
    std::string s = "oci-layout://" + dir;
    if (!tag.empty()) s += ":" + tag;
    if (!digest.empty()) s += "@" + digest;
    return s;
}

inline ImageRef parse_image_ref(std::string_view text) {
    constexpr std::string_view scheme = "oci-layout://";
    if (text.substr(0, scheme.size()) != scheme) return parse_reference(text);
    LayoutReference l;
    std::string_view rest = text.substr(scheme.size());
    if (const auto at = rest.rfind('@'); at != std::string_view::npos) {
        try {
            l.digest = oci::Digest::parse(rest.substr(at + 1)).str();
        } catch (const oci::DigestError& e) {
            throw ReferenceError("invalid layout reference '" + detail::ref_shown(text) + "': " + e.what());
        }
        rest = rest.substr(0, at);
    }
    const auto slash = rest.rfind('/');
    if (const auto colon = rest.rfind(':');
        colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash)) {
        detail::check_tag(text, rest.substr(colon + 1));
        l.tag = std::string(rest.substr(colon + 1));
        rest = rest.substr(0, colon);
    }
    if (rest.empty())
        throw ReferenceError("invalid layout reference '" + detail::ref_shown(text) +
                             "': no folder; expected oci-layout://DIR[:TAG] or oci-layout://DIR@sha256:...");
    l.dir = std::string(rest);
    return l;
}

}  // namespace xbuild::registry
