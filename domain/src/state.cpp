#include "grappe/domain/state.h"

namespace grappe::domain {

std::string_view to_string(GrappeStatus status) {
  switch (status) {
    case GrappeStatus::kOpen:
      return "open";
    case GrappeStatus::kSubmitted:
      return "submitted";
    case GrappeStatus::kAccepted:
      return "accepted";
    case GrappeStatus::kRejected:
      break;
  }
  return "rejected";
}

std::string_view to_string(MemberStatus status) {
  switch (status) {
    case MemberStatus::kInvited:
      return "invited";
    case MemberStatus::kAccepted:
      return "accepted";
    case MemberStatus::kDeclined:
      return "declined";
    case MemberStatus::kRevoked:
      return "revoked";
    case MemberStatus::kWithdrawn:
      return "withdrawn";
    case MemberStatus::kRemoved:
      break;
  }
  return "removed";
}

int& MemberCounts::operator[](MemberStatus status) {
  switch (status) {
    case MemberStatus::kInvited:
      return invited;
    case MemberStatus::kAccepted:
      return accepted;
    case MemberStatus::kDeclined:
      return declined;
    case MemberStatus::kRevoked:
      return revoked;
    case MemberStatus::kWithdrawn:
      return withdrawn;
    case MemberStatus::kRemoved:
      break;
  }
  return removed;
}

const Member* GrappeState::member(std::string_view finess) const {
  const auto it = member_index.find(std::string(finess));
  return it == member_index.end() ? nullptr : &members[it->second];
}

namespace {

// One small handler per event; each mutates the state it is given.
struct Apply {
  GrappeState& s;
  const EventMeta& meta;

  Member* find(const std::string& finess) {
    const auto it = s.member_index.find(finess);
    return it == s.member_index.end() ? nullptr : &s.members[it->second];
  }
  // Moves a member from one status to another, keeping the counts.
  void move(const std::string& finess, MemberStatus from, MemberStatus to) {
    Member* m = find(finess);
    if (!m || m->status != from) return;
    --s.counts[from];
    ++s.counts[to];
    m->status = to;
    m->since = meta.at;
  }

  void operator()(const GrappeCreated& e) {
    s.id = e.id;
    s.name = e.name;
    s.call = e.call;
    s.region = e.region;
    s.porteur = e.porteur;
    s.description = e.description;
    s.dui = e.dui;
    s.threshold = e.threshold;
    s.created_at = meta.at;
  }
  void operator()(const DetailsUpdated& e) {
    if (e.name) s.name = *e.name;
    if (e.description) s.description = *e.description;
    if (e.dui) s.dui = e.dui;
  }
  void operator()(const EstablishmentInvited& e) {
    Member fresh{e.finess, e.ej, e.name, e.category, e.departement, MemberStatus::kInvited,
                 meta.at};
    if (Member* m = find(e.finess)) {
      if (m->status == MemberStatus::kInvited || m->status == MemberStatus::kAccepted) return;
      --s.counts[m->status];
      *m = std::move(fresh);
    } else {
      s.member_index.emplace(e.finess, s.members.size());
      s.members.push_back(std::move(fresh));
    }
    ++s.counts.invited;
  }
  void operator()(const InvitationAccepted& e) {
    move(e.finess, MemberStatus::kInvited, MemberStatus::kAccepted);
  }
  void operator()(const InvitationRevoked& e) {
    move(e.finess, MemberStatus::kInvited, MemberStatus::kRevoked);
  }
  void operator()(const InvitationDeclined& e) {
    move(e.finess, MemberStatus::kInvited, MemberStatus::kDeclined);
  }
  void operator()(const MembershipWithdrawn& e) {
    move(e.finess, MemberStatus::kAccepted, MemberStatus::kWithdrawn);
  }
  void operator()(const MemberRemoved& e) {
    move(e.finess, MemberStatus::kAccepted, MemberStatus::kRemoved);
  }
  void operator()(const CommentPosted& e) {
    s.comments.push_back(Comment{e.text, Actor{meta.actor_id, meta.actor_name}, meta.at});
  }
  void operator()(const ValidationCompleted& e) {
    s.last_validation = e.report;
    s.last_validation_at = meta.at;
    s.threshold = e.report.threshold;
  }
  void operator()(const DossierSubmitted&) {
    if (s.status == GrappeStatus::kOpen) s.status = GrappeStatus::kSubmitted;
  }
  void operator()(const DossierReopened&) {
    if (s.status == GrappeStatus::kSubmitted) s.status = GrappeStatus::kOpen;
  }
  void operator()(const DecisionRecorded& e) {
    if (s.status != GrappeStatus::kSubmitted) return;
    s.status = e.accepted ? GrappeStatus::kAccepted : GrappeStatus::kRejected;
    s.decision =
        DecisionInfo{e.accepted, e.comment, Actor{meta.actor_id, meta.actor_name}, meta.at};
  }
  // Events of other streams do not change a grappe.
  void operator()(const MembershipRecorded&) {}
  void operator()(const MembershipEnded&) {}
  void operator()(const EstablishmentProfileUpdated&) {}
  void operator()(const UserSaved&) {}
  void operator()(const UserRevoked&) {}
};

}  // namespace

void evolve_in_place(GrappeState& state, const Event& event, const EventMeta& meta) {
  std::visit(Apply{state, meta}, event);
  state.version = meta.version;
}

GrappeState evolve(GrappeState state, const Event& event, const EventMeta& meta) {
  evolve_in_place(state, event, meta);
  return state;
}

const EsmsState::Membership* EsmsState::accepted_in(std::string_view call) const {
  for (const Membership& m : memberships)
    if (m.call == call && m.status == "accepted") return &m;
  return nullptr;
}

namespace {

struct ApplyEsms {
  EsmsState& s;

  void operator()(const MembershipRecorded& e) {
    s.memberships.push_back(EsmsState::Membership{e.grappe, e.call, "accepted"});
  }
  void operator()(const MembershipEnded& e) {
    for (auto& m : s.memberships)
      if (m.grappe == e.grappe && m.call == e.call && m.status == "accepted") m.status = e.reason;
  }
  void operator()(const EstablishmentProfileUpdated& e) {
    if (e.dui) s.profile.dui = e.dui;
    if (e.publics) s.profile.publics = e.publics;
    if (e.looking_for_grappe) s.profile.looking_for_grappe = e.looking_for_grappe;
    if (e.note) s.profile.note = e.note;
  }
  void operator()(const auto&) {}
};

}  // namespace

void evolve_esms_in_place(EsmsState& state, const Event& event, const EventMeta& meta) {
  std::visit(ApplyEsms{state}, event);
  state.version = meta.version;
}

EsmsState evolve_esms(EsmsState state, const Event& event, const EventMeta& meta) {
  evolve_esms_in_place(state, event, meta);
  return state;
}

}  // namespace grappe::domain
