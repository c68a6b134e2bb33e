#include "notifier_messages.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "grappe/domain/streams.h"

namespace grappe::server {

namespace {

using domain::Role;
using domain::User;

std::string html_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string str(const nlohmann::json& data, const char* key) {
  auto it = data.find(key);
  return it != data.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The establishment as the grappe knows it: "Name (FINESS)".
std::string establishment(const domain::GrappeState& g, const std::string& finess) {
  const auto* m = g.member(finess);
  return m && !m->name.empty() ? m->name + " (" + finess + ")" : finess;
}

struct Audience {
  std::set<std::string> ejs;  // gestionnaires acting for one of these
  std::string region;         // ARS agents of this region
};

bool concerned(const User& u, const Audience& a) {
  if (u.role == Role::kGestionnaire) {
    for (const auto& ej : u.og)
      if (a.ejs.contains(ej)) return true;
    return false;
  }
  return !a.region.empty() && domain::instructs(u, a.region);
}

}  // namespace

const std::vector<std::string>& notified_types() {
  static const std::vector<std::string> kTold{"EstablishmentInvited", "InvitationAccepted",
                                              "InvitationDeclined",   "MembershipWithdrawn",
                                              "DossierSubmitted",     "DecisionRecorded"};
  return kTold;
}

std::vector<Notice> notices_for(const es::Record& record, const ReadModels& models,
                                const std::string& public_url) {
  const auto& told = notified_types();
  if (std::find(told.begin(), told.end(), record.type) == told.end()) return {};
  if (domain::stream_kind(record.stream) != domain::StreamKind::kGrappe) return {};
  auto grappe = models.grappe(std::string(domain::stream_id(record.stream)));
  if (!grappe) return {};
  auto data = nlohmann::json::parse(record.data, nullptr, false);
  if (!data.is_object()) data = nlohmann::json::object();
  const auto& g = *grappe;
  const std::string& who = record.actor.name.empty() ? record.actor.id : record.actor.name;
  const std::string quoted = "« " + g.name + " »";
  Audience audience;
  Notice n;
  auto finess = str(data, "finess");
  if (record.type == "EstablishmentInvited") {
    auto ej = str(data, "ej");
    auto name = str(data, "name");
    audience.ejs.insert(ej.empty() && g.member(finess) ? g.member(finess)->ej : ej);
    auto what = name.empty() ? establishment(g, finess) : name + " (" + finess + ")";
    n.subject = "Invitation à rejoindre la grappe " + quoted;
    n.summary =
        who + " a invité l’établissement " + what + " à rejoindre la grappe " + quoted + ".";
    n.detail = str(data, "message");
  } else if (record.type == "InvitationAccepted") {
    audience.ejs.insert(g.porteur);
    n.subject = "Invitation acceptée dans la grappe " + quoted;
    n.summary = who + " a accepté l’invitation de " + establishment(g, finess) +
                " : l’établissement rejoint la grappe " + quoted + ".";
  } else if (record.type == "InvitationDeclined") {
    audience.ejs.insert(g.porteur);
    n.subject = "Invitation déclinée dans la grappe " + quoted;
    n.summary = who + " a décliné l’invitation de " + establishment(g, finess) + " à la grappe " +
                quoted + ".";
    n.detail = str(data, "reason");
  } else if (record.type == "MembershipWithdrawn") {
    audience.ejs.insert(g.porteur);
    n.subject = "Retrait d’un établissement de la grappe " + quoted;
    n.summary = who + " a retiré " + establishment(g, finess) + " de la grappe " + quoted + ".";
    n.detail = str(data, "reason");
  } else if (record.type == "DossierSubmitted") {
    audience.region = g.region;
    n.subject = "Dossier déposé : grappe " + quoted;
    n.summary = who + " a déposé le dossier de la grappe " + quoted + " ; il attend l’instruction.";
  } else {  // DecisionRecorded
    audience.ejs.insert(g.porteur);
    for (const auto& m : g.members)
      if (m.status == domain::MemberStatus::kAccepted) audience.ejs.insert(m.ej);
    bool accepted = str(data, "decision") == "accepted";
    n.subject = std::string("Décision sur la grappe ") + quoted + " : dossier " +
                (accepted ? "accepté" : "refusé");
    n.summary = who + " a " + (accepted ? "accepté" : "refusé") + " le dossier de la grappe " +
                quoted + ".";
    n.detail = str(data, "comment");
  }
  n.grappe_name = g.name;
  n.link = public_url + "/#/grappe/" + g.id;
  std::vector<Notice> out;
  for (const auto& u : models.users()) {
    if (u.id == record.actor.id || u.email.empty()) continue;
    if (u.notifications == domain::Notifications::kOff || !concerned(u, audience)) continue;
    auto copy = n;
    copy.user_id = u.id;
    copy.user_name = u.name;
    copy.email = u.email;
    copy.mode = u.notifications;
    out.push_back(std::move(copy));
  }
  return out;
}

namespace {

const char* kFooter =
    "Vous recevez ce message parce que vous participez à cette grappe sur Grappe (Programme "
    "ESMS numérique). Vous pouvez choisir de recevoir un résumé quotidien ou plus rien dans vos "
    "préférences : ";

std::string html_page(const std::string& body, const std::string& public_url) {
  return "<!DOCTYPE html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\"></head>"
         "<body style=\"font-family:sans-serif\">\n" +
         body + "<p style=\"color:#555;font-size:small\">" + html_escape(kFooter) + "<a href=\"" +
         html_escape(public_url + "/#/preferences") + "\">préférences</a>.</p>\n</body></html>\n";
}

}  // namespace

MailText notice_mail(const Notice& n, const std::string& public_url) {
  MailText m;
  m.subject = "[Grappe] " + n.subject;
  m.text = "Bonjour " + n.user_name + ",\n\n" + n.summary + "\n";
  std::string html =
      "<p>Bonjour " + html_escape(n.user_name) + ",</p>\n<p>" + html_escape(n.summary) + "</p>\n";
  if (!n.detail.empty()) {
    m.text += "\n« " + n.detail + " »\n";
    html += "<blockquote>" + html_escape(n.detail) + "</blockquote>\n";
  }
  m.text += "\nVoir la grappe « " + n.grappe_name + " » : " + n.link + "\n\n-- \n" + kFooter +
            public_url + "/#/preferences\n";
  html += "<p><a href=\"" + html_escape(n.link) + "\">Voir la grappe « " +
          html_escape(n.grappe_name) + " »</a></p>\n";
  m.html = html_page(html, public_url);
  return m;
}

MailText digest_mail(const std::vector<Notice>& notices, const std::string& public_url) {
  MailText m;
  const auto count = std::to_string(notices.size());
  m.subject = "[Grappe] Résumé du jour : " + count +
              (notices.size() > 1 ? " nouveautés dans vos grappes" : " nouveauté dans vos grappes");
  const std::string name = notices.empty() ? std::string() : notices.front().user_name;
  m.text = "Bonjour " + name +
           ",\n\nVoici ce qui s’est passé dans vos grappes depuis le dernier "
           "résumé :\n\n";
  std::string html = "<p>Bonjour " + html_escape(name) +
                     ",</p>\n<p>Voici ce qui s’est passé dans vos grappes depuis le dernier "
                     "résumé :</p>\n<ul>\n";
  for (const auto& n : notices) {
    m.text += "- " + n.summary + (n.detail.empty() ? "" : " « " + n.detail + " »") + "\n  " +
              n.link + "\n";
    html += "<li>" + html_escape(n.summary) +
            (n.detail.empty() ? "" : " <q>" + html_escape(n.detail) + "</q>") + " <a href=\"" +
            html_escape(n.link) + "\">Voir la grappe</a></li>\n";
  }
  html += "</ul>\n";
  m.text += "\n-- \n" + std::string(kFooter) + public_url + "/#/preferences\n";
  m.html = html_page(html, public_url);
  return m;
}

}  // namespace grappe::server
