// Driver for libFuzzer entry points when the build is not a clang fuzz build:
// replays every file of the corpus directories given on the command line, then
// --runs=N seeded pseudo-random inputs (mutations of the corpus and of random
// bytes). Deterministic: the seed is fixed unless --seed=S is given. Exits
// non-zero only if the target itself aborts (sanitizers, crashes).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

int main(int argc, char** argv) {
  long runs = 1000;
  uint64_t seed = 0x5eed;
  std::vector<std::vector<uint8_t>> corpus;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--runs=", 7) == 0) { runs = std::atol(argv[i] + 7); continue; }
    if (std::strncmp(argv[i], "--seed=", 7) == 0) { seed = std::strtoull(argv[i] + 7, nullptr, 0); continue; }
    std::filesystem::path p(argv[i]);
    std::vector<std::filesystem::path> files;
    if (std::filesystem::is_directory(p)) {
      for (const auto& e : std::filesystem::recursive_directory_iterator(p))
        if (e.is_regular_file()) files.push_back(e.path());
    } else if (std::filesystem::is_regular_file(p)) {
      files.push_back(p);
    }
    for (const auto& f : files) {
      std::ifstream in(f, std::ios::binary);
      corpus.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
  }
  for (const auto& c : corpus) LLVMFuzzerTestOneInput(c.data(), c.size());
  std::mt19937_64 rng(seed);
  std::vector<uint8_t> buf;
  for (long r = 0; r < runs; ++r) {
    if (!corpus.empty() && (rng() & 1)) {
      buf = corpus[rng() % corpus.size()];
      int mutations = 1 + rng() % 8;
      for (int m = 0; m < mutations && !buf.empty(); ++m) {
        switch (rng() % 4) {
          case 0: buf[rng() % buf.size()] = static_cast<uint8_t>(rng()); break;
          case 1: buf.erase(buf.begin() + rng() % buf.size()); break;
          case 2: buf.insert(buf.begin() + rng() % (buf.size() + 1), static_cast<uint8_t>(rng())); break;
          case 3: buf.resize(rng() % (buf.size() + 1)); break;
        }
      }
    } else {
      buf.resize(rng() % 512);
      for (auto& b : buf) b = static_cast<uint8_t>(rng());
    }
    LLVMFuzzerTestOneInput(buf.data(), buf.size());
  }
  std::printf("replayed %zu corpus inputs and %ld generated inputs\n", corpus.size(), runs);
  return 0;
}
