// A file mapped read-only into memory (its pages are the page cache's: nothing is copied).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace fa::dicom {

class MappedFile {
public:
    // An empty mapping (size() 0) when the file cannot be opened or is empty: the loader says why.
    explicit MappedFile(const std::string& path);
    ~MappedFile();
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;

    const std::uint8_t* data() const { return data_; }
    std::size_t size() const { return size_; }

private:
    const std::uint8_t* data_ = nullptr;
    std::size_t size_ = 0;
};

} // namespace fa::dicom
