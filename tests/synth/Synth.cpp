#include "tests/synth/Synth.h"

#include "core/Units.h"

#include "dcmtk/config/osconfig.h"
#include "dcmtk/dcmdata/dcdeftag.h"
#include "dcmtk/dcmdata/dcfilefo.h"
#include "dcmtk/dcmdata/dcsequen.h"
#include "dcmtk/dcmdata/dcuid.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <random>
#include <stdexcept>
#include <vector>

namespace fa::synth {

namespace {

struct C {
    const char* value;
    const char* scheme;
    const char* meaning;
};

void putCode(DcmItem& parent, const DcmTagKey& seq, const C& c) {
    DcmItem* item = nullptr;
    parent.findOrCreateSequenceItem(seq, item, 0);
    item->putAndInsertString(DCM_CodeValue, c.value);
    item->putAndInsertString(DCM_CodingSchemeDesignator, c.scheme);
    item->putAndInsertString(DCM_CodeMeaning, c.meaning);
}

class Writer {
public:
    explicit Writer(bool omitRelationship) : omitRelationship_(omitRelationship) {}

    DcmItem* item(DcmItem& parent, const char* rel, const char* vt, const C& concept) const {
        DcmItem* it = nullptr;
        parent.findOrCreateSequenceItem(DCM_ContentSequence, it, -2);
        if (!omitRelationship_) it->putAndInsertString(DCM_RelationshipType, rel);
        it->putAndInsertString(DCM_ValueType, vt);
        putCode(*it, DCM_ConceptNameCodeSequence, concept);
        return it;
    }
    DcmItem* container(DcmItem& parent, const C& concept) const {
        DcmItem* it = item(parent, "CONTAINS", "CONTAINER", concept);
        it->putAndInsertString(DCM_ContinuityOfContent, "SEPARATE");
        return it;
    }
    void code(DcmItem& parent, const char* rel, const C& concept, const C& value) const {
        putCode(*item(parent, rel, "CODE", concept), DCM_ConceptCodeSequence, value);
    }
    void text(DcmItem& parent, const char* rel, const char* vt, const C& concept, const std::string& v) const {
        DcmItem* it = item(parent, rel, vt, concept);
        const DcmTagKey tag = std::string(vt) == "UIDREF" ? DCM_UID : std::string(vt) == "DATETIME" ? DCM_DateTime : DCM_TextValue;
        it->putAndInsertString(tag, v.c_str());
    }
    void num(DcmItem& parent, const C& concept, double value, const char* unit) const {
        DcmItem* it = item(parent, "CONTAINS", "NUM", concept);
        DcmItem* mv = nullptr;
        it->findOrCreateSequenceItem(DCM_MeasuredValueSequence, mv, 0);
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.9g", value);
        mv->putAndInsertString(DCM_NumericValue, buf);
        putCode(*mv, DCM_MeasurementUnitsCodeSequence, C{unit, "UCUM", unit});
    }

private:
    bool omitRelationship_;
};

void writeGeometry(const Writer& w, DcmItem& ev, const Geometry& g) {
    w.code(ev, "CONTAINS", {"113780", "DCM", "Reference Point Definition"}, {"113860", "DCM", "15cm from Isocenter toward Source"});
    w.num(ev, {"112011", "DCM", "Positioner Primary Angle"}, g.primary_deg, "deg");
    w.num(ev, {"112012", "DCM", "Positioner Secondary Angle"}, g.secondary_deg, "deg");
    if (g.primaryEnd_deg) w.num(ev, {"113739", "DCM", "Positioner Primary End Angle"}, *g.primaryEnd_deg, "deg");
    w.num(ev, {"113748", "DCM", "Distance Source to Isocenter"}, g.sourceToIsocenter_mm, "mm");
    w.num(ev, {"113750", "DCM", "Distance Source to Detector"}, g.sourceToDetector_mm, "mm");
    if (g.tableLongitudinal_mm) w.num(ev, {"113751", "DCM", "Table Longitudinal Position"}, *g.tableLongitudinal_mm, "mm");
    if (g.tableLateral_mm) w.num(ev, {"113752", "DCM", "Table Lateral Position"}, *g.tableLateral_mm, "mm");
    if (g.tableHeight_mm) w.num(ev, {"113753", "DCM", "Table Height Position"}, *g.tableHeight_mm, "mm");
    if (g.copper_mm) {
        DcmItem* filter = w.container(ev, {"113771", "DCM", "X-Ray Filters"});
        w.code(*filter, "CONTAINS", {"113772", "DCM", "X-Ray Filter Type"}, {"113653", "DCM", "Flat filter"});
        w.code(*filter, "CONTAINS", {"113757", "DCM", "X-Ray Filter Material"}, {"66925006", "SCT", "Copper"});
        w.num(*filter, {"113758", "DCM", "X-Ray Filter Thickness Minimum"}, *g.copper_mm, "mm");
        w.num(*filter, {"113773", "DCM", "X-Ray Filter Thickness Maximum"}, *g.copper_mm, "mm");
    }
    if (g.position.size() == 3) {
        w.code(ev, "CONTAINS", {"113745", "DCM", "Patient Table Relationship"},
               g.position[0] == 'H' ? C{"102540008", "SCT", "headfirst"} : C{"102541007", "SCT", "feet-first"});
        DcmItem* o = w.item(ev, "CONTAINS", "CODE", {"113743", "DCM", "Patient Orientation"});
        putCode(*o, DCM_ConceptCodeSequence, C{"102538003", "SCT", "recumbent"});
        w.code(*o, "HAS CONCEPT MOD", {"113744", "DCM", "Patient Orientation Modifier"},
               g.position[2] == 'S' ? C{"40199007", "SCT", "supine"} : C{"1240000", "SCT", "prone"});
    }
}

double inUnit(double si, units::Quantity q, const std::string& unit) {
    const auto f = units::factorToStored(q, unit);
    if (!f) throw std::runtime_error("synth: unknown unit " + unit);
    return si / *f;
}

C planeCode(const std::string& p) {
    if (p == "A") return {"113620", "DCM", "Plane A"};
    if (p == "B") return {"113621", "DCM", "Plane B"};
    return {"113622", "DCM", "Single Plane"};
}

C typeCode(const Event& e, const Report& r) {
    if (e.type == "stationary") return {"113611", "DCM", "Stationary Acquisition"};
    if (e.type == "stepping") return {"113612", "DCM", "Stepping Acquisition"};
    if (e.type == "rotational") return {"113613", "DCM", "Rotational Acquisition"};
    if (r.fluoroAsSct) return {"44491008", "SCT", "Fluoroscopy"};
    if (r.fluoroSrtUnderDcm) return {"P5-06000", "DCM", "Fluoroscopy"};
    return {"P5-06000", "SRT", "Fluoroscopy"};
}

void fillTotals(Report& r) {
    for (auto& p : r.planes) {
        double dap = 0, dose = 0, fluoro = 0, acq = 0;
        for (const auto& e : r.events) {
            if (e.plane != p.plane) continue;
            dap += e.dap_Gym2;
            dose += e.dose_Gy;
            (e.type == "fluoro" ? fluoro : acq) += e.duration_s;
        }
        if (!p.dapTotal_Gym2) p.dapTotal_Gym2 = dap;
        if (!p.doseTotal_Gy) p.doseTotal_Gy = dose;
        if (!p.fluoroTime_s) p.fluoroTime_s = fluoro;
        if (!p.acquisitionTime_s) p.acquisitionTime_s = acq;
    }
}

} // namespace

std::string newUid() {
    char buf[100];
    return dcmGenerateUniqueIdentifier(buf, SITE_INSTANCE_UID_ROOT);
}

std::unique_ptr<DcmFileFormat> buildReport(Report r) {
    using units::Quantity;
    fillTotals(r);
    auto file = std::make_unique<DcmFileFormat>();
    DcmDataset& ds = *file->getDataset();
    const Writer w(r.omitRelationshipTypes);
    const char* sopClass = r.nestInComprehensiveSr ? UID_ComprehensiveSRStorage
                           : r.enhancedSopClass    ? UID_EnhancedXRayRadiationDoseSRStorage
                                                   : UID_XRayRadiationDoseSRStorage;
    if (!r.characterSet.empty()) ds.putAndInsertString(DCM_SpecificCharacterSet, r.characterSet.c_str());
    ds.putAndInsertString(DCM_SOPClassUID, sopClass);
    ds.putAndInsertString(DCM_SOPInstanceUID, r.sopUid.c_str());
    ds.putAndInsertString(DCM_StudyInstanceUID, r.studyUid.c_str());
    ds.putAndInsertString(DCM_SeriesInstanceUID, newUid().c_str());
    ds.putAndInsertString(DCM_Modality, "SR");
    ds.putAndInsertString(DCM_StudyDate, r.studyDate.c_str());
    ds.putAndInsertString(DCM_StudyTime, "101500");
    ds.putAndInsertString(DCM_StudyDescription, r.studyDescription.c_str());
    ds.putAndInsertString(DCM_PatientID, r.patientId.c_str());
    ds.putAndInsertString(DCM_PatientName, r.patientName.c_str());
    if (r.patientSize_m) ds.putAndInsertString(DCM_PatientSize, std::to_string(*r.patientSize_m).c_str());
    if (r.patientWeight_kg) ds.putAndInsertString(DCM_PatientWeight, std::to_string(*r.patientWeight_kg).c_str());
    ds.putAndInsertString(DCM_Manufacturer, r.manufacturer.c_str());
    ds.putAndInsertString(DCM_ManufacturerModelName, r.model.c_str());
    ds.putAndInsertString(DCM_DeviceSerialNumber, r.serial.c_str());
    if (!r.performingPhysician.empty()) ds.putAndInsertString(DCM_PerformingPhysicianName, r.performingPhysician.c_str());
    if (!r.operatorsName.empty()) ds.putAndInsertString(DCM_OperatorsName, r.operatorsName.c_str());
    ds.putAndInsertString(DCM_StationName, r.station.c_str());
    ds.putAndInsertString(DCM_CompletionFlag, "COMPLETE");
    ds.putAndInsertString(DCM_VerificationFlag, "UNVERIFIED");
    ds.putAndInsertString(DCM_ValueType, "CONTAINER");
    ds.putAndInsertString(DCM_ContinuityOfContent, "SEPARATE");

    DcmItem* root = &ds;
    const C reportConcept{"113701", "DCM", "X-Ray Radiation Dose Report"};
    if (r.nestInComprehensiveSr) {
        putCode(ds, DCM_ConceptNameCodeSequence, C{"126000", "DCM", "Imaging Measurement Report"});
        root = w.container(ds, reportConcept);
    } else {
        putCode(ds, DCM_ConceptNameCodeSequence, reportConcept);
        if (!r.omitTemplateId) {
            DcmItem* tpl = nullptr;
            ds.findOrCreateSequenceItem(DCM_ContentTemplateSequence, tpl, 0);
            tpl->putAndInsertString(DCM_MappingResource, "DCMR");
            tpl->putAndInsertString(DCM_TemplateIdentifier, "10001");
        }
    }
    w.code(*root, "HAS CONCEPT MOD", {"121058", "DCM", "Procedure reported"}, {"113704", "DCM", "Projection X-Ray"});
    w.code(*root, "HAS OBS CONTEXT", {"121005", "DCM", "Observer Type"}, {"121007", "DCM", "Device"});
    w.text(*root, "HAS OBS CONTEXT", "UIDREF", {"121012", "DCM", "Device Observer UID"}, r.observerUid);

    for (const auto& p : r.planes) {
        DcmItem* acc = w.container(*root, {"113702", "DCM", "Accumulated X-Ray Dose Data"});
        w.code(*acc, "HAS CONCEPT MOD", {"113764", "DCM", "Acquisition Plane"}, planeCode(p.plane));
        if (p.dapTotal_Gym2)
            w.num(*acc, {"113722", "DCM", "Dose Area Product Total"},
                  inUnit(*p.dapTotal_Gym2, Quantity::DoseAreaProduct, r.dapUnit), r.dapUnit.c_str());
        if (p.doseTotal_Gy)
            w.num(*acc, {"113725", "DCM", "Dose (RP) Total"}, inUnit(*p.doseTotal_Gy, Quantity::Dose, r.doseUnit),
                  r.doseUnit.c_str());
        if (p.fluoroTime_s)
            w.num(*acc, {"113730", "DCM", "Total Fluoro Time"}, inUnit(*p.fluoroTime_s, Quantity::Time, r.timeUnit),
                  r.timeUnit.c_str());
        if (p.acquisitionTime_s)
            w.num(*acc, {"113855", "DCM", "Total Acquisition Time"},
                  inUnit(*p.acquisitionTime_s, Quantity::Time, r.timeUnit), r.timeUnit.c_str());
        if (p.frames) w.num(*acc, {"113731", "DCM", "Total Number of Radiographic Frames"}, *p.frames, "1");
    }
    for (const auto& e : r.events) {
        DcmItem* ev = w.container(*root, {"113706", "DCM", "Irradiation Event X-Ray Data"});
        w.code(*ev, "HAS CONCEPT MOD", {"113764", "DCM", "Acquisition Plane"}, planeCode(e.plane));
        w.text(*ev, "CONTAINS", "DATETIME", {"111526", "DCM", "DateTime Started"}, e.startedAt);
        w.code(*ev, "CONTAINS", {"113721", "DCM", "Irradiation Event Type"}, typeCode(e, r));
        w.text(*ev, "CONTAINS", "TEXT", {"125203", "DCM", "Acquisition Protocol"}, e.protocol);
        if (!e.uid.empty()) w.text(*ev, "CONTAINS", "UIDREF", {"113769", "DCM", "Irradiation Event UID"}, e.uid);
        w.num(*ev, {"122130", "DCM", "Dose Area Product"}, inUnit(e.dap_Gym2, Quantity::DoseAreaProduct, r.dapUnit),
              r.dapUnit.c_str());
        w.num(*ev, {"113738", "DCM", "Dose (RP)"}, inUnit(e.dose_Gy, Quantity::Dose, r.doseUnit), r.doseUnit.c_str());
        if (e.pulses) w.num(*ev, {"113768", "DCM", "Number of Pulses"}, *e.pulses, "1");
        if (e.pulseRate) w.num(*ev, {"113791", "DCM", "Pulse Rate"}, *e.pulseRate, "{pulse}/s");
        if (!e.omitDuration)
            w.num(*ev, {"113742", "DCM", "Irradiation Duration"}, inUnit(e.duration_s, Quantity::Time, r.timeUnit),
                  r.timeUnit.c_str());
        w.num(*ev, {"113733", "DCM", "KVP"}, 72.5, "kV");
        if (e.geometry) writeGeometry(w, *ev, *e.geometry);
    }
    return file;
}

Report skinReport(int shots, double dose_Gy, bool alternate) {
    Report r;
    r.manufacturer = "Siemens";
    r.model = "AXIOM-Artis";
    for (int i = 0; i < shots; ++i) {
        Event e;
        e.uid = newUid();
        e.dose_Gy = dose_Gy;
        e.dap_Gym2 = dose_Gy * 1e-2; // 100 cm2 at the reference point
        Geometry g;
        g.primary_deg = alternate && i % 2 ? 30 : 0;
        g.tableLongitudinal_mm = 0;
        g.tableLateral_mm = 500;
        g.tableHeight_mm = 150;
        g.copper_mm = 0.2;
        e.geometry = g;
        r.events.push_back(e);
    }
    return r;
}

std::unique_ptr<DcmFileFormat> buildImage(const Image& im) {
    auto file = std::make_unique<DcmFileFormat>();
    DcmDataset& ds = *file->getDataset();
    const char* sopClass = im.sopClass == "xa"            ? UID_XRayAngiographicImageStorage
                           : im.sopClass == "enhanced-xa" ? UID_EnhancedXAImageStorage
                           : im.sopClass == "sc"          ? UID_SecondaryCaptureImageStorage
                                                          : UID_XRayRadiofluoroscopicImageStorage;
    ds.putAndInsertString(DCM_SpecificCharacterSet, "ISO_IR 192");
    ds.putAndInsertString(DCM_SOPClassUID, sopClass);
    ds.putAndInsertString(DCM_SOPInstanceUID, im.sopUid.c_str());
    ds.putAndInsertString(DCM_StudyInstanceUID, im.studyUid.c_str());
    ds.putAndInsertString(DCM_SeriesInstanceUID, newUid().c_str());
    ds.putAndInsertString(DCM_Modality, im.sopClass == "rf" ? "RF" : "XA");
    ds.putAndInsertString(DCM_StudyDate, im.studyDate.c_str());
    ds.putAndInsertString(DCM_StudyDescription, im.studyDescription.c_str());
    ds.putAndInsertString(DCM_PatientID, im.patientId.c_str());
    ds.putAndInsertString(DCM_Manufacturer, im.manufacturer.c_str());
    ds.putAndInsertString(DCM_ManufacturerModelName, im.model.c_str());
    ds.putAndInsertString(DCM_StationName, im.station.c_str());
    auto put = [&](const DcmTagKey& tag, const std::optional<double>& v) {
        if (v) {
            char buf[32];
            std::snprintf(buf, sizeof buf, "%.6g", *v);
            ds.putAndInsertString(tag, buf);
        } else if (im.emptyDoseAttributes) {
            ds.insertEmptyElement(tag);
        }
    };
    if (im.frames) ds.putAndInsertString(DCM_NumberOfFrames, std::to_string(*im.frames).c_str());
    put(DCM_FrameTime, im.frameTime_ms);
    put(DCM_ExposureTime, im.exposureTime_ms ? std::optional<double>(std::round(*im.exposureTime_ms)) : std::nullopt);
    put(DCM_ImageAndFluoroscopyAreaDoseProduct, im.dap_dGycm2);
    put(DCM_KVP, std::nullopt);
    put(DCM_RETIRED_TotalTimeOfFluoroscopy, im.totalFluoroTime_s);
    if (im.totalExposures)
        ds.putAndInsertUint16(DCM_RETIRED_TotalNumberOfExposures, static_cast<Uint16>(*im.totalExposures));
    if (im.ge) {
        const auto block = static_cast<Uint16>(im.ge->block);
        ds.putAndInsertString(DcmTag(0x0015, block, EVR_LO), "GEMS_DL_STUDY_01");
        const std::pair<Uint16, std::optional<double>> values[] = {
            {0x80, im.ge->kar_mGy},       {0x81, im.ge->dap_cGycm2},       {0x82, im.ge->fluoroDap_cGycm2},
            {0x83, im.ge->fluoroTime_s}, {0x84, im.ge->recordDap_cGycm2}, {0x85, im.ge->recordTime_s}};
        for (const auto& [offset, v] : values) {
            if (!v) continue;
            const auto element = static_cast<Uint16>(block << 8 | offset);
            if (im.ge->binary) {
                DcmTag tag(0x0015, element, EVR_FL);
                tag.setPrivateCreator("GEMS_DL_STUDY_01");
                ds.putAndInsertFloat32(tag, static_cast<Float32>(*v));
            } else {
                DcmTag tag(0x0015, element, EVR_DS);
                tag.setPrivateCreator("GEMS_DL_STUDY_01");
                char buf[32];
                std::snprintf(buf, sizeof buf, "%.6g", *v);
                ds.putAndInsertString(tag, buf);
            }
        }
    }
    if (im.withPixelData) {
        const Uint16 size = 64;
        std::vector<Uint8> pixels(static_cast<std::size_t>(size) * size);
        for (std::size_t i = 0; i < pixels.size(); ++i) pixels[i] = static_cast<Uint8>((i * 7) % 251);
        ds.putAndInsertUint16(DCM_Rows, size);
        ds.putAndInsertUint16(DCM_Columns, size);
        ds.putAndInsertUint16(DCM_SamplesPerPixel, 1);
        ds.putAndInsertString(DCM_PhotometricInterpretation, "MONOCHROME2");
        ds.putAndInsertUint16(DCM_BitsAllocated, 8);
        ds.putAndInsertUint16(DCM_BitsStored, 8);
        ds.putAndInsertUint16(DCM_HighBit, 7);
        ds.putAndInsertUint16(DCM_PixelRepresentation, 0);
        ds.putAndInsertUint8Array(DCM_PixelData, pixels.data(), static_cast<unsigned long>(pixels.size()));
    }
    return file;
}

void save(DcmFileFormat& file, const std::string& path) {
    const OFCondition c = file.saveFile(path.c_str(), EXS_LittleEndianExplicit);
    if (c.bad()) throw std::runtime_error("cannot write " + path + ": " + c.text());
}

std::vector<DepartmentStudy> writeDepartment(const std::string& folder, int studies, unsigned seed) {
    // Case mix and, where the study reports them, mean shot counts of domain.md (53.9 for
    // temporary spinal-cord-stimulator implantation, 8.7 for plasma ablation of the posterior
    // ramus); the other four means are illustrative.
    struct Procedure {
        const char* name;
        int cases;
        double meanShots;
    };
    const Procedure procedures[] = {
        {"三叉神经节射频消融/球囊压迫术 Trigeminal ganglion RF / balloon compression", 11, 21.0},
        {"临时脊髓电刺激植入术 Temporary spinal cord stimulator implantation", 29, 53.9},
        {"经皮脊柱内镜髓核摘除术 Percutaneous endoscopic discectomy", 10, 31.0},
        {"低温等离子髓核消融术+脊神经根脉冲射频术 Plasma nucleoplasty + nerve root pulsed RF", 17, 16.0},
        {"脊神经后支低温等离子消融术 Plasma ablation of the posterior ramus", 38, 8.7},
        {"脊神经根脉冲射频术 Spinal nerve root pulsed RF", 35, 12.0},
    };
    std::filesystem::create_directories(folder);
    std::mt19937 rng(seed);
    std::vector<DepartmentStudy> out;
    int written = 0;
    for (const auto& p : procedures) {
        // The last procedure takes what rounding left over: exactly `studies` are written.
        const bool last = &p == &procedures[std::size(procedures) - 1];
        const int n = last ? std::max(1, studies - written)
                           : std::max(1, static_cast<int>(std::lround(p.cases * studies / 140.0)));
        const int total = static_cast<int>(std::lround(p.meanShots * n));
        std::uniform_real_distribution<double> spread(0.6, 1.4);
        std::vector<int> shots(static_cast<std::size_t>(n));
        int sum = 0;
        for (auto& s : shots) sum += (s = std::max(1, static_cast<int>(std::lround(p.meanShots * spread(rng)))));
        shots.back() = std::max(1, shots.back() + total - sum); // the mean comes out exactly
        for (int k = 0; k < n && written < studies; ++k, ++written) {
            Report r;
            char date[16];
            std::snprintf(date, sizeof date, "2021%02d%02d", 1 + written % 12, 1 + written % 28);
            r.studyDate = date;
            r.studyDescription = p.name;
            r.patientId = "PAIN" + std::to_string(1000 + written);
            // Three pain physicians take turns; a radiographer works the C-arm.
            static const char* const kPhysicians[] = {"Wang^Li", "Zhao^Min", "Chen^Jing"};
            r.performingPhysician = kPhysicians[written % 3];
            r.operatorsName = "Liu^Yang";
            for (int s = 0; s < shots[static_cast<std::size_t>(k)]; ++s) {
                Event e;
                e.uid = newUid();
                e.duration_s = 0.75; // single-shot mode of the study's ARCADIS Varic
                e.dap_Gym2 = 2.0e-6;
                e.dose_Gy = 6.0e-5;
                char t[32];
                std::snprintf(t, sizeof t, "%s%02d%02d%02d", date, 9 + s / 3600, (s / 60) % 60, s % 60);
                e.startedAt = t;
                r.events.push_back(e);
            }
            save(*buildReport(r), folder + "/" + r.sopUid + ".dcm");
            out.push_back({p.name, shots[static_cast<std::size_t>(k)]});
        }
    }
    return out;
}

namespace {

void le16(std::string& out, unsigned v) {
    out += static_cast<char>(v & 0xFF);
    out += static_cast<char>((v >> 8) & 0xFF);
}
void le32(std::string& out, unsigned long v) {
    le16(out, static_cast<unsigned>(v & 0xFFFF));
    le16(out, static_cast<unsigned>((v >> 16) & 0xFFFF));
}
// An explicit VR little endian element with a short (2-byte) length; UIDs padded with NUL.
void shortElement(std::string& out, unsigned group, unsigned element, const char* vr, std::string value) {
    if (value.size() % 2) value += '\0';
    le16(out, group);
    le16(out, element);
    out += vr;
    le16(out, static_cast<unsigned>(value.size()));
    out += value;
}
void tagOnly(std::string& out, unsigned group, unsigned element, unsigned long length) {
    le16(out, group);
    le16(out, element);
    le32(out, length);
}

// A Part 10 header (preamble and meta information, explicit VR little endian) for `sopClass`.
std::string part10Header(const std::string& sopClass, const std::string& sopUid) {
    std::string meta;
    std::string version;
    version += '\0';
    version += '\1';
    le16(meta, 0x0002);
    le16(meta, 0x0001);
    meta += "OB";
    le16(meta, 0);
    le32(meta, 2);
    meta += version;
    shortElement(meta, 0x0002, 0x0002, "UI", sopClass);
    shortElement(meta, 0x0002, 0x0003, "UI", sopUid);
    shortElement(meta, 0x0002, 0x0010, "UI", UID_LittleEndianExplicitTransferSyntax);
    std::string out(128, '\0');
    out += "DICM";
    le16(out, 0x0002);
    le16(out, 0x0000);
    out += "UL";
    le16(out, 4);
    le32(out, meta.size());
    out += meta;
    return out;
}

// A sequence (group, element) of undefined length holding one item holding the same sequence, `depth` deep.
void nest(std::string& out, unsigned group, unsigned element, int depth) {
    for (int i = 0; i < depth; ++i) {
        le16(out, group);
        le16(out, element);
        out += "SQ";
        le16(out, 0);
        le32(out, 0xFFFFFFFF);
        tagOnly(out, 0xFFFE, 0xE000, 0xFFFFFFFF);
    }
    for (int i = 0; i < depth; ++i) {
        tagOnly(out, 0xFFFE, 0xE00D, 0);
        tagOnly(out, 0xFFFE, 0xE0DD, 0);
    }
}

} // namespace

std::string deeplyNestedReport(int depth, const std::string& studyUid, const std::string& sopUid) {
    const std::string sopClass = UID_XRayRadiationDoseSRStorage;
    std::string out = part10Header(sopClass, sopUid);
    shortElement(out, 0x0008, 0x0016, "UI", sopClass);
    shortElement(out, 0x0008, 0x0018, "UI", sopUid);
    shortElement(out, 0x0020, 0x000D, "UI", studyUid);
    nest(out, 0x0040, 0xA730, depth); // Content Sequence
    return out;
}

std::string deeplyNestedStepCompletion(int depth, const std::string& sopUid) {
    std::string out = part10Header(UID_ModalityPerformedProcedureStepSOPClass, sopUid);
    shortElement(out, 0x0040, 0x0252, "CS", "COMPLETED ");
    nest(out, 0x0040, 0x030E, depth); // Exposure Dose Sequence
    return out;
}

DcmDataset stepCompletion(int exposures) {
    DcmDataset ds;
    ds.putAndInsertString(DCM_PerformedProcedureStepStatus, "COMPLETED");
    ds.putAndInsertString(DCM_PerformedProcedureStepEndDate, "20261120");
    ds.putAndInsertString(DCM_PerformedProcedureStepEndTime, "094500");
    ds.putAndInsertString(DCM_RETIRED_TotalTimeOfFluoroscopy, "95"); // US: whole seconds
    if (exposures <= 65535) // US: more cannot be written (the count is then that of the items)
        ds.putAndInsertString(DCM_RETIRED_TotalNumberOfExposures, std::to_string(exposures).c_str());
    ds.putAndInsertString(DCM_ImageAndFluoroscopyAreaDoseProduct, "25.3");
    ds.putAndInsertString(DCM_EntranceDoseInmGy, "41");
    auto* sequence = new DcmSequenceOfItems(DCM_RETIRED_ExposureDoseSequence);
    for (int i = 0; i < exposures; ++i) {
        auto* exposure = new DcmItem;
        exposure->putAndInsertString(DCM_KVP, "70");
        exposure->putAndInsertString(DCM_XRayTubeCurrentInuA, "2500");
        exposure->putAndInsertString(DCM_ExposureTime, "120");
        exposure->putAndInsertString(DCM_RadiationMode, "PULSED");
        sequence->append(exposure);
    }
    ds.insert(sequence, OFTrue);
    return ds;
}

Report reportWithEvents(int events) {
    Report r;
    for (int i = 0; i < events; ++i) {
        Event e;
        e.uid = newUid();
        e.type = i % 7 == 0 ? "stationary" : "fluoro";
        e.duration_s = 0.75;
        r.events.push_back(e);
    }
    return r;
}

} // namespace fa::synth

namespace fa::synth {

std::vector<std::string> writeReports(const std::string& folder, int count, int studies, std::vector<Report>* out) {
    std::filesystem::create_directories(folder);
    std::vector<std::string> studyUids(static_cast<std::size_t>(studies));
    for (auto& s : studyUids) s = newUid();
    std::vector<std::string> files;
    for (int i = 0; i < count; ++i) {
        Report r;
        r.studyUid = studyUids[static_cast<std::size_t>(i % studies)];
        Event e;
        e.uid = newUid();
        e.duration_s = 0.75;
        r.events = {e};
        files.push_back((std::filesystem::path(folder) / (std::to_string(100000 + i) + ".dcm")).string());
        save(*buildReport(r), files.back());
        if (out) out->push_back(r);
    }
    return files;
}

} // namespace fa::synth
