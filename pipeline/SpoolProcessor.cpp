#include "pipeline/SpoolProcessor.h"

#include "core/Error.h"
#include "pipeline/Files.h"

#include <Poco/Logger.h>

#include "dcmtk/config/osconfig.h"
#include "dcmtk/dcmdata/dcdatset.h"

#include <filesystem>
#include <fcntl.h>
#include <fstream>
#include <unistd.h>

namespace fs = std::filesystem;

namespace fa {

namespace {

constexpr auto kRetryDelay = std::chrono::seconds(2);

fs::path attemptsFile(const dicom::Spool& spool, const std::string& path) {
    return fs::path(spool.root()) / "attempts" / fs::path(path).filename();
}

std::string characterSetOf(const Settings& s, const std::string& callingAe) {
    const Peer* peer = s.listener.peerByAeTitle(callingAe);
    return peer ? peer->characterSet : std::string();
}

} // namespace

SpoolProcessor::SpoolProcessor(Pipeline& pipeline, dicom::Spool& spool, const Settings& settings, Poco::Logger& log)
    : pipeline_(pipeline), spool_(spool), settings_(settings), log_(log) {
    std::error_code ec;
    fs::create_directories(fs::path(spool.root()) / "attempts", ec);
    fs::create_directories(settings.quarantineDir(), ec);
    recoverJournal();
    const std::string journalPath = settings.dataDir + "/processing.journal";
    journalFd_ = ::open(journalPath.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0640);
}

SpoolProcessor::~SpoolProcessor() {
    if (journalFd_ >= 0) ::close(journalFd_);
}

// The journal names the object being processed, rewritten in place for every object (no file is
// created per object). An object still named there at start-up stopped the process: it counts as
// a failed attempt, kept in attempts/ so that an object that keeps crashing ends in quarantine.
void SpoolProcessor::journal(const std::string& path) {
    if (journalFd_ < 0) return;
    const std::string line = path + "\n";
    if (::pwrite(journalFd_, line.data(), line.size(), 0) != static_cast<ssize_t>(line.size()) ||
        ::ftruncate(journalFd_, static_cast<off_t>(line.size())) != 0)
        log_.warning("cannot write the processing journal in %s", settings_.dataDir);
}

void SpoolProcessor::clearJournal() {
    if (journalFd_ >= 0 && ::ftruncate(journalFd_, 0) != 0)
        log_.warning("cannot clear the processing journal in %s", settings_.dataDir);
}

void SpoolProcessor::recoverJournal() {
    std::ifstream in(settings_.dataDir + "/processing.journal");
    std::string interrupted;
    if (!std::getline(in, interrupted) || interrupted.empty() || !fs::exists(interrupted)) return;
    const fs::path file = attemptsFile(spool_, interrupted);
    int n = 0;
    std::ifstream(file) >> n;
    std::ofstream(file, std::ios::trunc) << ++n << "\n";
    log_.warning("the service stopped while processing %s (%d time(s) so far)", interrupted, n);
}

int SpoolProcessor::recordAttempt(const std::string& path) {
    auto it = attempts_.find(path);
    if (it == attempts_.end()) {
        int crashed = 0;
        std::ifstream(attemptsFile(spool_, path)) >> crashed; // usually absent
        it = attempts_.emplace(path, crashed).first;
    }
    journal(path);
    return ++it->second;
}

void SpoolProcessor::clearAttempts(const std::string& path) {
    if (attempts_.erase(path) && fs::exists(attemptsFile(spool_, path))) {
        std::error_code ec;
        fs::remove(attemptsFile(spool_, path), ec);
    }
    retryAt_.erase(path);
}

void SpoolProcessor::quarantine(const std::string& path, const std::string& reason) {
    const fs::path target = fs::path(settings_.quarantineDir()) / fs::path(path).filename();
    std::error_code ec;
    moveFile(path, target.string(), ec);
    if (ec) {
        log_.critical("cannot move %s into quarantine (%s): it stays in the spool", path, ec.message());
        return;
    }
    std::ofstream(target.string() + ".reason") << reason << "\n";
    clearAttempts(path);
    log_.error("quarantined %s: %s (list with: fluoroaudit quarantine)", target.filename().string(), reason);
}

std::unique_ptr<DcmDataset> SpoolProcessor::takeHeld(const std::string& path) {
    std::lock_guard<std::mutex> lock(heldMutex_);
    const auto it = held_.find(path);
    if (it == held_.end()) return nullptr;
    auto dataset = std::move(it->second.dataset);
    heldBytes_ -= it->second.bytes;
    held_.erase(it);
    return dataset;
}

void SpoolProcessor::ingest(const std::string& path) {
    const std::string callingAe = dicom::Spool::callingAeOf(path);
    ObjectSource source;
    source.origin = path;
    source.archive = ArchivePolicy::MoveFile;
    source.characterSetHint = characterSetOf(settings_, callingAe);
    const auto dataset = takeHeld(path);
    const IngestResult r = dataset ? pipeline_.ingestDataset(*dataset, path, source) : pipeline_.ingestFile(path, source);
    const char* what = r.outcome == IngestOutcome::Created     ? "new study"
                       : r.outcome == IngestOutcome::Updated   ? "study updated"
                       : r.outcome == IngestOutcome::Duplicate ? "already stored, unchanged"
                                                               : "no dose content, not kept";
    log_.debug("processed object from %s: %s %s", callingAe, r.studyUid, std::string(what));
    std::lock_guard<std::mutex> lock(lastMutex_);
    last_ = r.studyUid;
}

bool SpoolProcessor::process(const std::string& path) {
    const auto due = retryAt_.find(path);
    if (due != retryAt_.end() && std::chrono::steady_clock::now() < due->second) return false;
    const int attempt = recordAttempt(path);
    // Whatever happens below short of the process stopping, the attempt is over.
    struct ClearJournal {
        SpoolProcessor& p;
        ~ClearJournal() { p.clearJournal(); }
    } clear{*this};
    if (attempt > settings_.processingAttempts) {
        quarantine(path, "processing stopped the service " + std::to_string(attempt - 1) + " time(s)");
        return true;
    }
    try {
        ingest(path);
        clearAttempts(path);
        setStalled("");
        return true;
    } catch (const store::DatabaseError& e) {
        // The database failed, not this object: it is not counted against it, nor quarantined.
        if (!e.transient()) throw; // damaged: the service stops and says so
        --attempts_[path];
        retryAt_[path] = std::chrono::steady_clock::now() + kRetryDelay;
        setStalled(e.what());
        return false;
    } catch (const Error& e) {
        ++failures_;
        if (attempt >= settings_.processingAttempts) {
            quarantine(path, e.what());
            return true;
        }
        log_.warning("attempt %d of %d failed, will retry: %s", attempt, settings_.processingAttempts,
                     std::string(e.what()));
        retryAt_[path] = std::chrono::steady_clock::now() + kRetryDelay * attempt;
        return false;
    }
}

void SpoolProcessor::setStalled(const std::string& why) {
    std::lock_guard<std::mutex> lock(lastMutex_);
    if (why == stalled_) return;
    if (!why.empty()) log_.error("objects wait in the spool until the database can take them: %s", why);
    else if (!stalled_.empty()) log_.information("the database takes objects again");
    stalled_ = why;
}

std::string SpoolProcessor::stalled() const {
    std::lock_guard<std::mutex> lock(lastMutex_);
    return stalled_;
}

std::size_t SpoolProcessor::drain() {
    std::size_t done = 0;
    for (const auto& path : spool_.pending())
        if (process(path)) ++done;
    return done;
}

void SpoolProcessor::offer(const std::string& spooledPath, std::unique_ptr<DcmDataset> dataset, std::size_t bytes) {
    std::lock_guard<std::mutex> lock(heldMutex_);
    if (held_.size() >= kMaxHeld || heldBytes_ + bytes > kMaxHeldBytes || held_.count(spooledPath)) return;
    held_[spooledPath] = Held{std::move(dataset), bytes};
    heldBytes_ += bytes;
}

void SpoolProcessor::withdraw(const std::string& spooledPath) { takeHeld(spooledPath); }

bool SpoolProcessor::wouldHold(std::size_t bytes) const {
    if (deferringNow_) return false;
    std::lock_guard<std::mutex> lock(heldMutex_);
    return held_.size() < kMaxHeld && heldBytes_ + bytes <= kMaxHeldBytes;
}

std::size_t SpoolProcessor::heldBytes() const {
    std::lock_guard<std::mutex> lock(heldMutex_);
    return heldBytes_;
}

void SpoolProcessor::notify() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        notified_ = true;
    }
    wake_.notify_one();
}

void SpoolProcessor::stop() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stop_ = true;
    }
    wake_.notify_one();
}

void SpoolProcessor::deferWhile(std::function<bool()> receiving, std::chrono::milliseconds window) {
    receiving_ = std::move(receiving);
    deferWindow_ = window;
}

// A window opens when receiving is seen; once it has lasted deferWindow_ everything waiting is
// filed and the next window opens after that.
bool SpoolProcessor::deferring() {
    bool wait = false;
    if (receiving_ && receiving_()) {
        const auto now = std::chrono::steady_clock::now();
        if (!deferredSince_) deferredSince_ = now;
        wait = now - *deferredSince_ < deferWindow_;
        if (!wait) deferredSince_.reset(); // this drain files all that waits; the next window opens after it
    } else {
        deferredSince_.reset();
    }
    deferringNow_ = wait;
    return wait;
}

void SpoolProcessor::runUntilStopped() {
    for (;;) {
        if (!deferring()) drain();
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait_for(lock, std::chrono::seconds(1), [&] { return stop_ || notified_; });
        notified_ = false;
        if (stop_) break;
    }
    // What arrived before the listener closed is processed before the service exits; objects that
    // wait for a retry get theirs now rather than after a restart.
    retryAt_.clear();
    drain();
}

std::string SpoolProcessor::lastObject() const {
    std::lock_guard<std::mutex> lock(lastMutex_);
    return last_;
}

std::vector<QuarantinedObject> listQuarantine(const Settings& settings) {
    std::vector<QuarantinedObject> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(settings.quarantineDir(), ec)) {
        if (e.path().extension() != ".dcm") continue;
        QuarantinedObject q;
        q.name = e.path().filename().string();
        q.size = e.file_size(ec);
        std::ifstream reason(e.path().string() + ".reason");
        std::getline(reason, q.reason);
        out.push_back(q);
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    return out;
}

void retryQuarantined(const Settings& settings, const std::string& name) {
    const fs::path source = fs::path(settings.quarantineDir()) / fs::path(name).filename();
    if (!fs::is_regular_file(source))
        throw Error("no quarantined object '" + name + "' in " + settings.quarantineDir() +
                    " (list them with: fluoroaudit quarantine)");
    const fs::path spool(settings.spoolDir());
    std::error_code ec;
    fs::create_directories(spool, ec);
    moveFile(source.string(), (spool / source.filename()).string(), ec);
    if (ec) throw Error("cannot move " + source.string() + " back into the spool: " + ec.message());
    fs::remove(source.string() + ".reason", ec);
    fs::remove(spool / "attempts" / source.filename(), ec);
}

} // namespace fa
