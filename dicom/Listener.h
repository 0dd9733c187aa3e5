// The DICOM listener: C-ECHO and C-STORE for every storage SOP class on one port, the usual
// uncompressed and compressed transfer syntaxes accepted as received (pixel data is never decoded).
// Connections wait in the Acceptor until their association request is there whole; a fixed set of
// long-lived workers, started with the listener, then serves one association each at a time. No
// thread is created or ended per association (DCMTK 3.6.7's DcmBaseSCPPool does, and a burst of
// refused associations corrupts its heap), and no peer can keep another waiting.
#pragma once

#include "dicom/StoreScp.h"
#include "dicom/Tls.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>

namespace fa::dicom {

struct ListenerOptions {
    std::uint16_t port = 11112;
    int acseTimeout_s = 30;
    int dimseTimeout_s = 60;
    std::uint32_t maxPdu = 116794;
    // DICOM over TLS on this port (PS3.15 B.9); none: plain DICOM.
    std::optional<TlsFiles> tls;
};

class Listener {
public:
    // `context` must outlive the listener (and may be shared with another one, e.g. a TLS port
    // beside the plain one). Throws fa::Error when the TLS files cannot be used.
    Listener(ListenerContext& context, const ListenerOptions& options);
    ~Listener();

    // Serves until stop(); returns when open associations have finished. Throws fa::Error when the
    // port cannot be opened.
    void run();
    // Stops accepting; open associations finish. Safe from another thread.
    void stop();
    // Whether the port is open and connections are taken (from another thread while run() runs).
    bool accepting() const { return accepting_; }

private:
    struct Workers;
    void work();
    ListenerContext& context_;
    ListenerOptions options_;
    std::unique_ptr<Workers> workers_;
    std::atomic<bool> accepting_{false};
};

// SOP classes the listener negotiates (all storage classes DCMTK knows, plus Enhanced X-Ray
// Radiation Dose SR which its default lists omit).
std::vector<std::string> acceptedStorageSopClasses();

} // namespace fa::dicom
