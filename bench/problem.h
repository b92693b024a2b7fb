/* problem.h — problem descriptors: one line of text names one resize or
 * deconvolution problem with every parameter a framework layer has, e.g.
 *
 *   deconv nhwc n1 ic64 oc64 ih64 iw64 k4 s2 p1 bias
 *   nearest nchw n1 c256 ih20 iw20 s2 asymmetric floor
 *   upconv nchw n1 ic512 oc512 ih64 iw64 f2 k3 p1 nearest bias
 *
 * Parsed here for upsimd-bench and upsimd-check (--problem, --batch) and for
 * the built-in workloads (bench/workloads.c), so every shape has one source.
 * The grammar is in README.md ("Benchmark harness", "Problem descriptors").
 * The parser checks the syntax only; values are validated by the library
 * (bench_problem_validate), so a descriptor means what the API call means. */
#ifndef UPSIMD_BENCH_PROBLEM_H
#define UPSIMD_BENCH_PROBLEM_H

#include <stddef.h>

#include "upsimd.h"

typedef enum bench_op { BENCH_NEAREST, BENCH_BILINEAR, BENCH_DECONV, BENCH_UPCONV } bench_op;
const char *bench_op_name(bench_op op);

typedef struct bench_problem {
  bench_op op;
  ups_resize_params resize; /* nearest and bilinear (isa = AUTO) */
  ups_deconv_params deconv; /* deconv (isa = AUTO) */
  ups_upconv_params upconv; /* upconv (isa = AUTO) */
  int bias;                 /* deconv, upconv: 1 = a bias of out_c floats */
} bench_problem;

/* Longest canonical form (and longest descriptor line) the tools accept. */
enum { BENCH_PROBLEM_TEXT_MAX = 512 };

/* Parses one descriptor into *p (fully overwritten, zero padding included, so
 * problems compare with memcmp). Returns 0, or -1 with a message naming the
 * offending token in err (cap bytes). */
int bench_problem_parse(const char *text, bench_problem *p, char *err, size_t cap);

/* The canonical form: the same problem as a descriptor with every field that
 * matters spelled out and defaults that carry no information left out (see
 * README.md). parse(format(p)) == p. Returns the length (truncated at cap). */
size_t bench_problem_format(const bench_problem *p, char *buf, size_t cap);

/* The canonical form after "<op> <layout> " with spaces as '-': the workload
 * part of a benchmark name, e.g. "n1-ic64-oc64-ih64-iw64-k4-s2-p1-bias". */
size_t bench_problem_slug(const bench_problem *p, char *buf, size_t cap);

ups_layout bench_problem_layout(const bench_problem *p);

/* Sets the activation layout; a deconv's weight layout follows it (NCHW:
 * PyTorch IOHW, NHWC: Keras HWOI), as an omitted weight layout does, and an
 * upconv's (NCHW: PyTorch Conv2d OIHW, NHWC: Keras Conv2D HWIO). */
void bench_problem_set_layout(bench_problem *p, ups_layout layout);

/* The library's verdict on the problem: UPS_OK, or the status every call on
 * it returns (all parameters checked, tensors aside). */
ups_status bench_problem_validate(const bench_problem *p);

/* "UPS_ERR_PARAM" etc., for messages next to ups_status_string. */
const char *bench_status_name(ups_status s);

/* ------------------------------------------------------------ lists */

/* What --problem and --batch collect, in order (duplicates dropped). */
typedef struct bench_problem_list {
  bench_problem *items;
  size_t count, cap;
} bench_problem_list;

/* Adds one descriptor. 0, or -1 with err set. */
int bench_problem_list_add(bench_problem_list *l, const char *text, char *err, size_t cap);

/* Adds every descriptor of a batch file: one per line; '#' starts a comment;
 * blank lines are skipped. 0, or -1 with err = "FILE:LINE: message". */
int bench_problem_list_load(bench_problem_list *l, const char *path, char *err, size_t cap);

void bench_problem_list_free(bench_problem_list *l);

/* The command-line options both tools share: argv[*i] is "--problem DESC",
 * "--problem=DESC", "--batch FILE" or "--batch=FILE". Returns 1 when it was
 * one (consumed, *i advanced past its value), 0 when not, -1 on an error
 * (err set: a bad descriptor, an unreadable file or a missing value). */
int bench_problem_option(bench_problem_list *l, int argc, char **argv, int *i, char *err,
                         size_t cap);

#endif
