// Frames the server writes by hand for speed must be what nlohmann::json would have written.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "grappe/domain/time.h"
#include "json_util.h"
#include "projector.h"

namespace grappe::server {
namespace {

using nlohmann::json;

std::string as_json_string(std::string_view s) {
  std::string out;
  append_json_string(out, s);
  return out;
}

TEST(JsonString, WritesWhatNlohmannWritesForValidText) {
  const std::vector<std::string> samples = {
      "",
      "plain text",
      "quote \" and backslash \\",
      "controls \b\f\n\r\t and \x01\x1f",
      "accents é è à ç, euro €, emoji 😀",
      "delete \x7f stays",
      std::string("nul \0 inside", 12),
  };
  for (const auto& s : samples) {
    EXPECT_EQ(as_json_string(s), json(s).dump()) << s;
  }
}

TEST(JsonString, ReplacesBytesThatAreNotUtf8) {
  const std::vector<std::string> samples = {"\xff", "cut \xc3", "overlong \xc0\xaf",
                                            "surrogate \xed\xa0\x80",
                                            "past U+10FFFF \xf4\x90\x80\x80"};
  for (const auto& s : samples) {
    auto text = as_json_string(s);
    auto parsed = json::parse(text, nullptr, false);
    ASSERT_FALSE(parsed.is_discarded()) << text;
    EXPECT_NE(parsed.get<std::string>().find("\xef\xbf\xbd"), std::string::npos) << text;
  }
}

TEST(EventFrame, IsTheProtocolEventMessage) {
  es::Record r;
  r.position = 42;
  r.stream = "grappe-g1";
  r.version = 7;
  r.id = "e1";
  r.type = "CommentPosted";
  r.data = R"({"text":"Réunion \"jeudi\"\n14 h"})";
  r.actor = {"u-1", "Anne \"A\" Martin"};
  r.command_id = "c-9";
  r.timestamp = std::chrono::sys_time<std::chrono::milliseconds>(
      std::chrono::milliseconds(1'795'000'000'123));
  json expected = {{"type", "event"},
                   {"grappe", "g1"},
                   {"version", 7},
                   {"position", 42},
                   {"event",
                    {{"type", "CommentPosted"},
                     {"data", json::parse(r.data)},
                     {"actor", {{"id", "u-1"}, {"name", "Anne \"A\" Martin"}}},
                     {"at", domain::format_timestamp(r.timestamp)},
                     {"commandId", "c-9"}}}};
  auto frame = event_frame("g1", r);
  EXPECT_EQ(json::parse(frame), expected);
  EXPECT_EQ(frame, expected.dump());  // same bytes: keys in the same order
  EXPECT_EQ(json::parse(frame)["event"], event_json(r));
}

}  // namespace
}  // namespace grappe::server
