/* main_info.c — upsimd-info: ISAs built into this library, usable on this CPU,
 * AUTO's pick (and UPSIMD_ISA), every ISA's parent, which variant's kernel
 * runs per operator and layout, and the hwloc topology. Same as
 * `upsimd-bench --info`, without Google Benchmark. */
#include <stdio.h>

#include "harness.h"

int main(void) {
  bench_topology t;
  if (bench_topology_init(&t, -2) != 0) fprintf(stderr, "upsimd-info: hwloc failed\n");
  bench_print_info(stdout, &t);
  return 0;
}
