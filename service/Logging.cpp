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
#include <mutex>

namespace fa {

namespace {

// The log file, as long as it can be written. When it cannot (a full or read-only disk), the line
// still reaches standard error (and the journal under systemd) through the console channel, one
// notice says so, and every later line tries the file again: logging never stops the service.
class SurvivingFileChannel : public Poco::Channel {
public:
    explicit SurvivingFileChannel(Poco::AutoPtr<Poco::FileChannel> file) : file_(std::move(file)) {}

    void log(const Poco::Message& message) override {
        std::lock_guard<std::mutex> lock(mutex_);
        try {
            file_->log(message);
            if (failing_) std::cerr << "fluoroaudit: the log file is written again\n";
            failing_ = false;
        } catch (const Poco::Exception& e) {
            if (!failing_)
                std::cerr << "fluoroaudit: the log file " << file_->getProperty("path") << " cannot be written ("
                          << e.displayText() << "): logging to standard error only until it can\n";
            failing_ = true;
            try {
                file_->close(); // reopened by the next line, which may then find space again
            } catch (const Poco::Exception&) {
            }
        }
    }
    void close() override {
        std::lock_guard<std::mutex> lock(mutex_);
        try {
            file_->close();
        } catch (const Poco::Exception&) {
        }
    }

private:
    Poco::AutoPtr<Poco::FileChannel> file_;
    std::mutex mutex_;
    bool failing_ = false;
};

} // namespace

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
    both->addChannel(AutoPtr<Poco::Channel>(new SurvivingFileChannel(rotating)));
    AutoPtr<Poco::FormattingChannel> formatted(new Poco::FormattingChannel(format, both));
    Poco::Logger::root().setChannel(formatted);
    Poco::Logger::root().setLevel(settings.log.level);
    // Loggers created before (and their children) follow the root.
    Poco::Logger::setChannel("", formatted);
    Poco::Logger::setLevel("", Poco::Logger::parseLevel(settings.log.level));
}

} // namespace fa
