package intranet.esdev;

import intranet.esdev.analysis.FrenchAnalysisPlugin;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configurator;
import org.elasticsearch.Build;
import org.elasticsearch.common.logging.LogConfigurator;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.node.Node;
import org.elasticsearch.plugins.ClasspathModules;
import org.elasticsearch.plugins.PluginsLoader;
import org.elasticsearch.transport.netty4.Netty4Plugin;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Starts ONE Elasticsearch node in this JVM, in the foreground, until the process is killed (SIGTERM / Ctrl-C).
 *
 * <pre>
 * java -cp 'target/esdev.jar:target/lib/*' intranet.esdev.DevNode [--port 9200] [--data target/data] [--home target/es-home]
 * </pre>
 *
 * Defaults come from the environment (ES_PORT, ES_DATA_DIR, ES_HOME_DIR, ES_CLUSTER_NAME) and then from the values
 * above. The node binds to 127.0.0.1 only, with single-node discovery: it is for development and CI, never for
 * production (no security layer: X-Pack is not on the classpath).
 */
public final class DevNode {

    private DevNode() {}

    public static void main(String[] args) throws Exception {
        // As the official launcher does: our shutdown hook stops Log4j itself, after the node has logged its closing.
        System.setProperty("log4j.shutdownHookEnabled", "false");
        System.setProperty("log4j2.disable.jmx", "true");
        System.setProperty("log4j2.formatMsgNoLookups", "true");
        int port = Integer.parseInt(env("ES_PORT", "9200"));
        Path data = Path.of(env("ES_DATA_DIR", "target/data"));
        Path home = Path.of(env("ES_HOME_DIR", "target/es-home"));
        String clusterName = env("ES_CLUSTER_NAME", "intranet-dev");
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(required(args[i], value));
                case "--data" -> data = Path.of(required(args[i], value));
                case "--home" -> home = Path.of(required(args[i], value));
                case "--cluster-name" -> clusterName = required(args[i], value);
                default -> {
                    System.err.println("usage: DevNode [--port N] [--data DIR] [--home DIR] [--cluster-name NAME]");
                    System.exit(2);
                }
            }
            i++;
        }
        home = home.toAbsolutePath().normalize();
        data = data.toAbsolutePath().normalize();
        Path config = Files.createDirectories(home.resolve("config"));
        Path logs = Files.createDirectories(home.resolve("logs"));
        Files.createDirectories(data);
        copyResource("/esdev-log4j2.properties", config.resolve("log4j2.properties"));

        // The transport port (node-to-node) is not used by clients; keep it away from the HTTP port.
        int transportPort = Integer.parseInt(env("ES_TRANSPORT_PORT", Integer.toString(port + 100)));
        Settings settings = Settings.builder()
            .put("path.home", home.toString())
            .put("path.data", data.toString())
            .put("path.logs", logs.toString())
            .put("cluster.name", clusterName)
            .put("node.name", "dev-node")
            .put("network.host", "127.0.0.1")
            .put("http.port", port)
            .put("transport.port", transportPort)
            .put("discovery.type", "single-node")
            // A nearly full disk on a dev or CI machine must not turn indices read-only or leave shards unassigned.
            .put("cluster.routing.allocation.disk.threshold_enabled", false)
            .build();
        Environment environment = new Environment(settings, config);

        LogConfigurator.registerErrorListener();
        LogConfigurator.setNodeName("dev-node");
        LogConfigurator.configure(environment, true);

        PluginsLoader modules = ClasspathModules.create(
            home.resolve("classpath-modules"),
            Build.current().version(),
            List.of(
                new ClasspathModules.Module("transport-netty4", "Netty 4 based transport implementation", Netty4Plugin.class),
                new ClasspathModules.Module(RootEndpointPlugin.NAME, "GET / and HEAD / (node and version)", RootEndpointPlugin.class),
                new ClasspathModules.Module(
                    FrenchAnalysisPlugin.NAME,
                    "Analysis components of the analysis-common module needed for French text",
                    FrenchAnalysisPlugin.class
                )
            )
        );

        Node node = new Node(environment, modules);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.prepareForClose();
                node.close();
                node.awaitClose(30, TimeUnit.SECONDS);
            } catch (IOException | InterruptedException | RuntimeException e) {
                e.printStackTrace();
            } finally {
                stopped.countDown();
                Configurator.shutdown((LoggerContext) LogManager.getContext(false));
            }
        }, "esdev-shutdown"));
        node.start();
        System.out.println(
            "esdev: Elasticsearch " + Build.current().version() + " started on http://127.0.0.1:" + port + " (data: " + data + ")"
        );
        stopped.await();
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    private static String required(String option, String value) {
        if (value == null) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return value;
    }

    private static void copyResource(String resource, Path target) throws IOException {
        try (InputStream in = DevNode.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
