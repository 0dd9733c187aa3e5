#include "present/Display.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace fa::present {

namespace {

// Decodes one UTF-8 code point at s[i]; advances i. Invalid bytes count as one column.
unsigned int next(const std::string& s, std::size_t& i) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (i + n > s.size()) n = 1;
    unsigned int cp = n == 1 ? c : n == 2 ? (c & 0x1Fu) : n == 3 ? (c & 0x0Fu) : (c & 0x07u);
    for (std::size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3Fu);
    i += n;
    return cp;
}

std::size_t columns(unsigned int cp) {
    const bool wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
                      (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
                      (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
                      (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
    return wide ? 2 : 1;
}

} // namespace

double roundForDisplay(double v) {
    if (v == 0.0 || !std::isfinite(v)) return v;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.10g", v);
    return std::strtod(buf, nullptr);
}

std::string figure(const std::optional<double>& v, int decimals) {
    if (!v) return "—";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, roundForDisplay(*v));
    std::string s(buf);
    if (s.find('.') != std::string::npos) {
        while (s.back() == '0') s.pop_back();
        if (s.back() == '.') s.pop_back();
    }
    return s == "-0" ? "0" : s;
}

std::string significant(const std::optional<double>& v, int digits) {
    if (!v || *v == 0) return figure(v);
    const int magnitude = static_cast<int>(std::floor(std::log10(std::fabs(*v))));
    return figure(v, std::max(0, digits - 1 - magnitude));
}

std::string count(const std::optional<long long>& v) { return v ? std::to_string(*v) : "—"; }

std::size_t displayWidth(const std::string& s) {
    std::size_t w = 0;
    for (std::size_t i = 0; i < s.size();) w += columns(next(s, i));
    return w;
}

std::string truncateToWidth(const std::string& s, std::size_t width) {
    if (displayWidth(s) <= width) return s;
    std::size_t w = 0, i = 0;
    while (i < s.size()) {
        std::size_t j = i;
        const std::size_t cw = columns(next(s, j));
        if (w + cw + 1 > width) break;
        w += cw;
        i = j;
    }
    return s.substr(0, i) + "…";
}

Table::Table(std::vector<std::string> headers) : headers_(std::move(headers)) {}

void Table::add(std::vector<std::string> row) {
    row.resize(headers_.size());
    rows_.push_back(std::move(row));
}

std::string Table::render() const {
    std::vector<std::size_t> width(headers_.size());
    for (std::size_t c = 0; c < headers_.size(); ++c) {
        width[c] = displayWidth(headers_[c]);
        for (const auto& r : rows_) width[c] = std::max(width[c], displayWidth(r[c]));
    }
    auto line = [&](const std::vector<std::string>& cells) {
        std::string out;
        for (std::size_t c = 0; c < cells.size(); ++c) {
            out += cells[c];
            if (c + 1 < cells.size()) out += std::string(width[c] - displayWidth(cells[c]) + 2, ' ');
        }
        return out + "\n";
    };
    std::string out = line(headers_);
    for (const auto& r : rows_) out += line(r);
    return out;
}

} // namespace fa::present
