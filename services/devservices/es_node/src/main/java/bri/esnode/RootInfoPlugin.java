package bri.esnode;

import java.util.Collection;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.elasticsearch.Build;
import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.cluster.node.DiscoveryNodes;
import org.elasticsearch.features.NodeFeature;
import org.elasticsearch.plugins.ActionPlugin;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.rest.BaseRestHandler;
import org.elasticsearch.rest.RestHandler;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.rest.RestResponse;
import org.elasticsearch.rest.RestStatus;

/**
 * Answers GET / and HEAD / the way the distribution's rest-root module does (that module
 * is not published on Maven Central), so clients' info() and ping() work against this node.
 */
public final class RootInfoPlugin extends Plugin implements ActionPlugin {

    private static final class RootHandler extends BaseRestHandler {
        private final String clusterName;
        private final String nodeName;

        RootHandler(String clusterName, String nodeName) {
            this.clusterName = clusterName;
            this.nodeName = nodeName;
        }

        @Override
        public String getName() {
            return "bri_root_info";
        }

        @Override
        public List<Route> routes() {
            return List.of(new Route(RestRequest.Method.GET, "/"), new Route(RestRequest.Method.HEAD, "/"));
        }

        @Override
        protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
            String body = "{\"name\":\"" + nodeName + "\",\"cluster_name\":\"" + clusterName
                + "\",\"version\":{\"number\":\"" + Build.current().version()
                + "\",\"build_flavor\":\"default\",\"lucene_version\":\"" + org.apache.lucene.util.Version.LATEST
                + "\"},\"tagline\":\"You Know, for Search\"}";
            return channel -> channel.sendResponse(new RestResponse(RestStatus.OK, "application/json", body));
        }
    }

    @Override
    public Collection<RestHandler> getRestHandlers(
        RestHandlersServices services,
        Supplier<DiscoveryNodes> nodes,
        Predicate<NodeFeature> clusterSupportsFeature
    ) {
        var settings = services.settings();
        return List.of(new RootHandler(settings.get("cluster.name", "elasticsearch"), settings.get("node.name", "node")));
    }
}
