// Moving files between the spool, the archive and the quarantine, which a site may put on
// different file systems.
#pragma once

#include <string>
#include <system_error>

namespace fa {

// rename(), or across file systems a copy that is flushed to disk before the source is removed.
// On failure `ec` says why and the source is left where it was.
void moveFile(const std::string& from, const std::string& to, std::error_code& ec);

// A second name for `from` at `to` (replacing `to`), or across file systems a flushed copy;
// `from` stays. On failure `ec` says why. The new name is not flushed: a journaling file system
// keeps it ahead of a later removal of `from`.
void linkOrCopy(const std::string& from, const std::string& to, std::error_code& ec);
// A name beside `target` for writing it before renaming it into place, of this writer alone (two
// pipelines of one host may archive the same object at once); it ends in ".partial".
std::string partialName(const std::string& target);
// Makes `path` readable and writable by its owner only (it holds patient data).
void restrictToOwner(const std::string& path, std::error_code& ec);

} // namespace fa
