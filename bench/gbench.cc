// gbench.cc — the C shim of gbench.h on top of Google Benchmark (tested with
// 1.7.1). The only C++ of the harness: everything else is C.
#include "gbench.h"

#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <regex>
#include <set>
#include <string>
#include <vector>

namespace {

struct Entry {
  std::string name;
  std::string instance;  // the name GB matches the filter against (see below)
  gbench_fn fn;
  void *user;
  gbench_record record;
};

// Registration order is run order; entries live until exit (GB keeps the
// lambdas, which point at them).
std::vector<std::unique_ptr<Entry>> &entries() {
  static std::vector<std::unique_ptr<Entry>> v;
  return v;
}
std::set<std::string> &ratio_counters() {
  static std::set<std::string> s;
  return s;
}
size_t g_failures = 0;

// Console output formats flags it was given; remembered from argv because GB
// 1.7.1 keeps its FLAGS_ private.
std::string g_format = "console";
bool g_color = isatty(1) != 0;
bool g_tabular = false;
bool g_list_only = false;  // --benchmark_list_tests: GB prints names, runs nothing

bool flag_value(const char *arg, const char *flag, std::string *value) {
  const size_t n = std::strlen(flag);
  if (std::strncmp(arg, flag, n) != 0 || arg[n] != '=') return false;
  *value = arg + n + 1;
  return true;
}

bool truthy(const std::string &v) {
  return v == "true" || v == "yes" || v == "1" || v == "on" || v == "always";
}

// GB's reading of a boolean flag's value: anything but a false word is true.
bool gb_truthy(const std::string &v) {
  return !(v == "0" || v == "false" || v == "False" || v == "FALSE" || v == "no" || v == "n" ||
           v == "off" || v == "f" || v == "N" || v == "F");
}

// The instance name GB 1.7.1 builds (BenchmarkInstance) and matches the
// filter against: the name, then args, min_time, iterations, repeats and the
// clock, each "/"-separated where set.
std::string instance_name(const std::string &name, const gbench_options &o) {
  std::string s = name;
  char buf[64];
  for (size_t i = 0; i < o.n_args; i++) {
    std::snprintf(buf, sizeof buf, "/%" PRId64, o.args[i]);
    s += buf;
  }
  if (o.iterations <= 0 && o.min_time > 0) {
    std::snprintf(buf, sizeof buf, "/min_time:%0.3f", o.min_time);
    s += buf;
  }
  if (o.iterations > 0) {
    std::snprintf(buf, sizeof buf, "/iterations:%" PRId64, o.iterations);
    s += buf;
  }
  if (o.repetitions > 0) {
    std::snprintf(buf, sizeof buf, "/repeats:%d", o.repetitions);
    s += buf;
  }
  if (o.real_time) s += "/real_time";
  return s;
}

// The console reporter, except that ratio counters (rates by construction: a
// limit time per iteration divided by the measured time) print without "/s".
class RatioAwareConsoleReporter : public benchmark::ConsoleReporter {
 public:
  using benchmark::ConsoleReporter::ConsoleReporter;
  void ReportRuns(const std::vector<Run> &runs) override {
    std::vector<Run> copy = runs;
    for (Run &run : copy)
      for (auto &kv : run.counters)
        if (ratio_counters().count(kv.first))
          kv.second.flags = static_cast<benchmark::Counter::Flags>(
              kv.second.flags & ~benchmark::Counter::kIsRate);
    benchmark::ConsoleReporter::ReportRuns(copy);
  }
};

benchmark::TimeUnit to_gb_unit(gbench_unit u) {
  switch (u) {
    case GBENCH_UNIT_US: return benchmark::kMicrosecond;
    case GBENCH_UNIT_MS: return benchmark::kMillisecond;
    case GBENCH_UNIT_S: return benchmark::kSecond;
    default: return benchmark::kNanosecond;
  }
}

}  // namespace

struct gbench_state {
  benchmark::State *st;
  Entry *entry;
  bool stopped;  // skip/error/fail was called
};

extern "C" {

int gbench_initialize(int *argc, char **argv) {
  // GB takes a flag's default from the environment; the command line wins.
  if (const char *env = std::getenv("BENCHMARK_LIST_TESTS"))
    if (*env) g_list_only = gb_truthy(env);
  for (int i = 1; i < *argc; i++) {
    std::string v;
    if (flag_value(argv[i], "--benchmark_format", &v)) g_format = v;
    if (flag_value(argv[i], "--benchmark_color", &v))
      g_color = v == "auto" ? isatty(1) != 0 : truthy(v);
    if (flag_value(argv[i], "--benchmark_counters_tabular", &v)) g_tabular = truthy(v);
    if (std::strcmp(argv[i], "--benchmark_list_tests") == 0) g_list_only = true;
    if (flag_value(argv[i], "--benchmark_list_tests", &v)) g_list_only = gb_truthy(v);
  }

  benchmark::Initialize(argc, argv);
  return benchmark::ReportUnrecognizedArguments(*argc, argv) ? 1 : 0;
}

int gbench_register(const char *name, gbench_fn fn, void *user, const gbench_options *o) {
  if (!name || !fn) return 1;
  gbench_options defaults{};
  if (!o) o = &defaults;
  entries().push_back(
      std::unique_ptr<Entry>(new Entry{name, instance_name(name, *o), fn, user, gbench_record{}}));
  Entry *e = entries().back().get();
  benchmark::internal::Benchmark *b =
      benchmark::RegisterBenchmark(e->name.c_str(), [e](benchmark::State &st) {
        gbench_state s{&st, e, false};
        e->record.calls++;
        e->fn(&s, e->user);
        e->record.iterations += static_cast<int64_t>(st.iterations());
      });
  if (!b) return 1;
  if (o->real_time) b->UseRealTime();
  if (o->unit != GBENCH_UNIT_DEFAULT) b->Unit(to_gb_unit(o->unit));
  if (o->iterations > 0)
    b->Iterations(o->iterations);
  else if (o->min_time > 0)
    b->MinTime(o->min_time);
  if (o->repetitions > 0) b->Repetitions(o->repetitions);
  if (o->n_args > 0) {
    std::vector<int64_t> args(o->args, o->args + o->n_args);
    b->Args(args);
  }
  return 0;
}

void gbench_add_context(const char *key, const char *value) {
  benchmark::AddCustomContext(key, value ? value : "");
}

void gbench_mark_ratio_counter(const char *name) { ratio_counters().insert(name); }

int gbench_run_count(size_t *n_run) {
  size_t n;
  if (g_format == "console") {
    auto opts = static_cast<benchmark::ConsoleReporter::OutputOptions>(
        (g_color ? benchmark::ConsoleReporter::OO_Color : 0) |
        (g_tabular ? benchmark::ConsoleReporter::OO_Tabular : 0));
    RatioAwareConsoleReporter display(opts);
    n = benchmark::RunSpecifiedBenchmarks(&display);
  } else {
    n = benchmark::RunSpecifiedBenchmarks();  // GB builds json/csv from its flags
  }
  std::fflush(stdout);
  if (n_run) *n_run = n;
  if (g_failures) return 1;
  return n == 0 ? 2 : 0;
}

void gbench_set_filter(const char *regex) { benchmark::SetBenchmarkFilter(regex ? regex : ""); }

// GB 1.7.1's selection (RunSpecifiedBenchmarks, FindBenchmarks): "" and
// "all" select everything, a leading '-' negates, else a POSIX extended
// regular expression searched for in the instance name (std::regex
// extended, as GB's own Regex).
int gbench_selected(const char *name) {
  std::string spec = benchmark::GetBenchmarkFilter();
  if (spec.empty() || spec == "all") spec = ".";
  bool negative = false;
  if (spec[0] == '-') {
    spec.erase(0, 1);
    negative = true;
  }
  std::regex re;
  try {
    re = std::regex(spec, std::regex_constants::extended);
  } catch (const std::regex_error &) {
    return 0;  // GB refuses the filter and runs nothing
  }
  for (const auto &e : entries())
    if (e->name == name) return std::regex_search(e->instance, re) != negative ? 1 : 0;
  return 0;
}

int gbench_list_only(void) { return g_list_only ? 1 : 0; }

size_t gbench_failure_count(void) { return g_failures; }

int gbench_lookup(const char *name, gbench_record *record) {
  for (const auto &e : entries())
    if (e->name == name) {
      *record = e->record;
      return 1;
    }
  return 0;
}

int gbench_keep_running(gbench_state *s) {
  if (s->stopped) return 0;
  return s->st->KeepRunning() ? 1 : 0;
}

void gbench_pause_timing(gbench_state *s) { s->st->PauseTiming(); }
void gbench_resume_timing(gbench_state *s) { s->st->ResumeTiming(); }
int64_t gbench_iterations(const gbench_state *s) {
  return static_cast<int64_t>(s->st->iterations());
}
int64_t gbench_arg(const gbench_state *s, size_t i) {
  return s->st->range(static_cast<size_t>(i));
}

void gbench_counter(gbench_state *s, const char *name, double value, gbench_counter_kind kind) {
  benchmark::Counter::Flags f = kind == GBENCH_COUNTER_PER_SECOND
                                    ? benchmark::Counter::kIsIterationInvariantRate
                                    : benchmark::Counter::kDefaults;
  s->st->counters[name] = benchmark::Counter(value, f);
}

void gbench_label(gbench_state *s, const char *label) { s->st->SetLabel(label); }

void gbench_skip(gbench_state *s, const char *why) {
  std::string m = std::string("skipped: ") + why;
  s->entry->record.skipped = 1;
  s->stopped = true;
  s->st->SkipWithError(m.c_str());
}

void gbench_error(gbench_state *s, const char *message) {
  s->entry->record.errored = 1;
  s->stopped = true;
  s->st->SkipWithError(message);
}

void gbench_fail(gbench_state *s, const char *why) {
  std::string m = std::string("FAILED: ") + why;
  if (!s->entry->record.failed) g_failures++;
  s->entry->record.failed = 1;
  s->stopped = true;
  s->st->SkipWithError(m.c_str());
  std::fprintf(stderr, "upsimd-bench: %s: %s\n", s->entry->name.c_str(), m.c_str());
}

}  // extern "C"
