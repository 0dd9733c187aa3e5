#include "dicom/MppsInstances.h"

#include "core/Error.h"
#include "dicom/ContentItems.h"
#include "dicom/MappedFile.h"
#include "dicom/Spool.h"

#include "dcmtk/dcmdata/dcdeftag.h"
#include "dcmtk/dcmdata/dcfilefo.h"
#include "dcmtk/dcmdata/dcostrmb.h"
#include "dcmtk/dcmdata/dcuid.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <vector>

namespace fs = std::filesystem;

namespace fa::dicom {

namespace {

// Top-level sequences larger than this are carried over as bytes, never built as a DCMTK tree.
constexpr std::size_t kLargeSequence = 64 << 10;

struct Refusal {
    Uint16 status;
    std::string why;
};

std::string statusOf(DcmItem& ds) {
    OFString v;
    return ds.findAndGetOFString(DCM_PerformedProcedureStepStatus, v).good() ? v.c_str() : "";
}

bool validUid(const std::string& uid) {
    if (uid.empty() || uid.size() > 64) return false;
    for (char c : uid)
        if (!(c == '.' || (c >= '0' && c <= '9'))) return false;
    return true;
}

MppsOutcome failure(Uint16 status, std::string why) {
    MppsOutcome o;
    o.status = status;
    o.why = std::move(why);
    return o;
}

// A large top-level sequence as bytes (its whole element, tag to end) in the encoding of its file.
struct RawSequence {
    DcmTagKey tag;
    const std::uint8_t* data = nullptr;
    std::size_t size = 0;
};

// A procedure step object: its small elements read by DCMTK, its large top-level sequences left
// as bytes of the mapped file.
class StepObject {
public:
    StepObject(const std::string& path, const PrescanLimits& limits) : file_(path) {
        if (file_.size() == 0) throw Refusal{kMppsProcessingFailure, "cannot read " + path};
        ContentMap map;
        if (const std::string why = prescanBuffer(file_.data(), file_.size(), limits, &map); !why.empty())
            throw Refusal{kMppsProcessingFailure, "refused without reading it: " + why};
        syntax_ = map.syntax;
        std::vector<std::pair<std::size_t, std::size_t>> cut;
        for (const auto& s : map.sequences) {
            const DcmTagKey tag(s.group, s.element);
            // The scheduled step is read here (its study): never large in a real step.
            if (s.end <= s.start || s.end - s.start <= kLargeSequence || tag == DCM_ScheduledStepAttributesSequence)
                continue;
            raw_.push_back({tag, file_.data() + s.start, s.end - s.start});
            cut.emplace_back(s.start, s.end);
        }
        try {
            small_ = readWithout(file_.data(), file_.size(), cut);
        } catch (const Error& e) {
            throw Refusal{kMppsProcessingFailure, e.what()};
        }
    }

    DcmDataset& small() { return *small_->getDataset(); }
    const std::vector<RawSequence>& raw() const { return raw_; }
    ContentMap::Syntax syntax() const { return syntax_; }

private:
    MappedFile file_;
    ContentMap::Syntax syntax_ = ContentMap::Syntax::ExplicitLittle;
    std::unique_ptr<DcmFileFormat> small_;
    std::vector<RawSequence> raw_;
};

// A dataset's bytes, without group lengths, in `xfer`.
std::string bytesOf(DcmDataset& ds, E_TransferSyntax xfer) {
    std::string out;
    if (ds.card() == 0) return out;
    std::vector<Uint8> buffer(64 << 10);
    DcmOutputBufferStream stream(buffer.data(), buffer.size());
    ds.transferInit();
    OFCondition cond;
    do {
        cond = ds.write(stream, xfer, EET_ExplicitLength, nullptr, EGL_withoutGL);
        void* written = nullptr;
        offile_off_t length = 0;
        stream.flushBuffer(written, length);
        out.append(static_cast<const char*>(written), static_cast<std::size_t>(length));
    } while (cond == EC_StreamNotifyClient);
    ds.transferEnd();
    if (cond.bad()) throw Error(std::string("cannot encode the step: ") + cond.text());
    return out;
}

// Writes `small` and `raw` as one Part 10 file in `syntax`, every element in tag order: the small
// ones through DCMTK, the large sequences copied as they are.
void writeStep(const std::string& path, DcmDataset& small, std::vector<RawSequence> raw, ContentMap::Syntax syntax) {
    std::sort(raw.begin(), raw.end(), [](const RawSequence& a, const RawSequence& b) { return a.tag < b.tag; });
    std::vector<DcmDataset> parts(raw.size() + 1); // the small elements before each large one, and after the last
    for (unsigned long i = 0; i < small.card(); ++i) {
        DcmElement* element = small.getElement(i);
        std::size_t k = 0;
        while (k < raw.size() && raw[k].tag < element->getTag()) ++k;
        parts[k].insert(static_cast<DcmElement*>(element->clone()), OFTrue);
    }
    const E_TransferSyntax xfer = transferSyntaxOf(syntax);
    DcmFileFormat head(&parts[0]);
    if (const OFCondition cond = head.saveFile(path.c_str(), xfer, EET_ExplicitLength, EGL_withoutGL); cond.bad())
        throw Error("cannot write " + path + ": " + cond.text());
    std::ofstream out(path, std::ios::binary | std::ios::app);
    for (std::size_t k = 0; k < raw.size(); ++k) {
        out.write(reinterpret_cast<const char*>(raw[k].data), static_cast<std::streamsize>(raw[k].size));
        const std::string after = bytesOf(parts[k + 1], xfer);
        out.write(after.data(), static_cast<std::streamsize>(after.size()));
    }
    out.flush();
    if (!out) throw Error("cannot write " + path);
}

// Writes the step durably: a flushed file renamed into place, then the folder flushed.
void keep(const std::string& folder, const std::string& path, DcmDataset& small, const std::vector<RawSequence>& raw,
          ContentMap::Syntax syntax) {
    const std::string partial = path + ".partial";
    std::error_code ec;
    try {
        writeStep(partial, small, raw, syntax);
    } catch (const Error& e) {
        fs::remove(partial, ec);
        throw Refusal{kMppsProcessingFailure, e.what()};
    }
    if (!syncPath(partial)) {
        fs::remove(partial, ec);
        throw Refusal{kMppsProcessingFailure, "cannot flush " + partial};
    }
    fs::rename(partial, path, ec);
    if (ec || !syncPath(folder)) {
        fs::remove(partial, ec);
        throw Refusal{kMppsProcessingFailure, "cannot keep " + path + (ec ? ": " + ec.message() : std::string())};
    }
}

// Large sequences of `from` in `syntax`, or read into `into` where `from` came in another encoding
// (a step created on one association and completed on another): rare, and bounded by the limits.
void carryOver(StepObject& from, const std::set<DcmTagKey>& except, ContentMap::Syntax syntax, DcmDataset& into,
               std::vector<RawSequence>& raw) {
    for (const auto& r : from.raw()) {
        if (except.count(r.tag)) continue;
        if (from.syntax() == syntax) {
            raw.push_back(r);
            continue;
        }
        try {
            into.insert(readElement(r.data, r.size, from.syntax()).release(), OFTrue);
        } catch (const Error& e) {
            throw Refusal{kMppsProcessingFailure, std::string(DcmTag(r.tag).getTagName()) + ": " + e.what()};
        }
    }
}

} // namespace

MppsInstances::MppsInstances(std::string folder, PrescanLimits limits) : folder_(std::move(folder)), limits_(limits) {
    std::error_code ec;
    fs::create_directories(folder_, ec);
}

std::string MppsInstances::pathOf(const std::string& uid) const { return folder_ + "/" + uid + ".dcm"; }

MppsOutcome MppsInstances::create(const std::string& uid, const std::string& received) {
    if (!validUid(uid)) return failure(kMppsInvalidAttributeValue, "'" + uid + "' is not a SOP Instance UID");
    try {
        StepObject attributes(received, limits_);
        DcmDataset& step = attributes.small();
        const std::string status = statusOf(step);
        if (status.empty()) return failure(kMppsMissingAttribute, "no Performed Procedure Step Status (0040,0252)");
        if (status != "IN PROGRESS")
            return failure(kMppsInvalidAttributeValue, "a step is created IN PROGRESS, not " + status);
        DcmItem* scheduled = nullptr;
        OFString study;
        if (step.findAndGetSequenceItem(DCM_ScheduledStepAttributesSequence, scheduled, 0).bad() || !scheduled ||
            scheduled->findAndGetOFString(DCM_StudyInstanceUID, study).bad() || study.empty())
            return failure(kMppsMissingAttribute,
                           "no Study Instance UID in the Scheduled Step Attributes Sequence (0040,0270)");
        std::lock_guard<std::mutex> lock(mutex_);
        std::error_code ec;
        if (fs::exists(pathOf(uid), ec)) return failure(kMppsDuplicateInstance, "step " + uid + " exists already");
        step.putAndInsertString(DCM_SOPClassUID, UID_ModalityPerformedProcedureStepSOPClass);
        step.putAndInsertString(DCM_SOPInstanceUID, uid.c_str());
        keep(folder_, pathOf(uid), step, attributes.raw(),
             attributes.raw().empty() ? ContentMap::Syntax::ExplicitLittle : attributes.syntax());
    } catch (const Refusal& r) {
        return failure(r.status, r.why);
    }
    return {};
}

MppsOutcome MppsInstances::set(const std::string& uid, const std::string& received) {
    std::lock_guard<std::mutex> lock(mutex_);
    std::error_code ec;
    if (!validUid(uid) || !fs::exists(pathOf(uid), ec)) return failure(kMppsNoSuchInstance, "no step " + uid);
    std::string after;
    try {
        StepObject changes(received, limits_);
        PrescanLimits own = limits_; // the stored step may hold what two objects within the limits held
        own.maxContentBytes = std::numeric_limits<std::uint64_t>::max();
        StepObject stored(pathOf(uid), own);
        DcmDataset& step = stored.small();
        const std::string before = statusOf(step);
        if (before != "IN PROGRESS")
            return failure(kMppsNoLongerUpdatable, "step " + uid + " is " + before + " and may no longer be updated");
        after = statusOf(changes.small());
        if (!after.empty() && after != "IN PROGRESS" && after != "COMPLETED" && after != "DISCONTINUED")
            return failure(kMppsInvalidAttributeValue, "'" + after + "' is no Performed Procedure Step Status");
        // The modification list replaces the step's attributes of the same tags.
        std::set<DcmTagKey> replaced;
        DcmDataset& modifications = changes.small();
        for (unsigned long i = 0; i < modifications.card(); ++i) {
            DcmElement* element = modifications.getElement(i);
            if (element->getTag() == DCM_SOPClassUID || element->getTag() == DCM_SOPInstanceUID) continue;
            replaced.insert(element->getTag());
            step.insert(static_cast<DcmElement*>(element->clone()), OFTrue);
        }
        for (const auto& r : changes.raw()) {
            replaced.insert(r.tag);
            delete step.remove(r.tag);
        }
        // Written in the encoding of the large sequences it keeps (the newest, when both have some).
        ContentMap::Syntax syntax = ContentMap::Syntax::ExplicitLittle;
        if (!changes.raw().empty()) syntax = changes.syntax();
        else if (std::any_of(stored.raw().begin(), stored.raw().end(), [&](const RawSequence& r) { return !replaced.count(r.tag); }))
            syntax = stored.syntax();
        std::vector<RawSequence> raw;
        carryOver(changes, {}, syntax, step, raw);
        carryOver(stored, replaced, syntax, step, raw);
        keep(folder_, pathOf(uid), step, raw, syntax);
    } catch (const Refusal& r) {
        return failure(r.status, r.why);
    }
    MppsOutcome o;
    if (after == "COMPLETED") o.completed = pathOf(uid);
    return o;
}

} // namespace fa::dicom
