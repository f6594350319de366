// `zkbench store migrate|copy`: manage stores. migrate brings a store (SQLite file or PostgreSQL URL)
// to this zkbench's schema; copy appends every session of one store to another, losslessly.
#include <memory>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/app.hpp"
#include "cli/store_location.hpp"
#include "store/copy.hpp"
#include "store/store.hpp"
#include "util/error.hpp"

namespace zkbench::cli {

namespace {

struct StoreOptions {
  std::string store;
  std::string from;
  std::string to;
};

int migrate(const StoreOptions& options) {
  const std::string location = store_location(options.store);
  auto store = value_or_fatal(store::open_store(location));
  fmt::print("store '{}' is at schema version {}\n", store->location(), store->schema_version());
  return static_cast<int>(ExitCode::success);
}

int copy(const StoreOptions& options) {
  if (options.from == options.to) {
    throw Fatal(fmt::format("cannot copy store '{}' into itself", store::redact_location(options.from)));
  }
  auto from = value_or_fatal(store::open_store(options.from, store::OpenMode::existing));
  auto to = value_or_fatal(store::open_store(options.to));
  const auto copied = store::copy_store(*from, *to);
  if (!copied) {
    throw Fatal(fmt::format("copying '{}' to '{}': {}", from->location(), to->location(), copied.error().message),
                "the sessions copied before the error are in the target; remove them before copying again");
  }
  fmt::print("copied {} sessions, {} benchmarks, {} runs, {} baselines, {} experiments, {} session links, {} notes, "
             "{} compound tests, {} profiles from '{}' to '{}'\n",
             copied->sessions, copied->benchmarks, copied->runs, copied->baselines, copied->experiments,
             copied->session_links, copied->notes, copied->conflicts, copied->profiles, from->location(),
             to->location());
  return static_cast<int>(ExitCode::success);
}

} // namespace

CommandMain setup_store(CLI::App& sub) {
  auto options = std::make_shared<StoreOptions>();
  sub.require_subcommand(1);
  CLI::App* migrate_sub = sub.add_subcommand("migrate", "Create the store if needed and bring it to the latest schema");
  migrate_sub->add_option("--store", options->store, k_store_help);
  CLI::App* copy_sub = sub.add_subcommand(
      "copy", "Append every session, benchmark, run and workflow record of store FROM to store TO (SQLite <-> PostgreSQL)");
  copy_sub->add_option("from", options->from, "The source store (file or postgresql:// URL)")->required();
  copy_sub->add_option("to", options->to, "The target store (created when missing)")->required();
  return [options, migrate_sub] { return migrate_sub->parsed() ? migrate(*options) : copy(*options); };
}

} // namespace zkbench::cli
