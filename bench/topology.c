/* topology.c — hwloc: the CPU model, core count and cache sizes that go into
 * the benchmark context, pinning of the timing thread, and the `--info`
 * report (ISAs built, usable, AUTO's pick, each ISA's parent, and which
 * variant's kernel runs per operator and layout). Every ISA fact comes from
 * the library's registry, so a new ISA needs no change here. */
#include <hwloc.h>
#include <stdlib.h>
#include <string.h>

#include "gbench.h"
#include "harness.h"

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
  t->packages = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PACKAGE);
  t->cores = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_CORE);
  t->pus = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PU);
  t->l1d_bytes = cache_size(topo, HWLOC_OBJ_L1CACHE);
  t->l2_bytes = cache_size(topo, HWLOC_OBJ_L2CACHE);
  t->l3_bytes = cache_size(topo, HWLOC_OBJ_L3CACHE);

  if (pin_pu != -2 && t->pus > 0) {
    /* The last PU by default: the OS tends to start other work on the first. */
    hwloc_obj_t pu = pin_pu == -1 ? hwloc_get_obj_by_type(topo, HWLOC_OBJ_PU, (unsigned)t->pus - 1)
                                  : hwloc_get_pu_obj_by_os_index(topo, (unsigned)pin_pu);
    if (pu && hwloc_set_cpubind(topo, pu->cpuset, HWLOC_CPUBIND_THREAD) == 0) {
      t->pinned_pu = (int)pu->os_index;
    } else {
      fprintf(stderr, "upsimd-bench: warning: could not pin the timing thread%s\n",
              pu ? "" : " (no such PU)");
    }
  }
  hwloc_topology_destroy(topo);
  return 0;
}

static void add_size(const char *key, size_t v) {
  char buf[32];
  snprintf(buf, sizeof buf, "%zu", v);
  gbench_add_context(key, buf);
}

void bench_topology_add_context(const bench_topology *t) {
  char buf[32];
  gbench_add_context("cpu_model", t->cpu_model);
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
