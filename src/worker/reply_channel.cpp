#include "worker/reply_channel.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <string>

namespace shootout::worker {

ReplyChannel::ReplyChannel(int fd) : fd_(fd) {}

bool ReplyChannel::ok() const { return fcntl(fd_, F_GETFD) != -1; }

bool ReplyChannel::send(const nlohmann::json& message) {
  const std::string line = message.dump() + "\n";
  size_t done = 0;
  while (done < line.size()) {
    ssize_t n = write(fd_, line.data() + done, line.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace shootout::worker
