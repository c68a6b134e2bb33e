// The export's document (French labels, as the web client words them) and its CSV form.
#include <array>

#include "export.h"
#include "grappe/domain/finess.h"

namespace grappe::server {

namespace {

constexpr std::array kMemberColumns = {"FINESS ET",        "FINESS EJ",
                                       "Raison sociale",   "Organisation",
                                       "Catégorie (code)", "Catégorie (libellé)",
                                       "Département",      "Région",
                                       "Statut",           "Date du dernier statut (UTC)"};

constexpr std::array kRuleColumns = {"Règle", "Intitulé", "Résultat", "Détail", "FINESS concernés"};

std::string grappe_status_label(domain::GrappeStatus s) {
  switch (s) {
    case domain::GrappeStatus::kOpen:
      return "En constitution";
    case domain::GrappeStatus::kSubmitted:
      return "Dossier déposé";
    case domain::GrappeStatus::kAccepted:
      return "Retenue";
    case domain::GrappeStatus::kRejected:
      return "Non retenue";
  }
  return "";
}

std::string member_status_label(domain::MemberStatus s) {
  switch (s) {
    case domain::MemberStatus::kInvited:
      return "Invité";
    case domain::MemberStatus::kAccepted:
      return "Membre";
    case domain::MemberStatus::kDeclined:
      return "A décliné";
    case domain::MemberStatus::kRevoked:
      return "Invitation révoquée";
    case domain::MemberStatus::kWithdrawn:
      return "S’est retiré";
    case domain::MemberStatus::kRemoved:
      return "Retiré par le porteur";
  }
  return "";
}

std::string rule_label(std::string_view rule) {
  static const std::array<std::pair<std::string_view, const char*>, 9> kLabels = {{
      {"min_size", "Nombre minimal d’établissements"},
      {"min_organisations", "Organismes gestionnaires distincts"},
      {"max_size", "Taille maximale"},
      {"same_region", "Même région"},
      {"exclusive_membership", "Une seule grappe par appel"},
      {"eligible_category", "Catégorie éligible"},
      {"known_establishment", "Établissement connu du FINESS"},
      {"open_establishment", "Établissements ouverts"},
      {"pending_invitations", "Invitations sans réponse"},
  }};
  for (const auto& [code, text] : kLabels) {
    if (code == rule) return text;
  }
  return std::string(rule);
}

std::string outcome_label(domain::Outcome o) {
  switch (o) {
    case domain::Outcome::kPass:
      return "Conforme";
    case domain::Outcome::kWarn:
      return "À vérifier";
    case domain::Outcome::kFail:
      return "Non conforme";
  }
  return "";
}

// "75 Nouvelle-Aquitaine"; the code alone when unknown.
std::string region_text(std::string_view code) {
  auto name = domain::region_name(code);
  return name.empty() ? std::string(code) : std::string(code) + " " + name;
}

std::string joined(const std::string& a, const std::string& b) {
  return b.empty() ? a : a.empty() ? b : a + " " + b;
}

ExportRow member_row(const domain::Member& m, const domain::Registry& registry) {
  const domain::Establishment* e = registry.find(m.finess);
  auto region = domain::region_of_departement(m.departement);
  auto region_label = domain::region_name(region);
  return {ExportCell::of(m.finess),
          ExportCell::of(m.ej),
          ExportCell::of(m.name),
          ExportCell::of(registry.ej_name(m.ej)),
          ExportCell::of(m.category),
          ExportCell::of(e ? e->category_label : ""),
          ExportCell::of(m.departement),
          ExportCell::of(region_label.empty() ? region : region_label),
          ExportCell::of(member_status_label(m.status)),
          m.since.empty() ? ExportCell::of("") : ExportCell::time(m.since)};
}

void add_validation(ExportDocument& doc, const domain::GrappeState& s) {
  doc.rule_columns.assign(kRuleColumns.begin(), kRuleColumns.end());
  if (!s.last_validation) return;
  const auto& v = *s.last_validation;
  doc.validation = {
      {"Validation du", ExportCell::time(s.last_validation_at)},
      {"Éligible", ExportCell::of(v.eligible ? "Oui" : "Non")},
      {"Membres acceptés", ExportCell::of(static_cast<std::uint64_t>(v.members))},
      {"Seuil", ExportCell::of(static_cast<std::uint64_t>(v.threshold))},
      {"Registre", ExportCell::of(v.registry)},
  };
  for (const auto& r : v.rules) {
    std::string finess;
    for (const auto& f : r.finess) finess += (finess.empty() ? "" : ", ") + f;
    doc.rules.push_back({ExportCell::of(r.rule), ExportCell::of(rule_label(r.rule)),
                         ExportCell::of(outcome_label(r.outcome)), ExportCell::of(r.detail),
                         ExportCell::of(finess)});
  }
}

}  // namespace

ExportDocument make_export(const domain::GrappeState& s, const domain::Registry& registry,
                           const domain::CallConfig& config, const ExportCheckpoint& checkpoint,
                           const std::string& exported_at) {
  ExportDocument doc;
  doc.file_stem = "grappe-" + s.id + "-v" + std::to_string(s.version);
  const domain::Call* call = config.find(s.call);
  doc.header = {
      {"Grappe", ExportCell::of(s.name)},
      {"Identifiant", ExportCell::of(s.id)},
      {"Appel à projets",
       ExportCell::of(call && !call->label.empty() ? call->label + " (" + s.call + ")" : s.call)},
      {"Région", ExportCell::of(region_text(s.region))},
      {"Porteur", ExportCell::of(joined(s.porteur, registry.ej_name(s.porteur)))},
      {"Statut", ExportCell::of(grappe_status_label(s.status))},
      {"Version", ExportCell::of(s.version)},
      {"Exporté le (UTC)", ExportCell::time(exported_at)},
      {"Journal (origine)", ExportCell::of(checkpoint.origin)},
      {"Position de la version dans le journal", ExportCell::of(checkpoint.position)},
      {"Point de contrôle : taille", ExportCell::of(checkpoint.size)},
      {"Point de contrôle : racine (base64)", ExportCell::of(checkpoint.root_base64)},
  };
  doc.columns.assign(kMemberColumns.begin(), kMemberColumns.end());
  doc.members.reserve(s.members.size());
  for (const auto& m : s.members) doc.members.push_back(member_row(m, registry));
  add_validation(doc, s);
  return doc;
}

std::string csv_field(std::string_view value) {
  std::string text;
  if (!value.empty() &&
      std::string_view("=+-@\t\r").find(value.front()) != std::string_view::npos) {
    text = "'";
  }
  text += value;
  if (text.find_first_of("\";\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + '"';
}

std::string csv_time(std::string_view t) {
  // "YYYY-MM-DDTHH:MM:SS…" → "YYYY-MM-DD HH:MM:SS"; anything else as is.
  if (t.size() < 19 || t[10] != 'T') return std::string(t);
  std::string out(t.substr(0, 19));
  out[10] = ' ';
  return out;
}

namespace {

std::string csv_cell(const ExportCell& c) {
  return csv_field(c.kind == ExportCell::Kind::kTimestamp ? csv_time(c.text) : c.text);
}

// One header line's value has no line break: it stays on its `#` line.
std::string one_line(std::string text) {
  for (char& c : text) {
    if (c == '\r' || c == '\n') c = ' ';
  }
  return text;
}

}  // namespace

bool write_csv(const ExportDocument& doc, std::FILE* out) {
  std::string text = "\xEF\xBB\xBF";
  for (const auto& [label, value] : doc.header) {
    ExportCell flat = value;
    flat.text = one_line(flat.text);
    text += "# " + label + ";" + csv_cell(flat) + "\r\n";
  }
  text += "\r\n";
  for (std::size_t i = 0; i < doc.columns.size(); ++i) {
    text += (i ? ";" : "") + csv_field(doc.columns[i]);
  }
  text += "\r\n";
  // Written as it goes, a few rows at a time.
  for (const auto& row : doc.members) {
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (i) text += ';';
      text += csv_cell(row[i]);
    }
    text += "\r\n";
    if (text.size() >= 16384) {
      if (std::fwrite(text.data(), 1, text.size(), out) != text.size()) return false;
      text.clear();
    }
  }
  return std::fwrite(text.data(), 1, text.size(), out) == text.size() && std::fflush(out) == 0;
}

}  // namespace grappe::server
