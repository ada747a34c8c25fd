package dev.rosetta.benchmarks.endtoend;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;

/**
 * Cumulative CPU time of some part of the system under test, read before and after a round;
 * the difference divided by the bytes moved gives CPU seconds per MB.
 */
interface CpuMeter {

    /** Cumulative CPU nanoseconds so far, or a negative value when not measurable. */
    long cpuNanos();

    /** The CPU of both meters; not measurable when either is not. */
    static CpuMeter sum(CpuMeter a, CpuMeter b) {
        return () -> {
            long x = a.cpuNanos();
            long y = b.cpuNanos();
            return x < 0 || y < 0 ? -1 : x + y;
        };
    }

    /** Nothing to measure (the direct path has no proxy). */
    CpuMeter NONE = () -> -1;

    /**
     * CPU of the live threads of this JVM whose name starts with {@code prefix}, e.g. the proxy's
     * {@code rosetta-io-} event loops. Threads that end between two readings take their CPU
     * time with them, so the meter suits long-lived pools only. Costs one ThreadMXBean scan.
     */
    static CpuMeter threadsNamed(String prefix) {
        return threadsNamed(prefix, false);
    }

    /**
     * Like {@link #threadsNamed(String)}, user mode only when {@code userOnly}: the Java work, without
     * the kernel's share (socket reads and writes, i.e. copying bytes in and out of the kernel).
     */
    static CpuMeter threadsNamed(String prefix, boolean userOnly) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        if (!threads.isThreadCpuTimeSupported()) {
            return NONE;
        }
        threads.setThreadCpuTimeEnabled(true);
        return () -> {
            long total = 0;
            for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
                if (info != null && info.getThreadName().startsWith(prefix)) {
                    long cpu = userOnly
                            ? threads.getThreadUserTime(info.getThreadId())
                            : threads.getThreadCpuTime(info.getThreadId());
                    if (cpu > 0) {
                        total += cpu;
                    }
                }
            }
            return total;
        };
    }

    /**
     * CPU of the live threads named {@code <pool>-<n>-<m>} with {@code firstPool <= n <= lastPool}: Netty's
     * {@code DefaultThreadFactory} numbers every pool it creates in this JVM, so the pools of one of
     * several sidecars with the same thread names are told apart by the numbers taken around its start
     * (see {@link #nettyPoolNumber()}).
     */
    static CpuMeter threadsOfPools(String pool, int firstPool, int lastPool, boolean userOnly) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        if (!threads.isThreadCpuTimeSupported()) {
            return NONE;
        }
        threads.setThreadCpuTimeEnabled(true);
        String prefix = pool + "-";
        return () -> {
            long total = 0;
            for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
                if (info == null || !info.getThreadName().startsWith(prefix)) {
                    continue;
                }
                String rest = info.getThreadName().substring(prefix.length());
                int dash = rest.indexOf('-');
                int number;
                try {
                    number = Integer.parseInt(dash < 0 ? rest : rest.substring(0, dash));
                } catch (NumberFormatException e) {
                    continue;
                }
                if (number >= firstPool && number <= lastPool) {
                    long cpu = userOnly
                            ? threads.getThreadUserTime(info.getThreadId())
                            : threads.getThreadCpuTime(info.getThreadId());
                    if (cpu > 0) {
                        total += cpu;
                    }
                }
            }
            return total;
        };
    }

    /**
     * Takes the next number of Netty's JVM-wide pool counter ({@code DefaultThreadFactory}): pools
     * created after this call get higher numbers, pools created before it lower ones.
     */
    static int nettyPoolNumber() {
        String name = new io.netty.util.concurrent.DefaultThreadFactory("rosetta-bench-marker")
                .newThread(() -> {})
                .getName();
        String rest = name.substring("rosetta-bench-marker-".length());
        return Integer.parseInt(rest.substring(0, rest.indexOf('-')));
    }

    /** CPU of a whole operating-system process (user + system), e.g. the broker's JVM. */
    static CpuMeter process(ProcessHandle process) {
        return () -> process.info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
    }
}
