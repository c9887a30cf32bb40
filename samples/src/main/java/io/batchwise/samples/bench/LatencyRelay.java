package io.batchwise.samples.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * A TCP relay that adds a fixed latency to each direction between the benchmark's child JVMs and
 * the database server, where the kernel has no {@code netem}: every chunk of bytes read from one
 * side is written to the other {@code delay} later, in order, so a round trip costs twice the delay
 * and the bandwidth is not limited. Two threads per direction and connection (a reader that stamps
 * and queues what arrives, a writer that sends each chunk when it is due), so a delay never holds up
 * the reading of what comes next, as on a real link. At most {@value #WINDOW_CHUNKS} chunks of up to
 * 64 KiB wait per direction (a 4 MiB window, like a TCP receive window): a reader that gets ahead of
 * its writer stops reading, so a slow consumer slows the sender down instead of filling the heap.
 */
final class LatencyRelay implements AutoCloseable {
    private static final byte[] EOF = new byte[0];
    private static final int WINDOW_CHUNKS = 64;

    private record Chunk(long dueNanos, byte[] bytes) {
    }

    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final long delayNanos;
    private final List<Socket> sockets = new ArrayList<>();
    private final Thread acceptor;
    private volatile boolean closed;

    /** Relays connections to {@code host:port}, each direction delayed by {@code delayMillis}. */
    LatencyRelay(String host, int port, double delayMillis) throws IOException {
        this.target = new InetSocketAddress(host, port);
        this.delayNanos = Math.round(delayMillis * 1_000_000);
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::accept, "latency-relay-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket();
                server.connect(target);
                for (Socket s : List.of(client, server)) {
                    s.setTcpNoDelay(true);
                    synchronized (sockets) {
                        sockets.add(s);
                    }
                }
                pump(client, server, "up");
                pump(server, client, "down");
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("latency relay: " + e);
                }
            }
        }
    }

    private void pump(Socket from, Socket to, String direction) throws IOException {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        ArrayBlockingQueue<Chunk> queue = new ArrayBlockingQueue<>(WINDOW_CHUNKS);
        Thread reader = new Thread(() -> {
            byte[] buffer = new byte[64 * 1024];
            try {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    put(queue, new Chunk(System.nanoTime() + delayNanos, Arrays.copyOf(buffer, n)), to);
                }
                put(queue, new Chunk(System.nanoTime() + delayNanos, EOF), to);
            } catch (IOException | InterruptedException | RuntimeException | Error e) {
                // the connection ended (or the relay failed): end both sides rather than hang them
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "latency-relay-" + direction + "-read");
        Thread writer = new Thread(() -> {
            try {
                while (true) {
                    Chunk chunk = queue.take();
                    for (long wait; (wait = chunk.dueNanos() - System.nanoTime()) > 0; ) {
                        if (wait > 60_000) {
                            LockSupport.parkNanos(wait - 50_000);
                        } else {
                            Thread.onSpinWait();
                        }
                    }
                    if (chunk.bytes() == EOF) {
                        to.shutdownOutput();
                        return;
                    }
                    out.write(chunk.bytes());
                    out.flush();
                }
            } catch (IOException | InterruptedException | RuntimeException | Error e) {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "latency-relay-" + direction + "-write");
        reader.setDaemon(true);
        writer.setDaemon(true);
        reader.start();
        writer.start();
    }

    /** Waits for room in the window, unless the writer's side has been closed. */
    private static void put(ArrayBlockingQueue<Chunk> queue, Chunk chunk, Socket to)
            throws InterruptedException, IOException {
        while (!queue.offer(chunk, 100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
            if (to.isClosed()) {
                throw new IOException("the other side closed");
            }
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        listener.close();
        synchronized (sockets) {
            sockets.forEach(LatencyRelay::closeQuietly);
            sockets.clear();
        }
    }
}
