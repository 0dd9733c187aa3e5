// Modality Performed Procedure Step to `serve` over a real association: a test SCU built on
// DCMTK's DIMSE layer (tests/support/MppsScu.h) sends N-CREATE and N-SET as a C-arm does; the completed step's Radiation Dose
// module becomes the study's dose source until an RDSR of the study arrives.
#include "tests/support/MppsScu.h"
#include "tests/support/Run.h"
#include "tests/support/ServiceProcess.h"
#include "tests/support/ServiceTest.h"
#include "tests/support/TestStore.h"
#include "tests/synth/Synth.h"

#include "dcmtk/config/osconfig.h"
#include "dcmtk/dcmdata/dcdeftag.h"
#include "dcmtk/dcmdata/dcuid.h"
#include "dcmtk/dcmdata/dcfilefo.h"
#include "dcmtk/dcmdata/dcsequen.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <fstream>

namespace fa {
namespace {

using test::MppsScu;
using test::quote;

// N-CREATE attributes of a step of `studyUid`, IN PROGRESS unless told.
DcmDataset step(const std::string& studyUid, const char* status = "IN PROGRESS") {
    DcmDataset ds;
    ds.putAndInsertString(DCM_SpecificCharacterSet, "ISO_IR 192");
    DcmItem* scheduled = nullptr;
    if (!studyUid.empty() && ds.findOrCreateSequenceItem(DCM_ScheduledStepAttributesSequence, scheduled, -2).good()) {
        scheduled->putAndInsertString(DCM_StudyInstanceUID, studyUid.c_str());
        scheduled->putAndInsertString(DCM_AccessionNumber, "ACC-77");
    }
    ds.putAndInsertString(DCM_PerformedProcedureStepStatus, status);
    ds.putAndInsertString(DCM_PerformedProcedureStepStartDate, "20261120");
    ds.putAndInsertString(DCM_PerformedProcedureStepStartTime, "093000");
    ds.putAndInsertString(DCM_PerformedProcedureStepDescription, "Spinal nerve root pulsed RF");
    ds.putAndInsertString(DCM_PerformedStationName, "CARM1");
    ds.putAndInsertString(DCM_Modality, "RF");
    return ds;
}

// The N-SET that completes it, with the Radiation Dose module.
DcmDataset completion(const char* status = "COMPLETED") {
    DcmDataset ds;
    ds.putAndInsertString(DCM_PerformedProcedureStepStatus, status);
    ds.putAndInsertString(DCM_PerformedProcedureStepEndDate, "20261120");
    ds.putAndInsertString(DCM_PerformedProcedureStepEndTime, "094500");
    ds.putAndInsertString(DCM_RETIRED_TotalTimeOfFluoroscopy, "95"); // US: whole seconds
    ds.putAndInsertString(DCM_RETIRED_TotalNumberOfExposures, "12");
    ds.putAndInsertString(DCM_ImageAndFluoroscopyAreaDoseProduct, "25.3");
    ds.putAndInsertString(DCM_EntranceDoseInmGy, "41");
    DcmItem* exposure = nullptr;
    for (int i = 0; i < 2; ++i)
        if (ds.findOrCreateSequenceItem(DCM_RETIRED_ExposureDoseSequence, exposure, -2).good()) {
            exposure->putAndInsertString(DCM_KVP, "70");
            exposure->putAndInsertString(DCM_XRayTubeCurrentInuA, "2500");
            exposure->putAndInsertString(DCM_ExposureTime, "120");
            exposure->putAndInsertString(DCM_RadiationMode, "PULSED");
        }
    return ds;
}

class Mpps : public test::ServiceTest {
protected:
    // The study as `studies --json` lists it, or null.
    Poco::JSON::Object::Ptr study(const std::string& uid) const {
        const auto r = test::run(test::command(FA_BINARY, data()) + " studies --json");
        if (r.exitCode != 0) return nullptr;
        const auto list = Poco::JSON::Parser().parse(r.out).extract<Poco::JSON::Array::Ptr>();
        for (std::size_t i = 0; i < list->size(); ++i)
            if (list->getObject(static_cast<unsigned>(i))->getValue<std::string>("study_uid") == uid)
                return list->getObject(static_cast<unsigned>(i));
        return nullptr;
    }
};

TEST_F(Mpps, ACompletedStepIsTheDoseSourceUntilAnRdsrArrives) {
    test::ServiceProcess service(FA_BINARY, data(), port_);
    const std::string studyUid = synth::newUid(), uid = synth::newUid();
    {
        MppsScu scu(port_);
        DcmDataset created = step(studyUid);
        EXPECT_EQ(scu.create(uid, created), 0x0000);
        EXPECT_EQ(scu.create(uid, created), 0x0111); // duplicate
        DcmDataset completedAtOnce = step(studyUid, "COMPLETED");
        EXPECT_EQ(scu.create(synth::newUid(), completedAtOnce), 0x0106); // created IN PROGRESS only
        DcmDataset noStudy = step("");
        EXPECT_EQ(scu.create(synth::newUid(), noStudy), 0x0120);
        DcmDataset progress;
        progress.putAndInsertString(DCM_PerformedProcedureStepStatus, "IN PROGRESS");
        progress.putAndInsertString(DCM_PerformedProcedureStepDescription, "Spinal nerve root pulsed RF, L4");
        EXPECT_EQ(scu.set(uid, progress), 0x0000);
        EXPECT_EQ(scu.set(synth::newUid(), progress), 0x0112); // unknown step
        DcmDataset bad;
        bad.putAndInsertString(DCM_PerformedProcedureStepStatus, "DONE");
        EXPECT_EQ(scu.set(uid, bad), 0x0106);
    }
    // Kept durably: the step survives a restart and is completed afterwards.
    service.restart();
    {
        MppsScu scu(port_);
        DcmDataset done = completion();
        EXPECT_EQ(scu.set(uid, done), 0x0000);
        DcmDataset again = completion();
        EXPECT_EQ(scu.set(uid, again), 0xC310); // completed: no longer updatable
    }
    ASSERT_TRUE(test::waitFor([&] { return study(studyUid) != nullptr; })) << service.log();
    const auto s = study(studyUid);
    EXPECT_EQ(s->getValue<std::string>("source"), "mpps");
    EXPECT_EQ(s->getValue<int>("irradiation_events"), 12);
    EXPECT_DOUBLE_EQ(s->getValue<double>("fluoro_time_s"), 95.0);
    EXPECT_NEAR(s->getValue<double>("dap_total_gycm2"), 2.53, 1e-9);
    EXPECT_NEAR(s->getValue<double>("kar_total_mgy"), 41.0, 1e-9);
    EXPECT_EQ(s->getValue<std::string>("study_date"), "2026-11-20");
    EXPECT_NE(service.log().find("N-SET of procedure step " + uid + " from CARM1@127.0.0.1 answered 0xC310"),
              std::string::npos) << service.log();

    // An RDSR of the same study takes over.
    synth::Report r;
    r.studyUid = studyUid;
    r.studyDate = "20261120";
    synth::Event e;
    e.uid = synth::newUid();
    e.dap_Gym2 = 2e-4;
    r.events = {e};
    synth::save(*synth::buildReport(r), dir_.file("rdsr.dcm"));
    ASSERT_EQ(test::successes(test::storescu(port_, quote(dir_.file("rdsr.dcm"))).out), 1);
    ASSERT_TRUE(test::waitFor([&] { return study(studyUid)->getValue<std::string>("source") == "rdsr"; }));
    EXPECT_EQ(study(studyUid)->getValue<int>("irradiation_events"), 1);
    EXPECT_NEAR(study(studyUid)->getValue<double>("dap_total_gycm2"), 2.0, 1e-9);
}

TEST_F(Mpps, ADiscontinuedStepIsNoDoseSource) {
    test::ServiceProcess service(FA_BINARY, data(), port_);
    const std::string studyUid = synth::newUid(), uid = synth::newUid();
    {
        MppsScu scu(port_);
        DcmDataset created = step(studyUid);
        ASSERT_EQ(scu.create(uid, created), 0x0000);
        DcmDataset stopped = completion("DISCONTINUED");
        EXPECT_EQ(scu.set(uid, stopped), 0x0000);
        DcmDataset after = completion();
        EXPECT_EQ(scu.set(uid, after), 0xC310);
    }
    // Nothing was queued for processing (a discontinued step never is), so no study can appear.
    std::size_t queued = 0;
    for (const auto& e : std::filesystem::directory_iterator(data() + "/spool"))
        queued += e.path().extension() == ".dcm";
    EXPECT_EQ(queued, 0u);
    EXPECT_EQ(study(studyUid), nullptr);
    EXPECT_TRUE(std::filesystem::exists(data() + "/mpps/" + uid + ".dcm")); // kept as it stands
}

} // namespace
} // namespace fa

namespace fa {
namespace {

// A file in `dir` holding `bytes`.
std::string written(const test::TempDir& dir, const std::string& name, const std::string& bytes) {
    const std::string path = dir.file(name);
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
}

std::string saved(const test::TempDir& dir, const std::string& name, DcmDataset& dataset,
                  E_TransferSyntax xfer = EXS_LittleEndianExplicit) {
    const std::string path = dir.file(name);
    DcmFileFormat file(&dataset);
    if (file.saveFile(path.c_str(), xfer).bad()) throw std::runtime_error("cannot write " + path);
    return path;
}

std::size_t filesIn(const std::string& folder) {
    std::size_t n = 0;
    for (const auto& e : std::filesystem::directory_iterator(folder)) n += e.is_regular_file();
    return n;
}

// DCMTK builds nested sequences recursively: an N-SET nested 20,000 levels deep overflowed the
// stack of `serve` while the association was still open. It is now looked at before anything is
// built, refused with 0x0110 and a log line, and the step can still be completed properly.
TEST_F(Mpps, ADeeplyNestedStepIsRefusedAtReceiptAndTheServiceStaysUp) {
    test::ServiceProcess service(FA_BINARY, data(), port_);
    const std::string studyUid = synth::newUid(), uid = synth::newUid();
    MppsScu scu(port_);
    DcmDataset created = step(studyUid);
    ASSERT_EQ(scu.create(uid, created), 0x0000);
    const std::string deep = written(dir_, "deep.dcm", synth::deeplyNestedStepCompletion(20000, uid));
    EXPECT_EQ(scu.set(uid, {nullptr, deep}), 0x0110);
    const std::string hundred = written(dir_, "hundred.dcm", synth::deeplyNestedStepCompletion(100, uid));
    EXPECT_EQ(scu.set(uid, {nullptr, hundred}), 0x0110); // was acknowledged, then quarantined
    EXPECT_TRUE(service.running());
    const std::string log = service.log();
    EXPECT_NE(log.find("N-SET of procedure step " + uid + " from CARM1@127.0.0.1 answered 0x0110: refused without "
                       "reading it: sequences nested more than 64 levels deep"),
              std::string::npos) << log;
    // Nothing was queued; the step is still IN PROGRESS and completes as usual.
    DcmDataset done = completion();
    EXPECT_EQ(scu.set(uid, done), 0x0000);
    ASSERT_TRUE(test::waitFor([&] { return study(studyUid) != nullptr; })) << service.log();
    EXPECT_EQ(study(studyUid)->getValue<int>("irradiation_events"), 12);
    EXPECT_EQ(filesIn(data() + "/quarantine"), 0u);
}

// [limits] content_mb holds for procedure steps as for stored objects, at receipt.
TEST_F(Mpps, AStepBeyondTheContentLimitIsRefusedAtReceipt) {
    test::ServiceProcess service(FA_BINARY, data(), port_, config("[limits]\ncontent_mb = 1\n"));
    const std::string studyUid = synth::newUid(), uid = synth::newUid();
    MppsScu scu(port_);
    DcmDataset created = step(studyUid);
    ASSERT_EQ(scu.create(uid, created), 0x0000);
    DcmDataset large = synth::stepCompletion(30000); // about 1.7 MB
    EXPECT_EQ(scu.set(uid, large), 0x0110);
    EXPECT_NE(service.log().find("answered 0x0110: refused without reading it: more than 1 MB besides pixel data"),
              std::string::npos) << service.log();
    DcmDataset done = completion();
    EXPECT_EQ(scu.set(uid, done), 0x0000);
    ASSERT_TRUE(test::waitFor([&] { return study(studyUid) != nullptr; })) << service.log();
    EXPECT_EQ(study(studyUid)->getValue<int>("irradiation_events"), 12);
}

// A request must name the MPPS class of its context (else 0x0122, and nothing is kept), and one
// without a dataset is answered at once (0x0120) instead of leaving the peer waiting for an answer.
TEST_F(Mpps, ARequestForAnotherSopClassOrWithoutADatasetIsAnsweredAtOnce) {
    test::ServiceProcess service(FA_BINARY, data(), port_);
    const std::string studyUid = synth::newUid(), uid = synth::newUid();
    MppsScu scu(port_);
    DcmDataset created = step(studyUid);
    EXPECT_EQ(scu.create(synth::newUid(), {&created, "", UID_CTImageStorage}, 20), 0x0122);
    EXPECT_EQ(scu.create(uid, created), 0x0000);
    DcmDataset done = completion();
    EXPECT_EQ(scu.set(uid, {&done, "", "1.2.3.4.5"}, 20), 0x0122);
    EXPECT_EQ(scu.create(synth::newUid(), {nullptr, "", UID_ModalityPerformedProcedureStepSOPClass}, 20), 0x0120);
    EXPECT_EQ(scu.set(uid, {nullptr, "", UID_ModalityPerformedProcedureStepSOPClass}, 20), 0x0120);
    EXPECT_EQ(filesIn(data() + "/mpps"), 1u); // only the step created properly
    EXPECT_NE(service.log().find("answered 0x0122: the request names SOP class " + std::string(UID_CTImageStorage)),
              std::string::npos) << service.log();
    // The step was neither changed nor completed by the refused N-SET.
    EXPECT_EQ(scu.set(uid, done), 0x0000);
    ASSERT_TRUE(test::waitFor([&] { return study(studyUid) != nullptr; })) << service.log();
}

// A step of 20,000 exposures, created in explicit VR and completed in implicit VR little endian
// (as many modalities send), is kept and filed whole: its Exposure Dose Sequence is carried over
// as bytes and read in batches, never built as one DCMTK tree.
TEST_F(Mpps, AStepOfManyExposuresIsKeptAndFiledWhole) {
    test::ServiceProcess service(FA_BINARY, data(), port_);
    const std::string studyUid = synth::newUid(), uid = synth::newUid();
    {
        MppsScu scu(port_);
        DcmDataset created = step(studyUid);
        ASSERT_EQ(scu.create(uid, created), 0x0000);
    }
    DcmDataset many = synth::stepCompletion(20000);
    const std::string file = saved(dir_, "many.dcm", many, EXS_LittleEndianImplicit);
    {
        MppsScu scu(port_, UID_ModalityPerformedProcedureStepSOPClass, UID_LittleEndianImplicitTransferSyntax);
        EXPECT_EQ(scu.set(uid, {nullptr, file}), 0x0000);
    }
    ASSERT_TRUE(test::waitFor([&] { return study(studyUid) != nullptr; }, 120)) << service.log();
    const auto s = study(studyUid);
    EXPECT_EQ(s->getValue<std::string>("source"), "mpps");
    EXPECT_EQ(s->getValue<int>("irradiation_events"), 20000);
    EXPECT_DOUBLE_EQ(s->getValue<double>("fluoro_time_s"), 95.0);
    EXPECT_EQ(s->getValue<std::string>("accession_number"), "ACC-77");
    // The kept step reads back whole: its created attributes and every exposure.
    DcmFileFormat kept;
    ASSERT_TRUE(kept.loadFile((data() + "/mpps/" + uid + ".dcm").c_str()).good());
    DcmSequenceOfItems* exposures = nullptr;
    ASSERT_TRUE(kept.getDataset()->findAndGetSequence(DCM_RETIRED_ExposureDoseSequence, exposures).good());
    EXPECT_EQ(exposures->card(), 20000u);
    OFString station, status;
    kept.getDataset()->findAndGetOFString(DCM_PerformedStationName, station);
    kept.getDataset()->findAndGetOFString(DCM_PerformedProcedureStepStatus, status);
    EXPECT_EQ(station, "CARM1");
    EXPECT_EQ(status, "COMPLETED");
}

} // namespace
} // namespace fa
