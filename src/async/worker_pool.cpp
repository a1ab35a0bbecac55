#include "async/worker_pool.hpp"

#include <algorithm>

namespace myelin::async {

WorkerPool::WorkerPool(std::size_t threads)
    : size_(std::max<std::size_t>(1, threads)), pool_(size_) {}

WorkerPool::~WorkerPool() {
  // join() waits for queued jobs; the thread_pool destructor alone would stop and drop them,
  // destroying the coroutines that await them.
  pool_.join();
}

}  // namespace myelin::async
