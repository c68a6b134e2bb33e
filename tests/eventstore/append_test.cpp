// Appends: expected versions, atomicity, idempotency, record contents.
#include <gtest/gtest.h>

#include <atomic>
#include <future>

#include "test_util.h"

namespace grappe::es {
namespace {

using test::event;
using test::request;

class AppendTest : public ::testing::Test {
 protected:
  test::TempDir dir_{"append"};
  std::unique_ptr<Store> store_ = test::open_store(dir_.path());
};

TEST_F(AppendTest, FirstAppendGetsVersionAndPositionOne) {
  auto r = store_->append_sync(request("s", 0, {event("Created", 1)}));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->first_position, 1u);
  EXPECT_EQ(r->last_position, 1u);
  ASSERT_EQ(r->streams.size(), 1u);
  EXPECT_EQ(r->streams[0].version, 1u);
  EXPECT_FALSE(r->duplicate);
  EXPECT_EQ(store_->stream_version("s"), 1u);
  EXPECT_EQ(store_->last_position(), 1u);
  EXPECT_EQ(store_->head_hash().size(), 64u);
}

TEST_F(AppendTest, RecordKeepsEveryField) {
  AppendRequest req = request("s", std::nullopt, {event("Created", 7)}, "cmd-1");
  req.parts[0].events[0].id = "0b5e5f7e-1c2d-4e3f-8a9b-0c1d2e3f4a5b";
  req.timestamp = std::chrono::sys_time<std::chrono::milliseconds>(std::chrono::milliseconds(1234));
  ASSERT_TRUE(store_->append_sync(req));
  auto records = store_->read_all(0, 10);
  ASSERT_TRUE(records);
  ASSERT_EQ(records->size(), 1u);
  const Record& r = records->front();
  EXPECT_EQ(r.position, 1u);
  EXPECT_EQ(r.stream, "s");
  EXPECT_EQ(r.version, 1u);
  EXPECT_EQ(r.id, "0b5e5f7e-1c2d-4e3f-8a9b-0c1d2e3f4a5b");
  EXPECT_EQ(r.type, "Created");
  EXPECT_EQ(r.data, "{\"n\":7}");
  EXPECT_EQ(r.actor.id, "u-1");
  EXPECT_EQ(r.actor.name, "Alice");
  EXPECT_EQ(r.command_id, "cmd-1");
  EXPECT_EQ(r.timestamp.time_since_epoch().count(), 1234);
  EXPECT_EQ(r.hash, store_->head_hash());
}

TEST_F(AppendTest, MissingEventIdIsGeneratedAsUuid) {
  ASSERT_TRUE(store_->append_sync(request("s", 0, {event("A", 1), event("A", 2)})));
  auto records = store_->read_all(0, 10);
  ASSERT_TRUE(records);
  ASSERT_EQ(records->size(), 2u);
  EXPECT_EQ((*records)[0].id.size(), 36u);
  EXPECT_EQ((*records)[0].id[14], '4');
  EXPECT_NE((*records)[0].id, (*records)[1].id);
}

TEST_F(AppendTest, MultiStreamAppendIsAtomic) {
  ASSERT_TRUE(store_->append_sync(request("b", 0, {event("B", 1)})));
  AppendRequest req = request("a", 0, {event("A", 1), event("A", 2)});
  req.parts.push_back({"b", 0, {event("B", 2)}});  // stale: b is at 1
  auto r = store_->append_sync(req);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, StoreErrc::kVersionConflict);
  ASSERT_EQ(r.error().actual.size(), 2u);
  EXPECT_EQ(r.error().actual[0].stream, "a");
  EXPECT_EQ(r.error().actual[0].version, 0u);
  EXPECT_EQ(r.error().actual[1].version, 1u);
  EXPECT_EQ(store_->stream_version("a"), 0u);
  EXPECT_EQ(store_->last_position(), 1u);

  req.parts[1].expected_version = 1;
  auto ok = store_->append_sync(req);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->first_position, 2u);
  EXPECT_EQ(ok->last_position, 4u);
  EXPECT_EQ(ok->streams[0].version, 2u);
  EXPECT_EQ(ok->streams[1].version, 2u);
}

TEST_F(AppendTest, ExpectedVersionAnyNoStreamAndExact) {
  EXPECT_TRUE(store_->append_sync(request("s", std::nullopt, {event("A", 1)})));
  auto no_stream = store_->append_sync(request("s", 0, {event("A", 2)}));
  ASSERT_FALSE(no_stream);
  EXPECT_EQ(no_stream.error().code, StoreErrc::kVersionConflict);
  EXPECT_FALSE(store_->append_sync(request("s", 2, {event("A", 2)})));
  EXPECT_TRUE(store_->append_sync(request("s", 1, {event("A", 2)})));
  EXPECT_TRUE(store_->append_sync(request("s", std::nullopt, {event("A", 3)})));
  EXPECT_EQ(store_->stream_version("s"), 3u);
}

TEST_F(AppendTest, InvalidRequestsAreRejected) {
  auto bad = [&](AppendRequest r) {
    auto o = store_->append_sync(std::move(r));
    return !o && o.error().code == StoreErrc::kInvalidArgument;
  };
  EXPECT_TRUE(bad(request("", 0, {event("A", 1)})));
  EXPECT_TRUE(bad(request(std::string("a\0b", 3), 0, {event("A", 1)})));
  EXPECT_TRUE(bad(request("s", 0, {NewEvent{"", "", "{}", {}}})));
  EXPECT_TRUE(bad(request("s", 0, {NewEvent{"", "A", "{not json", {}}})));
  AppendRequest twice = request("s", 0, {event("A", 1)});
  twice.parts.push_back({"s", std::nullopt, {event("A", 2)}});
  EXPECT_TRUE(bad(twice));
  EXPECT_EQ(store_->last_position(), 0u);
}

TEST_F(AppendTest, RepeatedCommandReturnsFirstResultAndWritesNothing) {
  AppendRequest req = request("s", 0, {event("A", 1)}, "cmd-1");
  req.outcome = "accepted";
  auto first = store_->append_sync(req);
  ASSERT_TRUE(first);
  req.outcome = "other";
  auto again = store_->append_sync(req);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->first_position, first->first_position);
  EXPECT_EQ(again->streams[0].version, 1u);
  EXPECT_EQ(again->outcome, "accepted");
  EXPECT_EQ(store_->last_position(), 1u);
  auto found = store_->find_command("cmd-1");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->outcome, "accepted");
  EXPECT_FALSE(store_->find_command("cmd-2"));
}

TEST_F(AppendTest, CommandWithoutPartsRecordsItsOutcome) {
  AppendRequest req;
  req.command_id = "rejected-1";
  req.outcome = "{\"rejected\":\"not_porteur\"}";
  auto r = store_->append_sync(req);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->first_position, 0u);
  EXPECT_FALSE(r->duplicate);
  auto again = store_->append_sync(req);
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->outcome, req.outcome);
}

TEST_F(AppendTest, ConflictIsNotRecordedAsCommandOutcome) {
  ASSERT_TRUE(store_->append_sync(request("s", 0, {event("A", 1)})));
  EXPECT_FALSE(store_->append_sync(request("s", 0, {event("A", 2)}, "cmd-x")));
  auto retry = store_->append_sync(request("s", 1, {event("A", 2)}, "cmd-x"));
  ASSERT_TRUE(retry);
  EXPECT_FALSE(retry->duplicate);
}

TEST_F(AppendTest, DuplicatesQueuedTogetherWriteOnce) {
  std::vector<std::promise<AppendOutcome>> results(20);
  for (auto& p : results) {
    store_->append(request("s", std::nullopt, {event("A", 1)}, "same"),
                   [&p](AppendOutcome o) { p.set_value(std::move(o)); });
  }
  int originals = 0;
  for (auto& p : results) {
    auto o = p.get_future().get();
    ASSERT_TRUE(o);
    EXPECT_EQ(o->first_position, 1u);
    originals += o->duplicate ? 0 : 1;
  }
  EXPECT_EQ(originals, 1);
  EXPECT_EQ(store_->last_position(), 1u);
}

TEST_F(AppendTest, IdempotencySurvivesRestart) {
  AppendRequest req = request("s", 0, {event("A", 1)}, "cmd-r");
  req.outcome = "ok";
  ASSERT_TRUE(store_->append_sync(req));
  store_.reset();
  store_ = test::open_store(dir_.path());
  auto again = store_->append_sync(req);
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->outcome, "ok");
  EXPECT_EQ(store_->last_position(), 1u);
}

TEST_F(AppendTest, ReopenContinuesPositionsVersionsAndChain) {
  ASSERT_TRUE(store_->append_sync(request("s", 0, {event("A", 1), event("A", 2)})));
  std::string head = store_->head_hash();
  store_.reset();
  store_ = test::open_store(dir_.path());
  EXPECT_EQ(store_->last_position(), 2u);
  EXPECT_EQ(store_->head_hash(), head);
  auto r = store_->append_sync(request("s", 2, {event("A", 3)}));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->first_position, 3u);
  EXPECT_TRUE(store_->verify().ok);
}

// A stream's version is read back from the stream index: neighbours in key order (a name that
// extends another, names before and after) must not lend it theirs, after a reopen too.
TEST_F(AppendTest, StreamVersionsAmongNeighbourStreamsSurviveReopen) {
  ASSERT_TRUE(store_->append_sync(request("s", 0, {event("A", 1), event("A", 2)})));
  ASSERT_TRUE(store_->append_sync(request("s2", 0, {event("A", 1)})));
  ASSERT_TRUE(
      store_->append_sync(request("s-1", 0, {event("A", 1), event("A", 2), event("A", 3)})));
  store_.reset();
  store_ = test::open_store(dir_.path());
  EXPECT_EQ(store_->stream_version("s"), 2u);
  EXPECT_EQ(store_->stream_version("s2"), 1u);
  EXPECT_EQ(store_->stream_version("s-1"), 3u);
  for (const char* absent : {"a", "r", "s-", "s1", "s3", "t"}) {
    EXPECT_EQ(store_->stream_version(absent), 0u) << absent;
  }
  EXPECT_FALSE(store_->append_sync(request("s", 1, {event("A", 3)})));  // its head is 2
  EXPECT_TRUE(store_->append_sync(request("s", 2, {event("A", 3)})));
  EXPECT_TRUE(store_->append_sync(request("t", 0, {event("A", 1)})));
}

TEST_F(AppendTest, CloseFinishesQueuedAppends) {
  // The destructor finishes what is queued: every callback runs exactly once.
  std::atomic<int> done{0};
  for (int i = 0; i < 50; ++i) {
    store_->append(request("s", std::nullopt, {event("A", i)}), [&](AppendOutcome o) {
      EXPECT_TRUE(o);
      ++done;
    });
  }
  store_.reset();
  EXPECT_EQ(done.load(), 50);
  store_ = test::open_store(dir_.path());
  EXPECT_EQ(store_->last_position(), 50u);
}

TEST_F(AppendTest, CheckpointIsAnOpenableCopy) {
  ASSERT_TRUE(store_->append_sync(request("s", 0, {event("A", 1)})));
  auto copy = dir_.path() / "copy";
  ASSERT_TRUE(store_->checkpoint(copy));
  ASSERT_TRUE(store_->append_sync(request("s", 1, {event("A", 2)})));
  auto backup = test::open_store(copy);
  EXPECT_EQ(backup->last_position(), 1u);
  EXPECT_TRUE(backup->verify().ok);
}

TEST(StoreErrcText, NamesEveryCode) {
  EXPECT_EQ(to_string(StoreErrc::kVersionConflict), "version_conflict");
  EXPECT_EQ(to_string(StoreErrc::kLocked), "locked");
}

}  // namespace
}  // namespace grappe::es
