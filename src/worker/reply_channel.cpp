#include "worker/reply_channel.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "common/fd_io.h"

namespace shootout::worker {

ReplyChannel::ReplyChannel(int fd) : fd_(fd) {}

bool ReplyChannel::ok() const { return fcntl(fd_, F_GETFD) != -1; }

bool ReplyChannel::send(const nlohmann::json& message) {
  return common::write_all(fd_, message.dump() + "\n") == 0;
}

}  // namespace shootout::worker
