#include "dicom/DcmtkLog.h"

#include "dcmtk/config/osconfig.h"
#include "dcmtk/oflog/oflog.h"

namespace fa::dicom {

void quietDcmtkLog() { OFLog::configure(OFLogger::FATAL_LOG_LEVEL); }

} // namespace fa::dicom
