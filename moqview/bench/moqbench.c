/*
 * The C side of moqview's benchmarks: what libmoq costs with no binding at all.
 *
 *   moqbench publish URL PATH SIZE RATE GROUP SECONDS
 *       Publishes the raw track "stamps" of broadcast PATH: SIZE-byte frames,
 *       RATE per second (0: as fast as libmoq takes them), GROUP frames to a
 *       group (one QUIC stream each), for SECONDS. Each payload starts with the wall-clock time of the write
 *       (CLOCK_REALTIME, nanoseconds) and the frame's sequence number.
 *   moqbench consume URL PATH WARMUP SECONDS
 *       Receives that track and measures, over SECONDS after WARMUP seconds of
 *       the first frame: frames, CPU time of the process and the
 *       publish-to-callback delay of each frame.
 *   moqbench lifecycle COUNT
 *       Opens announcement listeners on a local origin and closes them:
 *       close-to-terminal delay of each, then COUNT opened and closed at once.
 *
 * Each mode prints one JSON object on stdout. Built by moqview.bench.native
 * against the same libmoq.a that moqview's binding links.
 */

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "moq.h"

#define TRACK "stamps"
#define MAX_SAMPLES (4 * 1024 * 1024)

static int64_t wall_ns(void) {
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  return (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
}

static int64_t mono_ns(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
}

static double cpu_seconds(void) {
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

static void sleep_until(int64_t mono) {
  struct timespec at = {mono / 1000000000, mono % 1000000000};
  clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at, NULL);
}

static int compare(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

/* Prints "name": [p50, p95, p99] of n nanosecond values (sorted in place), in ms. */
static void print_percentiles(const char *name, int64_t *values, size_t n) {
  if (n == 0) {
    printf("\"%s\": null", name);
    return;
  }
  qsort(values, n, sizeof *values, compare);
  printf("\"%s\": [%.4f, %.4f, %.4f]", name, values[n * 50 / 100] / 1e6,
         values[n * 95 / 100] / 1e6, values[n * 99 / 100] / 1e6);
}

/* A flag that libmoq's thread sets and the main thread waits for. */
typedef struct {
  pthread_mutex_t lock;
  pthread_cond_t changed;
  int32_t value;
  int64_t at_ns;
} signal_t;

static void signal_init(signal_t *s) {
  pthread_mutex_init(&s->lock, NULL);
  pthread_cond_init(&s->changed, NULL);
  s->value = -1000;
  s->at_ns = 0;
}

static void signal_set(signal_t *s, int32_t value) {
  pthread_mutex_lock(&s->lock);
  s->value = value;
  s->at_ns = mono_ns();
  pthread_cond_broadcast(&s->changed);
  pthread_mutex_unlock(&s->lock);
}

static int32_t signal_wait(signal_t *s, int seconds) {
  struct timespec deadline;
  clock_gettime(CLOCK_REALTIME, &deadline);
  deadline.tv_sec += seconds;
  pthread_mutex_lock(&s->lock);
  while (s->value == -1000) {
    if (pthread_cond_timedwait(&s->changed, &s->lock, &deadline) != 0) break;
  }
  int32_t value = s->value;
  pthread_mutex_unlock(&s->lock);
  return value;
}

/* Sessions: the first epoch wakes the main thread; the terminal is ignored. */
static void on_session(void *user_data, int32_t code) {
  if (code > 0) signal_set(user_data, code);
}

static int32_t connect_session(const char *url, int32_t publish, int32_t consume,
                               signal_t *connected) {
  signal_init(connected);
  int32_t session = moq_session_connect(url, strlen(url), NULL, publish, consume,
                                        on_session, connected);
  if (session < 0 || signal_wait(connected, 20) <= 0) {
    fprintf(stderr, "moqbench: no session to %s\n", url);
    exit(1);
  }
  return session;
}

/* ---- publish ------------------------------------------------------------- */

static int publish(const char *url, const char *path, size_t size, long rate,
                   long group_frames, double seconds) {
  int32_t origin = moq_origin_create();
  int32_t broadcast = moq_origin_create_broadcast(origin, path, strlen(path));
  int32_t track = moq_publish_track(broadcast, TRACK, strlen(TRACK), NULL);
  if (broadcast < 0 || track < 0 || moq_publish_announce(broadcast, NULL) < 0) {
    fprintf(stderr, "moqbench: cannot publish %s\n", path);
    return 1;
  }
  signal_t connected;
  int32_t session = connect_session(url, origin, 0, &connected);

  uint8_t *payload = calloc(1, size < 16 ? 16 : size);
  int64_t start = mono_ns(), end = start + (int64_t)(seconds * 1e9);
  uint64_t sent = 0;
  int32_t group = 0;
  while (mono_ns() < end) {
    if (rate > 0) {
      /* Write what is due, then sleep to the next millisecond tick. */
      int64_t due = (mono_ns() - start) * rate / 1000000000 + 1;
      if ((int64_t)sent >= due) {
        sleep_until(start + (int64_t)(sent * 1000000000 / rate));
        continue;
      }
    }
    int64_t stamp = wall_ns();
    memcpy(payload, &stamp, 8);
    memcpy(payload + 8, &sent, 8);
    if (sent % group_frames == 0) {
      if (group > 0) moq_publish_group_finish(group);
      group = moq_publish_track_group(track);
    }
    if (group < 0 || moq_publish_group_frame(group, payload, size, stamp / 1000) < 0)
      break;
    sent++;
  }
  if (group > 0) moq_publish_group_finish(group);

  printf("{\"sent\": %llu, \"seconds\": %.3f}\n", (unsigned long long)sent,
         (mono_ns() - start) / 1e9);
  fflush(stdout);
  moq_publish_track_finish(track);
  moq_publish_close(broadcast);
  moq_session_close(session);
  moq_origin_close(origin);
  free(payload);
  return 0;
}

/* ---- consume ------------------------------------------------------------- */

typedef struct {
  int32_t track;
  int64_t warmup_ns, window_ns;
  int64_t first_ns, window_start_ns, window_end_ns;
  double cpu_start, cpu_end;
  uint64_t frames, first_sequence, last_sequence;
  int64_t *delays;
  signal_t done;
} consumer_t;

static void on_frame(void *user_data, int32_t code) {
  consumer_t *c = user_data;
  if (code <= 0) {
    signal_set(&c->done, code);
    return;
  }
  moq_frame frame;
  int64_t now = wall_ns();
  int read = moq_consume_track_frame(code, &frame);
  if (read >= 0 && frame.payload_size >= 16 && c->window_end_ns == 0) {
    int64_t stamp;
    uint64_t sequence;
    memcpy(&stamp, frame.payload, 8);
    memcpy(&sequence, frame.payload + 8, 8);
    int64_t mono = mono_ns();
    if (c->first_ns == 0) c->first_ns = mono;
    if (c->window_start_ns == 0 && mono - c->first_ns >= c->warmup_ns) {
      c->window_start_ns = mono;
      c->cpu_start = cpu_seconds();
      c->first_sequence = sequence;
    }
    if (c->window_start_ns != 0) {
      if (c->frames < MAX_SAMPLES) c->delays[c->frames] = now - stamp;
      c->frames++;
      c->last_sequence = sequence;
      if (mono - c->window_start_ns >= c->window_ns) {
        c->window_end_ns = mono;
        c->cpu_end = cpu_seconds();
        moq_consume_track_cancel(c->track);
      }
    }
  }
  moq_consume_track_frame_free(code);
}

static void on_broadcast(void *user_data, int32_t code) {
  if (code > 0) signal_set(user_data, code);
}

static int consume(const char *url, const char *path, double warmup, double seconds) {
  int32_t origin = moq_origin_create();
  signal_t connected, available;
  int32_t session = connect_session(url, 0, origin, &connected);

  signal_init(&available);
  int32_t wait = moq_origin_announced_broadcast(origin, path, strlen(path),
                                                on_broadcast, &available);
  int32_t broadcast = signal_wait(&available, 20);
  if (wait < 0 || broadcast <= 0) {
    fprintf(stderr, "moqbench: %s was not announced\n", path);
    return 1;
  }

  static consumer_t c;
  c.warmup_ns = (int64_t)(warmup * 1e9);
  c.window_ns = (int64_t)(seconds * 1e9);
  c.delays = malloc(sizeof(int64_t) * MAX_SAMPLES);
  signal_init(&c.done);
  /* Keep every group: the point is to see each frame, however late. */
  moq_subscription subscription = {0};
  subscription.max_age_us = 60 * 1000000ull;
  c.track = moq_consume_track(broadcast, TRACK, strlen(TRACK), &subscription,
                              on_frame, &c);
  if (c.track < 0) {
    fprintf(stderr, "moqbench: cannot consume %s\n", TRACK);
    return 1;
  }
  signal_wait(&c.done, (int)(warmup + seconds) + 30);

  double window = (c.window_end_ns - c.window_start_ns) / 1e9;
  size_t kept = c.frames < MAX_SAMPLES ? c.frames : MAX_SAMPLES;
  printf("{\"frames\": %llu, \"seconds\": %.4f, \"cpu_s\": %.5f, "
         "\"skipped\": %llu, ",
         (unsigned long long)c.frames, window, c.cpu_end - c.cpu_start,
         (unsigned long long)(c.last_sequence - c.first_sequence + 1 - c.frames));
  print_percentiles("delay_ms", c.delays, kept);
  printf("}\n");
  fflush(stdout);

  moq_origin_announced_broadcast_cancel(wait);
  moq_consume_close(broadcast);
  moq_session_close(session);
  moq_origin_close(origin);
  return 0;
}

/* ---- lifecycle ----------------------------------------------------------- */

typedef struct {
  signal_t terminal;
} listener_t;

static pthread_mutex_t count_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t count_changed = PTHREAD_COND_INITIALIZER;
static long terminals;

static void on_announced(void *user_data, int32_t code) {
  if (code > 0) {
    moq_origin_announced_free(code);
    return;
  }
  signal_set(user_data, code);
  pthread_mutex_lock(&count_lock);
  terminals++;
  pthread_cond_broadcast(&count_changed);
  pthread_mutex_unlock(&count_lock);
}

static int lifecycle(long count) {
  int32_t origin = moq_origin_create();
  long singles = count < 2000 ? count : 2000;
  int64_t *delays = malloc(sizeof(int64_t) * singles);
  listener_t *listeners = calloc(count, sizeof *listeners);

  /* One at a time: close, then wait for the terminal callback. */
  for (long i = 0; i < singles; i++) {
    signal_init(&listeners[i].terminal);
    int32_t id = moq_origin_announced(origin, "", 0, NULL, 0, on_announced,
                                      &listeners[i].terminal);
    int64_t asked = mono_ns();
    moq_origin_announced_cancel(id);
    signal_wait(&listeners[i].terminal, 10);
    delays[i] = listeners[i].terminal.at_ns - asked;
  }

  /* All at once: open COUNT, close them all, wait for every terminal. */
  pthread_mutex_lock(&count_lock);
  terminals = 0;
  pthread_mutex_unlock(&count_lock);
  int32_t *ids = malloc(sizeof(int32_t) * count);
  int64_t start = mono_ns();
  for (long i = 0; i < count; i++) {
    signal_init(&listeners[i].terminal);
    ids[i] = moq_origin_announced(origin, "", 0, NULL, 0, on_announced,
                                  &listeners[i].terminal);
  }
  for (long i = 0; i < count; i++) moq_origin_announced_cancel(ids[i]);
  pthread_mutex_lock(&count_lock);
  while (terminals < count) pthread_cond_wait(&count_changed, &count_lock);
  pthread_mutex_unlock(&count_lock);
  double elapsed = (mono_ns() - start) / 1e9;

  printf("{");
  print_percentiles("close_ms", delays, singles);
  printf(", \"per_second\": %.1f, \"count\": %ld}\n", count / elapsed, count);
  fflush(stdout);
  moq_origin_close(origin);
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 8 && strcmp(argv[1], "publish") == 0) {
    long group_frames = strtol(argv[6], NULL, 10);
    return publish(argv[2], argv[3], strtoul(argv[4], NULL, 10),
                   strtol(argv[5], NULL, 10), group_frames > 0 ? group_frames : 1,
                   atof(argv[7]));
  }
  if (argc == 6 && strcmp(argv[1], "consume") == 0)
    return consume(argv[2], argv[3], atof(argv[4]), atof(argv[5]));
  if (argc == 3 && strcmp(argv[1], "lifecycle") == 0)
    return lifecycle(strtol(argv[2], NULL, 10));
  fprintf(stderr,
          "usage: moqbench publish URL PATH SIZE RATE GROUP SECONDS\n"
          "       moqbench consume URL PATH WARMUP SECONDS\n"
          "       moqbench lifecycle COUNT\n");
  return 2;
}
