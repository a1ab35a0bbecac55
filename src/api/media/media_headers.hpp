#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "http/router/headers.hpp"

namespace myelin::api {

// Content-Disposition for serving media (spec "Serving inline content", as Synapse): inline only
// for types a browser cannot turn into script, attachment otherwise; the file name as a plain
// token when it is one (RFC 6266), else as filename*=utf-8''<%-encoded> (RFC 5987).
std::string content_disposition(std::string_view media_type,
                                const std::optional<std::string>& file_name);

// Content-Type as served: text types without a charset get "; charset=UTF-8" (as Synapse).
std::string served_content_type(std::string_view media_type);

// Every header of a media download: type, disposition, and the sandboxing policies (spec: the
// server SHOULD send Content-Security-Policy and Cross-Origin-Resource-Policy).
void add_media_headers(http::Headers& headers, std::string_view media_type,
                       const std::optional<std::string>& file_name);

}  // namespace myelin::api
