#include "measure/run_writer.hpp"

namespace zkbench::measure {

RunWriter::~RunWriter() {
  if (!m_thread.joinable()) {
    return;
  }
  {
    std::lock_guard lock(m_mutex);
    m_stop = true; // work() writes the run it was handed first
  }
  m_handed_over.notify_one();
  m_thread.join();
}

Result<std::size_t> RunWriter::add_run(std::int64_t benchmark_id, core::Run run) {
  {
    std::unique_lock lock(m_mutex);
    m_written.wait(lock, [this] { return (!m_next && !m_writing) || m_error; });
    if (m_error) {
      return tl::unexpected(*m_error);
    }
    m_next = Pending{benchmark_id, std::move(run)};
  }
  if (!m_thread.joinable()) {
    m_thread = std::thread([this] { work(); });
  }
  m_handed_over.notify_one();
  return m_tickets++;
}

Result<void> RunWriter::drain() {
  std::unique_lock lock(m_mutex);
  m_written.wait(lock, [this] { return (!m_next && !m_writing) || m_error; });
  if (m_error) {
    return tl::unexpected(*m_error);
  }
  return {};
}

void RunWriter::work() {
  std::unique_lock lock(m_mutex);
  for (;;) {
    m_handed_over.wait(lock, [this] { return m_next || m_stop; });
    if (!m_next) {
      return; // stopping, nothing left to write
    }
    Pending next = std::move(*m_next);
    m_next.reset();
    m_writing = true;
    lock.unlock(); // the loop measures the next run meanwhile
    auto id = m_sink.add_run(next.benchmark_id, next.run);
    lock.lock();
    m_writing = false;
    if (id) {
      m_ids.push_back(*id);
    } else {
      m_error = id.error();
    }
    m_written.notify_all();
  }
}

} // namespace zkbench::measure
