// Modality Performed Procedure Step to `serve` over a real association: a test SCU built on
// DCMTK's DcmSCU sends N-CREATE and N-SET as a C-arm does; the completed step's Radiation Dose
// module becomes the study's dose source until an RDSR of the study arrives.
#include "tests/support/Run.h"
#include "tests/support/ServiceProcess.h"
#include "tests/support/ServiceTest.h"
#include "tests/support/TestStore.h"
#include "tests/synth/Synth.h"

#include "dcmtk/config/osconfig.h"
#include "dcmtk/dcmdata/dcdeftag.h"
#include "dcmtk/dcmdata/dcuid.h"
#include "dcmtk/dcmnet/scu.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>

namespace fa {
namespace {

using test::quote;

// An MPPS SCU: N-CREATE and N-SET with the statuses the SCP answers.
class MppsScu : public DcmSCU {
public:
    explicit MppsScu(int port) {
        setPeerHostName("127.0.0.1");
        setPeerPort(static_cast<Uint16>(port));
        setPeerAETitle("FLUOROAUDIT");
        setAETitle("CARM1");
        OFList<OFString> syntaxes;
        syntaxes.push_back(UID_LittleEndianExplicitTransferSyntax);
        addPresentationContext(UID_ModalityPerformedProcedureStepSOPClass, syntaxes);
        if (initNetwork().bad() || negotiateAssociation().bad()) throw std::runtime_error("no association for MPPS");
    }
    ~MppsScu() override { releaseAssociation(); }

    // The status the SCP answered (0xFFFF when the exchange failed).
    Uint16 create(const std::string& uid, DcmDataset& attributes) {
        T_DIMSE_Message request{};
        request.CommandField = DIMSE_N_CREATE_RQ;
        T_DIMSE_N_CreateRQ& r = request.msg.NCreateRQ;
        r.MessageID = ++messageId_;
        OFStandard::strlcpy(r.AffectedSOPClassUID, UID_ModalityPerformedProcedureStepSOPClass, sizeof r.AffectedSOPClassUID);
        OFStandard::strlcpy(r.AffectedSOPInstanceUID, uid.c_str(), sizeof r.AffectedSOPInstanceUID);
        r.DataSetType = DIMSE_DATASET_PRESENT;
        r.opts = O_NCREATE_AFFECTEDSOPINSTANCEUID;
        return exchange(request, attributes, DIMSE_N_CREATE_RSP);
    }

    Uint16 set(const std::string& uid, DcmDataset& modifications) {
        T_DIMSE_Message request{};
        request.CommandField = DIMSE_N_SET_RQ;
        T_DIMSE_N_SetRQ& r = request.msg.NSetRQ;
        r.MessageID = ++messageId_;
        OFStandard::strlcpy(r.RequestedSOPClassUID, UID_ModalityPerformedProcedureStepSOPClass, sizeof r.RequestedSOPClassUID);
        OFStandard::strlcpy(r.RequestedSOPInstanceUID, uid.c_str(), sizeof r.RequestedSOPInstanceUID);
        r.DataSetType = DIMSE_DATASET_PRESENT;
        return exchange(request, modifications, DIMSE_N_SET_RSP);
    }

private:
    Uint16 exchange(T_DIMSE_Message& request, DcmDataset& data, T_DIMSE_Command expected) {
        const T_ASC_PresentationContextID id = findPresentationContextID(UID_ModalityPerformedProcedureStepSOPClass, "");
        if (id == 0 || sendDIMSEMessage(id, &request, &data).bad()) return 0xFFFF;
        T_DIMSE_Message response{};
        T_ASC_PresentationContextID answered = 0;
        DcmDataset* detail = nullptr;
        const OFCondition cond = receiveDIMSECommand(&answered, &response, &detail);
        delete detail;
        if (cond.bad() || response.CommandField != expected) return 0xFFFF;
        return expected == DIMSE_N_CREATE_RSP ? response.msg.NCreateRSP.DimseStatus : response.msg.NSetRSP.DimseStatus;
    }
    Uint16 messageId_ = 0;
};

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
