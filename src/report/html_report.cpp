// The whole report as files, and writing it atomically.
#include "report/html_report.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <system_error>

#include <fcntl.h>
#include <sys/stat.h>
#include <fmt/format.h>
#include <stdlib.h>
#include "util/text.hpp"
#include "util/new_files.hpp"

namespace zkbench::report {

std::vector<ReportFile> render_report(const Dashboard& dashboard, AutoRefresh refresh) {
  std::vector<ReportFile> files;
  files.push_back({"index.html", render_index(dashboard, refresh)});
  files.push_back({"style.css", report_css()});
  files.push_back({"data.json", util::json_text(to_json(dashboard, ExperimentDetail::full)) + "\n"});
  files.push_back({"charts/trend.svg", svg::render_trend(trend_chart(dashboard), {900, 380})});
  for (const Experiment& experiment : dashboard.experiments) {
    files.push_back({"experiments/" + experiment.number.format() + ".html",
                     render_experiment_page(dashboard, experiment, refresh)});
    for (ReportFile& chart : experiment_charts(experiment)) {
      files.push_back(std::move(chart));
    }
  }
  for (const core::BisectRecord& bisection : dashboard.bisections) {
    files.push_back({bisection_page_path(bisection), render_bisect_page(bisection, refresh)});
  }
  return files;
}

namespace {

namespace fs = std::filesystem;

Result<void> write_all(const std::vector<ReportFile>& files, const fs::path& folder) {
  std::error_code ec;
  fs::create_directories(folder / "charts", ec);
  if (!ec) {
    fs::create_directories(folder / "experiments", ec);
  }
  if (ec) {
    return make_error(fmt::format("cannot create '{}': {}", folder.string(), ec.message()));
  }
  for (const ReportFile& file : files) {
    const fs::path path = folder / file.path;
    if (path.parent_path() != folder && !fs::is_directory(path.parent_path())) {
      fs::create_directories(path.parent_path(), ec);
      if (ec) {
        return make_error(fmt::format("cannot create '{}': {}", path.parent_path().string(), ec.message()));
      }
    }
    ZKBENCH_TRY(util::write_file(path, file.content));
  }
  return {};
}

} // namespace

Result<void> write_report(const std::vector<ReportFile>& files, const fs::path& dir) {
  std::error_code ec;
  const fs::path target = fs::absolute(dir, ec).lexically_normal();
  const fs::path parent = target.parent_path();
  fs::create_directories(parent, ec);
  if (ec) {
    return make_error(fmt::format("cannot create '{}': {}", parent.string(), ec.message()));
  }
  if (fs::exists(target) && !fs::is_directory(target)) {
    return make_error(fmt::format("cannot write the report to '{}': it exists and is not a folder", target.string()));
  }
  // The new report is built next to the old one (same file system, so the rename is atomic).
  std::string pattern = (parent / ("." + target.filename().string() + ".tmp-XXXXXX")).string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    return make_error(fmt::format("cannot create a temporary folder in '{}': {}", parent.string(), std::strerror(errno)));
  }
  const fs::path staging = pattern;
  ::chmod(staging.c_str(), 0755); // mkdtemp makes it 0700; a report is meant to be read
  if (auto written = write_all(files, staging); !written) {
    fs::remove_all(staging, ec);
    return written;
  }
  if (fs::exists(target)) {
    // Exchange, so that the path always names a complete report; the old one ends in `staging`.
    if (::renameat2(AT_FDCWD, staging.c_str(), AT_FDCWD, target.c_str(), RENAME_EXCHANGE) != 0) {
      const int error = errno;
      fs::remove_all(staging, ec);
      return make_error(fmt::format("cannot replace '{}': {}", target.string(), std::strerror(error)));
    }
  } else if (::rename(staging.c_str(), target.c_str()) != 0) {
    const int error = errno;
    fs::remove_all(staging, ec);
    return make_error(fmt::format("cannot create '{}': {}", target.string(), std::strerror(error)));
  }
  fs::remove_all(staging, ec);
  return {};
}

} // namespace zkbench::report
