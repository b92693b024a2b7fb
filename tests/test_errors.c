/* test_errors.c — every ups_status of every public entry point, reached on
 * purpose, and proof that an error writes nothing.
 *
 * All buffers (tensors, the size_t results of the *_output_size calls, the
 * plan pointer of plan_create) live in one arena that ends flush against a
 * PROT_NONE page. Each error call snapshots the whole arena first and compares
 * it afterwards, so "nothing is written" covers the output and every other
 * byte. Calls that declare huge tensors get tiny real buffers at the arena's
 * end, ordered so the declared ranges do not overlap: any write past the real
 * bytes faults on the guard page.
 *
 * Every error test sits next to a passing neighbour (same call, one field
 * changed back) so the error tests cannot pass because everything fails. */
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

/* Its deliberate huge allocations must come back NULL (UPS_ERR_NOMEM). */
TU_ASAN_ALLOW_NULL_ALLOCATIONS()

/* ----------------------------------------------------------------- arena */

enum { ARENA_BYTES = 1 << 16, PATTERN = 0xA5 };

static tu_guarded g_guard;
static unsigned char *arena;
static unsigned char snapshot[ARENA_BYTES];

static float *at(size_t i) { return (float *)arena + i; }              /* from the start */
static float *tail(size_t n) { return (float *)(arena + ARENA_BYTES) - n; } /* flush at the end */

static void arena_reset(void) {
  memset(arena, PATTERN, ARENA_BYTES);
  tu_rng r = {42};
  tu_fill(&r, at(0), 8192, -1.0f, 1.0f); /* inputs in the first half get real values */
}
static void snap(void) { memcpy(snapshot, arena, ARENA_BYTES); }
static int unchanged(void) { return memcmp(snapshot, arena, ARENA_BYTES) == 0; }

/* Bytes outside [p, p + n floats) unchanged since snap(); the floats inside
 * all rewritten (none still holds the pre-fill pattern). */
static int wrote_exactly(const float *p, size_t n) {
  const size_t lo = (size_t)((const unsigned char *)p - arena), hi = lo + n * sizeof(float);
  if (memcmp(arena, snapshot, lo) != 0) return 0;
  if (memcmp(arena + hi, snapshot + hi, ARENA_BYTES - hi) != 0) return 0;
  uint32_t pat;
  memset(&pat, PATTERN, sizeof pat);
  for (size_t i = 0; i < n; i++) {
    uint32_t v;
    memcpy(&v, p + i, sizeof v);
    if (v == pat) return 0;
  }
  return 1;
}

static const char *sname(ups_status s) { return ups_status_string(s); }

/* The call returns `want` and leaves every arena byte as it was. */
#define EXPECT_ERR(call, want, ...)                                                   \
  do {                                                                                \
    snap();                                                                           \
    const ups_status st_ = (call);                                                    \
    TU_EXPECT(st_ == (want), "got \"%s\" want \"%s\"", sname(st_), sname(want));      \
    if (st_ != (want)) fprintf(stderr, "  case: " __VA_ARGS__), fputc('\n', stderr);  \
    TU_EXPECT(unchanged(), "memory written on error: " __VA_ARGS__);                  \
  } while (0)

/* The call succeeds and writes exactly the n floats at out. */
#define EXPECT_WRITES(call, out, n, ...)                                              \
  do {                                                                                \
    snap();                                                                           \
    const ups_status st_ = (call);                                                    \
    TU_EXPECT(st_ == UPS_OK, __VA_ARGS__);                                            \
    if (st_ != UPS_OK) fprintf(stderr, "  got \"%s\"\n", sname(st_));                 \
    TU_EXPECT(st_ != UPS_OK || wrote_exactly((out), (n)), "wrong writes: " __VA_ARGS__); \
  } while (0)

/* Sentinel-filled result slots in the arena (8-byte aligned). */
static size_t *size_slot(int i) { return (size_t *)(arena + ARENA_BYTES / 2 + 64 * (size_t)i); }
static ups_deconv_plan **plan_slot(void) {
  return (ups_deconv_plan **)(arena + ARENA_BYTES / 2 + 1024);
}

/* ----------------------------------------------------------- base cases */

/* Resize: 1x2x2x3 -> 4x6. Input at float 1024, output at float 2048. */
static ups_resize_params resize_base(void) {
  ups_resize_params p = {0};
  p.n = 1;
  p.c = 2;
  p.in_h = 2;
  p.in_w = 3;
  p.out_h = 4;
  p.out_w = 6;
  return p;
}
enum { R_IN = 12, R_OUT = 48 };
#define RIN at(1024)
#define ROUT at(2048)

/* Deconv: 1x2x2x2, 3 out channels, k3 s2 p1 -> 3x3. */
static ups_deconv_params deconv_base(void) {
  ups_deconv_params d = {0};
  d.n = 1;
  d.in_c = 2;
  d.out_c = 3;
  d.in_h = d.in_w = 2;
  d.kernel_h = d.kernel_w = 3;
  d.stride_h = d.stride_w = 2;
  d.pad_top = d.pad_left = d.pad_bottom = d.pad_right = 1;
  return d;
}
enum { D_IN = 8, D_W = 54, D_B = 3, D_OUT = 27 };
#define DIN at(0)
#define DW at(200)
#define DB at(300)
#define DOUT at(2048)

/* ------------------------------------------------------------ misc API */

static void test_strings_and_isa(void) {
  const ups_status all[] = {UPS_OK,        UPS_ERR_NULL,  UPS_ERR_SHAPE, UPS_ERR_PARAM,
                            UPS_ERR_OVERFLOW, UPS_ERR_ALIAS, UPS_ERR_ISA, UPS_ERR_NOMEM,
                            UPS_ERR_UNSUPPORTED};
  const int ns = (int)(sizeof all / sizeof all[0]);
  const char *unknown = ups_status_string((ups_status)ns);
  TU_EXPECT(unknown && strcmp(unknown, "unknown status") == 0, "one past the last status");
  TU_EXPECT(strcmp(ups_status_string((ups_status)-1), "unknown status") == 0, "status -1");
  TU_EXPECT(strcmp(ups_status_string((ups_status)0x7fffffff), "unknown status") == 0,
            "huge status");
  for (int i = 0; i < ns; i++) {
    const char *s = ups_status_string(all[i]);
    TU_EXPECT(s && *s && strcmp(s, unknown) != 0, "status %d has its own string", i);
    for (int j = 0; j < i; j++)
      TU_EXPECT(s && strcmp(s, ups_status_string(all[j])) != 0, "statuses %d and %d differ", i, j);
  }

  /* The two fixed ids; every other name comes from the registry (below). */
  TU_EXPECT(strcmp(ups_isa_name(UPS_ISA_AUTO), "auto") == 0, "name auto");
  TU_EXPECT(strcmp(ups_isa_name(UPS_ISA_SCALAR), "scalar") == 0, "name scalar");
  const ups_isa past = (ups_isa)ups_isa_count(); /* one past the last id */
  TU_EXPECT(strcmp(ups_isa_name(past), "unknown") == 0, "name one past (%d)", (int)past);
  TU_EXPECT(strcmp(ups_isa_name((ups_isa)-1), "unknown") == 0, "name -1");
  TU_EXPECT(strcmp(ups_isa_name((ups_isa)INT_MAX), "unknown") == 0, "name huge");

  TU_EXPECT(ups_isa_supported(UPS_ISA_AUTO) == 1, "auto always supported");
  TU_EXPECT(ups_isa_supported(UPS_ISA_SCALAR) == 1, "scalar always supported");
  TU_EXPECT(ups_isa_supported(past) == 0, "one past the last isa");
  TU_EXPECT(ups_isa_supported((ups_isa)-1) == 0, "isa -1");
  TU_EXPECT(ups_isa_supported((ups_isa)INT_MAX) == 0, "huge isa");
  const ups_isa sel = ups_isa_selected();
  TU_EXPECT(sel != UPS_ISA_AUTO && ups_isa_supported(sel), "selected %d", (int)sel);
  TU_EXPECT(ups_isa_selected() == sel, "selection is stable");

  ups_deconv_plan_destroy(NULL); /* allowed: must not crash */
  TU_EXPECT(ups_deconv_plan_isa(NULL) == UPS_ISA_AUTO, "plan_isa(NULL)");
}

/* ------------------------------------------------------------ ISA registry */

/* The registry's facts, from the library alone (no ISA is named here, so a
 * new one is covered as soon as kernels/isa_registry.c lists it). */
static void test_isa_registry(void) {
  const int count = ups_isa_count();
  TU_EXPECT(count >= UPS_ISA_SCALAR + 1 && count <= UPS_ISA_MAX, "ups_isa_count() = %d", count);
  const ups_isa past = (ups_isa)count;
  TU_EXPECT(ups_isa_desc_of(UPS_ISA_AUTO) == NULL, "AUTO has no descriptor");
  TU_EXPECT(ups_isa_desc_of(past) == NULL && ups_isa_desc_of((ups_isa)-1) == NULL,
            "no descriptor out of range");
  TU_EXPECT(ups_isa_built(UPS_ISA_AUTO) == 0 && ups_isa_built(past) == 0 &&
                ups_isa_built((ups_isa)-1) == 0 && ups_isa_built((ups_isa)INT_MAX) == 0,
            "AUTO and out-of-range ids are never built");
  TU_EXPECT(ups_isa_built(UPS_ISA_SCALAR) == 1, "scalar is always built");
  TU_EXPECT(ups_isa_parent(UPS_ISA_SCALAR) == UPS_ISA_AUTO, "scalar is the root");
  TU_EXPECT(ups_isa_parent(past) == UPS_ISA_AUTO && ups_isa_parent((ups_isa)-1) == UPS_ISA_AUTO,
            "out-of-range parent");

  ups_isa got = UPS_ISA_SCALAR;
  TU_EXPECT(ups_isa_from_name(NULL, &got) == UPS_ERR_NULL, "from_name(NULL)");
  TU_EXPECT(ups_isa_from_name(ups_isa_name(UPS_ISA_SCALAR), NULL) == UPS_ERR_NULL,
            "from_name(name, NULL)");
  TU_EXPECT(ups_isa_from_name("unknown", &got) == UPS_ERR_PARAM, "from_name(\"unknown\")");
  TU_EXPECT(ups_isa_from_name("", &got) == UPS_ERR_PARAM, "from_name(\"\")");
  TU_EXPECT(ups_isa_from_name("no-such-isa", &got) == UPS_ERR_PARAM, "from_name(no such)");

  for (int i = UPS_ISA_AUTO; i < count; i++) {
    const ups_isa isa = (ups_isa)i;
    const char *nm = ups_isa_name(isa);
    /* name -> id round trip (so names are distinct, too) */
    TU_EXPECT(nm && *nm && strcmp(nm, "unknown") != 0, "id %d has a name", i);
    got = past;
    TU_EXPECT(ups_isa_from_name(nm, &got) == UPS_OK && got == isa,
              "name \"%s\" -> id %d, want %d", nm, (int)got, i);
    if (i == UPS_ISA_AUTO) continue;
    /* registry index == id, and the descriptor agrees with the queries */
    const ups_isa_desc *d = ups_isa_desc_of(isa);
    TU_EXPECT(d != NULL, "%s has a descriptor", nm);
    if (!d) continue;
    TU_EXPECT(d->id == isa, "registry[%d].id == %d", i, (int)d->id);
    TU_EXPECT(d->name && strcmp(d->name, nm) == 0, "registry[%d].name", i);
    TU_EXPECT(d->parent == ups_isa_parent(isa), "%s: parent", nm);
    TU_EXPECT(ups_isa_built(isa) == (d->table != NULL), "%s: built == has a table", nm);
    TU_EXPECT((d->table != NULL) == (d->detect != NULL), "%s: table and detection go together",
              nm);
    /* supported implies built (and detected) */
    if (ups_isa_supported(isa))
      TU_EXPECT(ups_isa_built(isa) && d->detect && d->detect(), "%s supported but not built", nm);
    /* A parent comes before its child (detection relies on it), so the chain
     * ends at scalar without a cycle. */
    if (i > UPS_ISA_SCALAR)
      TU_EXPECT((int)d->parent >= UPS_ISA_SCALAR && (int)d->parent < i,
                "%s: parent %d must be an earlier id", nm, (int)d->parent);
    int steps = 0, last = i;
    for (int a = i; a != UPS_ISA_AUTO && steps <= count; a = (int)ups_isa_parent((ups_isa)a)) {
      TU_EXPECT(a > UPS_ISA_AUTO && a < count, "%s: chain leaves the registry at %d", nm, a);
      if (a <= UPS_ISA_AUTO || a >= count) break;
      last = a;
      steps++;
    }
    TU_EXPECT(steps <= count - 1, "%s: parent chain has a cycle", nm);
    TU_EXPECT(last == UPS_ISA_SCALAR, "%s: parent chain ends at %s, not scalar", nm,
              ups_isa_name((ups_isa)last));
    /* A usable ISA's nearest built-in ancestor (which fills its slots) is usable. */
    if (ups_isa_supported(isa) && i != UPS_ISA_SCALAR) {
      int a = (int)ups_isa_parent(isa);
      while (a > UPS_ISA_AUTO && !ups_isa_built((ups_isa)a)) a = (int)ups_isa_parent((ups_isa)a);
      TU_EXPECT(a > UPS_ISA_AUTO && ups_isa_supported((ups_isa)a),
                "%s usable but its fallback %s is not", nm, ups_isa_name((ups_isa)a));
    }
  }
  printf("errors: registry:");
  for (int i = UPS_ISA_SCALAR; i < count; i++) {
    const ups_isa isa = (ups_isa)i;
    printf(" %s(parent %s%s%s)", ups_isa_name(isa), ups_isa_name(ups_isa_parent(isa)),
           ups_isa_built(isa) ? ", built" : "", ups_isa_supported(isa) ? ", usable" : "");
  }
  printf("\n");
}

/* Slot (op, layout) of a kernel table is filled (its run is not NULL). */
static int slot_filled(const ups_kernel_table *t, int op, int l) {
  if (op == UPS_OP_NEAREST) return t->nearest[l].run != NULL;
  if (op == UPS_OP_BILINEAR) return t->bilinear[l].run != NULL;
  return t->deconv[l].run != NULL;
}
/* Two tables hold the same slot (op, layout): run and the other fields
 * (prep_bytes/prepare, or the deconv ISA), since a slot comes whole from one
 * ISA. */
static int slot_same(const ups_kernel_table *a, const ups_kernel_table *b, int op, int l) {
  if (op == UPS_OP_NEAREST)
    return a->nearest[l].run == b->nearest[l].run &&
           a->nearest[l].prep_bytes == b->nearest[l].prep_bytes &&
           a->nearest[l].prepare == b->nearest[l].prepare;
  if (op == UPS_OP_BILINEAR)
    return a->bilinear[l].run == b->bilinear[l].run &&
           a->bilinear[l].prep_bytes == b->bilinear[l].prep_bytes &&
           a->bilinear[l].prepare == b->bilinear[l].prepare;
  return a->deconv[l].run == b->deconv[l].run && a->deconv[l].isa == b->deconv[l].isa;
}
static const char *const op_names[3] = {"nearest", "bilinear", "deconv"};

/* Cumulative fallback: the kernel that runs for (isa, op, layout) is that of
 * the nearest ancestor-or-self whose own table fills the slot. */
static void test_isa_fallback(void) {
  const int count = ups_isa_count();
  for (int i = UPS_ISA_SCALAR; i < count; i++) {
    const ups_isa isa = (ups_isa)i;
    const char *nm = ups_isa_name(isa);
    for (int op = UPS_OP_NEAREST; op <= UPS_OP_DECONV; op++)
      for (int l = 0; l < 2; l++) {
        const ups_isa v = ups_isa_kernel_variant(isa, (ups_operator)op, (ups_layout)l);
        if (!ups_isa_built(isa)) {
          TU_EXPECT(v == UPS_ISA_AUTO, "%s not built: variant of %s/%d is %s", nm, op_names[op],
                    l, ups_isa_name(v));
          continue;
        }
        int want = i;
        while (want > UPS_ISA_AUTO) {
          const ups_isa_desc *d = ups_isa_desc_of((ups_isa)want);
          if (d && d->table && slot_filled(d->table, op, l)) break;
          want = (int)ups_isa_parent((ups_isa)want);
        }
        TU_EXPECT(want > UPS_ISA_AUTO, "%s %s/%d: no ancestor fills the slot", nm, op_names[op], l);
        TU_EXPECT(v == (ups_isa)want, "%s %s/%s runs %s's kernel, want %s's", nm, op_names[op],
                  l ? "nhwc" : "nchw", ups_isa_name(v), ups_isa_name((ups_isa)want));
        TU_EXPECT(ups_isa_built(v), "%s %s/%d: variant %s is not built", nm, op_names[op], l,
                  ups_isa_name(v));
        /* ... and the completed table really holds that ISA's kernel */
        if (want > UPS_ISA_AUTO)
          TU_EXPECT(slot_same(ups_kernels_for(isa), ups_isa_desc_of((ups_isa)want)->table, op, l),
                    "%s %s/%d: the completed slot is not %s's", nm, op_names[op], l,
                    ups_isa_name((ups_isa)want));
        if (i == UPS_ISA_SCALAR)
          TU_EXPECT(v == UPS_ISA_SCALAR, "scalar fills its every slot itself (%s/%d)",
                    op_names[op], l);
      }
  }
  for (int op = UPS_OP_NEAREST; op <= UPS_OP_DECONV; op++)
    for (int l = 0; l < 2; l++) {
      TU_EXPECT(ups_isa_kernel_variant(UPS_ISA_AUTO, (ups_operator)op, (ups_layout)l) ==
                    ups_isa_kernel_variant(ups_isa_selected(), (ups_operator)op, (ups_layout)l),
                "AUTO asks about the selected ISA (%s/%d)", op_names[op], l);
      TU_EXPECT(ups_isa_kernel_variant((ups_isa)count, (ups_operator)op, (ups_layout)l) ==
                    UPS_ISA_AUTO,
                "out-of-range ISA has no variant");
    }
  TU_EXPECT(ups_isa_kernel_variant(UPS_ISA_SCALAR, UPS_OP_NEAREST, (ups_layout)2) == UPS_ISA_AUTO,
            "out-of-range layout has no variant");
}

/* The override hook's marker kernel (nearest NCHW): writes MARKER to every
 * output element of its range. */
#define MARKER 1234.5f
static void marker_nearest_nchw(const ups_nearest_job *j, const void *prep, const ups_range *r) {
  (void)prep;
  for (size_t n = r->n0; n < r->n1; n++)
    for (size_t c = r->c0; c < r->c1; c++)
      for (size_t y = r->y0; y < r->y1; y++) {
        float *row = j->out + ((n * j->c + c) * j->y.out + y) * j->x.out;
        for (size_t x = 0; x < j->x.out; x++) row[x] = MARKER;
      }
}

/* Depth of an ISA in the registry tree (scalar 1). */
static int isa_depth(int i) {
  int d = 0;
  for (; i > UPS_ISA_AUTO; i = (int)ups_isa_parent((ups_isa)i)) d++;
  return d;
}

/* Runs every operator and layout through `isa` into out (NaN-prefilled);
 * in/w/b: inputs. Output k (0..5) at out + k * per. */
enum { OV_N = 2, OV_C = 5, OV_H = 7, OV_W = 9, OV_OH = 14, OV_OW = 13, OV_PER = 2048 };
static void run_all_ops(ups_isa isa, const float *in, const float *w, const float *b, float *out,
                        ups_status st[6]) {
  tu_fill_nan(out, 6 * OV_PER);
  for (int l = 0; l < 2; l++) {
    ups_resize_params p = {0};
    p.layout = (ups_layout)l;
    p.n = OV_N;
    p.c = OV_C;
    p.in_h = OV_H;
    p.in_w = OV_W;
    p.out_h = OV_OH;
    p.out_w = OV_OW;
    p.isa = isa;
    st[l] = ups_resize_nearest_f32(&p, in, out + l * OV_PER);
    st[2 + l] = ups_resize_bilinear_f32(&p, in, out + (2 + l) * OV_PER);
    ups_deconv_params d = {0}; /* 5 -> 4 channels, k3 s2 p1: 7x9 -> 13x17 */
    d.layout = (ups_layout)l;
    d.n = 1;
    d.in_c = OV_C;
    d.out_c = 4;
    d.in_h = OV_H;
    d.in_w = OV_W;
    d.kernel_h = d.kernel_w = 3;
    d.stride_h = d.stride_w = 2;
    d.pad_top = d.pad_left = d.pad_bottom = d.pad_right = 1;
    d.isa = isa;
    st[4 + l] = ups_deconv_f32(&d, in, w, b, out + (4 + l) * OV_PER);
  }
}

/* ups_kernels_override_for_testing: a replacement table's empty slots come
 * from the parent (not from the ISA's own built-in table), and NULL restores. */
static void test_isa_override(void) {
  int victim = UPS_ISA_AUTO;
  for (int i = UPS_ISA_SCALAR + 1; i < ups_isa_count(); i++)
    if (ups_isa_supported((ups_isa)i) &&
        (victim == UPS_ISA_AUTO || isa_depth(i) >= isa_depth(victim)))
      victim = i;
  if (victim == UPS_ISA_AUTO) {
    printf("errors: override fallback: skipped (only scalar is supported here)\n");
    return;
  }
  /* the ISA whose kernels fill the victim's empty slots */
  int parent = (int)ups_isa_parent((ups_isa)victim);
  while (parent > UPS_ISA_AUTO && !ups_isa_built((ups_isa)parent))
    parent = (int)ups_isa_parent((ups_isa)parent);
  const char *vn = ups_isa_name((ups_isa)victim), *pn = ups_isa_name((ups_isa)parent);
  TU_EXPECT(parent > UPS_ISA_AUTO && ups_isa_supported((ups_isa)parent), "%s's fallback %s usable",
            vn, pn);
  if (parent <= UPS_ISA_AUTO) return;

  float *in = malloc(OV_PER * sizeof(float)), *w = malloc(OV_PER * sizeof(float));
  float *b = malloc(8 * sizeof(float));
  float *got = malloc(6 * OV_PER * sizeof(float)), *want = malloc(6 * OV_PER * sizeof(float));
  float *before = malloc(6 * OV_PER * sizeof(float));
  TU_EXPECT(in && w && b && got && want && before, "malloc");
  if (!in || !w || !b || !got || !want || !before) goto done;
  tu_rng rng = {0x0be77ull};
  tu_fill(&rng, in, OV_PER, -1.0f, 1.0f);
  tu_fill(&rng, w, OV_PER, -1.0f, 1.0f);
  tu_fill(&rng, b, 8, -1.0f, 1.0f);
  ups_status sg[6], sw[6], sb[6];
  run_all_ops((ups_isa)victim, in, w, b, before, sb);
  const ups_kernel_table builtin = *ups_kernels_for((ups_isa)victim);

  ups_kernel_table t;
  memset(&t, 0, sizeof t);
  t.nearest[UPS_NCHW].run = marker_nearest_nchw;
  ups_kernels_override_for_testing((ups_isa)victim, &t);
  run_all_ops((ups_isa)victim, in, w, b, got, sg);
  run_all_ops((ups_isa)parent, in, w, b, want, sw);
  const ups_kernel_table *ov = ups_kernels_for((ups_isa)victim);
  const ups_kernel_table *pt = ups_kernels_for((ups_isa)parent);
  TU_EXPECT(ov->nearest[UPS_NCHW].run == marker_nearest_nchw, "the override's own slot is used");
  for (int op = UPS_OP_NEAREST; op <= UPS_OP_DECONV; op++)
    for (int l = 0; l < 2; l++)
      if (op != UPS_OP_NEAREST || l != UPS_NCHW)
        TU_EXPECT(slot_same(ov, pt, op, l),
                  "override of %s: the empty %s/%s slot must be %s's kernel (the parent's)%s", vn,
                  op_names[op], l ? "nhwc" : "nchw", pn,
                  slot_same(ov, &builtin, op, l) && !slot_same(&builtin, pt, op, l)
                      ? ", but it is the overridden ISA's own built-in kernel"
                      : "");
  const char *what[6] = {"nearest nchw", "nearest nhwc", "bilinear nchw", "bilinear nhwc",
                         "deconv nchw",  "deconv nhwc"};
  const size_t nout[6] = {OV_N * OV_C * OV_OH * OV_OW, OV_N * OV_C * OV_OH * OV_OW,
                          OV_N * OV_C * OV_OH * OV_OW, OV_N * OV_C * OV_OH * OV_OW,
                          4 * 13 * 17, 4 * 13 * 17};
  for (int k = 0; k < 6; k++) {
    TU_EXPECT(sg[k] == UPS_OK && sw[k] == UPS_OK && sb[k] == UPS_OK, "%s: status", what[k]);
    const float *g = got + k * OV_PER, *v = want + k * OV_PER;
    if (k == 0) { /* the marker, everywhere */
      size_t marked = 0;
      for (size_t e = 0; e < nout[k]; e++) marked += g[e] == MARKER;
      TU_EXPECT(marked == nout[k], "override of %s: nearest nchw gives the marker in %zu of %zu",
                vn, marked, nout[k]);
    } else {
      TU_EXPECT(memcmp(g, v, nout[k] * sizeof(float)) == 0,
                "override of %s: %s differs from %s's bits (an empty slot must fall back to the "
                "parent)", vn, what[k], pn);
    }
  }
  ups_kernels_override_for_testing((ups_isa)victim, NULL);
  run_all_ops((ups_isa)victim, in, w, b, got, sg);
  for (int op = UPS_OP_NEAREST; op <= UPS_OP_DECONV; op++)
    for (int l = 0; l < 2; l++)
      TU_EXPECT(slot_same(ups_kernels_for((ups_isa)victim), &builtin, op, l),
                "NULL restores %s's built-in %s/%d", vn, op_names[op], l);
  /* (bytes: the untouched tails hold the same NaN pattern) */
  TU_EXPECT(memcmp(got, before, 6 * OV_PER * sizeof(float)) == 0,
            "after the restore %s gives its own results again", vn);
  printf("errors: override fallback: %s overridden (nearest nchw only), empty slots from %s\n", vn,
         pn);
done:
  free(in);
  free(w);
  free(b);
  free(got);
  free(want);
  free(before);
}

/* --------------------------------------------------------------- resize */

typedef ups_status (*resize_fn)(const ups_resize_params *, const float *, float *);

static void test_resize_positive(void) {
  ups_isa isas[UPS_ISA_MAX];
  const int ni = tu_isas(isas);
  for (int k = 0; k < ni; k++) {
    ups_resize_params p = resize_base();
    p.isa = isas[k];
    const char *nm = ups_isa_name(isas[k]);
    arena_reset();
    EXPECT_WRITES(ups_resize_nearest_f32(&p, RIN, ROUT), ROUT, R_OUT, "nearest %s", nm);
    EXPECT_WRITES(ups_resize_bilinear_f32(&p, RIN, ROUT), ROUT, R_OUT, "bilinear %s", nm);
    /* Exact fit against the guard page: out sized by the scale-derived size. */
    p.out_h = p.out_w = 0;
    p.scale_h = 2.0f;
    p.scale_w = 2.5f; /* floor(3 * 2.5) = 7 */
    size_t oh = 0, ow = 0;
    TU_EXPECT(ups_resize_output_size(&p, &oh, &ow) == UPS_OK && oh == 4 && ow == 7,
              "derived size %zux%zu", oh, ow);
    EXPECT_WRITES(ups_resize_nearest_f32(&p, RIN, tail(56)), tail(56), 56, "derived nearest %s",
                  nm);
    EXPECT_WRITES(ups_resize_bilinear_f32(&p, RIN, tail(56)), tail(56), 56, "derived bilinear %s",
                  nm);
  }
}

static void test_resize_null_shape_enum(resize_fn f, int bilinear, const char *nm) {
  arena_reset();
  ups_resize_params p = resize_base();
  EXPECT_ERR(f(NULL, RIN, ROUT), UPS_ERR_NULL, "%s p NULL", nm);
  EXPECT_ERR(f(&p, NULL, ROUT), UPS_ERR_NULL, "%s in NULL", nm);
  EXPECT_ERR(f(&p, RIN, NULL), UPS_ERR_NULL, "%s out NULL", nm);

  /* Each size zero on its own (no scale, so a zero output size cannot be derived). */
  for (int i = 0; i < 6; i++) {
    ups_resize_params q = resize_base();
    size_t *fld[6] = {&q.n, &q.c, &q.in_h, &q.in_w, &q.out_h, &q.out_w};
    *fld[i] = 0;
    EXPECT_ERR(f(&q, RIN, ROUT), UPS_ERR_SHAPE, "%s size field %d zero", nm, i);
    EXPECT_ERR(ups_resize_output_size(&q, size_slot(0), size_slot(1)), UPS_ERR_SHAPE,
               "output_size field %d zero", i);
  }

  /* Enums one past their range, negative and huge. */
  const unsigned bad[3] = {0, 0x7fffffffu, (unsigned)-1};
  for (int i = 0; i < 3; i++) {
    ups_resize_params q = resize_base();
    q.layout = (ups_layout)(i == 0 ? UPS_NHWC + 1 : bad[i]);
    EXPECT_ERR(f(&q, RIN, ROUT), UPS_ERR_PARAM, "%s layout %u", nm, (unsigned)q.layout);
    q = resize_base();
    q.coord = (ups_coord)(i == 0 ? UPS_COORD_TF_HALF_PIXEL_FOR_NN + 1 : bad[i]);
    EXPECT_ERR(f(&q, RIN, ROUT), UPS_ERR_PARAM, "%s coord %u", nm, (unsigned)q.coord);
    q = resize_base();
    q.isa = (ups_isa)(i == 0 ? (unsigned)ups_isa_count() : bad[i]);
    EXPECT_ERR(f(&q, RIN, ROUT), UPS_ERR_PARAM, "%s isa %u", nm, (unsigned)q.isa);
    q = resize_base();
    q.round = (ups_round)(i == 0 ? UPS_ROUND_CEIL + 1 : bad[i]);
    if (bilinear) /* the header: round is nearest only, "Ignored by bilinear" */
      EXPECT_WRITES(f(&q, RIN, ROUT), ROUT, R_OUT, "%s ignores round %u", nm, (unsigned)q.round);
    else
      EXPECT_ERR(f(&q, RIN, ROUT), UPS_ERR_PARAM, "%s round %u", nm, (unsigned)q.round);
    arena_reset();
  }

  /* TF_HALF_PIXEL_FOR_NN is nearest only. */
  ups_resize_params q = resize_base();
  q.coord = UPS_COORD_TF_HALF_PIXEL_FOR_NN;
  if (bilinear)
    EXPECT_ERR(f(&q, RIN, ROUT), UPS_ERR_PARAM, "%s TF_HALF_PIXEL_FOR_NN", nm);
  else
    EXPECT_WRITES(f(&q, RIN, ROUT), ROUT, R_OUT, "%s TF_HALF_PIXEL_FOR_NN", nm);
  /* Every other coordinate mode is valid for both. */
  for (int c = UPS_COORD_HALF_PIXEL; c < UPS_COORD_TF_HALF_PIXEL_FOR_NN; c++) {
    q = resize_base();
    q.coord = (ups_coord)c;
    q.layout = UPS_NHWC;
    EXPECT_WRITES(f(&q, RIN, ROUT), ROUT, R_OUT, "%s coord %d nhwc", nm, c);
  }
}

static void test_resize_scale(resize_fn f, int bilinear, const char *nm) {
  arena_reset();
  const float bad[] = {-1.0f, -FLT_MIN, NAN, -NAN, INFINITY, -INFINITY};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    for (int axis = 0; axis < 2; axis++) {
      ups_resize_params p = resize_base(); /* sizes given: the scale is still checked */
      *(axis ? &p.scale_w : &p.scale_h) = bad[i];
      EXPECT_ERR(f(&p, RIN, ROUT), UPS_ERR_PARAM, "%s scale[%d] = %g", nm, axis, (double)bad[i]);
    }
  }
  /* A scale so small that its float reciprocal (the coordinate step) is inf:
   * x = 0 would map to inf * 0 = NaN. Rejected; 1e-38 (1/s = 1e38) is fine and
   * gives finite outputs in every mode. */
  for (int c = UPS_COORD_HALF_PIXEL; c <= UPS_COORD_TF_HALF_PIXEL_FOR_NN; c++) {
    if (bilinear && c == UPS_COORD_TF_HALF_PIXEL_FOR_NN) continue;
    ups_resize_params p = resize_base();
    p.coord = (ups_coord)c;
    p.scale_w = 1e-39f;
    EXPECT_ERR(f(&p, RIN, ROUT), UPS_ERR_PARAM, "%s scale 1e-39 coord %d", nm, c);
    p.scale_w = FLT_TRUE_MIN;
    EXPECT_ERR(f(&p, RIN, ROUT), UPS_ERR_PARAM, "%s scale FLT_TRUE_MIN coord %d", nm, c);
    p.scale_w = 1e-38f;
    EXPECT_WRITES(f(&p, RIN, ROUT), ROUT, R_OUT, "%s scale 1e-38 coord %d", nm, c);
    int finite = 1;
    for (int i = 0; i < R_OUT; i++) finite &= isfinite(ROUT[i]) != 0;
    TU_EXPECT(finite, "%s scale 1e-38 coord %d: non-finite output from finite input", nm, c);
    arena_reset();
  }
  ups_resize_params p = resize_base();
  p.scale_h = -0.0f; /* ">= 0": negative zero is zero, i.e. derive from the sizes */
  EXPECT_WRITES(f(&p, RIN, ROUT), ROUT, R_OUT, "%s scale -0", nm);
  arena_reset();

  /* Output size 0 needs a scale; floor(in*scale) must be >= 1. */
  p = resize_base();
  p.out_w = 0;
  EXPECT_ERR(f(&p, RIN, ROUT), UPS_ERR_SHAPE, "%s out_w 0, scale 0", nm);
  p.scale_w = 0.25f; /* floor(3 * 0.25) = 0 */
  EXPECT_ERR(f(&p, RIN, ROUT), UPS_ERR_SHAPE, "%s floor(in*scale) == 0", nm);
  p.scale_w = 1e-30f; /* floor(3e-30) = 0 */
  EXPECT_ERR(f(&p, RIN, ROUT), UPS_ERR_SHAPE, "%s tiny scale", nm);
  p.scale_w = 0.34f; /* floor(1.02) = 1: the smallest output */
  size_t oh = 0, ow = 0;
  TU_EXPECT(ups_resize_output_size(&p, &oh, &ow) == UPS_OK && oh == 4 && ow == 1,
            "%s scale 0.34 -> %zux%zu", nm, oh, ow);
  EXPECT_WRITES(f(&p, RIN, ROUT), ROUT, 8, "%s derived out_w 1", nm);
  arena_reset();
  p = resize_base();
  p.out_h = 0;
  EXPECT_ERR(f(&p, RIN, ROUT), UPS_ERR_SHAPE, "%s out_h 0, scale 0", nm);
  p.scale_h = 0.49f; /* floor(0.98) = 0 */
  EXPECT_ERR(f(&p, RIN, ROUT), UPS_ERR_SHAPE, "%s floor(2*0.49) == 0", nm);
  p.scale_h = 0.5f;
  TU_EXPECT(ups_resize_output_size(&p, &oh, &ow) == UPS_OK && oh == 1 && ow == 6,
            "%s scale_h 0.5 -> %zux%zu", nm, oh, ow);
  /* A finite but enormous scale: the derived size cannot be held. */
  p.scale_h = FLT_MAX;
  EXPECT_ERR(f(&p, RIN, ROUT), UPS_ERR_OVERFLOW, "%s scale FLT_MAX", nm);
}

static void test_resize_output_size(void) {
  arena_reset();
  ups_resize_params p = resize_base();
  size_t *oh = size_slot(0), *ow = size_slot(1);
  EXPECT_ERR(ups_resize_output_size(NULL, oh, ow), UPS_ERR_NULL, "output_size p NULL");
  EXPECT_ERR(ups_resize_output_size(&p, NULL, ow), UPS_ERR_NULL, "output_size out_h NULL");
  EXPECT_ERR(ups_resize_output_size(&p, oh, NULL), UPS_ERR_NULL, "output_size out_w NULL");
  p.c = 0;
  EXPECT_ERR(ups_resize_output_size(&p, oh, ow), UPS_ERR_SHAPE, "output_size c 0");
  p = resize_base();
  p.scale_w = NAN;
  EXPECT_ERR(ups_resize_output_size(&p, oh, ow), UPS_ERR_PARAM, "output_size scale NaN");
  p = resize_base();
  p.isa = (ups_isa)ups_isa_count(); /* one past the last id */
  EXPECT_ERR(ups_resize_output_size(&p, oh, ow), UPS_ERR_PARAM, "output_size isa %d",
             (int)p.isa);
  /* It cannot know the operator, so (header) it skips the operator-specific
   * checks: a bad round and TF_HALF_PIXEL_FOR_NN both pass. */
  p = resize_base();
  p.round = (ups_round)4;
  size_t h = 0, w = 0;
  TU_EXPECT(ups_resize_output_size(&p, &h, &w) == UPS_OK && h == 4 && w == 6,
            "output_size ignores round");
  p = resize_base();
  p.coord = UPS_COORD_TF_HALF_PIXEL_FOR_NN;
  h = w = 0;
  TU_EXPECT(ups_resize_output_size(&p, &h, &w) == UPS_OK && h == 4 && w == 6,
            "output_size accepts TF_HALF_PIXEL_FOR_NN");
  p.coord = (ups_coord)5; /* but every enum is still range-checked */
  EXPECT_ERR(ups_resize_output_size(&p, oh, ow), UPS_ERR_PARAM, "output_size coord 5");
  p = resize_base();
  p.layout = (ups_layout)2;
  EXPECT_ERR(ups_resize_output_size(&p, oh, ow), UPS_ERR_PARAM, "output_size layout 2");
}

/* Overflow: the library requires every float count n to satisfy
 * n * sizeof(float) <= PTRDIFF_MAX, i.e. n <= PTRDIFF_MAX / 4 (2^61 - 1 on
 * LP64). The largest count passes, one more is UPS_ERR_OVERFLOW. */
#define LIM ((size_t)PTRDIFF_MAX / sizeof(float))

static void test_resize_overflow(void) {
#if SIZE_MAX > 0xffffffffu
  arena_reset();
  const size_t T = (size_t)1 << 30, T31 = (size_t)1 << 31, T32 = (size_t)1 << 32;
  size_t *oh = size_slot(0), *ow = size_slot(1);
  size_t h, w;
  ups_resize_params p = {0};
  p.n = p.c = p.in_h = p.in_w = p.out_h = 1;

  p.out_w = LIM;
  TU_EXPECT(ups_resize_output_size(&p, &h, &w) == UPS_OK && w == LIM, "out_w = LIM fits");
  p.out_w = LIM + 1;
  EXPECT_ERR(ups_resize_output_size(&p, oh, ow), UPS_ERR_OVERFLOW, "out_w = LIM + 1");
  p.out_w = SIZE_MAX;
  EXPECT_ERR(ups_resize_output_size(&p, oh, ow), UPS_ERR_OVERFLOW, "out_w = SIZE_MAX");

  /* As a product: 2^31 * (2^30 - 1) fits, 2^31 * 2^30 = LIM + 1 does not. */
  p.out_w = 1;
  p.out_h = T31;
  p.n = T - 1;
  TU_EXPECT(ups_resize_output_size(&p, &h, &w) == UPS_OK, "n*out_h = 2^61 - 2^31 fits");
  p.n = T;
  EXPECT_ERR(ups_resize_output_size(&p, oh, ow), UPS_ERR_OVERFLOW, "n*out_h = 2^61");
  p.n = 1;
  p.out_h = 1;

  /* The input count alone. */
  p.in_h = T31;
  p.c = T - 1;
  TU_EXPECT(ups_resize_output_size(&p, &h, &w) == UPS_OK, "c*in_h = 2^61 - 2^31 fits");
  p.c = T;
  EXPECT_ERR(ups_resize_output_size(&p, oh, ow), UPS_ERR_OVERFLOW, "c*in_h = 2^61");
  p.in_w = LIM + 1;
  p.in_h = p.c = 1;
  EXPECT_ERR(ups_resize_output_size(&p, oh, ow), UPS_ERR_OVERFLOW, "in_w = LIM + 1");
  p.in_w = 1;

  /* Products that wrap size_t itself to something small. */
  p.n = T32;
  p.c = T32 + 1; /* wraps to 2^32 */
  EXPECT_ERR(ups_resize_output_size(&p, oh, ow), UPS_ERR_OVERFLOW, "n*c wraps to 2^32");
  p.n = p.c = 1;
  p.out_h = T32;
  p.out_w = T32; /* wraps to 0 */
  EXPECT_ERR(ups_resize_output_size(&p, oh, ow), UPS_ERR_OVERFLOW, "out_h*out_w wraps to 0");
  p.out_h = p.out_w = 1;
  p.in_h = p.in_w = T32;
  EXPECT_ERR(ups_resize_output_size(&p, oh, ow), UPS_ERR_OVERFLOW, "in_h*in_w wraps to 0");
  p.in_h = p.in_w = 1;

  /* A derived size is floor(in * scale) computed in double: exact below 2^53,
   * so that is where derived sizes stop (explicit sizes go up to LIM). */
  const size_t D = (size_t)1 << 53;
  p.out_w = 0;
  p.scale_w = 1.0f;
  p.in_w = D - 1;
  TU_EXPECT(ups_resize_output_size(&p, &h, &w) == UPS_OK && w == D - 1, "derived 2^53 - 1");
  p.in_w = D;
  EXPECT_ERR(ups_resize_output_size(&p, oh, ow), UPS_ERR_OVERFLOW, "derived 2^53");
  p.in_w = D / 2;
  p.scale_w = 2.0f;
  EXPECT_ERR(ups_resize_output_size(&p, oh, ow), UPS_ERR_OVERFLOW, "derived 2^52 * 2");
  p.in_w = 1;
  p.out_w = 1;
  p.scale_w = 0.0f;

  /* The real calls with tiny real buffers: rejected before anything is
   * touched. in sits below out, out flush against the guard page. */
  float *in = tail(8), *out = tail(4);
  resize_fn fs[2] = {ups_resize_nearest_f32, ups_resize_bilinear_f32};
  for (int b = 0; b < 2; b++) {
    const char *nm = b ? "bilinear" : "nearest";
    ups_resize_params q = p;
    q.out_w = LIM + 1;
    EXPECT_ERR(fs[b](&q, in, out), UPS_ERR_OVERFLOW, "%s out_w = LIM + 1", nm);
    q.out_w = 1;
    q.in_w = LIM + 1;
    EXPECT_ERR(fs[b](&q, in, out), UPS_ERR_OVERFLOW, "%s in_w = LIM + 1", nm);
    q.in_w = 1;
    q.n = T32;
    q.c = T32 + 1;
    EXPECT_ERR(fs[b](&q, in, out), UPS_ERR_OVERFLOW, "%s n*c wraps", nm);
    /* The count fits, but the coordinate tables' byte count does not. */
    q = p;
    q.out_w = LIM;
    EXPECT_ERR(fs[b](&q, in, out), UPS_ERR_OVERFLOW, "%s table bytes for out_w = LIM", nm);
  }
#endif
}

/* Enormous but valid outputs: the coordinate tables cannot be allocated, so
 * UPS_ERR_NOMEM, with the tiny real output untouched (and guarded). */
static void test_resize_nomem(void) {
#if SIZE_MAX > 0xffffffffu
  arena_reset();
  float *in = tail(8), *out = tail(4);
  ups_resize_params p = {0};
  p.n = p.c = p.in_h = p.in_w = p.out_h = 1;
  p.out_w = (size_t)1 << 58; /* 2^60 output bytes; 2^58 * 12 or * 28 table bytes */
  EXPECT_ERR(ups_resize_nearest_f32(&p, in, out), UPS_ERR_NOMEM, "nearest out_w 2^58");
  EXPECT_ERR(ups_resize_bilinear_f32(&p, in, out), UPS_ERR_NOMEM, "bilinear out_w 2^58");
  p.out_h = (size_t)1 << 57;
  p.out_w = 2; /* the other axis */
  EXPECT_ERR(ups_resize_nearest_f32(&p, in, out), UPS_ERR_NOMEM, "nearest out_h 2^57");
  EXPECT_ERR(ups_resize_bilinear_f32(&p, in, out), UPS_ERR_NOMEM, "bilinear out_h 2^57");
#endif
}

static void test_resize_alias(resize_fn f, const char *nm) {
  arena_reset();
  ups_resize_params p = resize_base(); /* in 12 floats, out 48 */
  float *in = RIN;
  EXPECT_ERR(f(&p, in, in), UPS_ERR_ALIAS, "%s out == in", nm);
  EXPECT_ERR(f(&p, in, in - R_OUT + 1), UPS_ERR_ALIAS, "%s out ends one float into in", nm);
  EXPECT_ERR(f(&p, in, in + R_IN - 1), UPS_ERR_ALIAS, "%s out starts at in's last float", nm);
  EXPECT_ERR(f(&p, in, in - 20), UPS_ERR_ALIAS, "%s out contains in", nm);
  EXPECT_WRITES(f(&p, in, in - R_OUT), in - R_OUT, R_OUT, "%s out just before in", nm);
  EXPECT_WRITES(f(&p, in, in + R_IN), in + R_IN, R_OUT, "%s out just after in", nm);
  arena_reset();
  /* Downsampling: in (4x4) contains out (2x2). */
  p.in_h = p.in_w = 4;
  p.out_h = p.out_w = 2;
  EXPECT_ERR(f(&p, in, in + 6), UPS_ERR_ALIAS, "%s in contains out", nm);
  EXPECT_WRITES(f(&p, in, in + 32), in + 32, 8, "%s downsample adjacent", nm);
}

/* Every id the registry has: a supported one runs, any other (not built in or
 * not usable here) is UPS_ERR_ISA from every entry point; one past the last
 * id is UPS_ERR_PARAM (test_resize_null_shape_enum, test_resize_output_size). */
static void test_resize_isa(resize_fn f, const char *nm) {
  arena_reset();
  size_t *oh = size_slot(0), *ow = size_slot(1);
  int unsupported = 0;
  for (int i = UPS_ISA_AUTO; i < ups_isa_count(); i++) {
    ups_resize_params p = resize_base();
    p.isa = (ups_isa)i;
    if (ups_isa_supported(p.isa)) {
      EXPECT_WRITES(f(&p, RIN, ROUT), ROUT, R_OUT, "%s forced %s", nm, ups_isa_name(p.isa));
    } else {
      unsupported++;
      EXPECT_ERR(f(&p, RIN, ROUT), UPS_ERR_ISA, "%s forced %s", nm, ups_isa_name(p.isa));
      EXPECT_ERR(ups_resize_output_size(&p, oh, ow), UPS_ERR_ISA, "output_size forced %s",
                 ups_isa_name(p.isa));
    }
    arena_reset();
  }
  if (!unsupported) printf("errors: %s: every ISA id is supported here: no UPS_ERR_ISA case\n", nm);
}

/* The one-shot calls' signature through a resize plan (create, run,
 * destroy: create's status when it fails, else run's) and through the
 * *_pool calls, so every resize error case above also runs through them. */
static ups_pool *engine_pool;

static ups_status plan_resize(const ups_resize_params *p, const float *in, float *out,
                              ups_operator op) {
  ups_resize_plan *plan = NULL;
  ups_status st = ups_resize_plan_create(p, op, &plan);
  if (st != UPS_OK) return st;
  st = ups_resize_plan_run(plan, in, out);
  const ups_status sp = ups_resize_plan_run_pool(plan, in, out, engine_pool);
  TU_EXPECT(sp == st, "plan run_pool %s, run %s", sname(sp), sname(st));
  ups_resize_plan_destroy(plan);
  return st;
}
static ups_status plan_nearest(const ups_resize_params *p, const float *in, float *out) {
  return plan_resize(p, in, out, UPS_OP_NEAREST);
}
static ups_status plan_bilinear(const ups_resize_params *p, const float *in, float *out) {
  return plan_resize(p, in, out, UPS_OP_BILINEAR);
}
static ups_status pool_nearest(const ups_resize_params *p, const float *in, float *out) {
  return ups_resize_nearest_f32_pool(p, in, out, engine_pool);
}
static ups_status pool_bilinear(const ups_resize_params *p, const float *in, float *out) {
  return ups_resize_bilinear_f32_pool(p, in, out, engine_pool);
}

/* Runs the tasks on the calling thread, last first. */
static void reverse_for(void *ctx, ups_task_fn task, void *task_ctx, size_t n) {
  (void)ctx;
  for (size_t i = n; i-- > 0;) task(task_ctx, i);
}

/* What only plans and pools have: the operator argument, the plan pointer,
 * the plan left alone on error; pool creation's own errors. */
static void test_plan_and_pool_errors(void) {
  arena_reset();
  ups_resize_params p = resize_base();
  ups_resize_plan **pl = (ups_resize_plan **)plan_slot();
  EXPECT_ERR(ups_resize_plan_create(NULL, UPS_OP_NEAREST, pl), UPS_ERR_NULL, "plan p NULL");
  EXPECT_ERR(ups_resize_plan_create(&p, UPS_OP_NEAREST, NULL), UPS_ERR_NULL, "plan NULL");
  const unsigned bad_op[4] = {UPS_OP_DECONV, UPS_OP_DECONV + 1, 0x7fffffffu, (unsigned)-1};
  for (int i = 0; i < 4; i++)
    EXPECT_ERR(ups_resize_plan_create(&p, (ups_operator)bad_op[i], pl), UPS_ERR_PARAM,
               "plan op %u", bad_op[i]);
  /* The operator-specific checks follow op. */
  p.coord = UPS_COORD_TF_HALF_PIXEL_FOR_NN;
  EXPECT_ERR(ups_resize_plan_create(&p, UPS_OP_BILINEAR, pl), UPS_ERR_PARAM, "plan bilinear tf");
  p = resize_base();
  p.round = (ups_round)(UPS_ROUND_CEIL + 1);
  EXPECT_ERR(ups_resize_plan_create(&p, UPS_OP_NEAREST, pl), UPS_ERR_PARAM, "plan round");
  ups_resize_plan *plan = NULL;
  TU_EXPECT(ups_resize_plan_create(&p, UPS_OP_BILINEAR, &plan) == UPS_OK, "bilinear ignores round");
  TU_EXPECT(ups_resize_plan_isa(plan) == ups_isa_selected(), "plan isa is the selected one");
  TU_EXPECT(ups_resize_plan_isa(NULL) == UPS_ISA_AUTO, "plan isa NULL");
  EXPECT_ERR(ups_resize_plan_run(NULL, RIN, ROUT), UPS_ERR_NULL, "plan_run plan NULL");
  EXPECT_ERR(ups_resize_plan_run_pool(NULL, RIN, ROUT, NULL), UPS_ERR_NULL, "run_pool NULL");
  EXPECT_WRITES(ups_resize_plan_run_pool(plan, RIN, ROUT, NULL), ROUT, R_OUT, "pool NULL");
  ups_resize_plan_destroy(plan);
  ups_resize_plan_destroy(NULL);
#if SIZE_MAX > 0xffffffffu
  p = resize_base();
  p.n = p.c = p.in_h = p.in_w = p.out_h = 1;
  p.out_w = (size_t)1 << 58;
  EXPECT_ERR(ups_resize_plan_create(&p, UPS_OP_NEAREST, pl), UPS_ERR_NOMEM, "plan 2^58");
  EXPECT_ERR(ups_resize_plan_create(&p, UPS_OP_BILINEAR, pl), UPS_ERR_NOMEM, "plan 2^58");
#endif

  ups_pool **pp = (ups_pool **)plan_slot();
  EXPECT_ERR(ups_pool_create_engine(NULL, NULL, 2, pp), UPS_ERR_NULL, "engine fn NULL");
  EXPECT_ERR(ups_pool_create_engine(reverse_for, NULL, 2, NULL), UPS_ERR_NULL, "engine out NULL");
  EXPECT_ERR(ups_pool_create_engine(reverse_for, NULL, 0, pp), UPS_ERR_PARAM, "engine 0 threads");
  EXPECT_ERR(ups_pool_create_default(2, NULL), UPS_ERR_NULL, "default out NULL");
  TU_EXPECT(ups_pool_threads(NULL) == 0, "threads of NULL");
  ups_pool_destroy(NULL);
  ups_pool *dp = NULL;
  const ups_status ds = ups_pool_create_default(3, &dp);
  TU_EXPECT(ds == UPS_OK || ds == UPS_ERR_UNSUPPORTED, "default pool: %s", sname(ds));
  TU_EXPECT(ds != UPS_OK || ups_pool_threads(dp) == 3, "default pool threads %zu",
            ups_pool_threads(dp));
  ups_pool_destroy(dp);

  /* Deconv through a pool: the statuses of the plain calls. */
  ups_deconv_params d = deconv_base();
  EXPECT_ERR(ups_deconv_f32_pool(NULL, DIN, DW, DB, DOUT, engine_pool), UPS_ERR_NULL, "p NULL");
  EXPECT_ERR(ups_deconv_f32_pool(&d, DIN, DW, DB, DIN, engine_pool), UPS_ERR_ALIAS, "alias");
  EXPECT_WRITES(ups_deconv_f32_pool(&d, DIN, DW, DB, DOUT, engine_pool), DOUT, D_OUT, "pool");
  ups_deconv_plan *dplan = NULL;
  TU_EXPECT(ups_deconv_plan_create(&d, DW, DB, &dplan) == UPS_OK, "deconv plan");
  EXPECT_ERR(ups_deconv_plan_run_pool(NULL, DIN, DOUT, engine_pool), UPS_ERR_NULL, "plan NULL");
  EXPECT_ERR(ups_deconv_plan_run_pool(dplan, DIN, DIN, engine_pool), UPS_ERR_ALIAS, "alias");
  EXPECT_WRITES(ups_deconv_plan_run_pool(dplan, DIN, DOUT, engine_pool), DOUT, D_OUT, "pool");
  ups_deconv_plan_destroy(dplan);
}

/* --------------------------------------------------------------- deconv */

static void test_deconv_positive(void) {
  ups_isa isas[UPS_ISA_MAX];
  const int ni = tu_isas(isas);
  for (int k = 0; k < ni; k++) {
    const char *nm = ups_isa_name(isas[k]);
    ups_deconv_params d = deconv_base();
    d.isa = isas[k];
    size_t h = 0, w = 0;
    TU_EXPECT(ups_deconv_output_size(&d, &h, &w) == UPS_OK && h == 3 && w == 3,
              "deconv_output_size %zux%zu", h, w);
    arena_reset();
    EXPECT_WRITES(ups_deconv_f32(&d, DIN, DW, DB, DOUT), DOUT, D_OUT, "deconv bias %s", nm);
    EXPECT_WRITES(ups_deconv_f32(&d, DIN, DW, NULL, DOUT), DOUT, D_OUT, "deconv no bias %s", nm);
    /* Inputs may share memory with each other (only the output must not). */
    EXPECT_WRITES(ups_deconv_f32(&d, DW, DW, DW, DOUT), DOUT, D_OUT, "in = weights = bias %s", nm);

    ups_deconv_plan *plan = NULL;
    TU_EXPECT(ups_deconv_plan_create(&d, DW, NULL, &plan) == UPS_OK && plan,
              "plan_create no bias %s", nm);
    if (plan) {
      TU_EXPECT(ups_deconv_plan_isa(plan) == isas[k], "plan isa %s", nm);
      EXPECT_WRITES(ups_deconv_plan_run(plan, DIN, DOUT), DOUT, D_OUT, "plan_run %s", nm);
      ups_deconv_plan_destroy(plan);
    }
    /* Output padding below dilation but not below stride is allowed (PyTorch's
     * rule is "smaller than stride or dilation"), and the reverse. */
    d = deconv_base();
    d.isa = isas[k];
    d.stride_h = 1;
    d.dilation_h = 2;
    d.out_pad_h = 1;
    d.stride_w = 2;
    d.dilation_w = 1;
    d.out_pad_w = 1;
    /* h: 1*1 - 2 + 2*2 + 1 + 1 = 5; w: 1*2 - 2 + 2 + 1 + 1 = 4 */
    TU_EXPECT(ups_deconv_output_size(&d, &h, &w) == UPS_OK && h == 5 && w == 4,
              "out_pad < dilation: %zux%zu", h, w);
    arena_reset();
    EXPECT_WRITES(ups_deconv_f32(&d, DIN, DW, DB, tail(3 * 5 * 4)), tail(3 * 5 * 4), 3 * 5 * 4,
                  "out_pad < dilation, guarded %s", nm);
    /* Zero means the default for groups, stride and dilation. */
    d = deconv_base();
    d.isa = isas[k];
    d.stride_h = d.stride_w = 0;
    d.pad_top = d.pad_left = d.pad_bottom = d.pad_right = 0;
    TU_EXPECT(ups_deconv_output_size(&d, &h, &w) == UPS_OK && h == 4 && w == 4,
              "stride 0 = 1: %zux%zu", h, w);
    arena_reset();
    EXPECT_WRITES(ups_deconv_f32(&d, DIN, DW, DB, DOUT), DOUT, 3 * 4 * 4, "defaults %s", nm);
  }
  /* An exact value: 1x1 kernel, stride 2, bias. */
  arena_reset();
  ups_deconv_params d = {0};
  d.n = d.in_c = d.out_c = d.in_h = d.in_w = d.kernel_h = d.kernel_w = 1;
  float *io = at(4000);
  io[0] = 3.0f, io[1] = 0.5f, io[2] = 1.0f;
  TU_EXPECT(ups_deconv_f32(&d, io, io + 1, io + 2, io + 3) == UPS_OK && io[3] == 2.5f,
            "3 * 0.5 + 1 = %g", (double)io[3]);
}

static void test_deconv_null_shape_enum(void) {
  arena_reset();
  ups_deconv_params d = deconv_base();
  ups_deconv_plan **pl = plan_slot();
  size_t *oh = size_slot(0), *ow = size_slot(1);
  EXPECT_ERR(ups_deconv_f32(NULL, DIN, DW, DB, DOUT), UPS_ERR_NULL, "deconv p NULL");
  EXPECT_ERR(ups_deconv_f32(&d, NULL, DW, DB, DOUT), UPS_ERR_NULL, "deconv in NULL");
  EXPECT_ERR(ups_deconv_f32(&d, DIN, NULL, DB, DOUT), UPS_ERR_NULL, "deconv weights NULL");
  EXPECT_ERR(ups_deconv_f32(&d, DIN, DW, DB, NULL), UPS_ERR_NULL, "deconv out NULL");
  EXPECT_ERR(ups_deconv_plan_create(NULL, DW, DB, pl), UPS_ERR_NULL, "plan_create p NULL");
  EXPECT_ERR(ups_deconv_plan_create(&d, NULL, DB, pl), UPS_ERR_NULL, "plan_create weights NULL");
  EXPECT_ERR(ups_deconv_plan_create(&d, DW, DB, NULL), UPS_ERR_NULL, "plan_create plan NULL");
  EXPECT_ERR(ups_deconv_output_size(NULL, oh, ow), UPS_ERR_NULL, "deconv_output_size p NULL");
  EXPECT_ERR(ups_deconv_output_size(&d, NULL, ow), UPS_ERR_NULL, "deconv_output_size h NULL");
  EXPECT_ERR(ups_deconv_output_size(&d, oh, NULL), UPS_ERR_NULL, "deconv_output_size w NULL");
  ups_deconv_plan *plan = NULL;
  TU_EXPECT(ups_deconv_plan_create(&d, DW, DB, &plan) == UPS_OK, "plan for run NULL tests");
  EXPECT_ERR(ups_deconv_plan_run(NULL, DIN, DOUT), UPS_ERR_NULL, "plan_run plan NULL");
  EXPECT_ERR(ups_deconv_plan_run(plan, NULL, DOUT), UPS_ERR_NULL, "plan_run in NULL");
  EXPECT_ERR(ups_deconv_plan_run(plan, DIN, NULL), UPS_ERR_NULL, "plan_run out NULL");
  ups_deconv_plan_destroy(plan);

  /* Each required size zero on its own: every entry point says SHAPE. */
  for (int i = 0; i < 7; i++) {
    ups_deconv_params q = deconv_base();
    size_t *fld[7] = {&q.n, &q.in_c, &q.in_h, &q.in_w, &q.out_c, &q.kernel_h, &q.kernel_w};
    *fld[i] = 0;
    EXPECT_ERR(ups_deconv_f32(&q, DIN, DW, DB, DOUT), UPS_ERR_SHAPE, "deconv size %d zero", i);
    EXPECT_ERR(ups_deconv_plan_create(&q, DW, DB, pl), UPS_ERR_SHAPE, "plan size %d zero", i);
    EXPECT_ERR(ups_deconv_output_size(&q, oh, ow), UPS_ERR_SHAPE, "output_size size %d zero", i);
  }

  const unsigned bad[3] = {0, 0x7fffffffu, (unsigned)-1};
  for (int i = 0; i < 3; i++) {
    /* one past the last value: 2 (layout, weight layout), ups_isa_count() (isa) */
    const unsigned v2 = i == 0 ? 2u : bad[i], v4 = i == 0 ? (unsigned)ups_isa_count() : bad[i];
    ups_deconv_params q = deconv_base();
    q.layout = (ups_layout)v2;
    EXPECT_ERR(ups_deconv_f32(&q, DIN, DW, DB, DOUT), UPS_ERR_PARAM, "layout %u", v2);
    EXPECT_ERR(ups_deconv_plan_create(&q, DW, DB, pl), UPS_ERR_PARAM, "plan layout %u", v2);
    EXPECT_ERR(ups_deconv_output_size(&q, oh, ow), UPS_ERR_PARAM, "size layout %u", v2);
    q = deconv_base();
    q.weight_layout = (ups_weight_layout)v2;
    EXPECT_ERR(ups_deconv_f32(&q, DIN, DW, DB, DOUT), UPS_ERR_PARAM, "wlayout %u", v2);
    EXPECT_ERR(ups_deconv_plan_create(&q, DW, DB, pl), UPS_ERR_PARAM, "plan wlayout %u", v2);
    q = deconv_base();
    q.isa = (ups_isa)v4;
    EXPECT_ERR(ups_deconv_f32(&q, DIN, DW, DB, DOUT), UPS_ERR_PARAM, "isa %u", v4);
    EXPECT_ERR(ups_deconv_plan_create(&q, DW, DB, pl), UPS_ERR_PARAM, "plan isa %u", v4);
    EXPECT_ERR(ups_deconv_output_size(&q, oh, ow), UPS_ERR_PARAM, "size isa %u", v4);
  }
  /* Both weight layouts and both activation layouts are valid. */
  ups_deconv_params q = deconv_base();
  q.weight_layout = UPS_W_HWOI;
  q.layout = UPS_NHWC;
  EXPECT_WRITES(ups_deconv_f32(&q, DIN, DW, DB, DOUT), DOUT, D_OUT, "HWOI NHWC");
}

static void test_deconv_params(void) {
  arena_reset();
  ups_deconv_plan **pl = plan_slot();
  size_t *oh = size_slot(0), *ow = size_slot(1);
  size_t h, w;
  /* Output padding: PARAM when >= stride AND >= dilation, per axis. */
  for (int axis = 0; axis < 2; axis++) {
    ups_deconv_params d = deconv_base(); /* stride 2, dilation 1 */
    size_t *op = axis ? &d.out_pad_w : &d.out_pad_h;
    *op = 2;
    EXPECT_ERR(ups_deconv_f32(&d, DIN, DW, DB, DOUT), UPS_ERR_PARAM, "out_pad[%d] = stride", axis);
    EXPECT_ERR(ups_deconv_plan_create(&d, DW, DB, pl), UPS_ERR_PARAM, "plan out_pad[%d]", axis);
    EXPECT_ERR(ups_deconv_output_size(&d, oh, ow), UPS_ERR_PARAM, "size out_pad[%d]", axis);
    *op = SIZE_MAX;
    EXPECT_ERR(ups_deconv_output_size(&d, oh, ow), UPS_ERR_PARAM, "out_pad[%d] = SIZE_MAX", axis);
    *op = 1;
    TU_EXPECT(ups_deconv_output_size(&d, &h, &w) == UPS_OK, "out_pad[%d] = stride - 1", axis);
    /* stride 0 means 1: then any output padding >= 1 needs dilation > it. */
    d = deconv_base();
    op = axis ? &d.out_pad_w : &d.out_pad_h;
    *(axis ? &d.stride_w : &d.stride_h) = 0;
    *op = 1;
    EXPECT_ERR(ups_deconv_output_size(&d, oh, ow), UPS_ERR_PARAM, "out_pad[%d] 1, stride 0", axis);
    *(axis ? &d.dilation_w : &d.dilation_h) = 2;
    TU_EXPECT(ups_deconv_output_size(&d, &h, &w) == UPS_OK, "out_pad[%d] 1 < dilation 2", axis);
    *op = 2;
    EXPECT_ERR(ups_deconv_output_size(&d, oh, ow), UPS_ERR_PARAM, "out_pad[%d] = dilation", axis);
  }

  /* Groups must divide both channel counts. */
  ups_deconv_params d = deconv_base(); /* in_c 2, out_c 3 */
  d.groups = 2;
  EXPECT_ERR(ups_deconv_f32(&d, DIN, DW, DB, DOUT), UPS_ERR_SHAPE, "groups 2 vs out_c 3");
  EXPECT_ERR(ups_deconv_plan_create(&d, DW, DB, pl), UPS_ERR_SHAPE, "plan groups 2 vs out_c 3");
  EXPECT_ERR(ups_deconv_output_size(&d, oh, ow), UPS_ERR_SHAPE, "size groups 2 vs out_c 3");
  d.groups = 3;
  EXPECT_ERR(ups_deconv_f32(&d, DIN, DW, DB, DOUT), UPS_ERR_SHAPE, "groups 3 vs in_c 2");
  d.groups = 4;
  d.out_c = 4;
  EXPECT_ERR(ups_deconv_f32(&d, DIN, DW, DB, DOUT), UPS_ERR_SHAPE, "groups 4 > in_c 2");
  d.groups = SIZE_MAX;
  EXPECT_ERR(ups_deconv_f32(&d, DIN, DW, DB, DOUT), UPS_ERR_SHAPE, "groups SIZE_MAX");
  d.groups = 2;
  d.out_c = 4; /* weights 2 * 2 * 9 = 36, out 4 * 9 = 36 */
  EXPECT_WRITES(ups_deconv_f32(&d, DIN, DW, DB, DOUT), DOUT, 36, "groups 2 of 2 and 4");

  /* Pads cropping the whole output (size 0) or more (negative): SHAPE.
   * Base full size per axis: (2-1)*2 + 1*(3-1) + 0 + 1 = 5. */
  for (int side = 0; side < 4; side++) {
    d = deconv_base();
    size_t *pads[4] = {&d.pad_top, &d.pad_bottom, &d.pad_left, &d.pad_right};
    d.pad_top = d.pad_bottom = d.pad_left = d.pad_right = 0;
    *pads[side] = 5;
    EXPECT_ERR(ups_deconv_f32(&d, DIN, DW, DB, DOUT), UPS_ERR_SHAPE, "pad[%d] 5: size 0", side);
    EXPECT_ERR(ups_deconv_plan_create(&d, DW, DB, pl), UPS_ERR_SHAPE, "plan pad[%d] 5", side);
    EXPECT_ERR(ups_deconv_output_size(&d, oh, ow), UPS_ERR_SHAPE, "size pad[%d] 5", side);
    *pads[side] = 6;
    EXPECT_ERR(ups_deconv_output_size(&d, oh, ow), UPS_ERR_SHAPE, "pad[%d] 6: size -1", side);
    *pads[side] = SIZE_MAX;
    EXPECT_ERR(ups_deconv_output_size(&d, oh, ow), UPS_ERR_SHAPE, "pad[%d] SIZE_MAX", side);
    *pads[side] = 4;
    TU_EXPECT(ups_deconv_output_size(&d, &h, &w) == UPS_OK && (side < 2 ? h : w) == 1,
              "pad[%d] 4: size 1", side);
  }
  d = deconv_base();
  d.pad_top = 3;
  d.pad_bottom = 2;
  EXPECT_ERR(ups_deconv_output_size(&d, oh, ow), UPS_ERR_SHAPE, "pads 3 + 2 = full");
  d.pad_top = d.pad_bottom = SIZE_MAX; /* the sum wraps to SIZE_MAX - 1 */
  EXPECT_ERR(ups_deconv_output_size(&d, oh, ow), UPS_ERR_SHAPE, "pads wrap");
  d.pad_top = d.pad_bottom = 2;
  d.out_pad_h = 1; /* adds one row at the bottom: 6 - 4 = 2 */
  TU_EXPECT(ups_deconv_output_size(&d, &h, &w) == UPS_OK && h == 2, "out_pad keeps it positive");
}

static void test_deconv_overflow(void) {
#if SIZE_MAX > 0xffffffffu
  arena_reset();
  const size_t T30 = (size_t)1 << 30, T31 = (size_t)1 << 31, T32 = (size_t)1 << 32;
  const size_t T60 = (size_t)1 << 60;
  size_t *oh = size_slot(0), *ow = size_slot(1);
  ups_deconv_plan **pl = plan_slot();
  size_t h, w;
  ups_deconv_params one = {0};
  one.n = one.in_c = one.out_c = one.in_h = one.in_w = one.kernel_h = one.kernel_w = 1;
  ups_deconv_params d;

  /* Output count: out_c * out_h; 2^31 * (2^30 - 1) fits, 2^31 * 2^30 not. */
  d = one;
  d.out_c = T31;
  d.in_h = T30 - 1;
  TU_EXPECT(ups_deconv_output_size(&d, &h, &w) == UPS_OK && h == T30 - 1, "out count fits");
  d.in_h = T30;
  EXPECT_ERR(ups_deconv_output_size(&d, oh, ow), UPS_ERR_OVERFLOW, "out count 2^61");
  /* Input count alone (the output is 2^30 x 1 x 1). */
  d = one;
  d.in_c = T31;
  d.in_h = T30 - 1;
  TU_EXPECT(ups_deconv_output_size(&d, &h, &w) == UPS_OK, "in count fits");
  d.in_h = T30;
  EXPECT_ERR(ups_deconv_output_size(&d, oh, ow), UPS_ERR_OVERFLOW, "in count 2^61");
  d = one;
  d.in_w = LIM; /* in and out are both LIM floats */
  TU_EXPECT(ups_deconv_output_size(&d, &h, &w) == UPS_OK && w == LIM, "in_w = LIM");
  d.in_w = LIM + 1;
  EXPECT_ERR(ups_deconv_output_size(&d, oh, ow), UPS_ERR_OVERFLOW, "in_w = LIM + 1");

  /* Weight count in_c * out_c/groups * kh * kw alone: pads crop the output to
   * 1x1, so only the weights are big. */
  d = one;
  d.kernel_h = T31;
  d.pad_top = T31 - 1;
  d.kernel_w = T30 - 1;
  d.pad_left = T30 - 2;
  TU_EXPECT(ups_deconv_output_size(&d, &h, &w) == UPS_OK && h == 1 && w == 1, "weights fit");
  d.kernel_w = T30;
  d.pad_left = T30 - 1;
  EXPECT_ERR(ups_deconv_output_size(&d, oh, ow), UPS_ERR_OVERFLOW, "weights 2^61");
  /* ... and the weight count uses out_c / groups. */
  d = one;
  d.in_c = d.out_c = T31;
  d.groups = 2; /* 2^31 * 2^30 */
  EXPECT_ERR(ups_deconv_output_size(&d, oh, ow), UPS_ERR_OVERFLOW, "weights 2^61 (groups 2)");
  d.groups = 4; /* 2^31 * 2^29 */
  TU_EXPECT(ups_deconv_output_size(&d, &h, &w) == UPS_OK, "weights 2^60 (groups 4)");

  /* Products wrapping size_t itself. */
  d = one;
  d.in_c = d.out_c = T32; /* weights 2^64 -> 0 */
  EXPECT_ERR(ups_deconv_output_size(&d, oh, ow), UPS_ERR_OVERFLOW, "weights wrap to 0");
  d = one;
  d.n = T32;
  d.out_c = T32 + 1; /* output count wraps to 2^32 */
  EXPECT_ERR(ups_deconv_output_size(&d, oh, ow), UPS_ERR_OVERFLOW, "out count wraps");

  /* The output-size formula's own intermediates. */
  d = one;
  d.in_h = T32 + 1;
  d.stride_h = T32; /* (in-1)*stride = 2^64 */
  EXPECT_ERR(ups_deconv_output_size(&d, oh, ow), UPS_ERR_OVERFLOW, "(in-1)*stride wraps");
  d = one;
  d.kernel_w = T32 + 1;
  d.dilation_w = T32; /* dilation*(kernel-1) = 2^64 */
  EXPECT_ERR(ups_deconv_output_size(&d, oh, ow), UPS_ERR_OVERFLOW, "dilation*(k-1) wraps");
  d = one;
  d.in_h = 2;
  d.stride_h = SIZE_MAX; /* (in-1)*stride + 1 wraps to 0 */
  EXPECT_ERR(ups_deconv_output_size(&d, oh, ow), UPS_ERR_OVERFLOW, "... + 1 wraps");
  d.pad_top = SIZE_MAX - 1; /* would crop it back to 1, but the intermediate overflowed */
  EXPECT_ERR(ups_deconv_output_size(&d, oh, ow), UPS_ERR_OVERFLOW, "wrap then crop");

  /* Kernels index in ptrdiff_t: in*stride, kernel*dilation and every pad are
   * limited to LIM. Exact edges: */
  d = one;
  d.stride_h = LIM; /* in_h 1: the stride never moves anything */
  TU_EXPECT(ups_deconv_output_size(&d, &h, &w) == UPS_OK && h == 1, "in*stride = LIM");
  d.stride_h = LIM + 1;
  EXPECT_ERR(ups_deconv_output_size(&d, oh, ow), UPS_ERR_OVERFLOW, "in*stride = LIM + 1");
  d = one;
  d.dilation_w = LIM; /* kernel 1: the dilation never moves anything */
  TU_EXPECT(ups_deconv_output_size(&d, &h, &w) == UPS_OK && w == 1, "k*dilation = LIM");
  d.dilation_w = LIM + 1;
  EXPECT_ERR(ups_deconv_output_size(&d, oh, ow), UPS_ERR_OVERFLOW, "k*dilation = LIM + 1");
  /* Pads: full = (2-1)(2^60-1) + (2^60-1)(2-1) + (2^60-2) + 1 = 3*2^60 - 3. */
  for (int side = 0; side < 2; side++) {
    d = one;
    d.in_h = 2;
    d.stride_h = T60 - 1;
    d.kernel_h = 2;
    d.dilation_h = T60 - 1;
    d.out_pad_h = T60 - 2;
    size_t *pad = side ? &d.pad_bottom : &d.pad_top;
    *pad = LIM;
    TU_EXPECT(ups_deconv_output_size(&d, &h, &w) == UPS_OK && h == 3 * T60 - 3 - LIM,
              "pad[%d] = LIM: h %zu", side, h);
    *pad = LIM + 1;
    EXPECT_ERR(ups_deconv_output_size(&d, oh, ow), UPS_ERR_OVERFLOW, "pad[%d] = LIM + 1", side);
  }

  /* The real calls, tiny real buffers placed in < bias < out < weights (the
   * biggest declared range last), out flush against the guard page where it
   * matters. First the passing edge: stride LIM with in_h 1 really runs. */
  float *in = at(8000), *bias = at(8004);
  d = one;
  d.stride_h = LIM;
  d.stride_w = LIM;
  in[0] = 2.0f;
  bias[0] = 0.25f;
  float *wt = tail(1), *out = tail(2);
  *wt = 4.0f;
  TU_EXPECT(ups_deconv_f32(&d, in, wt, bias, out) == UPS_OK && out[0] == 8.25f,
            "stride LIM runs: %g", (double)out[0]);
  d.stride_w = LIM + 1;
  EXPECT_ERR(ups_deconv_f32(&d, in, wt, bias, out), UPS_ERR_OVERFLOW, "stride LIM + 1");
  EXPECT_ERR(ups_deconv_plan_create(&d, wt, bias, pl), UPS_ERR_OVERFLOW, "plan stride LIM + 1");
  out = tail(1);
  wt = at(8008);
  d = one;
  d.out_c = T32;
  d.n = T32 + 1;
  EXPECT_ERR(ups_deconv_f32(&d, in, wt, NULL, out), UPS_ERR_OVERFLOW, "deconv out count wraps");
  d = one;
  d.in_w = LIM + 1;
  EXPECT_ERR(ups_deconv_f32(&d, in, wt, NULL, out), UPS_ERR_OVERFLOW, "deconv in_w LIM + 1");
  wt = tail(1);
  d = one;
  d.kernel_h = T31;
  d.pad_top = T31 - 1;
  d.kernel_w = T30;
  d.pad_left = T30 - 1;
  EXPECT_ERR(ups_deconv_f32(&d, in, wt, bias, at(8008)), UPS_ERR_OVERFLOW, "weights 2^61");
  EXPECT_ERR(ups_deconv_plan_create(&d, wt, bias, pl), UPS_ERR_OVERFLOW, "plan weights 2^61");
#endif
}

/* Valid but enormous weights: packing them cannot be allocated. */
static void test_deconv_nomem(void) {
#if SIZE_MAX > 0xffffffffu
  arena_reset();
  ups_deconv_plan **pl = plan_slot();
  float *in = at(8000), *bias = at(8004), *out = at(8008), *wt = tail(1);
  ups_deconv_params d = {0};
  d.n = d.in_c = d.out_c = d.in_h = d.in_w = d.kernel_w = 1;
  d.kernel_h = LIM; /* the largest weight count there is; output cropped to 1x1 */
  d.pad_top = LIM - 1;
  size_t h = 0, w = 0;
  TU_EXPECT(ups_deconv_output_size(&d, &h, &w) == UPS_OK && h == 1 && w == 1,
            "max weights valid: %zux%zu", h, w);
  ups_isa isas[UPS_ISA_MAX];
  const int ni = tu_isas(isas);
  for (int k = 0; k < ni; k++) {
    const char *nm = ups_isa_name(isas[k]);
    for (int wl = 0; wl < 2; wl++) {
      d.isa = isas[k];
      d.weight_layout = (ups_weight_layout)wl;
      EXPECT_ERR(ups_deconv_f32(&d, in, wt, bias, out), UPS_ERR_NOMEM, "deconv %s wl %d", nm, wl);
      EXPECT_ERR(ups_deconv_plan_create(&d, wt, NULL, pl), UPS_ERR_NOMEM, "plan %s wl %d", nm, wl);
    }
  }
  /* 2^58 weights from channels instead of the kernel. */
  d = (ups_deconv_params){0};
  d.n = d.in_h = d.in_w = d.kernel_h = d.kernel_w = 1;
  d.in_c = (size_t)1 << 29;
  d.out_c = (size_t)1 << 29;
  EXPECT_ERR(ups_deconv_plan_create(&d, wt, NULL, pl), UPS_ERR_NOMEM, "plan 2^58 weights");
#endif
}

static void test_deconv_alias(void) {
  arena_reset();
  ups_deconv_params d = deconv_base(); /* in 8, weights 54, bias 3, out 27 */
  float *in = DIN, *wt = DW, *b = DB;
  struct {
    float *out;
    ups_status want;
    const char *what;
  } cases[] = {
      {in, UPS_ERR_ALIAS, "out == in"},
      {in + D_IN - 1, UPS_ERR_ALIAS, "out starts at in's last float"},
      {in + D_IN, UPS_OK, "out just after in"},
      {wt, UPS_ERR_ALIAS, "out == weights"},
      {wt + D_W - 1, UPS_ERR_ALIAS, "out starts at the last weight"},
      {wt - D_OUT + 1, UPS_ERR_ALIAS, "out ends on the first weight"},
      {wt + 10, UPS_ERR_ALIAS, "out inside weights"},
      {wt + D_W, UPS_OK, "out just after weights"},
      {wt - D_OUT, UPS_OK, "out just before weights"},
      {b, UPS_ERR_ALIAS, "out == bias"},
      {b + D_B - 1, UPS_ERR_ALIAS, "out starts at the last bias"},
      {b - D_OUT + 1, UPS_ERR_ALIAS, "out ends on the first bias"},
      {b - 10, UPS_ERR_ALIAS, "out contains bias"},
      {b + D_B, UPS_OK, "out just after bias"},
      {b - D_OUT, UPS_OK, "out just before bias"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    if (cases[i].want == UPS_OK)
      EXPECT_WRITES(ups_deconv_f32(&d, in, wt, b, cases[i].out), cases[i].out, D_OUT, "%s",
                    cases[i].what);
    else
      EXPECT_ERR(ups_deconv_f32(&d, in, wt, b, cases[i].out), cases[i].want, "%s", cases[i].what);
    arena_reset();
  }
  /* Without a bias, the bias range is free. */
  EXPECT_WRITES(ups_deconv_f32(&d, in, wt, NULL, b), b, D_OUT, "no bias: out at bias");
  arena_reset();
  /* Output overlapping the input by one float from below. */
  EXPECT_ERR(ups_deconv_f32(&d, at(100), wt, b, at(100) - D_OUT + 1), UPS_ERR_ALIAS,
             "out ends on the first input");

  /* A plan copied its weights: only in vs out matters when running. */
  ups_deconv_plan *plan = NULL;
  TU_EXPECT(ups_deconv_plan_create(&d, wt, b, &plan) == UPS_OK, "plan for alias");
  if (plan) {
    EXPECT_ERR(ups_deconv_plan_run(plan, in, in), UPS_ERR_ALIAS, "plan_run out == in");
    EXPECT_ERR(ups_deconv_plan_run(plan, in, in + D_IN - 1), UPS_ERR_ALIAS, "plan_run partial");
    EXPECT_ERR(ups_deconv_plan_run(plan, at(100), at(100) - D_OUT + 1), UPS_ERR_ALIAS,
               "plan_run out ends on in");
    EXPECT_WRITES(ups_deconv_plan_run(plan, in, in + D_IN), in + D_IN, D_OUT, "plan_run adjacent");
    arena_reset();
    EXPECT_WRITES(ups_deconv_plan_run(plan, in, wt), wt, D_OUT, "plan_run over old weights");
    ups_deconv_plan_destroy(plan);
  }
}

static void test_deconv_isa(void) {
  arena_reset();
  ups_deconv_plan **pl = plan_slot();
  size_t *oh = size_slot(0), *ow = size_slot(1);
  int unsupported = 0;
  for (int i = UPS_ISA_AUTO; i < ups_isa_count(); i++) {
    ups_deconv_params d = deconv_base();
    d.isa = (ups_isa)i;
    const char *nm = ups_isa_name(d.isa);
    if (ups_isa_supported(d.isa)) {
      EXPECT_WRITES(ups_deconv_f32(&d, DIN, DW, DB, DOUT), DOUT, D_OUT, "deconv forced %s", nm);
      ups_deconv_plan *plan = NULL;
      TU_EXPECT(ups_deconv_plan_create(&d, DW, DB, &plan) == UPS_OK, "plan forced %s", nm);
      TU_EXPECT(ups_deconv_plan_isa(plan) != UPS_ISA_AUTO, "plan isa resolved (%s)", nm);
      ups_deconv_plan_destroy(plan);
    } else {
      unsupported++;
      EXPECT_ERR(ups_deconv_f32(&d, DIN, DW, DB, DOUT), UPS_ERR_ISA, "deconv forced %s", nm);
      EXPECT_ERR(ups_deconv_plan_create(&d, DW, DB, pl), UPS_ERR_ISA, "plan forced %s", nm);
      EXPECT_ERR(ups_deconv_output_size(&d, oh, ow), UPS_ERR_ISA, "size forced %s", nm);
    }
    arena_reset();
  }
  if (!unsupported) printf("errors: deconv: every ISA id is supported here: no UPS_ERR_ISA case\n");
}

/* ------------------------------------------------------------- upconv */

/* Upconv: 1x2x2x2, nearest 2x, 3 out channels, k3 p1 -> 4x4. */
static ups_upconv_params upconv_base(void) {
  ups_upconv_params u = {0};
  u.n = 1;
  u.in_c = 2;
  u.out_c = 3;
  u.in_h = u.in_w = 2;
  u.factor_h = u.factor_w = 2;
  u.kernel_h = u.kernel_w = 3;
  u.pad_top = u.pad_left = u.pad_bottom = u.pad_right = 1;
  return u;
}
enum { U_IN = 8, U_W = 54, U_B = 3, U_OUT = 48 };

typedef ups_status (*upconv_fn)(const ups_upconv_params *p, const float *in, const float *w,
                                const float *b, float *out);

/* Create + run + destroy (the plan API as a one-shot call), and the same on
 * the engine pool: every error below must come out of them too. */
static ups_status upconv_via_plan(const ups_upconv_params *p, const float *in, const float *w,
                                  const float *b, float *out) {
  ups_upconv_plan *plan = NULL;
  ups_status st = ups_upconv_plan_create(p, w, b, &plan);
  if (st != UPS_OK) return st;
  st = ups_upconv_plan_run(plan, in, out);
  ups_upconv_plan_destroy(plan);
  return st;
}
static ups_status upconv_pool(const ups_upconv_params *p, const float *in, const float *w,
                              const float *b, float *out) {
  return ups_upconv_f32_pool(p, in, w, b, out, engine_pool);
}

static void test_upconv_calls(upconv_fn f, const char *nm) {
  arena_reset();
  size_t *oh = size_slot(0), *ow = size_slot(1);
  float *in = DIN, *wt = DW, *b = DB, *out = DOUT;
  ups_upconv_params u = upconv_base();
  size_t h = 0, w = 0;
  TU_EXPECT(ups_upconv_output_size(&u, &h, &w) == UPS_OK && h == 4 && w == 4, "size %zux%zu", h, w);
  EXPECT_WRITES(f(&u, in, wt, b, out), out, U_OUT, "%s base", nm);
  EXPECT_WRITES(f(&u, in, wt, NULL, out), out, U_OUT, "%s no bias", nm);
  /* NULL */
  EXPECT_ERR(f(NULL, in, wt, b, out), UPS_ERR_NULL, "%s p", nm);
  EXPECT_ERR(f(&u, NULL, wt, b, out), UPS_ERR_NULL, "%s in", nm);
  EXPECT_ERR(f(&u, in, NULL, b, out), UPS_ERR_NULL, "%s weights", nm);
  EXPECT_ERR(f(&u, in, wt, b, NULL), UPS_ERR_NULL, "%s out", nm);
  EXPECT_ERR(ups_upconv_output_size(NULL, oh, ow), UPS_ERR_NULL, "size p");
  EXPECT_ERR(ups_upconv_output_size(&u, NULL, ow), UPS_ERR_NULL, "size h");
  EXPECT_ERR(ups_upconv_output_size(&u, oh, NULL), UPS_ERR_NULL, "size w");
  /* enums */
  struct {
    int field, value;
  } bad_enums[] = {{0, 2}, {0, -1}, {1, 2}, {1, 99}, {2, UPS_OP_DECONV}, {2, 7}, {3, 99}, {3, -1}};
  for (size_t i = 0; i < TU_COUNT(bad_enums); i++) {
    ups_upconv_params q = upconv_base();
    const int v = bad_enums[i].value;
    switch (bad_enums[i].field) {
      case 0: q.layout = (ups_layout)v; break;
      case 1: q.weight_layout = (ups_conv_weight_layout)v; break;
      case 2: q.mode = (ups_operator)v; break;
      default: q.isa = (ups_isa)v; break;
    }
    EXPECT_ERR(f(&q, in, wt, b, out), UPS_ERR_PARAM, "%s enum %zu", nm, i);
    EXPECT_ERR(ups_upconv_output_size(&q, oh, ow), UPS_ERR_PARAM, "size enum %zu", i);
  }
  /* zero sizes, groups, no output pixel */
  size_t *fields[] = {&u.n, &u.in_c, &u.in_h, &u.in_w, &u.out_c, &u.kernel_h, &u.kernel_w};
  for (size_t i = 0; i < TU_COUNT(fields); i++) {
    const size_t keep = *fields[i];
    *fields[i] = 0;
    EXPECT_ERR(f(&u, in, wt, b, out), UPS_ERR_SHAPE, "%s zero field %zu", nm, i);
    EXPECT_ERR(ups_upconv_output_size(&u, oh, ow), UPS_ERR_SHAPE, "size zero field %zu", i);
    *fields[i] = keep;
  }
  u.groups = 2; /* divides in_c = 2, not out_c = 3 */
  EXPECT_ERR(f(&u, in, wt, b, out), UPS_ERR_SHAPE, "%s groups", nm);
  u.groups = 3; /* divides out_c, not in_c */
  EXPECT_ERR(f(&u, in, wt, b, out), UPS_ERR_SHAPE, "%s groups 3", nm);
  u = upconv_base();
  u.pad_top = u.pad_bottom = 0;
  u.kernel_h = 5; /* 4 upsampled rows, span 4: no output row */
  EXPECT_ERR(f(&u, in, wt, b, out), UPS_ERR_SHAPE, "%s no output row", nm);
  EXPECT_ERR(ups_upconv_output_size(&u, oh, ow), UPS_ERR_SHAPE, "size no output row");
  u.kernel_h = 3; /* its neighbour: 2 rows */
  TU_EXPECT(ups_upconv_output_size(&u, &h, &w) == UPS_OK && h == 2 && w == 4, "valid %zux%zu", h, w);
  u = upconv_base();
  u.dilation_w = 3; /* span 6 > 4 + 2 */
  EXPECT_ERR(f(&u, in, wt, b, out), UPS_ERR_SHAPE, "%s dilated: no output column", nm);
  /* defaults: factor, dilation and groups 0 mean 1 */
  u = upconv_base();
  u.factor_h = u.factor_w = 0;
  TU_EXPECT(ups_upconv_output_size(&u, &h, &w) == UPS_OK && h == 2 && w == 2, "f0 %zux%zu", h, w);
  /* overflow */
  u = upconv_base();
  u.factor_h = SIZE_MAX;
  EXPECT_ERR(f(&u, in, wt, b, out), UPS_ERR_OVERFLOW, "%s in*factor wraps", nm);
  EXPECT_ERR(ups_upconv_output_size(&u, oh, ow), UPS_ERR_OVERFLOW, "size in*factor wraps");
  u = upconv_base();
  u.dilation_w = SIZE_MAX / 2 + 1;
  EXPECT_ERR(ups_upconv_output_size(&u, oh, ow), UPS_ERR_OVERFLOW, "dilation*(k-1) wraps");
  u = upconv_base();
  u.pad_top = SIZE_MAX - 2;
  EXPECT_ERR(ups_upconv_output_size(&u, oh, ow), UPS_ERR_OVERFLOW, "pads wrap");
  u = upconv_base();
  u.out_c = SIZE_MAX / 4;
  EXPECT_ERR(f(&u, in, wt, b, out), UPS_ERR_OVERFLOW, "%s weight count", nm);
  u = upconv_base();
  u.factor_w = (size_t)PTRDIFF_MAX / 8;
  EXPECT_ERR(f(&u, in, wt, b, out), UPS_ERR_OVERFLOW, "%s output count", nm);
  /* bilinear: validated like nearest; its workspace is the library's own */
  u = upconv_base();
  u.mode = UPS_OP_BILINEAR;
  TU_EXPECT(ups_upconv_output_size(&u, &h, &w) == UPS_OK && h == 4, "bilinear size");
  EXPECT_WRITES(f(&u, in, wt, b, out), out, U_OUT, "%s bilinear", nm);
  EXPECT_ERR(f(&u, in, wt, b, in + 1), UPS_ERR_ALIAS, "%s bilinear alias", nm);
  u.n = 0;
  EXPECT_ERR(f(&u, in, wt, b, out), UPS_ERR_SHAPE, "%s bilinear n 0", nm);
  /* aliasing: the output overlaps the input, the weights or the bias */
  u = upconv_base();
  EXPECT_ERR(f(&u, in, wt, b, in), UPS_ERR_ALIAS, "%s out == in", nm);
  EXPECT_ERR(f(&u, in, wt, b, in + U_IN - 1), UPS_ERR_ALIAS, "%s out at in's last float", nm);
  if (f != upconv_via_plan) { /* a plan run no longer reads the caller's weights */
    EXPECT_ERR(f(&u, in, wt, b, wt - U_OUT + 1), UPS_ERR_ALIAS, "%s out ends in weights", nm);
    EXPECT_ERR(f(&u, in, wt, b, b + U_B - 1), UPS_ERR_ALIAS, "%s out at bias", nm);
  }
  EXPECT_WRITES(f(&u, in, wt, b, in + U_IN), in + U_IN, U_OUT, "%s out just after in", nm);
  arena_reset();
  EXPECT_WRITES(f(&u, in, wt, NULL, b), b, U_OUT, "%s no bias: out at bias", nm);
  arena_reset();
  /* forced ISAs */
  for (int i = UPS_ISA_AUTO; i < ups_isa_count(); i++) {
    u = upconv_base();
    u.isa = (ups_isa)i;
    if (ups_isa_supported(u.isa)) {
      EXPECT_WRITES(f(&u, in, wt, b, out), out, U_OUT, "%s forced %s", nm, ups_isa_name(u.isa));
      arena_reset();
    } else {
      EXPECT_ERR(f(&u, in, wt, b, out), UPS_ERR_ISA, "%s forced %s", nm, ups_isa_name(u.isa));
      EXPECT_ERR(ups_upconv_output_size(&u, oh, ow), UPS_ERR_ISA, "size forced %s",
                 ups_isa_name(u.isa));
    }
  }
}

/* Plan calls: NULL arguments, the run's overlap check, plan_create's NULL. */
static void test_upconv_plan_errors(void) {
  arena_reset();
  ups_upconv_params u = upconv_base();
  float *in = DIN, *wt = DW, *b = DB, *out = DOUT;
  EXPECT_ERR(ups_upconv_plan_create(&u, wt, b, NULL), UPS_ERR_NULL, "create plan ptr");
  EXPECT_ERR(ups_upconv_plan_run(NULL, in, out), UPS_ERR_NULL, "run NULL plan");
  EXPECT_ERR(ups_upconv_plan_run_pool(NULL, in, out, engine_pool), UPS_ERR_NULL, "run pool NULL");
  TU_EXPECT(ups_upconv_plan_isa(NULL) == UPS_ISA_AUTO, "isa of NULL");
  ups_upconv_plan_destroy(NULL);
  ups_upconv_plan *plan = NULL;
  TU_EXPECT(ups_upconv_plan_create(&u, wt, b, &plan) == UPS_OK, "plan");
  if (plan) {
    EXPECT_ERR(ups_upconv_plan_run(plan, NULL, out), UPS_ERR_NULL, "run in");
    EXPECT_ERR(ups_upconv_plan_run(plan, in, NULL), UPS_ERR_NULL, "run out");
    EXPECT_ERR(ups_upconv_plan_run(plan, in, in + U_IN - 1), UPS_ERR_ALIAS, "run partial");
    EXPECT_ERR(ups_upconv_plan_run_pool(plan, in, in, engine_pool), UPS_ERR_ALIAS, "pool alias");
    EXPECT_WRITES(ups_upconv_plan_run(plan, in, wt), wt, U_OUT, "run over the old weights");
    /* nearest: no workspace, NULL allowed */
    size_t bytes = 1;
    EXPECT_ERR(ups_upconv_plan_workspace_size(plan, NULL), UPS_ERR_NULL, "ws size NULL");
    EXPECT_ERR(ups_upconv_plan_workspace_size(NULL, size_slot(0)), UPS_ERR_NULL, "ws NULL plan");
    TU_EXPECT(ups_upconv_plan_workspace_size(plan, &bytes) == UPS_OK && bytes == 0,
              "nearest workspace %zu", bytes);
    EXPECT_WRITES(ups_upconv_plan_run_ws(plan, in, out, NULL, 0, NULL), out, U_OUT, "ws nearest");
    ups_upconv_plan_destroy(plan);
  }
  EXPECT_ERR(ups_upconv_plan_run_ws(NULL, in, out, at(4096), 4096, NULL), UPS_ERR_NULL,
             "run_ws NULL plan");
  /* bilinear: at least 1x2x(2+2)x(2+2) floats of workspace (the ringed
   * input; the border bands follow), checked before any write */
  u.mode = UPS_OP_BILINEAR;
  plan = NULL;
  TU_EXPECT(ups_upconv_plan_create(&u, wt, b, &plan) == UPS_OK, "bilinear plan");
  if (plan) {
    size_t bytes = 0;
    TU_EXPECT(ups_upconv_plan_workspace_size(plan, &bytes) == UPS_OK &&
                  bytes >= 32 * sizeof(float) && bytes % sizeof(float) == 0 &&
                  bytes < 1024 * sizeof(float),
              "bilinear workspace %zu", bytes);
    float *ws = at(4096);
    EXPECT_ERR(ups_upconv_plan_run_ws(plan, in, out, NULL, bytes, NULL), UPS_ERR_NULL, "ws NULL");
    EXPECT_ERR(ups_upconv_plan_run_ws(plan, NULL, out, ws, bytes, NULL), UPS_ERR_NULL, "ws in");
    EXPECT_ERR(ups_upconv_plan_run_ws(plan, in, NULL, ws, bytes, NULL), UPS_ERR_NULL, "ws out");
    EXPECT_ERR(ups_upconv_plan_run_ws(plan, in, out, ws, bytes - 1, NULL), UPS_ERR_SHAPE,
               "ws short");
    EXPECT_ERR(ups_upconv_plan_run_ws(plan, in, out, (char *)ws + 2, bytes, NULL), UPS_ERR_PARAM,
               "ws misaligned");
    EXPECT_ERR(ups_upconv_plan_run_ws(plan, in, out, in + U_IN - 1, bytes, NULL), UPS_ERR_ALIAS,
               "ws ends in in");
    EXPECT_ERR(ups_upconv_plan_run_ws(plan, in, out, out - 31, bytes, NULL), UPS_ERR_ALIAS,
               "ws reaches out");
    EXPECT_ERR(ups_upconv_plan_run_ws(plan, in, out, out + U_OUT - 1, bytes, engine_pool),
               UPS_ERR_ALIAS, "ws at out's end");
    EXPECT_ERR(ups_upconv_plan_run_ws(plan, in, in + 2, ws, bytes, NULL), UPS_ERR_ALIAS,
               "ws run: out overlaps in");
    TU_EXPECT(ups_upconv_plan_run_ws(plan, in, out, out - bytes / sizeof(float), bytes, NULL) ==
                  UPS_OK,
              "ws just before out");
    TU_EXPECT(ups_upconv_plan_run_ws(plan, in, out, ws, bytes, engine_pool) == UPS_OK, "ws run");
    ups_upconv_plan_destroy(plan);
  }
}

#if SIZE_MAX > 0xffffffffu
/* Valid but too large to transform: pads far beyond the kernel become zero
 * taps of a kernel 2^55 long. */
static void test_upconv_nomem(void) {
  arena_reset();
  /* the output's declared range (2^55 floats) starts after every input */
  float *in = at(8000), *bias = at(8004), *wt = at(8006), *out = at(8008);
  ups_upconv_params u = {0};
  u.n = u.in_c = u.out_c = u.in_h = u.in_w = u.kernel_h = u.kernel_w = 1;
  u.pad_bottom = (size_t)1 << 55; /* 2^57 bytes of weights: no allocator gives them */
  ups_upconv_plan **pl = (ups_upconv_plan **)plan_slot();
  EXPECT_ERR(ups_upconv_f32(&u, in, wt, bias, out), UPS_ERR_NOMEM, "upconv huge zero taps");
  EXPECT_ERR(ups_upconv_plan_create(&u, wt, NULL, pl), UPS_ERR_NOMEM, "plan huge zero taps");
}
#else
static void test_upconv_nomem(void) {}
#endif

int main(void) {
  arena = tu_guarded_alloc(&g_guard, ARENA_BYTES, 1);
  if (!arena) {
    fprintf(stderr, "guarded alloc failed\n");
    return 1;
  }
  test_strings_and_isa();
  test_isa_registry();
  test_isa_fallback();
  test_isa_override();
  test_resize_positive();
  test_resize_null_shape_enum(ups_resize_nearest_f32, 0, "nearest");
  test_resize_null_shape_enum(ups_resize_bilinear_f32, 1, "bilinear");
  test_resize_scale(ups_resize_nearest_f32, 0, "nearest");
  test_resize_scale(ups_resize_bilinear_f32, 1, "bilinear");
  test_resize_output_size();
  test_resize_overflow();
  test_resize_nomem();
  test_resize_alias(ups_resize_nearest_f32, "nearest");
  test_resize_alias(ups_resize_bilinear_f32, "bilinear");
  test_resize_isa(ups_resize_nearest_f32, "nearest");
  test_resize_isa(ups_resize_bilinear_f32, "bilinear");
  /* The same cases through resize plans and pools. */
  if (ups_pool_create_engine(reverse_for, NULL, 4, &engine_pool) != UPS_OK) return 1;
  const resize_fn planned[4] = {plan_nearest, plan_bilinear, pool_nearest, pool_bilinear};
  const char *pnm[4] = {"plan nearest", "plan bilinear", "pool nearest", "pool bilinear"};
  for (int i = 0; i < 4; i++) {
    test_resize_null_shape_enum(planned[i], i % 2, pnm[i]);
    test_resize_scale(planned[i], i % 2, pnm[i]);
    test_resize_alias(planned[i], pnm[i]);
    test_resize_isa(planned[i], pnm[i]);
  }
  test_plan_and_pool_errors();
  test_deconv_positive();
  test_deconv_null_shape_enum();
  test_deconv_params();
  test_deconv_overflow();
  test_deconv_nomem();
  test_deconv_alias();
  test_deconv_isa();
  test_upconv_calls(ups_upconv_f32, "one-shot");
  test_upconv_calls(upconv_via_plan, "plan");
  test_upconv_calls(upconv_pool, "pool");
  test_upconv_plan_errors();
  test_upconv_nomem();
  ups_pool_destroy(engine_pool);
  tu_guarded_free(&g_guard);
  return tu_finish("errors");
}
