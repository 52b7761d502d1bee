/*
 * multinet-spawner: runs CNI plugins for a Node process that asks over a pipe.
 *
 * Node's child_process forks, and a fork copies the page tables of the whole (large) runtime
 * process; this helper is small and starts plugins with posix_spawn (clone(CLONE_VM|CLONE_VFORK)
 * in glibc), so the cost of a plugin call does not grow with the embedding process.
 *
 * Protocol (little-endian u32 unless noted), on stdin / stdout:
 *   request : len, type=1, id, timeout_ms, grace_ms, max_out, path, env_count, env..., stdin
 *   cancel  : len, type=2, id
 *   held    : as request with type=3 and an empty stdin: the plugin starts now, its stdin waits
 *   stdin   : len, type=4, id, stdin (for a held run, whose timeout starts now; ignored for
 *             one that has ended)
 *   response: len, id, status_kind (0 exited, 1 signaled, 2 spawn error), status (code, signal
 *             or errno), flags (1 timed out, 2 output too large, 4 aborted), stdout, stderr
 * where a string is a u32 length then bytes. When stdin closes (the parent is gone), every plugin
 * still running gets its grace_ms to finish, then SIGKILL to its group, and the helper exits with
 * the last of them: nothing it started outlives its parent by more than the grace.
 * An inherited fd 3 (the driver's state-dir lock) is passed on to every plugin.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_CHILDREN 256

typedef struct {
  char *data;
  size_t len, cap;
} buf_t;

typedef struct {
  int used;
  uint32_t id;
  pid_t pid;
  int in_fd, out_fd, err_fd;
  buf_t input;
  size_t input_off;
  buf_t out, err;
  uint32_t max_out;
  int64_t deadline, kill_at;
  uint32_t grace_ms;
  int exited, status, flags;
  int held; /* started with type 3: stdin not written (nor polled) until its type 4 comes */
  uint32_t timeout_ms; /* a held run's deadline starts when its stdin comes */
} child_t;

static child_t children[MAX_CHILDREN];
static buf_t request_buf, response_buf;
static int sigchld_pipe[2];

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void buf_append(buf_t *b, const void *data, size_t len) {
  if (b->len + len > b->cap) {
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + len) cap *= 2;
    b->data = realloc(b->data, cap);
    if (!b->data) _exit(70);
    b->cap = cap;
  }
  memcpy(b->data + b->len, data, len);
  b->len += len;
}

static void put_u32(buf_t *b, uint32_t v) { buf_append(b, &v, 4); }
static uint32_t get_u32(const char *p) { uint32_t v; memcpy(&v, p, 4); return v; }

static void on_sigchld(int sig) {
  (void)sig;
  int saved = errno;
  ssize_t ignored = write(sigchld_pipe[1], "c", 1);
  (void)ignored;
  errno = saved;
}

static void set_nonblock(int fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); }

/* Set once the parent is gone: answers are dropped, and the loop ends with the last plugin. */
static int orphaned = 0;

/* The parent is gone (its end of a pipe closed, reset, or broken): nothing we started may outlive
   it for long. A plugin still running gets its grace to finish, then SIGKILL to its group (the
   main loop's kill_at): killed at once, at a random moment, an IPAM plugin can be cut between
   creating a lease file and writing its owner into it (host-local does exactly that), a lease no
   DEL can find again. */
static void parent_gone(void) {
  if (orphaned) return;
  orphaned = 1;
  int64_t now = now_ms();
  for (int k = 0; k < MAX_CHILDREN; k++) {
    child_t *c = &children[k];
    if (!c->used || c->exited) continue;
    /* A held plugin has not had its config: it has done nothing, and dies now. */
    int64_t at = c->held ? now : now + c->grace_ms;
    if (!c->kill_at || c->kill_at > at) c->kill_at = at;
  }
}

static void flush_responses(void) {
  if (orphaned) { response_buf.len = 0; return; }
  size_t off = 0;
  while (off < response_buf.len) {
    ssize_t n = write(1, response_buf.data + off, response_buf.len - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) {
        struct pollfd p = {1, POLLOUT, 0};
        poll(&p, 1, 1000);
        continue;
      }
      parent_gone();
      response_buf.len = 0;
      return;
    }
    off += (size_t)n;
  }
  response_buf.len = 0;
}

static void respond(uint32_t id, uint32_t kind, int32_t status, uint32_t flags, buf_t *out, buf_t *err) {
  uint32_t len = 4 * 5 + (uint32_t)out->len + 4 + (uint32_t)err->len;
  put_u32(&response_buf, len);
  put_u32(&response_buf, id);
  put_u32(&response_buf, kind);
  put_u32(&response_buf, (uint32_t)status);
  put_u32(&response_buf, flags);
  put_u32(&response_buf, (uint32_t)out->len);
  buf_append(&response_buf, out->data, out->len);
  put_u32(&response_buf, (uint32_t)err->len);
  buf_append(&response_buf, err->data, err->len);
}

static void close_fd(int *fd) {
  if (*fd >= 0) close(*fd);
  *fd = -1;
}

/* SAFETY: once the leader is reaped its pid is free. While any member of its group lives the
   kernel never hands that pid out again (it is in use as a pgid), so kill(-pid) reaches only our
   group; a process that now has that pid means the group is gone and the pid was reused by
   someone else, whose group must not be killed. */
static void kill_group(child_t *c, int sig) {
  if (c->pid <= 0) return;
  if (c->exited) {
    char proc[32];
    snprintf(proc, sizeof proc, "/proc/%d", (int)c->pid);
    if (access(proc, F_OK) == 0) return;
  }
  kill(-c->pid, sig);
}

/* A daemon the plugin left (setsid, so outside its group) that still holds the write end of the
   pipe `fd` reads from: every other process with that pipe open gets SIGKILL. Only a process our
   plugin started can hold it. */
static void kill_pipe_holders(int fd) {
  char self[64], link[64];
  snprintf(self, sizeof self, "/proc/self/fd/%d", fd);
  ssize_t n = readlink(self, link, sizeof link - 1);
  if (n <= 0) return;
  link[n] = 0;
  DIR *proc = opendir("/proc");
  if (!proc) return;
  pid_t me = getpid();
  struct dirent *p;
  while ((p = readdir(proc))) {
    char *end;
    long pid = strtol(p->d_name, &end, 10);
    if (*end || pid <= 0 || pid == me) continue;
    char dir[64];
    snprintf(dir, sizeof dir, "/proc/%ld/fd", pid);
    DIR *fds = opendir(dir);
    if (!fds) continue;
    struct dirent *f;
    int holds = 0;
    while (!holds && (f = readdir(fds))) {
      if (f->d_name[0] == '.') continue;
      char path[384], target[64];
      snprintf(path, sizeof path, "%s/%s", dir, f->d_name);
      ssize_t m = readlink(path, target, sizeof target - 1);
      if (m > 0) {
        target[m] = 0;
        holds = strcmp(target, link) == 0;
      }
    }
    closedir(fds);
    if (holds) kill((pid_t)pid, SIGKILL);
  }
  closedir(proc);
}

static void start_kill(child_t *c, int flag) {
  c->flags |= flag;
  if (c->kill_at) return;
  kill_group(c, SIGTERM);
  c->kill_at = now_ms() + c->grace_ms;
}

static void finish(child_t *c) {
  uint32_t kind = WIFSIGNALED(c->status) ? 1 : 0;
  int32_t status = WIFSIGNALED(c->status) ? WTERMSIG(c->status) : WEXITSTATUS(c->status);
  if (c->flags) kill_group(c, SIGKILL); /* leftovers of a killed group die now */
  respond(c->id, kind, status, (uint32_t)c->flags, &c->out, &c->err);
  close_fd(&c->in_fd);
  close_fd(&c->out_fd);
  close_fd(&c->err_fd);
  free(c->input.data);
  free(c->out.data);
  free(c->err.data);
  memset(c, 0, sizeof *c);
}

static void start_child(const char *p, const char *end, int held) {
  uint32_t id = get_u32(p), timeout_ms = get_u32(p + 4), grace_ms = get_u32(p + 8), max_out = get_u32(p + 12);
  p += 16;
  uint32_t path_len = get_u32(p);
  char *path = strndup(p + 4, path_len);
  p += 4 + path_len;
  uint32_t env_count = get_u32(p);
  p += 4;
  char **envp = calloc(env_count + 1, sizeof *envp);
  for (uint32_t i = 0; i < env_count && p < end; i++) {
    uint32_t l = get_u32(p);
    envp[i] = strndup(p + 4, l);
    p += 4 + l;
  }
  uint32_t in_len = get_u32(p);
  const char *in_data = p + 4;

  child_t *c = NULL;
  for (int i = 0; i < MAX_CHILDREN; i++)
    if (!children[i].used) { c = &children[i]; break; }
  buf_t empty = {0};
  int in_pipe[2] = {-1, -1}, out_pipe[2] = {-1, -1}, err_pipe[2] = {-1, -1};
  int err = 0;
  if (!c) err = EAGAIN;
  else if (pipe2(in_pipe, O_CLOEXEC) || pipe2(out_pipe, O_CLOEXEC) || pipe2(err_pipe, O_CLOEXEC)) err = errno;
  pid_t pid = -1;
  if (!err) {
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    sigset_t none, defaults;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in_pipe[0], 0);
    posix_spawn_file_actions_adddup2(&fa, out_pipe[1], 1);
    posix_spawn_file_actions_adddup2(&fa, err_pipe[1], 2);
    posix_spawnattr_init(&attr);
    sigemptyset(&none);
    sigfillset(&defaults);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_USEVFORK);
    char *argv[] = {path, NULL};
    err = posix_spawn(&pid, path, &fa, &attr, argv, envp);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
  }
  close_fd(&in_pipe[0]);
  close_fd(&out_pipe[1]);
  close_fd(&err_pipe[1]);
  if (err) {
    close_fd(&in_pipe[1]);
    close_fd(&out_pipe[0]);
    close_fd(&err_pipe[0]);
    respond(id, 2, err, 0, &empty, &empty);
  } else {
    memset(c, 0, sizeof *c);
    c->used = 1;
    c->id = id;
    c->pid = pid;
    c->in_fd = in_pipe[1];
    c->out_fd = out_pipe[0];
    c->err_fd = err_pipe[0];
    set_nonblock(c->in_fd);
    set_nonblock(c->out_fd);
    set_nonblock(c->err_fd);
    buf_append(&c->input, in_data, in_len);
    c->held = held;
    c->timeout_ms = timeout_ms;
    if (in_len == 0 && !held) close_fd(&c->in_fd);
    c->max_out = max_out;
    c->grace_ms = grace_ms;
    /* A held run has no deadline until its stdin comes: its caller settles it (stdin or cancel). */
    c->deadline = held ? INT64_MAX : now_ms() + timeout_ms;
  }
  for (uint32_t i = 0; i < env_count; i++) free(envp[i]);
  free(envp);
  free(path);
}

static void handle_requests(void) {
  size_t off = 0;
  while (request_buf.len - off >= 4) {
    uint32_t len = get_u32(request_buf.data + off);
    if (request_buf.len - off - 4 < len) break;
    const char *p = request_buf.data + off + 4;
    uint32_t type = get_u32(p);
    if (type == 1 || type == 3) start_child(p + 4, p + len, type == 3);
    else if (type == 4) {
      uint32_t id = get_u32(p + 4), in_len = len >= 12 ? get_u32(p + 8) : 0;
      if (len < 12 || in_len > len - 12) in_len = 0;
      for (int i = 0; i < MAX_CHILDREN; i++) {
        child_t *c = &children[i];
        if (!c->used || c->id != id || !c->held) continue;
        c->held = 0;
        if (!c->kill_at) c->deadline = now_ms() + c->timeout_ms;
        buf_append(&c->input, p + 12, in_len);
        if (in_len == 0) close_fd(&c->in_fd);
      }
    } else if (type == 2) {
      uint32_t id = get_u32(p + 4);
      for (int i = 0; i < MAX_CHILDREN; i++)
        if (children[i].used && children[i].id == id) start_kill(&children[i], 4);
    }
    off += 4 + len;
  }
  memmove(request_buf.data, request_buf.data + off, request_buf.len - off);
  request_buf.len -= off;
}

static void drain(child_t *c, int *fd, buf_t *b) {
  char chunk[65536];
  for (;;) {
    ssize_t n = read(*fd, chunk, sizeof chunk);
    if (n > 0) {
      size_t room = b->len < c->max_out ? c->max_out - b->len : 0;
      buf_append(b, chunk, (size_t)n < room ? (size_t)n : room);
      if ((size_t)n > room) { start_kill(c, 2); close_fd(fd); return; }
      continue;
    }
    if (n == 0) close_fd(fd);
    else if (errno == EINTR) continue;
    return;
  }
}

int main(void) {
  if (pipe2(sigchld_pipe, O_CLOEXEC | O_NONBLOCK)) return 1;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_sigchld;
  sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
  sigaction(SIGCHLD, &sa, NULL);
  signal(SIGPIPE, SIG_IGN);
  int stdin_open = 1;
  struct pollfd fds[2 + 3 * MAX_CHILDREN];
  child_t *owner[2 + 3 * MAX_CHILDREN];
  for (;;) {
    int n = 0;
    int active = 0;
    if (stdin_open) { fds[n] = (struct pollfd){0, POLLIN, 0}; owner[n++] = NULL; }
    fds[n] = (struct pollfd){sigchld_pipe[0], POLLIN, 0};
    owner[n++] = NULL;
    int64_t now = now_ms(), wait = 1000;
    for (int i = 0; i < MAX_CHILDREN; i++) {
      child_t *c = &children[i];
      if (!c->used) continue;
      active++;
      if (c->in_fd >= 0 && !c->held) { fds[n] = (struct pollfd){c->in_fd, POLLOUT, 0}; owner[n++] = c; }
      if (c->out_fd >= 0) { fds[n] = (struct pollfd){c->out_fd, POLLIN, 0}; owner[n++] = c; }
      if (c->err_fd >= 0) { fds[n] = (struct pollfd){c->err_fd, POLLIN, 0}; owner[n++] = c; }
      int64_t next = c->kill_at ? c->kill_at : c->deadline;
      if (next - now < wait) wait = next - now < 0 ? 0 : next - now;
    }
    if (!stdin_open && active == 0) return 0;
    poll(fds, (nfds_t)n, (int)wait);
    for (int i = 0; i < n; i++) {
      if (!fds[i].revents) continue;
      if (fds[i].fd == 0) {
        char chunk[65536];
        ssize_t r = read(0, chunk, sizeof chunk);
        if (r > 0) { buf_append(&request_buf, chunk, (size_t)r); handle_requests(); }
        else if (r == 0 || (errno != EINTR && errno != EAGAIN)) { parent_gone(); stdin_open = 0; }
      } else if (fds[i].fd == sigchld_pipe[0]) {
        char drainbuf[64];
        while (read(sigchld_pipe[0], drainbuf, sizeof drainbuf) > 0) {}
      } else {
        child_t *c = owner[i];
        if (!c || !c->used) continue;
        if (fds[i].fd == c->in_fd) {
          ssize_t w = write(c->in_fd, c->input.data + c->input_off, c->input.len - c->input_off);
          if (w > 0) c->input_off += (size_t)w;
          if (c->input_off >= c->input.len || (w < 0 && errno != EAGAIN && errno != EINTR)) close_fd(&c->in_fd);
        } else if (fds[i].fd == c->out_fd) drain(c, &c->out_fd, &c->out);
        else if (fds[i].fd == c->err_fd) drain(c, &c->err_fd, &c->err);
      }
    }
    int status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
      for (int i = 0; i < MAX_CHILDREN; i++)
        if (children[i].used && children[i].pid == pid) { children[i].exited = 1; children[i].status = status; }
    }
    now = now_ms();
    for (int i = 0; i < MAX_CHILDREN; i++) {
      child_t *c = &children[i];
      if (!c->used) continue;
      /* An exited plugin is never a timeout: its deadline only bounds the drain below. */
      if (!c->exited && !c->kill_at && now >= c->deadline) start_kill(c, 1);
      if (c->kill_at && now >= c->kill_at) kill_group(c, SIGKILL);
      if (c->exited) {
        if (c->flags) {
          /* Killed (timeout, cancel, output cap): a daemon it left must not outlive it either. */
          if (c->out_fd >= 0) kill_pipe_holders(c->out_fd);
          if (c->err_fd >= 0) kill_pipe_holders(c->err_fd);
          close_fd(&c->out_fd);
          close_fd(&c->err_fd);
        }
        if (c->out_fd >= 0) drain(c, &c->out_fd, &c->out);
        if (c->err_fd >= 0) drain(c, &c->err_fd, &c->err);
        /* A daemonized grandchild may hold the pipes: once the plugin exited, read what is
           there for a moment (250 ms, as the execa executor), then kill whoever still holds
           them, close them and answer. */
        if (c->out_fd >= 0 || c->err_fd >= 0) {
          if (c->deadline - now > 250) c->deadline = now + 250;
          if (now >= c->deadline) {
            if (c->out_fd >= 0) kill_pipe_holders(c->out_fd);
            if (c->err_fd >= 0) kill_pipe_holders(c->err_fd);
            close_fd(&c->out_fd);
            close_fd(&c->err_fd);
          }
        }
        if (c->out_fd < 0 && c->err_fd < 0) finish(c);
      }
    }
    flush_responses();
  }
}
