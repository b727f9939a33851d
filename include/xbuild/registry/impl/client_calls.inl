// Implementation of xbuild/registry/client.hpp, part 2: the API calls themselves.
#pragma once

namespace xbuild::registry {

inline Client::Client(ClientOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
inline Client::Client(Client&&) noexcept = default;
inline Client& Client::operator=(Client&&) noexcept = default;
inline Client::~Client() = default;

inline void Client::ping(const std::string& registry) {
    const std::string host = Reference {registry, "x", "latest", ""}.api_host();
    detail::ClientCall call {registry, registry + ": ", "API check", {}, true};
    Request req;
    req.url = impl_->base_url(host, call.prefix) + "/v2/";
    const Response r = impl_->call(req, call);
    if (r.status != 200) throw impl_->http_error(call, r);
}

inline Client::FetchedManifest Client::get_manifest(const Reference& ref, std::size_t max_bytes) {
    auto call = impl_->repo_call(ref, "manifest '" + ref.object() + "'", "pull");
    Request req;
    req.url = impl_->repo_url(ref, call.prefix) + "/manifests/" + ref.object();
    req.headers.push_back(detail::client_accept_manifests);
    req.max_body = max_bytes;
    const Response r = impl_->call(req, call);
    if (r.status != 200) throw impl_->http_error(call, r);
    if (r.truncated)
        throw RegistryError(ErrorKind::protocol,
                            call.prefix + call.what + ": larger than " + std::to_string(max_bytes) + " bytes");
    FetchedManifest m;
    m.bytes = r.body;
    m.media_type = detail::client_media_type(r.header("content-type"));
    if (!ref.digest.empty()) {
        const auto want = oci::Digest::parse(ref.digest);
        const auto got = oci::digest_like(want, m.bytes);
        if (got != want)
            throw RegistryError(ErrorKind::verify,
                                call.prefix + call.what + ": the registry sent content whose digest is " + got.str());
        m.digest = want;
    } else {
        m.digest = oci::sha256_of(m.bytes);
        const auto said = Impl::header_digest(r, call);
        if (!said.empty() && oci::digest_like(said, m.bytes) != said)
            throw RegistryError(ErrorKind::verify, call.prefix + call.what + ": Docker-Content-Digest " + said.str() +
                                                       " does not match the content (" + m.digest.str() + ")");
    }
    if (!oci::media_type::is_manifest(m.media_type) && !oci::media_type::is_index(m.media_type)) {
        try {  // application/json or nothing: the document says what it is
            m.media_type = std::string(oci::media_type_of(oci::parse_any_manifest(m.bytes, m.media_type)));
        } catch (const oci::ManifestError&) {}
    }
    return m;
}

inline std::optional<oci::Descriptor> Client::head_manifest(const Reference& ref) {
    auto call = impl_->repo_call(ref, "manifest '" + ref.object() + "'", "pull");
    Request req;
    req.method = "HEAD";
    req.url = impl_->repo_url(ref, call.prefix) + "/manifests/" + ref.object();
    req.headers.push_back(detail::client_accept_manifests);
    const Response r = impl_->call(req, call);
    if (r.status == 404) return std::nullopt;
    if (r.status != 200) throw impl_->http_error(call, r);
    oci::Descriptor d;
    d.digest = Impl::header_digest(r, call);
    d.media_type = detail::client_media_type(r.header("content-type"));
    const auto length = r.header("content-length");
    if (d.digest.empty() || !length || d.media_type.empty()) {  // not all registries say it on HEAD
        const auto m = get_manifest(ref);
        d.digest = m.digest;
        d.media_type = m.media_type;
        d.size = static_cast<std::int64_t>(m.bytes.size());
        return d;
    }
    try {
        d.size = std::stoll(*length);
    } catch (const std::exception&) {
        throw RegistryError(ErrorKind::protocol, call.prefix + call.what + ": bad Content-Length on HEAD");
    }
    if (!ref.digest.empty() && d.digest.str() != ref.digest)
        throw RegistryError(ErrorKind::verify,
                            call.prefix + call.what + ": the registry says its digest is " + d.digest.str());
    return d;
}

inline oci::Digest Client::put_manifest(const Reference& ref, std::string_view bytes, std::string_view media_type) {
    auto call = impl_->repo_call(ref, "manifest '" + ref.object() + "'", "pull,push");
    oci::Digest digest = oci::sha256_of(bytes);
    if (!ref.digest.empty()) {
        const auto want = oci::Digest::parse(ref.digest);
        if (oci::digest_like(want, bytes) != want)
            throw RegistryError(ErrorKind::verify,
                                call.prefix + "the manifest to push as " + ref.digest + " has digest " + digest.str());
        digest = want;
    }
    Request req;
    req.method = "PUT";
    req.url = impl_->repo_url(ref, call.prefix) + "/manifests/" + ref.object();
    req.headers.push_back("Content-Type: " + std::string(media_type));
    req.body = bytes;
    req.body_size = bytes.size();
    req.has_body = true;
    const Response r = impl_->call(req, call);
    if (r.status != 201 && r.status != 200) throw impl_->http_error(call, r);
    const auto said = Impl::header_digest(r, call);
    if (!said.empty() && oci::digest_like(said, bytes) != said)
        throw RegistryError(ErrorKind::verify, call.prefix + call.what + ": the registry stored it as " + said.str() +
                                                   ", not " + digest.str());
    return digest;
}

inline void Client::delete_manifest(const Reference& ref) {
    if (ref.digest.empty())
        throw std::invalid_argument("delete_manifest: " + ref.str() +
                                    " has no digest (registries delete by digest only)");
    auto call = impl_->repo_call(ref, "manifest '" + ref.digest + "'", "delete");
    Request req;
    req.method = "DELETE";
    req.url = impl_->repo_url(ref, call.prefix) + "/manifests/" + ref.digest;
    const Response r = impl_->call(req, call);
    if (r.status != 202 && r.status != 200 && r.status != 204) throw impl_->http_error(call, r);
}

inline bool Client::has_blob(const Reference& repo, const oci::Digest& digest) {
    auto call = impl_->repo_call(repo, "blob " + digest.str(), "pull");
    Request req;
    req.method = "HEAD";
    req.url = impl_->repo_url(repo, call.prefix) + "/blobs/" + digest.str();
    const Response r = impl_->call(req, call);
    if (r.status == 200) return true;
    if (r.status == 404) return false;
    throw impl_->http_error(call, r);
}

inline std::string Client::get_blob(const Reference& repo, const oci::Digest& digest, std::size_t max_bytes) {
    auto call = impl_->repo_call(repo, "blob " + digest.str(), "pull");
    Request req;
    req.url = impl_->repo_url(repo, call.prefix) + "/blobs/" + digest.str();
    req.max_body = max_bytes;
    const Response r = impl_->call(req, call);
    if (r.status != 200) throw impl_->http_error(call, r);
    if (r.truncated)
        throw RegistryError(ErrorKind::protocol,
                            call.prefix + call.what + ": larger than " + std::to_string(max_bytes) + " bytes");
    const auto got = oci::digest_like(digest, r.body);
    if (got != digest)
        throw RegistryError(ErrorKind::verify,
                            call.prefix + call.what + ": the registry sent content whose digest is " + got.str());
    return r.body;
}

inline void Client::get_blob_to_file(const Reference& repo, const oci::Digest& digest, const std::filesystem::path& out,
                                     const ProgressFn& progress) {
    auto call = impl_->repo_call(repo, "blob " + digest.str(), "pull");
    const std::filesystem::path partial = out.string() + ".partial";
    std::FILE* f = std::fopen(partial.c_str(), "wb");
    if (!f)
        throw RegistryError(ErrorKind::protocol,
                            call.prefix + "cannot write " + partial.string() + ": " + std::strerror(errno));
    auto hasher = std::make_unique<oci::Hasher>(digest.algorithm);
    bool write_failed = false;
    const auto cleanup = [&] {
        if (f) std::fclose(f);
        f = nullptr;
        std::error_code ec;
        std::filesystem::remove(partial, ec);
    };
    try {
        Request req;
        req.url = impl_->repo_url(repo, call.prefix) + "/blobs/" + digest.str();
        req.progress = progress;
        req.sink = [&](const char* data, std::size_t size) {
            hasher->update(data, size);
            if (std::fwrite(data, 1, size, f) != size) write_failed = true;
            return !write_failed;
        };
        req.restart = [&] {  // a retry or a redirect starts the file over
            if (!std::freopen(partial.c_str(), "wb", f)) {
                f = nullptr;
                throw RegistryError(ErrorKind::protocol, call.prefix + "cannot rewrite " + partial.string());
            }
            hasher = std::make_unique<oci::Hasher>(digest.algorithm);
        };
        const Response r = impl_->call(req, call);
        if (r.status != 200) throw impl_->http_error(call, r);
        const bool flushed = std::fflush(f) == 0 && ::fsync(fileno(f)) == 0;
        const bool closed = std::fclose(f) == 0;
        f = nullptr;
        if (!flushed || !closed || write_failed)
            throw RegistryError(ErrorKind::protocol, call.prefix + "writing " + partial.string() + " failed");
        const auto got = hasher->finish();
        if (got != digest)
            throw RegistryError(ErrorKind::verify, call.prefix + call.what +
                                                       ": the registry sent content whose digest is " + got.str() +
                                                       " (nothing written to " + out.string() + ")");
        std::filesystem::rename(partial, out);
    } catch (...) {
        cleanup();
        throw;
    }
}

inline PushResult Client::push_blob(const Reference& repo, const oci::Descriptor& desc,
                                    const std::filesystem::path& file, const PushOptions& options) {
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        throw RegistryError(ErrorKind::protocol, repo.registry + "/" + repo.repository + ": cannot read " +
                                                     file.string() + ": " + std::strerror(errno));
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer {fd};
    const BlobReader reader = [fd, &file](std::uint64_t offset, void* buffer, std::size_t size) -> std::size_t {
        for (;;) {
            const ssize_t n = ::pread(fd, buffer, size, static_cast<off_t>(offset));
            if (n >= 0) return static_cast<std::size_t>(n);
            if (errno != EINTR) throw std::runtime_error("reading " + file.string() + ": " + std::strerror(errno));
        }
    };
    return impl_->push(repo, desc, reader, options);
}

inline PushResult Client::push_blob(const Reference& repo, const oci::Descriptor& desc, const BlobReader& reader,
                                    const PushOptions& options) {
    return impl_->push(repo, desc, reader, options);
}

inline PushResult Client::push_blob(const Reference& repo, std::string_view bytes, const oci::Descriptor& desc,
                                    const PushOptions& options) {
    const BlobReader reader = [bytes](std::uint64_t offset, void* buffer, std::size_t size) -> std::size_t {
        if (offset >= bytes.size()) return 0;
        const std::size_t n = std::min<std::size_t>(size, bytes.size() - static_cast<std::size_t>(offset));
        std::memcpy(buffer, bytes.data() + offset, n);
        return n;
    };
    return impl_->push(repo, desc, reader, options);
}

inline PushResult Client::Impl::push(const Reference& repo, const oci::Descriptor& desc, const BlobReader& reader,
                                     const PushOptions& opts) {
    if (desc.size < 0 || desc.digest.empty())
        throw std::invalid_argument("push_blob: the descriptor needs a digest and a size");
    auto call = repo_call(repo, "upload of blob " + desc.digest.str(), "pull,push");
    const bool mount = opts.mount_from_repository && !opts.mount_from_repository->empty() &&
                       *opts.mount_from_repository != repo.repository;
    if (mount) call.scopes.push_back(repository_scope(*opts.mount_from_repository, "pull"));
    {
        detail::ClientCall head = call;
        head.what = "blob " + desc.digest.str();
        Request req;
        req.method = "HEAD";
        req.url = repo_url(repo, call.prefix) + "/blobs/" + desc.digest.str();
        const Response r = this->call(req, head);  // the push token serves the HEAD and the upload
        if (r.status == 200) {
            transport.log(call.prefix + "blob " + desc.digest.str() + " already there");
            return PushResult::already_present;
        }
        if (r.status != 404) throw http_error(head, r);
    }
    auto delay = options.backoff;
    for (int attempt = 0;; ++attempt) {
        try {
            Request post;
            post.method = "POST";
            post.url = repo_url(repo, call.prefix) + "/blobs/uploads/";
            if (mount && attempt == 0) {
                post.url = append_query(post.url, "mount", desc.digest.str());
                post.url = append_query(post.url, "from", *opts.mount_from_repository);
            }
            post.has_body = true;  // Content-Length: 0
            Response r = this->call(post, call);
            if (mount && attempt == 0 && r.status == 201) {
                transport.log(call.prefix + "blob " + desc.digest.str() + " mounted from " +
                              *opts.mount_from_repository);
                return PushResult::mounted;
            }
            if (r.status != 202) throw http_error(call, r);
            const auto location = r.header("location");
            if (!location || location->empty())
                throw RegistryError(ErrorKind::protocol,
                                    call.prefix + call.what + ": no Location in the answer to POST");
            upload(repo, desc, reader, opts, resolve_url(post.url, *location), call);
            return PushResult::uploaded;
        } catch (const RegistryError& e) {
            if (!e.retryable || attempt >= options.max_retries) throw;
            transport.log(std::string(e.what()) + ": starting the upload over in " + std::to_string(delay.count()) +
                          " ms");
            std::this_thread::sleep_for(delay);
            delay = std::min<std::chrono::milliseconds>(delay * 2, std::chrono::seconds(30));
        } catch (const ResponseError& e) {
            throw RegistryError(ErrorKind::protocol, call.prefix + call.what + ": " + e.what());
        }
    }
}

inline void Client::Impl::upload(const Reference&, const oci::Descriptor& desc, const BlobReader& reader,
                                 const PushOptions& opts, std::string location, const detail::ClientCall& call0) {
    detail::ClientCall call = call0;
    call.retryable = false;  // the whole upload starts over instead (push())
    const auto size = static_cast<std::uint64_t>(desc.size);
    std::uint64_t offset = 0;
    const auto progress_at = [&](std::uint64_t base) -> ProgressFn {
        if (!opts.progress) return {};
        return [&opts, base, size](std::uint64_t done, std::uint64_t) { opts.progress(base + done, size); };
    };
    if (opts.chunk_size > 0) {
        while (offset < size) {
            const std::uint64_t n = std::min<std::uint64_t>(opts.chunk_size, size - offset);
            Request patch;
            patch.method = "PATCH";
            patch.url = location;
            patch.headers = {"Content-Type: application/octet-stream",
                             "Content-Range: " + std::to_string(offset) + "-" + std::to_string(offset + n - 1)};
            patch.reader = reader;
            patch.body_offset = offset;
            patch.body_size = n;
            patch.has_body = true;
            patch.progress = progress_at(offset);
            const Response r = this->call(patch, call);
            if (r.status != 202) throw http_error(call, r);
            const auto next = r.header("location");
            if (!next || next->empty())
                throw RegistryError(ErrorKind::protocol,
                                    call.prefix + call.what + ": no Location in the answer to PATCH");
            location = resolve_url(location, *next);
            offset += n;
        }
    }
    Request put;
    put.method = "PUT";
    put.url = append_query(location, "digest", desc.digest.str());
    put.headers = {"Content-Type: application/octet-stream"};
    put.has_body = true;
    if (offset < size) {  // monolithic: the whole blob goes with the PUT
        put.reader = reader;
        put.body_size = size;
        put.progress = progress_at(0);
    }
    const Response r = this->call(put, call);
    if (r.status != 201) throw http_error(call, r);
    const auto said = header_digest(r, call);
    if (!said.empty() && said != desc.digest)
        throw RegistryError(ErrorKind::verify, call.prefix + call.what + ": the registry stored it as " + said.str());
}

inline std::vector<std::string> Client::list_tags(const Reference& repo) {
    auto call = impl_->repo_call(repo, "tag list", "pull");
    call.what = "repository";
    std::string url = impl_->repo_url(repo, call.prefix) + "/tags/list";
    if (impl_->options.tags_page_size > 0) url = append_query(url, "n", std::to_string(impl_->options.tags_page_size));
    std::vector<std::string> tags;
    for (int page = 0; page < 100000; ++page) {
        Request req;
        req.url = url;
        req.max_body = 16 << 20;
        const Response r = impl_->call(req, call);
        if (r.status != 200) throw impl_->http_error(call, r);
        try {
            for (auto& t : parse_tag_list(r.body)) tags.push_back(std::move(t));
            const auto next = parse_link_next(r.header("link").value_or(""));
            if (!next) return tags;
            const std::string following = resolve_url(url, *next);
            if (following == url) return tags;
            url = following;
        } catch (const ResponseError& e) {
            throw RegistryError(ErrorKind::protocol, call.prefix + "tag list: " + e.what());
        }
    }
    throw RegistryError(ErrorKind::protocol, call.prefix + "tag list: too many pages");
}

}  // namespace xbuild::registry
