#include "service/Logging.h"

#include "core/Error.h"

#include <Poco/AutoPtr.h>
#include <Poco/ConsoleChannel.h>
#include <Poco/FileChannel.h>
#include <Poco/FormattingChannel.h>
#include <Poco/Logger.h>
#include <Poco/PatternFormatter.h>
#include <Poco/SplitterChannel.h>

#include <filesystem>
#include <iostream>

namespace fa {

void configureLogging(const Settings& settings) {
    using Poco::AutoPtr;
    const std::string file = settings.logFile();
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(file).parent_path(), ec);
    if (ec) throw Error("cannot create the log folder for " + file + ": " + ec.message());

    AutoPtr<Poco::PatternFormatter> format(new Poco::PatternFormatter("%Y-%m-%d %H:%M:%S.%i [%p] %s: %t"));
    format->setProperty("times", "local");
    AutoPtr<Poco::FileChannel> rotating(new Poco::FileChannel(file));
    rotating->setProperty("rotation", settings.log.rotateSize);
    rotating->setProperty("archive", "number");
    rotating->setProperty("purgeCount", std::to_string(settings.log.keep));
    rotating->setProperty("flush", "true");
    AutoPtr<Poco::SplitterChannel> both(new Poco::SplitterChannel);
    both->addChannel(AutoPtr<Poco::Channel>(new Poco::ConsoleChannel(std::cerr)));
    both->addChannel(rotating);
    AutoPtr<Poco::FormattingChannel> formatted(new Poco::FormattingChannel(format, both));
    Poco::Logger::root().setChannel(formatted);
    Poco::Logger::root().setLevel(settings.log.level);
    // Loggers created before (and their children) follow the root.
    Poco::Logger::setChannel("", formatted);
    Poco::Logger::setLevel("", Poco::Logger::parseLevel(settings.log.level));
}

} // namespace fa
