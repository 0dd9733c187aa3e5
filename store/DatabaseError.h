// A failure of the database itself (damaged, not a database, unreadable, full, locked), as opposed
// to a problem of what was being stored: a host stops and tells its operator instead of blaming,
// retrying or quarantining the object at hand.
#pragma once

#include "core/Error.h"

namespace fa::store {

class DatabaseError : public Error {
public:
    using Error::Error;
};

} // namespace fa::store
