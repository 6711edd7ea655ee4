package dev.questfleet.mongo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

import org.h2.mvstore.MVStore;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.ServerVersion;
import de.bwaldvogel.mongo.backend.h2.H2Backend;

/**
 * Runs mongo-java-server with its durable H2 MVStore backend as a local MongoDB-wire server.
 *
 * <pre>
 * java -Xmx256m -jar qf-mongo-wire.jar --host 127.0.0.1 --port 27017 --data-file .local/data/mongo/mongo.mv
 * </pre>
 *
 * <p>Options: {@code --host} (127.0.0.1), {@code --port} (27017), {@code --data-file} (required, the MVStore
 * file; its directory is created), {@code --server-version} (5.0 = wire version 8, the minimum the Node
 * {@code mongodb} driver 6.x accepts; 4.0 and 3.6 are rejected by that driver), {@code --commit-delay-ms}
 * (MVStore auto-commit delay, 1000 by default: a crash, not a clean stop, can lose at most that much),
 * {@code --keys-per-page} (entries per B-tree page before it splits, 16 by default), {@code --plain-h2} (use mongo-java-server's stock {@link H2Backend} instead of {@link QfH2Backend}, whose
 * collections store BSON instead of Java-serialized objects, narrow {@code {_id: x, ...}} filters through the
 * _id index and keep sort+limit in a bounded heap; same results, but a different file format, recorded in the
 * file by {@link StorageFormat}).
 *
 * <p>SIGTERM / SIGINT run a shutdown hook that closes the clients, the event loops and the backend, which
 * commits and closes the MVStore, so a clean stop loses nothing.
 */
public final class MongoWireMain {

    private MongoWireMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Map<String, String> options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("qf-mongo-wire: " + e.getMessage());
            System.err.println(usage());
            System.exit(2);
            return;
        }
        if (options.containsKey("help")) {
            System.out.println(usage());
            return;
        }

        String host = options.getOrDefault("host", "127.0.0.1");
        int port = Integer.parseInt(options.getOrDefault("port", "27017"));
        String dataFile = options.get("data-file");
        ServerVersion serverVersion = serverVersion(options.getOrDefault("server-version", "5.0"));
        int commitDelayMs = Integer.parseInt(options.getOrDefault("commit-delay-ms", "1000"));
        int keysPerPage = Integer.parseInt(options.getOrDefault("keys-per-page", String.valueOf(DEFAULT_KEYS_PER_PAGE)));
        if (keysPerPage < 4) {
            System.err.println("qf-mongo-wire: --keys-per-page must be at least 4, got " + keysPerPage);
            System.exit(2);
            return;
        }
        boolean plainH2 = options.containsKey("plain-h2");
        if (dataFile == null) {
            System.err.println("qf-mongo-wire: --data-file is required (use --data-file :memory: for a throw-away store)");
            System.exit(2);
            return;
        }

        MVStore mvStore;
        try {
            mvStore = openStore(dataFile, commitDelayMs, keysPerPage);
        } catch (RuntimeException | IOException e) {
            System.err.println("qf-mongo-wire: cannot open MVStore '" + dataFile + "' (is another server using it?): " + e);
            System.exit(1);
            return;
        }

        try {
            StorageFormat.claim(mvStore, plainH2 ? StorageFormat.STOCK : StorageFormat.BSON);
        } catch (IllegalStateException e) {
            System.err.println("qf-mongo-wire: " + dataFile + ": " + e.getMessage());
            mvStore.close();
            System.exit(1);
            return;
        }

        H2Backend backend = plainH2 ? new H2Backend(mvStore) : new QfH2Backend(mvStore);
        backend.version(serverVersion);
        MongoServer server = new MongoServer(backend);

        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            System.err.println("qf-mongo-wire: stopping (closing clients, committing and closing the MVStore)");
            try {
                // Closes the listener and every client, waits for the event loops, then backend.close()
                // which closes the MVStore (final commit + file sync).
                server.shutdownNow();
            } finally {
                if (!mvStore.isClosed()) {
                    mvStore.close();
                }
                System.err.println("qf-mongo-wire: stopped cleanly");
                stopped.countDown();
            }
        }, "qf-mongo-wire-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);

        try {
            server.bind(host, port);
        } catch (RuntimeException e) {
            System.err.println("qf-mongo-wire: cannot listen on " + host + ":" + port + ": " + e);
            System.exit(1);
            return;
        }
        System.err.printf(Locale.ROOT, "qf-mongo-wire: mongo-java-server %s (%s, MVStore %s, reports MongoDB %s / wire %d) listening on %s:%d%n",
            implementationVersion(), backend.getClass().getSimpleName(), dataFile, serverVersion.toVersionString(),
            serverVersion.getWireVersion(), host, port);

        stopped.await();
    }

    /**
     * Entries per B-tree page before it splits (MVStore's own default is 48). A commit rewrites every
     * page it touched, and the projector's inserts touch pages all over a large collection: with 16,
     * the fleet's store wrote 4.5 KB per event instead of 8.4 and its file was a third of the size, for
     * the same CPU and operations per second (ADR 0001, amendment of 2026-12-06).
     */
    private static final int DEFAULT_KEYS_PER_PAGE = 16;

    private static MVStore openStore(String dataFile, int commitDelayMs, int keysPerPage) throws IOException {
        if (":memory:".equals(dataFile)) {
            return new MVStore.Builder().keysPerPage(keysPerPage).open();
        }
        Path path = Path.of(dataFile).toAbsolutePath();
        if (path.getParent() != null) {
            Files.createDirectories(path.getParent());
        }
        // MVStore.Builder#open locks the file: a second server on the same file fails here.
        // A failure of MVStore's background writer closes the store for good, and every request fails from
        // then on while the port still answers pings: exit instead, so the failure is seen and the server
        // can be started again on its last committed state.
        MVStore store = new MVStore.Builder().fileName(path.toString())
            .keysPerPage(keysPerPage)
            .backgroundExceptionHandler((thread, error) -> {
                System.err.println("qf-mongo-wire: the storage writer failed, stopping: " + error);
                error.printStackTrace();
                Runtime.getRuntime().halt(70);
            })
            .open();
        store.setAutoCommitDelay(commitDelayMs);
        return store;
    }

    private static ServerVersion serverVersion(String value) {
        switch (value) {
            case "3.6":
                return ServerVersion.MONGO_3_6;
            case "4.0":
                return ServerVersion.MONGO_4_0;
            case "5.0":
                return ServerVersion.MONGO_5_0;
            default:
                throw new IllegalArgumentException("--server-version must be 3.6, 4.0 or 5.0, got " + value);
        }
    }

    private static String implementationVersion() {
        try (InputStream in = MongoWireMain.class.getResourceAsStream("/qf-mongo-wire.properties")) {
            Properties properties = new Properties();
            if (in != null) {
                properties.load(in);
            }
            return properties.getProperty("mongo-java-server.version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                options.put("help", "true");
                continue;
            }
            if (arg.equals("--plain-h2")) {
                options.put("plain-h2", "true");
                continue;
            }
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + arg);
            }
            String name = arg.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException("missing value for --" + name);
            }
            switch (name) {
                case "host":
                case "port":
                case "data-file":
                case "server-version":
                case "commit-delay-ms":
                case "keys-per-page":
                    options.put(name, value);
                    break;
                default:
                    throw new IllegalArgumentException("unknown option --" + name);
            }
        }
        return options;
    }

    private static String usage() {
        return "usage: qf-mongo-wire --data-file <file.mv> [--host 127.0.0.1] [--port 27017]"
            + " [--server-version 5.0] [--commit-delay-ms 1000] [--keys-per-page 16] [--plain-h2]";
    }
}
