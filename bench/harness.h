/* harness.h — what the harness's C files share: deterministic fills, aligned
 * buffers, a clock, the limits probes, the hwloc topology and the workload
 * table (problems as descriptors: problem.h). Internal to bench/. */
#ifndef UPSIMD_BENCH_HARNESS_H
#define UPSIMD_BENCH_HARNESS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "counters.h"
#include "problem.h"
#include "upsimd.h"

/* ------------------------------------------------------------------ utils */

typedef struct bench_rng { uint64_t s; } bench_rng; /* splitmix64 */
uint64_t bench_rng_next(bench_rng *r);
size_t bench_rng_range(bench_rng *r, size_t lo, size_t hi); /* uniform in [lo, hi] */
float bench_rng_uniform(bench_rng *r, float lo, float hi);
void bench_fill_uniform(uint64_t seed, float *p, size_t n, float lo, float hi);
void bench_fill_nan(float *p, size_t n);

/* 64-byte aligned, never NULL for n > 0 unless out of memory. */
void *bench_alloc(size_t bytes);
void bench_free(void *p);

/* The benchmarks' clock: process CPU time (CLOCK_PROCESS_CPUTIME_ID), which is
 * what Google Benchmark reports by default, so probe and benchmark times are
 * measured alike (and time the process is descheduled is not counted). */
double bench_clock_seconds(void);
double bench_median(double *v, size_t n); /* sorts v */

/* ----------------------------------------------------------------- probes */

/* One pass of the streaming probe: read `read_bytes` of src once and write
 * `write_bytes` of dst once (copy the common part, store the rest of dst,
 * load the rest of src). Several implementations exist because none is the
 * fastest everywhere (the C library's memcpy/memset may switch to
 * non-temporal stores at some size; plain vector loops may not); the limit is
 * the fastest of them. */
typedef void (*bench_copy_fn)(const unsigned char *src, size_t read_bytes, unsigned char *dst,
                              size_t write_bytes);
typedef struct bench_copy_impl {
  const char *name;
  bench_copy_fn pass;
} bench_copy_impl;
/* The implementations usable on this CPU; returns their count. */
size_t bench_copy_impls(bench_copy_impl out[8]);
void bench_copy_pass_libc(const unsigned char *src, size_t read_bytes, unsigned char *dst,
                          size_t write_bytes);
void bench_copy_pass_vec128(const unsigned char *src, size_t read_bytes, unsigned char *dst,
                            size_t write_bytes);
/* probe_copy_avx2.c (AVX2 CPUs only): 32-byte stores, cached or non-temporal. */
void bench_copy_pass_avx2(const unsigned char *src, size_t read_bytes, unsigned char *dst,
                          size_t write_bytes);
void bench_copy_pass_avx2_nt(const unsigned char *src, size_t read_bytes, unsigned char *dst,
                             size_t write_bytes);

/* Seconds one pass takes on buffers of exactly these sizes, kept warm the way
 * a benchmark keeps its own buffers: for each implementation the median of 7
 * timed runs, and the fastest implementation wins (*winner, may be NULL).
 * Measured the first time a size is asked for, then reused for the rest of the
 * process. */
double bench_copy_seconds(size_t read_bytes, size_t write_bytes);
double bench_copy_limit(size_t read_bytes, size_t write_bytes, bench_copy_impl *winner);

/* The copy probes probe/copy/{l1,l2,l3,dram}: the bytes of each of the two
 * buffers (read and written). l1, l2, l3: a quarter of that cache (both
 * buffers fill half of it); dram: 4 x L3, at least 64 MiB. Every level is
 * capped at BENCH_COPY_CAP_BYTES and at an eighth of MemAvailable (both
 * buffers: a quarter), so a VM that reports a huge L3 or a 4 GB board does
 * not copy gigabytes at start-up. A cache size of 0 (unknown) reads as 32 KiB,
 * 256 KiB, 8 MiB; mem_available 0 (unknown) leaves only the fixed cap. */
enum { BENCH_COPY_LEVELS = 4 };
#define BENCH_COPY_CAP_BYTES ((size_t)256 << 20)
#define BENCH_COPY_DRAM_MIN_BYTES ((size_t)64 << 20)
typedef struct bench_copy_level {
  const char *level; /* "l1", "l2", "l3", "dram" */
  size_t each;       /* bytes read = bytes written */
} bench_copy_level;
void bench_copy_levels(size_t l1d, size_t l2, size_t l3, size_t mem_available,
                       bench_copy_level out[BENCH_COPY_LEVELS]);
/* MemAvailable of a /proc/meminfo-style file, in bytes; 0 when it has none. */
size_t bench_mem_available(const char *meminfo_path);

/* Single-core FMA-throughput probes, one per vector width. A probe named like
 * an ISA (ups_isa_name: "avx2", "avx512") runs that ISA's vectors; "portable"
 * is 128-bit vectors in plain C. Each is measured once, on first use, as the
 * median of 7 runs. */
typedef struct bench_fma_probe {
  const char *name;     /* the benchmark is probe/fma/<name> */
  const char *chains;   /* for the label, e.g. "16 zmm chains" */
  int bits;             /* vector width */
  double (*run)(int64_t iterations);
  int usable;           /* runs on this CPU and OS */
  const char *why_not;  /* when not usable */
} bench_fma_probe;
size_t bench_fma_probe_count(void);              /* every probe built in, usable or not */
const bench_fma_probe *bench_fma_probe_get(size_t i);
double bench_fma_gflops(const bench_fma_probe *p); /* 0 when not usable */
/* The probe a variant's roof is taken against: the ISA's own (auto: the ISA
 * it resolves to), else its nearest ancestor's, else the default probe. */
const bench_fma_probe *bench_fma_probe_for(ups_isa isa);
/* The default: the AVX2 probe when the library's avx2 variant is usable, else
 * the portable one (what every roof used before the per-width probes; scalar
 * and ISAs without a probe of their own still use it). */
const bench_fma_probe *bench_fma_probe_default(void);
/* The widest usable probe: peers pick their own ISA, so they are held to the
 * best this machine can do. */
const bench_fma_probe *bench_fma_probe_widest(void);
double bench_fma_peak_gflops(void);     /* the default probe's GFLOP/s */
const char *bench_fma_probe_name(void); /* the default's kind: "avx2-fma" or "portable-128bit" */
/* AVX-512F in the CPU and ZMM/opmask state saved by the OS (cpuid + xgetbv). */
int bench_cpu_avx512f_usable(void);

/* Raw probe kernels: run `iterations` rounds; return the FLOPs done. */
double bench_fma_probe_portable(int64_t iterations);
double bench_fma_probe_avx2(int64_t iterations);   /* probe_fma_avx2.c; AVX2 CPUs only */
double bench_fma_probe_avx512(int64_t iterations); /* probe_fma_avx512.c; AVX-512F only */

/* ------------------------------------------------------ N-thread probes */

/* A team of N plain pthreads (probe_threads.c) for the probes of
 * upsimd-bench --threads=N: thread i pinned to pus[i] (-1 or pus NULL: not
 * pinned); the caller is thread 0. bench_team_run releases all N at once on
 * body(ctx, tid, n, reps) and returns the wall-clock seconds from the start
 * barrier to the last thread's end. */
typedef struct bench_team bench_team;
typedef void (*bench_team_fn)(void *ctx, int tid, int n, int64_t reps);
bench_team *bench_team_create(int n, const int *pus);
int bench_team_size(const bench_team *t);
double bench_team_run(bench_team *t, bench_team_fn body, void *ctx, int64_t reps);
void bench_team_destroy(bench_team *t);
/* Reps of body that take ~target seconds; median seconds of one rep. */
int64_t bench_team_calibrate(bench_team *t, bench_team_fn body, void *ctx, double target);
double bench_team_median(bench_team *t, bench_team_fn body, void *ctx, double target, int runs);
double bench_wall_seconds(void); /* CLOCK_MONOTONIC */
/* Thread i's part of `total` bytes out of n, on 64-byte boundaries. */
void bench_slice(size_t total, int n, int i, size_t *off, size_t *len);

/* The N-thread copy: each thread one pass over its own slice of both buffers. */
typedef struct bench_copy_job {
  bench_copy_fn pass;
  const unsigned char *src;
  size_t read_bytes;
  unsigned char *dst;
  size_t write_bytes;
} bench_copy_job;
void bench_copy_team_body(void *job, int tid, int n, int64_t reps);
/* The N-thread FMA probe: ctx is a bench_fma_probe; each thread runs it for
 * BENCH_FMA_TEAM_ROUNDS rounds per rep. */
#define BENCH_FMA_TEAM_ROUNDS 100000
void bench_fma_team_body(void *probe, int tid, int n, int64_t reps);
/* From now on every probe (copy limits, FMA GFLOP/s) is measured on `team`,
 * wall clock (NULL: one thread, process CPU time, as before). Set once,
 * before the first measurement: measurements are cached per process. */
void bench_probes_use_team(bench_team *team);
bench_team *bench_probes_team(void);

/* --------------------------------------------------------------- topology */

typedef struct bench_topology {
  char cpu_model[160];
  char hwloc_version[32];
  int packages, cores, pus;
  size_t l1d_bytes, l2_bytes, l3_bytes; /* of the first cache of each level; 0 = none */
  int pinned_pu;   /* OS index of the PU the calling thread is bound to, -1 when not pinned */
  uint64_t midr;   /* AArch64: MIDR_EL1 of that PU (cpu_model is its name); else 0 */
} bench_topology;

/* Loads the topology with hwloc; pin_pu = -1 pins to the last PU, -2 does not
 * pin, else the PU with that OS index. Returns 0 on success. */
int bench_topology_init(bench_topology *t, int pin_pu);
void bench_topology_add_context(const bench_topology *t);
/* OS indices of one PU on each of `n` distinct cores, the last cores first
 * (the default timing PU is on the last); returns how many were found (< n
 * when the machine has fewer cores). */
int bench_topology_core_pus(int n, int *pus);
/* Binds the calling thread to the union of these PUs (threads it creates
 * afterwards inherit it); n < 0: to every PU (unbinds). Returns 0 on success. */
int bench_bind_thread_pus(const int *pus, int n);
/* ISAs built, usable, AUTO's pick, UPSIMD_ISA, each ISA's parent, the variant
 * whose kernel runs per operator/layout and ISA, topology. */
void bench_print_info(FILE *f, const bench_topology *t);

/* ------------------------------------------------------------ workloads */

enum { BENCH_LAYOUT_NCHW = 1, BENCH_LAYOUT_NHWC = 2, BENCH_LAYOUT_BOTH = 3 };

typedef struct bench_workload {
  const char *name;       /* the workload part of the benchmark name */
  const char *about;      /* model, layer and shape: goes into the label */
  unsigned layouts;       /* BENCH_LAYOUT_* mask */
  int quick;              /* part of the --quick set */
  const char *desc;       /* the problem descriptor, without a layout */
} bench_workload;

size_t bench_workload_count(void);
const bench_workload *bench_workload_get(size_t i);

/* The workload's problem in one layout; the weight layout follows it: NCHW
 * with PyTorch IOHW weights, NHWC with Keras HWOI. */
bench_problem bench_workload_problem(const bench_workload *w, ups_layout layout);

/* --------------------------------------------------------------- running */

/* The whole of upsimd-bench (also called by the tests): parses the harness's
 * own flags and GB's, registers everything, runs. Returns the exit status. */
int bench_main(int argc, char **argv);

#endif
