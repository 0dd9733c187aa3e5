#include "plugin/OrthancLog.h"

#include <orthanc/OrthancCPlugin.h>

#include <Poco/AutoPtr.h>
#include <Poco/Channel.h>
#include <Poco/Logger.h>
#include <Poco/Message.h>

namespace fa::plugin {

namespace {

class OrthancChannel : public Poco::Channel {
public:
    explicit OrthancChannel(OrthancPluginContext* context) : context_(context) {}
    void log(const Poco::Message& message) override {
        const std::string line = "fluoroaudit: " + message.getSource() + ": " + message.getText();
        if (message.getPriority() <= Poco::Message::PRIO_ERROR) OrthancPluginLogError(context_, line.c_str());
        // Orthanc shows warnings by default: the nightly audit's few lines a night are among them.
        else if (message.getPriority() <= Poco::Message::PRIO_WARNING ||
                 (message.getSource() == "audit" && message.getPriority() <= Poco::Message::PRIO_INFORMATION))
            OrthancPluginLogWarning(context_, line.c_str());
        else OrthancPluginLogInfo(context_, line.c_str());
    }

private:
    OrthancPluginContext* context_;
};

} // namespace

void routePocoLoggingToOrthanc(OrthancPluginContext* context) {
    Poco::AutoPtr<Poco::Channel> channel(new OrthancChannel(context));
    Poco::Logger::root().setChannel(channel); // loggers made later take the root's channel
    Poco::Logger::setChannel("", channel);    // those made already
}

void logWarning(OrthancPluginContext* context, const std::string& line) { OrthancPluginLogWarning(context, line.c_str()); }
void logError(OrthancPluginContext* context, const std::string& line) { OrthancPluginLogError(context, line.c_str()); }

} // namespace fa::plugin
