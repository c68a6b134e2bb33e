// GET /api/grappes/{grappe}/export.csv and /export.xlsx[?atVersion=V] (PROTOCOL.md v2 "Export"):
// for whoever may read the grappe (others get 404, as for the grappe itself). Off the network
// threads: the state is folded from the log when a version is asked for, the checkpoint that
// covers the version may have to be signed, and the file is written to a temporary file (the
// XLSX by libxlsxwriter's constant-memory mode), then sent from that file as it is read.
#include <spdlog/spdlog.h>
#include <stdlib.h>
#include <unistd.h>

#include <boost/asio/post.hpp>
#include <charconv>
#include <chrono>
#include <fstream>
#include <sstream>

#include "api_handlers.h"
#include "export.h"
#include "grappe/domain/streams.h"
#include "grappe/tlog/note.h"

namespace grappe::server {

namespace http = boost::beast::http;
namespace fs = std::filesystem;

namespace {

enum class Format { kCsv, kXlsx };

struct Job {
  Request req;
  Reply reply;
  std::function<void(FileResponse)> send_file;
  std::string id;
  std::optional<std::uint64_t> at_version;  // nullopt: the current version
  Format format;
};

Response not_found(const Request& req) {
  return error_response(req, 404, "not_found", "no such version of this grappe");
}

// A new empty file in the temporary folder, removed when this goes out of scope (an open file
// stays readable after that: the answer reads it on).
class TempFile {
 public:
  explicit TempFile(std::string_view suffix) {
    std::string pattern = (fs::temp_directory_path() / "grappe-export-XXXXXX").string();
    pattern += suffix;
    int fd = ::mkstemps(pattern.data(), static_cast<int>(suffix.size()));
    if (fd >= 0) {
      ::close(fd);
      path_ = pattern;
    }
  }
  ~TempFile() {
    std::error_code ec;
    if (!path_.empty()) fs::remove(path_, ec);
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::expected<void, std::string> write_file(const ExportDocument& doc, Format format,
                                            const fs::path& path) {
  if (format == Format::kXlsx) return write_xlsx(doc, path);
  std::FILE* out = std::fopen(path.c_str(), "wb");
  if (!out) return std::unexpected("cannot open " + path.string());
  const bool ok = write_csv(doc, out);
  if (std::fclose(out) != 0 || !ok) return std::unexpected("cannot write " + path.string());
  return {};
}

// The answer: the file as it is read (or, without send_file, read into memory first).
void send(Job& job, const fs::path& path, const std::string& file_name) {
  const bool xlsx = job.format == Format::kXlsx;
  const char* type = xlsx ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                          : "text/csv; charset=utf-8";
  const std::string disposition = "attachment; filename=\"" + file_name + "\"";
  if (!job.send_file) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream body;
    body << in.rdbuf();
    Response res{http::status::ok, job.req.version()};
    res.set(http::field::content_type, type);
    res.set(http::field::content_disposition, disposition);
    res.set(http::field::cache_control, "no-store");
    res.keep_alive(job.req.keep_alive());
    res.body() = std::move(body).str();
    return job.reply(std::move(res));
  }
  FileResponse res{http::status::ok, job.req.version()};
  boost::beast::error_code ec;
  res.body().open(path.c_str(), boost::beast::file_mode::scan, ec);
  if (ec) return job.reply(error_response(job.req, 500, "internal", "export failed"));
  res.set(http::field::content_type, type);
  res.set(http::field::content_disposition, disposition);
  res.set(http::field::cache_control, "no-store");
  res.keep_alive(job.req.keep_alive());
  job.send_file(std::move(res));
}

std::string now_rfc3339() {
  return domain::format_timestamp(
      std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now()));
}

// Runs on ctx.readers.
void run_export(ServerContext& ctx, Job& job, domain::GrappeState current) {
  domain::GrappeState state;
  if (job.at_version && *job.at_version != current.version) {
    if (*job.at_version == 0 || *job.at_version > current.version) {
      return job.reply(not_found(job.req));
    }
    auto folded = fold_until(ctx.store, job.id, job.at_version, std::nullopt);
    if (!folded)
      return job.reply(error_response(job.req, 500, "internal", "reading the log failed"));
    state = std::move(*folded);
    if (state.version != *job.at_version) return job.reply(not_found(job.req));
  } else {
    state = std::move(current);
  }
  auto records = ctx.store.read_stream(domain::grappe_stream(job.id), state.version - 1, 1,
                                       es::Direction::kForward);
  if (!records || records->empty() || (*records)[0].version != state.version) {
    return job.reply(error_response(job.req, 500, "internal", "reading the log failed"));
  }
  const auto position = (*records)[0].position;
  auto covering = ctx.tlog.covering(position);
  if (!covering) {
    return job.reply(
        error_response(job.req, 503, "unavailable", "the log's checkpoint cannot be signed now"));
  }
  ExportCheckpoint checkpoint{ctx.tlog.origin(), covering->size, tlog::base64(covering->root),
                              position};
  auto doc = make_export(state, *ctx.registries.current(), ctx.config, checkpoint, now_rfc3339());
  const bool xlsx = job.format == Format::kXlsx;
  TempFile file(xlsx ? ".xlsx" : ".csv");
  if (file.path().empty()) {
    return job.reply(error_response(job.req, 500, "internal", "no temporary file for the export"));
  }
  if (auto written = write_file(doc, job.format, file.path()); !written) {
    spdlog::error("export {}: {}", job.id, written.error());
    return job.reply(error_response(job.req, 500, "internal", "export failed"));
  }
  send(job, file.path(), doc.file_stem + (xlsx ? ".xlsx" : ".csv"));
}

void start_export(ServerContext& ctx, Call& call, Format format) {
  auto current = readable_grappe(ctx, call);
  if (!current) return;
  std::optional<std::uint64_t> at_version;
  if (auto text = query_param(call.req.target(), "atVersion"); !text.empty()) {
    std::uint64_t v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size()) {
      return call.reply(
          error_response(call.req, 400, "bad_request", "atVersion must be an integer ≥ 0"));
    }
    at_version = v;
  }
  auto job = std::make_shared<Job>(
      Job{call.req, call.reply, call.peer.send_file, call.params.grappe, at_version, format});
  boost::asio::post(ctx.readers, [&ctx, job, current = std::move(*current)]() mutable {
    try {
      run_export(ctx, *job, std::move(current));
    } catch (const std::exception& e) {  // a bug: answer 500, keep serving
      spdlog::error("export {}: {}", job->id, e.what());
      job->reply(error_response(job->req, 500, "internal", "internal error"));
    }
  });
}

}  // namespace

void get_export_csv(ServerContext& ctx, Call& call) {
  start_export(ctx, call, Format::kCsv);
}
void get_export_xlsx(ServerContext& ctx, Call& call) {
  start_export(ctx, call, Format::kXlsx);
}

}  // namespace grappe::server
