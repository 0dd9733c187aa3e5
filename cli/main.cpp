// `fluoroaudit`: the command line of the service.
#include "cli/App.h"

#include <sys/stat.h>

int main(int argc, char** argv) {
    // The store, its archive, reports and exports hold patient data: readable by this user only,
    // whatever the umask it was started with (a shell's is usually 022).
    ::umask(077);
    fa::cli::App app;
    return app.run(argc, argv);
}
