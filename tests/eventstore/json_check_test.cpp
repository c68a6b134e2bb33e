// The store's JSON check agrees with nlohmann::json::accept.
#include "json_check.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>

namespace grappe::es::detail {
namespace {

const char* const kValid[] = {"{}",
                              "[]",
                              "0",
                              "-0.5e+10",
                              "1E-3",
                              " 1 ",
                              "\"\"",
                              "true",
                              "false",
                              "null",
                              "\"\\u00e9\\\"\\\\\\/\\b\\f\\n\\r\\t\"",
                              "{\"a\":[1,2,{\"b\":null}],\"c\":true}",
                              "\"\xc3\xa9\"",
                              "\"\\ud83d\\ude00\"",
                              "\"\xf0\x9f\x98\x80\"",
                              "\r\n\t[ 1 , \"x\" ]\n"};

const char* const kInvalid[] = {"",
                                " ",
                                "{",
                                "}",
                                "{\"a\"}",
                                "{\"a\":1,}",
                                "[1,]",
                                "[,1]",
                                "01",
                                "1.",
                                ".5",
                                "1e",
                                "+1",
                                "-",
                                "\"a",
                                "\"\\x\"",
                                "\"\\u12\"",
                                "\"\\ud800\"",
                                "\"\\udc00\"",
                                "\"\\ud800\\u0041\"",
                                "tru",
                                "nul",
                                "[1] 2",
                                "\"\x01\"",
                                "\"\xff\"",
                                "\"\xc0\xaf\"",
                                "\"\xed\xa0\x80\"",
                                "{1:2}",
                                "[\"a\" \"b\"]",
                                "NaN",
                                "'a'"};

TEST(JsonCheck, AcceptsJsonTexts) {
  for (const char* s : kValid) {
    EXPECT_TRUE(is_json_text(s)) << s;
    EXPECT_TRUE(nlohmann::json::accept(s)) << s;
  }
}

TEST(JsonCheck, RejectsWhatIsNotJson) {
  for (const char* s : kInvalid) {
    EXPECT_FALSE(is_json_text(s)) << s;
    EXPECT_FALSE(nlohmann::json::accept(std::string(s))) << s;
  }
}

TEST(JsonCheck, RejectsNestingDeeperThan256) {
  EXPECT_TRUE(is_json_text(std::string(256, '[') + std::string(256, ']')));
  EXPECT_FALSE(is_json_text(std::string(257, '[') + std::string(257, ']')));
}

TEST(JsonCheck, AgreesWithNlohmannOnMutatedTexts) {
  std::mt19937 rng(42);
  const std::string alphabet = "{}[]:,\"\\u0123456789abcdefABCDEF.eE+- \ttrue\xc3\xa9\xff\x01";
  int accepted = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string s = kValid[rng() % std::size(kValid)];
    for (int k = 0, n = 1 + static_cast<int>(rng() % 3); k < n; ++k) {
      std::size_t at = s.empty() ? 0 : rng() % (s.size() + 1);
      char c = alphabet[rng() % alphabet.size()];
      switch (rng() % 3) {
        case 0:
          s.insert(s.begin() + at, c);
          break;
        case 1:
          if (at < s.size()) s.erase(at, 1);
          break;
        default:
          if (at < s.size()) s[at] = c;
      }
    }
    bool expected = nlohmann::json::accept(s);
    ASSERT_EQ(is_json_text(s), expected) << "for: " << s;
    accepted += expected;
  }
  EXPECT_GT(accepted, 1000);
}

}  // namespace
}  // namespace grappe::es::detail
