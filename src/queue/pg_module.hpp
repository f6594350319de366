#pragma once
// The PostgreSQL job queue's entry point in the PostgreSQL module (see store/postgres_module.hpp):
// open_queue reaches PgQueue through it, so libpq is loaded only for a postgresql:// queue.

#include <memory>
#include <string>

#include "queue/job_queue.hpp"
#include "util/error.hpp"

extern "C" {
/// Opens the PostgreSQL queue at `*url` (PgQueue::open) into `*out`.
void zkbench_pg_open_queue(const std::string* url, zkbench::Result<std::unique_ptr<zkbench::queue::JobQueue>>* out);
}
