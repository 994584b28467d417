#include "bench/result_codec.h"

#include <cerrno>
#include <cstring>
#include <type_traits>

#include <unistd.h>

namespace mmdb_bench {
namespace {

static_assert(std::is_trivially_copyable_v<LatencyHistogram>);

class Writer {
 public:
  template <typename T>
  void Pod(const T& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    out_.append(reinterpret_cast<const char*>(&v), sizeof(v));
  }
  void Str(std::string_view s) {
    Pod(static_cast<uint32_t>(s.size()));
    out_.append(s);
  }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  template <typename T>
  bool Pod(T* v) {
    if (in_.size() < sizeof(T)) return false;
    std::memcpy(v, in_.data(), sizeof(T));
    in_.remove_prefix(sizeof(T));
    return true;
  }
  bool Str(std::string* s) {
    uint32_t n = 0;
    if (!Pod(&n) || in_.size() < n) return false;
    s->assign(in_.data(), n);
    in_.remove_prefix(n);
    return true;
  }
  bool done() const { return in_.empty(); }

 private:
  std::string_view in_;
};

bool WriteAll(int fd, const char* p, size_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

bool ReadAll(int fd, char* p, size_t n) {
  while (n > 0) {
    ssize_t r = ::read(fd, p, n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    p += r;
    n -= static_cast<size_t>(r);
  }
  return true;
}

}  // namespace

std::string EncodeResult(const WorkloadResult& r) {
  Writer w;
  w.Str(r.engine);
  w.Str(r.workload);
  w.Pod(r.round);
  w.Pod(r.step);
  w.Pod(r.ops);
  w.Pod(r.found);
  w.Pod(r.bytes);
  w.Pod(r.seconds);
  w.Pod(r.has_latency);
  w.Pod(r.latency);
  w.Pod(r.dir_bytes);
  w.Pod(r.sst_bytes);
  w.Pod(r.user_write_bytes);
  w.Pod(r.io_write_bytes);
  w.Pod(r.peak_rss_bytes);
  w.Pod(static_cast<uint32_t>(r.metrics.size()));
  for (const auto& [name, value] : r.metrics) {
    w.Str(name);
    w.Pod(value);
  }
  w.Str(r.files_per_level);
  w.Str(r.note);
  return w.Take();
}

bool DecodeResult(std::string_view data, WorkloadResult* r) {
  Reader in(data);
  uint32_t metrics = 0;
  bool ok = in.Str(&r->engine) && in.Str(&r->workload) && in.Pod(&r->round) && in.Pod(&r->step) &&
            in.Pod(&r->ops) && in.Pod(&r->found) && in.Pod(&r->bytes) && in.Pod(&r->seconds) &&
            in.Pod(&r->has_latency) && in.Pod(&r->latency) && in.Pod(&r->dir_bytes) &&
            in.Pod(&r->sst_bytes) && in.Pod(&r->user_write_bytes) && in.Pod(&r->io_write_bytes) &&
            in.Pod(&r->peak_rss_bytes) && in.Pod(&metrics);
  if (!ok) return false;
  r->metrics.clear();
  for (uint32_t i = 0; i < metrics; ++i) {
    std::string name;
    double value = 0;
    if (!in.Str(&name) || !in.Pod(&value)) return false;
    r->metrics.emplace_back(std::move(name), value);
  }
  return in.Str(&r->files_per_level) && in.Str(&r->note) && in.done();
}

bool WriteMessage(int fd, MessageType type, std::string_view payload) {
  char header[5];
  header[0] = static_cast<char>(type);
  auto n = static_cast<uint32_t>(payload.size());
  for (int i = 0; i < 4; ++i) header[1 + i] = static_cast<char>((n >> (8 * i)) & 0xff);
  return WriteAll(fd, header, sizeof(header)) && WriteAll(fd, payload.data(), payload.size());
}

bool ReadMessage(int fd, MessageType* type, std::string* payload) {
  char header[5];
  if (!ReadAll(fd, header, sizeof(header))) return false;
  *type = static_cast<MessageType>(header[0]);
  uint32_t n = 0;
  for (int i = 0; i < 4; ++i)
    n |= static_cast<uint32_t>(static_cast<unsigned char>(header[1 + i])) << (8 * i);
  payload->resize(n);
  return ReadAll(fd, payload->data(), n);
}

}  // namespace mmdb_bench
