/* problem.c — the problem-descriptor parser and printer (problem.h), the
 * batch-file reader and the --problem/--batch options of upsimd-bench and
 * upsimd-check. Table-driven: each operator has a list of numeric fields
 * ("slots") and of keys that set one or more of them, so the grammar, the
 * messages and the canonical form cannot drift apart. */
#include "problem.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h" /* ups_resize_validate, ups_deconv_validate */

const char *bench_op_name(bench_op op) {
  switch (op) {
    case BENCH_NEAREST: return "nearest";
    case BENCH_BILINEAR: return "bilinear";
    case BENCH_DECONV: return "deconv";
    case BENCH_UPCONV: return "upconv";
  }
  return "unknown";
}

const char *bench_status_name(ups_status s) {
  switch (s) {
    case UPS_OK: return "UPS_OK";
    case UPS_ERR_NULL: return "UPS_ERR_NULL";
    case UPS_ERR_SHAPE: return "UPS_ERR_SHAPE";
    case UPS_ERR_PARAM: return "UPS_ERR_PARAM";
    case UPS_ERR_OVERFLOW: return "UPS_ERR_OVERFLOW";
    case UPS_ERR_ALIAS: return "UPS_ERR_ALIAS";
    case UPS_ERR_ISA: return "UPS_ERR_ISA";
    case UPS_ERR_NOMEM: return "UPS_ERR_NOMEM";
    case UPS_ERR_UNSUPPORTED: return "UPS_ERR_UNSUPPORTED";
  }
  return "UPS_ERR_?";
}

/* ------------------------------------------------------------ tables */

/* A numeric field of the operator's parameter struct. */
typedef struct slot_def {
  const char *name;
  size_t offset;
  int is_float;
} slot_def;

/* A key and the slots it sets (-1 ends the list): "k" sets kh and kw. */
typedef struct key_def {
  const char *key;
  signed char slots[5];
} key_def;

/* An axis pair: a value given for one axis only is copied to the other. */
typedef struct pair_def {
  int h, w;
} pair_def;

/* Named choices (enums and flags): the word and the value it stands for. */
typedef struct word_def {
  const char *word;
  int value;
} word_def;

#define RS(f) offsetof(ups_resize_params, f)
enum { R_N, R_C, R_IH, R_IW, R_OH, R_OW, R_SH, R_SW, R_COUNT };
static const slot_def g_resize_slots[R_COUNT] = {
    {"n", RS(n), 0},          {"c", RS(c), 0},          {"ih", RS(in_h), 0},
    {"iw", RS(in_w), 0},      {"oh", RS(out_h), 0},     {"ow", RS(out_w), 0},
    {"sh", RS(scale_h), 1},   {"sw", RS(scale_w), 1},
};
static const key_def g_resize_keys[] = {
    {"n", {R_N, -1}},   {"c", {R_C, -1}},   {"ih", {R_IH, -1}}, {"iw", {R_IW, -1}},
    {"oh", {R_OH, -1}}, {"ow", {R_OW, -1}}, {"s", {R_SH, R_SW, -1}},
    {"sh", {R_SH, -1}}, {"sw", {R_SW, -1}}, {NULL, {-1}},
};
static const pair_def g_resize_pairs[] = {{R_IH, R_IW}, {R_OH, R_OW}, {R_SH, R_SW}};

#define DS(f) offsetof(ups_deconv_params, f)
enum {
  D_N, D_IC, D_OC, D_IH, D_IW, D_KH, D_KW, D_SH, D_SW, D_DH, D_DW,
  D_PT, D_PL, D_PB, D_PR, D_OPH, D_OPW, D_G, D_COUNT
};
static const slot_def g_deconv_slots[D_COUNT] = {
    {"n", DS(n), 0},           {"ic", DS(in_c), 0},       {"oc", DS(out_c), 0},
    {"ih", DS(in_h), 0},       {"iw", DS(in_w), 0},       {"kh", DS(kernel_h), 0},
    {"kw", DS(kernel_w), 0},   {"sh", DS(stride_h), 0},   {"sw", DS(stride_w), 0},
    {"dh", DS(dilation_h), 0}, {"dw", DS(dilation_w), 0}, {"pt", DS(pad_top), 0},
    {"pl", DS(pad_left), 0},   {"pb", DS(pad_bottom), 0}, {"pr", DS(pad_right), 0},
    {"oph", DS(out_pad_h), 0}, {"opw", DS(out_pad_w), 0}, {"g", DS(groups), 0},
};
static const key_def g_deconv_keys[] = {
    {"n", {D_N, -1}},          {"ic", {D_IC, -1}},        {"oc", {D_OC, -1}},
    {"ih", {D_IH, -1}},        {"iw", {D_IW, -1}},        {"k", {D_KH, D_KW, -1}},
    {"kh", {D_KH, -1}},        {"kw", {D_KW, -1}},        {"s", {D_SH, D_SW, -1}},
    {"sh", {D_SH, -1}},        {"sw", {D_SW, -1}},        {"d", {D_DH, D_DW, -1}},
    {"dh", {D_DH, -1}},        {"dw", {D_DW, -1}},        {"p", {D_PT, D_PL, D_PB, D_PR, -1}},
    {"ph", {D_PT, D_PB, -1}},  {"pw", {D_PL, D_PR, -1}},  {"pt", {D_PT, -1}},
    {"pl", {D_PL, -1}},        {"pb", {D_PB, -1}},        {"pr", {D_PR, -1}},
    {"op", {D_OPH, D_OPW, -1}}, {"oph", {D_OPH, -1}},     {"opw", {D_OPW, -1}},
    {"g", {D_G, -1}},          {NULL, {-1}},
};
static const pair_def g_deconv_pairs[] = {
    {D_IH, D_IW}, {D_KH, D_KW}, {D_SH, D_SW}, {D_DH, D_DW}, {D_OPH, D_OPW}};

#define US(f) offsetof(ups_upconv_params, f)
enum {
  U_N, U_IC, U_OC, U_IH, U_IW, U_FH, U_FW, U_KH, U_KW, U_DH, U_DW,
  U_PT, U_PL, U_PB, U_PR, U_G, U_COUNT
};
static const slot_def g_upconv_slots[U_COUNT] = {
    {"n", US(n), 0},           {"ic", US(in_c), 0},       {"oc", US(out_c), 0},
    {"ih", US(in_h), 0},       {"iw", US(in_w), 0},       {"fh", US(factor_h), 0},
    {"fw", US(factor_w), 0},   {"kh", US(kernel_h), 0},   {"kw", US(kernel_w), 0},
    {"dh", US(dilation_h), 0}, {"dw", US(dilation_w), 0}, {"pt", US(pad_top), 0},
    {"pl", US(pad_left), 0},   {"pb", US(pad_bottom), 0}, {"pr", US(pad_right), 0},
    {"g", US(groups), 0},
};
static const key_def g_upconv_keys[] = {
    {"n", {U_N, -1}},          {"ic", {U_IC, -1}},        {"oc", {U_OC, -1}},
    {"ih", {U_IH, -1}},        {"iw", {U_IW, -1}},        {"f", {U_FH, U_FW, -1}},
    {"fh", {U_FH, -1}},        {"fw", {U_FW, -1}},        {"k", {U_KH, U_KW, -1}},
    {"kh", {U_KH, -1}},        {"kw", {U_KW, -1}},        {"d", {U_DH, U_DW, -1}},
    {"dh", {U_DH, -1}},        {"dw", {U_DW, -1}},        {"p", {U_PT, U_PL, U_PB, U_PR, -1}},
    {"ph", {U_PT, U_PB, -1}},  {"pw", {U_PL, U_PR, -1}},  {"pt", {U_PT, -1}},
    {"pl", {U_PL, -1}},        {"pb", {U_PB, -1}},        {"pr", {U_PR, -1}},
    {"g", {U_G, -1}},          {NULL, {-1}},
};
static const pair_def g_upconv_pairs[] = {{U_IH, U_IW}, {U_FH, U_FW}, {U_KH, U_KW}, {U_DH, U_DW}};

static const word_def g_layouts[] = {{"nchw", UPS_NCHW}, {"nhwc", UPS_NHWC}, {NULL, 0}};
static const word_def g_weight_layouts[] = {{"iohw", UPS_W_IOHW}, {"hwoi", UPS_W_HWOI}, {NULL, 0}};
static const word_def g_conv_weight_layouts[] = {
    {"oihw", UPS_CW_OIHW}, {"hwio", UPS_CW_HWIO}, {NULL, 0}};
static const word_def g_modes[] = {
    {"nearest", UPS_OP_NEAREST}, {"bilinear", UPS_OP_BILINEAR}, {NULL, 0}};
static const word_def g_bias[] = {{"nobias", 0}, {"bias", 1}, {NULL, 0}};
/* ONNX Resize names, as in ups_coord and ups_round. */
static const word_def g_coords[] = {
    {"half_pixel", UPS_COORD_HALF_PIXEL},
    {"pytorch_half_pixel", UPS_COORD_PYTORCH_HALF_PIXEL},
    {"align_corners", UPS_COORD_ALIGN_CORNERS},
    {"asymmetric", UPS_COORD_ASYMMETRIC},
    {"tf_half_pixel_for_nn", UPS_COORD_TF_HALF_PIXEL_FOR_NN},
    {NULL, 0}};
static const word_def g_rounds[] = {
    {"round_prefer_floor", UPS_ROUND_PREFER_FLOOR}, {"round_prefer_ceil", UPS_ROUND_PREFER_CEIL},
    {"floor", UPS_ROUND_FLOOR},                     {"ceil", UPS_ROUND_CEIL},
    {NULL, 0}};

static const char *word_of(const word_def *set, int value) {
  for (; set->word; set++)
    if (set->value == value) return set->word;
  return "?";
}

static int word_find(const word_def *set, const char *word, int *value) {
  for (; set->word; set++)
    if (strcmp(set->word, word) == 0) {
      *value = set->value;
      return 1;
    }
  return 0;
}

/* ------------------------------------------------------------ text output */

typedef struct text {
  char *buf;
  size_t cap, len; /* len counts what would have been written */
} text;

static void put(text *t, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void put(text *t, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  const size_t room = t->len < t->cap ? t->cap - t->len : 0;
  const int n = vsnprintf(room ? t->buf + t->len : NULL, room, fmt, ap);
  va_end(ap);
  if (n > 0) t->len += (size_t)n;
}

/* The accepted tokens of an operator, for "unknown token" messages. */
static void put_vocabulary(text *t, bench_op op) {
  const key_def *keys = op == BENCH_DECONV   ? g_deconv_keys
                        : op == BENCH_UPCONV ? g_upconv_keys
                                             : g_resize_keys;
  put(t, "%s takes", bench_op_name(op));
  for (const key_def *k = keys; k->key; k++) put(t, " %s<N>", k->key);
  put(t, ", nchw|nhwc");
  if (op == BENCH_DECONV) {
    put(t, ", iohw|hwoi, bias|nobias");
  } else if (op == BENCH_UPCONV) {
    put(t, ", oihw|hwio, nearest|bilinear, bias|nobias");
  } else {
    put(t, ", a coordinate mode (");
    for (const word_def *w = g_coords; w->word; w++)
      put(t, "%s%s", w == g_coords ? "" : "|", w->word);
    put(t, ")");
    if (op == BENCH_NEAREST) {
      put(t, ", a rounding (");
      for (const word_def *w = g_rounds; w->word; w++)
        put(t, "%s%s", w == g_rounds ? "" : "|", w->word);
      put(t, ")");
    }
  }
}

/* Shortest decimal form that reads back as the same float. */
static void put_float(text *t, float v) {
  char b[32];
  for (int digits = 1; digits <= 9; digits++) {
    snprintf(b, sizeof b, "%.*g", digits, (double)v);
    if (strtof(b, NULL) == v) break;
  }
  put(t, "%s", b);
}

/* "k4" when both axes agree, else "kh3 kw5". */
static void put_pair(text *t, const char *both, const char *h_key, const char *w_key, size_t h,
                     size_t w) {
  if (h == w) put(t, " %s%zu", both, h);
  else put(t, " %s%zu %s%zu", h_key, h, w_key, w);
}

static ups_weight_layout default_weight_layout(ups_layout layout) {
  return layout == UPS_NHWC ? UPS_W_HWOI : UPS_W_IOHW;
}

static ups_conv_weight_layout default_conv_weight_layout(ups_layout layout) {
  return layout == UPS_NHWC ? UPS_CW_HWIO : UPS_CW_OIHW;
}

/* Pads: "p1" when all four agree, "ph1 pw2" per axis, else all four. */
static void put_pads(text *t, size_t pt, size_t pl, size_t pb, size_t pr) {
  if (pt == pl && pt == pb && pt == pr) {
    if (pt) put(t, " p%zu", pt);
  } else if (pt == pb && pl == pr) {
    put(t, " ph%zu pw%zu", pt, pl);
  } else {
    put(t, " pt%zu pl%zu pb%zu pr%zu", pt, pl, pb, pr);
  }
}

size_t bench_problem_format(const bench_problem *p, char *buf, size_t cap) {
  text t = {buf, cap, 0};
  if (cap) buf[0] = 0;
  put(&t, "%s %s", bench_op_name(p->op), word_of(g_layouts, (int)bench_problem_layout(p)));
  if (p->op == BENCH_DECONV) {
    const ups_deconv_params *d = &p->deconv;
    put(&t, " n%zu ic%zu oc%zu ih%zu iw%zu", d->n, d->in_c, d->out_c, d->in_h, d->in_w);
    put_pair(&t, "k", "kh", "kw", d->kernel_h, d->kernel_w);
    put_pair(&t, "s", "sh", "sw", d->stride_h, d->stride_w);
    if (d->dilation_h != 1 || d->dilation_w != 1)
      put_pair(&t, "d", "dh", "dw", d->dilation_h, d->dilation_w);
    if (d->pad_top == d->pad_left && d->pad_top == d->pad_bottom && d->pad_top == d->pad_right) {
      if (d->pad_top) put(&t, " p%zu", d->pad_top);
    } else if (d->pad_top == d->pad_bottom && d->pad_left == d->pad_right) {
      put(&t, " ph%zu pw%zu", d->pad_top, d->pad_left);
    } else {
      put(&t, " pt%zu pl%zu pb%zu pr%zu", d->pad_top, d->pad_left, d->pad_bottom, d->pad_right);
    }
    if (d->out_pad_h || d->out_pad_w) put_pair(&t, "op", "oph", "opw", d->out_pad_h, d->out_pad_w);
    if (d->groups != 1) put(&t, " g%zu", d->groups);
    if (d->weight_layout != default_weight_layout(d->layout))
      put(&t, " %s", word_of(g_weight_layouts, (int)d->weight_layout));
    put(&t, " %s", p->bias ? "bias" : "nobias");
  } else if (p->op == BENCH_UPCONV) {
    const ups_upconv_params *u = &p->upconv;
    put(&t, " n%zu ic%zu oc%zu ih%zu iw%zu", u->n, u->in_c, u->out_c, u->in_h, u->in_w);
    put_pair(&t, "f", "fh", "fw", u->factor_h, u->factor_w);
    put_pair(&t, "k", "kh", "kw", u->kernel_h, u->kernel_w);
    if (u->dilation_h != 1 || u->dilation_w != 1)
      put_pair(&t, "d", "dh", "dw", u->dilation_h, u->dilation_w);
    put_pads(&t, u->pad_top, u->pad_left, u->pad_bottom, u->pad_right);
    if (u->groups != 1) put(&t, " g%zu", u->groups);
    if (u->weight_layout != default_conv_weight_layout(u->layout))
      put(&t, " %s", word_of(g_conv_weight_layouts, (int)u->weight_layout));
    put(&t, " %s %s", word_of(g_modes, (int)u->mode), p->bias ? "bias" : "nobias");
  } else {
    const ups_resize_params *r = &p->resize;
    put(&t, " n%zu c%zu ih%zu iw%zu", r->n, r->c, r->in_h, r->in_w);
    if (r->out_h || r->out_w) put(&t, " oh%zu ow%zu", r->out_h, r->out_w);
    if (r->scale_h != 0.0f || r->scale_w != 0.0f) {
      if (r->scale_h == r->scale_w) {
        put(&t, " s");
        put_float(&t, r->scale_h);
      } else {
        put(&t, " sh");
        put_float(&t, r->scale_h);
        put(&t, " sw");
        put_float(&t, r->scale_w);
      }
    }
    put(&t, " %s", word_of(g_coords, (int)r->coord));
    if (p->op == BENCH_NEAREST) put(&t, " %s", word_of(g_rounds, (int)r->round));
  }
  return t.len;
}

size_t bench_problem_slug(const bench_problem *p, char *buf, size_t cap) {
  char full[BENCH_PROBLEM_TEXT_MAX];
  bench_problem_format(p, full, sizeof full);
  /* Skip "<op> <layout> ": they are the name's own components. */
  const char *rest = full;
  for (int skip = 0; skip < 2 && *rest; skip++) {
    while (*rest && *rest != ' ') rest++;
    while (*rest == ' ') rest++;
  }
  size_t n = 0;
  for (; rest[n] && n + 1 < cap; n++) buf[n] = rest[n] == ' ' ? '-' : rest[n];
  if (cap) buf[n] = 0;
  return n;
}

ups_layout bench_problem_layout(const bench_problem *p) {
  return p->op == BENCH_DECONV   ? p->deconv.layout
         : p->op == BENCH_UPCONV ? p->upconv.layout
                                 : p->resize.layout;
}

void bench_problem_set_layout(bench_problem *p, ups_layout layout) {
  p->resize.layout = layout;
  p->deconv.layout = layout;
  p->deconv.weight_layout = default_weight_layout(layout);
  p->upconv.layout = layout;
  p->upconv.weight_layout = default_conv_weight_layout(layout);
}

ups_status bench_problem_validate(const bench_problem *p) {
  if (p->op == BENCH_DECONV) {
    ups_deconv_shape s;
    return ups_deconv_validate(&p->deconv, &s);
  }
  if (p->op == BENCH_UPCONV) {
    ups_upconv_shape s;
    return ups_upconv_validate(&p->upconv, &s);
  }
  ups_resize_shape s;
  return ups_resize_validate(&p->resize,
                             p->op == BENCH_NEAREST ? UPS_RESIZE_NEAREST : UPS_RESIZE_BILINEAR, &s);
}

/* ------------------------------------------------------------ parsing */

enum { TOKEN_MAX = 64 };

static int fail(char *err, size_t cap, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static int fail(char *err, size_t cap, const char *fmt, ...) {
  if (cap) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, cap, fmt, ap);
    va_end(ap);
  }
  return -1;
}

/* Next whitespace-separated token of *s, lower-cased into tok; 0 at the end,
 * -1 when it is longer than TOKEN_MAX - 1 (tok then holds its start). */
static int next_token(const char **s, char tok[TOKEN_MAX]) {
  const char *c = *s;
  while (*c && isspace((unsigned char)*c)) c++;
  if (!*c) return 0;
  size_t n = 0;
  int too_long = 0;
  for (; *c && !isspace((unsigned char)*c); c++) {
    if (n + 1 < TOKEN_MAX) tok[n++] = (char)tolower((unsigned char)*c);
    else too_long = 1;
  }
  tok[n] = 0;
  *s = c;
  return too_long ? -1 : 1;
}

/* A size: decimal digits only, fitting size_t. */
static int parse_size(const char *v, size_t *out) {
  if (!*v) return 0;
  for (const char *c = v; *c; c++)
    if (!isdigit((unsigned char)*c)) return 0;
  errno = 0;
  const unsigned long long x = strtoull(v, NULL, 10);
  if (errno == ERANGE || x > SIZE_MAX) return 0;
  *out = (size_t)x;
  return 1;
}

/* A float as strtof reads it, all of it. The library judges the value (a
 * negative or infinite scale is its UPS_ERR_PARAM). */
static int parse_float(const char *v, float *out) {
  if (!*v) return 0;
  char *end = NULL;
  errno = 0;
  const float x = strtof(v, &end);
  if (end == v || *end) return 0;
  *out = x;
  return 1;
}

int bench_problem_parse(const char *src, bench_problem *p, char *err, size_t cap) {
  memset(p, 0, sizeof *p);
  char tok[TOKEN_MAX];
  const char *s = src ? src : "";
  int got = next_token(&s, tok);
  if (got == 0)
    return fail(err, cap, "empty descriptor (expected nearest, bilinear, deconv or upconv)");
  if (strcmp(tok, "nearest") == 0) p->op = BENCH_NEAREST;
  else if (strcmp(tok, "bilinear") == 0) p->op = BENCH_BILINEAR;
  else if (strcmp(tok, "deconv") == 0) p->op = BENCH_DECONV;
  else if (strcmp(tok, "upconv") == 0) p->op = BENCH_UPCONV;
  else
    return fail(err, cap,
                "'%s': unknown operator (expected nearest, bilinear, deconv or upconv)", tok);
  const bench_op op = p->op;
  const int is_deconv = op == BENCH_DECONV, is_upconv = op == BENCH_UPCONV;
  const int is_conv = is_deconv || is_upconv; /* has weights and a bias */

  const slot_def *slots = is_deconv ? g_deconv_slots : is_upconv ? g_upconv_slots : g_resize_slots;
  const key_def *keys = is_deconv ? g_deconv_keys : is_upconv ? g_upconv_keys : g_resize_keys;
  unsigned char *base = is_deconv   ? (unsigned char *)&p->deconv
                        : is_upconv ? (unsigned char *)&p->upconv
                                    : (unsigned char *)&p->resize;
  unsigned set = 0; /* bit per slot */
  int layout = -1, weight_layout = -1, bias = -1, coord = -1, round = -1, mode = -1;

  while ((got = next_token(&s, tok)) != 0) {
    if (got < 0) return fail(err, cap, "'%s...': token too long", tok);
    /* Words: choices without a number. */
    int value, *dst = NULL;
    const char *what = NULL;
    if (word_find(g_layouts, tok, &value)) {
      dst = &layout;
      what = "the layout";
    } else if (is_deconv && word_find(g_weight_layouts, tok, &value)) {
      dst = &weight_layout;
      what = "the weight layout";
    } else if (is_upconv && word_find(g_conv_weight_layouts, tok, &value)) {
      dst = &weight_layout;
      what = "the weight layout";
    } else if (is_upconv && word_find(g_modes, tok, &value)) {
      dst = &mode;
      what = "the upsampling mode";
    } else if (is_conv && word_find(g_bias, tok, &value)) {
      dst = &bias;
      what = "the bias";
    } else if (!is_conv && word_find(g_coords, tok, &value)) {
      dst = &coord;
      what = "the coordinate mode";
    } else if (op == BENCH_NEAREST && word_find(g_rounds, tok, &value)) {
      dst = &round;
      what = "the rounding";
    }
    if (dst) {
      if (*dst >= 0) return fail(err, cap, "'%s': %s is already given", tok, what);
      *dst = value;
      continue;
    }
    /* key<number>: the key is the leading letters. */
    size_t klen = 0;
    while (tok[klen] >= 'a' && tok[klen] <= 'z') klen++;
    const char *num = tok + klen;
    const key_def *k = NULL;
    if (klen && *num)
      for (const key_def *c = keys; c->key; c++)
        if (strlen(c->key) == klen && strncmp(c->key, tok, klen) == 0) k = c;
    if (!k) {
      char vocab[512];
      text t = {vocab, sizeof vocab, 0};
      put_vocabulary(&t, op);
      if (!klen)
        return fail(err, cap, "'%s': a number needs its key before it (e.g. ih64); %s", tok, vocab);
      if (!*num) return fail(err, cap, "'%s': unknown word; %s", tok, vocab);
      return fail(err, cap, "'%s': unknown key '%.*s'; %s", tok, (int)klen, tok, vocab);
    }
    size_t size = 0;
    float real = 0.0f;
    const int is_float = slots[k->slots[0]].is_float;
    if (is_float ? !parse_float(num, &real) : !parse_size(num, &size))
      return fail(err, cap, "'%s': '%s' is not %s", tok, num,
                  is_float ? "a number" : "a whole number that fits size_t");
    for (int j = 0; k->slots[j] >= 0; j++) {
      const int sl = k->slots[j];
      if (set & (1u << sl))
        return fail(err, cap, "'%s': %s is already given", tok, slots[sl].name);
      set |= 1u << sl;
      if (is_float) memcpy(base + slots[sl].offset, &real, sizeof real);
      else memcpy(base + slots[sl].offset, &size, sizeof size);
    }
  }

  /* An axis given alone sets both; then what must be there. */
  const pair_def *pairs = is_deconv ? g_deconv_pairs : is_upconv ? g_upconv_pairs : g_resize_pairs;
  const size_t n_pairs = is_deconv   ? sizeof g_deconv_pairs / sizeof g_deconv_pairs[0]
                         : is_upconv ? sizeof g_upconv_pairs / sizeof g_upconv_pairs[0]
                                     : sizeof g_resize_pairs / sizeof g_resize_pairs[0];
  for (size_t i = 0; i < n_pairs; i++) {
    const int h = pairs[i].h, w = pairs[i].w;
    const int has_h = (set >> h) & 1, has_w = (set >> w) & 1;
    if (has_h == has_w) continue;
    const int from = has_h ? h : w, to = has_h ? w : h;
    memcpy(base + slots[to].offset, base + slots[from].offset,
           slots[from].is_float ? sizeof(float) : sizeof(size_t));
    set |= 1u << to;
  }
  static const char *const need_resize[] = {"c (e.g. c64)", "ih (e.g. ih32)"};
  static const char *const need_deconv[] = {"ic (e.g. ic64)", "oc (e.g. oc64)", "ih (e.g. ih32)",
                                            "k (e.g. k4)"};
  static const char *const need_upconv[] = {"ic (e.g. ic64)", "oc (e.g. oc64)", "ih (e.g. ih32)",
                                            "f (e.g. f2)", "k (e.g. k3)"};
  static const int need_resize_slots[] = {R_C, R_IH};
  static const int need_deconv_slots[] = {D_IC, D_OC, D_IH, D_KH};
  static const int need_upconv_slots[] = {U_IC, U_OC, U_IH, U_FH, U_KH};
  const int n_need = is_deconv ? 4 : is_upconv ? 5 : 2;
  for (int i = 0; i < n_need; i++) {
    const int sl = is_deconv   ? need_deconv_slots[i]
                   : is_upconv ? need_upconv_slots[i]
                               : need_resize_slots[i];
    if (!((set >> sl) & 1))
      return fail(err, cap, "%s: missing %s", bench_op_name(op),
                  is_deconv   ? need_deconv[i]
                  : is_upconv ? need_upconv[i]
                              : need_resize[i]);
  }
  if (!is_conv && !((set >> R_OH) & 1) && !((set >> R_SH) & 1))
    return fail(err, cap, "%s: missing the output: a size (oh, ow) or a scale (s, sh, sw)",
                bench_op_name(op));

  /* Defaults: batch 1; deconv stride, dilation and groups 1 (pads and output
   * padding stay 0), a bias, weights as the layout's framework stores them. */
  const int n_slot = is_deconv ? D_N : is_upconv ? U_N : R_N;
  if (!(set & (1u << n_slot))) {
    const size_t one = 1;
    memcpy(base + slots[n_slot].offset, &one, sizeof one);
  }
  if (is_deconv) {
    ups_deconv_params *d = &p->deconv;
    if (!((set >> D_SH) & 1)) d->stride_h = d->stride_w = 1;
    if (!((set >> D_DH) & 1)) d->dilation_h = d->dilation_w = 1;
    if (!((set >> D_G) & 1)) d->groups = 1;
    d->layout = layout >= 0 ? (ups_layout)layout : UPS_NCHW;
    d->weight_layout = weight_layout >= 0 ? (ups_weight_layout)weight_layout
                                          : default_weight_layout(d->layout);
    p->bias = bias >= 0 ? bias : 1;
  } else if (is_upconv) {
    /* Upconv: dilation and groups 1, nearest, a bias, weights as the
     * layout's framework stores them (PyTorch Conv2d OIHW, Keras HWIO). */
    ups_upconv_params *u = &p->upconv;
    if (!((set >> U_DH) & 1)) u->dilation_h = u->dilation_w = 1;
    if (!((set >> U_G) & 1)) u->groups = 1;
    u->mode = mode >= 0 ? (ups_operator)mode : UPS_OP_NEAREST;
    u->layout = layout >= 0 ? (ups_layout)layout : UPS_NCHW;
    u->weight_layout = weight_layout >= 0 ? (ups_conv_weight_layout)weight_layout
                                          : default_conv_weight_layout(u->layout);
    p->bias = bias >= 0 ? bias : 1;
  } else {
    ups_resize_params *r = &p->resize;
    r->layout = layout >= 0 ? (ups_layout)layout : UPS_NCHW;
    r->coord = coord >= 0 ? (ups_coord)coord : UPS_COORD_HALF_PIXEL;
    r->round = round >= 0 ? (ups_round)round : UPS_ROUND_PREFER_FLOOR;
  }
  return 0;
}

/* ------------------------------------------------------------ lists */

int bench_problem_list_add(bench_problem_list *l, const char *desc, char *err, size_t cap) {
  bench_problem p;
  if (bench_problem_parse(desc, &p, err, cap) != 0) return -1;
  for (size_t i = 0; i < l->count; i++)
    if (memcmp(&l->items[i], &p, sizeof p) == 0) return 0; /* the same problem again */
  if (l->count == l->cap) {
    const size_t cap2 = l->cap ? 2 * l->cap : 8;
    bench_problem *grown = realloc(l->items, cap2 * sizeof *grown);
    if (!grown) return fail(err, cap, "out of memory");
    l->items = grown;
    l->cap = cap2;
  }
  l->items[l->count++] = p;
  return 0;
}

int bench_problem_list_load(bench_problem_list *l, const char *path, char *err, size_t cap) {
  FILE *f = fopen(path, "r");
  if (!f) return fail(err, cap, "%s: cannot open: %s", path, strerror(errno));
  char line[BENCH_PROBLEM_TEXT_MAX + 2];
  size_t line_no = 0, added = 0;
  int status = 0;
  while (fgets(line, sizeof line, f)) {
    line_no++;
    const size_t len = strlen(line);
    if (len && line[len - 1] != '\n' && !feof(f)) {
      status = fail(err, cap, "%s:%zu: line longer than %d characters", path, line_no,
                    BENCH_PROBLEM_TEXT_MAX);
      break;
    }
    char *hash = strchr(line, '#');
    if (hash) *hash = 0;
    const char *c = line;
    while (*c && isspace((unsigned char)*c)) c++;
    if (!*c) continue;
    char msg[768];
    if (bench_problem_list_add(l, line, msg, sizeof msg) != 0) {
      status = fail(err, cap, "%s:%zu: %s", path, line_no, msg);
      break;
    }
    added++;
  }
  if (!status && ferror(f)) status = fail(err, cap, "%s: read error", path);
  if (!status && !added) status = fail(err, cap, "%s: no problem descriptors in the file", path);
  fclose(f);
  return status;
}

void bench_problem_list_free(bench_problem_list *l) {
  free(l->items);
  memset(l, 0, sizeof *l);
}

/* "--name VALUE" or "--name=VALUE": the value, or NULL when argv[*i] is not
 * the option; *missing when the value is absent. */
static const char *option_value(int argc, char **argv, int *i, const char *name, int *missing) {
  const char *a = argv[*i];
  const size_t n = strlen(name);
  if (strncmp(a, name, n) != 0) return NULL;
  if (a[n] == '=') return a + n + 1;
  if (a[n]) return NULL;
  if (*i + 1 >= argc) {
    *missing = 1;
    return NULL;
  }
  return argv[++*i];
}

int bench_problem_option(bench_problem_list *l, int argc, char **argv, int *i, char *err,
                         size_t cap) {
  int missing = 0;
  const char *v = option_value(argc, argv, i, "--problem", &missing);
  if (v) {
    char msg[768];
    if (bench_problem_list_add(l, v, msg, sizeof msg) == 0) return 1;
    return fail(err, cap, "--problem \"%s\": %s", v, msg);
  }
  if (missing) return fail(err, cap, "--problem needs a descriptor");
  v = option_value(argc, argv, i, "--batch", &missing);
  if (v) return bench_problem_list_load(l, v, err, cap) == 0 ? 1 : -1;
  if (missing) return fail(err, cap, "--batch needs a file");
  return 0;
}
