#pragma once

#include <string>

#include "config/config_schema.hpp"

namespace myelin::config {

// The commented YAML `myelin generate-config` writes: every setting of the schema with its
// documentation; the ones the parameters decide are set, the others shown commented out at their
// defaults.
std::string generate_sample_config(const SampleParameters& parameters);

}  // namespace myelin::config
