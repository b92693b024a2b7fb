/* table_neon.c — the AArch64 AdvSIMD kernel table. Empty slots fall back to
 * the parent (scalar). */
#include "../kernels/kernel.h"

const ups_kernel_table ups_kernel_table_neon = {0};
