// Sends a report by SMTP (Poco::Net), with STARTTLS and login when configured.
#pragma once

#include "pipeline/Settings.h"

#include <string>
#include <vector>

namespace fa {

struct MailAttachment {
    std::string name, content, mediaType;
};

struct MailMessageContent {
    std::string subject;
    std::string html;
    std::vector<MailAttachment> attachments;
};

// To every address of settings.to. Throws fa::Error naming the server and what failed (connect,
// STARTTLS, certificate, login, a refused recipient).
void sendMail(const MailSettings& settings, const MailMessageContent& message);

} // namespace fa
