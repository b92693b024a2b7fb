/* gbench.h — a plain C API over Google Benchmark, so every benchmark of the
 * harness is written in C. bench/gbench.cc (the only C++ of the harness) maps
 * it onto benchmark::RegisterBenchmark and benchmark::State.
 *
 * Usage:
 *   gbench_initialize(&argc, argv);           // the whole GB command line works
 *   gbench_register("op/layout/workload/variant", fn, user, &options);
 *   gbench_add_context("cpu_model", "...");
 *   int status = gbench_run();                 // 0, or 1 when a benchmark failed
 *
 * Three outcomes for a benchmark besides a time (GB 1.7.1 has no
 * SkipWithMessage, so all three use State::SkipWithError and are told apart by
 * the message prefix, which also reaches the JSON "error_message"):
 *   gbench_skip   "skipped: <why>"  the variant cannot run here (ISA absent).
 *                 Not a failure.
 *   gbench_error  "<text>"          reported, not timed, not a failure of this
 *                 project (e.g. a peer library that disagrees with the
 *                 reference: "peer-mismatch: ...").
 *   gbench_fail   "FAILED: <why>"   the code under test is wrong. Never timed;
 *                 gbench_run returns non-zero at the end of the run.
 * Call them before the timing loop (gbench_keep_running then returns 0 at
 * once) or after it (the loop's time is discarded: GB reports the error only).
 */
#ifndef UPSIMD_BENCH_GBENCH_H
#define UPSIMD_BENCH_GBENCH_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gbench_state gbench_state; /* one run of one benchmark (opaque) */
typedef void (*gbench_fn)(gbench_state *state, void *user);

typedef enum gbench_unit {
  GBENCH_UNIT_DEFAULT = 0, /* GB's default (ns) */
  GBENCH_UNIT_NS,
  GBENCH_UNIT_US,
  GBENCH_UNIT_MS,
  GBENCH_UNIT_S
} gbench_unit;

typedef struct gbench_options {
  double min_time;        /* seconds; 0 = --benchmark_min_time */
  int64_t iterations;     /* fixed iteration count; 0 = GB decides */
  int repetitions;        /* 0 = --benchmark_repetitions */
  gbench_unit unit;
  int real_time;          /* 0 (default): GB's default clock, process CPU time
                             (the roofline probes use the same clock); 1: wall
                             clock (UseRealTime; GB appends "/real_time" to the
                             name) */
  const int64_t *args;    /* optional benchmark arguments (gbench_arg) */
  size_t n_args;
} gbench_options;

/* Parses and removes GB's flags from argv (like benchmark::Initialize).
 * Returns 0, or 1 when an argument is left that neither we nor GB know. */
int gbench_initialize(int *argc, char **argv);

/* Registers fn(state, user) under `name` (copied). options may be NULL.
 * Returns 0 on success. */
int gbench_register(const char *name, gbench_fn fn, void *user, const gbench_options *options);

/* A key/value pair for the run's context (console header and JSON "context"). */
void gbench_add_context(const char *key, const char *value);

/* Names of counters that are dimensionless ratios (e.g. "roof") but recorded as
 * GBENCH_COUNTER_PER_SECOND: the console shows them without the "/s" unit. */
void gbench_mark_ratio_counter(const char *name);

/* Runs the benchmarks selected by --benchmark_filter. Returns 0 when every run
 * benchmark passed (or was skipped), 1 when any called gbench_fail, 2 when the
 * filter selected nothing. *n_run (may be NULL) gets the number run. */
int gbench_run_count(size_t *n_run);
static inline int gbench_run(void) { return gbench_run_count(NULL); }

/* Replaces --benchmark_filter (a regular expression) for the next run. */
void gbench_set_filter(const char *regex);

/* Whether the registered benchmark `name` is one the next gbench_run runs
 * under the current --benchmark_filter (GB's own rules: "" and "all" select
 * all, a leading '-' negates, else an extended regex searched for in the
 * name GB gives the instance). 0 for a name never registered. Lets a caller
 * prepare only what the selected benchmarks need before GB starts. */
int gbench_selected(const char *name);

/* 1 when --benchmark_list_tests was given: gbench_run prints the selected
 * names and runs nothing. */
int gbench_list_only(void);

/* Failures recorded so far in this process (gbench_fail calls). */
size_t gbench_failure_count(void);

/* Per-benchmark bookkeeping, for tests: how many times the function was
 * called, timed iterations in total, and whether it failed / was skipped.
 * Returns 0 when no benchmark of that name was registered. */
typedef struct gbench_record {
  int64_t calls, iterations;
  int failed, skipped, errored;
} gbench_record;
int gbench_lookup(const char *name, gbench_record *record);

/* ------------------------------------------------------ inside a benchmark */

/* The timing loop: while (gbench_keep_running(s)) { work(); } */
int gbench_keep_running(gbench_state *s);
void gbench_pause_timing(gbench_state *s);
void gbench_resume_timing(gbench_state *s);
int64_t gbench_iterations(const gbench_state *s); /* completed so far */
int64_t gbench_arg(const gbench_state *s, size_t i);

typedef enum gbench_counter_kind {
  GBENCH_COUNTER_PLAIN = 0,   /* shown as given */
  GBENCH_COUNTER_PER_SECOND   /* value is an amount per iteration; shown as
                                 amount * iterations / time (kIsIterationInvariantRate) */
} gbench_counter_kind;
void gbench_counter(gbench_state *s, const char *name, double value, gbench_counter_kind kind);
void gbench_label(gbench_state *s, const char *label);

void gbench_skip(gbench_state *s, const char *why);
void gbench_error(gbench_state *s, const char *message);
void gbench_fail(gbench_state *s, const char *why);

#ifdef __cplusplus
}
#endif

#endif
