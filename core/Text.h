// Messages to people in the language they read: an id in one catalog (core/Text.cpp, English and
// Simplified Chinese side by side) and the values put into it. Whoever answers a person renders
// the text in that person's language; logs and the CLI use English.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace fa {

enum class Language { English, Chinese };

// From an HTTP Accept-Language value ("zh-CN,zh;q=0.9,en;q=0.8"), a setting ("zh", "en") or a
// locale ("zh_CN.UTF-8"): the first of English and Chinese that it names; English otherwise.
Language languageOf(const std::string& preference);
const char* languageCode(Language language); // "en", "zh"

struct Text {
    std::string id;
    std::vector<std::pair<std::string, std::string>> values;
    std::vector<std::pair<std::string, std::shared_ptr<const Text>>> parts; // whole sentences put in

    // Puts a sentence of its own in place of {name}, in the same language.
    Text with(const std::string& name, const Text& part) const;

    // The catalog's sentence with every {name} replaced; an id missing from the catalog shows
    // as the id itself with its values (a test keeps the catalog complete).
    std::string in(Language language) const;
    std::string english() const { return in(Language::English); }

    // The sentence in `language` cut into its words and the values put into it (data: names, UIDs,
    // files, comments), for a page that marks data as such; terms count as words. Joined, they are in().
    struct Piece {
        std::string text;
        bool data = false;
    };
    std::vector<Piece> pieces(Language language) const;
};

Text text(std::string id, std::vector<std::pair<std::string, std::string>> values = {});
// A value that is itself a catalog entry (a role, a review state, a metric): shown in the
// reader's language too. Unknown ids show as the id after "state.", "role." and so on.
std::string term(const std::string& id);

// The part of a name in the reader's language when it holds both, Chinese first ("脊神经根脉冲射频术
// Spinal nerve root pulsed RF", as the reference table writes them); a name in one language as it is.
std::string localName(const std::string& name, Language language);

// The audit trail's detail of a change to user `user` (one to three changes, in their order).
Text userChange(const std::string& user, const std::vector<Text>& changes);
// Where a new table version came from: edited in the web UI by `user`, or the file `file` uploaded by them.
Text tableSource(const std::string& file, const std::string& user);

// Every id of the catalog with its English and Chinese sentences (for the catalog's test).
struct CatalogEntry {
    const char* id;
    const char* english;
    const char* chinese;
};
const std::vector<CatalogEntry>& catalog();

} // namespace fa
