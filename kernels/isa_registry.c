/* isa_registry.c — the ISA registry: the one table that knows which ISAs
 * exist (id, name, parent, detection, kernel table), the UPSIMD_ISA override,
 * and the kernel tables completed through each ISA's parents. Everything else
 * (the rest of the library, tests, bench, report) asks the functions below.
 * Detection is a pure function of the CPU and the environment, so racing first
 * calls compute the same answer; it is published with release stores.
 *
 * Adding an ISA: one entry in `registry` (below, with its detection), its
 * folder of kernels defining `ups_kernel_table_<name>`, its ups_isa value
 * appended in upsimd.h, and one upsimd_isa() line in CMakeLists.txt, which
 * defines UPSIMD_HAVE_<NAME> when it is built (docs/architecture.md). */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#define UPS_MAYBE_UNUSED __attribute__((unused))

/* ------------------------------------------------------------ detection */

static int detect_always(void) { return 1; }

#if defined(__x86_64__) || defined(__i386__)
static unsigned long long read_xcr0(void) {
  unsigned int lo, hi;
  /* xgetbv by opcode-free asm: the baseline library is built without -mxsave. */
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return ((unsigned long long)hi << 32) | lo;
}

/* AVX2 + FMA, and the OS saves the XMM and YMM state. */
static UPS_MAYBE_UNUSED int detect_avx2(void) {
  unsigned int a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
  const unsigned int osxsave = 1u << 27, avx = 1u << 28, fma = 1u << 12;
  if ((c & (osxsave | avx | fma)) != (osxsave | avx | fma)) return 0;
  if ((read_xcr0() & 0x6) != 0x6) return 0;
  if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
  return (b >> 5) & 1;
}

/* AVX-512 F, BW, DQ and VL, and the OS saves the opmask and ZMM state
 * (XCR0 bits 5-7) as well as XMM and YMM. */
static UPS_MAYBE_UNUSED int detect_avx512(void) {
  unsigned int a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
  if (!((c >> 27) & 1)) return 0; /* OSXSAVE */
  if ((read_xcr0() & 0xe6) != 0xe6) return 0;
  if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
  const unsigned int f = 1u << 16, dq = 1u << 17, bw = 1u << 30, vl = 1u << 31;
  return (b & (f | dq | bw | vl)) == (f | dq | bw | vl);
}
#endif

/* ------------------------------------------------------------ the registry */

/* An ISA whose kernels are not built in has a NULL table and detection. */
#define ISA_NOT_BUILT NULL, NULL

#ifdef UPSIMD_HAVE_AVX2
extern const ups_kernel_table ups_kernel_table_avx2;
#define ISA_AVX2 detect_avx2, &ups_kernel_table_avx2
#else
#define ISA_AVX2 ISA_NOT_BUILT
#endif
#ifdef UPSIMD_HAVE_AVX512
extern const ups_kernel_table ups_kernel_table_avx512;
#define ISA_AVX512 detect_avx512, &ups_kernel_table_avx512
#else
#define ISA_AVX512 ISA_NOT_BUILT
#endif
#ifdef UPSIMD_HAVE_NEON
extern const ups_kernel_table ups_kernel_table_neon;
#define ISA_NEON detect_always, &ups_kernel_table_neon /* AdvSIMD is baseline AArch64 */
#else
#define ISA_NEON ISA_NOT_BUILT
#endif

/* Indexed by id (tests/test_errors.c checks it); a parent comes before its
 * children. */
static const ups_isa_desc registry[] = {
    {UPS_ISA_AUTO, "auto", UPS_ISA_AUTO, NULL, NULL},
    {UPS_ISA_SCALAR, "scalar", UPS_ISA_AUTO, detect_always, &ups_kernel_table_scalar},
    {UPS_ISA_AVX2, "avx2", UPS_ISA_SCALAR, ISA_AVX2},
    {UPS_ISA_NEON, "neon", UPS_ISA_SCALAR, ISA_NEON},
    {UPS_ISA_AVX512, "avx512", UPS_ISA_AVX2, ISA_AVX512},
};
#define N_ISA ((int)(sizeof registry / sizeof registry[0]))
_Static_assert(N_ISA <= (int)UPS_ISA_MAX, "raise UPS_ISA_MAX in internal.h");

/* Preference: a deeper ISA (more ancestors) beats its ancestors; among
 * unrelated ones (avx2, neon) only one is ever usable. */
static int depth(int i) {
  int d = 0;
  while (i > UPS_ISA_AUTO) i = (int)registry[i].parent, d++;
  return d;
}

/* ------------------------------------------------------------ queries */

int ups_isa_count(void) { return N_ISA; }

const ups_isa_desc *ups_isa_desc_of(ups_isa isa) {
  return (int)isa > (int)UPS_ISA_AUTO && (int)isa < N_ISA ? &registry[isa] : NULL;
}

int ups_isa_built(ups_isa isa) {
  const ups_isa_desc *d = ups_isa_desc_of(isa);
  return d && d->table != NULL;
}

ups_isa ups_isa_parent(ups_isa isa) {
  const ups_isa_desc *d = ups_isa_desc_of(isa);
  return d ? d->parent : UPS_ISA_AUTO;
}

const char *ups_isa_name(ups_isa isa) {
  return (int)isa >= (int)UPS_ISA_AUTO && (int)isa < N_ISA ? registry[isa].name : "unknown";
}

ups_status ups_isa_from_name(const char *name, ups_isa *isa) {
  if (!name || !isa) return UPS_ERR_NULL;
  for (int i = 0; i < N_ISA; i++)
    if (strcmp(name, registry[i].name) == 0) {
      *isa = (ups_isa)i;
      return UPS_OK;
    }
  return UPS_ERR_PARAM;
}

/* Bit i set: ISA i usable (built in, detected, and so are its ancestors,
 * whose kernels fill its empty slots). Bit 31 marks "computed". */
static atomic_uint usable_mask;
static atomic_int selected_isa; /* 0 (AUTO) = not computed yet */

static unsigned int get_usable_mask(void) {
  unsigned int m = atomic_load_explicit(&usable_mask, memory_order_acquire);
  if (m) return m;
  m = 1u << 31 | 1u << UPS_ISA_AUTO;
  for (int i = 1; i < N_ISA; i++) { /* parents come before their children */
    const ups_isa_desc *d = &registry[i];
    if (!d->table || !d->detect || !d->detect()) continue;
    /* the nearest built-in ancestor (whose kernels fill the empty slots)
     * must be usable too */
    int a = (int)d->parent;
    while (a > UPS_ISA_AUTO && !registry[a].table) a = (int)registry[a].parent;
    if (a == UPS_ISA_AUTO || (m >> a & 1)) m |= 1u << i;
  }
  atomic_store_explicit(&usable_mask, m, memory_order_release);
  return m;
}

int ups_isa_supported(ups_isa isa) {
  if ((int)isa < (int)UPS_ISA_AUTO || (int)isa >= N_ISA) return 0;
  return (get_usable_mask() >> (int)isa) & 1;
}

ups_isa ups_isa_selected(void) {
  int s = atomic_load_explicit(&selected_isa, memory_order_acquire);
  if (s) return (ups_isa)s;
  int best = UPS_ISA_SCALAR;
  for (int i = 1; i < N_ISA; i++)
    if (ups_isa_supported((ups_isa)i) && depth(i) > depth(best)) best = i;
  ups_isa env;
  if (ups_isa_from_name(getenv("UPSIMD_ISA"), &env) == UPS_OK && env != UPS_ISA_AUTO &&
      ups_isa_supported(env))
    best = (int)env;
  atomic_store_explicit(&selected_isa, best, memory_order_release);
  return (ups_isa)best;
}

ups_status ups_isa_resolve(ups_isa requested, ups_isa *resolved) {
  if ((int)requested < (int)UPS_ISA_AUTO || (int)requested >= N_ISA) return UPS_ERR_PARAM;
  if (requested == UPS_ISA_AUTO) {
    *resolved = ups_isa_selected();
    return UPS_OK;
  }
  if (!ups_isa_supported(requested)) return UPS_ERR_ISA;
  *resolved = requested;
  return UPS_OK;
}

/* ------------------------------------------------------------ tables */

/* Slot s of ISA i: its own kernel (from `own`: the built-in table or a test
 * override), else its parent's (recursively); scalar fills every slot. *from
 * gets the ISA whose kernel it is. */
#define FILL(field)                                                        \
  do {                                                                     \
    for (int j = (int)registry[i].parent; j > UPS_ISA_AUTO; j = (int)registry[j].parent) \
      if (registry[j].table && registry[j].table->field.run) {             \
        t->field = registry[j].table->field;                               \
        from->field = j;                                                   \
        break;                                                             \
      }                                                                    \
  } while (0)

typedef struct slot_origin {
  int nearest[2], bilinear[2], deconv[2];
} slot_origin;

static void complete(int i, const ups_kernel_table *own, ups_kernel_table *t, slot_origin *from) {
  memset(t, 0, sizeof *t);
  for (int l = 0; l < 2; l++) {
    if (own && own->nearest[l].run) {
      t->nearest[l] = own->nearest[l], from->nearest[l] = i;
    } else {
      FILL(nearest[l]);
    }
    if (own && own->bilinear[l].run) {
      t->bilinear[l] = own->bilinear[l], from->bilinear[l] = i;
    } else {
      FILL(bilinear[l]);
    }
    if (own && own->deconv[l].run) {
      t->deconv[l] = own->deconv[l], from->deconv[l] = i;
    } else {
      FILL(deconv[l]);
    }
  }
}
#undef FILL

/* The completed tables are built once (a pure function of constant data, so
 * racing builders write identical bytes under a release flag). */
static ups_kernel_table completed[N_ISA];
static slot_origin origin[N_ISA];
static atomic_int completed_ready;
static const ups_kernel_table *overrides[N_ISA];

static void build_completed(void) {
  if (atomic_load_explicit(&completed_ready, memory_order_acquire)) return;
  static atomic_flag building = ATOMIC_FLAG_INIT;
  if (!atomic_flag_test_and_set_explicit(&building, memory_order_acquire)) {
    for (int i = 1; i < N_ISA; i++) complete(i, registry[i].table, &completed[i], &origin[i]);
    atomic_store_explicit(&completed_ready, 1, memory_order_release);
  } else {
    while (!atomic_load_explicit(&completed_ready, memory_order_acquire)) {
    }
  }
}

const ups_kernel_table *ups_kernels_for(ups_isa resolved) {
  if (overrides[resolved]) return overrides[resolved];
  build_completed();
  return &completed[resolved];
}

ups_isa ups_isa_kernel_variant(ups_isa isa, ups_operator op, ups_layout layout) {
  if (isa == UPS_ISA_AUTO) isa = ups_isa_selected();
  if (!ups_isa_built(isa) || (unsigned)layout > (unsigned)UPS_NHWC) return UPS_ISA_AUTO;
  build_completed();
  const slot_origin *o = &origin[isa];
  switch (op) {
    case UPS_OP_NEAREST: return (ups_isa)o->nearest[layout];
    case UPS_OP_BILINEAR: return (ups_isa)o->bilinear[layout];
    case UPS_OP_DECONV: return (ups_isa)o->deconv[layout];
  }
  return UPS_ISA_AUTO;
}

void ups_kernels_override_for_testing(ups_isa isa, const ups_kernel_table *table) {
  if ((int)isa <= (int)UPS_ISA_AUTO || (int)isa >= N_ISA) return;
  static ups_kernel_table filled[N_ISA];
  static slot_origin ignored;
  if (!table) {
    overrides[isa] = NULL;
    return;
  }
  complete((int)isa, table, &filled[isa], &ignored);
  overrides[isa] = &filled[isa];
}
