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
    ASSERT_TRUE(passwordProblem("short"));
    EXPECT_EQ(passwordProblem("short")->english(), "a password has at least 10 characters");
    EXPECT_EQ(passwordProblem("short")->in(Language::Chinese), "密码至少 10 个字符");
    EXPECT_FALSE(passwordProblem("long enough"));
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

TEST(LoginThrottle, FiveAttemptsMakeANameOrAnAddressWaitAndSuccessClearsThem) {
    LoginThrottle t;
    for (int i = 0; i < 5; ++i) EXPECT_EQ(t.admit("mallory", "10.0.0.9"), 0) << i;
    EXPECT_EQ(t.admit("mallory", "10.0.0.9"), 30);
    EXPECT_EQ(t.admit("mallory", "10.0.0.10"), 30) << "the name waits from any address";
    EXPECT_EQ(t.admit("alice", "10.0.0.9"), 30) << "the address waits for any name";
    EXPECT_EQ(t.admit("alice", "10.0.0.10"), 0);
    t.succeeded("alice", "10.0.0.10");
    for (int i = 0; i < 5; ++i) EXPECT_EQ(t.admit("alice", "10.0.0.10"), 0) << "cleared by the success";
    t.succeeded("mallory", "10.0.0.9");
    EXPECT_EQ(t.admit("bob", "10.0.0.9"), 30) << "a success does not lift an address's wait";
}

// 40 guesses at once: only 5 are let through to have their password checked.
TEST(LoginThrottle, ParallelGuessesCannotPassTheLimit) {
    LoginThrottle t;
    std::atomic<int> admitted{0};
    std::vector<std::thread> guesses;
    for (int i = 0; i < 40; ++i)
        guesses.emplace_back([&] {
            if (t.admit("admin", "10.0.0.66") == 0) ++admitted;
        });
    for (auto& g : guesses) g.join();
    EXPECT_EQ(admitted.load(), 5);
}

// A flood of made-up names from made-up addresses is not remembered without bound.
TEST(LoginThrottle, RemembersABoundedNumberOfNamesAndAddresses) {
    LoginThrottle t;
    for (int i = 0; i < 30000; ++i) t.admit("name-" + std::to_string(i), "10.1." + std::to_string(i));
    EXPECT_LE(t.tracked(), 4 * LoginThrottle::kMaxTracked + 2);
    EXPECT_GT(t.tracked(), 0u);
}

// An unknown user name costs the same PBKDF2 work as a wrong password of a real user (before, it
// was answered 30 times faster, which told whether a name exists). The work is counted, not timed:
// the same iterations take the same time, and a count does not depend on how busy the machine is.
TEST(Passwords, ANonexistentUserCostsTheSameWorkAsARealOne) {
    const std::string hash = hashPassword("correct horse battery");
    verifyAgainstNobody("warm-up"); // the dummy hash is made once
    const std::uint64_t before = pbkdf2IterationsDone();
    EXPECT_FALSE(verifyPassword("wrong password", hash));
    const std::uint64_t real = pbkdf2IterationsDone() - before;
    EXPECT_FALSE(verifyAgainstNobody("wrong password"));
    const std::uint64_t nobody = pbkdf2IterationsDone() - before - real;
    EXPECT_EQ(real, static_cast<std::uint64_t>(kPbkdf2Iterations));
    EXPECT_EQ(nobody, real);
}

TEST(Roles, AreRanked) {
    EXPECT_LT(roleRank("viewer"), roleRank("reviewer"));
    EXPECT_LT(roleRank("reviewer"), roleRank("admin"));
    EXPECT_FALSE(isRole("root"));
    EXPECT_EQ(roleRank(""), 0);
}

} // namespace
} // namespace fa::api
