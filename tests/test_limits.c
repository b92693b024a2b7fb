/* test_limits.c — size limits at their exact boundaries, and proof that a size
 * the library rejects is rejected before anything is allocated.
 *
 * (test_errors.c reaches every status once with a passing neighbour; this file
 * sweeps the boundaries systematically.) Every float count must satisfy
 * count * sizeof(float) <= PTRDIFF_MAX, i.e. count <= LIM = PTRDIFF_MAX / 4
 * (2^61 - 1 on LP64, a prime: only one factor can carry it). For each limit:
 *
 * - the largest accepted value gives UPS_OK from ups_*_output_size, the next
 *   one UPS_ERR_OVERFLOW;
 * - every split of 2^61 = LIM + 1 over two fields of a product overflows, and
 *   2^a * (2^b - 1) just below it fits;
 * - every OVERFLOW case also goes through the real entry points (nearest,
 *   bilinear, deconv, upconv, the plan creates) of every variant with tiny real buffers
 *   flush against guard pages: UPS_ERR_OVERFLOW, no allocation at all (the
 *   library's malloc/calloc/realloc/posix_memalign/aligned_alloc are wrapped
 *   at link time and counted), nothing written;
 * - the resize coordinate tables: a byte count one past SIZE_MAX is
 *   UPS_ERR_OVERFLOW, the one at SIZE_MAX is a (failing) allocation,
 *   UPS_ERR_NOMEM;
 * - successful calls free whatever they allocate; plan runs (deconv, resize,
 *   upconv) allocate nothing, with and without a pool: nearest and bilinear plans in
 *   both layouts and deconv plans of the GEMM and PHASES paths, run alone,
 *   with a NULL pool, on an engine pool (whose parallel-for must be asked
 *   for several tasks) and on the default pool when the build has one;
 * - index width: resizes whose input has more than INT32_MAX columns or rows
 *   (no int32 index tables), or exactly INT32_MAX, or whose NHWC column
 *   offsets x*c pass INT32_MAX, on sparse inputs of 8-12 GB of address space
 *   (MAP_NORESERVE; only the sampled neighbourhoods are written), agree with
 *   the reference in every variant and read nothing outside the input. */
#define _DEFAULT_SOURCE
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "testutil.h"

/* Its deliberate huge allocations must come back NULL (UPS_ERR_NOMEM). */
TU_ASAN_ALLOW_NULL_ALLOCATIONS()

/* ------------------------------------------------------------ allocation counting */

/* Linked with -Wl,--wrap=malloc,... (tests/CMakeLists.txt): every allocation
 * in this executable, the static library included, comes through here. */
void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t s);
void *__real_realloc(void *p, size_t n);
int __real_posix_memalign(void **p, size_t a, size_t n);
void *__real_aligned_alloc(size_t a, size_t n);
void __real_free(void *p);

/* attempts: every call (a rejected size must not even try); allocs: the
 * successful ones, to be balanced by frees. */
static long attempts, allocs, frees;

static void *counted(void *p) {
  attempts++;
  if (p) allocs++;
  return p;
}
void *__wrap_malloc(size_t n) { return counted(__real_malloc(n)); }
void *__wrap_calloc(size_t n, size_t s) { return counted(__real_calloc(n, s)); }
void *__wrap_realloc(void *p, size_t n) {
  void *q = __real_realloc(p, n);
  attempts++;
  if (q && !p) allocs++; /* a resize of a live block is not a new one */
  return q;
}
int __wrap_posix_memalign(void **p, size_t a, size_t n) {
  const int r = __real_posix_memalign(p, a, n);
  attempts++;
  if (r == 0) allocs++;
  return r;
}
void *__wrap_aligned_alloc(size_t a, size_t n) { return counted(__real_aligned_alloc(a, n)); }
void __wrap_free(void *p) {
  if (p) frees++;
  __real_free(p);
}

/* ------------------------------------------------------------ buffers */

#define LIM ((size_t)PTRDIFF_MAX / sizeof(float))

/* Tiny real tensors, each flush against a guard page, NaN-filled. */
enum { TINY = 16 };
static tu_guarded g_in, g_w, g_b, g_out;
static float *t_in, *t_w, *t_b, *t_out;
static unsigned char canary[TINY * sizeof(float)];

static void buffers_init(void) {
  t_in = tu_guarded_alloc(&g_in, TINY * sizeof(float), 1);
  t_w = tu_guarded_alloc(&g_w, TINY * sizeof(float), 1);
  t_b = tu_guarded_alloc(&g_b, TINY * sizeof(float), 1);
  t_out = tu_guarded_alloc(&g_out, TINY * sizeof(float), 1);
  if (!t_in || !t_w || !t_b || !t_out) abort();
  tu_rng r = {7};
  tu_fill(&r, t_in, TINY, -1.0f, 1.0f);
  tu_fill(&r, t_w, TINY, -1.0f, 1.0f);
  tu_fill(&r, t_b, TINY, -1.0f, 1.0f);
  tu_fill_nan(t_out, TINY);
  memcpy(canary, t_out, sizeof canary);
}

static ups_isa isas[1 + UPS_ISA_MAX]; /* AUTO, then tu_isas */
static int ni;

/* After a rejected call: no allocation tried since a0, the output untouched. */
static void rejected_untouched(long a0, const char *what) {
  TU_EXPECT(attempts == a0, "%s: %ld allocations tried before UPS_ERR_OVERFLOW", what,
            attempts - a0);
  TU_EXPECT(memcmp(t_out, canary, sizeof canary) == 0, "%s: output written", what);
}

/* ------------------------------------------------------------ resize */

/* p must give UPS_ERR_OVERFLOW from every entry point of every variant, with
 * no allocation and nothing written. */
static void resize_overflows(const ups_resize_params *p0, const char *what) {
  size_t h, w;
  ups_resize_params p = *p0;
  long a0 = attempts;
  ups_status st = ups_resize_output_size(&p, &h, &w);
  TU_EXPECT(st == UPS_ERR_OVERFLOW, "%s: output_size gives %s", what, ups_status_string(st));
  for (int k = 0; k < ni; k++) {
    p.isa = isas[k];
    st = ups_resize_nearest_f32(&p, t_in, t_out);
    TU_EXPECT(st == UPS_ERR_OVERFLOW, "%s: nearest %s gives %s", what, ups_isa_name(isas[k]),
              ups_status_string(st));
    st = ups_resize_bilinear_f32(&p, t_in, t_out);
    TU_EXPECT(st == UPS_ERR_OVERFLOW, "%s: bilinear %s gives %s", what, ups_isa_name(isas[k]),
              ups_status_string(st));
    for (int op = UPS_OP_NEAREST; op <= UPS_OP_BILINEAR; op++) {
      ups_resize_plan *plan = NULL;
      st = ups_resize_plan_create(&p, (ups_operator)op, &plan);
      TU_EXPECT(st == UPS_ERR_OVERFLOW && plan == NULL, "%s: resize plan_create %s gives %s",
                what, ups_isa_name(isas[k]), ups_status_string(st));
    }
  }
  rejected_untouched(a0, what);
}

static void resize_fits(const ups_resize_params *p, const char *what) {
  size_t h, w;
  const ups_status st = ups_resize_output_size(p, &h, &w);
  TU_EXPECT(st == UPS_OK, "%s: %s", what, ups_status_string(st));
}

static void test_resize_limits(void) {
  ups_resize_params one = {0}, p;
  one.n = one.c = one.in_h = one.in_w = one.out_h = one.out_w = 1;
  char what[128];
  /* Each of the 8 size fields alone: LIM fits, LIM + 1 and SIZE_MAX do not.
   * (An input field also counts in the input; n and c count in both.) */
  size_t *fields[6] = {&p.n, &p.c, &p.in_h, &p.in_w, &p.out_h, &p.out_w};
  const char *names[6] = {"n", "c", "in_h", "in_w", "out_h", "out_w"};
  for (int f = 0; f < 6; f++) {
    p = one;
    *fields[f] = LIM;
    snprintf(what, sizeof what, "%s = LIM", names[f]);
    resize_fits(&p, what);
    const size_t over[3] = {LIM + 1, SIZE_MAX / 2 + 1, SIZE_MAX};
    for (int o = 0; o < 3; o++) {
      *fields[f] = over[o];
      snprintf(what, sizeof what, "%s = %zu", names[f], over[o]);
      resize_overflows(&p, what);
    }
  }
  /* Every split of 2^61 over two fields of the same count (input: n, c,
   * in_h, in_w; output: n, c, out_h, out_w), and the largest fit below. */
  for (int f1 = 0; f1 < 6; f1++)
    for (int f2 = f1 + 1; f2 < 6; f2++) {
      const int in1 = f1 >= 2 && f1 <= 3, in2 = f2 >= 2 && f2 <= 3;
      const int out1 = f1 >= 4, out2 = f2 >= 4;
      if ((in1 && out2) || (out1 && in2)) continue; /* not in one product */
      for (int a = 1; a <= 60; a++) {
        p = one;
        *fields[f1] = (size_t)1 << a;
        *fields[f2] = ((size_t)1 << (61 - a)) - 1;
        snprintf(what, sizeof what, "%s = 2^%d, %s = 2^%d - 1", names[f1], a, names[f2], 61 - a);
        resize_fits(&p, what);
        *fields[f2] = (size_t)1 << (61 - a);
        snprintf(what, sizeof what, "%s * %s = 2^%d * 2^%d", names[f1], names[f2], a, 61 - a);
        resize_overflows(&p, what);
        /* A product that wraps size_t to exactly 0 or to 1. */
        *fields[f2] = (size_t)1 << (64 - a);
        snprintf(what, sizeof what, "%s * %s wraps to 0", names[f1], names[f2]);
        resize_overflows(&p, what);
      }
    }
  /* Derived sizes, floor(in * scale) in double, stop at 2^53 (exact). */
  p = one;
  p.out_w = 0;
  p.scale_w = 4.0f;
  p.in_w = ((size_t)1 << 51) - 1;
  resize_fits(&p, "derived 4 * (2^51 - 1)");
  p.in_w = (size_t)1 << 51;
  resize_overflows(&p, "derived 4 * 2^51 = 2^53");
  p.scale_w = 0.5f;
  p.in_w = ((size_t)1 << 54) - 2;
  resize_fits(&p, "derived (2^54 - 2) / 2");
  p.in_w = (size_t)1 << 54;
  resize_overflows(&p, "derived 2^54 / 2 = 2^53");
  /* Every out field overflowing through the scale. */
  p = one;
  p.out_h = 0;
  p.scale_h = 3.4e38f;
  resize_overflows(&p, "derived out_h = FLT_MAX");

  /* The coordinate tables: one block of (out_h + out_w) * per bytes, per =
   * 12 (nearest) or 28 (bilinear) on LP64 (kernels/resize.c; update `per`
   * when that layout changes). At SIZE_MAX / per entries it is a real,
   * impossible allocation: UPS_ERR_NOMEM, nothing leaked; one entry more and
   * the byte count overflows: UPS_ERR_OVERFLOW without allocating. */
#if SIZE_MAX > 0xffffffffu
  const size_t per[2] = {sizeof(size_t) + sizeof(int32_t),
                         2 * sizeof(size_t) + 2 * sizeof(float) + sizeof(int32_t)};
  /* The declared output is enormous: put it above the input so that the
   * ranges do not overlap (else UPS_ERR_ALIAS would come first). */
  const float *lo_in = t_in < t_out ? t_in : t_out;
  float *hi_out = t_in < t_out ? t_out : t_in;
  float keep[2][TINY];
  memcpy(keep[0], lo_in, sizeof keep[0]);
  memcpy(keep[1], hi_out, sizeof keep[1]);
  for (int b = 0; b < 2; b++) {
    const size_t tmax = SIZE_MAX / per[b];
    for (int k = 0; k < ni; k++) {
      p = one;
      p.isa = isas[k];
      p.out_w = tmax - 1; /* out_h + out_w = tmax */
      long a0 = allocs, f0 = frees;
      ups_status st = b ? ups_resize_bilinear_f32(&p, lo_in, hi_out)
                        : ups_resize_nearest_f32(&p, lo_in, hi_out);
      TU_EXPECT(st == UPS_ERR_NOMEM, "%s %s tables of SIZE_MAX/%zu entries: %s",
                b ? "bilinear" : "nearest", ups_isa_name(isas[k]), per[b],
                ups_status_string(st));
      TU_EXPECT(allocs - a0 == frees - f0, "NOMEM path leaks");
      p.out_w = tmax; /* one entry more: the byte count overflows */
      a0 = attempts;
      st = b ? ups_resize_bilinear_f32(&p, lo_in, hi_out)
             : ups_resize_nearest_f32(&p, lo_in, hi_out);
      TU_EXPECT(st == UPS_ERR_OVERFLOW, "%s %s tables of SIZE_MAX/%zu + 1 entries: %s",
                b ? "bilinear" : "nearest", ups_isa_name(isas[k]), per[b],
                ups_status_string(st));
      TU_EXPECT(attempts == a0, "table overflow tried to allocate");
    }
  }
  TU_EXPECT(memcmp(keep[0], lo_in, sizeof keep[0]) == 0 &&
                memcmp(keep[1], hi_out, sizeof keep[1]) == 0,
            "tables: a buffer was written");
#endif
}

/* ------------------------------------------------------------ deconv */

/* Every entry point of op must refuse p (an operator's parameters) with
 * UPS_ERR_OVERFLOW, on every variant, with and without bias, allocating and
 * writing nothing. */
static void conv_overflows(const ups_conv_op *op, const void *p, const char *what) {
  size_t h, w;
  ups_conv_params q;
  memcpy(&q, p, op->params_size);
  long a0 = attempts;
  ups_status st = op->output_size(&q, &h, &w);
  TU_EXPECT(st == UPS_ERR_OVERFLOW, "%s: output_size gives %s", what, ups_status_string(st));
  for (int k = 0; k < ni; k++) {
    op->set_isa(&q, isas[k]);
    for (int bias = 0; bias <= 1; bias++) {
      st = op->run(&q, t_in, t_w, bias ? t_b : NULL, t_out);
      TU_EXPECT(st == UPS_ERR_OVERFLOW, "%s: %s %s gives %s", what, op->name,
                ups_isa_name(isas[k]), ups_status_string(st));
      void *plan = NULL;
      st = op->plan_create(&q, t_w, bias ? t_b : NULL, &plan);
      TU_EXPECT(st == UPS_ERR_OVERFLOW && plan == NULL, "%s: plan_create %s gives %s", what,
                ups_isa_name(isas[k]), ups_status_string(st));
    }
  }
  rejected_untouched(a0, what);
}

static void conv_fits(const ups_conv_op *op, const void *p, const char *what) {
  size_t h, w;
  const ups_status st = op->output_size(p, &h, &w);
  TU_EXPECT(st == UPS_OK, "%s: %s", what, ups_status_string(st));
}

/* A field of p (op's parameters) at its limit: *field = over - 1 fits, over
 * overflows (what, printf-style, names the over case; " - 1" is appended for
 * the other). */
static void conv_edge(const ups_conv_op *op, void *p, size_t *field, size_t over,
                      const char *fmt, const char *axis) {
  char what[160], what_fits[168];
  snprintf(what, sizeof what, fmt, axis);
  snprintf(what_fits, sizeof what_fits, "%s - 1", what);
  *field = over - 1;
  conv_fits(op, p, what_fits);
  *field = over;
  conv_overflows(op, p, what);
}

static void test_deconv_limits(void) {
  ups_deconv_params one = {0}, d;
  one.n = one.in_c = one.out_c = one.in_h = one.in_w = one.kernel_h = one.kernel_w = 1;
  char what[160];
  /* Per axis, the ptrdiff_t geometry limits (kernels index iy*stride +
   * ky*dilation - pad in ptrdiff_t): in*stride, kernel*dilation and every pad
   * <= LIM. in = 2 so the stride really moves the taps. */
  for (int axis = 0; axis < 2; axis++) {
    const char *ax = axis ? "w" : "h";
    size_t *in = axis ? &d.in_w : &d.in_h, *s = axis ? &d.stride_w : &d.stride_h;
    size_t *k = axis ? &d.kernel_w : &d.kernel_h, *dl = axis ? &d.dilation_w : &d.dilation_h;
    d = one;
    *in = 2; /* 2 * (2^60 - 1) = LIM - 1 fits, 2 * 2^60 = 2^61 does not */
    conv_edge(&ups_conv_deconv, &d, s, LIM / 2 + 1, "in_%s 2 * stride 2^60", ax);
    d = one;
    *k = 2;
    conv_edge(&ups_conv_deconv, &d, dl, LIM / 2 + 1, "kernel_%s 2 * dilation 2^60", ax);
    /* Pads: an output of 3*2^60 - 2 before cropping (in 2, stride and dilation
     * 2^60 - 1, kernel 2, output padding 2^60 - 2), so a pad of LIM still
     * leaves a positive size. */
    for (int end = 0; end <= 1; end++) {
      d = one;
      *in = 2;
      *s = ((size_t)1 << 60) - 1;
      *k = 2;
      *dl = ((size_t)1 << 60) - 1;
      *(axis ? &d.out_pad_w : &d.out_pad_h) = ((size_t)1 << 60) - 2;
      size_t *pad = axis ? (end ? &d.pad_right : &d.pad_left) : (end ? &d.pad_bottom : &d.pad_top);
      const char *pn = axis ? (end ? "pad_right" : "pad_left") : (end ? "pad_bottom" : "pad_top");
      *pad = LIM;
      snprintf(what, sizeof what, "%s = LIM", pn);
      size_t oh, ow;
      const ups_status st = ups_deconv_output_size(&d, &oh, &ow);
      TU_EXPECT(st == UPS_OK && (axis ? ow : oh) == 3 * ((size_t)1 << 60) - 3 - LIM, "%s: %s",
                what, ups_status_string(st));
      *pad = LIM + 1;
      snprintf(what, sizeof what, "%s = LIM + 1", pn);
      conv_overflows(&ups_conv_deconv, &d, what);
    }
  }
  /* Counts: input n*in_c*in_h*in_w, output n*out_c*out_h*out_w, weights
   * in_c*(out_c/groups)*kh*kw; every split of 2^61 over two fields. */
  typedef struct split { size_t *a, *b; const char *na, *nb; } split;
  const split splits[] = {
      {&d.n, &d.in_c, "n", "in_c"},         {&d.in_c, &d.in_h, "in_c", "in_h"},
      {&d.in_h, &d.in_w, "in_h", "in_w"},   {&d.n, &d.out_c, "n", "out_c"},
      {&d.out_c, &d.in_w, "out_c", "in_w"}, {&d.in_c, &d.kernel_h, "in_c", "kernel_h"},
      {&d.out_c, &d.kernel_w, "out_c", "kernel_w"},
  };
  for (size_t i = 0; i < sizeof splits / sizeof splits[0]; i++)
    for (int a = 1; a <= 60; a += 1) {
      d = one;
      *splits[i].a = (size_t)1 << a;
      *splits[i].b = ((size_t)1 << (61 - a)) - 1;
      /* A big kernel would grow the output: crop it back to 1. */
      d.pad_top = d.kernel_h - 1;
      d.pad_left = d.kernel_w - 1;
      snprintf(what, sizeof what, "%s 2^%d * %s 2^%d - 1", splits[i].na, a, splits[i].nb, 61 - a);
      conv_fits(&ups_conv_deconv, &d, what);
      *splits[i].b = (size_t)1 << (61 - a);
      d.pad_top = d.kernel_h - 1;
      d.pad_left = d.kernel_w - 1;
      snprintf(what, sizeof what, "%s 2^%d * %s 2^%d", splits[i].na, a, splits[i].nb, 61 - a);
      conv_overflows(&ups_conv_deconv, &d, what);
    }
  /* The weight count divides out_c by groups. */
  d = one;
  d.in_c = 4;
  d.out_c = (size_t)1 << 60;
  d.groups = 4; /* weights 4 * 2^58 = 2^60 */
  conv_fits(&ups_conv_deconv, &d, "weights 4 * 2^60/4");
  d.groups = 2; /* 4 * 2^59 = 2^61 */
  conv_overflows(&ups_conv_deconv, &d, "weights 4 * 2^60/2");
}


/* ------------------------------------------------------------ index width */

/* A sparse input of `elems` floats between two PROT_NONE pages; zero except
 * where set. */
typedef struct sparse { unsigned char *map; size_t map_bytes; float *ptr; } sparse;

static int sparse_alloc(sparse *s, size_t elems) {
  const size_t page = (size_t)sysconf(_SC_PAGESIZE);
  const size_t data = (elems * sizeof(float) + page - 1) / page * page;
  s->map_bytes = data + 2 * page;
  void *m = mmap(NULL, s->map_bytes, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (m == MAP_FAILED) return 0;
  s->map = m;
  mprotect(s->map, page, PROT_NONE);
  mprotect(s->map + page + data, page, PROT_NONE);
  /* Flush against the guard page after it. */
  s->ptr = (float *)(s->map + page + data) - elems;
  return 1;
}

/* Index windows [lo, hi) around the input coordinate each output reads:
 * asymmetric x*in/out or half-pixel (x+0.5)*in/out-0.5, +- 1024 (the float
 * ratio of a 2^31 axis is off by up to ~2^7 elements over the axis). */
enum { WIN = 1024, MAXOUT = 64 };
static size_t windows(size_t in, size_t out, int half_pixel, size_t lo[MAXOUT],
                      size_t hi[MAXOUT]) {
  size_t n = 0;
  for (size_t o = 0; o < out && n < MAXOUT; o++) {
    double x = half_pixel ? ((double)o + 0.5) * (double)in / (double)out - 0.5
                          : (double)o * (double)in / (double)out;
    if (x < 0) x = 0;
    const size_t c = (size_t)x;
    lo[n] = c > WIN ? c - WIN : 0;
    hi[n] = c + WIN < in ? c + WIN : in;
    n++;
  }
  return n;
}

static float value_of(size_t i) { return (float)((i * 2654435761u) % 1000003u) / 1000003.0f + 0.5f; }

static void big_resize(ups_layout layout, size_t c, size_t in_h, size_t in_w, size_t out_h,
                       size_t out_w, const char *what) {
  const size_t elems = c * in_h * in_w;
  sparse s;
  if (!sparse_alloc(&s, elems)) {
    printf("index width: %s: no %zu GB of address space here; skipped\n", what,
           elems * sizeof(float) >> 30);
    return;
  }
  for (int bilinear = 0; bilinear <= 1; bilinear++) {
    size_t ylo[MAXOUT], yhi[MAXOUT], xlo[MAXOUT], xhi[MAXOUT];
    const size_t ny = windows(in_h, out_h, bilinear, ylo, yhi);
    const size_t nx = windows(in_w, out_w, bilinear, xlo, xhi);
    for (size_t a = 0; a < ny; a++)
      for (size_t y = ylo[a]; y < yhi[a]; y++)
        for (size_t b = 0; b < nx; b++)
          for (size_t x = xlo[b]; x < xhi[b]; x++)
            for (size_t ch = 0; ch < c; ch++) {
              const size_t i = layout == UPS_NHWC ? (y * in_w + x) * c + ch
                                                  : (ch * in_h + y) * in_w + x;
              s.ptr[i] = value_of(i);
            }
    ups_resize_params p = {0};
    p.layout = layout;
    p.n = 1;
    p.c = c;
    p.in_h = in_h;
    p.in_w = in_w;
    p.out_h = out_h;
    p.out_w = out_w;
    p.coord = bilinear ? UPS_COORD_HALF_PIXEL : UPS_COORD_ASYMMETRIC;
    p.round = UPS_ROUND_FLOOR;
    float out[MAXOUT * MAXOUT * 3];
    for (int k = 1; k < ni; k++) { /* every variant (isas[0] is AUTO) */
      p.isa = isas[k];
      tu_fill_nan(out, c * out_h * out_w);
      ups_status st = bilinear ? ups_resize_bilinear_f32(&p, s.ptr, out)
                               : ups_resize_nearest_f32(&p, s.ptr, out);
      TU_EXPECT(st == UPS_OK, "%s %s %s: %s", what, bilinear ? "bilinear" : "nearest",
                ups_isa_name(isas[k]), ups_status_string(st));
      if (st != UPS_OK) continue;
      ups_check_result r;
      st = bilinear ? ups_check_bilinear(&p, s.ptr, out, &r) : ups_check_nearest(&p, s.ptr, out, &r);
      TU_EXPECT(st == UPS_OK && r.failures == 0,
                "%s %s %s: %zu of %zu wrong, first %zu got %g want %g", what,
                bilinear ? "bilinear" : "nearest", ups_isa_name(isas[k]), r.failures, r.count,
                r.first_bad, (double)r.first_got, (double)r.first_want);
      /* The windows hold the data: the result is not trivially all zero. */
      size_t nonzero = 0;
      for (size_t i = 0; i < c * out_h * out_w; i++) nonzero += out[i] != 0.0f;
      TU_EXPECT(nonzero == c * out_h * out_w, "%s: %zu of %zu outputs read zero", what,
                c * out_h * out_w - nonzero, c * out_h * out_w);
    }
  }
  munmap(s.map, s.map_bytes);
}

static void test_index_width(void) {
  const size_t I32 = (size_t)INT32_MAX;
  big_resize(UPS_NCHW, 1, 1, I32 + 6, 1, 37, "nchw in_w = 2^31 + 5");
  big_resize(UPS_NCHW, 1, 1, I32, 1, 45, "nchw in_w = INT32_MAX");
  big_resize(UPS_NCHW, 1, I32 + 4, 1, 29, 3, "nchw in_h = 2^31 + 3");
  big_resize(UPS_NHWC, 1, 1, I32 + 6, 1, 37, "nhwc c 1 in_w = 2^31 + 5");
  big_resize(UPS_NHWC, 3, 1, ((size_t)1 << 30) + 7, 1, 41, "nhwc c 3 in_w = 2^30 + 7");
  big_resize(UPS_NHWC, 3, ((size_t)1 << 30) + 3, 1, 23, 2, "nhwc c 3 in_h = 2^30 + 3");
}

/* ------------------------------------------------------------ no leaks */

/* ------------------------------------------------------------ upconv */

/* The upsampled size factor*in, the output pads and the transposed kernel
 * they make (factor + pads beyond the span) at their float-count limit. */
static void test_upconv_limits(void) {
  ups_upconv_params one = {0}, u;
  one.n = one.in_c = one.out_c = one.in_h = one.in_w = one.kernel_h = one.kernel_w = 1;
  char what[160];
  for (int axis = 0; axis < 2; axis++) {
    const char *ax = axis ? "w" : "h";
    size_t *in = axis ? &u.in_w : &u.in_h, *f = axis ? &u.factor_w : &u.factor_h;
    size_t *pe = axis ? &u.pad_right : &u.pad_bottom;
    u = one;
    *in = 2; /* 2 * (2^60 - 1) = LIM - 1 fits, 2 * 2^60 = 2^61 does not */
    conv_edge(&ups_conv_upconv, &u, f, LIM / 2 + 1, "in_%s 2 * factor 2^60", ax);
    u = one; /* LIM - 1: output LIM, kernel LIM taps */
    conv_edge(&ups_conv_upconv, &u, pe, LIM, "pad end %s LIM", ax);
  }
  /* 2^61 output floats split over the two factors; 2^a * (2^b - 1) fits. */
  for (int a = 1; a < 61; a += 6) {
    u = one;
    u.factor_h = (size_t)1 << a;
    u.factor_w = (size_t)1 << (61 - a);
    snprintf(what, sizeof what, "factors 2^%d * 2^%d", a, 61 - a);
    conv_overflows(&ups_conv_upconv, &u, what);
    u.factor_w -= 1;
    snprintf(what, sizeof what, "factors 2^%d * (2^%d - 1)", a, 61 - a);
    conv_fits(&ups_conv_upconv, &u, what);
  }
  /* conv weights out_c * in_c/groups * kh * kw */
  u = one;
  u.out_c = (size_t)1 << 31;
  u.in_c = (size_t)1 << 30;
  u.pad_bottom = u.pad_right = 1;
  u.kernel_h = 2;
  conv_overflows(&ups_conv_upconv, &u, "conv weights 2^31 * 2^30 * 2");
}

static void serial_for(void *ctx, ups_task_fn task, void *task_ctx, size_t n);

static void test_balanced(void) {
  for (int k = 0; k < ni; k++) {
    ups_resize_params p = {0};
    p.n = 1;
    p.c = 3;
    p.in_h = 2;
    p.in_w = 2;
    p.out_h = 2;
    p.out_w = 5;
    p.isa = isas[k];
    float out[30];
    long a0 = allocs, f0 = frees;
    TU_EXPECT(ups_resize_nearest_f32(&p, t_in, out) == UPS_OK, "small nearest");
    TU_EXPECT(ups_resize_bilinear_f32(&p, t_in, out) == UPS_OK, "small bilinear");
    TU_EXPECT(allocs - a0 == frees - f0, "resize %s leaks", ups_isa_name(isas[k]));
    /* Resize plans: the tables at create, nothing at run (small tables and
     * large ones, which a one-shot call allocates), all freed by destroy. */
    for (int op = UPS_OP_NEAREST; op <= UPS_OP_BILINEAR; op++)
      for (int big = 0; big <= 1; big++) {
        ups_resize_params q = p;
        q.c = 1;
        q.out_w = big ? 3000 : 5;
        /* Static: GCC takes malloc for the builtin, which touches no global,
         * and may move the count's reads across a malloc here. */
        static float o[2 * 3000];
        a0 = allocs;
        f0 = frees;
        ups_resize_plan *rplan = NULL;
        TU_EXPECT(ups_resize_plan_create(&q, (ups_operator)op, &rplan) == UPS_OK, "resize plan");
        const long tried = attempts;
        TU_EXPECT(ups_resize_plan_run(rplan, t_in, o) == UPS_OK, "resize plan run");
        TU_EXPECT(ups_resize_plan_run_pool(rplan, t_in, o, NULL) == UPS_OK, "run_pool NULL");
        TU_EXPECT(attempts == tried, "resize plan_run %s op %d out_w %zu allocates (%ld)",
                  ups_isa_name(isas[k]), op, q.out_w, attempts - tried);
        ups_resize_plan_destroy(rplan);
        TU_EXPECT(allocs - a0 == frees - f0, "resize plan %s: %ld allocations, %ld frees",
                  ups_isa_name(isas[k]), allocs - a0, frees - f0);
      }
    ups_deconv_params d = {0};
    d.n = d.in_h = d.in_w = 1;
    d.in_c = 2;
    d.out_c = 2;
    d.kernel_h = d.kernel_w = 2;
    d.stride_h = d.stride_w = 2;
    d.isa = isas[k];
    d.weight_layout = UPS_W_HWOI;
    a0 = allocs;
    f0 = frees;
    TU_EXPECT(ups_deconv_f32(&d, t_in, t_w, t_b, out) == UPS_OK, "small deconv");
    ups_deconv_plan *plan = NULL;
    TU_EXPECT(ups_deconv_plan_create(&d, t_w, NULL, &plan) == UPS_OK, "plan");
    const long tried = attempts;
    TU_EXPECT(ups_deconv_plan_run(plan, t_in, out) == UPS_OK, "plan run");
    TU_EXPECT(attempts == tried, "plan_run allocates (%ld)", attempts - tried);
    ups_deconv_plan_destroy(plan);
    TU_EXPECT(allocs - a0 == frees - f0, "deconv %s: %ld allocations, %ld frees",
              ups_isa_name(isas[k]), allocs - a0, frees - f0);
    /* Upconv: transform and pack at create, nothing at run. */
    ups_upconv_params u = {0};
    u.n = u.in_h = u.in_w = 1;
    u.in_c = u.out_c = 2;
    u.factor_h = u.factor_w = 2;
    u.kernel_h = u.kernel_w = 2; /* 16 weights: TINY */
    u.pad_top = u.pad_left = 1;
    u.isa = isas[k];
    a0 = allocs;
    f0 = frees;
    TU_EXPECT(ups_upconv_f32(&u, t_in, t_w, t_b, out) == UPS_OK, "small upconv");
    ups_upconv_plan *uplan = NULL;
    TU_EXPECT(ups_upconv_plan_create(&u, t_w, t_b, &uplan) == UPS_OK, "upconv plan");
    const long utried = attempts;
    TU_EXPECT(ups_upconv_plan_run(uplan, t_in, out) == UPS_OK, "upconv plan run");
    TU_EXPECT(ups_upconv_plan_run_pool(uplan, t_in, out, NULL) == UPS_OK, "upconv run_pool");
    TU_EXPECT(attempts == utried, "upconv plan_run allocates (%ld)", attempts - utried);
    ups_upconv_plan_destroy(uplan);
    TU_EXPECT(allocs - a0 == frees - f0, "upconv %s: %ld allocations, %ld frees",
              ups_isa_name(isas[k]), allocs - a0, frees - f0);
    /* Bilinear: plan_run allocates its workspace (and frees it); run_ws with
     * the caller's workspace allocates nothing, with or without a pool. */
    u.mode = UPS_OP_BILINEAR;
    ups_pool *pool = NULL;
    TU_EXPECT(ups_pool_create_engine(serial_for, NULL, 2, &pool) == UPS_OK, "pool");
    a0 = allocs;
    f0 = frees;
    TU_EXPECT(ups_upconv_f32(&u, t_in, t_w, t_b, out) == UPS_OK, "small bilinear upconv");
    uplan = NULL;
    TU_EXPECT(ups_upconv_plan_create(&u, t_w, t_b, &uplan) == UPS_OK, "bilinear plan");
    size_t wsb = 0;
    float ws[256]; /* the ringed 1 x 2 x 3 x 3 input and the border bands */
    TU_EXPECT(ups_upconv_plan_workspace_size(uplan, &wsb) == UPS_OK && wsb >= 18 * sizeof(float) &&
                  wsb <= sizeof ws,
              "bilinear workspace %zu", wsb);
    long btried = attempts;
    TU_EXPECT(ups_upconv_plan_run(uplan, t_in, out) == UPS_OK, "bilinear plan run");
    TU_EXPECT(attempts == btried + 1, "bilinear plan_run: %ld allocations, want 1",
              attempts - btried);
    btried = attempts;
    TU_EXPECT(ups_upconv_plan_run_ws(uplan, t_in, out, ws, wsb, NULL) == UPS_OK, "run_ws");
    TU_EXPECT(ups_upconv_plan_run_ws(uplan, t_in, out, ws, wsb, pool) == UPS_OK,
              "run_ws pool");
    TU_EXPECT(attempts == btried, "bilinear run_ws allocates (%ld)", attempts - btried);
    ups_upconv_plan_destroy(uplan);
    TU_EXPECT(allocs - a0 == frees - f0, "bilinear upconv %s: %ld allocations, %ld frees",
              ups_isa_name(isas[k]), allocs - a0, frees - f0);
    ups_pool_destroy(pool);
  }
}

/* ------------------------------------------------------------ plan runs on pools */

/* The engine pool: the tasks on the calling thread, last first; counts the
 * calls that were cut into several tasks. */
static long split_calls;
static void serial_for(void *ctx, ups_task_fn task, void *task_ctx, size_t n) {
  (void)ctx;
  if (n > 1) split_calls++;
  for (size_t i = n; i-- > 0;) task(task_ctx, i);
}

/* Problems large enough for a pool to cut (a task gets a few microseconds
 * of work): resize 4 x 8 x 8 -> 64 x 512, deconv 16 x 16 inputs. */
enum { PR_C = 4, PR_IN = PR_C * 8 * 8, PR_OUT = PR_C * 64 * 512 };
enum { PD_IN = 64 * 16 * 16, PD_W = 64 * 32 * 4 * 4, PD_OUT = 32 * 32 * 32 };

static void test_pool_runs(void) {
  ups_pool *pools[3] = {NULL, NULL, NULL}; /* NULL, engine, default */
  TU_EXPECT(ups_pool_create_engine(serial_for, NULL, 3, &pools[1]) == UPS_OK, "engine pool");
  const ups_status ds = ups_pool_create_default(2, &pools[2]);
  TU_EXPECT(ds == UPS_OK || ds == UPS_ERR_UNSUPPORTED, "default pool: %s", ups_status_string(ds));
  if (ds != UPS_OK) {
    pools[2] = NULL;
    puts("limits: no default pool in this build: plan runs on an engine pool only");
  }
  const int npools = pools[2] ? 3 : 2;
  float *in = malloc(PD_IN * sizeof(float)), *w = malloc(PD_W * sizeof(float));
  float *out = malloc(PR_OUT * sizeof(float));
  TU_EXPECT(in && w && out, "malloc");
  if (!in || !w || !out) return;
  tu_rng r = {11};
  tu_fill(&r, in, PD_IN, -1.0f, 1.0f);
  tu_fill(&r, w, PD_W, -1.0f, 1.0f);
  for (int k = 0; k < ni; k++) {
    for (int op = UPS_OP_NEAREST; op <= UPS_OP_BILINEAR; op++)
      for (int lay = UPS_NCHW; lay <= UPS_NHWC; lay++) {
        ups_resize_params p = {0};
        p.layout = (ups_layout)lay;
        p.n = 1;
        p.c = PR_C;
        p.in_h = p.in_w = 8;
        p.out_h = 64;
        p.out_w = 512;
        p.isa = isas[k];
        ups_resize_plan *plan = NULL;
        TU_EXPECT(ups_resize_plan_create(&p, (ups_operator)op, &plan) == UPS_OK, "resize plan");
        const long tried = attempts, s0 = split_calls;
        TU_EXPECT(ups_resize_plan_run(plan, in, out) == UPS_OK, "resize plan run");
        for (int q = 0; q < npools; q++)
          TU_EXPECT(ups_resize_plan_run_pool(plan, in, out, pools[q]) == UPS_OK,
                    "resize plan run_pool %d", q);
        TU_EXPECT(attempts == tried, "resize plan run %s op %d layout %d (pools) allocates (%ld)",
                  ups_isa_name(isas[k]), op, lay, attempts - tried);
        TU_EXPECT(split_calls > s0, "resize %s op %d layout %d: the engine pool got no split",
                  ups_isa_name(isas[k]), op, lay);
        ups_resize_plan_destroy(plan);
      }
    /* deconv: the GEMM path (NCHW k2 s2) and PHASES (NHWC k4 s2 p1) */
    for (int path = 0; path < 2; path++) {
      ups_deconv_params d = {0};
      d.layout = path ? UPS_NHWC : UPS_NCHW;
      d.n = 1;
      d.in_c = 64;
      d.in_h = d.in_w = 16;
      d.out_c = 32;
      d.kernel_h = d.kernel_w = path ? 4 : 2;
      d.stride_h = d.stride_w = 2;
      d.pad_top = d.pad_left = d.pad_bottom = d.pad_right = path ? 1 : 0;
      d.isa = isas[k];
      ups_deconv_plan *plan = NULL;
      TU_EXPECT(ups_deconv_plan_create(&d, w, NULL, &plan) == UPS_OK, "deconv plan");
      if (!plan) continue;
      const long tried = attempts, s0 = split_calls;
      TU_EXPECT(ups_deconv_plan_run(plan, in, out) == UPS_OK, "deconv plan run");
      for (int q = 0; q < npools; q++)
        TU_EXPECT(ups_deconv_plan_run_pool(plan, in, out, pools[q]) == UPS_OK,
                  "deconv plan run_pool %d", q);
      TU_EXPECT(attempts == tried, "deconv plan run %s path %d (pools) allocates (%ld)",
                ups_isa_name(isas[k]), path, attempts - tried);
      TU_EXPECT(split_calls > s0, "deconv %s path %d: the engine pool got no split",
                ups_isa_name(isas[k]), path);
      ups_deconv_plan_destroy(plan);
    }
  }
  free(in);
  free(w);
  free(out);
  ups_pool_destroy(pools[1]);
  ups_pool_destroy(pools[2]);
}

int main(void) {
#if SIZE_MAX <= 0xffffffffu
  puts("test_limits: the boundaries are written for 64-bit size_t; nothing to do");
  return tu_finish("limits");
#else
  buffers_init();
  isas[0] = UPS_ISA_AUTO;
  ni = 1 + tu_isas(isas + 1);
  /* The allocation counter must see the library's allocations at all. */
  long a0 = allocs;
  ups_deconv_plan *plan = NULL;
  ups_deconv_params d = {0};
  d.n = d.in_c = d.out_c = d.in_h = d.in_w = d.kernel_h = d.kernel_w = 1;
  TU_EXPECT(ups_deconv_plan_create(&d, t_w, NULL, &plan) == UPS_OK && allocs > a0,
            "the malloc wrappers count the library's allocations");
  ups_deconv_plan_destroy(plan);
  test_resize_limits();
  test_deconv_limits();
  test_upconv_limits();
  test_balanced();
  test_pool_runs();
  test_index_width();
  return tu_finish("limits");
#endif
}
