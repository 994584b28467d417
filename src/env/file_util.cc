#include <mmdb/env.h>

namespace mmdb {

Status WriteStringToFile(Env* env, std::string_view data, const std::string& path, bool sync) {
  std::unique_ptr<WritableFile> file;
  Status s = env->NewWritableFile(path, &file);
  if (!s.ok()) return s;
  s = file->Append(data);
  if (s.ok() && sync) s = file->Sync();
  Status c = file->Close();
  if (s.ok()) s = c;
  if (!s.ok()) {
    // Best effort: a partial file must not be mistaken for a good one.
    (void)env->RemoveFile(path);
  }
  return s;
}

Status ReadFileToString(Env* env, const std::string& path, std::string* data) {
  data->clear();
  std::unique_ptr<SequentialFile> file;
  Status s = env->NewSequentialFile(path, &file);
  if (!s.ok()) return s;
  std::string scratch(64 << 10, '\0');
  while (true) {
    std::string_view chunk;
    s = file->Read(scratch.size(), &chunk, scratch.data());
    if (!s.ok()) return s;
    if (chunk.empty()) break;
    data->append(chunk);
  }
  return Status::OK();
}

}  // namespace mmdb
