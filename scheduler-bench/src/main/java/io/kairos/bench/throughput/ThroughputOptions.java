package io.kairos.bench.throughput;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The throughput benchmark's options; every one has a default, and {@code --quick} makes every size
 * small (given options still win).
 *
 * @param server an existing PostgreSQL; its database only serves to create and drop the benchmark's
 *     own ({@code kairos_bench_*})
 * @param executions the backlog each throughput configuration drains in this pass
 * @param backlogs every backlog size the throughput part is run at, one pass each, ascending
 * @param limits whether to measure Kairos in process also under flow limits that never bind
 * @param baselines whether to measure the SQL limit and plain db-scheduler beside Kairos
 * @param limitBacklogs the backlogs on a full key the claims under a binding limit are measured at
 * @param workerJvms for each number here and each of {@code threads}, a throughput configuration of
 *     that many worker JVMs (the worker jar) with that many threads each; empty: none
 * @param pending the numbers of pending jobs the scale part measures at, ascending
 * @param history the numbers of history rows the scale part then measures at, with the most pending
 *     jobs, ascending; each a multiple of 100 (attempts per job), at most 100 per pending job
 * @param repetitions timed calls per size and measure
 * @param loadSeconds how long the steady load lasts
 * @param loadRate jobs per second of the steady load; 0: half the rate one worker JVM drained (else
 *     Kairos in process)
 * @param footprintExecutions executions the worker runs before its memory is read
 * @param creationJobs jobs created per batch round of the creation part; a single-create round
 *     creates a tenth of them
 * @param apiJar the API jar the creation part starts
 * @param parts the parts to run, each one of {@link #PARTS}; they run in that order whatever the
 *     order given
 */
record ThroughputOptions(
    String server,
    String user,
    String password,
    int executions,
    List<Integer> backlogs,
    int rounds,
    int[] threads,
    boolean peers,
    boolean limits,
    boolean baselines,
    List<Integer> limitBacklogs,
    List<Integer> workerJvms,
    int workerWarmUp,
    List<Integer> pending,
    List<Long> history,
    int repetitions,
    int loadSeconds,
    double loadRate,
    int footprintExecutions,
    int creationJobs,
    Path workerJar,
    Path apiJar,
    List<String> jvmOptions,
    List<String> parts,
    Path output) {

  static final List<String> PARTS =
      List.of("throughput", "limits", "scale", "load", "footprint", "creation");

  static final String USAGE =
      """
      java -cp scheduler-bench/target/scheduler-bench.jar io.kairos.bench.throughput.ThroughputBench [--option=value ...]
        --quick                      everything small: a run of a few minutes (options given win)
        --jdbc-url=URL               existing PostgreSQL (default jdbc:postgresql://127.0.0.1:5432/postgres)
        --user=NAME --password=PW    its credentials (default postgres, empty)
        --executions=N1,N2           backlog per throughput run; the throughput part is run at each (default 20000; quick 5000)
        --rounds=N                   rounds of all throughput and of all creation configurations, alternating (default 3; quick 1)
        --threads=T1,T2              scheduler threads (default 10,40; quick 10)
        --peers=false                leave JobRunr and Quartz out
        --limits=false               leave out Kairos under flow limits that never bind (measured at the first --executions only)
        --baselines=false            leave out the SQL limit and plain db-scheduler (Kairos against itself, e.g. with and without limits)
        --limit-backlogs=N1,N2       due jobs on a full key for the cost of a claim under a binding limit (default 20000,100000; quick 20000)
        --worker-jvms=N1,N2          Kairos drained by that many worker JVMs (the worker jar), threads each as above (default 1,2; empty or 0: none)
        --worker-warm-up=N           executions each new worker JVM drains first, not timed (default 10000; quick 2000; 0: time a cold JVM)
        --pending=N1,N2,...          pending jobs the scale part measures at (default 10000,100000,1000000; quick 10000,100000)
        --history=N1,N2,...          then history rows, 100 per job, with the most pending (default 10000,1000000; quick 10000; empty: none)
        --repetitions=N              timed calls per size (default 50; quick 20)
        --load-seconds=N             steady load duration (default 30; quick 10)
        --load-rate=R                jobs/s of the steady load (default: half a worker JVM's drain rate)
        --footprint-executions=N     executions before the worker's memory is read (default 200000; quick 20000)
        --creation-jobs=N            jobs per batch-creation round; single-create rounds a tenth, warm-up a twentieth (default 40000; quick 5000)
        --worker-jar=PATH            default scheduler-worker/target/scheduler-worker-exec.jar
        --api-jar=PATH               default scheduler-api/target/scheduler-api-exec.jar (creation part only)
        --jvm-options=A,B            worker and API JVM options (default -Xmx512m)
        --parts=a,b                  throughput,limits,scale,load,footprint,creation (default all)
        --output=DIR                 report and chart (default target/bench/throughput)""";

  static ThroughputOptions parse(String[] args) {
    boolean quick = Arrays.asList(args).contains("--quick");
    String server = "jdbc:postgresql://127.0.0.1:5432/postgres";
    String user = "postgres";
    String password = "";
    List<Integer> backlogs = List.of(quick ? 5_000 : 20_000);
    int rounds = quick ? 1 : 3;
    int[] threads = quick ? new int[] {10} : new int[] {10, 40};
    boolean peers = true;
    boolean limits = true;
    boolean baselines = true;
    List<Integer> limitBacklogs = quick ? List.of(20_000) : List.of(20_000, 100_000);
    List<Integer> workerJvms = List.of(1, 2);
    int workerWarmUp = quick ? 2_000 : 10_000;
    List<Integer> pending = quick ? List.of(10_000, 100_000) : List.of(10_000, 100_000, 1_000_000);
    List<Long> history = quick ? List.of(10_000L) : List.of(10_000L, 1_000_000L);
    int repetitions = quick ? 20 : 50;
    int loadSeconds = quick ? 10 : 30;
    double loadRate = 0;
    int footprint = quick ? 20_000 : 200_000;
    int creationJobs = quick ? 5_000 : 40_000;
    Path workerJar = Path.of("scheduler-worker/target/scheduler-worker-exec.jar");
    Path apiJar = Path.of("scheduler-api/target/scheduler-api-exec.jar");
    List<String> jvmOptions = List.of("-Xmx512m");
    List<String> parts = PARTS;
    Path output = Path.of("target/bench/throughput");
    for (String arg : args) {
      if (arg.equals("--quick")) {
        continue;
      }
      if (arg.equals("--help") || arg.equals("-h")) {
        System.out.println(USAGE);
        System.exit(0);
      }
      String[] kv = arg.split("=", 2);
      if (kv.length != 2) {
        throw new IllegalArgumentException("expected --option=value, got " + arg);
      }
      String value = kv[1];
      switch (kv[0]) {
        case "--jdbc-url" -> server = value;
        case "--user" -> user = value;
        case "--password" -> password = value;
        case "--executions" -> backlogs = integers(value).stream().sorted().distinct().toList();
        case "--rounds" -> rounds = Integer.parseInt(value);
        case "--threads" -> threads = integers(value).stream().mapToInt(i -> i).toArray();
        case "--peers" -> peers = Boolean.parseBoolean(value);
        case "--limits" -> limits = Boolean.parseBoolean(value);
        case "--baselines" -> baselines = Boolean.parseBoolean(value);
        case "--limit-backlogs" -> limitBacklogs = integers(value).stream().sorted().toList();
        case "--worker-jvms" ->
            workerJvms =
                value.isBlank()
                    ? List.of()
                    : integers(value).stream().filter(n -> n > 0).distinct().toList();
        case "--worker-warm-up" -> workerWarmUp = Integer.parseInt(value);
        case "--pending" -> pending = integers(value).stream().sorted().toList();
        case "--history" -> history = value.isBlank() ? List.of() : longs(value);
        case "--repetitions" -> repetitions = Integer.parseInt(value);
        case "--load-seconds" -> loadSeconds = Integer.parseInt(value);
        case "--load-rate" -> loadRate = Double.parseDouble(value);
        case "--footprint-executions" -> footprint = Integer.parseInt(value);
        case "--creation-jobs" -> creationJobs = Integer.parseInt(value);
        case "--worker-jar" -> workerJar = Path.of(value);
        case "--api-jar" -> apiJar = Path.of(value);
        case "--jvm-options" -> jvmOptions = List.of(value.split(","));
        case "--parts" -> parts = parts(value);
        case "--output" -> output = Path.of(value);
        default -> throw new IllegalArgumentException("unknown option " + arg + "\n" + USAGE);
      }
    }
    if (!history.isEmpty()
        && (pending.isEmpty()
            || history.get(history.size() - 1) > 100L * pending.get(pending.size() - 1))) {
      throw new IllegalArgumentException(
          "--history: at most 100 rows per pending job, so at most 100 × the largest --pending");
    }
    return new ThroughputOptions(
        server,
        user,
        password,
        backlogs.get(0),
        backlogs,
        rounds,
        threads,
        peers,
        limits,
        baselines,
        limitBacklogs,
        workerJvms,
        workerWarmUp,
        pending,
        history,
        repetitions,
        loadSeconds,
        loadRate,
        footprint,
        creationJobs,
        workerJar,
        apiJar,
        jvmOptions,
        parts,
        output);
  }

  /** These options for one pass of the throughput part, at one of {@link #backlogs}. */
  ThroughputOptions withExecutions(int backlog) {
    return new ThroughputOptions(
        server,
        user,
        password,
        backlog,
        backlogs,
        rounds,
        threads,
        peers,
        limits,
        baselines,
        limitBacklogs,
        workerJvms,
        workerWarmUp,
        pending,
        history,
        repetitions,
        loadSeconds,
        loadRate,
        footprintExecutions,
        creationJobs,
        workerJar,
        apiJar,
        jvmOptions,
        parts,
        output);
  }

  /** The server URL with its database replaced by {@code database}. */
  String databaseUrl(String database) {
    return server.replaceFirst("/[^/?]+(\\?|$)", "/" + database + "$1");
  }

  /** The parts named, each known: a misspelt one would otherwise be skipped without a word. */
  private static List<String> parts(String value) {
    List<String> named =
        Arrays.stream(value.split(",")).map(p -> p.trim().toLowerCase(Locale.ROOT)).toList();
    for (String part : named) {
      if (!PARTS.contains(part)) {
        throw new IllegalArgumentException(
            "unknown part '" + part + "' in --parts; known parts: " + String.join(",", PARTS));
      }
    }
    return named;
  }

  /** History sizes: ascending multiples of 100, at most 100 rows per pending job. */
  private static List<Long> longs(String value) {
    List<Long> sizes =
        Arrays.stream(value.split(",")).map(String::trim).map(Long::parseLong).sorted().toList();
    for (long size : sizes) {
      if (size <= 0 || size % 100 != 0) {
        throw new IllegalArgumentException(
            "--history: each size must be a positive multiple of 100 (attempts per job), got "
                + size);
      }
    }
    return sizes;
  }

  private static List<Integer> integers(String value) {
    return Arrays.stream(value.split(",")).map(String::trim).map(Integer::parseInt).toList();
  }
}
