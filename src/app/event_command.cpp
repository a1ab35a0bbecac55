#include "app/event_command.hpp"

#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>

#include "base/base64.hpp"
#include "protocol/crypto/json_signing.hpp"
#include "protocol/events/content_hash.hpp"
#include "protocol/events/event_signing.hpp"
#include "protocol/events/pdu.hpp"
#include "protocol/events/redaction.hpp"
#include "protocol/json/canonical.hpp"
#include "protocol/json/parse.hpp"

namespace myelin::app {
namespace {

using KeyMap = std::map<std::pair<std::string, std::string>, std::string>;

// "example.org:ed25519:a_1=BASE64" → ((example.org, ed25519:a_1), raw key). The server name may
// carry a port, so the key ID is found from the algorithm prefix rather than the first ':'.
bool parse_key_argument(const std::string& argument, KeyMap& keys, std::string& error) {
  std::size_t equals = argument.find('=');
  std::size_t algorithm = argument.find(":ed25519:");
  if (equals == std::string::npos || algorithm == std::string::npos || algorithm > equals) {
    error = "--key must be SERVER:ed25519:VERSION=BASE64, got \"" + argument + "\"";
    return false;
  }
  std::string server = argument.substr(0, algorithm);
  std::string key_id = argument.substr(algorithm + 1, equals - algorithm - 1);
  auto raw = base64::decode(argument.substr(equals + 1));
  if (!raw || raw->size() != 32) {
    error = "--key " + server + ":" + key_id + ": the public key must be 32 bytes of base64";
    return false;
  }
  keys[{server, key_id}] = *raw;
  return true;
}

std::optional<std::string> read_input(const std::string& file, std::istream& in) {
  std::ostringstream text;
  if (file == "-") {
    text << in.rdbuf();
  } else {
    std::ifstream stream(file, std::ios::binary);
    if (!stream) return std::nullopt;
    text << stream.rdbuf();
  }
  return text.str();
}

}  // namespace

int event_check(const EventCheckOptions& options, std::istream& in, std::ostream& out,
                std::ostream& err) {
  const RoomVersion* version = find_room_version(options.room_version);
  if (!version) {
    err << "myelin: unknown room version \"" << options.room_version << "\"\n";
    return 2;
  }
  KeyMap keys;
  for (const std::string& argument : options.keys) {
    std::string error;
    if (!parse_key_argument(argument, keys, error)) {
      err << "myelin: " << error << "\n";
      return 2;
    }
  }
  auto text = read_input(options.file, in);
  if (!text) {
    err << "myelin: cannot read " << options.file << "\n";
    return 2;
  }
  auto json = json::parse_object(*text, {.max_bytes = 1024 * 1024});
  if (!json) {
    err << "myelin: " << json.error() << "\n";
    return 1;
  }

  auto pdu = events::Pdu::parse(*json, *version);
  if (!pdu) {
    out << "valid: no (" << pdu.error() << ")\n";
  } else {
    out << "event_id: " << pdu->event_id() << "\n";
  }
  bool ok = pdu.has_value();

  auto hash = events::check_content_hash(*json);
  out << "content_hash: " << (hash ? "valid" : "INVALID (" + hash.error() + ")") << "\n";
  ok = ok && hash.has_value();

  // Signatures cover the redacted form (spec "Validating hashes and signatures on received
  // events"). Each required server is checked with every key given for it.
  boost::json::object redacted = events::redact(*json, *version);
  for (const std::string& server : events::required_signatures(*json, *version)) {
    bool checked = false;
    for (const auto& [id, public_key] : keys) {
      if (id.first != server) continue;
      checked = true;
      auto verified = crypto::verify_json(redacted, server, id.second, public_key);
      out << "signature " << server << " " << id.second << ": "
          << (verified ? std::string("valid") : "INVALID (" + verified.error() + ")") << "\n";
      ok = ok && verified.has_value();
    }
    if (!checked) out << "signature " << server << ": unchecked (no --key for it)\n";
  }

  out << "redacted: " << json::encode_canonical(redacted) << "\n";
  return ok ? 0 : 1;
}

void add_event_commands(CLI::App& app, int& exit_code) {
  CLI::App* event = app.add_subcommand("event", "Event (PDU) tools");
  event->require_subcommand(1);
  auto options = std::make_shared<EventCheckOptions>();
  CLI::App* check = event->add_subcommand(
      "check", "Print an event's ID, verify its content hash and signatures, show it redacted");
  check->add_option("file", options->file, "The event's JSON (- for standard input)")->required();
  check->add_option("--room-version", options->room_version, "The room's version")->required();
  check->add_option("--key", options->keys, "A server's public key: SERVER:KEYID=BASE64");
  check->callback(
      [options, &exit_code] { exit_code = event_check(*options, std::cin, std::cout, std::cerr); });
}

}  // namespace myelin::app
