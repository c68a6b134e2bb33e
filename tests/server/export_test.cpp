// The grappe exports (PROTOCOL.md v2 "Export") through the real server: the CSV parsed back, the
// XLSX read back by a real reader (Python's openpyxl), a past version, and read rights.
#include "export.h"

#include <gtest/gtest.h>

#include <fstream>
#include <regex>

#include "support.h"
#include "support/process.h"

namespace grappe::test {
namespace {

namespace fs = std::filesystem;
using Rows = std::vector<std::vector<std::string>>;

const std::vector<std::string> kColumns = {"FINESS ET",        "FINESS EJ",
                                           "Raison sociale",   "Organisation",
                                           "Catégorie (code)", "Catégorie (libellé)",
                                           "Département",      "Région",
                                           "Statut",           "Date du dernier statut (UTC)"};

// RFC 4180 with `;`: quoted fields may hold `;`, `""` and line breaks; CRLF or LF ends a record.
Rows parse_csv(std::string_view text) {
  Rows rows(1, std::vector<std::string>(1));
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    auto& field = rows.back().back();
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ';') {
      rows.back().emplace_back();
    } else if (c == '\n') {
      rows.emplace_back(1);
    } else if (c != '\r') {
      field += c;
    }
  }
  if (rows.back() == std::vector<std::string>(1)) rows.pop_back();
  return rows;
}

struct Csv {
  std::vector<std::pair<std::string, std::string>> header;  // the `#` lines
  Rows table;                                               // the columns' row, then members
  std::string value(const std::string& label) const {
    for (const auto& [l, v] : header) {
      if (l == label) return v;
    }
    return "<missing " + label + ">";
  }
};

Csv read_csv(const std::string& text) {
  EXPECT_TRUE(text.starts_with("\xEF\xBB\xBF")) << "no UTF-8 BOM";
  Csv csv;
  for (auto& row : parse_csv(std::string_view(text).substr(3))) {
    if (row[0].starts_with("# ")) {
      csv.header.emplace_back(row[0].substr(2), row.size() > 1 ? row[1] : "");
    } else if (!(row.size() == 1 && row[0].empty())) {
      csv.table.push_back(std::move(row));
    }
  }
  return csv;
}

class ExportTest : public ::testing::Test {
 protected:
  unsigned short port() const { return server_.port(); }
  std::string path(const std::string& what) const { return "/api/grappes/" + grappe_ + what; }

  // The grappe: one of the porteur's establishments invited (version 2) and so accepted at once
  // (3), a partner's invited (4), then a validation (5).
  void build() {
    grappe_ = create_grappe(port(), "Grappe « Médoc » ; test");
    for (const char* finess : {"330010513", kEtPartner}) {
      ASSERT_EQ(
          command(port(), token("porteur"), grappe_, "InviteEstablishment", {{"finess", finess}})
              .status,
          200);
    }
    ASSERT_EQ(
        command(port(), token("porteur"), grappe_, "RequestValidation", json::object()).status,
        200);
  }

  Server server_;
  std::string grappe_;
};

TEST(CsvField, QuotesSeparatorsAndNeutralisesFormulas) {
  using server::csv_field;
  EXPECT_EQ(csv_field("EHPAD Résidence"), "EHPAD Résidence");
  EXPECT_EQ(csv_field("a;b"), "\"a;b\"");
  EXPECT_EQ(csv_field("dit \"oui\""), "\"dit \"\"oui\"\"\"");
  EXPECT_EQ(csv_field("ligne 1\nligne 2"), "\"ligne 1\nligne 2\"");
  EXPECT_EQ(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
  EXPECT_EQ(csv_field("+33"), "'+33");
  EXPECT_EQ(csv_field("-1"), "'-1");
  EXPECT_EQ(csv_field("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(csv_field(""), "");
}

TEST_F(ExportTest, CsvHasTheColumnsTheAccentsAndTheCheckpoint) {
  build();
  auto answer = get(port(), path("/export.csv"), token("porteur"));
  ASSERT_EQ(answer.status, 200) << answer.text;
  auto csv = read_csv(answer.text);
  EXPECT_EQ(csv.value("Grappe"), "Grappe « Médoc » ; test");
  EXPECT_EQ(csv.value("Identifiant"), grappe_);
  EXPECT_EQ(csv.value("Région"), "75 Nouvelle-Aquitaine");
  EXPECT_EQ(csv.value("Porteur"), "330001009 Association Les Chênes Verts (fictif)");
  EXPECT_EQ(csv.value("Statut"), "En constitution");
  EXPECT_EQ(csv.value("Version"), "5");
  EXPECT_TRUE(std::regex_match(csv.value("Exporté le (UTC)"),
                               std::regex(R"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)")));
  auto position = std::stoull(csv.value("Position de la version dans le journal"));
  EXPECT_GE(std::stoull(csv.value("Point de contrôle : taille")), position);
  EXPECT_EQ(csv.value("Point de contrôle : racine (base64)").size(), 44u);
  ASSERT_EQ(csv.table.size(), 3u);
  EXPECT_EQ(csv.table[0], kColumns);
  const auto& row = csv.table[1];
  ASSERT_EQ(row.size(), kColumns.size());
  EXPECT_EQ(row[0], "330010513");
  EXPECT_EQ(row[1], "330001009");
  EXPECT_EQ(row[2], "EHPAD Résidence de l'Estuaire (fictif)");
  EXPECT_EQ(row[3], "Association Les Chênes Verts (fictif)");
  EXPECT_EQ(row[4], "500");
  EXPECT_FALSE(row[5].empty());
  EXPECT_EQ(row[6], "33");
  EXPECT_EQ(row[7], "Nouvelle-Aquitaine");
  EXPECT_EQ(row[8], "Membre");
  EXPECT_TRUE(std::regex_match(row[9], std::regex(R"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)")));
  EXPECT_EQ(csv.table[2][2], "EHPAD Les Hortensias (fictif)");
  EXPECT_EQ(csv.table[2][3], "Fondation Atlantique Solidarité (fictif)");
  EXPECT_EQ(csv.table[2][6], "64");
  EXPECT_EQ(csv.table[2][8], "Invité");
}

TEST_F(ExportTest, AFormulaInTheNameIsNeutralised) {
  grappe_ = create_grappe(port(), "=HYPERLINK(\"http://x\";\"clic\")");
  auto answer = get(port(), path("/export.csv"), token("porteur"));
  ASSERT_EQ(answer.status, 200) << answer.text;
  EXPECT_NE(answer.text.find("# Grappe;\"'=HYPERLINK(\"\"http://x\"\";\"\"clic\"\")\"\r\n"),
            std::string::npos)
      << answer.text;
  EXPECT_EQ(read_csv(answer.text).value("Grappe"), "'=HYPERLINK(\"http://x\";\"clic\")");
}

// Dumps every sheet of the workbook as JSON: {"sheets":[names], "<name>":[[cells as text]],
// "frozen":{"<name>":"A2"}}; a date as "YYYY-MM-DD HH:MM:SS" (rounded to the second), a number
// as an integer when it is one.
constexpr const char* kDumpXlsx = R"(
import datetime, json, sys
import openpyxl
book = openpyxl.load_workbook(sys.argv[1])
def text(v):
    if v is None: return ""
    if isinstance(v, datetime.datetime):
        v = (v + datetime.timedelta(microseconds=500000)).replace(microsecond=0)
        return v.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(v, float) and v.is_integer(): return "#" + str(int(v))
    if isinstance(v, (int, float)): return "#" + str(v)
    return str(v)
out = {"sheets": book.sheetnames, "frozen": {}}
for ws in book.worksheets:
    out[ws.title] = [[text(c) for c in row] for row in ws.iter_rows(values_only=True)]
    out["frozen"][ws.title] = ws.freeze_panes
print(json.dumps(out))
)";

json read_xlsx(const std::string& bytes) {
  TempDir dir;
  auto file = dir.path / "export.xlsx";
  std::ofstream(file, std::ios::binary) << bytes;
  auto run = run_program("/usr/bin/python3", {"-c", kDumpXlsx, file.string()});
  EXPECT_EQ(run.status, 0) << run.err;
  return json::parse(run.out, nullptr, false);
}

TEST_F(ExportTest, XlsxReadByOpenpyxlHasTheCsvRows) {
  build();
  auto csv = read_csv(get(port(), path("/export.csv"), token("porteur")).text);
  auto answer = get(port(), path("/export.xlsx"), token("porteur"));
  ASSERT_EQ(answer.status, 200) << answer.text;
  ASSERT_TRUE(answer.text.starts_with("PK"));
  auto book = read_xlsx(answer.text);
  ASSERT_FALSE(book.is_discarded());
  EXPECT_EQ(book["sheets"], json({"Grappe", "Membres", "Règles"}));
  EXPECT_EQ(book["frozen"]["Membres"], "A2");
  EXPECT_EQ(book["Membres"].get<Rows>(), csv.table);  // every cell of the members is text
  // The header block: labels and values as in the CSV, the version a number.
  const auto grappe = book["Grappe"];
  EXPECT_EQ(grappe[0], json({"Grappe", "Grappe « Médoc » ; test"}));
  bool version_seen = false;
  for (const auto& row : grappe) {
    if (row[0] == "Version") version_seen = row[1] == "#5";
    if (row[0] == "Point de contrôle : racine (base64)") {
      EXPECT_EQ(row[1], csv.value("Point de contrôle : racine (base64)"));
    }
  }
  EXPECT_TRUE(version_seen) << grappe.dump();
  // The rules of the last validation, after their summary.
  const auto rules = book["Règles"].dump();
  EXPECT_NE(rules.find("\"Éligible\""), std::string::npos) << rules;
  EXPECT_NE(rules.find("\"min_size\""), std::string::npos) << rules;
  EXPECT_NE(rules.find("Non conforme"), std::string::npos) << rules;
}

TEST_F(ExportTest, AtVersionGivesTheOlderComposition) {
  build();
  for (const char* format : {"/export.csv", "/export.xlsx"}) {
    auto older = get(port(), path(std::string(format) + "?atVersion=2"), token("porteur"));
    ASSERT_EQ(older.status, 200) << format << older.text;
  }
  auto csv = read_csv(get(port(), path("/export.csv?atVersion=2"), token("porteur")).text);
  EXPECT_EQ(csv.value("Version"), "2");
  ASSERT_EQ(csv.table.size(), 2u);
  EXPECT_EQ(csv.table[1][0], "330010513");
  EXPECT_EQ(csv.table[1][8], "Invité");
  auto book = read_xlsx(get(port(), path("/export.xlsx?atVersion=4"), token("porteur")).text);
  ASSERT_EQ(book["Membres"].size(), 3u);
  EXPECT_EQ(book["Règles"][0][0], "Aucune validation n’a encore été faite.");
  EXPECT_EQ(get(port(), path("/export.csv?atVersion=99"), token("porteur")).status, 404);
  EXPECT_EQ(get(port(), path("/export.csv?atVersion=0"), token("porteur")).status, 404);
  EXPECT_EQ(get(port(), path("/export.csv?atVersion=deux"), token("porteur")).status, 400);
}

TEST_F(ExportTest, WhoMayNotReadTheGrappeGets404) {
  build();
  for (const char* format : {"/export.csv", "/export.xlsx"}) {
    for (const char* user : {"outsider", "ars-idf"}) {
      auto answer = get(port(), path(format), token(user));
      EXPECT_EQ(answer.status, 404) << user << format;
      EXPECT_EQ(answer.body["error"]["code"], "not_found");
    }
    EXPECT_EQ(get(port(), path(format)).status, 401);
    EXPECT_EQ(get(port(), path(format), token("ars")).status, 200);
    EXPECT_EQ(get(port(), path(format), token("auditor")).status, 200);
  }
  EXPECT_EQ(get(port(), "/api/grappes/nope/export.csv", token("auditor")).status, 404);
}

}  // namespace
}  // namespace grappe::test
