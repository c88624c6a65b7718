#include "cim-schema/method_rename.h"

#include <algorithm>
#include <tuple>

#include "cim-schema/names.h"

namespace hv::cim {

std::vector<std::string> NameWords(absl::string_view name) {
  std::vector<std::string> out;
  std::string cur;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool upper = c >= 'A' && c <= 'Z';
    const bool next_lower = i + 1 < name.size() && name[i + 1] >= 'a' && name[i + 1] <= 'z';
    if (c == '_' || (upper && !cur.empty() &&
                     (!(cur.back() >= 'a' - 32 && cur.back() <= 'z' - 32) || next_lower))) {
      if (!cur.empty()) out.push_back(CiLower(cur));
      cur.clear();
      if (c == '_') continue;
    }
    cur.push_back(c);
  }
  if (!cur.empty()) out.push_back(CiLower(cur));
  for (std::string& w : out) {
    if (w.size() > 3 && w.back() == 's') w.pop_back();
  }
  return out;
}

double RenameScore(absl::string_view old_name, absl::string_view new_name) {
  std::vector<std::string> a = NameWords(old_name), b = NameWords(new_name);
  if (a.empty() || b.empty() || a[0] != b[0]) return 0;
  std::sort(a.begin(), a.end());
  a.erase(std::unique(a.begin(), a.end()), a.end());
  std::sort(b.begin(), b.end());
  b.erase(std::unique(b.begin(), b.end()), b.end());
  std::vector<std::string> both;
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(both));
  const size_t uni = a.size() + b.size() - both.size();
  return static_cast<double>(both.size()) / static_cast<double>(uni);
}

std::vector<MethodRename> PairRenamedMethods(const std::vector<const Method*>& removed,
                                             const std::vector<const Method*>& added) {
  std::vector<std::tuple<double, size_t, size_t>> cands;
  for (size_t i = 0; i < removed.size(); ++i) {
    for (size_t j = 0; j < added.size(); ++j) {
      double s = RenameScore(removed[i]->name, added[j]->name);
      if (s >= 0.3) cands.emplace_back(s, i, j);
    }
  }
  // Best score first; ties keep declaration order (stable).
  std::stable_sort(cands.begin(), cands.end(), [](const auto& x, const auto& y) {
    return std::get<0>(x) > std::get<0>(y);
  });
  std::vector<MethodRename> out;
  for (const Method* m : removed) out.push_back({m, nullptr});
  std::vector<bool> used(added.size(), false);
  for (const auto& [score, i, j] : cands) {
    if (out[i].new_method != nullptr || used[j]) continue;
    out[i].new_method = added[j];
    used[j] = true;
  }
  return out;
}

bool IsRenameTarget(const std::vector<MethodRename>& pairs, const Method* m) {
  for (const MethodRename& r : pairs) {
    if (r.new_method == m) return true;
  }
  return false;
}

}  // namespace hv::cim
