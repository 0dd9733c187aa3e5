// Studies, their flags and reviews, and their CSV exports.
#pragma once

#include "api/Context.h"
#include "present/Csv.h"

#include <Poco/JSON/Object.h>

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace fa::api {

class StudiesResource : public Call {
public:
    using Call::Call;
    ApiResponse studies();
    ApiResponse study(const std::string& uid);
    ApiResponse review(const std::string& uid);
    ApiResponse flags();
    ApiResponse exportStudies();
    ApiResponse exportFlags();
    ApiResponse exportStudiesXlsx();
    // Every open flag of several studies (or of one) in one review: {study_uids, state, comment}.
    ApiResponse reviewMany();

private:
    store::StudyFilter studyFilter();
    std::vector<store::FlagRecord> flagRecords();
    present::ExportForm exportForm() const;
    std::set<std::string> hiddenColumns() const;
};

} // namespace fa::api
