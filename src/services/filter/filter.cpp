#include "services/filter/filter.hpp"

#include <algorithm>

namespace myelin::filter {

std::int64_t EventFilter::limit_or(std::int64_t fallback, std::int64_t max) const {
  return std::min(limit.value_or(fallback), max);
}

}  // namespace myelin::filter
