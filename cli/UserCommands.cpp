#include "core/Error.h"
#include "api/Auth.h"
#include "cli/Commands.h"
#include "present/Display.h"

#include <cstdlib>
#include <iostream>
#include <termios.h>
#include <unistd.h>

namespace fa::cli {

using namespace fa::present;

namespace {

std::string readLineNoEcho(std::istream& in, std::ostream& out, const std::string& prompt) {
    const bool terminal = &in == &std::cin && ::isatty(STDIN_FILENO);
    termios saved{};
    if (terminal) {
        out << prompt << std::flush;
        ::tcgetattr(STDIN_FILENO, &saved);
        termios quiet = saved;
        quiet.c_lflag &= static_cast<tcflag_t>(~ECHO);
        ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    }
    std::string line;
    std::getline(in, line);
    if (terminal) {
        ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
        out << "\n";
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
}

std::string newPassword(std::istream& in, std::ostream& out) {
    const bool terminal = &in == &std::cin && ::isatty(STDIN_FILENO);
    const std::string password = readLineNoEcho(in, out, "Password: ");
    if (password.empty() && !terminal) throw Error("no password on standard input");
    if (auto why = api::passwordProblem(password)) throw Error(why->english());
    // Asked again at a terminal; from a pipe, a second line (when there is one) must repeat it.
    if (terminal || in.peek() != std::char_traits<char>::eof()) {
        if (readLineNoEcho(in, out, "Again: ") != password) throw Error("the two passwords differ");
    }
    return password;
}

store::User existing(Pipeline& pipeline, const std::string& name) {
    auto u = pipeline.store().user(name);
    if (!u) throw Error("no user '" + name + "' (see `fluoroaudit user list`)");
    return *u;
}

} // namespace

std::string commandLineActor() {
    const char* user = std::getenv("USER");
    return user && *user ? "(command line: " + std::string(user) + ")" : "(command line)";
}

int userAdd(Pipeline& pipeline, const std::string& name, const std::string& role, std::istream& in, std::ostream& out) {
    if (!api::isRole(role)) throw Error("--role: '" + role + "' is not viewer, reviewer or admin");
    if (name.empty() || name.size() > 64 || name.find_first_of(" \t/\\") != std::string::npos)
        throw Error("a user name has 1 to 64 characters and no spaces or slashes");
    if (pipeline.store().user(name)) throw Error("a user named '" + name + "' exists already");
    store::User u;
    u.username = name;
    u.role = role;
    u.passwordHash = api::hashPassword(newPassword(in, out));
    pipeline.store().addUser(u);
    pipeline.store().addTrail(commandLineActor(), "user-add", text("trail.userAdd", {{"user", name}, {"role", term("role." + role)}}), "");
    out << "User " << name << " added as " << role << ".\n";
    return 0;
}

int userPassword(Pipeline& pipeline, const std::string& name, std::istream& in, std::ostream& out) {
    auto u = existing(pipeline, name);
    u.passwordHash = api::hashPassword(newPassword(in, out));
    pipeline.store().updateUser(u);
    pipeline.store().addTrail(commandLineActor(), "user-change", userChange(name, {text("trail.changePassword")}), "");
    out << "Password of " << name << " changed.\n";
    return 0;
}

int userList(Pipeline& pipeline, std::ostream& out) {
    Table t({"User", "Role", "Created", "Disabled"});
    const auto users = pipeline.store().users();
    for (const auto& u : users) t.add({u.username, u.role, u.createdAt, u.disabled ? "yes" : "no"});
    out << t.render() << users.size() << " user(s)\n";
    return 0;
}

int userSetRole(Pipeline& pipeline, const std::string& name, const std::string& role, std::ostream& out) {
    if (!api::isRole(role)) throw Error("'" + role + "' is not viewer, reviewer or admin");
    auto u = existing(pipeline, name);
    u.role = role;
    pipeline.store().updateUser(u);
    pipeline.store().addTrail(commandLineActor(), "user-change",
                              userChange(name, {text("trail.changeRole", {{"role", term("role." + role)}})}), "");
    out << name << " is now " << role << ".\n";
    return 0;
}

int userDisable(Pipeline& pipeline, const std::string& name, bool disabled, std::ostream& out) {
    auto u = existing(pipeline, name);
    u.disabled = disabled;
    pipeline.store().updateUser(u);
    pipeline.store().addTrail(commandLineActor(), "user-change",
                              userChange(name, {text(disabled ? "trail.changeDisabled" : "trail.changeEnabled")}), "");
    out << name << (disabled ? " is disabled.\n" : " is enabled.\n");
    return 0;
}

} // namespace fa::cli
