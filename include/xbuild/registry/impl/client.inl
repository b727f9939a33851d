// Implementation of xbuild/registry/client.hpp. Placeholder while the transport lands: every call
// throws, so code written against the API compiles and links now.
#pragma once

namespace xbuild::registry {

struct Client::Impl {
    ClientOptions options;
};

namespace detail {
[[noreturn]] inline void client_not_ready() {
    throw RegistryError(ErrorKind::protocol, "registry client: not implemented yet");
}
}  // namespace detail

inline Client::Client(ClientOptions options) : impl_(std::make_unique<Impl>(Impl{std::move(options)})) {}
inline Client::Client(Client&&) noexcept = default;
inline Client& Client::operator=(Client&&) noexcept = default;
inline Client::~Client() = default;

inline void Client::ping(const std::string&) { detail::client_not_ready(); }
inline Client::FetchedManifest Client::get_manifest(const Reference&, std::size_t) { detail::client_not_ready(); }
inline std::optional<oci::Descriptor> Client::head_manifest(const Reference&) { detail::client_not_ready(); }
inline oci::Digest Client::put_manifest(const Reference&, std::string_view, std::string_view) {
    detail::client_not_ready();
}
inline void Client::delete_manifest(const Reference&) { detail::client_not_ready(); }
inline bool Client::has_blob(const Reference&, const oci::Digest&) { detail::client_not_ready(); }
inline std::string Client::get_blob(const Reference&, const oci::Digest&, std::size_t) { detail::client_not_ready(); }
inline void Client::get_blob_to_file(const Reference&, const oci::Digest&, const std::filesystem::path&,
                                     const ProgressFn&) {
    detail::client_not_ready();
}
inline PushResult Client::push_blob(const Reference&, const oci::Descriptor&, const std::filesystem::path&,
                                    const PushOptions&) {
    detail::client_not_ready();
}
inline PushResult Client::push_blob(const Reference&, const oci::Descriptor&, const BlobReader&, const PushOptions&) {
    detail::client_not_ready();
}
inline PushResult Client::push_blob(const Reference&, std::string_view, const oci::Descriptor&, const PushOptions&) {
    detail::client_not_ready();
}
inline std::vector<std::string> Client::list_tags(const Reference&) { detail::client_not_ready(); }

}  // namespace xbuild::registry
