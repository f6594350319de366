#include "util/files.hpp"
#include "util/new_files.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

namespace zkbench::util {

Result<std::string> read_text_file(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return make_error("cannot read '" + path.string() + "': Is a directory");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return make_error("cannot read '" + path.string() + "': " + std::strerror(errno));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    return make_error("cannot read '" + path.string() + "': read error");
  }
  return text.str();
}

namespace {

/// Writes all of `text` to `fd` and closes it; the errno of the failure, else 0.
int write_and_close(int fd, const std::string& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      const int error = n < 0 ? errno : EIO;
      ::close(fd);
      return error;
    }
    done += static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0) { // NFS and some full disks report the failed write only here
    return errno;
  }
  return 0;
}

} // namespace

Result<void> write_file(const std::filesystem::path& path, const std::string& text) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  const int error = fd < 0 ? errno : write_and_close(fd, text);
  if (error != 0) {
    return make_error(fmt::format("cannot write '{}': {}", path.string(), std::strerror(error)));
  }
  return {};
}

Result<void> write_file_atomically(const std::filesystem::path& path, const std::string& text) {
  std::error_code ec;
  if (path.has_parent_path()) {
    std::filesystem::create_directories(path.parent_path(), ec);
  }
  const std::filesystem::path temp = path.string() + fmt::format(".tmp.{}", ::getpid());
  const auto fail = [&](int error) {
    std::filesystem::remove(temp, ec);
    return make_error(fmt::format("cannot write '{}': {}", path.string(), std::strerror(error)));
  };
  const int fd = open_new_file(temp, 0644);
  if (fd < 0) {
    return make_error(fmt::format("cannot write '{}': {}", path.string(), std::strerror(errno)));
  }
  if (const int error = write_and_close(fd, text); error != 0) {
    return fail(error);
  }
  std::filesystem::rename(temp, path, ec);
  if (ec) {
    const std::string reason = ec.message();
    std::filesystem::remove(temp, ec);
    return make_error(fmt::format("cannot write '{}': {}", path.string(), reason));
  }
  return {};
}

int open_new_file(const std::filesystem::path& path, int mode) {
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    return -1;
  }
  return ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, static_cast<mode_t>(mode));
}

Result<std::filesystem::path> create_directories_below(const std::filesystem::path& base,
                                                       const std::filesystem::path& relative) {
  std::error_code ec;
  std::filesystem::create_directories(base, ec); // the caller's own path: symlinks above `base` are fine
  std::filesystem::path dir = base;
  const auto check = [&dir]() -> Result<void> {
    struct stat info {};
    if (::lstat(dir.c_str(), &info) != 0) {
      return make_error(fmt::format("cannot create the folder '{}': {}", dir.string(), std::strerror(errno)));
    }
    if (S_ISLNK(info.st_mode)) {
      return make_error(fmt::format("'{}' is a symlink: zkbench does not write its files through one (remove it)",
                                    dir.string()));
    }
    if (!S_ISDIR(info.st_mode)) {
      return make_error(fmt::format("cannot create the folder '{}': a file of that name is in the way", dir.string()));
    }
    return {};
  };
  ZKBENCH_TRY(check());
  for (const auto& part : relative) {
    dir /= part;
    if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
      return make_error(fmt::format("cannot create the folder '{}': {}", dir.string(), std::strerror(errno)));
    }
    ZKBENCH_TRY(check());
  }
  return dir;
}

std::vector<std::filesystem::path> numbered_subfolders(const std::filesystem::path& dir, std::size_t digits) {
  std::vector<std::filesystem::path> folders;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.size() == digits && name.find_first_not_of("0123456789") == std::string::npos &&
        entry.is_directory(ec)) {
      folders.push_back(entry.path());
    }
  }
  std::sort(folders.begin(), folders.end());
  return folders;
}

} // namespace zkbench::util
