// Synthetic DICOM objects built with DCMTK, for every case the real files do not cover: biplane,
// unit variants, SCT/SRT codes, missing template identifier, events without UIDs, re-sends,
// character sets, image-only studies, broken files and very large reports.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dcmtk/config/osconfig.h"
#include "dcmtk/dcmdata/dcfilefo.h"

namespace fa::synth {

std::string newUid();

// What TID 10003 says of where the beam was (positioner, distances, table, filter, patient position).
struct Geometry {
    double primary_deg = 0, secondary_deg = 0;
    std::optional<double> primaryEnd_deg;
    double sourceToIsocenter_mm = 785, sourceToDetector_mm = 1200;
    std::optional<double> tableLongitudinal_mm, tableLateral_mm, tableHeight_mm;
    std::optional<double> copper_mm;
    std::string position = "HFS"; // HFS, FFS, HFP, FFP; "" writes none
};

struct Event {
    std::string uid;              // "" writes no Irradiation Event UID
    std::string type = "fluoro";  // fluoro, stationary, stepping, rotational
    std::string plane = "single"; // single, A, B
    std::string startedAt = "20260301101500";
    std::string protocol = "Fluoro Low";
    double dap_Gym2 = 1e-5;
    double dose_Gy = 1e-4;
    double duration_s = 2.0;
    std::optional<double> pulses, pulseRate;
    bool omitDuration = false;
    std::optional<Geometry> geometry;
};

struct PlaneTotals {
    std::string plane = "single";
    std::optional<double> dapTotal_Gym2, doseTotal_Gy, fluoroTime_s, acquisitionTime_s, frames;
};

struct Report {
    std::string studyUid = newUid();
    std::string sopUid = newUid();
    std::string studyDate = "20260301";
    std::string studyDescription = "Spinal nerve root pulsed RF";
    std::string characterSet = "ISO_IR 192"; // "" writes none
    std::string patientId = "P0001";
    std::string patientName = "Test^Patient";
    std::string manufacturer = "SIEMENS", model = "ARCADIS Varic", serial = "16265", station = "CARM1";
    std::string observerUid = "1.2.826.0.1.3680043.10.1234.1";
    std::string performingPhysician, operatorsName; // DICOM person names, "\\"-separated; "" writes none
    std::optional<double> patientSize_m, patientWeight_kg; // (0010,1020) and (0010,1030)
    bool omitTemplateId = false;
    bool enhancedSopClass = false;      // Enhanced X-Ray Radiation Dose SR (88.76)
    bool nestInComprehensiveSr = false; // TID 10001 content inside a Comprehensive SR
    bool fluoroAsSct = false;           // 44491008 SCT instead of P5-06000 SRT
    bool fluoroSrtUnderDcm = false;     // Eurocolumbus quirk
    bool omitRelationshipTypes = false; // Eurocolumbus quirk
    std::string dapUnit = "Gy.m2";      // values are written converted into this unit
    std::string doseUnit = "Gy";
    std::string timeUnit = "s";
    std::vector<PlaneTotals> planes{PlaneTotals{}};
    std::vector<Event> events;
};

// A Siemens AXIOM-Artis procedure of `shots` posterior shots (every second one LAO 30 where
// `alternate`) of `dose_Gy` each, 10 x 10 cm at the reference point, with the table 150 mm below the
// isocentre and 0.2 mm Cu: beam geometry for the skin dose (about 1.05 x the Ka,r on the back).
Report skinReport(int shots, double dose_Gy, bool alternate = false);

// Totals of `planes` are filled from the events where left empty.
std::unique_ptr<DcmFileFormat> buildReport(Report report);
// A report of `events` events, each with its own UID, 0.75 s long, one in seven a stationary
// acquisition and the others fluoroscopy (for benchmarks of large reports).
Report reportWithEvents(int events);

// GE DL study running totals (private group 0015, creator GEMS_DL_STUDY_01) as the device writes them.
struct GeTotals {
    std::optional<double> kar_mGy, dap_cGycm2, fluoroDap_cGycm2, fluoroTime_s, recordDap_cGycm2, recordTime_s;
    unsigned block = 0x10; // the private block the creator reserves
    bool binary = false;   // FL values instead of decimal strings
};

struct Image {
    std::string studyUid = newUid();
    std::string sopUid = newUid();
    std::string sopClass = "rf"; // rf, xa, enhanced-xa, sc (a dose screen: Secondary Capture, Modality XA)
    std::string studyDate = "20260301";
    std::string studyDescription = "Plasma ablation of the posterior ramus";
    std::string patientId = "P0002";
    std::string manufacturer = "SIEMENS", model = "ARCADIS Varic", station = "CARM1";
    std::optional<int> frames;            // multi-frame cine when > 1
    std::optional<double> frameTime_ms;   // cine
    std::optional<double> exposureTime_ms;
    std::optional<double> dap_dGycm2;
    std::optional<double> totalFluoroTime_s;
    std::optional<int> totalExposures;
    bool emptyDoseAttributes = false;     // present but empty, as on the Siemens RF image
    bool withPixelData = false;           // 64 x 64 8-bit MONOCHROME2 (for compression round trips)
    std::optional<GeTotals> ge;
};

std::unique_ptr<DcmFileFormat> buildImage(const Image& image);

// The bytes of a Part 10 X-Ray Radiation Dose SR whose Content Sequence nests `depth` levels
// deep, written by hand: DCMTK itself cannot write (or read) one deep enough to matter.
std::string deeplyNestedReport(int depth, const std::string& studyUid, const std::string& sopUid);
// The same for the N-SET that completes a procedure step (sent as bytes): COMPLETED, and an Exposure
// Dose Sequence (0040,030E) nested `depth` levels deep.
std::string deeplyNestedStepCompletion(int depth, const std::string& sopUid);
// The N-SET modification list that completes a procedure step: the Radiation Dose module with
// `exposures` Exposure Dose Sequence items (70 kV, 2.5 mA, 120 ms, pulsed).
DcmDataset stepCompletion(int exposures);

// Writes Part 10 (explicit VR little endian); throws std::runtime_error on failure.
void save(DcmFileFormat& file, const std::string& path);

// A department shaped like the study of domain.md: `studies` procedures spread over the six
// procedure types with their mean shot counts, 0.75 s per shot.
struct DepartmentStudy {
    std::string procedure;
    int shots;
};
std::vector<DepartmentStudy> writeDepartment(const std::string& folder, int studies, unsigned seed);

// Writes `count` one-event reports (0.75 s each) into `folder`, report i for study i % studies;
// returns the files in order (and the reports in `out`).
std::vector<std::string> writeReports(const std::string& folder, int count, int studies,
                                      std::vector<Report>* out = nullptr);

} // namespace fa::synth
