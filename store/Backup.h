// A consistent copy of the database while `serve` writes to it: SQLite's online backup, run under
// the database's write lock so that no commit happens between the moment the host's spool is
// taken (`whileLocked`) and the end of the copy. Writers wait meanwhile (they retry), readers do not.
#pragma once

#include <functional>
#include <string>

namespace fa::store {

// Copies `source` to `target` (a new file, 0600). Throws fa::Error naming the file and SQLite's
// reason when the database cannot be read or the copy written.
void backupDatabase(const std::string& source, const std::string& target, const std::function<void()>& whileLocked);

// How many studies the database at `path` holds (for what a backup or restore says it did).
long long studyCount(const std::string& path);

} // namespace fa::store
