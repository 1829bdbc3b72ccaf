// The worker's side of the reply pipe: whole JSON lines, written with one
// write(2) each so the runner never sees a half message from a live worker.
#pragma once

#include <nlohmann/json.hpp>

namespace shootout::worker {

class ReplyChannel {
 public:
  explicit ReplyChannel(int fd);
  bool ok() const;
  // Returns false when the runner is gone (EPIPE); the worker then exits.
  bool send(const nlohmann::json& message);

 private:
  int fd_;
};

}  // namespace shootout::worker
