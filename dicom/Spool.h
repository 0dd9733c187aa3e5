// The spool: where every received object is made durable before its sender hears "success".
// incoming/ holds files being received; a complete file is flushed and renamed into the spool
// itself, named so that names sort in order of arrival and carry the calling AE title. Objects
// committed at the same time (on several associations) are made durable together: one flush of the
// file system for their contents and one of the spool folder for their names.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

class DcmDataset;

namespace fa::dicom {

class Spool {
public:
    // Creates `root` and `root/incoming` if needed. Throws fa::Error when it cannot.
    explicit Spool(std::string root);

    // A new empty file in incoming/ to receive into. Throws fa::Error with the OS reason when the
    // spool cannot be written (disk full, read-only, permissions).
    std::string reserve();
    // Flushes a received file, renames it into the spool and flushes the folder: after this
    // returns the object survives a crash. Concurrent commits share the flushes (the first caller
    // flushes for everyone waiting). Throws fa::Error (and removes the file) when a step fails.
    std::string commit(const std::string& partial, const std::string& callingAe);
    void discard(const std::string& partial) noexcept;
    // Writes `dataset` as a Part 10 file (explicit VR little endian) in incoming/, to be committed. Throws fa::Error saying why (a full or read-only file system).
    std::string writePartial(DcmDataset& dataset);
    // The name commit() will give `partial`.
    std::string committedName(const std::string& partial, const std::string& callingAe) const;

    // Free space of the spool's file system in bytes (0 when it cannot be read).
    unsigned long long freeBytes() const;

    // Spooled objects, oldest first.
    std::vector<std::string> pending() const;
    // Removes what a crash left in incoming/ (its senders never heard success); returns how many.
    std::size_t clearIncoming();

    // The calling AE title a spooled file came from ("" when unknown).
    static std::string callingAeOf(const std::string& spooledPath);
    const std::string& root() const { return root_; }

    ~Spool();
    Spool(const Spool&) = delete;
    Spool& operator=(const Spool&) = delete;

private:
    struct Pending;
    struct Group;
    void flush(const std::vector<Pending*>& batch);

    std::string root_;
    std::atomic<unsigned long> sequence_{0};
    std::unique_ptr<Group> group_;
};

// fsync of a file or folder by path; false with errno set on failure.
bool syncPath(const std::string& path);

} // namespace fa::dicom
