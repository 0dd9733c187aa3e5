// The one error type of the project: what was wrong, where, and what to do.
#pragma once

#include <stdexcept>
#include <string>

namespace fa {

class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

} // namespace fa
