// StudyStore::guarded: the one place where the database library's exceptions become fa::Error
// (store/DatabaseError.h). Included by the store's own sources only.
#pragma once

#include "store/Database.h"
#include "store/StudyStore.h"


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
    if (db_->session().isTransaction()) return read();
    db_->session().begin();
    try {
        db_->beginSnapshot();
        auto result = read();
        db_->session().commit();
        return result;
    } catch (...) {
        try {
            db_->session().rollback();
        } catch (...) {
        }
        throw;
    }
}

} // namespace fa::store
