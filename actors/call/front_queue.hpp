#pragma once

// A first-in first-out queue on one vector, for a call actor's outbox and
// its batches awaiting storage. Popping the front is O(1) amortized (the
// consumed head is cut off in blocks; erasing the first element of a
// vector moved every event behind it, quadratic under a backlog), and an
// emptied queue gives its memory back, so an idle actor keeps nothing of
// its last batch (an empty std::deque would hold ~600 B).

#include <cstddef>
#include <utility>
#include <vector>

namespace sb::call {

template <class T>
class front_queue {
public:
  [[nodiscard]] bool empty() const noexcept { return head_ == items_.size(); }
  [[nodiscard]] std::size_t size() const noexcept {
    return items_.size() - head_;
  }
  [[nodiscard]] T& front() { return items_[head_]; }
  [[nodiscard]] const T& front() const { return items_[head_]; }

  void push_back(T value) { items_.push_back(std::move(value)); }

  void pop_front() {
    ++head_;
    if (head_ == items_.size()) {
      std::vector<T>{}.swap(items_);
      head_ = 0;
    } else if (head_ >= compact_after && head_ * 2 >= items_.size()) {
      items_.erase(items_.begin(),
                   items_.begin() + static_cast<std::ptrdiff_t>(head_));
      head_ = 0;
    }
  }

private:
  /// Consumed elements kept before the head is cut off (at least half the
  /// vector by then, so each element moves O(1) times on average).
  static constexpr std::size_t compact_after = 64;

  std::vector<T> items_;
  std::size_t head_ = 0;
};

} // namespace sb::call
