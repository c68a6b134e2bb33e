// Private: builds the DOM of one JSON record from SAX events, with its object keys normalised
// (normalised_key()) so that a reader finds a field whatever the case or underscores its writer
// used. A filter may leave fields out: their events are consumed and nothing is built for them,
// which is most of the cost of a record. Used by one thread.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace grappe::reference::internal {

// "informationsGeneralesPMEJ", "pm_smsseId" → "informationsgeneralespmej", "pmsmsseid".
inline void normalise_key(std::string_view key, std::string& out) {
  out.clear();
  for (char c : key) {
    if (c == '_' || c == '-') continue;
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
}

inline std::string normalised_key(std::string_view key) {
  std::string out;
  normalise_key(key, out);
  return out;
}

// Whether to build the field `key` of an object placed under `context` (the normalised key of
// the object, or of the array holding it; the record's own context for its root), `depth` the
// object's depth in the record (1: the record itself).
using KeepField = bool (*)(std::string_view context, std::size_t depth, std::string_view key);

class JsonCapture {
 public:
  // Starts a record: a container (object or array) whose start event was just seen. The record
  // is built into `root`, which must outlive the capture.
  void begin(nlohmann::json& root, bool object, std::string_view context, KeepField keep) {
    root = object ? nlohmann::json::object() : nlohmann::json::array();
    stack_.clear();
    stack_.push_back({&root, std::string(context)});
    keep_ = keep;
    skip_ = 0;
    skip_next_ = false;
  }
  bool active() const { return !stack_.empty(); }
  std::size_t depth() const { return stack_.size() + skip_; }
  void abandon() { stack_.clear(); }

  // True when the next scalar is left out (inside a field left out, or the field itself, which
  // this call then consumes): the caller need not build it, nor call value().
  bool drops_scalar() {
    if (skip_ > 0) return true;
    if (!skip_next_) return false;
    skip_next_ = false;
    return true;
  }
  void value(nlohmann::json v) {
    if (!drops_scalar()) place(std::move(v));
  }
  void open(bool object) {
    if (skip_ > 0 || skip_next_) {
      ++skip_;
      skip_next_ = false;
      return;
    }
    const Level& top = stack_.back();
    std::string context = top.node->is_array() ? top.context : key_;
    nlohmann::json* node = place(object ? nlohmann::json::object() : nlohmann::json::array());
    stack_.push_back({node, std::move(context)});
  }
  void key(std::string_view k) {
    if (skip_ > 0) return;
    normalise_key(k, key_);
    const Level& top = stack_.back();
    if (keep_ && !keep_(top.context, stack_.size(), key_)) {
      skip_next_ = true;
      return;
    }
    slot_ = &(*top.node)[key_];
  }
  // True when this closes the record itself.
  bool close() {
    if (skip_ > 0) {
      --skip_;
      return false;
    }
    stack_.pop_back();
    return stack_.empty();
  }

 private:
  struct Level {
    nlohmann::json* node;
    std::string context;
  };

  nlohmann::json* place(nlohmann::json v) {
    nlohmann::json& top = *stack_.back().node;
    if (top.is_array()) {
      top.push_back(std::move(v));
      return &top.back();
    }
    *slot_ = std::move(v);
    return slot_;
  }

  std::vector<Level> stack_;
  nlohmann::json* slot_ = nullptr;
  std::string key_;  // the last key, normalised
  KeepField keep_ = nullptr;
  std::size_t skip_ = 0;
  bool skip_next_ = false;
};

}  // namespace grappe::reference::internal
