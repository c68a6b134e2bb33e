#include "registry_load.h"

#include <openssl/evp.h>
#include <spdlog/spdlog.h>

#include <array>
#include <cctype>
#include <cstring>
#include <fstream>
#include <memory>
#include <streambuf>
#include <unordered_set>

#include "grappe/reference/finess_plus.h"
#include "grappe/reference/registry_file.h"
#include "server_context.h"

namespace grappe::server {
namespace {

namespace fs = std::filesystem;

struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

// A read-only streambuf over a file that hashes (SHA-256) and counts the bytes as they are read,
// and reports the share read: one pass for the parser, the hash and the progress.
class HashingFileBuf : public std::streambuf {
 public:
  HashingFileBuf(std::istream& in, std::uint64_t size, const Progress& progress)
      : in_(in), size_(size), progress_(progress), ctx_(EVP_MD_CTX_new()) {
    if (!ctx_ || EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr) != 1)
      throw std::runtime_error("SHA-256 unavailable");
  }

  // Reads what the parser left (trailing bytes) so that the hash covers the whole file.
  std::string finish() {
    setg(buf_.data(), buf_.data(), buf_.data());
    while (underflow() != traits_type::eof()) setg(buf_.data(), buf_.data(), buf_.data());
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_DigestFinal_ex(ctx_.get(), out, &n);
    return to_hex(out, n);
  }

 private:
  int_type underflow() override {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    in_.read(buf_.data(), static_cast<std::streamsize>(buf_.size()));
    const auto got = static_cast<std::size_t>(in_.gcount());
    if (got == 0) return traits_type::eof();
    EVP_DigestUpdate(ctx_.get(), buf_.data(), got);
    read_ += got;
    if (progress_ && size_ > 0 && read_ >= reported_ + size_ / 100) {
      reported_ = read_;
      // false: the server stops; the end of the bytes ends the read (as a truncated file).
      if (!progress_(std::min(1.0, static_cast<double>(read_) / static_cast<double>(size_))))
        return traits_type::eof();
    }
    setg(buf_.data(), buf_.data(), buf_.data() + got);
    return traits_type::to_int_type(*gptr());
  }

  std::istream& in_;
  const std::uint64_t size_;
  const Progress& progress_;
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx_;
  std::array<char, 1 << 16> buf_{};
  std::uint64_t read_ = 0, reported_ = 0;
};

// The file's own generation date goes into every validation's registry label: kept only when it
// looks like one ("2026-05-12", "2026-08-13T02:07:30.574916747Z"), never arbitrary file bytes.
std::string plausible_date(std::string_view text) {
  if (text.size() < 10 || text.size() > 40 || text[4] != '-' || text[7] != '-') return {};
  for (char c : text)
    if (c == '\0' || !(std::isdigit(static_cast<unsigned char>(c)) || std::strchr("-:.TZ+", c)))
      return {};
  return std::string(text);
}

struct OneFile {
  domain::Registry registry;
  std::string source, generated_at, sha256;
  std::size_t organisations = 0;  // 0: count the registry's EJ
};

std::expected<OneFile, std::string> read_one(const fs::path& path, const std::string& name,
                                             const Progress& progress,
                                             std::vector<std::string>& warnings) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::unexpected(name + " : fichier illisible");
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  std::string head(4096, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(in.gcount()));
  in.clear();
  in.seekg(0);
  HashingFileBuf buf(in, ec ? 0 : size, progress);
  OneFile out;
  if (reference::looks_like_json_or_gzip(head)) {
    std::istream stream(&buf);
    auto file = reference::read_finess_plus(stream, name, &warnings);
    if (!file) return std::unexpected(file.error());
    out.source = "finess-plus";
    out.generated_at = plausible_date(file->generated_at);
    out.organisations = file->organisations;
    std::vector<std::string> duplicates;
    out.registry = domain::Registry::from_source(std::move(file->source), &duplicates);
    for (const auto& f : duplicates)
      warnings.push_back(name + " : FINESS " + f + " en double, la première fiche est gardée");
    out.sha256 = buf.finish();
    return out;
  }
  out.sha256 = buf.finish();  // the CSV formats are read whole below: hash first
  const std::size_t first_warning = warnings.size();
  auto registry = reference::load_registry_file(path, &warnings);
  // The CSV readers name the file by its path: an upload's is a temporary name.
  auto renamed = [&](std::string text) {
    const std::string p = path.string();
    if (p != name && text.starts_with(p)) text.replace(0, p.size(), name);
    return text;
  };
  for (std::size_t i = first_warning; i < warnings.size(); ++i)
    warnings[i] = renamed(std::move(warnings[i]));
  if (!registry) return std::unexpected(renamed(registry.error()));
  out.registry = std::move(*registry);
  if (head.starts_with("finess;etalab;")) {
    out.source = "etalab";
    const auto eol = head.find_first_of("\r\n");
    const std::string_view line = std::string_view(head).substr(0, eol);
    out.generated_at = plausible_date(line.substr(line.rfind(';') + 1));
  } else {
    out.source = "csv";
  }
  if (progress) progress(1.0);
  return out;
}

}  // namespace

std::expected<LoadedRegistry, std::string> load_registry_files(const std::vector<fs::path>& files,
                                                               bool demo, const Progress& progress,
                                                               const std::string& name) {
  LoadedRegistry loaded;
  std::string sha_input;
  std::size_t organisations = 0;
  for (std::size_t i = 0; i < files.size(); ++i) {
    Progress part = [&](double share) {
      return !progress ||
             progress((static_cast<double>(i) + share) / static_cast<double>(files.size()));
    };
    auto one = read_one(files[i], name.empty() ? files[i].string() : name, part, loaded.warnings);
    if (!one) return std::unexpected(one.error());
    auto& info = loaded.info;
    info.source += (info.source.empty() ? "" : "+") + (demo ? std::string("demo") : one->source);
    if (info.generated_at.empty()) info.generated_at = one->generated_at;
    sha_input += one->sha256;
    organisations += one->organisations;
    if (i == 0) {
      loaded.info.sha256 = one->sha256;
      loaded.registry = std::move(one->registry);
    } else {
      loaded.registry.merge(std::move(one->registry), &loaded.warnings);
    }
  }
  if (files.size() > 1) loaded.info.sha256 = sha256_hex(sha_input);  // of the files' hashes
  std::unordered_set<std::string_view> ejs;
  for (const auto& e : loaded.registry.establishments()) {
    ejs.insert(e.ej);
    if (!e.closed_on.empty()) ++loaded.info.closed;
  }
  loaded.info.establishments = loaded.registry.size();
  loaded.info.organisations = std::max(organisations, ejs.size());
  return loaded;
}

void remove_unfinished_uploads(const fs::path& data) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(data, ec)) {
    if (!entry.path().filename().string().starts_with("registry-upload-")) continue;
    std::error_code removed;
    fs::remove(entry.path(), removed);
    if (!removed)
      spdlog::info("registry: removed {}, left by an unfinished upload",
                   entry.path().filename().string());
  }
}

RegistryLoader upload_loader() {
  return [](const fs::path& file, const Progress& progress) {
    return load_registry_files({file}, false, progress, "registre envoyé");
  };
}

}  // namespace grappe::server
