// A value kept on the heap only when there is one: copies copy it, an empty box costs one pointer.
// For what few objects of a kind carry (an irradiation event's geometry: reports have it, the
// 200,000 exposures of a procedure step do not).
#pragma once

#include <memory>

namespace fa {

template <class T>
class Box {
public:
    Box() = default;
    Box(const Box& o) : p_(o.p_ ? std::make_unique<T>(*o.p_) : nullptr) {}
    Box(Box&&) noexcept = default;
    Box& operator=(const Box& o) {
        if (this != &o) p_ = o.p_ ? std::make_unique<T>(*o.p_) : nullptr;
        return *this;
    }
    Box& operator=(Box&&) noexcept = default;

    explicit operator bool() const { return static_cast<bool>(p_); }
    const T* get() const { return p_.get(); }
    const T& operator*() const { return *p_; }
    const T* operator->() const { return p_.get(); }
    // The value, made (default) when there is none yet.
    T& make() {
        if (!p_) p_ = std::make_unique<T>();
        return *p_;
    }

private:
    std::unique_ptr<T> p_;
};

} // namespace fa
