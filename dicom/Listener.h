// The DICOM listener: a pool of associations (one thread each) on one port, C-ECHO and C-STORE for
// every storage SOP class, the usual uncompressed and compressed transfer syntaxes accepted as
// received (pixel data is never decoded).
#pragma once

#include "dicom/StoreScp.h"

#include <cstdint>
#include <memory>

namespace fa::dicom {

struct ListenerOptions {
    std::uint16_t port = 11112;
    int acseTimeout_s = 30;
    int dimseTimeout_s = 60;
    std::uint32_t maxPdu = 116794;
};

class Listener {
public:
    // `context` must outlive the listener.
    Listener(ListenerContext& context, const ListenerOptions& options);
    ~Listener();

    // Serves until stop(); returns when open associations have finished. Throws fa::Error when the
    // port cannot be opened.
    void run();
    // Stops accepting; open associations finish. Safe from another thread.
    void stop();

    class Pool;

private:
    std::unique_ptr<Pool> pool_;
    ListenerOptions options_;
};

// SOP classes the listener negotiates (all storage classes DCMTK knows, plus Enhanced X-Ray
// Radiation Dose SR which its default lists omit).
std::vector<std::string> acceptedStorageSopClasses();

} // namespace fa::dicom
