// `fluoroaudit fhir`: each study's dose as an HL7 Radiation Dose Summary Observation, with the
// study's own figures in the IG's units (the same as `show --json`), valid against the IG's profiles
// (tests/support/FhirProfile.h), for every shared vendor file and for generated reports.
#include "tests/support/FhirProfile.h"
#include "tests/support/Run.h"
#include "tests/support/SharedData.h"
#include "tests/support/TempDir.h"
#include "tests/support/TestStore.h"
#include "tests/synth/Synth.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>

namespace fa {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;
using test::quote;
using test::run;

Object::Ptr parseObject(const std::string& json) { return Poco::JSON::Parser().parse(json).extract<Object::Ptr>(); }

// The Observation's components by DCM code: the quantity's value (or the integer).
std::map<std::string, double> components(const Object::Ptr& o) {
    std::map<std::string, double> out;
    const auto list = o->getArray("component");
    for (std::size_t i = 0; i < list->size(); ++i) {
        const auto c = list->getObject(static_cast<unsigned>(i));
        const std::string code = c->getObject("code")->getArray("coding")->getObject(0)->getValue<std::string>("code");
        if (c->has("valueQuantity")) out[code] = c->getObject("valueQuantity")->getValue<double>("value");
        if (c->has("valueInteger")) out[code] = c->getValue<double>("valueInteger");
    }
    return out;
}

// `show --json`'s figure in the IG's unit (Gy·cm² × 1000 = mGy·cm²), against the component: both
// unknown, or equal to 10 significant digits.
void expectSame(const std::map<std::string, double>& c, const char* code, const Object::Ptr& show, const char* key,
                double factor, const std::string& study) {
    if (show->isNull(key)) {
        EXPECT_EQ(c.count(code), 0u) << study << ": " << code << " where show has no " << key;
        return;
    }
    ASSERT_EQ(c.count(code), 1u) << study << ": no " << code << " for " << key;
    const double expected = show->getValue<double>(key) * factor;
    EXPECT_NEAR(c.at(code), expected, std::abs(expected) * 1e-9 + 1e-12) << study << " " << code;
}

TEST(FhirCli, EverySharedVendorFileGivesItsOwnFiguresInTheIgsUnits) {
    FA_REQUIRE_SHARED_DICOM(shared);
    test::TempDir data;
    auto fa = [&](const std::string& args) { return test::command(FA_BINARY, data.path().string()) + " " + args; };
    for (const char* folder : {"/rdsr", "/images", "/charset"})
        ASSERT_EQ(run(fa("ingest " + quote(shared + folder))).exitCode, 0) << folder;
    const auto studies = Poco::JSON::Parser().parse(run(fa("studies --json")).out).extract<Array::Ptr>();
    ASSERT_GE(studies->size(), 10u);
    int withFluoroSplit = 0;
    for (std::size_t i = 0; i < studies->size(); ++i) {
        const std::string uid = studies->getObject(static_cast<unsigned>(i))->getValue<std::string>("study_uid");
        const auto fhir = run(fa("fhir " + uid));
        ASSERT_EQ(fhir.exitCode, 0) << fhir.err;
        const auto o = parseObject(fhir.out);
        EXPECT_EQ(test::joined(test::radiationDoseSummaryProblems(o)), "") << uid;
        const auto show = parseObject(run(fa("show " + uid + " --json")).out);
        const auto c = components(o);
        expectSame(c, "113722", show, "dap_total_gycm2", 1000.0, uid);
        expectSame(c, "113725", show, "kar_total_mgy", 1.0, uid);
        expectSame(c, "113730", show, "fluoro_time_s", 1.0, uid);
        expectSame(c, "113731", show, "frames", 1.0, uid);
        // Fluoroscopy and acquisition DAP add up to the total where both are known.
        if (c.count("113726") && c.count("113727")) {
            ++withFluoroSplit;
            EXPECT_NEAR(c.at("113726") + c.at("113727"), c.at("113722"), c.at("113722") * 0.01) << uid;
        }
        EXPECT_EQ(o->getValue<std::string>("id"), uid);
        EXPECT_EQ(o->getObject("subject")->getObject("identifier")->getValue<std::string>("value"),
                  show->getValue<std::string>("patient_key"));

        const auto bundle = run(fa("fhir " + uid + " --bundle"));
        ASSERT_EQ(bundle.exitCode, 0) << bundle.err;
        EXPECT_EQ(test::joined(test::transactionBundleProblems(parseObject(bundle.out))), "") << uid;
    }
    EXPECT_GE(withFluoroSplit, 8);

    // The Canon Alphenix report, figure by figure (its accumulated totals, TID 10004 and 10002).
    const auto alphenix = parseObject(run(fa("fhir 1.3.6.1.4.1.5962.99.1.3727292127.623808814.1657289733855.2.0")).out);
    const auto c = components(alphenix);
    EXPECT_DOUBLE_EQ(c.at("113722"), 3152.2);
    EXPECT_DOUBLE_EQ(c.at("113725"), 12.722);
    EXPECT_DOUBLE_EQ(c.at("113726"), 258.7);
    EXPECT_DOUBLE_EQ(c.at("113727"), 2893.3);
    EXPECT_DOUBLE_EQ(c.at("113730"), 70);
    EXPECT_DOUBLE_EQ(c.at("113731"), 217);
    // The Siemens ARCADIS summary has no Ka,r: no component for it, and no fluoroscopy split.
    const auto arcadis = components(parseObject(run(fa("fhir 1.2.276.0.7230010.3.1.2.499241190.29436.1614184089.717")).out));
    EXPECT_EQ(arcadis.count("113725"), 0u);
    EXPECT_EQ(arcadis.count("113726"), 0u);
    EXPECT_DOUBLE_EQ(arcadis.at("113722"), 235.9);

    // The effective time carries the offset of the site's zone on that day (15 March 2016: CET, not CEST).
    const std::string philips = "1.3.6.1.4.1.5962.99.1.2392832606.1185842827.1484156582494.5.0";
    EXPECT_EQ(parseObject(run("TZ=Asia/Shanghai " + fa("fhir " + philips)).out)->getValue<std::string>("effectiveDateTime"),
              "2016-03-15T08:43:36+08:00");
    EXPECT_EQ(parseObject(run("TZ=Europe/Berlin " + fa("fhir " + philips)).out)->getValue<std::string>("effectiveDateTime"),
              "2016-03-15T08:43:36+01:00");
}

TEST(FhirCli, AGeneratedReportItsPatientAndWhatTheChecksRefuse) {
    test::TempDir data, input;
    synth::Report r;
    r.studyDate = "20261120";
    r.patientId = "PID-77";
    r.performingPhysician = "Li^Wei";
    for (int e = 0; e < 3; ++e) {
        synth::Event ev;
        ev.uid = synth::newUid();
        ev.duration_s = 2.0;
        ev.dap_Gym2 = 2.0e-5; // 0.2 Gy·cm² = 200 mGy·cm² each
        ev.dose_Gy = 0.001;
        r.events.push_back(ev);
    }
    synth::save(*synth::buildReport(r), input.file("r.dcm"));
    // The site keeps patient identifiers: the Patient is its ID, not the key.
    const std::string ini = input.file("fa.ini");
    std::ofstream(ini) << test::storeConfig(data) << "[privacy]\nstore_patient_identifiers = true\n";
    auto fa = [&](const std::string& args) {
        return test::command(FA_BINARY, data.path().string()) + " --config " + quote(ini) + " " + args;
    };
    ASSERT_EQ(run(fa("ingest " + quote(input.file("r.dcm")))).exitCode, 0);
    const auto out = run("TZ=Asia/Shanghai " + fa("fhir " + r.studyUid));
    ASSERT_EQ(out.exitCode, 0) << out.err;
    const auto o = parseObject(out.out);
    EXPECT_EQ(test::joined(test::radiationDoseSummaryProblems(o)), "");
    const auto c = components(o);
    EXPECT_NEAR(c.at("113722"), 600.0, 1e-9);
    EXPECT_NEAR(c.at("113725"), 3.0, 1e-12);
    EXPECT_NEAR(c.at("113730"), 6.0, 1e-12);
    EXPECT_EQ(o->getValue<std::string>("effectiveDateTime"), "2026-11-20T10:15:00+08:00");
    EXPECT_EQ(o->getObject("subject")->getObject("identifier")->getValue<std::string>("value"), "PID-77");
    EXPECT_EQ(o->getArray("performer")->getObject(0)->getValue<std::string>("display"), "Li Wei");

    // The checks refuse what the profile forbids.
    auto broken = parseObject(out.out);
    broken->remove("valueString");
    broken->getArray("component")->getObject(1)->getObject("valueQuantity")->set("unit", "Gy.m2");
    broken->set("effectiveDateTime", "2026-11-20T09:00:00");
    const std::string problems = test::joined(test::radiationDoseSummaryProblems(broken));
    EXPECT_NE(problems.find("valueString 1..1 is missing"), std::string::npos) << problems;
    EXPECT_NE(problems.find("is not in UCUM mGy.cm2"), std::string::npos) << problems;
    EXPECT_NE(problems.find("a time needs its zone"), std::string::npos) << problems;

    const auto none = run(fa("fhir 1.2.3.4"));
    EXPECT_EQ(none.exitCode, 1);
    EXPECT_NE(none.err.find("No study 1.2.3.4"), std::string::npos) << none.err;
    const auto noServer = run(fa("fhir-push"));
    EXPECT_EQ(noServer.exitCode, 2);
    EXPECT_NE(noServer.err.find("set [fhir] url"), std::string::npos) << noServer.err;
}

} // namespace
} // namespace fa
