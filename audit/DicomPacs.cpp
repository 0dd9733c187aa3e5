#include "audit/DicomPacs.h"

#include "core/Error.h"
#include "dicom/DoseSopClasses.h"
#include "pipeline/Pipeline.h"

#include "dcmtk/config/osconfig.h"
#include "dcmtk/dcmdata/dcfilefo.h"

#include <filesystem>
#include <unistd.h>

namespace fs = std::filesystem;

namespace fa {

dicom::PacsAddress pacsAddressOf(const Settings& settings) {
    dicom::PacsAddress a;
    a.aeTitle = settings.pacs.aeTitle;
    a.host = settings.pacs.host;
    a.port = settings.pacs.port;
    a.callingAeTitle = settings.listener.aeTitle;
    a.timeout_s = settings.pacs.timeout_s;
    if (settings.pacs.tls) a.tls = tlsFiles(settings);
    return a;
}

std::string moveDestinationOf(const Settings& settings) {
    return settings.pacs.moveDestination.empty() ? settings.listener.aeTitle : settings.pacs.moveDestination;
}

dicom::MoveResult DicomPacs::retrieve(const Retrieval& r, Pipeline& pipeline) {
    if (filesWhatItRetrieves()) return getInto(r, pipeline);
    return r.sopInstanceUid.empty() ? client_.moveSeries(r.studyUid, r.seriesUid, moveDestinationOf(settings_))
                                    : client_.moveInstance(r.studyUid, r.seriesUid, r.sopInstanceUid, moveDestinationOf(settings_));
}

dicom::MoveResult DicomPacs::getInto(const Retrieval& r, Pipeline& pipeline) {
    const std::vector<std::string> classes = dicom::doseSopClassUids();
    const std::string folder = settings_.dataDir + "/retrieve";
    fs::create_directories(folder);
    return client_.get(r.studyUid, r.seriesUid, r.sopInstanceUid, classes, [&](DcmDataset& dataset) -> std::string {
        const std::string path = folder + "/" + std::to_string(::getpid()) + "-" + std::to_string(++received_) + ".dcm";
        DcmFileFormat file(&dataset);
        if (file.saveFile(path.c_str(), EXS_LittleEndianExplicit).bad()) return "cannot write " + path;
        try {
            ObjectSource options;
            options.archive = ArchivePolicy::MoveFile;
            pipeline.ingestFile(path, options);
        } catch (const Error& e) {
            std::error_code ec;
            fs::remove(path, ec);
            return e.what();
        }
        std::error_code ec;
        fs::remove(path, ec); // an object without dose content is left where it was written
        return {};
    });
}

} // namespace fa
