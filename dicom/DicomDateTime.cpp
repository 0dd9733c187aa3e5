#include "dicom/DicomDateTime.h"

#include <algorithm>
#include <cctype>

namespace fa::dicom {

namespace {
bool digits(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}
} // namespace

std::string isoDate(std::string_view da) {
    if (da.size() == 10 && da[4] == '.' && da[7] == '.') // ACR-NEMA "2019.03.16"
        return std::string(da.substr(0, 4)) + "-" + std::string(da.substr(5, 2)) + "-" + std::string(da.substr(8, 2));
    if (da.size() < 8 || !digits(da.substr(0, 8))) return {};
    return std::string(da.substr(0, 4)) + "-" + std::string(da.substr(4, 2)) + "-" + std::string(da.substr(6, 2));
}

std::string isoTime(std::string_view tm) {
    std::string t;
    for (char c : tm)
        if (c != ':') t.push_back(c);
    const std::size_t dot = t.find('.');
    const std::string whole = t.substr(0, dot);
    if (whole.size() < 2 || !digits(whole)) return {};
    std::string out = whole.substr(0, 2) + ":" + (whole.size() >= 4 ? whole.substr(2, 2) : "00") + ":" +
                      (whole.size() >= 6 ? whole.substr(4, 2) : "00");
    return out;
}

std::string isoDateTime(std::string_view dt) {
    // Drop a UTC offset: the events of one report share it.
    if (const auto pos = dt.find_first_of("+-", 8); pos != std::string_view::npos) dt = dt.substr(0, pos);
    const std::string date = isoDate(dt.substr(0, std::min<std::size_t>(8, dt.size())));
    if (date.empty()) return {};
    if (dt.size() <= 8) return date;
    const std::string_view rest = dt.substr(8);
    std::string time = isoTime(rest);
    if (time.empty()) return date;
    if (const auto dot = rest.find('.'); dot != std::string_view::npos && dot + 1 < rest.size())
        time += "." + std::string(rest.substr(dot + 1));
    return date + "T" + time;
}

} // namespace fa::dicom
