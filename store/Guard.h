// StudyStore::guarded: the one place where the database library's exceptions become fa::Error
// (store/DatabaseError.h). Included by the store's own sources only.
#pragma once

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

} // namespace fa::store
