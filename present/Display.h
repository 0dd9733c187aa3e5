// Figures and tables as people read them on a terminal.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace fa::present {

// Rounds away binary noise (0.21200000000000002 -> 0.212): 10 significant digits.
double roundForDisplay(double v);
// "—" for unknown, else the value with up to `decimals` decimals, trailing zeros removed.
std::string figure(const std::optional<double>& v, int decimals = 4);
// The same with `digits` significant digits (0.0075, 0.392, 292): for figures spanning magnitudes.
std::string significant(const std::optional<double>& v, int digits = 3);
std::string count(const std::optional<long long>& v);

// A plain text table; widths count UTF-8 characters (CJK characters as two columns).
class Table {
public:
    explicit Table(std::vector<std::string> headers);
    void add(std::vector<std::string> row);
    std::string render() const;
    bool empty() const { return rows_.empty(); }

private:
    std::vector<std::string> headers_;
    std::vector<std::vector<std::string>> rows_;
};

std::size_t displayWidth(const std::string& utf8);
std::string truncateToWidth(const std::string& utf8, std::size_t width);

} // namespace fa::present
