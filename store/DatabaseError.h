// A failure of the database itself (damaged, not a database, unreadable, full, locked), as opposed
// to a problem of what was being stored: a host stops and tells its operator instead of blaming,
// retrying or quarantining the object at hand.
#pragma once

#include "core/Error.h"

namespace fa::store {

class DatabaseError : public Error {
public:
    DatabaseError(const std::string& what, bool transient) : Error(what), transient_(transient) {}
    // A full disk or a lock held too long: the same write can succeed later without anyone
    // repairing anything (what is spooled waits); otherwise the database needs its operator.
    bool transient() const { return transient_; }

private:
    bool transient_;
};

} // namespace fa::store
