/* topology.c — hwloc: the CPU model, core count and cache sizes that go into
 * the benchmark context, pinning of the timing thread, and the `--info`
 * report (ISAs built, usable, AUTO's pick, each ISA's parent, and which
 * variant's kernel runs per operator and layout). Every ISA fact comes from
 * the library's registry, so a new ISA needs no change here. */
#include <hwloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__aarch64__) && defined(__linux__)
#include <sys/auxv.h>
#endif

#include "gbench.h"
#include "harness.h"

/* ------------------------------------------------------------ AArch64 CPU
 * Arm cores have no model string: the kernel's /proc/cpuinfo gives "CPU
 * implementer" and "CPU part" (the fields of MIDR_EL1), and hwloc passes
 * them on without a name. The names below are lscpu's (util-linux), so a
 * results folder is the same whether scripts/bench names it from lscpu or
 * from the harness. Under qemu-user the MIDR is that of the emulated CPU
 * (`-cpu max`, the default, is implementer 0, part 'Q': "QEMU-max"). */
#if defined(__aarch64__) && defined(__linux__)
typedef struct arm_part {
  unsigned implementer, part;
  const char *name;
} arm_part;

static const arm_part arm_parts[] = {
    {0x41, 0xd03, "Cortex-A53"},  {0x41, 0xd04, "Cortex-A35"},   {0x41, 0xd05, "Cortex-A55"},
    {0x41, 0xd07, "Cortex-A57"},  {0x41, 0xd08, "Cortex-A72"},   {0x41, 0xd09, "Cortex-A73"},
    {0x41, 0xd0a, "Cortex-A75"},  {0x41, 0xd0b, "Cortex-A76"},   {0x41, 0xd0c, "Neoverse-N1"},
    {0x41, 0xd0d, "Cortex-A77"},  {0x41, 0xd0e, "Cortex-A76AE"}, {0x41, 0xd40, "Neoverse-V1"},
    {0x41, 0xd41, "Cortex-A78"},  {0x41, 0xd42, "Cortex-A78AE"}, {0x41, 0xd44, "Cortex-X1"},
    {0x41, 0xd46, "Cortex-A510"}, {0x41, 0xd47, "Cortex-A710"},  {0x41, 0xd48, "Cortex-X2"},
    {0x41, 0xd49, "Neoverse-N2"}, {0x41, 0xd4a, "Neoverse-E1"},  {0x41, 0xd4b, "Cortex-A78C"},
    {0x41, 0xd4c, "Cortex-X1C"},  {0x41, 0xd4d, "Cortex-A715"},  {0x41, 0xd4e, "Cortex-X3"},
    {0x41, 0xd4f, "Neoverse-V2"}, {0x41, 0xd80, "Cortex-A520"},  {0x41, 0xd81, "Cortex-A720"},
    {0x41, 0xd82, "Cortex-X4"},   {0x41, 0xd84, "Neoverse-V3"},  {0x41, 0xd85, "Cortex-X925"},
    {0x41, 0xd87, "Cortex-A725"}, {0x41, 0xd8e, "Neoverse-N3"},
    {0x46, 0x001, "A64FX"},
    {0x48, 0xd01, "TaiShan-v110"}, /* Kunpeng 920 */
    {0x4e, 0x004, "Carmel"},
    {0x51, 0x001, "Oryon"},
    {0x61, 0x022, "Icestorm"},    {0x61, 0x023, "Firestorm"},    {0x61, 0x032, "Blizzard"},
    {0x61, 0x033, "Avalanche"},
    {0xc0, 0xac3, "Ampere-1"},    {0xc0, 0xac4, "Ampere-1a"},
    {0x00, 0x051, "QEMU-max"}, /* QEMU's `max` CPU: implementer 0 ("software"), part 'Q' */
};

static const struct {
  unsigned implementer;
  const char *vendor;
} arm_vendors[] = {{0x41, "ARM"},      {0x42, "Broadcom"}, {0x43, "Cavium"},
                   {0x46, "Fujitsu"},  {0x48, "HiSilicon"}, {0x4e, "NVIDIA"},
                   {0x50, "APM"},      {0x51, "Qualcomm"}, {0x61, "Apple"},
                   {0x6d, "Microsoft"}, {0xc0, "Ampere"}};

/* MIDR_EL1 of CPU `cpu` (OS index): sysfs, else its /proc/cpuinfo block.
 * Returns 0 when neither has it (qemu-user shows the host's files). */
static uint64_t midr_from_files(int cpu) {
  char path[96];
  snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu%d/regs/identification/midr_el1", cpu);
  FILE *f = fopen(path, "r");
  if (f) {
    unsigned long long v = 0;
    const int ok = fscanf(f, "%llx", &v) == 1;
    fclose(f);
    if (ok && v) return (uint64_t)v;
  }
  f = fopen("/proc/cpuinfo", "r");
  if (!f) return 0;
  char line[256];
  int block = -1, found = 0;
  unsigned long impl = 0, variant = 0, part = 0, rev = 0, have = 0;
  while (fgets(line, sizeof line, f)) {
    char *colon = strchr(line, ':');
    if (!colon) continue;
    const char *val = colon + 1;
    if (strncmp(line, "processor", 9) == 0) {
      if (found) break; /* the block of `cpu` is complete */
      block = atoi(val);
      continue;
    }
    if (block != cpu && !(cpu < 0 && block >= 0)) continue;
    if (strncmp(line, "CPU implementer", 15) == 0) impl = strtoul(val, NULL, 0), have |= 1;
    else if (strncmp(line, "CPU variant", 11) == 0) variant = strtoul(val, NULL, 0);
    else if (strncmp(line, "CPU part", 8) == 0) part = strtoul(val, NULL, 0), have |= 2;
    else if (strncmp(line, "CPU revision", 12) == 0) rev = strtoul(val, NULL, 0);
    found = have == 3;
  }
  fclose(f);
  if (!found) return 0;
  return (uint64_t)((impl & 0xff) << 24 | (variant & 0xf) << 20 | 0xful << 16 |
                    (part & 0xfff) << 4 | (rev & 0xf));
}

/* MIDR_EL1 of the core the calling thread runs on: the kernel (and
 * qemu-user) emulate this read for user space when HWCAP_CPUID is set. */
static uint64_t midr_from_register(void) {
#ifndef HWCAP_CPUID
#define HWCAP_CPUID (1ul << 11)
#endif
  if (!(getauxval(AT_HWCAP) & HWCAP_CPUID)) return 0;
  uint64_t v;
  __asm__ volatile("mrs %0, midr_el1" : "=r"(v));
  return v;
}

static void arm_cpu_name(uint64_t midr, char *out, size_t size) {
  const unsigned impl = (unsigned)(midr >> 24) & 0xff, part = (unsigned)(midr >> 4) & 0xfff;
  for (size_t i = 0; i < sizeof arm_parts / sizeof arm_parts[0]; i++)
    if (arm_parts[i].implementer == impl && arm_parts[i].part == part) {
      snprintf(out, size, "%s", arm_parts[i].name);
      return;
    }
  for (size_t i = 0; i < sizeof arm_vendors / sizeof arm_vendors[0]; i++)
    if (arm_vendors[i].implementer == impl) {
      snprintf(out, size, "%s part 0x%03x", arm_vendors[i].vendor, part);
      return;
    }
  snprintf(out, size, "implementer 0x%02x part 0x%03x", impl, part);
}
#endif

/* The architecture this harness was built for (under qemu-user, uname -m
 * would name the host's); in results folder names (scripts/bench). */
#if defined(__x86_64__)
#define BENCH_ARCH "x86_64"
#elif defined(__aarch64__)
#define BENCH_ARCH "aarch64"
#elif defined(__i386__)
#define BENCH_ARCH "i386"
#elif defined(__arm__)
#define BENCH_ARCH "arm"
#elif defined(__riscv) && __riscv_xlen == 64
#define BENCH_ARCH "riscv64"
#elif defined(__powerpc64__)
#define BENCH_ARCH "ppc64"
#else
#define BENCH_ARCH "unknown"
#endif

/* Strips leading and trailing blanks in place: x86 CPUID brand strings are
 * padded to 48 bytes with spaces (hwloc passes them on), and a padded model
 * would end up in info.txt, the JSON context and the results tables. */
static void trim_blanks(char *s) {
  size_t n = strlen(s), start = 0;
  while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n')) s[--n] = 0;
  while (s[start] == ' ' || s[start] == '\t') start++;
  if (start) memmove(s, s + start, n - start + 1);
}

static size_t cache_size(hwloc_topology_t topo, hwloc_obj_type_t type) {
  hwloc_obj_t o = hwloc_get_obj_by_type(topo, type, 0);
  return o && o->attr ? (size_t)o->attr->cache.size : 0;
}

int bench_topology_init(bench_topology *t, int pin_pu) {
  memset(t, 0, sizeof *t);
  t->pinned_pu = -1;
  snprintf(t->cpu_model, sizeof t->cpu_model, "unknown");
  unsigned v = hwloc_get_api_version();
  snprintf(t->hwloc_version, sizeof t->hwloc_version, "%u.%u.%u", v >> 16, (v >> 8) & 0xff,
           v & 0xff);
  hwloc_topology_t topo;
  if (hwloc_topology_init(&topo) != 0) return 1;
  if (hwloc_topology_load(topo) != 0) {
    hwloc_topology_destroy(topo);
    return 1;
  }
  hwloc_obj_t pkg = hwloc_get_obj_by_type(topo, HWLOC_OBJ_PACKAGE, 0);
  const char *model = pkg ? hwloc_obj_get_info_by_name(pkg, "CPUModel") : NULL;
  if (!model) model = hwloc_obj_get_info_by_name(hwloc_get_root_obj(topo), "CPUModel");
  if (model) snprintf(t->cpu_model, sizeof t->cpu_model, "%s", model);
  trim_blanks(t->cpu_model);
  if (!t->cpu_model[0]) snprintf(t->cpu_model, sizeof t->cpu_model, "unknown");
  t->packages = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PACKAGE);
  t->cores = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_CORE);
  t->pus = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PU);
  t->l1d_bytes = cache_size(topo, HWLOC_OBJ_L1CACHE);
  t->l2_bytes = cache_size(topo, HWLOC_OBJ_L2CACHE);
  t->l3_bytes = cache_size(topo, HWLOC_OBJ_L3CACHE);

  /* The PU the timing thread runs on (pinned or would be by default). */
  hwloc_obj_t last_pu =
      t->pus > 0 ? hwloc_get_obj_by_type(topo, HWLOC_OBJ_PU, (unsigned)t->pus - 1) : NULL;
  int model_pu = last_pu ? (int)last_pu->os_index : -1;
  if (pin_pu != -2 && t->pus > 0) {
    /* The last PU by default: the OS tends to start other work on the first. */
    hwloc_obj_t pu = pin_pu == -1 ? hwloc_get_obj_by_type(topo, HWLOC_OBJ_PU, (unsigned)t->pus - 1)
                                  : hwloc_get_pu_obj_by_os_index(topo, (unsigned)pin_pu);
    if (pu && hwloc_set_cpubind(topo, pu->cpuset, HWLOC_CPUBIND_THREAD) == 0) {
      t->pinned_pu = (int)pu->os_index;
      model_pu = t->pinned_pu;
    } else {
      fprintf(stderr, "upsimd-bench: warning: could not pin the timing thread%s\n",
              pu ? "" : " (no such PU)");
    }
  }
  hwloc_topology_destroy(topo);
#if defined(__aarch64__) && defined(__linux__)
  /* The model of the core the timing thread runs on (big.LITTLE: the last
   * PU is usually a big core); the MIDR's name wins over hwloc's CPUModel,
   * which on AArch64 is either absent or, under qemu-user, the host's. */
  t->midr = midr_from_files(model_pu);
  if (!t->midr) t->midr = midr_from_register();
  if (t->midr) arm_cpu_name(t->midr, t->cpu_model, sizeof t->cpu_model);
#else
  (void)model_pu;
#endif
  return 0;
}

int bench_topology_core_pus(int n, int *pus) {
  hwloc_topology_t topo;
  if (hwloc_topology_init(&topo) != 0) return 0;
  if (hwloc_topology_load(topo) != 0) {
    hwloc_topology_destroy(topo);
    return 0;
  }
  const int cores = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_CORE);
  int found = 0;
  /* The last cores first: the timing thread's default PU is the last. */
  for (int c = cores - 1; c >= 0 && found < n; c--) {
    hwloc_obj_t core = hwloc_get_obj_by_type(topo, HWLOC_OBJ_CORE, (unsigned)c);
    hwloc_obj_t pu = core ? hwloc_get_obj_inside_cpuset_by_type(topo, core->cpuset,
                                                                 HWLOC_OBJ_PU, 0)
                          : NULL;
    if (pu) pus[found++] = (int)pu->os_index;
  }
  hwloc_topology_destroy(topo);
  return found;
}

int bench_bind_thread_pus(const int *pus, int n) {
  hwloc_topology_t topo;
  if (hwloc_topology_init(&topo) != 0) return 1;
  if (hwloc_topology_load(topo) != 0) {
    hwloc_topology_destroy(topo);
    return 1;
  }
  hwloc_bitmap_t set = hwloc_bitmap_alloc();
  if (n < 0) hwloc_bitmap_copy(set, hwloc_topology_get_complete_cpuset(topo));
  for (int i = 0; i < n; i++) hwloc_bitmap_set(set, (unsigned)pus[i]);
  const int bad = hwloc_set_cpubind(topo, set, HWLOC_CPUBIND_THREAD) != 0;
  hwloc_bitmap_free(set);
  hwloc_topology_destroy(topo);
  return bad;
}

static void add_size(const char *key, size_t v) {
  char buf[32];
  snprintf(buf, sizeof buf, "%zu", v);
  gbench_add_context(key, buf);
}

void bench_topology_add_context(const bench_topology *t) {
  char buf[32];
  gbench_add_context("cpu_model", t->cpu_model);
  gbench_add_context("cpu_arch", BENCH_ARCH);
  if (t->midr) {
    snprintf(buf, sizeof buf, "0x%08llx", (unsigned long long)t->midr);
    gbench_add_context("cpu_midr", buf);
  }
  add_size("cpu_packages", (size_t)t->packages);
  add_size("cpu_cores", (size_t)t->cores);
  add_size("cpu_pus", (size_t)t->pus);
  add_size("cache_l1d_bytes", t->l1d_bytes);
  add_size("cache_l2_bytes", t->l2_bytes);
  add_size("cache_l3_bytes", t->l3_bytes);
  snprintf(buf, sizeof buf, "%d", t->pinned_pu);
  gbench_add_context("pinned_pu", t->pinned_pu >= 0 ? buf : "none");
  gbench_add_context("hwloc_version", t->hwloc_version);
}

static void print_size(FILE *f, const char *what, size_t bytes) {
  if (bytes == 0)
    fprintf(f, "  %-6s none\n", what);
  else if (bytes >= (1u << 20) && bytes % (1u << 20) == 0)
    fprintf(f, "  %-6s %zu MiB\n", what, bytes >> 20);
  else
    fprintf(f, "  %-6s %zu KiB\n", what, bytes >> 10);
}

/* A table cell: padded, except the last of a row (no trailing blanks). */
static void cell(FILE *f, const char *text, int last) { fprintf(f, last ? " %s" : " %-10s", text); }
static int last_built(int i, int count) {
  for (int j = i + 1; j < count; j++)
    if (ups_isa_built((ups_isa)j)) return 0;
  return 1;
}

/* Which variant's kernel runs for each built-in ISA, operator and layout
 * (an ISA without its own kernel for a slot runs its nearest ancestor's). */
static void print_kernel_table(FILE *f) {
  static const char *const ops[] = {"nearest", "bilinear", "deconv"};
  static const char *const layouts[] = {"nchw", "nhwc"};
  const int count = ups_isa_count();
  fprintf(f, "kernel that runs (operator/layout x ISA asked for; built-in ISAs):\n");
  fprintf(f, "  %-16s", "");
  for (int i = UPS_ISA_SCALAR; i < count; i++)
    if (ups_isa_built((ups_isa)i)) cell(f, ups_isa_name((ups_isa)i), last_built(i, count));
  fprintf(f, "\n");
  for (int op = UPS_OP_NEAREST; op <= UPS_OP_DECONV; op++)
    for (int l = UPS_NCHW; l <= UPS_NHWC; l++) {
      char row[32];
      snprintf(row, sizeof row, "%s/%s", ops[op], layouts[l]);
      fprintf(f, "  %-16s", row);
      for (int i = UPS_ISA_SCALAR; i < count; i++)
        if (ups_isa_built((ups_isa)i))
          cell(f, ups_isa_name(ups_isa_kernel_variant((ups_isa)i, (ups_operator)op, (ups_layout)l)),
               last_built(i, count));
      fprintf(f, "\n");
    }
}

void bench_print_info(FILE *f, const bench_topology *t) {
  fprintf(f, "upsimd %d.%d.%d\n", UPSIMD_VERSION_MAJOR, UPSIMD_VERSION_MINOR,
          UPSIMD_VERSION_PATCH);
  const int count = ups_isa_count();
  fprintf(f, "ISAs built in:   ");
  for (int i = UPS_ISA_SCALAR; i < count; i++)
    if (ups_isa_built((ups_isa)i)) fprintf(f, " %s", ups_isa_name((ups_isa)i));
  fprintf(f, "\nISAs usable here:");
  for (int i = UPS_ISA_SCALAR; i < count; i++)
    if (ups_isa_supported((ups_isa)i)) fprintf(f, " %s", ups_isa_name((ups_isa)i));
  const char *env = getenv("UPSIMD_ISA");
  fprintf(f, "\nAUTO selects:     %s (UPSIMD_ISA=%s)\n", ups_isa_name(ups_isa_selected()),
          env ? env : "unset");
  /* Every ISA of the registry: its parent (which fills its empty slots),
   * whether it is built in and usable here. */
  fprintf(f, "ISA registry:    ");
  for (int i = UPS_ISA_SCALAR; i < count; i++) {
    const ups_isa isa = (ups_isa)i;
    const ups_isa parent = ups_isa_parent(isa);
    fprintf(f, " %s (parent %s, %s, %s)%s", ups_isa_name(isa),
            parent == UPS_ISA_AUTO ? "none" : ups_isa_name(parent),
            ups_isa_built(isa) ? "built" : "not built",
            ups_isa_supported(isa) ? "usable" : "not usable", i + 1 < count ? ";" : "");
  }
  fprintf(f, "\n");
  print_kernel_table(f);
  fprintf(f, "CPU:              %s\n", t->cpu_model);
  fprintf(f, "architecture:     %s\n", BENCH_ARCH);
  if (t->midr) fprintf(f, "MIDR_EL1:         0x%08llx\n", (unsigned long long)t->midr);
  fprintf(f, "topology:         %d package(s), %d core(s), %d PU(s) (hwloc %s)\n", t->packages,
          t->cores, t->pus, t->hwloc_version);
  fprintf(f, "caches (first of each level):\n");
  print_size(f, "L1d", t->l1d_bytes);
  print_size(f, "L2", t->l2_bytes);
  print_size(f, "L3", t->l3_bytes);
  if (t->pinned_pu >= 0)
    fprintf(f, "timing thread:    pinned to PU %d\n", t->pinned_pu);
  else
    fprintf(f, "timing thread:    not pinned\n");
}
