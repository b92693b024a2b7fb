/* dispatch.c — CPU feature detection, the UPSIMD_ISA override and the per-ISA
 * kernel tables. The only code in the library that knows which ISAs exist.
 * Detection is a pure function of the CPU and the environment, so racing first
 * calls compute the same answer; it is published with a release store. */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

/* ------------------------------------------------------------ detection */

#if defined(UPSIMD_HAVE_AVX2) && (defined(__x86_64__) || defined(__i386__))
static unsigned long long read_xcr0(void) {
  unsigned int lo, hi;
  /* xgetbv by opcode-free asm: the baseline library is built without -mxsave. */
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return ((unsigned long long)hi << 32) | lo;
}

static int cpu_has_avx2_fma(void) {
  unsigned int a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
  const unsigned int osxsave = 1u << 27, avx = 1u << 28, fma = 1u << 12;
  if ((c & (osxsave | avx | fma)) != (osxsave | avx | fma)) return 0;
  if ((read_xcr0() & 0x6) != 0x6) return 0; /* OS saves XMM and YMM state */
  if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
  return (b >> 5) & 1; /* AVX2 */
}
#endif

static int isa_usable(ups_isa isa) {
  switch (isa) {
    case UPS_ISA_AUTO:
    case UPS_ISA_SCALAR:
      return 1;
    case UPS_ISA_AVX2:
#if defined(UPSIMD_HAVE_AVX2) && (defined(__x86_64__) || defined(__i386__))
      return cpu_has_avx2_fma();
#else
      return 0;
#endif
    case UPS_ISA_NEON:
#if defined(UPSIMD_HAVE_NEON) && defined(__aarch64__)
      return 1; /* AdvSIMD is architectural on AArch64 */
#else
      return 0;
#endif
  }
  return 0;
}

/* Bit i set: ISA i usable. 0 = not computed yet. Bit 31 marks "computed". */
static atomic_uint usable_mask;
static atomic_int selected_isa; /* 0 (AUTO) = not computed yet */

static unsigned int get_usable_mask(void) {
  unsigned int m = atomic_load_explicit(&usable_mask, memory_order_acquire);
  if (m) return m;
  m = 1u << 31;
  for (int i = UPS_ISA_AUTO; i <= UPS_ISA_NEON; i++)
    if (isa_usable((ups_isa)i)) m |= 1u << i;
  atomic_store_explicit(&usable_mask, m, memory_order_release);
  return m;
}

int ups_isa_supported(ups_isa isa) {
  if ((int)isa < (int)UPS_ISA_AUTO || (int)isa > (int)UPS_ISA_NEON) return 0;
  return (get_usable_mask() >> (int)isa) & 1;
}

ups_isa ups_isa_selected(void) {
  int s = atomic_load_explicit(&selected_isa, memory_order_acquire);
  if (s) return (ups_isa)s;
  ups_isa best = UPS_ISA_SCALAR;
  if (ups_isa_supported(UPS_ISA_AVX2)) best = UPS_ISA_AVX2;
  if (ups_isa_supported(UPS_ISA_NEON)) best = UPS_ISA_NEON;
  const char *env = getenv("UPSIMD_ISA");
  if (env) {
    for (int i = UPS_ISA_SCALAR; i <= UPS_ISA_NEON; i++)
      if (strcmp(env, ups_isa_name((ups_isa)i)) == 0 && ups_isa_supported((ups_isa)i))
        best = (ups_isa)i;
  }
  atomic_store_explicit(&selected_isa, (int)best, memory_order_release);
  return best;
}

const char *ups_isa_name(ups_isa isa) {
  switch (isa) {
    case UPS_ISA_AUTO: return "auto";
    case UPS_ISA_SCALAR: return "scalar";
    case UPS_ISA_AVX2: return "avx2";
    case UPS_ISA_NEON: return "neon";
  }
  return "unknown";
}

ups_status ups_isa_resolve(ups_isa requested, ups_isa *resolved) {
  if ((int)requested < (int)UPS_ISA_AUTO || (int)requested > (int)UPS_ISA_NEON)
    return UPS_ERR_PARAM;
  if (requested == UPS_ISA_AUTO) {
    *resolved = ups_isa_selected();
    return UPS_OK;
  }
  if (!ups_isa_supported(requested)) return UPS_ERR_ISA;
  *resolved = requested;
  return UPS_OK;
}

/* ------------------------------------------------------------ tables */

static const ups_kernel_table scalar_table = {
    .nearest_nchw = ups_nearest_nchw_scalar,
    .nearest_nhwc = ups_nearest_nhwc_scalar,
    .bilinear_nchw = ups_bilinear_nchw_scalar,
    .bilinear_nhwc = ups_bilinear_nhwc_scalar,
    .deconv = {ups_deconv_packed_bytes_scalar, ups_deconv_pack_scalar, ups_deconv_run_scalar},
};

/* A variant's table with its NULL slots taken from scalar. */
static ups_kernel_table complete(const ups_kernel_table *t) {
  ups_kernel_table r = *t;
  if (!r.nearest_nchw) r.nearest_nchw = scalar_table.nearest_nchw;
  if (!r.nearest_nhwc) r.nearest_nhwc = scalar_table.nearest_nhwc;
  if (!r.bilinear_nchw) r.bilinear_nchw = scalar_table.bilinear_nchw;
  if (!r.bilinear_nhwc) r.bilinear_nhwc = scalar_table.bilinear_nhwc;
  if (!r.deconv.run) r.deconv = scalar_table.deconv;
  return r;
}

static const ups_kernel_table *builtin_table(ups_isa isa) {
  switch (isa) {
#if defined(UPSIMD_HAVE_AVX2)
    case UPS_ISA_AVX2: return &ups_kernel_table_avx2;
#endif
#if defined(UPSIMD_HAVE_NEON)
    case UPS_ISA_NEON: return &ups_kernel_table_neon;
#endif
    default: return &scalar_table;
  }
}

/* The completed tables are built once (a pure function of constant data, so
 * racing builders write identical bytes under a release flag). */
static ups_kernel_table completed[UPS_ISA_NEON + 1];
static atomic_int completed_ready;
static const ups_kernel_table *overrides[UPS_ISA_NEON + 1];

const ups_kernel_table *ups_kernels_for(ups_isa resolved) {
  if (overrides[resolved]) return overrides[resolved];
  if (!atomic_load_explicit(&completed_ready, memory_order_acquire)) {
    static atomic_flag building = ATOMIC_FLAG_INIT;
    if (!atomic_flag_test_and_set_explicit(&building, memory_order_acquire)) {
      for (int i = UPS_ISA_SCALAR; i <= UPS_ISA_NEON; i++)
        completed[i] = complete(builtin_table((ups_isa)i));
      atomic_store_explicit(&completed_ready, 1, memory_order_release);
    } else {
      while (!atomic_load_explicit(&completed_ready, memory_order_acquire)) {
      }
    }
  }
  return &completed[resolved];
}

void ups_kernels_override_for_testing(ups_isa isa, const ups_kernel_table *table) {
  if ((int)isa <= (int)UPS_ISA_AUTO || (int)isa > (int)UPS_ISA_NEON) return;
  static ups_kernel_table filled[UPS_ISA_NEON + 1];
  if (!table) {
    overrides[isa] = NULL;
    return;
  }
  filled[isa] = complete(table);
  overrides[isa] = &filled[isa];
}
