package bri.esnode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.elasticsearch.common.logging.LogConfigurator;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.index.analysis.AbstractIndexAnalyzerProvider;
import org.elasticsearch.index.analysis.AnalyzerProvider;
import org.elasticsearch.indices.analysis.AnalysisModule.AnalysisProvider;
import org.elasticsearch.node.ClasspathPluginsNode;
import org.elasticsearch.node.InternalSettingsPreparer;
import org.elasticsearch.node.Node;
import org.elasticsearch.plugins.AnalysisPlugin;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.transport.netty4.Netty4Plugin;

/**
 * Boots one real Elasticsearch node from the artifacts Elastic publishes on Maven Central.
 *
 * The server jar and the netty4 HTTP module are published there, but the distribution's
 * other modules are not; the one BRI Monitor's mappings need is the "english" analyzer
 * (from the analysis-common module), so this launcher registers Lucene's EnglishAnalyzer
 * under that same name. The index template therefore works unchanged on a full
 * Elasticsearch distribution, where "english" is built in.
 *
 * Arguments: data directory, HTTP port. Runs until killed.
 */
public final class EsNode {

    /** Same analysis chain as the distribution's built-in "english" analyzer. */
    public static final class EnglishAnalysisPlugin extends Plugin implements AnalysisPlugin {
        @Override
        public Map<String, AnalysisProvider<AnalyzerProvider<? extends org.apache.lucene.analysis.Analyzer>>> getAnalyzers() {
            return Map.of("english", (indexSettings, environment, name, settings) ->
                new AbstractIndexAnalyzerProvider<EnglishAnalyzer>(name) {
                    private final EnglishAnalyzer analyzer = new EnglishAnalyzer();

                    @Override
                    public EnglishAnalyzer get() {
                        return analyzer;
                    }
                });
        }
    }

    public static void main(String[] args) throws Exception {
        Path home = Path.of(args[0]).toAbsolutePath();
        String httpPort = args.length > 1 ? args[1] : "9200";
        String transportPort = args.length > 2 ? args[2] : "9300";
        Files.createDirectories(home.resolve("data"));
        Files.createDirectories(home.resolve("logs"));
        Settings settings = Settings.builder()
            .put("path.home", home.toString())
            .put("path.data", home.resolve("data").toString())
            .put("path.logs", home.resolve("logs").toString())
            .put("cluster.name", "bri-monitor")
            .put("node.name", "bri-node-1")
            .put("network.host", "127.0.0.1")
            .put("http.port", httpPort)
            .put("transport.port", transportPort)
            .put("discovery.type", "single-node")
            .put("http.type", Netty4Plugin.NETTY_HTTP_TRANSPORT_NAME)
            .put("transport.type", Netty4Plugin.NETTY_TRANSPORT_NAME)
            // A development node on a shared disk: never block writes for disk usage.
            .put("cluster.routing.allocation.disk.threshold_enabled", false)
            .put("action.auto_create_index", true)
            .build();
        LogConfigurator.configureESLogging();
        LogConfigurator.configureWithoutConfig(settings);
        List<Class<? extends Plugin>> plugins = List.of(Netty4Plugin.class, EnglishAnalysisPlugin.class, RootInfoPlugin.class);
        Node node = new ClasspathPluginsNode(
            InternalSettingsPreparer.prepareEnvironment(settings, Map.of(), null, () -> "bri-node-1"), plugins);
        node.start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
            } catch (Exception e) {
                e.printStackTrace();
            } finally {
                stopped.countDown();
            }
        }));
        System.out.println("bri-es-node started on 127.0.0.1:" + httpPort);
        stopped.await();
    }
}
