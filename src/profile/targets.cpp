#include "profile/targets.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include <fmt/format.h>

namespace zkbench::profile {

namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
  return out;
}

// True when a needle occurs at the start of a path segment (not inside an identifier), so "k256::"
// matches "k256::ecdsa" but not "keccak256::keccak256".
bool contains_any(const std::string& haystack, std::initializer_list<std::string_view> needles) {
  const auto is_ident = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; };
  return std::any_of(needles.begin(), needles.end(), [&](std::string_view needle) {
    for (std::size_t at = haystack.find(needle); at != std::string::npos; at = haystack.find(needle, at + 1)) {
      if (at == 0 || !is_ident(haystack[at - 1]) || needle.front() == '_') {
        return true;
      }
    }
    return false;
  });
}

// A known target: which function names belong to it, when it is flagged, and what to check.
struct Rule {
  const char* id;
  const char* title;
  bool (*matches)(const std::string& lower_name);
  double threshold;                 // flagged at or above this share (crypto rules: see precompile)
  std::initializer_list<std::string_view> precompile_evidence; // function names showing the precompile in use
  std::string_view opcode_stem;     // an executed opcode containing this shows the precompile in use
  const char* check;
};

bool is_memcpy(const std::string& n) {
  return n == "memcpy" || n == "memmove" || n == "__memcpy" || n.ends_with("::memcpy") || n.ends_with("::memmove");
}

bool is_deserialization(const std::string& n) {
  return contains_any(n, {"rkyv", "serde", "deserializ", "bincode", "borsh", "rlpdecode", "rlp_decode",
                          "rlp::decode", "decodable", "rlp::decoder"});
}

bool is_allocation(const std::string& n) {
  return contains_any(n, {"__rust_alloc", "__rust_realloc", "__rust_dealloc", "__rg_alloc", "__rg_realloc",
                          "__rg_dealloc", "alloc::alloc::", "finish_grow", "do_reserve_and_handle", "grow_one",
                          "reserve_for_push", "malloc", "realloc", "dealloc"}) ||
         n == "free" || n == "calloc";
}

bool is_keccak_software(const std::string& n) {
  return contains_any(n, {"tiny_keccak", "keccakf", "keccak_f", "keccak::f1600", "sha3::"}) &&
         !contains_any(n, {"syscall"});
}

bool is_sha256_software(const std::string& n) {
  return contains_any(n, {"sha2::sha256::compress", "compress256", "sha256_compress", "sha256::soft"}) &&
         !contains_any(n, {"syscall"});
}

bool is_bn254_software(const std::string& n) {
  return contains_any(n, {"ark_bn254", "substrate_bn", "bn::fields", "bn::groups", "bn254::fp"}) &&
         !contains_any(n, {"syscall"});
}

bool is_secp256k1_software(const std::string& n) {
  return contains_any(n, {"k256::", "secp256k1::", "libsecp256k1"}) && !contains_any(n, {"syscall"});
}

const std::array<Rule, 7> k_rules = {{
    {"memcpy", "memcpy", &is_memcpy, 0.05, {}, "",
     "Reduce copies: pass slices/references instead of clone()/to_vec(), avoid Vec growth, zero-copy inputs "
     "(seed 000: memcpy is typically 10-25% of cost). Compare memcpy calls between profiles."},
    {"deserialization", "deserialization (rkyv, serde, RLP decode)", &is_deserialization, 0.02, {}, "",
     "Deserialise without copying (rkyv::access on the archived input instead of from_bytes), avoid "
     "re-decoding RLP, precompute on the host what the guest only verifies (seed 003 P0)."},
    {"allocation", "allocation (alloc, realloc, dealloc)", &is_allocation, 0.02, {}, "",
     "Allocate less: Vec::with_capacity or fixed arrays for small fixed-size collections, reuse buffers, a "
     "bump/arena allocator (seed 003 P3: array-based branch items)."},
    {"keccak-software", "keccak in software", &is_keccak_software, 0.0,
     {"syscall_keccak", "zisklib::lib::keccak", "zkvm_keccak"}, "keccak",
     "Keccak runs in software: patch tiny-keccak/sha3 with the zkVM's fork so it calls the keccak precompile "
     "(syscall_keccak_f); check [patch.crates-io] and Cargo.lock."},
    {"sha256-software", "sha256 in software", &is_sha256_software, 0.0, {"syscall_sha256", "zisklib::lib::sha256"}, "sha256",
     "SHA-256 compression runs in software: patch the sha2 crate with the zkVM's fork so it uses the sha256 "
     "precompile; check [patch.crates-io] and Cargo.lock."},
    {"bn254-software", "bn254 in software", &is_bn254_software, 0.0, {"syscall_bn254"}, "bn254",
     "BN254 arithmetic runs in software: patch substrate-bn/ark-bn254 with the zkVM's precompile-backed fork."},
    {"secp256k1-software", "secp256k1 in software", &is_secp256k1_software, 0.0,
     {"syscall_secp256k1"}, "secp256k1",
     "secp256k1 runs in software: patch k256/secp256k1 with the zkVM's precompile-backed fork."},
}};

Metric choose_metric(const Profile& p) {
  for (Metric metric : {Metric::cost, Metric::steps, Metric::cycles}) {
    if (p.total(metric) && (p.has(metric, Scope::exclusive) || p.has(metric, Scope::inclusive))) {
      return metric;
    }
  }
  return Metric::steps;
}

// True when the profile shows the precompile being used: a function or an executed opcode so named.
bool precompile_in_use(const Profile& p, const Rule& rule) {
  for (const auto& f : p.functions) {
    if (contains_any(lower(f.name), rule.precompile_evidence)) {
      return true;
    }
  }
  return std::any_of(p.opcodes.begin(), p.opcodes.end(), [&](const OpcodeCost& op) {
    return op.count.value_or(1) > 0 && op.cost > 0 && lower(op.name).find(rule.opcode_stem) != std::string::npos;
  });
}

} // namespace

std::vector<TargetFinding> find_targets(const Profile& profile) {
  const Metric metric = choose_metric(profile);
  // Exclusive figures can be added up; inclusive ones overlap (a caller includes its callees).
  const Scope scope = profile.has(metric, Scope::exclusive) ? Scope::exclusive : Scope::inclusive;
  std::vector<TargetFinding> findings;
  for (const Rule& rule : k_rules) {
    std::vector<std::pair<std::uint64_t, std::string>> matched;
    for (const auto& f : profile.functions) {
      const auto value = f.get(metric, scope);
      if (value && rule.matches(lower(f.name))) {
        matched.emplace_back(*value, f.name);
      }
    }
    if (matched.empty()) {
      continue;
    }
    std::sort(matched.begin(), matched.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    TargetFinding finding;
    finding.id = rule.id;
    finding.title = rule.title;
    finding.metric = metric;
    std::uint64_t sum = 0;
    for (const auto& [value, name] : matched) {
      sum += value;
      if (finding.functions.size() < 5) {
        finding.functions.push_back(name);
      }
    }
    const auto total = profile.total(metric);
    if (total) {
      sum = std::min(sum, *total);
    }
    finding.high = sum;
    finding.low = scope == Scope::exclusive ? sum : matched.front().first;
    finding.low_share = profile.share(finding.low, metric);
    finding.high_share = profile.share(finding.high, metric);
    const bool crypto = !rule.opcode_stem.empty();
    const bool in_use = crypto && precompile_in_use(profile, rule);
    finding.flagged = crypto ? !in_use : finding.low_share.value_or(0.0) >= rule.threshold;
    finding.check = rule.check;
    if (crypto && in_use) {
      finding.check = "The precompile is in use; check that every call site goes through it (software "
                      "functions still appear).";
    }
    findings.push_back(std::move(finding));
  }
  std::stable_sort(findings.begin(), findings.end(), [](const TargetFinding& a, const TargetFinding& b) {
    if (a.flagged != b.flagged) {
      return a.flagged;
    }
    return a.low_share.value_or(0.0) > b.low_share.value_or(0.0);
  });
  return findings;
}

} // namespace zkbench::profile
