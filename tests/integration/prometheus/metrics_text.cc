#include "tests/integration/prometheus/metrics_text.h"

#include <algorithm>
#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace hv::testing {

namespace {

std::string Escape(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

bool IsNameChar(char c, bool first) {
  return absl::ascii_isalpha(c) || c == '_' || c == ':' || (!first && absl::ascii_isdigit(c));
}

absl::Status Bad(size_t line_no, absl::string_view line, absl::string_view why) {
  return absl::DataLossError(
      absl::StrCat("metrics text line ", line_no, " (", why, "): '", line.substr(0, 200), "'"));
}

}  // namespace

std::string SeriesKey(std::string_view name,
                      std::vector<std::pair<std::string, std::string>> labels) {
  std::string out(name);
  if (labels.empty()) return out;
  std::sort(labels.begin(), labels.end());
  out.push_back('{');
  for (size_t i = 0; i < labels.size(); ++i) {
    absl::StrAppend(&out, i ? "," : "", labels[i].first, "=\"", Escape(labels[i].second), "\"");
  }
  out.push_back('}');
  return out;
}

absl::StatusOr<std::map<std::string, double>> ParseMetricsText(std::string_view text) {
  std::map<std::string, double> out;
  size_t line_no = 0;
  for (absl::string_view line : absl::StrSplit(absl::string_view(text.data(), text.size()), '\n')) {
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    size_t i = 0;
    while (i < line.size() && IsNameChar(line[i], i == 0)) ++i;
    if (i == 0) return Bad(line_no, line, "no metric name");
    const std::string name(line.substr(0, i));
    std::vector<std::pair<std::string, std::string>> labels;
    if (i < line.size() && line[i] == '{') {
      ++i;
      for (;;) {
        if (i < line.size() && line[i] == '}') {
          ++i;
          break;
        }
        const size_t start = i;
        while (i < line.size() && IsNameChar(line[i], i == start)) ++i;
        if (i == start || i + 1 >= line.size() || line[i] != '=' || line[i + 1] != '"') {
          return Bad(line_no, line, "bad label");
        }
        std::string key(line.substr(start, i - start)), value;
        i += 2;
        while (i < line.size() && line[i] != '"') {
          if (line[i] == '\\' && i + 1 < line.size()) {
            ++i;
            value.push_back(line[i] == 'n' ? '\n' : line[i]);
          } else {
            value.push_back(line[i]);
          }
          ++i;
        }
        if (i >= line.size()) return Bad(line_no, line, "unterminated label value");
        ++i;  // closing quote
        labels.emplace_back(std::move(key), std::move(value));
        if (i < line.size() && line[i] == ',') ++i;
      }
    }
    if (i >= line.size() || line[i] != ' ') return Bad(line_no, line, "no value");
    absl::string_view rest = absl::StripAsciiWhitespace(line.substr(i + 1));
    const std::string value_text(rest.substr(0, rest.find(' ')));  // then an optional timestamp
    char* end = nullptr;
    const double value = std::strtod(value_text.c_str(), &end);
    if (value_text.empty() || end != value_text.c_str() + value_text.size()) {
      return Bad(line_no, line, "value is not a number");
    }
    if (!out.emplace(SeriesKey(name, std::move(labels)), value).second) {
      return Bad(line_no, line, "duplicate series");
    }
  }
  return out;
}

}  // namespace hv::testing
