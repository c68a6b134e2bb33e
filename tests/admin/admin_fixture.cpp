#include "admin_fixture.h"

#include <gtest/gtest.h>

#include <fstream>
#include <stdexcept>

#include "grappe/domain/streams.h"
#include "sanitized.h"

namespace grappe::admin::test {

namespace fs = std::filesystem;
namespace d = grappe::domain;

void write_file(const fs::path& file, const std::string& text) {
  std::ofstream out(file, std::ios::binary);
  out << text;
}

Run admin(const std::vector<std::string>& args, const fs::path& input) {
  auto r = grappe::test::run_program(GRAPPE_ADMIN, args, {.input = input});
  grappe::test::expect_no_sanitizer_report(r.err, "grappe-admin");
  return r;
}

namespace {

struct Part {
  std::string stream;
  std::vector<d::Event> events;
};

// Appends one command's events at minute `minute` of the sample day, as `actor`.
void command(es::Store& store, int minute, const std::string& actor, std::vector<Part> parts) {
  es::AppendRequest request;
  request.command_id = "cmd-" + std::to_string(minute);
  request.timestamp = kStartDay + std::chrono::minutes(minute) + std::chrono::milliseconds(123);
  for (auto& part : parts) {
    es::AppendPart p{part.stream, std::nullopt, {}};
    for (const auto& e : part.events) {
      p.events.push_back(
          {"", std::string(d::type_name(e)), d::encode(e).dump(), {actor, "User " + actor}});
    }
    request.parts.push_back(std::move(p));
  }
  auto r = store.append_sync(std::move(request));
  if (!r) throw std::runtime_error("append: " + r.error().message);
}

d::EstablishmentInvited invited(const std::string& finess, const std::string& name) {
  return {finess, "330000000", name, "500", "33", "Bienvenue"};
}

Part accepted(const std::string& grappe, const std::string& finess) {
  return {d::grappe_stream(grappe), {d::InvitationAccepted{finess}}};
}

Part recorded(const std::string& grappe, const std::string& finess) {
  return {d::esms_stream(finess), {d::MembershipRecorded{grappe, "default"}}};
}

}  // namespace

std::unique_ptr<es::Store> sample_store(const fs::path& dir) {
  auto opened = es::Store::open(dir);
  if (!opened) throw std::runtime_error("open: " + opened.error().message);
  auto& store = **opened;
  const std::string a = d::grappe_stream(kGrappeA), b = d::grappe_stream(kGrappeB);
  d::GrappeCreated created_a{
      kGrappeA,          "Grappe Gironde",           "default", "75", "330000000",
      "Dossier « été »", d::Dui{"Éditeur", "DUI 2"}, 15};
  d::GrappeCreated created_b{kGrappeB, "Grappe Landes", "default", "75", "400000000", "", {}, 15};
  command(store, 0, "claire", {{a, {created_a}}});
  command(store, 1, "claire", {{a, {invited("330000017", "EHPAD Les Pins")}}});
  command(store, 2, "marc", {accepted(kGrappeA, "330000017"), recorded(kGrappeA, "330000017")});
  command(store, 3, "louise", {{b, {created_b}}});
  command(store, 4, "claire",
          {{a, {invited("330000025", "IME Les Chênes"), invited("330000033", "SSIAD Océan")}}});
  command(store, 5, "louise", {{b, {invited("400000019", "FAM Dunes")}}});
  command(store, 6, "marc", {{a, {d::InvitationDeclined{"330000025", "déjà engagé"}}}});
  command(store, 7, "claire", {{a, {d::CommentPosted{"Bonjour \"à tous\"\nligne 2 \\ fin"}}}});
  command(store, 8, "paul", {accepted(kGrappeB, "400000019"), recorded(kGrappeB, "400000019")});
  command(store, 9, "claire", {{a, {d::DetailsUpdated{"Grappe Gironde 2", {}, {}}}}});
  return std::move(*opened);
}

std::vector<es::Record> all_records(es::Store& store) {
  std::vector<es::Record> all;
  for (;;) {
    auto page = store.read_all(all.empty() ? 0 : all.back().position, 1000);
    if (!page) throw std::runtime_error("read_all: " + page.error().message);
    if (page->empty()) return all;
    all.insert(all.end(), page->begin(), page->end());
  }
}

}  // namespace grappe::admin::test
