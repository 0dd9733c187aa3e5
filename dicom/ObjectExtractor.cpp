#include "dicom/ObjectExtractor.h"

#include "core/Consistency.h"
#include "core/Error.h"
#include "core/ValueBounds.h"
#include "dicom/ContentItems.h"
#include "dicom/DicomDateTime.h"
#include "dicom/DoseSopClasses.h"
#include "dicom/GeDlStudyTotals.h"
#include "dicom/ImageHeaderExtractor.h"
#include "dicom/MppsExtractor.h"
#include "dicom/MappedFile.h"
#include "dicom/RdsrExtractor.h"
#include "dicom/SiemensRadiationSummary.h"
#include "dicom/SrItem.h"
#include "dicom/TextDecoder.h"

#include "dcmtk/config/osconfig.h"
#include "dcmtk/dcmdata/dcdeftag.h"
#include "dcmtk/dcmdata/dcfilefo.h"
#include "dcmtk/dcmdata/dcistrmb.h"
#include "dcmtk/dcmdata/dcuid.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <fstream>
#include <memory>
#include <optional>

namespace fa::dicom {

namespace {

std::string raw(DcmItem& ds, const DcmTagKey& tag) {
    const char* p = nullptr;
    if (ds.findAndGetString(tag, p).bad() || !p) return {};
    return std::string(trimmed(p));
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::string characterSetFor(DcmItem& ds, const ExtractOptions& options) {
    std::string declared = raw(ds, DCM_SpecificCharacterSet);
    if (!declared.empty()) return declared;
    for (const DcmTagKey& tag : {DCM_StationName, DCM_ManufacturerModelName, DCM_Manufacturer}) {
        const std::string v = lower(raw(ds, tag));
        if (v.empty()) continue;
        for (const auto& [device, charset] : options.deviceCharacterSets)
            if (lower(device) == v) return charset;
    }
    return options.defaultCharacterSet;
}

void codesFrom(DcmItem& ds, const DcmTagKey& sequence, std::vector<std::string>& out) {
    DcmSequenceOfItems* seq = nullptr;
    if (ds.findAndGetSequence(sequence, seq).bad() || !seq) return;
    for (DcmObject* obj = seq->nextInContainer(nullptr); obj; obj = seq->nextInContainer(obj)) {
        auto* item = dynamic_cast<DcmItem*>(obj);
        if (!item) continue;
        const std::string value = raw(*item, DCM_CodeValue), scheme = raw(*item, DCM_CodingSchemeDesignator);
        if (value.empty()) continue;
        const std::string code = scheme + ":" + value;
        if (std::find(out.begin(), out.end(), code) == out.end()) out.push_back(code);
    }
}

void readStudy(DcmItem& ds, TextDecoder& text, StudyInfo& s) {
    s.studyUid = raw(ds, DCM_StudyInstanceUID);
    s.studyDate = isoDate(raw(ds, DCM_StudyDate));
    s.studyTime = isoTime(raw(ds, DCM_StudyTime));
    s.accessionNumber = text.decode(raw(ds, DCM_AccessionNumber));
    s.studyDescription = text.decode(raw(ds, DCM_StudyDescription));
    s.requestedProcedure = text.decode(raw(ds, DCM_RequestedProcedureDescription));
    s.performedProcedure = text.decode(raw(ds, DCM_PerformedProcedureStepDescription));
    s.protocolName = text.decode(raw(ds, DCM_ProtocolName));
    if (s.requestedProcedure.empty()) {
        DcmItem* request = nullptr;
        if (ds.findAndGetSequenceItem(DCM_RequestAttributesSequence, request, 0).good() && request)
            s.requestedProcedure = text.decode(raw(*request, DCM_ScheduledProcedureStepDescription));
    }
    codesFrom(ds, DCM_ProcedureCodeSequence, s.procedureCodes);
    codesFrom(ds, DCM_RequestedProcedureCodeSequence, s.procedureCodes);
    codesFrom(ds, DCM_PerformedProtocolCodeSequence, s.procedureCodes);
    std::vector<std::string> named; // each person once (a name inside another is another person)
    for (const DcmTagKey& tag : {DCM_PerformingPhysicianName, DCM_OperatorsName}) {
        std::string names = text.decodeName(raw(ds, tag));
        std::size_t start = 0;
        while (start <= names.size() && !names.empty()) {
            auto end = names.find('\\', start);
            if (end == std::string::npos) end = names.size();
            std::string one = names.substr(start, end - start);
            std::replace(one.begin(), one.end(), '^', ' ');
            while (!one.empty() && one.back() == ' ') one.pop_back();
            if (!one.empty() && std::find(named.begin(), named.end(), one) == named.end()) {
                named.push_back(one);
                s.operators += (s.operators.empty() ? "" : "; ") + one;
            }
            start = end + 1;
        }
    }
    s.patientId = text.decode(raw(ds, DCM_PatientID));
    s.issuerOfPatientId = text.decode(raw(ds, DCM_IssuerOfPatientID));
    s.patientName = text.decodeName(raw(ds, DCM_PatientName));
    s.patientBirthDate = isoDate(raw(ds, DCM_PatientBirthDate));
    s.patientSex = raw(ds, DCM_PatientSex);
}

void readDevice(DcmItem& ds, TextDecoder& text, DeviceInfo& d) {
    d.manufacturer = text.decode(raw(ds, DCM_Manufacturer));
    d.model = text.decode(raw(ds, DCM_ManufacturerModelName));
    d.serial = text.decode(raw(ds, DCM_DeviceSerialNumber));
    d.station = text.decode(raw(ds, DCM_StationName));
}


// Patient's Size (m) and Weight (kg); zero, unreadable or implausible values (some devices write 0)
// are left out.
void readPatientSize(DcmItem& ds, DoseObject& o) {
    auto number = [&](const DcmTagKey& tag, double low, double high) -> std::optional<double> {
        Float64 v = 0;
        if (ds.findAndGetFloat64(tag, v).bad() || !(v > low && v < high)) return std::nullopt;
        return v;
    };
    o.patientHeight_m = number(DCM_PatientSize, 0.3, 2.5);
    o.patientWeight_kg = number(DCM_PatientWeight, 1.0, 400.0);
}

std::string sopClassName(const std::string& uid) {
    const char* name = dcmFindNameOfUID(uid.c_str());
    return name ? std::string(name) : "SOP class " + uid;
}

// Reports whose template identifier is missing are accepted when their root concept is 113701.
void checkTemplate(DcmItem& ds, WarningList& w) {
    DcmItem* tpl = nullptr;
    if (ds.findAndGetSequenceItem(DCM_ContentTemplateSequence, tpl, 0).good() && tpl) {
        const std::string id = raw(*tpl, DCM_TemplateIdentifier);
        if (id == "10001") return;
        if (!id.empty()) {
            w.add("template-unexpected", fa::text("warn.templateUnexpected", {{"id", id}}));
            return;
        }
    }
    w.add("template-missing", fa::text("warn.templateMissing"));
}

} // namespace

namespace {

enum class Report { Read, None, NotInPieces };

// The dose report of an SR object: TID 10001 (in pieces when `pieces` is given, which only a plain
// TID 10001 root allows) or the Siemens summary.
Report readReport(DcmDataset& ds, TextDecoder& text, DoseObject& o, WarningList& warnings, ContentItems* pieces) {
    SrItem document(ds);
    if (pieces) {
        if (!document.is(codes::XRayRadiationDoseReport) || isSiemensRadiationSummary(document)) return Report::NotInPieces;
        o.kind = SourceKind::Rdsr;
        checkTemplate(ds, warnings);
        for (std::size_t i = 0; i < pieces->count(); ++i) extractRdsrItem(SrItem(pieces->item(i)), text, o, warnings);
    } else if (isSiemensRadiationSummary(document)) {
        o.kind = SourceKind::VendorSummary;
        extractSiemensRadiationSummary(document, o, warnings);
    } else if (auto report = findDoseReportRoot(document)) {
        o.kind = SourceKind::Rdsr;
        if (&report->raw() == static_cast<DcmItem*>(&ds)) checkTemplate(ds, warnings);
        extractRdsr(*report, text, o, warnings);
    } else {
        return Report::None;
    }
    return Report::Read;
}

// With `pieces`, the report's content items are read one at a time from there; nullopt when the
// object is not a plain TID 10001 report (the caller then loads it whole).
std::optional<Extraction> extract(DcmDataset& ds, const ExtractOptions& options, ContentItems* pieces) {
    Extraction x;
    DoseObject& o = x.object;
    o.sopClassUid = raw(ds, DCM_SOPClassUID);
    o.sopInstanceUid = raw(ds, DCM_SOPInstanceUID);
    o.seriesUid = raw(ds, DCM_SeriesInstanceUID);
    if (o.sopClassUid.empty() || o.sopInstanceUid.empty())
        throw Error("not a DICOM object: SOP Class UID (0008,0016) or SOP Instance UID (0008,0018) is missing");

    WarningList warnings;
    TextDecoder text(characterSetFor(ds, options), warnings);
    readStudy(ds, text, o.study);
    readDevice(ds, text, o.device);
    readPatientSize(ds, o);

    if (isDoseReportSopClass(o.sopClassUid)) {
        if (pieces && !pieces->holds(DCM_ContentSequence)) return std::nullopt;
        const Report found = readReport(ds, text, o, warnings, pieces);
        if (found == Report::NotInPieces) return std::nullopt;
        if (found == Report::None) {
            x.whyNot = sopClassName(o.sopClassUid) + " without X-Ray Radiation Dose Report content";
            return x;
        }
    } else if (o.sopClassUid == UID_ModalityPerformedProcedureStepSOPClass) {
        if (pieces && !pieces->holds(DCM_RETIRED_ExposureDoseSequence)) return std::nullopt;
        if (std::string why = extractMpps(ds, o, warnings, pieces); !why.empty()) {
            x.whyNot = why;
            return x;
        }
    } else if (pieces) {
        return std::nullopt;
    } else if (isXrayImageSopClass(o.sopClassUid)) {
        o.kind = SourceKind::ImageHeaders;
        extractImageHeader(ds, o, warnings);
        readGeDlStudyTotals(ds, o, warnings);
    } else if (isScreenCaptureSopClass(o.sopClassUid)) {
        // A dose screen of an XA/RF study counts only for the device totals it carries (no shot).
        const std::string modality = raw(ds, DCM_Modality);
        if ((modality != "XA" && modality != "RF") || !readGeDlStudyTotals(ds, o, warnings)) {
            x.whyNot = sopClassName(o.sopClassUid) + " without a C-arm's dose totals";
            return x;
        }
        o.kind = SourceKind::ImageHeaders;
    } else {
        x.whyNot = sopClassName(o.sopClassUid) + " carries no dose content";
        return x;
    }
    if (o.study.studyUid.empty())
        throw Error("dose object " + o.sopInstanceUid + " has no Study Instance UID (0020,000D): it cannot be filed");
    // Values no equipment can measure are dropped before anything adds them up or compares them.
    dropInvalidValues(o, warnings);
    if (o.kind == SourceKind::Rdsr) checkTotals(o, warnings);
    o.warnings = warnings.release();
    x.hasDoseContent = true;
    return x;
}

// A large report read one content item at a time; nullopt when it is better loaded whole.
// `unreadable`: what an object that is no DICOM, or a bare dataset cut short, is called; with
// `detail`, followed by where a value overruns the end.
std::optional<Extraction> extractInPieces(const std::uint8_t* data, std::size_t size, const std::string& origin,
                                          const ExtractOptions& options, const std::string& unreadable,
                                          bool detail) {
    ContentMap map;
    if (const std::string why = prescanBuffer(data, size, options.limits, &map); !why.empty()) {
        if (why.rfind(kTruncated, 0) == 0)
            throw Error(origin + ": damaged or truncated DICOM file (" + why.substr(std::strlen(kTruncated)) + ")");
        if (why.rfind(kUnreadable, 0) == 0)
            throw Error(origin + ": " + unreadable +
                        (detail ? " (" + why.substr(std::strlen(kUnreadable)) + ")" : std::string()));
        throw Error(origin + ": refused without reading it: " + why);
    }
    if (!map.found || size < options.readInPiecesAbove_bytes) return std::nullopt;
    std::unique_ptr<ContentItems> pieces;
    try {
        pieces = std::make_unique<ContentItems>(data, size, map);
    } catch (const Error&) {
        return std::nullopt; // loaded whole, the loader says what is wrong
    }
    try {
        if (auto x = extract(pieces->header(), options, pieces.get())) return x;
        return extract(pieces->whole(), options, nullptr);
    } catch (const Error& e) {
        throw Error(origin + ": " + e.what());
    }
}

} // namespace

Extraction extractDataset(DcmDataset& ds, const ExtractOptions& options) { return *extract(ds, options, nullptr); }

namespace {
// Part 10 files carry "DICM" after a 128-byte preamble; without it DCMTK tries a bare dataset.
bool hasPart10Prefix(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    char buf[132];
    return in.read(buf, sizeof buf) && std::string(buf + 128, 4) == "DICM";
}
} // namespace

Extraction extractFile(const std::string& path, const ExtractOptions& options) {
    {
        const MappedFile mapped(path);
        if (auto x = extractInPieces(mapped.data(), mapped.size(), path, options, "not a DICOM file", false)) return std::move(*x);
    }
    DcmFileFormat file;
    const OFCondition cond =
        file.loadFile(path.c_str(), EXS_Unknown, EGL_noChange, kMaxLoadedValueLength, ERM_autoDetect);
    if (cond.bad()) {
        if (!hasPart10Prefix(path)) throw Error(path + ": not a DICOM file");
        throw Error(path + ": damaged or truncated DICOM file (" + std::string(cond.text()) + ")");
    }
    try {
        return extractDataset(*file.getDataset(), options);
    } catch (const Error& e) {
        throw Error(path + ": " + e.what());
    }
}

Extraction extractBuffer(const void* data, std::size_t size, const std::string& origin, const ExtractOptions& options) {
    if (auto x = extractInPieces(static_cast<const std::uint8_t*>(data), size, origin, options, "not a readable DICOM object", true))
        return std::move(*x);
    DcmInputBufferStream stream;
    stream.setBuffer(data, static_cast<offile_off_t>(size));
    stream.setEos();
    DcmFileFormat file;
    file.transferInit();
    const OFCondition cond = file.read(stream, EXS_Unknown, EGL_noChange, DCM_MaxReadLength);
    file.transferEnd();
    if (cond.bad() || !file.getDataset() || file.getDataset()->card() == 0)
        throw Error(origin + ": not a readable DICOM object (" + std::string(cond.text()) + ")");
    try {
        return extractDataset(*file.getDataset(), options);
    } catch (const Error& e) {
        throw Error(origin + ": " + e.what());
    }
}

} // namespace fa::dicom
