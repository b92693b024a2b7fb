/* nearest_tpl.h — the nearest resize, NCHW and NHWC, every mode, written
 * once for every vector ISA: the per-call windows and their bookkeeping, the
 * general row, the range loops, the path choice and the NHWC pixel copies.
 * An ISA's nearest source includes its shim (UPS_V lanes, vf_*), defines
 * what only it knows, then includes this file, which defines
 * UPS_ISA_FN(ups_nearest_prep_bytes), UPS_ISA_FN(ups_nearest_nchw_prepare),
 * UPS_ISA_FN(ups_nearest_nchw), UPS_ISA_FN(ups_nearest_nhwc_prepare) and
 * UPS_ISA_FN(ups_nearest_nhwc):
 *
 *   nr_pick(row, iw, idx, inmask)  the UPS_V floats row[idx[l]], worked out
 *       on the fly (a window + permute when they fit one, else a gather);
 *   nr_wsel, nr_wsel_build(idx, iw, &base, &s) -> mode  the per-call window
 *       of UPS_V outputs: 0 one UPS_V-float window at base, 1 2*UPS_V
 *       floats, 2 none (gather); nr_wsel_pick(row, iw, mode, base, &s,
 *       inmask) the floats through it;
 *   nr_row_narrow(row, iw, idx, ow, dst, inmask)  a whole row of ow < UPS_V;
 *   MAX_REP, nr_rep (a per-call replication vector), nr_rep_build(c, r, P)
 *       the r vectors of a replication by r of c-float pixels, and
 *       nr_row_rep(row, n, c, r, P, dst)  the replication by r (1..MAX_REP)
 *       of the first whole vectors of n input floats, returning the outputs
 *       written (how an ISA spreads a vector over r outputs is its own);
 *   nr_rep_prep, nr_nhwc_rep_ok(c, r, rs), nr_nhwc_rep_prepare(job, &R),
 *       nr_nhwc_rep_run(job, &R, range)  NHWC integer column replication
 *       with few channels (which c it covers and how is the ISA's);
 *   UPS_NR_COPY_WINDOWS  1: a run copies the windows to its own stack first;
 *   UPS_NR_ROWS_PAIRS  1: NHWC pixels copy 2*UPS_V channels per step first.
 * inmask (vm_first(min(iw, UPS_V))) is for rows narrower than UPS_V.
 *
 * NCHW (and NHWC with fewer than UPS_V channels): output rows are written one
 * at a time, sequentially, each recomputed from its input row (which stays in
 * L1): storing each vector to all the rows that repeat an input row measured
 * slower (AVX2: interleaved store streams within a page). NHWC with UPS_V or
 * more channels: two output rows that repeat an input row are written
 * together (their rows are c times longer, so the two store streams are in
 * different pages; measured 1.1-1.6x faster than one row at a time on Zen 5).
 *
 * NCHW columns:
 * - integer replication (x.rep in 2..MAX_REP): UPS_V input floats are loaded
 *   once and spread over rep output vectors (nr_row_rep); rep 1 is a copy;
 * - anything else, through per-call windows (the first NWIN output vectors;
 *   further ones are worked out on the fly): for each V outputs the input
 *   indices span one V-float window (upsampling, mild downsampling: one load
 *   + a permute) or 2V floats (down to 1/2); otherwise a gather. Windows are
 *   clamped inside the row, so no load passes the row end; rows narrower
 *   than V are loaded masked (nothing past the row is read).
 * - the last partial vector overlaps the previous one (same values written
 *   twice); rows narrower than V: nr_row_narrow.
 * NHWC: pixels are copied channel-vector by channel-vector (nhwc_rows for
 * V or more channels). Integer column replication with the channel counts
 * the ISA takes: nr_nhwc_rep_*. Otherwise fewer than V channels: a row of up
 * to NWIN*V floats is a flat NCHW-like row with per-call flat indices
 * ix[j/c]*c + j%c through the same windows; longer rows use full vectors per
 * pixel while the next pixel overwrites the spill, masked ones at the
 * row/input ends. One channel is the NCHW case.
 *
 * Per-call data (windows, replication vectors, flat indices, the path) is
 * built once by the prepare functions into a nearest_prep; a run computes one
 * work range (kernel.h) and only reads it. Every output element is a copy,
 * so however rows are grouped the bits are those of one whole run.
 *
 * Bit-identical to the reference (a copy). Reads only inside the input,
 * writes only the output (inside the range). */
#ifndef UPSIMD_NEAREST_TPL_H
#define UPSIMD_NEAREST_TPL_H

/* The reference, for indices beyond int32 (scalar/nearest.c). */
void ups_nearest_nchw_scalar(const ups_nearest_job *job, const void *prep, const ups_range *r);

/* Per-call column windows of the first NWIN output vectors (vector k starts
 * at min(Vk, ow-V)): rows of 2048 outputs. */
enum { NWIN = 2048 / UPS_V };
typedef struct nwin {
  nr_wsel s[NWIN];
  int32_t base[NWIN];
  unsigned char mode[NWIN];
  size_t n;
} nwin;

static void nwin_build(const int32_t *idx, size_t iw, size_t ow, nwin *W) {
  W->n = 0;
  for (size_t x = 0; x < ow && W->n < NWIN; x += UPS_V, W->n++) {
    const size_t k = W->n, xv = x + UPS_V <= ow ? x : ow - UPS_V;
    W->mode[k] = (unsigned char)nr_wsel_build(idx + xv, iw, &W->base[k], &W->s[k]);
  }
}

/* The windows a run reads: with UPS_NR_COPY_WINDOWS its own copy of those in
 * use (the first W->n) in *copy. Reading them from the caller's prep block
 * measured 4-5% slower on EPYC (AVX2, 1x16x32x32 -> 48x48: the same
 * instructions, the windows at another stack address; no offset of them
 * inside the block helped); the copy costs ~37 bytes per output vector, once
 * per run. */
UPS_AI const nwin *run_windows(const nwin *from, nwin *copy) {
#if UPS_NR_COPY_WINDOWS
  const size_t n = from->n;
  for (size_t k = 0; k < n; k++) {
    copy->s[k] = from->s[k];
    copy->base[k] = from->base[k];
    copy->mode[k] = from->mode[k];
  }
  copy->n = n;
  return copy;
#else
  (void)copy;
  return from;
#endif
}

/* Outputs [xa, ow) of a row by the general path (ow >= V, xa % V == 0). */
static void row_general(const float *row, size_t iw, const int32_t *idx, size_t ow, size_t xa,
                        float *dst, vmask inmask, const nwin *W) {
  size_t x = xa;
  for (size_t k = xa / UPS_V; x < ow && k < W->n; x += UPS_V, k++) {
    const size_t xv = x + UPS_V <= ow ? x : ow - UPS_V;
    vf_storeu(dst + xv, nr_wsel_pick(row, iw, W->mode[k], W->base[k], &W->s[k], inmask));
  }
  for (; x < ow; x += UPS_V) {
    const size_t xv = x + UPS_V <= ow ? x : ow - UPS_V;
    vf_storeu(dst + xv, nr_pick(row, iw, idx + xv, inmask));
  }
}

/* NHWC, c >= V: g (1 or 2) output rows at dst, dst + stride from one input
 * row; the last channel vector of a pixel overlaps. */
static inline void nhwc_rows(const float *row, const size_t *ix, size_t ow, size_t c, float *dst,
                             size_t stride, int g) {
  const size_t cv = c & ~(size_t)(UPS_V - 1);
#if UPS_NR_ROWS_PAIRS
  const size_t c2 = c & ~(size_t)(2 * UPS_V - 1);
#endif
  for (size_t x = 0; x < ow; x++) {
    const float *s = row + ix[x] * c;
    float *d = dst + x * c;
    size_t ch = 0;
#if UPS_NR_ROWS_PAIRS
    for (; ch < c2; ch += 2 * UPS_V) {
      const vf v0 = vf_loadu(s + ch), v1 = vf_loadu(s + ch + UPS_V);
      vf_storeu(d + ch, v0);
      vf_storeu(d + ch + UPS_V, v1);
      if (g == 2) {
        vf_storeu(d + stride + ch, v0);
        vf_storeu(d + stride + ch + UPS_V, v1);
      }
    }
#endif
    for (; ch < cv; ch += UPS_V) {
      const vf v = vf_loadu(s + ch);
      vf_storeu(d + ch, v);
      if (g == 2) vf_storeu(d + stride + ch, v);
    }
    if (cv < c) {
      const vf v = vf_loadu(s + c - UPS_V);
      vf_storeu(d + c - UPS_V, v);
      if (g == 2) vf_storeu(d + stride + c - UPS_V, v);
    }
  }
}

/* NCHW short rows: at most SHORT_NV output vectors, each one window of V
 * inputs (mode 0). */
enum { SHORT_NV = 8 };

/* The short-row loop with nv (1..SHORT_NV) output vectors per row, a
 * constant after inlining: the windows are copied into locals first, so
 * they stay in registers across the output stores and a row is only its
 * loads, permutes and stores. The general loop spent ~27 cycles per row of
 * 40 outputs on its bookkeeping (replication calls, masks, row tails) for
 * ~9 of loads, permutes and stores (AVX-512, 1x16x20x20 -> 40x40). */
UPS_AI void short_rows(const ups_nearest_job *job, const nwin *W, const ups_range *rg,
                       const size_t nv) {
  const ups_range rng = *rg; /* a local: output stores may alias *rg */
  const size_t ih = job->y.in, iw = job->x.in, oh = job->y.out, ow = job->x.out;
  const size_t *iy = job->y.idx;
  const vmask inmask = vm_first(iw < UPS_V ? (ptrdiff_t)iw : UPS_V);
  nr_wsel sel[SHORT_NV];
  int32_t base[SHORT_NV];
  size_t xo[SHORT_NV];
  for (size_t k = 0; k < nv; k++) {
    sel[k] = W->s[k];
    base[k] = W->base[k];
    xo[k] = k * UPS_V + UPS_V <= ow ? k * UPS_V : ow - UPS_V; /* the last overlaps */
  }
  for (size_t n = rng.n0; n < rng.n1; n++)
    for (size_t ch = rng.c0; ch < rng.c1; ch++) {
      const size_t p = n * job->c + ch;
      const float *src = job->in + p * ih * iw;
      float *out = job->out + p * oh * ow;
      for (size_t y = rng.y0; y < rng.y1; y++) {
        const float *row = src + iy[y] * iw;
        float *dst = out + y * ow;
        for (size_t k = 0; k < nv; k++)
          vf_storeu(dst + xo[k], nr_wsel_pick(row, iw, 0, base[k], &sel[k], inmask));
      }
    }
}

static void nearest_nchw_short(const ups_nearest_job *job, const nwin *W, const ups_range *rg) {
  switch (W->n) {
    case 1: short_rows(job, W, rg, 1); break;
    case 2: short_rows(job, W, rg, 2); break;
    case 3: short_rows(job, W, rg, 3); break;
    case 4: short_rows(job, W, rg, 4); break;
    case 5: short_rows(job, W, rg, 5); break;
    case 6: short_rows(job, W, rg, 6); break;
    case 7: short_rows(job, W, rg, 7); break;
    default: short_rows(job, W, rg, 8); break;
  }
}

/* Which loop a run takes (chosen once, by prepare). */
typedef enum nearest_path {
  NEAREST_SCALAR,     /* NCHW with indices beyond int32: the reference */
  NEAREST_NCHW,       /* NCHW (and NHWC with one channel) */
  NEAREST_NCHW_SHORT, /* NCHW rows of V..SHORT_NV*V outputs, one-window vectors */
  NEAREST_NHWC_REP,   /* NHWC, few channels, integer column replication */
  NEAREST_NHWC_FLAT,  /* NHWC, fewer than V channels, rows of <= NWIN*V floats */
  NEAREST_NHWC_PIXELS /* NHWC, anything else: pixel by pixel */
} nearest_path;

/* The per-call data, built by prepare (a run only reads it). */
typedef struct nearest_prep {
  nwin W;                   /* NCHW general columns; NHWC flat rows */
  nr_rep_prep R;            /* replication: the ISA's per-call vectors */
  nearest_path path;
  int32_t flat[NWIN * UPS_V]; /* NHWC_FLAT: ix[j/c]*c + j%c */
} nearest_prep;
_Static_assert(sizeof(nearest_prep) <= UPS_PREP_BYTES, "nearest_prep exceeds UPS_PREP_BYTES");

size_t UPS_ISA_FN(ups_nearest_prep_bytes)(const ups_nearest_job *job) {
  (void)job;
  return sizeof(nearest_prep);
}

void UPS_ISA_FN(ups_nearest_nchw_prepare)(const ups_nearest_job *job, void *prep) {
  nearest_prep *pp = prep;
  pp->W.n = 0;
  if (!job->x.idx32) {
    pp->path = NEAREST_SCALAR;
    return;
  }
  if (job->x.out >= UPS_V && job->x.out <= (size_t)SHORT_NV * UPS_V) {
    nwin_build(job->x.idx32, job->x.in, job->x.out, &pp->W);
    int one = 1; /* every output vector one window (upsampling: always) */
    for (size_t k = 0; k < pp->W.n; k++) one &= pp->W.mode[k] == 0;
    if (one) {
      pp->path = NEAREST_NCHW_SHORT;
      return;
    }
    pp->W.n = 0;
  }
  pp->path = NEAREST_NCHW;
  const size_t rep = job->x.rep;
  if (rep >= 2 && rep <= MAX_REP) nr_rep_build(1, rep, pp->R.P);
  if (job->x.out >= UPS_V && !(rep >= 1 && rep <= MAX_REP))
    nwin_build(job->x.idx32, job->x.in, job->x.out, &pp->W);
}

void UPS_ISA_FN(ups_nearest_nchw)(const ups_nearest_job *job, const void *prep,
                                  const ups_range *rg) {
  const nearest_prep *pp = prep;
  if (pp->path == NEAREST_SCALAR) {
    ups_nearest_nchw_scalar(job, NULL, rg);
    return;
  }
  if (pp->path == NEAREST_NCHW_SHORT) {
    nearest_nchw_short(job, &pp->W, rg);
    return;
  }
  const ups_range rng = *rg; /* a local: output stores may alias *rg */
  const size_t ih = job->y.in, iw = job->x.in, oh = job->y.out, ow = job->x.out;
  const size_t *iy = job->y.idx;
  const int32_t *ix = job->x.idx32;
  const size_t rep = job->x.rep;
  /* A local copy, so the replication vectors stay in registers across the
   * row's stores (output stores might alias prep). */
  nr_rep P[MAX_REP];
  if (rep >= 2 && rep <= MAX_REP)
    for (size_t k = 0; k < rep; k++) P[k] = pp->R.P[k];
  nwin Wc;
  const nwin *W = run_windows(&pp->W, &Wc);
  const vmask inmask = vm_first(iw < UPS_V ? (ptrdiff_t)iw : UPS_V);
  for (size_t n = rng.n0; n < rng.n1; n++)
    for (size_t ch = rng.c0; ch < rng.c1; ch++) {
      const size_t p = n * job->c + ch;
      const float *src = job->in + p * ih * iw;
      float *out = job->out + p * oh * ow;
      for (size_t y = rng.y0; y < rng.y1; y++) {
        const float *row = src + iy[y] * iw;
        float *dst = out + y * ow;
        if (ow < UPS_V) {
          nr_row_narrow(row, iw, ix, ow, dst, inmask);
          continue;
        }
        const size_t done = rep >= 1 && rep <= MAX_REP ? nr_row_rep(row, iw, 1, rep, P, dst) : 0;
        if (done < ow) row_general(row, iw, ix, ow, done, dst, inmask, W);
      }
    }
}

void UPS_ISA_FN(ups_nearest_nhwc_prepare)(const ups_nearest_job *job, void *prep) {
  const size_t c = job->c;
  if (c == 1) { /* one channel: the same memory as NCHW with n planes */
    UPS_ISA_FN(ups_nearest_nchw_prepare)(job, prep);
    return;
  }
  nearest_prep *pp = prep;
  const size_t ow = job->x.out, stride = ow * c, rep = job->x.rep, rs = job->x.in * c;
  if (rep >= 2 && rep <= MAX_REP && nr_nhwc_rep_ok(c, rep, rs)) {
    pp->path = NEAREST_NHWC_REP;
    nr_nhwc_rep_prepare(job, &pp->R);
  } else if (c < UPS_V && stride >= UPS_V && stride <= (size_t)NWIN * UPS_V &&
             rs <= (size_t)INT32_MAX) {
    /* Few channels, a row of at most NWIN*V floats: the row is a flat
     * gather with per-call indices flat[j] = ix[j/c]*c + j%c, through the
     * same windows as NCHW. */
    pp->path = NEAREST_NHWC_FLAT;
    const size_t *ix = job->x.idx;
    for (size_t x = 0, j = 0; x < ow; x++)
      for (size_t ch = 0; ch < c; ch++, j++) pp->flat[j] = (int32_t)(ix[x] * c + ch);
    nwin_build(pp->flat, rs, stride, &pp->W);
  } else {
    pp->path = NEAREST_NHWC_PIXELS;
  }
}

void UPS_ISA_FN(ups_nearest_nhwc)(const ups_nearest_job *job, const void *prep,
                                  const ups_range *rg) {
  const size_t c = job->c;
  if (c == 1) { /* one channel: NCHW with n planes (the range's c unit is [0, 1)) */
    UPS_ISA_FN(ups_nearest_nchw)(job, prep, rg);
    return;
  }
  const ups_range rng = *rg; /* a local: output stores may alias *rg */
  const nearest_prep *pp = prep;
  const size_t ih = job->y.in, iw = job->x.in, oh = job->y.out, ow = job->x.out;
  const size_t *iy = job->y.idx, *ix = job->x.idx;
  const size_t stride = ow * c, rs = iw * c;
  if (pp->path == NEAREST_NHWC_REP) {
    nr_nhwc_rep_run(job, &pp->R, rg);
    return;
  }
  if (pp->path == NEAREST_NHWC_FLAT) {
    nwin Wc;
    const nwin *W = run_windows(&pp->W, &Wc);
    const vmask inmask = vm_first(rs < UPS_V ? (ptrdiff_t)rs : UPS_V);
    for (size_t n = rng.n0; n < rng.n1; n++) {
      const float *src = job->in + n * ih * rs;
      float *out = job->out + n * oh * stride;
      for (size_t y = rng.y0; y < rng.y1; y++)
        row_general(src + iy[y] * rs, rs, pp->flat, stride, 0, out + y * stride, inmask, W);
    }
    return;
  }
  /* Loads near the end of the whole input (not the range's) are masked. */
  const float *in_end = job->in + job->n * ih * rs;
  const vmask cmask = vm_first(c < UPS_V ? (ptrdiff_t)c : UPS_V);
  for (size_t n = rng.n0; n < rng.n1; n++) {
    const float *src = job->in + n * ih * rs;
    float *out = job->out + n * oh * stride;
    for (size_t y = rng.y0, g = 1; y < rng.y1; y += g) {
      const float *row = src + iy[y] * rs;
      float *dst = out + y * stride;
      g = 1;
      if (c >= UPS_V) {
        /* Output rows reading the same input row are written together (each
         * vector loaded once, stored to both rows); a pair is cut at the
         * range's end (both rows are copies, so the bits do not change). */
        if (y + 1 < rng.y1 && iy[y + 1] == iy[y]) {
          g = 2;
          nhwc_rows(row, ix, ow, c, dst, stride, 2);
        } else {
          nhwc_rows(row, ix, ow, c, dst, stride, 1);
        }
      } else {
        /* Full vectors while the spill stays inside this row (the next pixel
         * overwrites it) and the load inside the input; masked after. */
        size_t x = 0;
        for (; x < ow && x * c + UPS_V <= stride; x++) {
          const float *s = row + ix[x] * c;
          const vf v = s + UPS_V <= in_end ? vf_loadu(s) : vf_maskload(s, cmask);
          vf_storeu(dst + x * c, v);
        }
        for (; x < ow; x++) vf_maskstore(dst + x * c, cmask, vf_maskload(row + ix[x] * c, cmask));
      }
    }
  }
}

#endif /* UPSIMD_NEAREST_TPL_H */
