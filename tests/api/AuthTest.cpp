// Passwords, sessions and login throttling of the web UI.
#include "api/Auth.h"

#include <gtest/gtest.h>

#include <thread>

namespace fa::api {
namespace {

TEST(Passwords, ArePbkdf2Sha256WithAFreshSaltAnd600000Iterations) {
    const std::string a = hashPassword("correct horse battery staple");
    const std::string b = hashPassword("correct horse battery staple");
    EXPECT_EQ(a.rfind("pbkdf2-sha256$600000$", 0), 0u) << a;
    EXPECT_NE(a, b) << "each hash has its own salt";
    EXPECT_TRUE(verifyPassword("correct horse battery staple", a));
    EXPECT_TRUE(verifyPassword("correct horse battery staple", b));
    EXPECT_FALSE(verifyPassword("correct horse battery stapl", a));
    EXPECT_FALSE(verifyPassword("", a));
    std::string tampered = a;
    tampered[tampered.size() - 5] = tampered[tampered.size() - 5] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(verifyPassword("correct horse battery staple", tampered));
    EXPECT_FALSE(verifyPassword("x", "plain-text"));
    EXPECT_FALSE(verifyPassword("x", "pbkdf2-sha256$abc$$"));
    EXPECT_EQ(passwordProblem("short"), "a password has at least 10 characters");
    EXPECT_EQ(passwordProblem("long enough"), "");
}

TEST(Sessions, EndAfterTheIdleTimeAndOnLogout) {
    Sessions idle(std::chrono::minutes(0));
    const auto s = idle.create("rita", "reviewer");
    EXPECT_EQ(s.token.size(), 64u);
    EXPECT_NE(s.token, s.csrf);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    EXPECT_FALSE(idle.find(s.token));

    Sessions live(std::chrono::minutes(30));
    const auto r = live.create("rita", "reviewer");
    const auto v = live.create("victor", "viewer");
    ASSERT_TRUE(live.find(r.token));
    EXPECT_EQ(live.find(r.token)->username, "rita");
    EXPECT_FALSE(live.find("not-a-token"));
    live.updateRole("rita", "admin");
    EXPECT_EQ(live.find(r.token)->role, "admin");
    live.endUser("rita");
    EXPECT_FALSE(live.find(r.token));
    EXPECT_TRUE(live.find(v.token));
    live.end(v.token);
    EXPECT_EQ(live.count(), 0u);
}

TEST(LoginThrottle, FiveFailuresMakeANameOrAnAddressWaitAndSuccessClearsTheName) {
    LoginThrottle t;
    for (int i = 0; i < 4; ++i) t.failed("mallory", "10.0.0.9");
    EXPECT_EQ(t.waitSeconds("mallory", "10.0.0.9"), 0);
    t.failed("mallory", "10.0.0.9");
    EXPECT_EQ(t.waitSeconds("mallory", "10.0.0.9"), 30);
    EXPECT_EQ(t.waitSeconds("mallory", "10.0.0.10"), 30) << "the name waits from any address";
    EXPECT_EQ(t.waitSeconds("alice", "10.0.0.9"), 30) << "the address waits for any name";
    EXPECT_EQ(t.waitSeconds("alice", "10.0.0.10"), 0);
    t.failed("mallory", "10.0.0.9");
    EXPECT_EQ(t.waitSeconds("mallory", "10.0.0.11"), 60) << "doubling";
    t.succeeded("bob", "10.0.0.12");
    EXPECT_EQ(t.waitSeconds("bob", "10.0.0.12"), 0);
}

TEST(Roles, AreRanked) {
    EXPECT_LT(roleRank("viewer"), roleRank("reviewer"));
    EXPECT_LT(roleRank("reviewer"), roleRank("admin"));
    EXPECT_FALSE(isRole("root"));
    EXPECT_EQ(roleRank(""), 0);
}

} // namespace
} // namespace fa::api
