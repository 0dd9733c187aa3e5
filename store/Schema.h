// Numbered schema migrations; each runs once, in order, inside a transaction.
#pragma once

#include "store/Database.h"

namespace fa::store {

// Brings the database to the newest schema version; returns that version.
int migrate(Database& db);

} // namespace fa::store
