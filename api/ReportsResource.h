// DRL statistics, monthly medians, devices and the nightly audit's runs.
#pragma once

#include "api/Context.h"

#include <Poco/JSON/Object.h>

#include <optional>
#include <string>
#include <vector>

namespace fa::api {

class ReportsResource : public Call {
public:
    using Call::Call;
    ApiResponse stats();
    ApiResponse monthly();
    ApiResponse survey(); // the regional DRL survey of the group's sites
    ApiResponse sites();  // this site and every site of the database
    ApiResponse devices();
    ApiResponse overview(); // studies and open flags per device and procedure of a period
    ApiResponse auditRuns();
    ApiResponse auditRun(const std::string& text);
    // The run's HTML report as written (text/html), for the audit-runs page to open.
    ApiResponse auditRunReport(const std::string& text);
};

} // namespace fa::api
