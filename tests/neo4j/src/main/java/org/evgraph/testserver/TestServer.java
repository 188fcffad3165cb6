package org.evgraph.testserver;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.harness.Neo4j;
import org.neo4j.harness.Neo4jBuilders;
import org.neo4j.io.ByteUnit;

/**
 * Neo4j 5.26 Community, in-process, for evgraph's tests and CI.
 *
 * <p>Bolt on 127.0.0.1:PORT (no auth, no TLS), HTTP/HTTPS off. Prints
 * {@code NEO4J_READY bolt://127.0.0.1:PORT} on stdout when ready and runs until
 * killed; SIGTERM/SIGINT shut the database down and delete its files.
 *
 * <p>Usage: {@code java -jar evgraph-neo4j-testserver.jar [--port N] [--dir PATH]}
 * <ul>
 *   <li>port: {@code --port}, else env {@code EVGRAPH_NEO4J_PORT}, else 7687</li>
 *   <li>dir (database files, wiped at start and at shutdown): {@code --dir}, else
 *       env {@code EVGRAPH_NEO4J_DATA_DIR}, else {@code ./neo4j-testserver-data}</li>
 *   <li>page cache: env {@code EVGRAPH_NEO4J_PAGECACHE_MB}, default 64</li>
 * </ul>
 */
public final class TestServer {
    private static final String HOST = "127.0.0.1";
    private static final String MARKER = ".evgraph-neo4j-testserver";

    private TestServer() {}

    public static void main(String[] args) throws Exception {
        int port = parsePort(env("EVGRAPH_NEO4J_PORT", "7687"));
        Path dir = Paths.get(env("EVGRAPH_NEO4J_DATA_DIR", "neo4j-testserver-data"));
        long pageCacheMb = Long.parseLong(env("EVGRAPH_NEO4J_PAGECACHE_MB", "64"));
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--port") && i + 1 < args.length) {
                port = parsePort(args[++i]);
            } else if (a.startsWith("--port=")) {
                port = parsePort(a.substring("--port=".length()));
            } else if (a.equals("--dir") && i + 1 < args.length) {
                dir = Paths.get(args[++i]);
            } else if (a.startsWith("--dir=")) {
                dir = Paths.get(a.substring("--dir=".length()));
            } else if (a.equals("-h") || a.equals("--help")) {
                System.out.println("usage: TestServer [--port N] [--dir PATH]");
                return;
            } else if (a.matches("\\d+")) {
                port = parsePort(a);
            } else {
                System.err.println("unknown argument: " + a);
                System.exit(2);
            }
        }
        final Path workDir = dir.toAbsolutePath();

        // Left over from a previous run that was killed with SIGKILL: remove it so
        // runs never accumulate files. Only ever wipe a directory this server made.
        Path marker = workDir.resolve(MARKER);
        if (Files.isDirectory(workDir) && !Files.exists(marker)) {
            try (var entries = Files.list(workDir)) {
                if (entries.findAny().isPresent()) {
                    System.err.println("NEO4J_FAILED refusing to use non-empty directory " + workDir
                            + " that lacks " + MARKER + " (it would be wiped)");
                    System.exit(2);
                }
            }
        }
        deleteRecursively(workDir);
        Files.createDirectories(workDir);
        Files.createFile(marker);

        long t0 = System.nanoTime();
        final Neo4j neo4j;
        try {
            neo4j = Neo4jBuilders.newInProcessBuilder(workDir)
                    .withDisabledServer()
                    .withConfig(HttpConnector.enabled, false)
                    .withConfig(HttpsConnector.enabled, false)
                    .withConfig(BoltConnector.enabled, true)
                    .withConfig(BoltConnector.listen_address, new SocketAddress(HOST, port))
                    .withConfig(BoltConnector.advertised_address, new SocketAddress(HOST, port))
                    .withConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                    .withConfig(GraphDatabaseSettings.auth_enabled, false)
                    .withConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(pageCacheMb))
                    // Netty's default 2 s quiet period per event loop group makes
                    // shutdown take ~10 s; a throw-away test server needs none.
                    .withConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                    .build();
        } catch (Throwable t) {
            System.err.println("NEO4J_FAILED " + t);
            t.printStackTrace();
            deleteRecursively(workDir);
            System.exit(1);
            return;
        }

        final CountDownLatch stopped = new CountDownLatch(1);
        final AtomicBoolean closed = new AtomicBoolean(false);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (closed.compareAndSet(false, true)) {
                System.out.println("NEO4J_STOPPING");
                System.out.flush();
                try {
                    neo4j.close(); // shuts down and deletes its own server folder
                } catch (Throwable t) {
                    System.err.println("error while stopping Neo4j: " + t);
                }
                try {
                    deleteRecursively(workDir);
                } catch (IOException e) {
                    System.err.println("could not delete " + workDir + ": " + e);
                }
                System.out.println("NEO4J_STOPPED");
                System.out.flush();
            }
            stopped.countDown();
        }, "evgraph-neo4j-shutdown"));

        String version = "?";
        try (var tx = neo4j.defaultDatabaseService().beginTx();
                var result = tx.execute("CALL dbms.components() YIELD versions RETURN versions[0] AS v")) {
            if (result.hasNext()) {
                version = String.valueOf(result.next().get("v"));
            }
        } catch (Throwable t) {
            version = "? (" + t.getMessage() + ")";
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        PrintStream out = System.out;
        out.println("Neo4j " + version + " started in " + ms + " ms, data in " + workDir);
        out.println("NEO4J_READY bolt://" + HOST + ":" + port);
        out.flush();

        stopped.await(); // until SIGTERM/SIGINT runs the shutdown hook
    }

    private static String env(String name, String def) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? def : v.trim();
    }

    private static int parsePort(String s) {
        int p = Integer.parseInt(s.trim());
        if (p < 1 || p > 65535) {
            throw new IllegalArgumentException("bad port: " + s);
        }
        return p;
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
                if (exc instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw exc;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                Files.deleteIfExists(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
