package dev.rosetta.proxy.net;

import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The socket transport: native epoll where the platform offers it, NIO otherwise.
 * Server and client channels of a proxied connection pair must share one transport and one
 * event loop, so both are chosen here.
 */
public record Transport(
        String name,
        IoHandlerFactory ioHandlerFactory,
        Class<? extends ServerChannel> serverChannelType,
        Class<? extends SocketChannel> socketChannelType) {

    /** The best transport available on this machine; says why, once, when Linux has to do without epoll. */
    public static Transport best() {
        if (Epoll.isAvailable()) {
            return new Transport(
                    "epoll", EpollIoHandler.newFactory(), EpollServerSocketChannel.class, EpollSocketChannel.class);
        }
        String why = whyNotEpoll(System.getProperty("os.name", ""), Epoll.unavailabilityCause());
        if (why != null && WARNED.compareAndSet(false, true)) {
            LoggerFactory.getLogger(Transport.class).warn(why);
        }
        return nio();
    }

    private static final java.util.concurrent.atomic.AtomicBoolean WARNED =
            new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * Why Linux runs without the native transport, and what to do, or null elsewhere (no epoll to
     * expect). Netty unpacks its native library into {@code java.io.tmpdir}; a {@code noexec}
     * {@code /tmp}, common in hardened containers, makes it fail to load.
     */
    static @Nullable String whyNotEpoll(String osName, @Nullable Throwable cause) {
        if (!osName.toLowerCase(java.util.Locale.ROOT).contains("linux")) {
            return null;
        }
        return "Netty's native epoll transport is unavailable (" + cause
                + "); using NIO, which costs more CPU per byte. If java.io.tmpdir is mounted noexec, point"
                + " -Dio.netty.native.workdir at a writable folder that allows executables";
    }

    /** The portable NIO transport. */
    public static Transport nio() {
        return new Transport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class, NioSocketChannel.class);
    }

    /** A new event loop group with {@code threads} threads named {@code name-N}. */
    public MultiThreadIoEventLoopGroup newGroup(String threadName, int threads) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(threadName, true), ioHandlerFactory);
    }
}
