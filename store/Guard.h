// StudyStore::guarded: the one place where the database library's exceptions become fa::Error
// (store/DatabaseError.h). Included by the store's own sources only.
#pragma once

#include "store/StudyStore.h"

#include <Poco/Data/Session.h>

namespace fa::store {

template <class F>
auto StudyStore::guarded(F&& f) -> decltype(f()) {
    try {
        recover();
        return f();
    } catch (...) {
        failed("");
    }
}

template <class F>
auto StudyStore::snapshot(F&& read) -> decltype(read()) {
    if (session_->isTransaction()) return read();
    session_->begin();
    try {
        auto result = read();
        session_->commit();
        return result;
    } catch (...) {
        try {
            session_->rollback();
        } catch (...) {
        }
        throw;
    }
}

} // namespace fa::store
