// myelin_bench_documents: prints the benchmark documents, one canonical JSON line each (an event,
// then a sync response), so bench/python_compare.py times Python on the same inputs.
#include <iostream>

#include "bench/bench_documents.hpp"
#include "protocol/json/canonical.hpp"

int main() {
  std::cout << myelin::json::encode_canonical(myelin::bench::sample_event()) << '\n'
            << myelin::json::encode_canonical(myelin::bench::sample_sync()) << '\n';
  return std::cout ? 0 : 1;
}
