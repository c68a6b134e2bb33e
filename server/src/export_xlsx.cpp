// The export as an XLSX workbook, with libxlsxwriter (Debian's libxlsxwriter-dev: a small C
// library made for writing XLSX, so that the server writes no ZIP or SpreadsheetML itself).
// Constant-memory mode: each sheet's rows go to a temporary file as they are written, so a
// grappe of any size costs a few kilobytes of memory; rows must then be written in order.
#include <xlsxwriter.h>

#include <algorithm>
#include <memory>

#include "export.h"
#include "grappe/domain/time.h"

namespace grappe::server {

namespace {

struct Formats {
  lxw_format* bold = nullptr;     // labels of the header block
  lxw_format* heading = nullptr;  // the columns' row: bold on grey
  lxw_format* time = nullptr;     // dates
  lxw_format* wrap = nullptr;     // long texts (rules' details)
};

// Width of `text` in characters (UTF-8 code points).
std::size_t chars(std::string_view text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

double width_of(std::size_t chars, double max) {
  return std::clamp(static_cast<double>(chars) + 2, 8.0, max);
}

class Writer {
 public:
  Writer(lxw_workbook* book, const Formats& formats) : book_(book), f_(formats) {}

  lxw_error cell(lxw_worksheet* sheet, lxw_row_t row, lxw_col_t col, const ExportCell& c,
                 lxw_format* text_format = nullptr) {
    switch (c.kind) {
      case ExportCell::Kind::kNumber:
        return worksheet_write_number(sheet, row, col, c.number, nullptr);
      case ExportCell::Kind::kTimestamp:
        if (auto t = domain::parse_timestamp(c.text)) {
          auto seconds = std::chrono::floor<std::chrono::seconds>(*t).time_since_epoch().count();
          return worksheet_write_unixtime(sheet, row, col, seconds, f_.time);
        }
        [[fallthrough]];
      case ExportCell::Kind::kText:
        if (c.text.empty()) return LXW_NO_ERROR;
        return worksheet_write_string(sheet, row, col, c.text.c_str(), text_format);
    }
    return LXW_NO_ERROR;
  }

  // label | value lines from `row`; returns the next free row.
  lxw_row_t fields(lxw_worksheet* sheet, lxw_row_t row, const std::vector<ExportField>& fields) {
    for (const auto& [label, value] : fields) {
      check(worksheet_write_string(sheet, row, 0, label.c_str(), f_.bold));
      check(cell(sheet, row, 1, value));
      ++row;
    }
    return row;
  }

  // A table: the columns' row at `row` (frozen, filtered), then `rows`; widths from the content.
  void table(lxw_worksheet* sheet, lxw_row_t row, const std::vector<std::string>& columns,
             const std::vector<ExportRow>& rows, double max_width, lxw_format* text_format) {
    std::vector<std::size_t> widths(columns.size(), 0);
    for (std::size_t c = 0; c < columns.size(); ++c) widths[c] = chars(columns[c]);
    for (const auto& r : rows) {
      for (std::size_t c = 0; c < r.size() && c < widths.size(); ++c) {
        const auto n = r[c].kind == ExportCell::Kind::kTimestamp ? 19 : chars(r[c].text);
        widths[c] = std::max(widths[c], n);
      }
    }
    for (std::size_t c = 0; c < columns.size(); ++c) {
      auto col = static_cast<lxw_col_t>(c);
      check(worksheet_set_column(sheet, col, col, width_of(widths[c], max_width), nullptr));
    }
    worksheet_freeze_panes(sheet, row + 1, 0);
    if (!columns.empty()) {
      check(worksheet_autofilter(sheet, row, 0, row + static_cast<lxw_row_t>(rows.size()),
                                 static_cast<lxw_col_t>(columns.size() - 1)));
    }
    for (std::size_t c = 0; c < columns.size(); ++c) {
      check(worksheet_write_string(sheet, row, static_cast<lxw_col_t>(c), columns[c].c_str(),
                                   f_.heading));
    }
    for (const auto& r : rows) {
      ++row;
      for (std::size_t c = 0; c < r.size(); ++c) {
        check(cell(sheet, row, static_cast<lxw_col_t>(c), r[c], text_format));
      }
    }
  }

  lxw_worksheet* sheet(const char* name) {
    auto* s = workbook_add_worksheet(book_, name);
    if (!s && error_ == LXW_NO_ERROR) error_ = LXW_ERROR_MEMORY_MALLOC_FAILED;
    return s;
  }

  void check(lxw_error e) {
    if (e != LXW_NO_ERROR && error_ == LXW_NO_ERROR) error_ = e;
  }
  lxw_error error() const { return error_; }

 private:
  lxw_workbook* book_;
  const Formats& f_;
  lxw_error error_ = LXW_NO_ERROR;
};

Formats make_formats(lxw_workbook* book) {
  Formats f;
  f.bold = workbook_add_format(book);
  format_set_bold(f.bold);
  f.heading = workbook_add_format(book);
  format_set_bold(f.heading);
  format_set_bg_color(f.heading, 0xDDE4EE);
  format_set_border(f.heading, LXW_BORDER_THIN);
  f.time = workbook_add_format(book);
  format_set_num_format(f.time, "dd/mm/yyyy hh:mm:ss");
  format_set_align(f.time, LXW_ALIGN_LEFT);
  f.wrap = workbook_add_format(book);
  format_set_text_wrap(f.wrap);
  format_set_align(f.wrap, LXW_ALIGN_VERTICAL_TOP);
  return f;
}

void write_sheets(lxw_workbook* book, Writer& w, const ExportDocument& doc, const Formats& f) {
  lxw_worksheet* grappe = w.sheet("Grappe");
  lxw_worksheet* members = w.sheet("Membres");
  lxw_worksheet* rules = w.sheet("Règles");
  if (!grappe || !members || !rules) return;

  w.check(worksheet_set_column(grappe, 0, 0, 40, nullptr));
  w.check(worksheet_set_column(grappe, 1, 1, 60, nullptr));
  auto row = w.fields(grappe, 0, doc.header);
  w.check(worksheet_write_string(grappe, row + 1, 0,
                                 "Les membres sont sur la feuille « Membres », la dernière "
                                 "validation sur la feuille « Règles ».",
                                 nullptr));

  w.table(members, 0, doc.columns, doc.members, 50, nullptr);

  if (doc.validation.empty()) {
    w.check(worksheet_write_string(rules, 0, 0, "Aucune validation n’a encore été faite.", f.bold));
    return;
  }
  row = w.fields(rules, 0, doc.validation);
  w.table(rules, row + 1, doc.rule_columns, doc.rules, 80, f.wrap);
  (void)book;
}

}  // namespace

std::expected<void, std::string> write_xlsx(const ExportDocument& doc,
                                            const std::filesystem::path& path) {
  lxw_workbook_options options{};
  options.constant_memory = LXW_TRUE;
  const std::string file = path.string();
  lxw_workbook* book = workbook_new_opt(file.c_str(), &options);
  if (!book) return std::unexpected("cannot create the workbook " + file);
  lxw_doc_properties properties{};
  std::string title = "Export de la grappe " + doc.file_stem;
  properties.title = title.data();
  properties.author = const_cast<char*>("Grappe");
  workbook_set_properties(book, &properties);
  const Formats formats = make_formats(book);
  Writer writer(book, formats);
  write_sheets(book, writer, doc, formats);
  const lxw_error closed = workbook_close(book);  // frees the workbook whatever happens
  const lxw_error error = writer.error() != LXW_NO_ERROR ? writer.error() : closed;
  if (error != LXW_NO_ERROR) return std::unexpected(std::string("xlsx: ") + lxw_strerror(error));
  return {};
}

}  // namespace grappe::server
