#include "audit/Mailer.h"

#include "core/Error.h"

#include <Poco/Net/Context.h>
#include <Poco/Net/MailMessage.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/SecureSMTPClientSession.h>
#include <Poco/Net/StringPartSource.h>
#include <Poco/Net/AcceptCertificateHandler.h>
#include <Poco/Net/RejectCertificateHandler.h>

#include <mutex>

namespace fa {

namespace {

std::once_flag sslOnce;

} // namespace

void sendMail(const MailSettings& s, const MailMessageContent& m) {
    const std::string server = s.host + ":" + std::to_string(s.port);
    std::call_once(sslOnce, [] { Poco::Net::initializeSSL(); });
    Poco::Net::MailMessage message;
    message.setSender(s.from);
    for (const auto& to : s.to)
        message.addRecipient(Poco::Net::MailRecipient(Poco::Net::MailRecipient::PRIMARY_RECIPIENT, to));
    message.setSubject(Poco::Net::MailMessage::encodeWord(m.subject, "UTF-8"));
    message.addContent(new Poco::Net::StringPartSource(m.html, "text/html; charset=UTF-8"),
                       Poco::Net::MailMessage::ENCODING_QUOTED_PRINTABLE);
    for (const auto& a : m.attachments)
        message.addAttachment(a.name, new Poco::Net::StringPartSource(a.content, a.mediaType, a.name),
                              Poco::Net::MailMessage::ENCODING_BASE64);
    std::string step = "connect";
    try {
        Poco::Net::SecureSMTPClientSession session(s.host, s.port);
        session.setTimeout(Poco::Timespan(s.timeout_s, 0));
        step = "greet";
        session.login();
        if (s.starttls) {
            step = "STARTTLS";
            Poco::Net::Context::Ptr context = new Poco::Net::Context(
                Poco::Net::Context::TLS_CLIENT_USE, "", "", s.caFile,
                s.verifyCertificate ? Poco::Net::Context::VERIFY_RELAXED : Poco::Net::Context::VERIFY_NONE, 9,
                s.caFile.empty());
            Poco::SharedPtr<Poco::Net::InvalidCertificateHandler> handler;
            if (s.verifyCertificate) handler = new Poco::Net::RejectCertificateHandler(false);
            else handler = new Poco::Net::AcceptCertificateHandler(false);
            Poco::Net::SSLManager::instance().initializeClient(nullptr, handler, context);
            if (!session.startTLS(context)) throw Error("the server does not offer STARTTLS");
            if (s.username.empty()) session.login(); // EHLO again over TLS
        }
        if (!s.username.empty()) {
            step = "login";
            session.login(Poco::Net::SMTPClientSession::AUTH_LOGIN, s.username, s.password);
        }
        step = "send";
        session.sendMessage(message);
        session.close();
    } catch (const Error& e) {
        throw Error("mail server " + server + ": " + e.what());
    } catch (const Poco::Exception& e) {
        throw Error("mail server " + server + " failed at " + step + ": " + e.displayText());
    }
}

} // namespace fa
