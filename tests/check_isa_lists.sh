#!/usr/bin/env bash
# check_isa_lists.sh — ctest isa_lists: kernels/isa_registry.c (with the
# ups_isa enum in kernels/upsimd.h) is the only code that knows which ISAs
# exist; every other source iterates what the library reports
# (ups_isa_count, ups_isa_name, ...). This flags code elsewhere that keeps
# its own list of SIMD ISAs:
#   (a) UPS_ISA_<SIMD> as a loop or range bound: <=, <, >, >= UPS_ISA_X, or
#       UPS_ISA_X + 1 / - 1 (the "last ISA" of a list)
#   (b) an integer literal cast to ups_isa: (ups_isa)4
#   (c) two or more different UPS_ISA_<SIMD> in one line or statement, or
#       `case UPS_ISA_<SIMD>:` (a switch over ISAs)
#   (d) two or more different quoted SIMD ISA names ("avx2", 'neon') in one
#       line or statement
# The SIMD names are the quoted names of registry[]'s initializer in
# kernels/isa_registry.c minus "auto" and "scalar", so a new ISA is covered
# without touching this script. Files: *.c *.h *.cc *.py *.cmake
# CMakeLists.txt and scripts/*, tracked by git or new (untracked, not
# ignored); comments are skipped. Before checking the tree it checks itself:
# a scratch file per kind of offence must be flagged and a clean one must not.
#
#   tests/check_isa_lists.sh [SOURCE_DIR]     exit 0 clean, 1 flagged, 2 broken
set -euo pipefail

root="${1:-$(cd "$(dirname "$0")/.." && pwd)}"
registry="$root/kernels/isa_registry.c"
[[ -f "$registry" ]] || { echo "isa_lists: no $registry" >&2; exit 2; }

# The SIMD ISA names, from registry[]'s initializer (up to its closing "};").
names="$(awk '/registry\[\][[:space:]]*=/ { on = 1 } on { print } on && /};/ { exit }' "$registry" |
  grep -o '"[A-Za-z0-9_]*"' | tr -d '"' | grep -v -x -e auto -e scalar | sort -u | tr '\n' ' ')"
names="${names% }"
if [[ -z "$names" ]]; then
  echo "isa_lists: found no SIMD ISA names in registry[] of $registry" >&2
  exit 2
fi

# The checker: awk over the files; names in -v names. Prints file:line: kind
# and the line for each offence; exit status 1 when anything was flagged.
read -r -d '' CHECKER <<'AWK' || true
function reset_stmt() { split("", st_id); split("", st_q); st_nid = 0; st_nq = 0 }
function start_file(f) {
  file = f; in_block = 0; depth = 0; reset_stmt()
  lang = f ~ /\.(c|h|cc)$/ ? "c" : (f ~ /(\.py|\.cmake|CMakeLists\.txt)$/ ? "bracket" : "line")
}
function flag(kind, why) {
  key = FILENAME SUBSEP FNR SUBSEP kind
  if (key in flagged) return
  flagged[key] = 1
  bad++
  printf "%s:%d: (%s) %s: %s\n", FILENAME, FNR, kind, why, raw
}
# C and C++: comments out (block comments span lines), strings kept.
function strip_c(s,    out, i, ch, nx, q) {
  out = ""; q = ""
  for (i = 1; i <= length(s); i++) {
    ch = substr(s, i, 1); nx = substr(s, i + 1, 1)
    if (in_block) { if (ch == "*" && nx == "/") { in_block = 0; i++ } ; continue }
    if (q != "") { out = out ch; if (ch == "\\") { out = out nx; i++ } else if (ch == q) q = ""; continue }
    if (ch == "/" && nx == "*") { in_block = 1; out = out " "; i++; continue }
    if (ch == "/" && nx == "/") break
    if (ch == "\"" || ch == "'") q = ch
    out = out ch
  }
  return out
}
# Python, CMake, shell: a # outside quotes at the start or after a blank.
function strip_hash(s,    out, i, ch, q, prev) {
  out = ""; q = ""; prev = " "
  for (i = 1; i <= length(s); i++) {
    ch = substr(s, i, 1)
    if (q != "") { out = out ch; if (ch == "\\" && q == "\"") { out = out substr(s, i + 1, 1); i++ } else if (ch == q) q = ""; prev = ch; continue }
    if (ch == "#" && (prev == " " || prev == "\t")) break
    if (ch == "\"" || ch == "'") q = ch
    out = out ch; prev = ch
  }
  return out
}
# Bracket depth change of a line (quotes skipped), for Python/CMake statements.
function depth_delta(s,    i, ch, q, d) {
  q = ""; d = 0
  for (i = 1; i <= length(s); i++) {
    ch = substr(s, i, 1)
    if (q != "") { if (ch == "\\") i++; else if (ch == q) q = ""; continue }
    if (ch == "\"" || ch == "'") q = ch
    else if (ch ~ /[[({]/) d++
    else if (ch ~ /[])}]/) d--
  }
  return d
}
# Names (ids, quoted) in one piece of a statement: per line and per statement.
function scan(seg,    k, nid, nq) {
  for (k = 1; k <= n; k++) {
    if (seg ~ ("(^|[^A-Za-z0-9_])UPS_ISA_" up[k] "([^A-Za-z0-9_]|$)")) {
      line_id[k] = 1
      if (!(k in st_id)) { st_id[k] = 1; st_nid++; if (st_nid == 2) flag("c", "different SIMD ISA ids in one statement") }
    }
    if (seg ~ ("[\"']" lo[k] "[\"']")) {
      line_q[k] = 1
      if (!(k in st_q)) { st_q[k] = 1; st_nq++; if (st_nq == 2) flag("d", "different quoted SIMD ISA names in one statement") }
    }
  }
}
BEGIN {
  n = split(names, lo, " ")
  for (k = 1; k <= n; k++) up[k] = toupper(lo[k])
  bad = 0
}
FNR == 1 { start_file(FILENAME) }
{
  raw = $0
  code = lang == "c" ? strip_c($0) : strip_hash($0)
  split("", line_id); split("", line_q)
  for (k = 1; k <= n; k++) {
    X = "UPS_ISA_" up[k] "([^A-Za-z0-9_]|$)"
    cast = "([(][[:space:]]*[A-Za-z_][A-Za-z_ ]*[)][[:space:]]*)?"
    if (code ~ ("(^|[^<>=!-])(<=|>=|<|>)[[:space:]]*" cast X) ||
        code ~ ("(^|[^A-Za-z0-9_])UPS_ISA_" up[k] "[[:space:]]*(<=|>=|<|>)([^<>=]|$)") ||
        code ~ ("(^|[^A-Za-z0-9_])UPS_ISA_" up[k] "[[:space:]]*[-+][[:space:]]*[0-9]"))
      flag("a", "UPS_ISA_" up[k] " as a loop or range bound")
    if (code ~ ("(^|[^A-Za-z0-9_])case[[:space:]]+" cast "UPS_ISA_" up[k] "[[:space:]]*:"))
      flag("c", "case UPS_ISA_" up[k] ": a switch over ISAs")
  }
  if (code ~ /[(][[:space:]]*ups_isa[[:space:]]*[)][[:space:]]*[(]?[[:space:]]*[+]?[0-9]/)
    flag("b", "an integer literal cast to ups_isa")
  # Statements: C ends them at ';', Python/CMake at bracket depth 0 at a line
  # end, shell scripts at the line end.
  if (lang == "c") {
    m = split(code, seg, ";")
    for (s = 1; s <= m; s++) { scan(seg[s]); if (s < m) reset_stmt() }
  } else {
    scan(code)
    depth += depth_delta(code)
    if (lang == "line" || depth <= 0) { depth = 0; reset_stmt() }
  }
  nid = 0; nq = 0
  for (k in line_id) nid++
  for (k in line_q) nq++
  if (nid >= 2) flag("c", "different SIMD ISA ids in one line")
  if (nq >= 2) flag("d", "different quoted SIMD ISA names in one line")
}
END { exit bad ? 1 : 0 }
AWK

check() { awk -v names="$1" "$CHECKER" "${@:2}"; }

# ------------------------------------------------------------ self-test
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
read -r a b _ <<<"$names"
test_names="$names"
if [[ -z "${b:-}" ]]; then b=selftestisa; test_names="$names $b"; fi # one SIMD ISA only
A="$(printf '%s' "$a" | tr '[:lower:]' '[:upper:]')"
B="$(printf '%s' "$b" | tr '[:lower:]' '[:upper:]')"
printf 'for (int i = UPS_ISA_SCALAR; i <= UPS_ISA_%s; i++) {}\n' "$A" >"$scratch/a_loop.c"
printf 'enum { N_ISA = UPS_ISA_%s + 1 };\n' "$A" >"$scratch/a_plus1.c"
printf 'if ((int)v < 0 || v > (int)UPS_ISA_%s) bad();\n' "$A" >"$scratch/a_cast.c"
printf 'q.isa = (ups_isa)4;\n' >"$scratch/b_cast.c"
printf 'static const ups_isa order[] = {UPS_ISA_SCALAR, UPS_ISA_%s, UPS_ISA_%s};\n' "$A" "$B" >"$scratch/c_line.c"
printf 'static const ups_isa order[] = {\n    UPS_ISA_%s,\n    UPS_ISA_%s};\n' "$A" "$B" >"$scratch/c_stmt.c"
printf 'switch (isa) {\n  case UPS_ISA_%s: return 1;\n  default: return 0;\n}\n' "$A" >"$scratch/c_case.c"
printf 'VARIANTS = ("scalar", "%s", "%s", "auto")\n' "$a" "$b" >"$scratch/d_line.py"
printf 'palette = {\n    "%s": "#1f77b4",\n    "%s": "#2ca02c",\n}\n' "$a" "$b" >"$scratch/d_stmt.py"
printf 'set(ISAS %s\n  %s)\n' "\"$a\"" "\"$b\"" >"$scratch/d_stmt.cmake"
# What registry-driven code looks like: none of it may be flagged.
cat >"$scratch/clean.c" <<EOF
/* UPS_ISA_$A, UPS_ISA_$B, "$a", "$b" in a comment; i <= UPS_ISA_$A */
for (int i = UPS_ISA_SCALAR; i < ups_isa_count(); i++) run((ups_isa)i);
if (ups_isa_supported(UPS_ISA_$A)) probe(); // UPS_ISA_$B
unsigned m = 1u << UPS_ISA_$A;
const char *kind = "$a-fma";
x = (ups_isa)-1;
y = (ups_isa)ups_isa_count();
EOF
cat >"$scratch/clean.py" <<EOF
kind = "$a" if fma else "portable"  # "$b" in a comment
variants = ctx.get("upsimd_variants", "").split(",")
EOF
selftest_failed=0
n_scratch=0
for f in "$scratch"/*; do
  n_scratch=$((n_scratch + 1))
  if out="$(check "$test_names" "$f")"; then flagged=0; else flagged=1; fi
  case "$(basename "$f")" in
    clean.*) want=0 ;;
    *) want=1 ;;
  esac
  if ((flagged != want)); then
    echo "isa_lists: self-test: $(basename "$f") was $( ((flagged)) && echo flagged || echo not flagged):" >&2
    sed 's/^/  | /' "$f" >&2
    [[ -n "$out" ]] && printf '%s\n' "$out" | sed 's/^/  > /' >&2
    selftest_failed=1
  fi
done
if ((selftest_failed)); then
  echo "isa_lists: the checker's self-test failed: it cannot be trusted" >&2
  exit 2
fi
echo "isa_lists: self-test ok ($n_scratch scratch files: each offence flagged, clean code passes)"

# ------------------------------------------------------------ the tree
files=()
if git -C "$root" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  while IFS= read -r f; do files+=("$f"); done < <(
    git -C "$root" ls-files -co --exclude-standard -- \
      '*.c' '*.h' '*.cc' '*.py' '*.cmake' '*CMakeLists.txt' 'scripts/*' | sort -u)
else # a source tree without git: everything but build trees
  while IFS= read -r f; do files+=("${f#./}"); done < <(
    cd "$root" && find . -path './build*' -prune -o -type f \( -name '*.c' -o -name '*.h' \
      -o -name '*.cc' -o -name '*.py' -o -name '*.cmake' -o -name CMakeLists.txt \
      -o -path './scripts/*' \) -print | sort)
fi
check_list=()
for f in "${files[@]}"; do
  case "$f" in
    kernels/isa_registry.c | kernels/upsimd.h) continue ;; # the registry itself
  esac
  [[ -f "$root/$f" ]] && check_list+=("$f")
done
echo "isa_lists: SIMD ISAs from the registry: $names; checking ${#check_list[@]} files"
if ! (cd "$root" && check "$names" "${check_list[@]}"); then
  echo "isa_lists: FAILED: the lines above keep their own list of ISAs; iterate the registry" \
    "(ups_isa_count, ups_isa_name, ups_isa_supported, ups_isa_parent) instead" >&2
  exit 1
fi
echo "isa_lists: ok: no list of SIMD ISAs outside kernels/isa_registry.c and kernels/upsimd.h"
