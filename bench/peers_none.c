/* peers_none.c — the peer table when no peer adapter is built (bench/peers.cmake
 * absent or no peer library found): zero peers. */
#include "peers.h"

static int g_threads = 1;
void bench_peers_set_threads(int n) { g_threads = n; }
int bench_peers_threads(void) { return g_threads; }

size_t bench_peer_count(void) { return 0; }

const bench_peer *bench_peer_get(size_t i) {
  (void)i;
  return NULL;
}
