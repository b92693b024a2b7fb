/* test_bench_problem.c — the problem-descriptor parser (bench/problem.h):
 * defaults, every key and word landing in its field, the canonical form
 * (expected strings and parse(format(p)) == p), every error naming its
 * token, the library's verdict, batch files (comments, duplicates, line
 * numbers in errors), the --problem/--batch options, and the built-in
 * workloads (every descriptor parses, round-trips and is valid). */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "problem.h"

#include "bench_test.h"

static bench_problem parse_ok(const char *text) {
  bench_problem p;
  char err[1024];
  if (bench_problem_parse(text, &p, err, sizeof err) != 0) {
    fprintf(stderr, "FAILED: \"%s\" did not parse: %s\n", text, err);
    g_failed_checks++;
  }
  return p;
}

/* The canonical form is `want`, and it parses back to the same problem. */
static void expect_canonical(const char *text, const char *want) {
  const bench_problem p = parse_ok(text);
  char got[BENCH_PROBLEM_TEXT_MAX];
  bench_problem_format(&p, got, sizeof got);
  if (want && strcmp(got, want) != 0) {
    fprintf(stderr, "FAILED: \"%s\"\n  canonical \"%s\"\n  expected  \"%s\"\n", text, got, want);
    g_failed_checks++;
  }
  const bench_problem q = parse_ok(got);
  if (memcmp(&p, &q, sizeof p) != 0) {
    fprintf(stderr, "FAILED: \"%s\" does not round-trip through \"%s\"\n", text, got);
    g_failed_checks++;
  }
}

/* The descriptor is refused and the message contains `needle` (the token). */
static void expect_error(const char *text, const char *needle) {
  bench_problem p;
  char err[1024] = "";
  const int rc = bench_problem_parse(text, &p, err, sizeof err);
  if (rc == 0 || !strstr(err, needle)) {
    fprintf(stderr, "FAILED: \"%s\": rc %d, message \"%s\" (expected one naming \"%s\")\n", text,
            rc, err, needle);
    g_failed_checks++;
  }
}

static void test_defaults(void) {
  bench_problem p = parse_ok("deconv ic4 oc8 ih5 k3");
  EXPECT(p.op == BENCH_DECONV);
  EXPECT(p.deconv.layout == UPS_NCHW && p.deconv.weight_layout == UPS_W_IOHW);
  EXPECT(p.deconv.n == 1 && p.deconv.in_c == 4 && p.deconv.out_c == 8);
  EXPECT(p.deconv.in_h == 5 && p.deconv.in_w == 5);
  EXPECT(p.deconv.kernel_h == 3 && p.deconv.kernel_w == 3);
  EXPECT(p.deconv.stride_h == 1 && p.deconv.stride_w == 1);
  EXPECT(p.deconv.dilation_h == 1 && p.deconv.dilation_w == 1 && p.deconv.groups == 1);
  EXPECT(p.deconv.pad_top == 0 && p.deconv.pad_left == 0 && p.deconv.pad_bottom == 0 &&
         p.deconv.pad_right == 0);
  EXPECT(p.deconv.out_pad_h == 0 && p.deconv.out_pad_w == 0);
  EXPECT(p.bias == 1);
  EXPECT(p.deconv.isa == UPS_ISA_AUTO);
  /* NHWC: Keras HWOI weights unless told otherwise. */
  p = parse_ok("deconv nhwc ic4 oc8 ih5 k3");
  EXPECT(p.deconv.layout == UPS_NHWC && p.deconv.weight_layout == UPS_W_HWOI);
  p = parse_ok("deconv nhwc ic4 oc8 ih5 k3 iohw");
  EXPECT(p.deconv.weight_layout == UPS_W_IOHW);

  /* Upconv: nearest, bias, dilation and groups 1, PyTorch OIHW (NCHW) or
   * Keras HWIO (NHWC) weights. */
  p = parse_ok("upconv ic4 oc8 ih5 f2 k3 p1");
  EXPECT(p.op == BENCH_UPCONV && p.upconv.layout == UPS_NCHW);
  EXPECT(p.upconv.weight_layout == UPS_CW_OIHW && p.upconv.mode == UPS_OP_NEAREST);
  EXPECT(p.upconv.n == 1 && p.upconv.in_c == 4 && p.upconv.out_c == 8);
  EXPECT(p.upconv.in_h == 5 && p.upconv.in_w == 5 && p.upconv.factor_h == 2 &&
         p.upconv.factor_w == 2);
  EXPECT(p.upconv.kernel_h == 3 && p.upconv.kernel_w == 3 && p.upconv.pad_top == 1 &&
         p.upconv.pad_right == 1);
  EXPECT(p.upconv.dilation_h == 1 && p.upconv.dilation_w == 1 && p.upconv.groups == 1);
  EXPECT(p.bias == 1 && p.upconv.isa == UPS_ISA_AUTO);
  p = parse_ok("upconv nhwc ic4 oc8 ih5 f2 k3");
  EXPECT(p.upconv.layout == UPS_NHWC && p.upconv.weight_layout == UPS_CW_HWIO);
  bench_problem_set_layout(&p, UPS_NCHW);
  EXPECT(p.upconv.layout == UPS_NCHW && p.upconv.weight_layout == UPS_CW_OIHW);

  p = parse_ok("nearest c3 ih4 s2");
  EXPECT(p.op == BENCH_NEAREST && p.resize.layout == UPS_NCHW);
  EXPECT(p.resize.n == 1 && p.resize.c == 3 && p.resize.in_h == 4 && p.resize.in_w == 4);
  EXPECT(p.resize.out_h == 0 && p.resize.out_w == 0);
  EXPECT(p.resize.scale_h == 2.0f && p.resize.scale_w == 2.0f);
  EXPECT(p.resize.coord == UPS_COORD_HALF_PIXEL && p.resize.round == UPS_ROUND_PREFER_FLOOR);
  /* An axis given alone sets both (here: w from h and h from w). */
  p = parse_ok("bilinear c3 iw7 oh9");
  EXPECT(p.op == BENCH_BILINEAR && p.resize.in_h == 7 && p.resize.in_w == 7);
  EXPECT(p.resize.out_h == 9 && p.resize.out_w == 9 && p.resize.scale_h == 0.0f);
}

static void test_every_field(void) {
  bench_problem p = parse_ok(
      "deconv nhwc n2 ic6 oc9 ih7 iw5 kh3 kw2 sh2 sw3 dh1 dw2 pt1 pl0 pb2 pr3 oph1 opw0 g3 iohw "
      "nobias");
  const ups_deconv_params *d = &p.deconv;
  EXPECT(d->layout == UPS_NHWC && d->n == 2 && d->in_c == 6 && d->out_c == 9);
  EXPECT(d->in_h == 7 && d->in_w == 5 && d->kernel_h == 3 && d->kernel_w == 2);
  EXPECT(d->stride_h == 2 && d->stride_w == 3 && d->dilation_h == 1 && d->dilation_w == 2);
  EXPECT(d->pad_top == 1 && d->pad_left == 0 && d->pad_bottom == 2 && d->pad_right == 3);
  EXPECT(d->out_pad_h == 1 && d->out_pad_w == 0 && d->groups == 3);
  EXPECT(d->weight_layout == UPS_W_IOHW && p.bias == 0);
  p = parse_ok("deconv ic1 oc1 ih1 k1 ph2 pw3 d2");
  EXPECT(p.deconv.pad_top == 2 && p.deconv.pad_bottom == 2 && p.deconv.pad_left == 3 &&
         p.deconv.pad_right == 3 && p.deconv.dilation_h == 2 && p.deconv.dilation_w == 2);
  p = parse_ok("deconv ic1 oc1 ih1 k1 p4 op1 hwoi bias");
  EXPECT(p.deconv.pad_top == 4 && p.deconv.pad_right == 4 && p.deconv.out_pad_h == 1 &&
         p.deconv.out_pad_w == 1 && p.deconv.weight_layout == UPS_W_HWOI && p.bias == 1);

  p = parse_ok("upconv nhwc n2 ic6 oc9 ih7 iw5 fh2 fw3 kh3 kw2 dh1 dw2 pt1 pl0 pb2 pr3 g3 oihw "
               "bilinear nobias");
  const ups_upconv_params *u = &p.upconv;
  EXPECT(u->layout == UPS_NHWC && u->n == 2 && u->in_c == 6 && u->out_c == 9);
  EXPECT(u->in_h == 7 && u->in_w == 5 && u->factor_h == 2 && u->factor_w == 3);
  EXPECT(u->kernel_h == 3 && u->kernel_w == 2 && u->dilation_h == 1 && u->dilation_w == 2);
  EXPECT(u->pad_top == 1 && u->pad_left == 0 && u->pad_bottom == 2 && u->pad_right == 3);
  EXPECT(u->groups == 3 && u->weight_layout == UPS_CW_OIHW && u->mode == UPS_OP_BILINEAR);
  EXPECT(p.bias == 0);
  p = parse_ok("upconv ic1 oc1 ih1 f1 k1 ph2 pw3 d2 hwio");
  EXPECT(p.upconv.pad_top == 2 && p.upconv.pad_bottom == 2 && p.upconv.pad_left == 3 &&
         p.upconv.pad_right == 3 && p.upconv.dilation_w == 2 &&
         p.upconv.weight_layout == UPS_CW_HWIO);

  p = parse_ok("nearest nhwc n3 c5 ih6 iw7 oh11 ow13 sh1.75 sw2 tf_half_pixel_for_nn ceil");
  const ups_resize_params *r = &p.resize;
  EXPECT(r->layout == UPS_NHWC && r->n == 3 && r->c == 5 && r->in_h == 6 && r->in_w == 7);
  EXPECT(r->out_h == 11 && r->out_w == 13 && r->scale_h == 1.75f && r->scale_w == 2.0f);
  EXPECT(r->coord == UPS_COORD_TF_HALF_PIXEL_FOR_NN && r->round == UPS_ROUND_CEIL);
  static const struct { const char *word; ups_coord coord; } coords[] = {
      {"half_pixel", UPS_COORD_HALF_PIXEL},
      {"pytorch_half_pixel", UPS_COORD_PYTORCH_HALF_PIXEL},
      {"align_corners", UPS_COORD_ALIGN_CORNERS},
      {"asymmetric", UPS_COORD_ASYMMETRIC},
      {"tf_half_pixel_for_nn", UPS_COORD_TF_HALF_PIXEL_FOR_NN}};
  for (size_t i = 0; i < sizeof coords / sizeof coords[0]; i++) {
    char text[128];
    snprintf(text, sizeof text, "nearest c1 ih2 s2 %s", coords[i].word);
    EXPECT(parse_ok(text).resize.coord == coords[i].coord);
  }
  static const struct { const char *word; ups_round round; } rounds[] = {
      {"round_prefer_floor", UPS_ROUND_PREFER_FLOOR},
      {"round_prefer_ceil", UPS_ROUND_PREFER_CEIL},
      {"floor", UPS_ROUND_FLOOR},
      {"ceil", UPS_ROUND_CEIL}};
  for (size_t i = 0; i < sizeof rounds / sizeof rounds[0]; i++) {
    char text[128];
    snprintf(text, sizeof text, "nearest c1 ih2 s2 %s", rounds[i].word);
    EXPECT(parse_ok(text).resize.round == rounds[i].round);
  }
  /* Case and spacing do not matter. */
  bench_problem a = parse_ok("  DECONV\tNHWC  IC4 oc8\n ih5 K3  ");
  bench_problem b = parse_ok("deconv nhwc ic4 oc8 ih5 k3");
  EXPECT(memcmp(&a, &b, sizeof a) == 0);
}

static void test_canonical(void) {
  expect_canonical("deconv nhwc n1 ic64 oc64 ih64 iw64 k4 s2 p1 bias",
                   "deconv nhwc n1 ic64 oc64 ih64 iw64 k4 s2 p1 bias");
  expect_canonical("deconv ic64 oc32 ih16 k4 s2 p1",
                   "deconv nchw n1 ic64 oc32 ih16 iw16 k4 s2 p1 bias");
  expect_canonical("deconv nhwc ic64 oc64 ih64 k3 s2 pb1 pr1 nobias",
                   "deconv nhwc n1 ic64 oc64 ih64 iw64 k3 s2 pt0 pl0 pb1 pr1 nobias");
  expect_canonical("deconv ic4 oc4 ih3 iw5 kh3 kw1 sh2 sw1 ph1 pw0 d2 op1 g2 hwoi",
                   "deconv nchw n1 ic4 oc4 ih3 iw5 kh3 kw1 sh2 sw1 d2 ph1 pw0 op1 g2 hwoi bias");
  expect_canonical("deconv ic4 oc4 ih3 k3 dh2 dw1 oph1 opw0",
                   "deconv nchw n1 ic4 oc4 ih3 iw3 k3 s1 dh2 dw1 oph1 opw0 bias");
  expect_canonical("upconv ic512 oc512 ih64 f2 k3 p1",
                   "upconv nchw n1 ic512 oc512 ih64 iw64 f2 k3 p1 nearest bias");
  expect_canonical("upconv nhwc ic4 oc4 ih3 iw5 fh2 fw1 kh3 kw1 pb1 pr1 d2 g2 oihw bilinear nobias",
                   "upconv nhwc n1 ic4 oc4 ih3 iw5 fh2 fw1 kh3 kw1 d2 pt0 pl0 pb1 pr1 g2 oihw "
                   "bilinear nobias");
  expect_canonical("nearest c256 ih20 s2 asymmetric floor",
                   "nearest nchw n1 c256 ih20 iw20 s2 asymmetric floor");
  expect_canonical("nearest nhwc c8 ih5 iw7 oh12 ow17 tf_half_pixel_for_nn",
                   "nearest nhwc n1 c8 ih5 iw7 oh12 ow17 tf_half_pixel_for_nn round_prefer_floor");
  expect_canonical("bilinear c21 ih65 oh513 align_corners",
                   "bilinear nchw n1 c21 ih65 iw65 oh513 ow513 align_corners");
  expect_canonical("bilinear n2 c3 ih8 sh1.5 sw0.333333343",
                   "bilinear nchw n2 c3 ih8 iw8 sh1.5 sw0.33333334 half_pixel");
  /* Values the library will reject still round-trip (it judges them). */
  expect_canonical("deconv ic4 oc4 ih3 k3 s0 d0 g0",
                   "deconv nchw n1 ic4 oc4 ih3 iw3 k3 s0 d0 g0 bias");
  expect_canonical("nearest n0 c0 ih0 oh0 s-1 floor",
                   "nearest nchw n0 c0 ih0 iw0 s-1 half_pixel floor");
  expect_canonical("bilinear c1 ih1 s1e-30", NULL);
  /* Shortest float that reads back exactly. */
  bench_problem p = parse_ok("bilinear c1 ih3 s0.333333343");
  EXPECT(p.resize.scale_h == 1.0f / 3.0f);

  char slug[BENCH_PROBLEM_TEXT_MAX];
  p = parse_ok("deconv nhwc ic64 oc64 ih64 k4 s2 p1");
  bench_problem_slug(&p, slug, sizeof slug);
  EXPECT(strcmp(slug, "n1-ic64-oc64-ih64-iw64-k4-s2-p1-bias") == 0);
  p = parse_ok("upconv nhwc ic16 oc16 ih16 f2 k3 p1");
  bench_problem_slug(&p, slug, sizeof slug);
  EXPECT(strcmp(slug, "n1-ic16-oc16-ih16-iw16-f2-k3-p1-nearest-bias") == 0);
  p = parse_ok("nearest c8 ih5 s2 asymmetric floor");
  bench_problem_slug(&p, slug, sizeof slug);
  EXPECT(strcmp(slug, "n1-c8-ih5-iw5-s2-asymmetric-floor") == 0);
  /* Truncation keeps the buffer a string. */
  char small[8];
  EXPECT(bench_problem_format(&p, small, sizeof small) > sizeof small);
  EXPECT(strlen(small) == sizeof small - 1);
}

static void test_errors(void) {
  expect_error("", "empty descriptor");
  expect_error("   \t ", "empty descriptor");
  expect_error("upsample c1 ih2 s2", "'upsample': unknown operator");
  expect_error("deconv ic4 oc4 ih8 k2 q3", "'q3': unknown key 'q'");
  expect_error("deconv ic4 oc4 ih8 k2 stride2", "'stride2': unknown key 'stride'");
  expect_error("upconv ic4 oc4 ih8 k3 p1", "missing f");
  expect_error("upconv ic4 oc4 ih8 f2 k3 s2", "'s2': unknown key 's'");
  expect_error("upconv ic4 oc4 ih8 f2 k3 nearest bilinear", "'bilinear': the upsampling mode");
  expect_error("upconv ic4 oc4 ih8 f2 k3 iohw", "'iohw': unknown word");
  expect_error("upconv ic4 oc4 ih8 f2 f3 k3", "'f3': fh is already given");
  expect_error("deconv ic4 oc4 ih8 k2 foo", "'foo': unknown word");
  expect_error("deconv ic4 oc4 ih8 k2 42", "'42': a number needs its key");
  expect_error("deconv ic4 oc4 ih8x8 k2", "'ih8x8': '8x8' is not a whole number");
  expect_error("deconv ic4 oc4 ih8 k-2", "'k-2'");
  expect_error("deconv ic4 oc4 ih8 k2.5", "'k2.5': '2.5' is not a whole number");
  expect_error("deconv ic4 oc4 ih99999999999999999999999 k2", "'ih99999999999999999999999'");
  expect_error("deconv ic4 oc4 ih8 k3 kh4", "'kh4': kh is already given");
  expect_error("deconv ic4 oc4 ih8 k3 p1 pt2", "'pt2': pt is already given");
  expect_error("deconv ic4 oc4 ih8 k3 ic5", "'ic5': ic is already given");
  expect_error("deconv nchw ic4 oc4 ih8 k3 nhwc", "'nhwc': the layout is already given");
  expect_error("deconv ic4 oc4 ih8 k3 iohw hwoi", "'hwoi': the weight layout is already given");
  expect_error("deconv ic4 oc4 ih8 k3 bias nobias", "'nobias': the bias is already given");
  expect_error("nearest c1 ih2 s2 floor ceil", "'ceil': the rounding is already given");
  expect_error("nearest c1 ih2 s2 half_pixel asymmetric",
               "'asymmetric': the coordinate mode is already given");
  expect_error("bilinear c1 ih2 s2 floor", "'floor': unknown word");
  expect_error("nearest c1 ih2 s2 bias", "'bias': unknown word");
  expect_error("nearest c1 ih2 s2 hwoi", "'hwoi': unknown word");
  expect_error("bilinear c1 ih2 k2", "'k2': unknown key 'k'");
  expect_error("deconv ic4 oc4 ih8 k2 asymmetric", "'asymmetric': unknown word");
  expect_error("nearest c1 ih2 s2x", "'s2x': '2x' is not a number");
  expect_error("nearest c1 ih2 s1.5.1", "'s1.5.1'");
  expect_error("nearest ih2 s2", "missing c");
  expect_error("nearest c1 s2", "missing ih");
  expect_error("bilinear c1 ih2", "missing the output");
  expect_error("deconv oc4 ih8 k2", "missing ic");
  expect_error("deconv ic4 ih8 k2", "missing oc");
  expect_error("deconv ic4 oc4 k2", "missing ih");
  expect_error("deconv ic4 oc4 ih8", "missing k");
  char long_token[128] = "deconv ic4 oc4 ih8 k2 ";
  memset(long_token + strlen(long_token), 'p', 80); /* one 81-character token */
  strcat(long_token, "1"); /* the rest of the array was zero */
  expect_error(long_token, "token too long");
  /* The vocabulary is listed for unknown tokens. */
  expect_error("deconv ic4 oc4 ih8 k2 q3", "ic<N> oc<N>");
  expect_error("nearest c1 ih2 s2 q3", "round_prefer_ceil");
}

static void test_validate(void) {
  bench_problem p = parse_ok("deconv ic4 oc4 ih8 k2 s2");
  EXPECT(bench_problem_validate(&p) == UPS_OK);
  p = parse_ok("deconv ic4 oc4 ih8 k2 s2 op3");
  EXPECT(bench_problem_validate(&p) == UPS_ERR_PARAM);
  p = parse_ok("deconv ic4 oc6 ih8 k2 s2 g4");
  EXPECT(bench_problem_validate(&p) == UPS_ERR_SHAPE);
  p = parse_ok("deconv ic4 oc4 ih0 k2");
  EXPECT(bench_problem_validate(&p) == UPS_ERR_SHAPE);
  p = parse_ok("bilinear c3 ih10 s2 tf_half_pixel_for_nn");
  EXPECT(bench_problem_validate(&p) == UPS_ERR_PARAM);
  p = parse_ok("upconv ic4 oc4 ih8 f2 k3 p1");
  EXPECT(bench_problem_validate(&p) == UPS_OK);
  p = parse_ok("upconv ic4 oc6 ih8 f2 k3 g4");
  EXPECT(bench_problem_validate(&p) == UPS_ERR_SHAPE);
  p = parse_ok("upconv ic4 oc4 ih8 f2 k3 p1 bilinear");
  EXPECT(bench_problem_validate(&p) == UPS_OK && p.upconv.mode == UPS_OP_BILINEAR);
  p = parse_ok("upconv ic4 oc4 ih8 f2 k30 bilinear"); /* 16 upsampled rows, span 29 */
  EXPECT(bench_problem_validate(&p) == UPS_ERR_SHAPE);
  p = parse_ok("nearest c3 ih10 s2 tf_half_pixel_for_nn");
  EXPECT(bench_problem_validate(&p) == UPS_OK);
  p = parse_ok("nearest c3 ih10 s-2");
  EXPECT(bench_problem_validate(&p) == UPS_ERR_PARAM);
  EXPECT(strcmp(bench_status_name(UPS_ERR_PARAM), "UPS_ERR_PARAM") == 0);
  EXPECT(strcmp(bench_status_name(UPS_ERR_OVERFLOW), "UPS_ERR_OVERFLOW") == 0);
}

static const char *write_file(const char *text) {
  static char path[64];
  snprintf(path, sizeof path, "/tmp/test_bench_problem_%d.txt", (int)getpid());
  FILE *f = fopen(path, "w");
  if (!f) return NULL;
  fputs(text, f);
  fclose(f);
  return path;
}

static void test_batch(void) {
  char err[1024];
  bench_problem_list l = {0};
  const char *path = write_file(
      "# a comment\n"
      "\n"
      "deconv nhwc ic64 oc64 ih64 k4 s2 p1   # trailing comment\n"
      "   nearest c8 ih5 s2 asymmetric floor\n"
      "deconv nhwc n1 ic64 oc64 ih64 iw64 k4 s2 p1 bias\n" /* the first again: dropped */
      "bilinear c3 ih4 oh8");                               /* no final newline */
  EXPECT(path != NULL);
  EXPECT(bench_problem_list_load(&l, path, err, sizeof err) == 0);
  EXPECT(l.count == 3);
  if (l.count == 3) {
    EXPECT(l.items[0].op == BENCH_DECONV && l.items[1].op == BENCH_NEAREST &&
           l.items[2].op == BENCH_BILINEAR);
  }
  bench_problem_list_free(&l);

  path = write_file("nearest c8 ih5 s2\n# fine so far\ndeconv ic4 oc4 ih8 k2 q3\n");
  EXPECT(bench_problem_list_load(&l, path, err, sizeof err) != 0);
  EXPECT(strstr(err, ":3: 'q3': unknown key") != NULL);
  bench_problem_list_free(&l);

  path = write_file("# only comments\n\n");
  EXPECT(bench_problem_list_load(&l, path, err, sizeof err) != 0);
  EXPECT(strstr(err, "no problem descriptors") != NULL);
  bench_problem_list_free(&l);
  remove(path);

  EXPECT(bench_problem_list_load(&l, "/nonexistent/problems.txt", err, sizeof err) != 0);
  EXPECT(strstr(err, "/nonexistent/problems.txt: cannot open") != NULL);
  bench_problem_list_free(&l);

  /* The command-line options. */
  char *argv[] = {"prog", "--problem", "nearest c1 ih2 s2", "--problem=deconv ic1 oc1 ih1 k1",
                  "--other", "--batch", NULL};
  const int argc = 6;
  int i = 1;
  EXPECT(bench_problem_option(&l, argc, argv, &i, err, sizeof err) == 1 && i == 2);
  i = 3;
  EXPECT(bench_problem_option(&l, argc, argv, &i, err, sizeof err) == 1 && i == 3);
  i = 4;
  EXPECT(bench_problem_option(&l, argc, argv, &i, err, sizeof err) == 0 && i == 4);
  i = 5;
  EXPECT(bench_problem_option(&l, argc, argv, &i, err, sizeof err) == -1);
  EXPECT(strstr(err, "--batch needs a file") != NULL);
  EXPECT(l.count == 2);
  char *bad[] = {"prog", "--problem", "deconv ic1 oc1 ih1 k1 zz9", NULL};
  i = 1;
  EXPECT(bench_problem_option(&l, 3, bad, &i, err, sizeof err) == -1);
  EXPECT(strstr(err, "'zz9'") != NULL);
  bench_problem_list_free(&l);
}

/* The built-in workloads are descriptors too: each parses (bench_workload_get
 * aborts otherwise), round-trips and is valid in each of its layouts. */
static void test_builtin_workloads(void) {
  for (size_t i = 0; i < bench_workload_count(); i++) {
    const bench_workload *w = bench_workload_get(i);
    expect_canonical(w->desc, NULL);
    for (int l = 0; l < 2; l++) {
      if (!(w->layouts & (l ? BENCH_LAYOUT_NHWC : BENCH_LAYOUT_NCHW))) continue;
      const bench_problem p = bench_workload_problem(w, l ? UPS_NHWC : UPS_NCHW);
      EXPECT(bench_problem_layout(&p) == (l ? UPS_NHWC : UPS_NCHW));
      if (p.op == BENCH_DECONV)
        EXPECT(p.deconv.weight_layout == (l ? UPS_W_HWOI : UPS_W_IOHW));
      if (p.op == BENCH_UPCONV)
        EXPECT(p.upconv.weight_layout == (l ? UPS_CW_HWIO : UPS_CW_OIHW));
      if (bench_problem_validate(&p) != UPS_OK) {
        fprintf(stderr, "FAILED: workload %s is invalid\n", w->name);
        g_failed_checks++;
      }
      expect_canonical(w->desc, NULL);
    }
  }
}

int main(void) {
  test_defaults();
  test_every_field();
  test_canonical();
  test_errors();
  test_validate();
  test_batch();
  test_builtin_workloads();
  if (g_failed_checks) {
    fprintf(stderr, "test_bench_problem: %d check(s) failed\n", g_failed_checks);
    return 1;
  }
  printf("test_bench_problem: ok\n");
  return 0;
}
