/* main_bench.c — the upsimd-bench executable (everything is in bench_main). */
#include "harness.h"

int main(int argc, char **argv) { return bench_main(argc, argv); }
