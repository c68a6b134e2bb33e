#include "record_json.h"

#include <charconv>
#include <map>

#include "grappe/domain/time.h"

namespace grappe::admin {
namespace {

using Json = nlohmann::json;

void append_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (u < 0x20) {
      switch (c) {
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        case '\t':
          out += "\\t";
          break;
        case '\b':
          out += "\\b";
          break;
        case '\f':
          out += "\\f";
          break;
        default:
          out += "\\u00";
          out.push_back(kHex[u >> 4]);
          out.push_back(kHex[u & 0xf]);
      }
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// True when `data` can be embedded in a line as it is and found again exactly by split_object.
bool fits_on_a_line(std::string_view data) {
  return !data.empty() && !is_space(data.front()) && !is_space(data.back()) &&
         data.find_first_of("\r\n") == std::string_view::npos;
}

void skip_space(std::string_view text, std::size_t& i) {
  while (i < text.size() && is_space(text[i])) ++i;
}

// Moves `i` past the JSON string starting at text[i] == '"'; false when unterminated.
bool skip_string(std::string_view text, std::size_t& i) {
  for (++i; i < text.size(); ++i) {
    if (text[i] == '\\') {
      ++i;
    } else if (text[i] == '"') {
      ++i;
      return true;
    }
  }
  return false;
}

// Moves `i` past the JSON value starting at text[i] (not checking it: the parsers do).
bool skip_value(std::string_view text, std::size_t& i) {
  if (i >= text.size()) return false;
  if (text[i] == '"') return skip_string(text, i);
  int depth = 0;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c == '"') {
      if (!skip_string(text, i)) return false;
      --i;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (depth == 0) return true;
      if (--depth == 0) {
        ++i;
        return true;
      }
    } else if (depth == 0 && (c == ',' || is_space(c))) {
      return true;
    }
  }
  return depth == 0;
}

// True when a string literal's inside is its own value: printable ASCII, no escape. Anything
// else (escapes, UTF-8, control bytes, bytes that are not UTF-8) goes through the JSON parser,
// which refuses what is not JSON.
bool plain_ascii(std::string_view s) {
  for (char c : s)
    if (c < 0x20 || c > 0x7E || c == '\\') return false;
  return true;
}

// The members of the JSON object `line` as raw value texts, by key.
std::expected<std::map<std::string, std::string_view>, std::string> split_object(
    std::string_view line) {
  std::map<std::string, std::string_view> members;
  std::size_t i = 0;
  skip_space(line, i);
  if (i >= line.size() || line[i] != '{') return std::unexpected("not a JSON object");
  ++i;
  skip_space(line, i);
  if (i < line.size() && line[i] == '}') return members;
  for (;;) {
    skip_space(line, i);
    std::size_t key_begin = i;
    if (i >= line.size() || line[i] != '"' || !skip_string(line, i)) {
      return std::unexpected("malformed member name");
    }
    auto key = Json::parse(line.substr(key_begin, i - key_begin), nullptr, false);
    if (!key.is_string()) return std::unexpected("malformed member name");
    skip_space(line, i);
    if (i >= line.size() || line[i] != ':') return std::unexpected("':' expected");
    ++i;
    skip_space(line, i);
    std::size_t value_begin = i;
    if (!skip_value(line, i) || i == value_begin) return std::unexpected("malformed value");
    members[key.get<std::string>()] = line.substr(value_begin, i - value_begin);
    skip_space(line, i);
    if (i < line.size() && line[i] == ',') {
      ++i;
      continue;
    }
    if (i < line.size() && line[i] == '}') break;
    return std::unexpected("',' or '}' expected");
  }
  skip_space(line, ++i);
  if (i != line.size()) return std::unexpected("text after the object");
  return members;
}

class Fields {
 public:
  explicit Fields(std::map<std::string, std::string_view> m) : members_(std::move(m)) {}

  std::expected<Json, std::string> value(const std::string& name) const {
    auto it = members_.find(name);
    if (it == members_.end()) return std::unexpected("missing field \"" + name + "\"");
    auto json = Json::parse(it->second, nullptr, false);
    if (json.is_discarded()) return std::unexpected("field \"" + name + "\" is not JSON");
    return json;
  }
  bool has(const std::string& name) const { return members_.contains(name); }
  std::string_view raw(const std::string& name) const { return members_.at(name); }

  std::expected<std::string, std::string> text(const std::string& name) const {
    if (auto it = members_.find(name); it != members_.end()) {  // fast path: printable ASCII
      std::string_view raw = it->second;
      if (raw.size() >= 2 && raw.front() == '"' && raw.back() == '"' &&
          plain_ascii(raw.substr(1, raw.size() - 2))) {
        return std::string(raw.substr(1, raw.size() - 2));
      }
    }
    auto v = value(name);
    if (!v) return std::unexpected(v.error());
    if (!v->is_string()) return std::unexpected("field \"" + name + "\" is not a string");
    return v->get<std::string>();
  }
  std::expected<std::uint64_t, std::string> number(const std::string& name) const {
    if (auto it = members_.find(name); it != members_.end()) {  // fast path: plain digits
      std::string_view raw = it->second;
      std::uint64_t n = 0;
      auto [end, ec] = std::from_chars(raw.data(), raw.data() + raw.size(), n);
      if (ec == std::errc() && end == raw.data() + raw.size() && (raw == "0" || raw[0] != '0')) {
        return n;
      }
    }
    auto v = value(name);
    if (!v) return std::unexpected(v.error());
    if (!v->is_number_unsigned()) {
      return std::unexpected("field \"" + name + "\" is not a whole number");
    }
    return v->get<std::uint64_t>();
  }

 private:
  std::map<std::string, std::string_view> members_;
};

// Reads every field of a Record from `f`; the first problem met, if any.
std::expected<es::Record, std::string> record_from(const Fields& f) {
  es::Record r;
  auto position = f.number("position");
  auto version = f.number("version");
  if (!position) return std::unexpected(position.error());
  if (!version) return std::unexpected(version.error());
  r.position = *position;
  r.version = *version;
  for (auto [name, target] : {std::pair{"stream", &r.stream},
                              {"id", &r.id},
                              {"type", &r.type},
                              {"commandId", &r.command_id},
                              {"hash", &r.hash}}) {
    auto t = f.text(name);
    if (!t) return std::unexpected(t.error());
    *target = std::move(*t);
  }
  auto actor = f.value("actor");
  if (!actor) return std::unexpected(actor.error());
  if (!actor->is_object() || !(*actor)["id"].is_string() || !(*actor)["name"].is_string()) {
    return std::unexpected("field \"actor\" is not {\"id\":…,\"name\":…}");
  }
  r.actor = {(*actor)["id"].get<std::string>(), (*actor)["name"].get<std::string>()};
  auto at = f.text("at");
  if (!at) return std::unexpected(at.error());
  if (!es::parse_timestamp(*at, r.timestamp)) {
    return std::unexpected("field \"at\" is not an RFC 3339 timestamp");
  }
  if (f.has("dataText")) {
    auto t = f.text("dataText");
    if (!t) return std::unexpected(t.error());
    r.data = std::move(*t);
  } else if (f.has("data")) {
    r.data = f.raw("data");
  } else {
    return std::unexpected("missing field \"data\"");
  }
  return r;
}

}  // namespace

void append_export_line(const es::Record& r, std::string& out) {
  out += "{\"position\":" + std::to_string(r.position) + ",\"stream\":";
  append_string(out, r.stream);
  out += ",\"version\":" + std::to_string(r.version) + ",\"id\":";
  append_string(out, r.id);
  out += ",\"type\":";
  append_string(out, r.type);
  out += ",\"data\":";
  bool verbatim = fits_on_a_line(r.data);
  out += verbatim ? r.data : Json::parse(r.data, nullptr, false).dump();
  if (!verbatim) {
    out += ",\"dataText\":";
    append_string(out, r.data);
  }
  out += ",\"actor\":{\"id\":";
  append_string(out, r.actor.id);
  out += ",\"name\":";
  append_string(out, r.actor.name);
  out += "},\"at\":";
  append_string(out, domain::format_timestamp(r.timestamp));
  out += ",\"commandId\":";
  append_string(out, r.command_id);
  out += ",\"hash\":";
  append_string(out, r.hash);
  out += '}';
}

std::expected<es::Record, std::string> parse_export_line(std::string_view line) {
  auto members = split_object(line);
  if (!members) return std::unexpected(members.error());
  return record_from(Fields(std::move(*members)));
}

Json event_json(const es::Record& r) {
  auto data = Json::parse(r.data, nullptr, false);
  if (data.is_discarded()) data = Json::object();
  return {{"version", r.version},
          {"position", r.position},
          {"type", r.type},
          {"data", std::move(data)},
          {"actor", {{"id", r.actor.id}, {"name", r.actor.name}}},
          {"at", domain::format_timestamp(r.timestamp)},
          {"commandId", r.command_id},
          {"hash", r.hash},
          {"id", r.id}};
}

}  // namespace grappe::admin
