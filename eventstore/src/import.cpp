// Writer::import: records exported elsewhere, checked against the tail of this log and written
// as they are.
#include <algorithm>

#include "codec.h"
#include "db.h"
#include "fanout.h"
#include "json_check.h"
#include "util.h"
#include "writer.h"

namespace grappe::es::detail {

std::expected<void, StoreError> Writer::import(std::span<const Record> records) {
  {
    std::lock_guard lock(queue_mu_);
    if (stopping_) return std::unexpected(make_error(StoreErrc::kClosed, "event store is closed"));
  }
  std::lock_guard commit_lock(commit_mu_);
  std::size_t bytes = 256;
  for (const auto& r : records) bytes += 192 + 2 * r.stream.size() + r.data.size();
  Staging st(bytes);
  begin(st, records.size());
  for (const auto& r : records) {
    if (auto problem = stage_imported(r, st); !problem.empty()) {
      return std::unexpected(make_error(
          StoreErrc::kCorrupt, "import refused at position " + std::to_string(r.position) + ": " +
                                   problem + "; nothing of this batch was written"));
    }
  }
  end_tree(st);
  if (!st.dirty) return {};
  if (auto suspended = suspension()) {
    return std::unexpected(make_error(StoreErrc::kIo, "writes suspended: " + *suspended));
  }
  if (auto s = write(st); !s.ok()) {
    suspend(fault_reason(s));
    return std::unexpected(io_error(s, "import not written"));
  }
  apply(st);
  fanout_.publish(std::make_shared<const std::vector<Record>>(std::move(st.records)));
  return {};
}

std::string Writer::stage_imported(const Record& r, Staging& st) {
  if (r.position != st.position + 1) {
    return "the log continues at position " + std::to_string(st.position + 1);
  }
  if (r.stream.empty() || r.stream.find('\0') != std::string::npos) {
    return "stream name empty or containing NUL";
  }
  auto head = head_of(r.stream, st);
  if (!head) return head.error().message;
  if (r.version != *head + 1) {
    return "stream " + r.stream + " continues at version " + std::to_string(*head + 1) +
           ", the record has version " + std::to_string(r.version);
  }
  if (r.id.empty()) return "event id is empty";
  if (r.type.empty()) return "event type is empty";
  if (!is_json_text(r.data)) return "event data is not a JSON text";
  std::string value;
  encode_canonical(r, value);
  unsigned char hash[kHashSize];
  chain_hash(st.hash, value, hash);
  std::string_view computed(reinterpret_cast<const char*>(hash), kHashSize);
  if (to_hex(computed) != r.hash) {
    return "hash mismatch: the record was altered or does not follow the previous one";
  }
  stage_leaf(value, st);
  st.hash.assign(computed);
  value.append(st.hash);
  st.batch.Put(db_.log(), be64(r.position), value);
  st.batch.Put(db_.streams(), stream_key(r.stream, r.version), be64(r.position));
  st.position = r.position;
  st.heads[r.stream] = r.version;
  if (!r.command_id.empty()) {
    if (auto problem = stage_command(r, st); !problem.empty()) return problem;
  }
  st.records.push_back(r);
  st.dirty = true;
  return {};
}

// A command's events are consecutive in the log: a record extends the result of its command
// when it directly follows that result's last record; an unknown command id starts a result.
std::string Writer::stage_command(const Record& r, Staging& st) {
  auto it = st.commands.find(r.command_id);
  if (it == st.commands.end()) {
    auto known = db_.command(r.command_id);
    if (!known) return known.error().message;
    AppendResult result;
    if (*known) {
      if ((*known)->last_position == 0 || (*known)->last_position + 1 != r.position) return {};
      result = std::move(**known);
      result.duplicate = false;
    }
    it = st.commands.emplace(r.command_id, std::move(result)).first;
  } else if (it->second.last_position + 1 != r.position) {
    return {};
  }
  AppendResult& result = it->second;
  if (result.first_position == 0) result.first_position = r.position;
  result.last_position = r.position;
  auto s = std::find_if(result.streams.begin(), result.streams.end(),
                        [&](const StreamVersion& v) { return v.stream == r.stream; });
  if (s == result.streams.end()) {
    result.streams.push_back({r.stream, r.version});
  } else {
    s->version = r.version;
  }
  st.batch.Put(db_.commands(), r.command_id, encode_result(result));
  return {};
}

}  // namespace grappe::es::detail
