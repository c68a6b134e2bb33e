#include "binary.h"

#include <cstdint>

namespace grappe::projections {
namespace {

constexpr std::uint8_t kFormat = 1;

class Writer {
 public:
  void u(std::uint64_t v) {
    while (v >= 0x80) {
      out.push_back(static_cast<char>((v & 0x7F) | 0x80));
      v >>= 7;
    }
    out.push_back(static_cast<char>(v));
  }
  void i(std::int64_t v) {
    u((static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63));
  }
  void s(std::string_view v) {
    u(v.size());
    out.append(v);
  }
  void b(bool v) { out.push_back(v ? 1 : 0); }
  std::string out;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool ok() const { return ok_; }
  bool at_end() const { return pos_ == in_.size(); }

  std::uint64_t u() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= in_.size()) return fail();
      auto byte = static_cast<std::uint8_t>(in_[pos_++]);
      v |= static_cast<std::uint64_t>(byte & 0x7F) << shift;
      if (!(byte & 0x80)) return v;
    }
    return fail();
  }
  std::int64_t i() {
    auto v = u();
    return static_cast<std::int64_t>((v >> 1) ^ (~(v & 1) + 1));
  }
  int small() { return static_cast<int>(i()); }
  std::string s() {
    auto n = u();
    if (!ok_ || n > in_.size() - pos_) return fail(), std::string();
    std::string v(in_.substr(pos_, n));
    pos_ += n;
    return v;
  }
  bool b() { return u() != 0; }
  // A count of items each at least one byte long: never more than the bytes left.
  std::size_t count() {
    auto n = u();
    if (n > in_.size() - pos_) return fail(), 0;
    return n;
  }
  template <typename Enum>
  Enum e(Enum last) {
    auto v = u();
    if (v > static_cast<std::uint64_t>(last)) return fail(), last;
    return static_cast<Enum>(v);
  }

 private:
  std::uint64_t fail() {
    ok_ = false;
    pos_ = in_.size();
    return 0;
  }
  std::string_view in_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

void put_actor(Writer& w, const domain::Actor& a) {
  w.s(a.id);
  w.s(a.name);
}
domain::Actor get_actor(Reader& r) {
  domain::Actor a;
  a.id = r.s();
  a.name = r.s();
  return a;
}

void put_report(Writer& w, const domain::ValidationReport& v) {
  w.b(v.eligible);
  w.i(v.members);
  w.i(v.threshold);
  w.s(v.registry);
  w.u(v.rules.size());
  for (const auto& rule : v.rules) {
    w.s(rule.rule);
    w.u(static_cast<std::uint64_t>(rule.outcome));
    w.s(rule.detail);
    w.u(rule.finess.size());
    for (const auto& f : rule.finess) w.s(f);
  }
}
domain::ValidationReport get_report(Reader& r) {
  domain::ValidationReport v;
  v.eligible = r.b();
  v.members = r.small();
  v.threshold = r.small();
  v.registry = r.s();
  for (auto n = r.count(); n > 0 && r.ok(); --n) {
    domain::RuleResult rule;
    rule.rule = r.s();
    rule.outcome = r.e(domain::Outcome::kFail);
    rule.detail = r.s();
    for (auto m = r.count(); m > 0 && r.ok(); --m) rule.finess.push_back(r.s());
    v.rules.push_back(std::move(rule));
  }
  return v;
}

}  // namespace

std::string encode_grappe(const domain::GrappeState& s) {
  Writer w;
  // Reserved once (growing a large buffer copies it each time): strings plus a few bytes each.
  std::size_t size = 1024 + s.description.size();
  for (const auto& m : s.members) {
    size += 32 + m.finess.size() + m.ej.size() + m.name.size() + m.category.size() +
            m.departement.size() + m.since.size();
  }
  for (const auto& comment : s.comments) {
    size += 16 + comment.text.size() + comment.by.id.size() + comment.by.name.size() +
            comment.at.size();
  }
  w.out.reserve(size);
  w.u(kFormat);
  w.u(s.version);
  for (const auto* f : {&s.id, &s.name, &s.call, &s.region, &s.porteur, &s.description}) w.s(*f);
  w.b(s.dui.has_value());
  if (s.dui) {
    w.s(s.dui->vendor);
    w.s(s.dui->software);
  }
  w.u(static_cast<std::uint64_t>(s.status));
  w.i(s.threshold);
  w.u(s.members.size());
  for (const auto& m : s.members) {
    for (const auto* f : {&m.finess, &m.ej, &m.name, &m.category, &m.departement}) w.s(*f);
    w.u(static_cast<std::uint64_t>(m.status));
    w.s(m.since);
  }
  const auto& c = s.counts;
  for (int n : {c.invited, c.accepted, c.declined, c.revoked, c.withdrawn, c.removed}) w.i(n);
  w.b(s.last_validation.has_value());
  if (s.last_validation) put_report(w, *s.last_validation);
  w.s(s.last_validation_at);
  w.b(s.decision.has_value());
  if (s.decision) {
    w.b(s.decision->accepted);
    w.s(s.decision->comment);
    put_actor(w, s.decision->by);
    w.s(s.decision->at);
  }
  w.u(s.comments.size());
  for (const auto& comment : s.comments) {
    w.s(comment.text);
    put_actor(w, comment.by);
    w.s(comment.at);
  }
  w.s(s.created_at);
  return std::move(w.out);
}

std::expected<domain::GrappeState, std::string> decode_grappe(std::string_view bytes) {
  Reader r(bytes);
  if (r.u() != kFormat) return std::unexpected("format d'état inconnu");
  domain::GrappeState s;
  s.version = r.u();
  for (auto* f : {&s.id, &s.name, &s.call, &s.region, &s.porteur, &s.description}) *f = r.s();
  if (r.b()) {
    domain::Dui dui;
    dui.vendor = r.s();
    dui.software = r.s();
    s.dui = std::move(dui);
  }
  s.status = r.e(domain::GrappeStatus::kRejected);
  s.threshold = r.small();
  auto members = r.count();
  s.members.reserve(members);
  for (; members > 0 && r.ok(); --members) {
    domain::Member m;
    for (auto* f : {&m.finess, &m.ej, &m.name, &m.category, &m.departement}) *f = r.s();
    m.status = r.e(domain::MemberStatus::kRemoved);
    m.since = r.s();
    s.member_index.emplace(m.finess, s.members.size());
    s.members.push_back(std::move(m));
  }
  auto& c = s.counts;
  for (int* n : {&c.invited, &c.accepted, &c.declined, &c.revoked, &c.withdrawn, &c.removed}) {
    *n = r.small();
  }
  if (r.b()) s.last_validation = get_report(r);
  s.last_validation_at = r.s();
  if (r.b()) {
    domain::DecisionInfo d;
    d.accepted = r.b();
    d.comment = r.s();
    d.by = get_actor(r);
    d.at = r.s();
    s.decision = std::move(d);
  }
  for (auto n = r.count(); n > 0 && r.ok(); --n) {
    domain::Comment comment;
    comment.text = r.s();
    comment.by = get_actor(r);
    comment.at = r.s();
    s.comments.push_back(std::move(comment));
  }
  s.created_at = r.s();
  if (!r.ok() || !r.at_end()) return std::unexpected("état tronqué ou illisible");
  return s;
}

std::string encode_esms(const domain::EsmsState& s) {
  Writer w;
  w.u(kFormat);
  w.u(s.version);
  w.u(s.memberships.size());
  for (const auto& m : s.memberships) {
    w.s(m.grappe);
    w.s(m.call);
    w.s(m.status);
  }
  const bool has_profile = s.profile != domain::EstablishmentProfileUpdated{};
  w.b(has_profile);
  if (has_profile) w.s(domain::encode(domain::Event(s.profile)).dump());
  return std::move(w.out);
}

std::expected<domain::EsmsState, std::string> decode_esms(std::string_view bytes) {
  Reader r(bytes);
  if (r.u() != kFormat) return std::unexpected("format d'état inconnu");
  domain::EsmsState s;
  s.version = r.u();
  for (auto n = r.count(); n > 0 && r.ok(); --n) {
    domain::EsmsState::Membership m;
    m.grappe = r.s();
    m.call = r.s();
    m.status = r.s();
    s.memberships.push_back(std::move(m));
  }
  if (r.b()) {
    auto json = nlohmann::json::parse(r.s(), nullptr, false);
    auto event = domain::decode("EstablishmentProfileUpdated", json);
    if (!event) return std::unexpected("profil illisible : " + event.error());
    s.profile = std::get<domain::EstablishmentProfileUpdated>(*event);
  }
  if (!r.ok() || !r.at_end()) return std::unexpected("état tronqué ou illisible");
  return s;
}

}  // namespace grappe::projections
