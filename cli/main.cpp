// `fluoroaudit`: the command line of the service.
#include "cli/App.h"

int main(int argc, char** argv) {
    fa::cli::App app;
    return app.run(argc, argv);
}
