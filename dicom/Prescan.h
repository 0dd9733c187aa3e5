// A look at an object's encoding before DCMTK builds it: how deeply its sequences nest and how
// much it holds besides pixel data. DCMTK reads nested sequences recursively, so an object nested
// a few thousand levels deep overflows the stack of whoever loads it; such objects, and objects
// larger than any dose report, are refused here with a reason, before any parsing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace fa::dicom {

struct PrescanLimits {
    int maxDepth = 64;                        // sequences within sequences; real reports use under 10
    std::uint64_t maxContentBytes = 64 << 20; // all but pixel data; a 10,000-event report is ~17 MB
};

// Where the dataset's own Content Sequence (0040,A730) of a dose report, or Exposure Dose Sequence
// (0040,030E) of a procedure step, and each of its items lie, so that a large object can be read one
// item at a time; and where every top-level sequence lies. Offsets are into the buffer looked at.
struct ContentMap {
    enum class Syntax { ExplicitLittle, ImplicitLittle, ExplicitBig };
    Syntax syntax = Syntax::ExplicitLittle;
    // The first of those two sequences at the top level of a dataset that is not deflated, every
    // item of it ending where its length or delimiter says.
    bool found = false;
    std::uint16_t group = 0, element = 0; // its tag
    // Every sequence at the top level: its tag and where the element starts and ends.
    struct Sequence {
        std::uint16_t group = 0, element = 0;
        std::size_t start = 0, end = 0;
    };
    std::vector<Sequence> sequences;
    std::size_t sequenceStart = 0, sequenceEnd = 0;          // the whole element: tag to end
    std::vector<std::pair<std::size_t, std::size_t>> items; // each item: tag to end, delimiter included
};

// How the reason for a Part 10 object that ends before one of its values does begins (e.g. a
// file cut short by a full disk).
constexpr const char* kTruncated = "truncated: ";
// How the reason begins for an object without a Part 10 header one of whose values announces more
// than is left: a bare dataset cut short, or no DICOM at all (DCMTK would set the length aside first).
constexpr const char* kUnreadable = "unreadable: ";

// "" when the object is within the limits (or not DICOM at all in a way the loader finds out
// cheaply); otherwise why it is refused, e.g. "sequences nested 20000 levels deep (at most 64)".
// With `map`, also where its content lies.
std::string prescanBuffer(const void* data, std::size_t size, const PrescanLimits& limits = {},
                          ContentMap* map = nullptr);
// The same for a file (read in one piece; objects past the limit are refused by their size first).
std::string prescanFile(const std::string& path, const PrescanLimits& limits = {});

} // namespace fa::dicom
