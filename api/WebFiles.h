// The built web UI as files any host serves: the service on its own port, the Orthanc plugin under
// /fluoroaudit/ui/. Only files inside the folder; any other path is the single-page app.
#pragma once

#include "api/Api.h"

#include <string>

namespace fa::api {

class WebFiles {
public:
    // `folder`: the built front-end ("" when there is none: every answer then says so).
    explicit WebFiles(const std::string& folder);

    // The answer to GET `path` (relative to the UI's root, e.g. "/app.js").
    ApiResponse get(const std::string& path) const;
    const std::string& folder() const { return folder_; }

    // The built front-end of a binary (or library) at `binary`: beside it ("web/"), in ../bin/web,
    // ../share/fluoroaudit/web or ../../share/fluoroaudit/web; "" when there is none.
    static std::string besideBinary(const std::string& binary);

private:
    std::string folder_; // canonical
};

} // namespace fa::api
