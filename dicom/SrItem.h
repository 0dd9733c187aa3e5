// A read-only view of one SR content item, read straight from the dataset's Content Sequence.
// Deliberately tolerant: missing relationship types, unknown value types and invalid values do not
// stop the walk (real RDSRs from Canon, Philips and Eurocolumbus break a strict SR reader).
#pragma once

#include "dicom/SrCodes.h"

#include <optional>
#include <string_view>
#include <vector>

class DcmItem;

namespace fa::dicom {

// Deeper nesting than this is not a dose report; it guards our own recursion.
constexpr int kMaxSrDepth = 32;

class SrItem {
public:
    explicit SrItem(DcmItem& item) : item_(&item) {}

    std::string_view valueType() const;
    std::string_view relationship() const;
    CodeRef concept() const;
    bool is(const Code& code) const { return matches(concept(), code); }

    CodeRef codeValue() const;       // CODE: Concept Code Sequence
    std::string_view textValue() const; // TEXT, UIDREF, DATETIME, DATE, TIME, PNAME (whichever is present)

    struct Num {
        std::optional<double> value;  // as written, before unit conversion
        std::string_view written;     // the Numeric Value text, for messages
        CodeRef unit;
        CodeRef qualifier;            // e.g. "Measurement not attempted" when there is no value
        bool invalid = false;         // a value was written but is not a number
    };
    Num num() const;

    // The Content Sequence items in order (one linear pass: DCMTK's getItem(i) seeks from the start).
    std::vector<SrItem> children() const;
    DcmItem& raw() const { return *item_; }

private:
    DcmItem* item_;
};

std::string_view trimmed(std::string_view s);
std::optional<double> parseDecimal(std::string_view s);

} // namespace fa::dicom
