// The staff dose estimate over stored studies: the generated pain department with the shipped
// tables (the study's mean rate at the table), then the department's own positions.
#include "pipeline/Pipeline.h"
#include "tests/support/TempDir.h"
#include "tests/support/TestStore.h"
#include "tests/synth/Synth.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>

namespace fa {
namespace {

class StaffPipeline : public ::testing::Test {
protected:
    void SetUp() override {
        settings_.dataDir = data_.path().string();
        test::placeStore(settings_.store, data_);
        pipeline_ = std::make_unique<Pipeline>(settings_);
        department_ = synth::writeDepartment(data_.file("department"), 140, 7);
        for (const auto& e : std::filesystem::directory_iterator(data_.file("department")))
            pipeline_->ingestFile(e.path().string());
    }
    // Shots of the department's studies by physician (they take turns in the order written).
    std::map<std::string, double> shotsByPhysician() const {
        const char* const physicians[] = {"Wang Li", "Zhao Min", "Chen Jing"};
        std::map<std::string, double> out;
        for (std::size_t i = 0; i < department_.size(); ++i) out[physicians[i % 3]] += department_[i].shots;
        return out;
    }
    test::TempDir data_;
    Settings settings_;
    std::unique_ptr<Pipeline> pipeline_;
    std::vector<synth::DepartmentStudy> department_;
};

// As shipped, nobody has a profile of their own: 1 m, no protection, the higher intensifier rate
// (0.6 uSv/h), a conservative default. A spinal cord stimulator trial (53.9 shots of 0.75 s on
// average) gives the patient 5.0 uSv at the table surface (the study's figure) and each operator
// 0.6 / 448 of that.
TEST_F(StaffPipeline, TheShippedTablesGiveThePatientTheStudysFigureAndStaffAThousandthOfIt) {
    const auto tables = pipeline_->staffTables();
    EXPECT_EQ(tables.ratesVersion.version, 0);
    EXPECT_EQ(tables.ratesVersion.source, "shipped with fluoroaudit");
    const auto year = pipeline_->staffYear(pipeline_->staffTables(), 2021).operators;
    ASSERT_EQ(year.size(), 4u);
    // The radiographer is in every study: 3,132 shots x 0.75 s x 0.6 uSv/h.
    long allShots = 0;
    for (const auto& s : department_) allShots += s.shots;
    EXPECT_EQ(allShots, 3132);
    EXPECT_EQ(year[0].operatorName, "Liu Yang");
    EXPECT_NEAR(year[0].total_uSv, 3132 * 0.75 * 0.6 / 3600, 1e-9);
    EXPECT_NEAR(year[0].total_uSv, 0.3915, 1e-9);
    int studies = 0;
    for (int n : year[0].studies) studies += n;
    EXPECT_EQ(studies, 140);
    const auto shots = shotsByPhysician();
    for (std::size_t i = 1; i < year.size(); ++i)
        EXPECT_NEAR(year[i].total_uSv, shots.at(year[i].operatorName) * 0.75 * 0.6 / 3600, 1e-9) << year[i].operatorName;
    // The trials' mean, per study: the patient's estimate and the radiographer's.
    double trials = 0, patient = 0;
    int n = 0;
    store::StudyFilter filter;
    filter.procedureId = "scs-trial";
    for (const auto& s : pipeline_->store().studies(filter)) {
        const auto estimates = pipeline_->staffEstimates(s);
        ASSERT_EQ(estimates.size(), 2u);
        EXPECT_EQ(estimates[1].operatorName, "Liu Yang");
        trials += *estimates[1].dose_uSv;
        const auto p = pipeline_->patientEstimate(s);
        EXPECT_EQ(*p.rate_uSv_per_h, 448.0);
        EXPECT_EQ(*p.dose_uSv, *s.summary.estimatedDose_uSv); // the figure stored with the study
        patient += *p.dose_uSv;
        ++n;
    }
    EXPECT_EQ(n, 29);
    EXPECT_NEAR(patient / n, 5.03, 0.005);
    EXPECT_NEAR(trials / n, patient / n * 0.6 / 448, 1e-12);
    // Per procedure, each operator's estimates: 53.9 and 8.7 shots of 0.75 s at 0.6 uSv/h for the trials
    // and the posterior ramus ablations (the study's 5.0 and 0.8 uSv for the patient).
    std::map<std::string, rules::ProcedureStaff> procedures;
    for (const auto& p : pipeline_->staffYear(pipeline_->staffTables(), 2021).procedures) procedures[p.procedureId] = p;
    EXPECT_EQ(procedures["scs-trial"].estimates, 58u);
    EXPECT_NEAR(procedures["scs-trial"].mean_uSv, 53.9 * 0.75 * 0.6 / 3600, 0.000007);
    EXPECT_EQ(procedures["ramus-plasma"].estimates, 76u);
    EXPECT_NEAR(procedures["ramus-plasma"].mean_uSv, 8.7 * 0.75 * 0.6 / 3600, 0.000007);
    EXPECT_EQ(procedures.size(), 6u);
}

TEST_F(StaffPipeline, TheDepartmentsOwnPositionsTakeOverAndAreKeptAsVersions) {
    // The radiographer behind the screen at 2 m, physicians at the table behind an apron.
    auto rates = pipeline_->activateStaffTable("rates",
                                               "device,distance_m,protection,intensifier,rate_usv_per_h\n"
                                               ",0,apron,,30\n"
                                               ",2,screen-centre,,2\n",
                                               "test");
    ASSERT_TRUE(rates.problems.empty());
    EXPECT_EQ(rates.version, 1);
    auto profiles = pipeline_->activateStaffTable("profiles",
                                                  "operator,distance_m,protection\nLIU^YANG,2,screen-centre\n,0,apron\n",
                                                  "test");
    ASSERT_TRUE(profiles.problems.empty());
    EXPECT_EQ(profiles.version, 2);
    const auto year = pipeline_->staffYear(pipeline_->staffTables(), 2021).operators;
    ASSERT_EQ(year.size(), 4u);
    const auto shots = shotsByPhysician();
    std::map<std::string, double> total;
    for (const auto& y : year) total[y.operatorName] = y.total_uSv;
    EXPECT_NEAR(total["Liu Yang"], 3132 * 0.75 * 2 / 3600, 1e-6);
    EXPECT_NEAR(total["Wang Li"], shots.at("Wang Li") * 0.75 * 30 / 3600, 1e-6);
    EXPECT_EQ(year.back().operatorName, "Liu Yang"); // now the lowest, named as the study writes it
    // The same rows written otherwise are no new version; a table with a problem changes nothing.
    const auto again = pipeline_->activateStaffTable("profiles", "operator,protection,distance_m\r\nLIU^YANG,screen-centre,2\r\n,apron,0\r\n", "test");
    EXPECT_TRUE(again.unchanged);
    EXPECT_EQ(again.version, 2);
    const auto broken = pipeline_->activateStaffTable("rates", "distance_m,protection,rate_usv_per_h\n1,lead,5\n", "test");
    ASSERT_EQ(broken.problems.size(), 1u);
    EXPECT_EQ(pipeline_->staffTables().ratesVersion.version, 1);
    EXPECT_THROW(pipeline_->activateStaffTable("doses", "x\n", "test"), Error);
}

} // namespace
} // namespace fa
