#include "generate.h"

#include <zlib.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "grappe/domain/finess.h"

namespace grappe::bench {
namespace {

using Json = nlohmann::json;

// In the programme's scope (EHPAD, SSIAD, IME, ESAT, …) and a few outside it.
const char* const kCategories[] = {"500", "183", "246", "255", "354", "460", "437",
                                   "182", "214", "177", "340", "202", "209", "381"};
const char* const kWords[] = {"RESIDENCE",  "LES TILLEULS", "SAINT JOSEPH", "LA ROSERAIE",
                              "LES CHENES", "SOLEIL",       "BELLEVUE",     "FOYER",
                              "MAISON",     "ACCUEIL",      "LES PINS",     "VAL FLEURI"};

// `body` (8 digits) with its key, as the domain checks it.
std::string with_key(std::string body) {
  for (char key = '0'; key <= '9'; ++key) {
    body.push_back(key);
    if (domain::finess_key_ok(body)) return body;
    body.pop_back();
  }
  throw std::logic_error("no FINESS key for " + body);
}

std::string finess(int dep, std::size_t serial) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d%06zu", dep, serial % 1000000);
  return with_key(buf);
}

int departement(std::size_t i) {
  const int dep = 1 + static_cast<int>(i % 95);
  return dep == 20 ? 21 : dep;  // Corsica's numbers begin 2A/2B: left out here
}

Json read_sample(const std::filesystem::path& path) {
  gzFile in = gzopen(path.c_str(), "rb");  // reads plain files too
  if (!in) throw std::runtime_error("cannot open " + path.string());
  std::string text;
  char buf[1 << 16];
  for (int n; (n = gzread(in, buf, sizeof buf)) > 0;) text.append(buf, static_cast<std::size_t>(n));
  gzclose(in);
  return Json::parse(text);
}

class GzOut {
 public:
  explicit GzOut(const std::filesystem::path& path) : f_(gzopen(path.c_str(), "wb6")) {
    if (!f_) throw std::runtime_error("cannot write " + path.string());
  }
  ~GzOut() {
    if (f_) gzclose(f_);
  }
  void write(const std::string& s) {
    if (gzwrite(f_, s.data(), static_cast<unsigned>(s.size())) != static_cast<int>(s.size()))
      throw std::runtime_error("gzip write failed");
    bytes += s.size();
  }
  std::uint64_t bytes = 0;

 private:
  gzFile f_;
};

void set_address(Json& addresses, int dep, std::size_t i, std::mt19937& rng) {
  std::uniform_real_distribution<double> jitter(-0.25, 0.25);
  char cog[8], cp[8];
  std::snprintf(cog, sizeof cog, "%02d%03zu", dep, 1 + i % 300);
  std::snprintf(cp, sizeof cp, "%02d%03zu", dep, (i % 9) * 10);
  // Each département around its own point inside metropolitan France.
  const double lat = 43.0 + (dep * 37 % 95) * 0.06 + jitter(rng);
  const double lon = -1.0 + (dep * 53 % 95) * 0.07 + jitter(rng);
  for (auto& a : addresses) {
    a["cogCommune"] = cog;
    a["codePostal"] = cp;
    a["ligneAcheminement"] = "COMMUNE " + std::to_string(i % 300);
    if (a.contains("coordonneesGeographique") && a["coordonneesGeographique"].is_object()) {
      auto& c = a["coordonneesGeographique"];
      c["coordonneeX"] = std::to_string(lon);
      c["coordonneeY"] = std::to_string(lat);
      c["directionLatitude"] = nullptr;  // no Lambert-93 pair: made-up positions have none
      c["directionLongitude"] = nullptr;
    }
  }
}

}  // namespace

GeneratedFile generate_finess_plus(const std::filesystem::path& sample,
                                   const std::filesystem::path& out, std::size_t organisations,
                                   std::size_t establishments) {
  Json file = read_sample(sample);
  std::vector<Json> ej_templates, et_templates;
  for (const auto& pm : file.at("pmej")) {
    Json ej = pm;
    ej["ege"] = Json::array();
    ej_templates.push_back(std::move(ej));
    for (const auto& et : pm.value("ege", Json::array())) et_templates.push_back(et);
  }
  if (ej_templates.empty() || et_templates.empty())
    throw std::runtime_error("the sample holds no EJ or no ET");
  std::mt19937 rng(42);
  GeneratedFile g;
  GzOut gz(out);
  Json head = {{"schemaVersion", file.value("schemaVersion", "v1.0.0")},
               {"generatedAt", "2026-12-01T02:00:00Z"},
               {"gco", file.value("gco", Json::array())},
               {"gcc", file.value("gcc", Json::array())}};
  std::string text = head.dump();
  text.pop_back();  // the closing brace: pmej follows
  gz.write(text + ",\"pmej\":[");
  std::size_t et_serial = 0;
  for (std::size_t i = 0; i < organisations; ++i) {
    const int dep = departement(i);
    Json ej = ej_templates[i % ej_templates.size()];
    auto& info = ej["informationsGeneralesPMEJ"];
    const std::string ej_finess = finess(dep, 500000 + i);
    info["numFinessPm"] = ej_finess;
    info["denominationPm"] = "ORGANISME " + std::to_string(i);
    info["denominationLonguePmSmsse"] = "ORGANISME GESTIONNAIRE " + std::to_string(i);
    info["siren"] = std::to_string(100000000 + i);
    info["dateFermeture"] = nullptr;
    set_address(ej["adresse"], dep, i, rng);
    // As many ET as keep the total on target: 100,000 over 60,000 EJ gives 1 or 2 each.
    const std::size_t want = (i + 1) * establishments / organisations - g.establishments;
    for (std::size_t k = 0; k < want; ++k, ++et_serial) {
      Json et = et_templates[et_serial % et_templates.size()];
      auto& e = et["informationsGeneralesEGE"];
      e["numFinessEge"] = finess(dep, et_serial);
      const std::string word = kWords[et_serial % std::size(kWords)];
      e["nomEgeCourt"] = word + " " + std::to_string(et_serial);
      e["nomEgeLong"] = word + " " + std::to_string(et_serial) + " " +
                        kWords[(et_serial / 12) % std::size(kWords)];
      e["siret"] = std::to_string(10000000000000 + et_serial);
      const bool closed = et_serial % 20 == 0;
      e["dateFermeture"] = closed ? Json("2024-06-30") : Json(nullptr);
      g.closed += closed ? 1 : 0;
      et["categorieentiteGeographiqueExercice"] = kCategories[et_serial % std::size(kCategories)];
      set_address(et["adresse"], dep, et_serial, rng);
      ej["ege"].push_back(std::move(et));
      ++g.establishments;
    }
    gz.write((i == 0 ? "" : ",") + ej.dump());
    ++g.organisations;
  }
  gz.write("]}");
  g.text_bytes = gz.bytes;
  return g;
}

}  // namespace grappe::bench
