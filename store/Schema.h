// Numbered schema migrations; each runs once, in order, inside a transaction.
#pragma once

namespace Poco::Data {
class Session;
}

namespace fa::store {

// Brings the database to the newest schema version; returns that version.
int migrate(Poco::Data::Session& session);

} // namespace fa::store
