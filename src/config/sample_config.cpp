#include "config/sample_config.hpp"

#include <sstream>

namespace myelin::config {
namespace {

void write_comment(std::ostringstream& out, std::string_view text) {
  std::istringstream lines{std::string(text)};
  std::string line;
  while (std::getline(lines, line)) out << "# " << line << "\n";
}

}  // namespace

std::string generate_sample_config(const SampleParameters& parameters) {
  std::ostringstream out;
  out << "# myelin configuration. Every key is documented below; commented-out keys show their\n"
         "# default. myelin refuses to start on any unknown key or invalid value and names it.\n\n";
  for (const Setting& setting : config_schema()) {
    if (!setting.doc.empty()) write_comment(out, setting.doc);
    if (setting.sample) {
      out << setting.key << ": " << setting.sample(parameters) << "\n\n";
    } else {
      out << "#" << setting.key << ": " << setting.default_yaml << "\n\n";
    }
  }
  return out.str();
}

}  // namespace myelin::config
