// grappe-admin export/import, backup/restore, verify, and a folder held by another process.
#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include "admin_fixture.h"

namespace grappe::admin {
namespace {

namespace fs = std::filesystem;
using test::admin;

class TransferTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = test::sample_store(data_);
    head_ = store->head_hash();
  }
  std::string data_arg(const fs::path& dir) const { return "--data=" + dir.string(); }
  // Exports data_ to a file and returns its path.
  fs::path export_file() {
    auto r = admin({"export", data_arg(data_)});
    EXPECT_EQ(r.status, 0) << r.err;
    write_file(work_.path / "export.jsonl", r.out);
    return work_.path / "export.jsonl";
  }
  static void write_file(const fs::path& f, const std::string& text) { test::write_file(f, text); }

  test::TempDir work_{"transfer"};
  fs::path data_ = work_.path / "data";
  std::string head_;
};

TEST_F(TransferTest, ExportImportExportIsByteForByte) {
  auto first = export_file();
  auto text = test::read_file(first);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 13);
  auto target = work_.path / "copy";
  auto imported = admin({"import", data_arg(target)}, first);
  ASSERT_EQ(imported.status, 0) << imported.err;
  EXPECT_NE(imported.out.find(head_), std::string::npos) << imported.out;
  auto again = admin({"export", data_arg(target)});
  ASSERT_EQ(again.status, 0) << again.err;
  EXPECT_EQ(again.out, text);
  auto verified = admin({"verify", data_arg(target)});
  EXPECT_EQ(verified.status, 0) << verified.err;
  EXPECT_NE(verified.out.find(head_), std::string::npos);
}

TEST_F(TransferTest, DataTextsThatAreNotCompactSurviveTheRoundTrip) {
  {
    auto store = es::Store::open(data_).value();
    es::AppendRequest r;
    r.command_id = "cmd \"quoted\" \\ \u0001";  // escaped in the export line
    r.parts.push_back({"other",
                       std::nullopt,
                       {{"", "Raw", "{ \"b\": 1,  \"a\" : [1.0, 2e3, \"\\u00e9\"] }", {"x", "X"}},
                        {"", "Raw", "{\"z\":1,\n\"y\":2}\n", {"x", "X"}},
                        {"", "Raw", "\t17", {"x\"y", "Zoé \\ \"Z\"\t"}}}});
    ASSERT_TRUE(store->append_sync(std::move(r)));
  }
  auto first = export_file();
  auto target = work_.path / "copy";
  auto imported = admin({"import", data_arg(target)}, first);
  ASSERT_EQ(imported.status, 0) << imported.err;
  auto again = admin({"export", data_arg(target)});
  EXPECT_EQ(again.out, test::read_file(first));
  auto store = es::Store::open(target).value();
  auto records = test::all_records(*store);
  ASSERT_EQ(records.size(), 16u);
  EXPECT_EQ(records[13].data, "{ \"b\": 1,  \"a\" : [1.0, 2e3, \"\\u00e9\"] }");
  EXPECT_EQ(records[14].data, "{\"z\":1,\n\"y\":2}\n");
  EXPECT_EQ(records[15].data, "\t17");
  EXPECT_EQ(records[15].actor.name, "Zoé \\ \"Z\"\t");
  EXPECT_EQ(records[15].command_id, "cmd \"quoted\" \\ \u0001");
}

TEST_F(TransferTest, AlteredExportIsRefusedWithItsPositionAndLeavesNothing) {
  auto text = test::read_file(export_file());
  auto at = text.find("IME Les Chênes");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 3, "EEA");  // line 6, position 6: still a well-formed line
  write_file(work_.path / "altered.jsonl", text);
  auto target = work_.path / "copy";
  fs::create_directories(target);
  auto r = admin({"import", data_arg(target)}, work_.path / "altered.jsonl");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("position 6"), std::string::npos) << r.err;
  EXPECT_TRUE(fs::is_empty(target));
}

TEST_F(TransferTest, ImportIntoANewFolderThatFailsDoesNotCreateIt) {
  auto text = test::read_file(export_file());
  text.erase(text.find('\n') + 1, text.find('\n', text.find('\n') + 1) - text.find('\n'));
  write_file(work_.path / "gap.jsonl", text);  // line 2 removed: the log jumps to position 3
  auto target = work_.path / "copy";
  auto r = admin({"import", data_arg(target)}, work_.path / "gap.jsonl");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("position 3"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(target));
}

TEST_F(TransferTest, MalformedLineIsABadFile) {
  auto text = test::read_file(export_file());
  write_file(work_.path / "bad.jsonl", text + "{\"position\":14,\n");
  auto r = admin({"import", data_arg(work_.path / "copy")}, work_.path / "bad.jsonl");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("line 14"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(work_.path / "copy"));
}

TEST_F(TransferTest, ImportIntoANonEmptyStoreIsRefused) {
  auto r = admin({"import", data_arg(data_)}, export_file());
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("already holds 13 events"), std::string::npos) << r.err;
  auto store = es::Store::open(data_).value();
  EXPECT_EQ(store->last_position(), 13u);
  EXPECT_TRUE(store->verify().ok);
}

TEST_F(TransferTest, HeldFolderExitsThreeWithAClearMessage) {
  auto held = es::Store::open(data_).value();
  for (const std::vector<std::string>& args : {std::vector<std::string>{"verify"},
                                               {"export"},
                                               {"history", "--grappe", test::kGrappeA},
                                               {"backup", "--to", (work_.path / "b").string()}}) {
    auto with_data = args;
    with_data.push_back(data_arg(data_));
    auto r = admin(with_data);
    EXPECT_EQ(r.status, 3) << args[0] << ": " << r.err;
    EXPECT_NE(r.err.find("held by a running server"), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
  auto restore = admin({"restore", "--force", "--from", data_.string(), data_arg(data_)});
  EXPECT_EQ(restore.status, 3) << restore.err;
}

TEST_F(TransferTest, BackupWipeRestoreGivesTheSameHead) {
  auto backup = work_.path / "backup";
  auto b = admin({"backup", "--to", backup.string(), data_arg(data_)});
  ASSERT_EQ(b.status, 0) << b.err;
  EXPECT_NE(b.out.find(head_), std::string::npos);
  EXPECT_EQ(admin({"backup", "--to", backup.string(), data_arg(data_)}).status, 2);
  fs::remove_all(data_);
  auto r = admin({"restore", "--from", backup.string(), data_arg(data_)});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find(head_), std::string::npos) << r.out;
  auto v = admin({"verify", data_arg(data_)});
  EXPECT_EQ(v.status, 0);
  EXPECT_NE(v.out.find("events checked: 13"), std::string::npos) << v.out;
  EXPECT_NE(v.out.find(head_), std::string::npos);
}

TEST_F(TransferTest, RestoreOverANonEmptyFolderNeedsForce) {
  auto backup = work_.path / "backup";
  ASSERT_EQ(admin({"backup", "--to", backup.string(), data_arg(data_)}).status, 0);
  {
    auto store = es::Store::open(data_).value();
    ASSERT_TRUE(store->append_sync({"", {{"later", std::nullopt, {{"", "E", "{}", {}}}}}, ""}));
  }
  auto refused = admin({"restore", "--from", backup.string(), data_arg(data_)});
  EXPECT_EQ(refused.status, 1);
  EXPECT_NE(refused.err.find("--force"), std::string::npos) << refused.err;
  EXPECT_EQ(es::Store::open(data_).value()->last_position(), 14u);
  auto forced = admin({"restore", "--force", "--from", backup.string(), data_arg(data_)});
  ASSERT_EQ(forced.status, 0) << forced.err;
  auto store = es::Store::open(data_).value();
  EXPECT_EQ(store->last_position(), 13u);
  EXPECT_EQ(store->head_hash(), head_);
}

// Changes one byte of the data of the record at `position`, as someone with disk access could.
void tamper(const fs::path& dir, std::uint64_t position) {
  std::vector<std::string> names;
  ASSERT_TRUE(rocksdb::DB::ListColumnFamilies({}, dir.string(), &names).ok());
  std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
  for (const auto& n : names) cfs.emplace_back(n, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  ASSERT_TRUE(rocksdb::DB::Open({}, dir.string(), cfs, &handles, &db).ok());
  auto log = handles[std::find(names.begin(), names.end(), "log") - names.begin()];
  std::string key(8, '\0');
  for (int i = 0; i < 8; ++i) key[7 - i] = static_cast<char>((position >> (8 * i)) & 0xff);
  std::string value;
  EXPECT_TRUE(db->Get({}, log, key, &value).ok());
  auto at = value.find("Les Pins");
  EXPECT_NE(at, std::string::npos);
  if (at != std::string::npos) value[at + 4] = 'R';  // "Les Rins"
  EXPECT_TRUE(db->Put({}, log, key, value).ok());
  for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
  delete db;
}

TEST_F(TransferTest, VerifyOfATamperedStoreExitsOneWithThePosition) {
  tamper(data_, 2);
  auto r = admin({"verify", data_arg(data_)});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.out.find("events checked: 1\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("first bad position: 2 ("), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("BROKEN"), std::string::npos) << r.out;
}

TEST_F(TransferTest, RestoreOfABrokenBackupIsRefused) {
  auto backup = work_.path / "backup";
  ASSERT_EQ(admin({"backup", "--to", backup.string(), data_arg(data_)}).status, 0);
  tamper(backup, 2);
  auto target = work_.path / "restored";
  auto r = admin({"restore", "--from", backup.string(), data_arg(target)});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("position 2"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(target));
}

}  // namespace
}  // namespace grappe::admin
