#include "tests/integration/prometheus/query_response.h"

#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

namespace hv::testing {

namespace pbuf = google::protobuf;

std::string QueryPath(std::string_view expr) {
  std::string out = "/api/v1/query?query=";
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (unsigned char c : expr) {
    if (absl::ascii_isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

absl::StatusOr<std::string> UnchunkedBody(const counters::testing::HttpResponse& response) {
  bool chunked = false;
  for (absl::string_view line : absl::StrSplit(response.headers, "\r\n")) {
    if (absl::StartsWithIgnoreCase(line, "transfer-encoding:") &&
        absl::StrContains(absl::AsciiStrToLower(line), "chunked")) {
      chunked = true;
    }
  }
  if (!chunked) return response.body;
  // RFC 9112 §7.1: size in hex [; extensions] CRLF, data CRLF, ..., 0 CRLF
  // [trailers] CRLF.
  std::string out;
  absl::string_view rest = response.body;
  for (;;) {
    const size_t eol = rest.find("\r\n");
    if (eol == absl::string_view::npos)
      return absl::DataLossError("chunked body: no chunk-size line");
    absl::string_view size_text = rest.substr(0, eol);
    size_text = size_text.substr(0, size_text.find(';'));
    size_t size = 0;
    if (size_text.empty() || size_text.size() > 12) {
      return absl::DataLossError(absl::StrCat("chunked body: bad chunk size '", size_text, "'"));
    }
    for (char c : size_text) {
      int d = absl::ascii_isdigit(c)   ? c - '0'
              : (c >= 'a' && c <= 'f') ? c - 'a' + 10
              : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                       : -1;
      if (d < 0)
        return absl::DataLossError(absl::StrCat("chunked body: bad chunk size '", size_text, "'"));
      size = size * 16 + static_cast<size_t>(d);
    }
    rest.remove_prefix(eol + 2);
    if (size == 0) return out;
    if (rest.size() < size + 2 || rest.substr(size, 2) != "\r\n") {
      return absl::DataLossError(
          absl::StrCat("chunked body: chunk of ", size, " bytes is truncated"));
    }
    out.append(rest.data(), size);
    rest.remove_prefix(size + 2);
  }
}

namespace {

const pbuf::Value* Field(const pbuf::Struct& s, const std::string& name) {
  auto it = s.fields().find(name);
  return it == s.fields().end() ? nullptr : &it->second;
}

}  // namespace

absl::StatusOr<std::vector<QuerySample>> ParseQueryResponse(std::string_view json) {
  pbuf::Struct root;
  pbuf::util::JsonParseOptions opts;
  auto st = pbuf::util::JsonStringToMessage(std::string(json), &root, opts);
  if (!st.ok()) {
    return absl::DataLossError(absl::StrCat("prometheus query: not JSON (", st.ToString(),
                                            "): ", std::string(json.substr(0, 200))));
  }
  const pbuf::Value* status = Field(root, "status");
  if (status == nullptr || status->string_value() != "success") {
    const pbuf::Value* error = Field(root, "error");
    return absl::FailedPreconditionError(absl::StrCat(
        "prometheus query failed: ",
        error ? error->string_value() : std::string(std::string(json.substr(0, 200)))));
  }
  const pbuf::Value* data = Field(root, "data");
  if (data == nullptr || !data->has_struct_value())
    return absl::DataLossError("prometheus query: no data");
  const pbuf::Value* type = Field(data->struct_value(), "resultType");
  const pbuf::Value* result = Field(data->struct_value(), "result");
  if (type == nullptr || type->string_value() != "vector" || result == nullptr ||
      !result->has_list_value()) {
    return absl::DataLossError(absl::StrCat("prometheus query: not an instant vector: ",
                                            std::string(json.substr(0, 200))));
  }
  std::vector<QuerySample> out;
  for (const pbuf::Value& item : result->list_value().values()) {
    if (!item.has_struct_value())
      return absl::DataLossError("prometheus query: result item is not an object");
    QuerySample sample;
    if (const pbuf::Value* metric = Field(item.struct_value(), "metric");
        metric != nullptr && metric->has_struct_value()) {
      for (const auto& [k, v] : metric->struct_value().fields())
        sample.labels[k] = v.string_value();
    }
    // "value": [<unix time>, "<value as a string>"]
    const pbuf::Value* value = Field(item.struct_value(), "value");
    if (value == nullptr || !value->has_list_value() || value->list_value().values_size() != 2 ||
        !value->list_value().values(1).has_string_value()) {
      return absl::DataLossError("prometheus query: sample has no [time, \"value\"] pair");
    }
    const std::string& text = value->list_value().values(1).string_value();
    // strtod, not SimpleAtod: Prometheus writes "+Inf", "-Inf" and "NaN" too.
    char* end = nullptr;
    sample.value = std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size()) {
      return absl::DataLossError(
          absl::StrCat("prometheus query: value '", text, "' is not a number"));
    }
    out.push_back(std::move(sample));
  }
  return out;
}

}  // namespace hv::testing
