// Follow-up of substantial doses from the command line: a generated procedure whose peak skin dose
// is above 3 Gy, listed with its due dates, its outcome recorded (the audit trail keeps it), and the
// study's JSON carrying its skin dose and follow-up.
#include "tests/support/Run.h"
#include "tests/support/TempDir.h"
#include "tests/support/TestStore.h"
#include "tests/synth/Synth.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <gtest/gtest.h>

namespace fa {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;
using test::quote;
using test::run;

TEST(FollowUpCli, ASubstantialSkinDoseIsListedFollowedUpAndInTheStudy) {
    test::TempDir data, input;
    auto fa = [&](const std::string& args) { return test::command(FA_BINARY, data.path().string()) + " " + args; };
    // 40 shots of 0.1 Gy, posterior, at 72.5 kV with 0.2 mm Cu on a Siemens Artis: about 4.2 Gy on the back.
    synth::Report r = synth::skinReport(40, 0.1);
    r.studyDate = "20261120";
    synth::save(*synth::buildReport(r), input.file("heavy.dcm"));
    ASSERT_EQ(run(fa("ingest " + quote(input.file("heavy.dcm")))).exitCode, 0);

    const auto open = run(fa("follow-ups --json"));
    ASSERT_EQ(open.exitCode, 0) << open.err;
    const auto list = Poco::JSON::Parser().parse(open.out).extract<Array::Ptr>();
    ASSERT_EQ(list->size(), 1u);
    const auto f = list->getObject(0);
    EXPECT_EQ(f->getValue<std::string>("study_uid"), r.studyUid);
    EXPECT_EQ(f->getValue<std::string>("due_from"), "2026-12-04");
    EXPECT_EQ(f->getValue<std::string>("due_to"), "2026-12-18");
    EXPECT_EQ(f->getArray("reasons")->getObject(0)->getValue<std::string>("metric"), "psd_mgy");
    EXPECT_GT(f->getValue<double>("psd_mgy"), 3000);

    const auto bad = run(fa("follow-up " + r.studyUid + " --outcome other"));
    EXPECT_EQ(bad.exitCode, 2);
    EXPECT_NE(bad.err.find("an outcome of 'other' needs --note"), std::string::npos) << bad.err;
    const auto none = run(fa("follow-up 1.2.3 --outcome none"));
    EXPECT_EQ(none.exitCode, 1);
    EXPECT_NE(none.err.find("Study 1.2.3 has no follow-up"), std::string::npos) << none.err;
    const auto recorded = run(fa("follow-up " + r.studyUid + " --outcome erythema --note " + quote("faint, day 16")));
    ASSERT_EQ(recorded.exitCode, 0) << recorded.err;
    EXPECT_EQ(run(fa("follow-ups --json")).out.find(r.studyUid), std::string::npos); // no longer open
    const auto closed = Poco::JSON::Parser().parse(run(fa("follow-ups --state closed --json")).out).extract<Array::Ptr>();
    ASSERT_EQ(closed->size(), 1u);
    EXPECT_EQ(closed->getObject(0)->getValue<std::string>("outcome"), "erythema");
    EXPECT_EQ(closed->getObject(0)->getValue<std::string>("note"), "faint, day 16");
    EXPECT_EQ(closed->getObject(0)->getValue<std::string>("state"), "closed");

    const auto show = Poco::JSON::Parser().parse(run(fa("show " + r.studyUid + " --json")).out).extract<Object::Ptr>();
    EXPECT_EQ(show->getObject("follow_up")->getValue<std::string>("outcome"), "erythema");
    EXPECT_GT(show->getValue<double>("psd_mgy"), 3000);
    EXPECT_EQ(show->getObject("skin_dose")->getValue<std::string>("region"), "back, middle third");
    bool substantial = false;
    const auto flags = show->getArray("flags");
    for (std::size_t i = 0; i < flags->size(); ++i)
        substantial = substantial || (flags->getObject(static_cast<unsigned>(i))->getValue<std::string>("kind") == "substantial" &&
                                      flags->getObject(static_cast<unsigned>(i))->getValue<std::string>("metric") == "psd_mgy");
    EXPECT_TRUE(substantial);
    const auto text = run(fa("show " + r.studyUid));
    EXPECT_NE(text.out.find("Peak skin dose mGy"), std::string::npos) << text.out;
}

} // namespace
} // namespace fa
