#include "grappe/tlog/receipt.h"

#include <chrono>
#include <cstdio>

#include "grappe/tlog/checkpoint.h"
#include "grappe/tlog/proof.h"

namespace grappe::tlog {
namespace {

// The record's canonical bytes, decoded here on their own (format 1: u8 format, u64be position,
// version and timestamp, then seven strings each after its LEB128 length).
struct Decoded {
  std::uint64_t position = 0, version = 0, timestamp_ms = 0;
  std::string stream, id, type, data, actor_id, actor_name, command_id;
};

bool take_u64(std::string_view& in, std::uint64_t& v) {
  if (in.size() < 8) return false;
  v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(in[i]);
  in.remove_prefix(8);
  return true;
}

bool take_string(std::string_view& in, std::string& s) {
  std::uint64_t n = 0;
  for (int shift = 0;; shift += 7) {
    if (in.empty() || shift > 63) return false;
    const auto b = static_cast<unsigned char>(in.front());
    in.remove_prefix(1);
    n |= static_cast<std::uint64_t>(b & 0x7f) << shift;
    if (b < 0x80) break;
  }
  if (n > in.size()) return false;
  s.assign(in.substr(0, n));
  in.remove_prefix(n);
  return true;
}

std::optional<Decoded> decode(std::string_view in) {
  Decoded d;
  std::uint64_t ts = 0;
  if (in.empty() || in.front() != 1) return std::nullopt;
  in.remove_prefix(1);
  if (!take_u64(in, d.position) || !take_u64(in, d.version) || !take_u64(in, ts)) {
    return std::nullopt;
  }
  d.timestamp_ms = ts;
  for (auto* s : {&d.stream, &d.id, &d.type, &d.data, &d.actor_id, &d.actor_name, &d.command_id}) {
    if (!take_string(in, *s)) return std::nullopt;
  }
  if (!in.empty()) return std::nullopt;
  return d;
}

ReceiptCheck fail(ReceiptCheck r, std::string why) {
  r.ok = false;
  r.message = std::move(why);
  return r;
}

// RFC 3339 UTC with milliseconds, as PROTOCOL.md writes `at`.
std::string rfc3339(std::uint64_t ms) {
  using namespace std::chrono;
  const sys_time<milliseconds> t{milliseconds(static_cast<std::int64_t>(ms))};
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss hms{t - day};
  char out[40];
  std::snprintf(out, sizeof out, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", int(ymd.year()),
                unsigned(ymd.month()), unsigned(ymd.day()), int(hms.hours().count()),
                int(hms.minutes().count()), int(hms.seconds().count()),
                int(hms.subseconds().count()));
  return out;
}

// Empty when the event shown agrees with the record; else the first difference.
std::string compare_event(const nlohmann::json& event, const Decoded& d) {
  if (!event.is_object()) return "the receipt has no event";
  auto differs = [&](const char* field, const nlohmann::json& want) {
    return event.contains(field) && event[field] != want;
  };
  if (differs("type", d.type)) return "type";
  if (differs("version", d.version)) return "version";
  if (differs("position", d.position)) return "position";
  if (differs("commandId", d.command_id)) return "commandId";
  if (differs("id", d.id)) return "id";
  if (differs("at", rfc3339(d.timestamp_ms))) return "at";
  if (event.contains("actor") &&
      event["actor"] != nlohmann::json{{"id", d.actor_id}, {"name", d.actor_name}}) {
    return "actor";
  }
  if (event.contains("data")) {
    auto data = nlohmann::json::parse(d.data, nullptr, false);
    if (data.is_discarded() || data != event["data"]) return "data";
  }
  return {};
}

ReceiptCheck check(const nlohmann::json& receipt, const VerifierKey& key);

}  // namespace

ReceiptCheck check_receipt(const nlohmann::json& receipt, const VerifierKey& key) {
  try {
    return check(receipt, key);
  } catch (const nlohmann::json::exception&) {  // a field of the wrong type
    return fail({}, "not a receipt: a field has the wrong type");
  }
}

namespace {

ReceiptCheck check(const nlohmann::json& receipt, const VerifierKey& key) {
  ReceiptCheck r;
  if (!receipt.is_object()) return fail(r, "not a receipt (a JSON object is expected)");
  auto text = [&](const char* field) {
    auto it = receipt.find(field);
    return it != receipt.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  r.grappe = text("grappe");
  r.version = receipt.value("version", std::uint64_t{0});
  r.position = receipt.value("position", std::uint64_t{0});
  auto proof_json = receipt.find("proof");
  if (r.grappe.empty() || r.position == 0 || proof_json == receipt.end() ||
      !proof_json->is_array()) {
    return fail(r, "not a receipt: grappe, position or proof missing");
  }
  auto checkpoint = open_checkpoint(text("checkpoint"), key);
  if (!checkpoint) return fail(r, "checkpoint refused: " + checkpoint.error());
  r.size = checkpoint->size;
  auto record = unbase64(text("record"));
  if (!record) return fail(r, "record is not base64");
  const std::string leaf = rfc_leaf_hash(*record);
  if (base64(leaf) != text("leafHash")) return fail(r, "leafHash is not the record's hash");
  std::vector<std::string> proof;
  for (const auto& p : *proof_json) {
    auto h = p.is_string() ? unbase64(p.get<std::string>()) : std::unexpected("");
    if (!h || h->size() != 32) return fail(r, "proof holds something other than hashes");
    proof.push_back(std::move(*h));
  }
  if (!verify_inclusion(r.position - 1, r.size, leaf, proof, checkpoint->root)) {
    return fail(r,
                "the inclusion proof does not lead to the checkpoint's root: the record at "
                "position " +
                    std::to_string(r.position) + " is not proven in this log");
  }
  auto decoded = decode(*record);
  if (!decoded) return fail(r, "the record's bytes do not decode");
  if (decoded->position != r.position) return fail(r, "the record claims another position");
  if (decoded->stream != "grappe-" + r.grappe || decoded->version != r.version) {
    return fail(
        r, "the record is not version " + std::to_string(r.version) + " of grappe " + r.grappe);
  }
  if (auto field = compare_event(receipt.value("event", nlohmann::json()), *decoded);
      !field.empty()) {
    return fail(r, "the event shown differs from the record (" + field + ")");
  }
  r.type = decoded->type;
  r.ok = true;
  r.message = "event " + r.type + " (version " + std::to_string(r.version) + " of grappe " +
              r.grappe + ") is in the log of " + key.name + " at position " +
              std::to_string(r.position) + ", proven against its signed checkpoint of size " +
              std::to_string(r.size);
  return r;
}

}  // namespace
}  // namespace grappe::tlog
