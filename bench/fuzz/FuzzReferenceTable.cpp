// libFuzzer: a reference-level CSV as a spreadsheet might write it, then classification of a
// study whose description is the same bytes.
#include "rules/ReferenceTable.h"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    std::vector<fa::rules::TableProblem> problems;
    if (auto table = fa::rules::ReferenceTable::parse(text, problems)) {
        fa::StudyInfo study;
        study.studyDescription = text.substr(0, 64);
        table->classify({&study, nullptr});
        table->toCsv();
    } else {
        for (const auto& p : problems) fa::rules::describe(p);
    }
    return 0;
}
