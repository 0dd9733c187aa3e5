// This machine's name, as the logs, audit messages and links name it.
#pragma once

#include <string>

namespace fa {

// gethostname(), read once; "localhost" when it cannot be read.
const std::string& hostName();

} // namespace fa
