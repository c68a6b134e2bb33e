// Import: records exported from one store appended as they are to another, chain checked.
#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>

#include "test_util.h"

namespace grappe::es {
namespace {

using namespace std::chrono_literals;
using test::event;
using test::request;

void expect_same(const Record& a, const Record& b) {
  EXPECT_EQ(a.position, b.position);
  EXPECT_EQ(a.stream, b.stream);
  EXPECT_EQ(a.version, b.version);
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.type, b.type);
  EXPECT_EQ(a.data, b.data);
  EXPECT_EQ(a.actor.id, b.actor.id);
  EXPECT_EQ(a.actor.name, b.actor.name);
  EXPECT_EQ(a.command_id, b.command_id);
  EXPECT_EQ(a.timestamp, b.timestamp);
  EXPECT_EQ(a.hash, b.hash);
}

class ImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto& a = *source_;
    ASSERT_TRUE(
        a.append_sync(request("grappe-1", 0, {event("Created", 1), event("Invited", 2)}, "cmd-1")));
    AppendRequest both;
    both.command_id = "cmd-2";
    both.parts.push_back({"grappe-1", 2, {event("Accepted", 3)}});
    both.parts.push_back({"esms-1", 0, {event("Recorded", 4)}});
    ASSERT_TRUE(a.append_sync(std::move(both)));
    for (int i = 0; i < 9; ++i) {
      ASSERT_TRUE(a.append_sync(request("grappe-2", std::nullopt, {event("Commented", 10 + i)})));
    }
    ASSERT_TRUE(a.append_sync(request("grappe-1", 3, {event("Commented", 30)}, "cmd-3")));
    records_ = test::read_everything(a);
    ASSERT_EQ(records_.size(), 14u);
  }

  std::expected<void, StoreError> import_in_chunks(std::size_t chunk) {
    for (std::size_t i = 0; i < records_.size(); i += chunk) {
      auto n = std::min(chunk, records_.size() - i);
      auto r = target_->import(std::span(records_).subspan(i, n));
      if (!r) return r;
    }
    return {};
  }

  test::TempDir dir_a_{"import-a"};
  test::TempDir dir_b_{"import-b"};
  std::unique_ptr<Store> source_ = test::open_store(dir_a_.path());
  std::unique_ptr<Store> target_ = test::open_store(dir_b_.path());
  std::vector<Record> records_;
};

TEST_F(ImportTest, RoundTripGivesIdenticalRecordsAndHead) {
  ASSERT_TRUE(import_in_chunks(5));
  auto imported = test::read_everything(*target_);
  ASSERT_EQ(imported.size(), records_.size());
  for (std::size_t i = 0; i < records_.size(); ++i) expect_same(imported[i], records_[i]);
  EXPECT_EQ(target_->head_hash(), source_->head_hash());
  EXPECT_EQ(target_->last_position(), 14u);
  EXPECT_EQ(target_->stream_version("grappe-1"), 4u);
  EXPECT_EQ(target_->stream_version("esms-1"), 1u);
  auto stream = target_->read_stream("grappe-2", 0, 100, Direction::kForward);
  ASSERT_TRUE(stream);
  EXPECT_EQ(stream->size(), 9u);
  auto v = target_->verify();
  EXPECT_TRUE(v.ok) << v.problem;
  EXPECT_EQ(v.head, source_->head_hash());
}

TEST_F(ImportTest, ImportedCommandIsADuplicateAfterReopen) {
  ASSERT_TRUE(import_in_chunks(1));  // cmd-1's two records arrive in two calls
  target_.reset();
  target_ = test::open_store(dir_b_.path());
  for (const char* id : {"cmd-1", "cmd-2"}) {
    auto again = target_->append_sync(request("grappe-1", std::nullopt, {event("X", 0)}, id));
    ASSERT_TRUE(again);
    EXPECT_TRUE(again->duplicate) << id;
    auto first = source_->find_command(id);
    ASSERT_TRUE(first);
    EXPECT_EQ(again->first_position, first->first_position) << id;
    EXPECT_EQ(again->last_position, first->last_position) << id;
    ASSERT_EQ(again->streams.size(), first->streams.size()) << id;
    for (std::size_t i = 0; i < first->streams.size(); ++i) {
      EXPECT_EQ(again->streams[i].stream, first->streams[i].stream);
      EXPECT_EQ(again->streams[i].version, first->streams[i].version);
    }
  }
  EXPECT_EQ(target_->last_position(), 14u);
}

TEST_F(ImportTest, AppendsContinueTheImportedChain) {
  ASSERT_TRUE(import_in_chunks(100));
  auto r = target_->append_sync(request("grappe-1", 4, {event("Commented", 99)}));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->first_position, 15u);
  EXPECT_TRUE(target_->verify().ok);
}

TEST_F(ImportTest, AlteredRecordIsRefusedWithItsPositionAndNothingWritten) {
  records_[4].data = R"({"n":4,"altered":true})";
  auto r = import_in_chunks(100);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, StoreErrc::kCorrupt);
  EXPECT_NE(r.error().message.find("position 5"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("hash"), std::string::npos) << r.error().message;
  EXPECT_EQ(target_->last_position(), 0u);
  EXPECT_TRUE(test::read_everything(*target_).empty());
  EXPECT_EQ(target_->stream_version("grappe-1"), 0u);
  EXPECT_FALSE(target_->find_command("cmd-1"));
}

TEST_F(ImportTest, AlteredHashIsRefused) {
  records_[13].hash[0] = records_[13].hash[0] == '0' ? '1' : '0';
  auto r = import_in_chunks(100);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("position 14"), std::string::npos) << r.error().message;
  EXPECT_EQ(target_->last_position(), 0u);
}

TEST_F(ImportTest, RecordsThatDoNotContinueTheLogAreRefused) {
  auto gap = target_->import(std::span(records_).subspan(2));
  ASSERT_FALSE(gap);
  EXPECT_EQ(gap.error().code, StoreErrc::kCorrupt);
  EXPECT_NE(gap.error().message.find("position 3"), std::string::npos) << gap.error().message;

  ASSERT_TRUE(target_->import(std::span(records_).first(4)));
  auto again = target_->import(std::span(records_).first(4));
  ASSERT_FALSE(again);
  EXPECT_NE(again.error().message.find("position 1"), std::string::npos);
  EXPECT_EQ(target_->last_position(), 4u);
}

TEST_F(ImportTest, WrongStreamVersionIsRefused) {
  records_[2].version = 5;  // grappe-1 is at version 2 there
  auto r = import_in_chunks(100);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("position 3"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("version 3"), std::string::npos) << r.error().message;
}

TEST_F(ImportTest, DataThatIsNotJsonIsRefused) {
  records_[0].data = "{not json";
  auto r = import_in_chunks(100);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("JSON"), std::string::npos) << r.error().message;
}

TEST_F(ImportTest, SubscribersSeeImportedRecords) {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::uint64_t> seen;
  auto sub = target_->subscribe_all(0, {[&](const Record& r) {
                                          std::lock_guard lock(mu);
                                          seen.push_back(r.position);
                                          cv.notify_all();
                                        },
                                        {},
                                        {}});
  ASSERT_TRUE(import_in_chunks(3));
  std::unique_lock lock(mu);
  ASSERT_TRUE(cv.wait_for(lock, 10s, [&] { return seen.size() >= records_.size(); }));
  for (std::size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i], i + 1);
}

}  // namespace
}  // namespace grappe::es
