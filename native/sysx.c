// sysx: the few Linux system calls Node does not expose and the engine needs on hot
// paths (layer unpack, container root filesystems): mknod, the l*xattr family, mount,
// umount2; ext4's directory-spreading flag; and a SOCK_SEQPACKET client (conmon's attach socket) with shutdown. Each throws a JS Error with `code` set to the errno name (ENOENT, EPERM, ...).
#define _GNU_SOURCE
#include <errno.h>
#include <node_api.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

#define PATH_BUF 4096

static napi_value throw_errno(napi_env env, int err, const char *syscall, const char *path) {
  char msg[PATH_BUF + 128];
  snprintf(msg, sizeof msg, "%s %s: %s", syscall, path ? path : "", strerror(err));
  napi_value code, message, error;
  napi_create_string_utf8(env, strerrorname_np(err) ? strerrorname_np(err) : "EUNKNOWN", NAPI_AUTO_LENGTH, &code);
  napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &message);
  napi_create_error(env, code, message, &error);
  napi_value errnov;
  napi_create_int32(env, -err, &errnov);
  napi_set_named_property(env, error, "errno", errnov);
  napi_throw(env, error);
  return NULL;
}

static int get_str(napi_env env, napi_value v, char *buf, size_t len) {
  size_t out;
  if (napi_get_value_string_utf8(env, v, buf, len, &out) != napi_ok) {
    napi_throw_type_error(env, NULL, "expected a string");
    return -1;
  }
  if (out >= len - 1) {
    napi_throw_range_error(env, NULL, "string too long");
    return -1;
  }
  return 0;
}

static napi_value undefined(napi_env env) {
  napi_value u;
  napi_get_undefined(env, &u);
  return u;
}

// mknod(path, mode, major, minor)
static napi_value js_mknod(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  char path[PATH_BUF];
  uint32_t mode = 0, maj = 0, min = 0;
  if (argc < 4 || get_str(env, argv[0], path, sizeof path)) return NULL;
  napi_get_value_uint32(env, argv[1], &mode);
  napi_get_value_uint32(env, argv[2], &maj);
  napi_get_value_uint32(env, argv[3], &min);
  if (mknod(path, mode, makedev(maj, min)) != 0) return throw_errno(env, errno, "mknod", path);
  return undefined(env);
}

// lsetxattr(path, name, Buffer value)
static napi_value js_lsetxattr(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  char path[PATH_BUF], name[256];
  void *data = NULL;
  size_t len = 0;
  if (argc < 3 || get_str(env, argv[0], path, sizeof path) || get_str(env, argv[1], name, sizeof name)) return NULL;
  if (napi_get_buffer_info(env, argv[2], &data, &len) != napi_ok) {
    napi_throw_type_error(env, NULL, "value must be a Buffer");
    return NULL;
  }
  if (lsetxattr(path, name, data, len, 0) != 0) return throw_errno(env, errno, "lsetxattr", path);
  return undefined(env);
}

// lgetxattr(path, name) -> Buffer | undefined (when the attribute is absent)
static napi_value js_lgetxattr(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  char path[PATH_BUF], name[256];
  if (argc < 2 || get_str(env, argv[0], path, sizeof path) || get_str(env, argv[1], name, sizeof name)) return NULL;
  ssize_t n = lgetxattr(path, name, NULL, 0);
  if (n < 0) {
    if (errno == ENODATA || errno == ENOTSUP) return undefined(env);
    return throw_errno(env, errno, "lgetxattr", path);
  }
  void *buf;
  napi_value result;
  napi_create_buffer(env, (size_t)n, &buf, &result);
  if (n > 0 && lgetxattr(path, name, buf, (size_t)n) < 0) return throw_errno(env, errno, "lgetxattr", path);
  return result;
}

// llistxattr(path) -> string[]
static napi_value js_llistxattr(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  char path[PATH_BUF];
  if (argc < 1 || get_str(env, argv[0], path, sizeof path)) return NULL;
  napi_value arr;
  napi_create_array(env, &arr);
  ssize_t n = llistxattr(path, NULL, 0);
  if (n < 0) {
    if (errno == ENOTSUP) return arr;
    return throw_errno(env, errno, "llistxattr", path);
  }
  if (n == 0) return arr;
  char *buf = malloc((size_t)n);
  if (!buf) return throw_errno(env, ENOMEM, "llistxattr", path);
  n = llistxattr(path, buf, (size_t)n);
  if (n < 0) {
    int e = errno;
    free(buf);
    return throw_errno(env, e, "llistxattr", path);
  }
  uint32_t i = 0;
  for (char *p = buf; p < buf + n; p += strlen(p) + 1) {
    napi_value s;
    napi_create_string_utf8(env, p, NAPI_AUTO_LENGTH, &s);
    napi_set_element(env, arr, i++, s);
  }
  free(buf);
  return arr;
}

// mount(source, target, fstype, flags, data)
static napi_value js_mount(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  char src[PATH_BUF], target[PATH_BUF], fstype[64];
  char *data = NULL;
  uint32_t flags = 0;
  if (argc < 5 || get_str(env, argv[0], src, sizeof src) || get_str(env, argv[1], target, sizeof target) ||
      get_str(env, argv[2], fstype, sizeof fstype))
    return NULL;
  napi_get_value_uint32(env, argv[3], &flags);
  size_t dlen = 0;
  napi_valuetype t;
  napi_typeof(env, argv[4], &t);
  if (t == napi_string) {
    napi_get_value_string_utf8(env, argv[4], NULL, 0, &dlen);
    data = malloc(dlen + 1);
    napi_get_value_string_utf8(env, argv[4], data, dlen + 1, &dlen);
  }
  int rc = mount(src, target, fstype[0] ? fstype : NULL, flags, data);
  int e = errno;
  free(data);
  if (rc != 0) return throw_errno(env, e, "mount", target);
  return undefined(env);
}

// umount2(target, flags)
static napi_value js_umount2(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  char target[PATH_BUF];
  uint32_t flags = 0;
  if (argc < 1 || get_str(env, argv[0], target, sizeof target)) return NULL;
  if (argc > 1) napi_get_value_uint32(env, argv[1], &flags);
  if (umount2(target, (int)flags) != 0) return throw_errno(env, errno, "umount2", target);
  return undefined(env);
}

// seqpacketConnect(dir, name) -> fd: connects to the SOCK_SEQPACKET socket DIR/NAME. The path
// goes through /proc/self/fd/N (N: DIR opened O_PATH), as podman does, so a DIR longer than
// sun_path allows still works. The fd is blocking and close-on-exec.
static napi_value js_seqpacket_connect(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  char dir[PATH_BUF], name[256];
  if (argc < 2 || get_str(env, argv[0], dir, sizeof dir) || get_str(env, argv[1], name, sizeof name)) return NULL;
  int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return throw_errno(env, errno, "open", dir);
  struct sockaddr_un addr;
  memset(&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  int n = snprintf(addr.sun_path, sizeof addr.sun_path, "/proc/self/fd/%d/%s", dfd, name);
  if (n < 0 || (size_t)n >= sizeof addr.sun_path) {
    close(dfd);
    return throw_errno(env, ENAMETOOLONG, "connect", name);
  }
  int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    int e = errno;
    close(dfd);
    return throw_errno(env, e, "socket", dir);
  }
  if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
    int e = errno;
    close(fd);
    close(dfd);
    return throw_errno(env, e, "connect", dir);
  }
  close(dfd);
  napi_value out;
  napi_create_int32(env, fd, &out);
  return out;
}

// shutdown(fd, how): wakes a read blocked on the socket in another thread (it returns 0).
static napi_value js_shutdown(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t fd = -1, how = SHUT_RDWR;
  if (argc < 1 || napi_get_value_int32(env, argv[0], &fd) != napi_ok) return NULL;
  if (argc > 1) napi_get_value_int32(env, argv[1], &how);
  if (shutdown(fd, how) != 0 && errno != ENOTCONN) return throw_errno(env, errno, "shutdown", NULL);
  return undefined(env);
}

// spreadDirs(path) -> boolean: sets ext2/3/4's "top of directory hierarchies" flag (FS_TOPDIR_FL,
// `chattr +T`) on the directory `path`, so that the allocator places each new subdirectory (and
// the files in it) in a block group chosen afresh, as for a directory under /, instead of next
// to its parent. false where the filesystem has no such flag (tmpfs, xfs, btrfs: ENOTTY and
// the like) or refuses it; the flag only steers placement, so nothing depends on it.
static napi_value js_spread_dirs(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  char path[PATH_BUF];
  if (argc < 1 || get_str(env, argv[0], path, sizeof path)) return NULL;
  int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return throw_errno(env, errno, "open", path);
  int flags = 0;
  bool ok = false;
  if (ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0) {
    if (flags & FS_TOPDIR_FL)
      ok = true;
    else {
      flags |= FS_TOPDIR_FL;
      ok = ioctl(fd, FS_IOC_SETFLAGS, &flags) == 0;
    }
  }
  close(fd);
  napi_value out;
  napi_get_boolean(env, ok, &out);
  return out;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"mknod", NULL, js_mknod, NULL, NULL, NULL, napi_default, NULL},
      {"lsetxattr", NULL, js_lsetxattr, NULL, NULL, NULL, napi_default, NULL},
      {"lgetxattr", NULL, js_lgetxattr, NULL, NULL, NULL, napi_default, NULL},
      {"llistxattr", NULL, js_llistxattr, NULL, NULL, NULL, napi_default, NULL},
      {"mount", NULL, js_mount, NULL, NULL, NULL, napi_default, NULL},
      {"umount2", NULL, js_umount2, NULL, NULL, NULL, napi_default, NULL},
      {"seqpacketConnect", NULL, js_seqpacket_connect, NULL, NULL, NULL, napi_default, NULL},
      {"shutdown", NULL, js_shutdown, NULL, NULL, NULL, napi_default, NULL},
      {"spreadDirs", NULL, js_spread_dirs, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
