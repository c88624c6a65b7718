// mof_parse_bench [DMTF_ROOT_FILE] [--runs=N]
// Wall time of compiling the whole DMTF CIM 2.49 schema (parse + qualifier
// typing + class resolution) against a baseline measured in the same run:
// reading every .mof file of the schema and tokenizing it with the same lexer
// (the least any parser must do). Reports min and median over N runs and the
// ratio full/baseline. Default input: $HV_SOURCE_DIR/../shared/data/
// dmtf-cim-schema-2.49/cim_schema_2.49.0.mof (or relative to this file).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "cim-schema/mof_compiler.h"
#include "cim-schema/mof_lexer.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

struct Stats {
  double min, median;
};
Stats Summarise(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return {v.front(), v[v.size() / 2]};
}

// Baseline: read every file and run the lexer to the end. Returns tokens seen.
size_t ReadAndTokenize(const std::vector<fs::path>& files, hv::cim::FileMofSource* source) {
  size_t tokens = 0;
  for (const fs::path& f : files) {
    absl::StatusOr<std::string> text = source->Read(f.string(), 64u << 20);
    if (!text.ok()) {
      std::fprintf(stderr, "%s\n", text.status().ToString().c_str());
      std::exit(2);
    }
    hv::cim::MofLexer lexer(*text);
    hv::cim::MofToken t;
    do {
      lexer.Next(&t);
      ++tokens;
    } while (t.kind != hv::cim::MofTok::kEnd && t.kind != hv::cim::MofTok::kError);
  }
  return tokens;
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 7;
  std::string root;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--runs=", 7) == 0) {
      runs = std::max(1, std::atoi(argv[i] + 7));
    } else {
      root = argv[i];
    }
  }
  if (root.empty()) {
    const char* src = std::getenv("HV_SOURCE_DIR");
    std::string base = src ? src : fs::path(__FILE__).parent_path().parent_path().parent_path().parent_path().string();
    root = base + "/../shared/data/dmtf-cim-schema-2.49/cim_schema_2.49.0.mof";
  }
  if (!fs::exists(root)) {
    std::printf("mof_parse_bench: SKIPPED, DMTF schema not found at %s\n", root.c_str());
    return 0;
  }
  std::vector<fs::path> files;
  size_t bytes = 0;
  for (const auto& e : fs::recursive_directory_iterator(fs::path(root).parent_path())) {
    if (e.is_regular_file() && e.path().extension() == ".mof") {
      files.push_back(e.path());
      bytes += e.file_size();
    }
  }
  hv::cim::FileMofSource source;
  std::vector<double> base_ms, full_ms;
  size_t tokens = 0, classes = 0, compiled = 0;
  for (int r = 0; r < runs; ++r) {
    auto t0 = Clock::now();
    tokens = ReadAndTokenize(files, &source);
    base_ms.push_back(Ms(Clock::now() - t0));
    t0 = Clock::now();
    hv::cim::SchemaSet set;
    hv::cim::MofCompiler compiler(&source, &set);
    absl::Status s = compiler.CompileFile(root);
    full_ms.push_back(Ms(Clock::now() - t0));
    if (!s.ok()) {
      std::fprintf(stderr, "mof_parse_bench: %s\n", s.ToString().c_str());
      return 1;
    }
    classes = set.Find("root/cimv2")->class_count();
    compiled = compiler.files_compiled();
  }
  const Stats b = Summarise(base_ms), f = Summarise(full_ms);
  std::printf("mof_parse_bench: DMTF CIM 2.49, %zu files, %.1f MiB, %zu tokens, %d runs\n",
              files.size(), bytes / 1048576.0, tokens, runs);
  std::printf("  baseline read+tokenize:        min %8.1f ms  median %8.1f ms\n", b.min, b.median);
  std::printf("  full compile (%zu files, %zu classes): min %8.1f ms  median %8.1f ms\n", compiled,
              classes, f.min, f.median);
  std::printf("  ratio full/baseline (median):  %.2fx\n", f.median / b.median);
  std::printf("  goal full compile <= 1000 ms:  %s\n", f.median <= 1000 ? "met" : "NOT met");
  return 0;
}
