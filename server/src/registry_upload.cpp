// POST /api/admin/registry: an admin's registry file, up to 2 GiB, streamed to a file in the
// data folder (never held in memory), then read by Registries on its own thread. The network
// thread only moves bytes; commands go on meanwhile.
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "api_handlers.h"
#include "http_session.h"

namespace grappe::server {

namespace beast = boost::beast;
namespace http = beast::http;

namespace {

// Free space an upload must leave on the data folder's disk, beyond its own size.
constexpr std::uint64_t kUploadDiskMargin = std::uint64_t{512} << 20;

}  // namespace

HttpSession::~HttpSession() {
  if (upload_path_.empty()) return;  // an upload cut short by the server's stop
  std::error_code ignored;
  std::filesystem::remove(upload_path_, ignored);
}

void HttpSession::start_upload() {
  drain_on_close_ = true;  // every refusal below leaves the body unread
  const auto& req = parser_->get();
  auto peer = peer_of(req);
  if (req.count(http::field::authorization) && ctx_.limits.auth_blocked(peer.address)) {
    return reply_error(http::status::too_many_requests, "rate_limited",
                       "too many failed sign-ins from this address; try again in a minute");
  }
  auto user = bearer_user(ctx_, req, peer);
  if (!user) {
    return reply_error(http::status::unauthorized, "unauthorized",
                       "a valid bearer token is required");
  }
  if (user->role != domain::Role::kAdmin) {
    return reply_error(http::status::forbidden, "forbidden", "admins only");
  }
  const auto length = parser_->content_length();
  if (parser_->is_done()) {  // Content-Length: 0, or no body at all
    return reply_error(http::status::bad_request, "bad_request",
                       "corps vide : envoyez le fichier du registre comme corps de la requête");
  }
  if (length && *length > kMaxRegistryUploadBytes) {
    return reply_error(http::status::payload_too_large, "too_large",
                       "fichier de registre trop grand (2 Gio au plus)");
  }
  // The event log shares this disk: an upload may not take its last free space.
  std::error_code space_ec;
  const auto space = std::filesystem::space(ctx_.options.data, space_ec);
  if (!space_ec && space.available < length.value_or(0) + kUploadDiskMargin) {
    return reply_error(http::status::service_unavailable, "unavailable",
                       "espace disque insuffisant sur le serveur pour ce fichier");
  }
  std::string why;
  if (!ctx_.registries.begin_upload(length.value_or(0), why)) {
    return reply_error(http::status::conflict, "conflict", why.c_str());
  }
  std::string path = (ctx_.options.data / "registry-upload-XXXXXX").string();
  const int fd = ::mkstemp(path.data());
  if (fd < 0) {
    ctx_.registries.upload_failed(
        "fichier temporaire impossible à créer dans le dossier de données");
    return reply_error(http::status::internal_server_error, "internal",
                       "fichier temporaire impossible à créer sur le serveur");
  }
  ::close(fd);
  upload_path_ = path;
  upload_received_ = 0;
  upload_.emplace(std::move(*parser_));
  parser_.reset();
  upload_->body_limit(kMaxRegistryUploadBytes);
  beast::error_code ec;
  upload_->get().body().open(upload_path_.c_str(), beast::file_mode::write, ec);
  if (ec) {
    return end_upload(http::status::internal_server_error, "internal",
                      "fichier temporaire impossible à ouvrir sur le serveur");
  }
  spdlog::info("registry: upload by {} started ({} bytes announced)", user->id, length.value_or(0));
  upload_->eager(true);  // a chunked body: as much as is buffered at each read
  if (upload_->get().version() != 11 ||
      !beast::iequals(upload_->get()[http::field::expect], "100-continue"))
    return read_upload();
  // curl asks before sending a large body, and waits a second for the answer otherwise.
  auto go_on = std::make_shared<http::response<http::empty_body>>(http::status::continue_, 11);
  http::async_write(
      stream_, *go_on, [self = shared_from_this(), go_on](beast::error_code ec, std::size_t) {
        if (ec)
          return self->end_upload(http::status::bad_request, "bad_request", "envoi interrompu");
        self->read_upload();
      });
}

void HttpSession::read_upload() {
  // An idle timeout, renewed at each read: a slow upload may take long, a stalled one may not.
  stream_.expires_after(std::chrono::seconds(60));
  http::async_read_some(stream_, buffer_, *upload_,
                        beast::bind_front_handler(&HttpSession::on_upload, shared_from_this()));
}

void HttpSession::on_upload(beast::error_code ec, std::size_t bytes) {
  if (ec == http::error::body_limit) {
    return end_upload(http::status::payload_too_large, "too_large",
                      "fichier de registre trop grand (2 Gio au plus)");
  }
  if (ec) return end_upload(http::status::bad_request, "bad_request", "envoi interrompu");
  upload_received_ += bytes;
  ctx_.registries.upload_progress(upload_received_);
  if (!upload_->is_done()) return read_upload();
  drain_on_close_ = false;
  upload_->get().body().file().close(ec);
  auto request = upload_->release();
  upload_.reset();
  auto answer_to = std::make_shared<Request>();
  answer_to->version(request.version());
  answer_to->keep_alive(request.keep_alive());
  spdlog::info("registry: upload received ({} bytes); reading it", upload_received_);
  // Answered once read: 202 and the new registry in service, or 400 and why (the line or byte
  // offset); the connection waits without a timer, the network threads do not.
  stream_.expires_never();
  auto executor = stream_.get_executor();
  std::string why;
  auto& registries = ctx_.registries;
  const bool started = registries.load(
      upload_path_, why,
      [self = shared_from_this(), executor, answer_to,
       &registries](std::optional<std::string> error) {
        auto status = registries.status_json();
        auto response = error ? error_response(*answer_to, 400, "bad_request", *error)
                              : json_response(*answer_to, 202, status);
        boost::asio::post(executor, [self, response = std::move(response)]() mutable {
          self->reply(std::move(response));
        });
      });
  if (!started) return end_upload(http::status::conflict, "conflict", why);
  upload_path_.clear();  // the load owns the file now
}

void HttpSession::end_upload(http::status status, const char* code, const std::string& why) {
  ctx_.registries.upload_failed(why);
  upload_.reset();
  if (!upload_path_.empty()) {
    std::error_code ignored;
    std::filesystem::remove(upload_path_, ignored);
    upload_path_.clear();
  }
  reply_error(status, code, why.c_str());
}

}  // namespace grappe::server
