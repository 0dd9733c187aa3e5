#include "plugin/ChangeFollower.h"

#include "core/Error.h"
#include "dicom/DoseSopClasses.h"
#include "plugin/OrthancLog.h"
#include "plugin/OrthancRest.h"
#include "store/DatabaseError.h"

#include <orthanc/OrthancCPlugin.h>

#include <Poco/JSON/Parser.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace fa::plugin {

namespace {
constexpr int kBatch = 100;
constexpr auto kIdle = std::chrono::seconds(1);
constexpr auto kDatabaseRetry = std::chrono::seconds(10);
constexpr long long kProgressEvery = 1000;
constexpr int kFollowerNice = 4;
} // namespace

ChangeFollower::ChangeFollower(OrthancPluginContext* context, const Settings& settings)
    : context_(context), settings_(settings), pipeline_(std::make_unique<Pipeline>(settings)) {
    seq_ = savedSeq();
    for (const Peer& p : settings_.listener.peers) peersHaveCharacterSets_ |= !p.characterSet.empty();
}

ChangeFollower::~ChangeFollower() { stop(); }

void ChangeFollower::start() {
    if (thread_.joinable()) return;
    // Orthanc shows warnings and errors by default: start and progress are lines an operator wants.
    logWarning(context_, "fluoroaudit: following Orthanc's changes from change " + std::to_string(seq_) + " (store in " +
                          settings_.dataDir + ")");
    thread_ = std::thread([this] { run(); });
}

void ChangeFollower::wake() {
    std::lock_guard<std::mutex> lock(mutex_);
    woken_ = true;
    wake_.notify_one();
}

void ChangeFollower::stop() {
    stopping_ = true;
    wake();
    if (thread_.joinable()) thread_.join();
}

void ChangeFollower::run() {
    // Filing yields a little to Orthanc's own receiving, so that a burst of objects is taken in
    // at Orthanc's pace and filed right after (per-thread nice on Linux; failure is harmless).
    ::setpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid)), kFollowerNice);
    while (!stopping_) {
        bool more = false;
        try {
            more = followOnce();
        } catch (const store::DatabaseError& e) {
            // Nothing is skipped: the same changes are tried again once the database can be written.
            logError(context_, "fluoroaudit: cannot store (tried again in 10 s): " + std::string(e.what()));
            std::unique_lock<std::mutex> lock(mutex_);
            stalled_ = e.what();
            wake_.wait_for(lock, kDatabaseRetry, [this] { return stopping_.load(); });
            continue;
        } catch (const std::exception& e) {
            logError(context_, "fluoroaudit: reading Orthanc's changes failed (tried again): " + std::string(e.what()));
        }
        if (more) continue;
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait_for(lock, kIdle, [this] { return woken_ || stopping_; });
        woken_ = false;
    }
}

bool ChangeFollower::followOnce() {
    const std::string answer = get("/changes?since=" + std::to_string(seq_) + "&limit=" + std::to_string(kBatch));
    const auto root = Poco::JSON::Parser().parse(answer).extract<Poco::JSON::Object::Ptr>();
    const auto changes = root->getArray("Changes");
    if (!changes || changes->size() == 0) return false;
    for (std::size_t i = 0; i < changes->size() && !stopping_; ++i) {
        const auto change = changes->getObject(static_cast<unsigned>(i));
        if (change->getValue<std::string>("ChangeType") == "NewInstance") processInstance(change->getValue<std::string>("ID"));
        seq_ = change->getValue<long long>("Seq");
    }
    // Once per batch: after a crash the changes of a batch are read again, and what was already
    // filed is recognised as a duplicate.
    saveSeq(seq_);
    const bool done = root->getValue<bool>("Done");
    // Progress while catching up, and once caught up.
    if (seq_ - loggedSeq_ >= kProgressEvery || (done && processed_.load() != loggedProcessed_)) {
        logWarning(context_, "fluoroaudit: at change " + std::to_string(seq_) + " of " +
                              std::to_string(root->getValue<long long>("Last")) + ", " + std::to_string(processed_.load()) +
                              " dose object(s) stored since start");
        loggedSeq_ = seq_;
        loggedProcessed_ = processed_;
    }
    return !done;
}

void ChangeFollower::processInstance(const std::string& id) {
    std::string sopClass;
    try {
        sopClass = get("/instances/" + id + "/metadata/SopClassUid");
    } catch (const Error&) {
        return; // deleted since: nothing to read
    }
    if (!sopClass.empty() && !dicom::mayCarryDose(sopClass)) return; // skipped by SOP class, unread
    std::string bytes;
    try {
        bytes = get("/instances/" + id + "/file");
    } catch (const Error&) {
        return;
    }
    ObjectSource source;
    source.origin = "Orthanc instance " + id;
    if (peersHaveCharacterSets_) {
        try {
            const Peer* peer = settings_.listener.peerByAeTitle(get("/instances/" + id + "/metadata/RemoteAET"));
            if (peer) source.characterSetHint = peer->characterSet;
        } catch (const Error&) {
        }
    }
    try {
        pipeline_->ingestBuffer(bytes.data(), bytes.size(), source);
        ++processed_;
        std::lock_guard<std::mutex> lock(mutex_);
        stalled_.clear();
    } catch (const store::DatabaseError&) {
        throw;
    } catch (const Error& e) {
        quarantine(id, bytes, e.what());
    }
}

void ChangeFollower::quarantine(const std::string& id, const std::string& bytes, const std::string& reason) {
    const fs::path folder = settings_.quarantineDir();
    std::error_code ec;
    fs::create_directories(folder, ec);
    fs::permissions(folder, fs::perms::owner_all, fs::perm_options::replace, ec);
    const fs::path object = folder / ("orthanc-" + id + ".dcm");
    std::ofstream(object, std::ios::binary) << bytes;
    fs::permissions(object, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace, ec);
    std::ofstream(folder / ("orthanc-" + id + ".dcm.reason")) << reason << "\n";
    ++quarantined_;
    logWarning(context_, "fluoroaudit: quarantined Orthanc instance " + id + ": " + reason);
}

std::string ChangeFollower::stalled() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return stalled_;
}

std::string ChangeFollower::get(const std::string& uri) const { return restGet(context_, uri); }

long long ChangeFollower::savedSeq() const {
    std::ifstream in(settings_.dataDir + "/orthanc-changes");
    long long seq = 0;
    return (in >> seq) ? seq : 0;
}

void ChangeFollower::saveSeq(long long seq) const {
    const std::string path = settings_.dataDir + "/orthanc-changes";
    {
        std::ofstream out(path + ".new");
        out << seq << "\n";
    }
    std::error_code ec;
    fs::rename(path + ".new", path, ec);
}

} // namespace fa::plugin
