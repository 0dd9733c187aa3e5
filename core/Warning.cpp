#include "core/Warning.h"

#include <algorithm>

namespace fa {

Warning warning(std::string code, Text text) {
    Warning w;
    w.code = std::move(code);
    w.message = text.english();
    w.text = std::move(text);
    return w;
}

void WarningList::add(const std::string& code, const Text& text) {
    const std::string message = text.english();
    auto it = std::find_if(items_.begin(), items_.end(),
                           [&](const Warning& w) { return w.code == code && w.message == message; });
    if (it != items_.end()) {
        ++it->count;
        return;
    }
    items_.push_back(warning(code, text));
}

void WarningList::append(const std::vector<Warning>& other) {
    for (const auto& w : other) {
        auto it = std::find_if(items_.begin(), items_.end(),
                               [&](const Warning& x) { return x.code == w.code && x.message == w.message; });
        if (it != items_.end())
            it->count += w.count;
        else
            items_.push_back(w);
    }
}

bool WarningList::has(const std::string& code) const {
    return std::any_of(items_.begin(), items_.end(), [&](const Warning& w) { return w.code == code; });
}

} // namespace fa
