// state_demo: a small stand-in for a zkVM guest program (ethrex's block execution), with the hot spots
// seed 003 profiles: Keccak hashing of a Merkle-trie-like state (recomputed from scratch at every
// state-root check), EIP-4844's Taylor-series fake_exponential on 256-bit integers, and memcpy-heavy
// copies of the witness.
//
// Usage: state_demo INPUT
// Prints the state root on stdout (what correctness checks) and "steps: N" (a deterministic work counter)
// on stderr.
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace {

std::uint64_t g_steps = 0; // deterministic work units: the "steps" of this guest

// ---------------------------------------------------------------- Keccak-f[1600] and a Keccak-256 sponge
constexpr std::array<std::uint64_t, 24> k_round_constants = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL, 0x8000000080008000ULL,
    0x000000000000808bULL, 0x0000000080000001ULL, 0x8000000080008081ULL, 0x8000000000008009ULL,
    0x000000000000008aULL, 0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000aULL,
    0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL, 0x8000000000008003ULL,
    0x8000000000008002ULL, 0x8000000000000080ULL, 0x000000000000800aULL, 0x800000008000000aULL,
    0x8000000080008081ULL, 0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL};
constexpr std::array<int, 25> k_rotations = {0,  1,  62, 28, 27, 36, 44, 6,  55, 20, 3,  10, 43,
                                             25, 39, 41, 45, 15, 21, 8,  18, 2,  61, 56, 14};
constexpr int k_rounds = 24;

std::uint64_t rotl(std::uint64_t x, int n) {
  return n == 0 ? x : (x << n) | (x >> (64 - n));
}

void keccak_f(std::array<std::uint64_t, 25>& a) {
  for (int round = 0; round < k_rounds; ++round) {
    std::uint64_t c[5];
    for (int x = 0; x < 5; ++x) {
      c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
    }
    for (int x = 0; x < 5; ++x) {
      const std::uint64_t d = c[(x + 4) % 5] ^ rotl(c[(x + 1) % 5], 1);
      for (int y = 0; y < 25; y += 5) {
        a[y + x] ^= d;
      }
    }
    std::array<std::uint64_t, 25> b{};
    for (int x = 0; x < 5; ++x) {
      for (int y = 0; y < 5; ++y) {
        b[y + 5 * ((2 * x + 3 * y) % 5)] = rotl(a[x + 5 * y], k_rotations[x + 5 * y]);
      }
    }
    for (int y = 0; y < 25; y += 5) {
      for (int x = 0; x < 5; ++x) {
        a[y + x] = b[y + x] ^ (~b[y + (x + 1) % 5] & b[y + (x + 2) % 5]);
      }
    }
    a[0] ^= k_round_constants[round];
    g_steps += 4;
  }
}

using Hash = std::array<std::uint8_t, 32>;

Hash keccak256(const std::uint8_t* data, std::size_t size) {
  constexpr std::size_t rate = 136;
  std::array<std::uint64_t, 25> state{};
  std::uint8_t block[rate];
  std::size_t offset = 0;
  while (true) {
    const std::size_t take = size - offset < rate ? size - offset : rate;
    std::memset(block, 0, rate);
    std::memcpy(block, data + offset, take);
    const bool last = take < rate;
    if (last) {
      block[take] ^= 0x01;
      block[rate - 1] ^= 0x80;
    }
    for (std::size_t i = 0; i < rate / 8; ++i) {
      std::uint64_t lane = 0;
      std::memcpy(&lane, block + 8 * i, 8);
      state[i] ^= lane;
    }
    keccak_f(state);
    offset += take;
    if (last) {
      break;
    }
  }
  Hash out;
  std::memcpy(out.data(), state.data(), 32);
  return out;
}

// ---------------------------------------------------------------- the state trie
struct Account {
  std::uint64_t nonce = 0;
  std::uint64_t balance = 0;
  std::vector<std::uint64_t> storage;
};

/// A 16-ary node over accounts [first, first + count).
struct Node {
  std::size_t first = 0;
  std::size_t count = 0;
  std::vector<std::unique_ptr<Node>> children; // empty for a leaf group
};

struct State {
  std::vector<Account> accounts;
  std::unique_ptr<Node> root;
};

std::unique_ptr<Node> build(std::size_t first, std::size_t count) {
  auto node = std::make_unique<Node>();
  node->first = first;
  node->count = count;
  if (count > 4) {
    const std::size_t per = (count + 15) / 16;
    for (std::size_t start = first; start < first + count; start += per) {
      const std::size_t n = start + per <= first + count ? per : first + count - start;
      node->children.push_back(build(start, n));
    }
  }
  return node;
}

Hash hash_account(const Account& account) {
  // storage root: a binary Merkle tree over the slots
  std::vector<Hash> level;
  for (const std::uint64_t slot : account.storage) {
    level.push_back(keccak256(reinterpret_cast<const std::uint8_t*>(&slot), sizeof slot));
  }
  while (level.size() > 1) {
    std::vector<Hash> next;
    for (std::size_t i = 0; i < level.size(); i += 2) {
      std::uint8_t pair[64];
      std::memcpy(pair, level[i].data(), 32);
      std::memcpy(pair + 32, (i + 1 < level.size() ? level[i + 1] : level[i]).data(), 32);
      next.push_back(keccak256(pair, 64));
    }
    level.swap(next);
  }
  std::uint8_t encoded[48] = {};
  std::memcpy(encoded, &account.nonce, 8);
  std::memcpy(encoded + 8, &account.balance, 8);
  if (!level.empty()) {
    std::memcpy(encoded + 16, level[0].data(), 32);
  }
  return keccak256(encoded, sizeof encoded);
}

/// The node's hash, recomputed from its whole subtree every time (what a cache would avoid).
Hash hash_node(const State& state, const Node& node) {
  std::vector<std::uint8_t> encoded;
  if (node.children.empty()) {
    for (std::size_t i = node.first; i < node.first + node.count; ++i) {
      const Hash h = hash_account(state.accounts[i]);
      encoded.insert(encoded.end(), h.begin(), h.end());
    }
  } else {
    for (const auto& child : node.children) {
      const Hash h = hash_node(state, *child);
      encoded.insert(encoded.end(), h.begin(), h.end());
    }
  }
  return keccak256(encoded.data(), encoded.size());
}

Hash state_root(const State& state) {
  return hash_node(state, *state.root);
}

void touch(State& state, std::size_t account, std::size_t slot, std::uint64_t value) {
  Account& a = state.accounts[account];
  a.nonce += 1;
  a.balance += value;
  if (!a.storage.empty()) {
    a.storage[slot % a.storage.size()] ^= value;
  }
}

// ---------------------------------------------------------------- EIP-4844 fake_exponential on U256
struct U256 {
  std::uint64_t limb[4] = {0, 0, 0, 0}; // little-endian limbs

  static U256 from(std::uint64_t v) {
    U256 u;
    u.limb[0] = v;
    return u;
  }
  bool is_zero() const { return (limb[0] | limb[1] | limb[2] | limb[3]) == 0; }
  bool bit(int i) const { return ((limb[i / 64] >> (i % 64)) & 1U) != 0; }
};

bool less(const U256& a, const U256& b) {
  for (int i = 3; i >= 0; --i) {
    if (a.limb[i] != b.limb[i]) {
      return a.limb[i] < b.limb[i];
    }
  }
  return false;
}

U256 add(const U256& a, const U256& b) {
  U256 r;
  std::uint64_t carry = 0;
  for (int i = 0; i < 4; ++i) {
    const std::uint64_t s = a.limb[i] + b.limb[i];
    const std::uint64_t c1 = s < a.limb[i] ? 1 : 0;
    r.limb[i] = s + carry;
    carry = c1 + (r.limb[i] < s ? 1 : 0);
  }
  return r;
}

U256 sub(const U256& a, const U256& b) {
  U256 r;
  std::uint64_t borrow = 0;
  for (int i = 0; i < 4; ++i) {
    const std::uint64_t d = a.limb[i] - b.limb[i];
    const std::uint64_t b1 = a.limb[i] < b.limb[i] ? 1 : 0;
    r.limb[i] = d - borrow;
    borrow = b1 + (d < borrow ? 1 : 0);
  }
  return r;
}

U256 shl1(const U256& a) {
  U256 r;
  for (int i = 3; i > 0; --i) {
    r.limb[i] = (a.limb[i] << 1) | (a.limb[i - 1] >> 63);
  }
  r.limb[0] = a.limb[0] << 1;
  return r;
}

U256 mul_small(const U256& a, std::uint64_t m) {
  // schoolbook by shift-and-add: slow on purpose, like a generic U256 in a guest
  U256 r;
  U256 shifted = a;
  for (int i = 0; i < 64; ++i) {
    if (((m >> i) & 1U) != 0) {
      r = add(r, shifted);
    }
    shifted = shl1(shifted);
  }
  g_steps += 64;
  return r;
}

/// Bit-by-bit long division: the U256::div_mod that seed 003 finds in fake_exponential.
U256 div(const U256& n, const U256& d) {
  U256 q;
  U256 r;
  for (int i = 255; i >= 0; --i) {
    r = shl1(r);
    r.limb[0] |= n.bit(i) ? 1U : 0U;
    if (!less(r, d)) {
      r = sub(r, d);
      q.limb[i / 64] |= 1ULL << (i % 64);
    }
  }
  g_steps += 256;
  return q;
}

/// EIP-4844: approximates factor * e ** (numerator / denominator) with a Taylor series.
U256 fake_exponential(std::uint64_t factor, std::uint64_t numerator, std::uint64_t denominator) {
  U256 output;
  U256 accum = mul_small(U256::from(factor), denominator);
  for (std::uint64_t i = 1; !accum.is_zero(); ++i) {
    output = add(output, accum);
    accum = div(mul_small(accum, numerator), mul_small(U256::from(denominator), i));
  }
  return div(output, U256::from(denominator));
}

// ---------------------------------------------------------------- the program
struct Params {
  std::size_t accounts = 64;
  std::size_t slots = 4;
  std::size_t txs = 16;
  std::size_t root_every = 4;      // state root checked every N transactions
  std::size_t fee_updates = 8;
  std::size_t witness_kb = 64;     // copied per transaction
  std::uint64_t seed = 1;
};

bool read_params(const char* path, Params& p) {
  std::ifstream in(path);
  if (!in) {
    return false;
  }
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') {
      continue;
    }
    std::istringstream ss(line);
    std::string key;
    std::uint64_t value = 0;
    if (!(ss >> key >> value)) {
      return false;
    }
    if (key == "accounts") {
      p.accounts = value;
    } else if (key == "slots") {
      p.slots = value;
    } else if (key == "txs") {
      p.txs = value;
    } else if (key == "root_every") {
      p.root_every = value == 0 ? 1 : value;
    } else if (key == "fee_updates") {
      p.fee_updates = value;
    } else if (key == "witness_kb") {
      p.witness_kb = value;
    } else if (key == "seed") {
      p.seed = value;
    } else {
      return false;
    }
  }
  return p.accounts > 0;
}

std::uint64_t next_random(std::uint64_t& x) {
  // xorshift64*: deterministic inputs for a given seed
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  return x * 0x2545F4914F6CDD1DULL;
}

std::string hex(const Hash& h) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (const std::uint8_t b : h) {
    out += digits[b >> 4];
    out += digits[b & 15];
  }
  return out;
}

} // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: state_demo INPUT\n");
    return 2;
  }
  Params p;
  if (!read_params(argv[1], p)) {
    std::fprintf(stderr, "state_demo: cannot read input '%s'\n", argv[1]);
    return 1;
  }
  std::uint64_t rng = p.seed * 0x9E3779B97F4A7C15ULL + 1;
  State state;
  state.accounts.resize(p.accounts);
  for (Account& a : state.accounts) {
    a.balance = next_random(rng) % 1000000;
    a.storage.resize(p.slots);
    for (std::uint64_t& s : a.storage) {
      s = next_random(rng);
    }
  }
  state.root = build(0, p.accounts);

  // The witness: deserialized (copied) once per transaction, as rkyv's from_bytes does.
  std::vector<std::uint8_t> witness(p.witness_kb * 1024);
  for (std::uint8_t& b : witness) {
    b = static_cast<std::uint8_t>(next_random(rng));
  }
  std::uint64_t copied_checksum = 0;

  Hash root = state_root(state);
  for (std::size_t tx = 0; tx < p.txs; ++tx) {
    std::vector<std::uint8_t> copy(witness.size());
    std::memcpy(copy.data(), witness.data(), witness.size());
    std::vector<std::uint8_t> again(copy);
    copied_checksum += again.empty() ? 0 : again[(tx * 7919) % again.size()];
    g_steps += witness.size() / 32;

    const std::size_t account = next_random(rng) % p.accounts;
    touch(state, account, next_random(rng), next_random(rng) % 1000);
    if ((tx + 1) % p.root_every == 0) {
      root = state_root(state);
    }
  }
  root = state_root(state);

  // Blob base fees of the block range: fake_exponential(MIN_BASE_FEE, excess, UPDATE_FRACTION).
  std::uint64_t excess = 0;
  U256 fee_sum;
  for (std::size_t i = 0; i < p.fee_updates; ++i) {
    excess += 393216 * (1 + next_random(rng) % 6);
    fee_sum = add(fee_sum, fake_exponential(1, excess, 3338477));
  }
  std::uint8_t fee_bytes[32 + 32];
  std::memcpy(fee_bytes, root.data(), 32);
  std::memcpy(fee_bytes + 32, fee_sum.limb, 32);
  const Hash final_root = keccak256(fee_bytes, sizeof fee_bytes);

  std::printf("state_root: 0x%s\n", hex(final_root).c_str());
  std::fprintf(stderr, "steps: %llu\n", static_cast<unsigned long long>(g_steps));
  std::fprintf(stderr, "witness copies checksum: %llu\n", static_cast<unsigned long long>(copied_checksum));
  return 0;
}
