package intranet.esdev;

import org.apache.lucene.util.Version;
import org.elasticsearch.Build;
import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.cluster.ClusterState;
import org.elasticsearch.cluster.metadata.IndexNameExpressionResolver;
import org.elasticsearch.cluster.node.DiscoveryNodes;
import org.elasticsearch.cluster.service.ClusterService;
import org.elasticsearch.common.io.stream.NamedWriteableRegistry;
import org.elasticsearch.common.settings.ClusterSettings;
import org.elasticsearch.common.settings.IndexScopedSettings;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.common.settings.SettingsFilter;
import org.elasticsearch.features.NodeFeature;
import org.elasticsearch.plugins.ActionPlugin;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.rest.BaseRestHandler;
import org.elasticsearch.rest.RestController;
import org.elasticsearch.rest.RestHandler;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.rest.RestResponse;
import org.elasticsearch.rest.RestStatus;
import org.elasticsearch.xcontent.XContentBuilder;

import java.util.Collection;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * {@code GET /} and {@code HEAD /}: the node's identity and version, as returned by the official distribution.
 *
 * <p>In Elasticsearch 8 this endpoint lives in the {@code rest-root} module, which Elastic does not publish on Maven
 * Central. Clients use it: {@code Elasticsearch.info()} and {@code ping()} of the Python client, for instance.
 */
public final class RootEndpointPlugin extends Plugin implements ActionPlugin {

    public static final String NAME = "rest-root";

    private volatile ClusterService clusterService;

    @Override
    public Collection<?> createComponents(PluginServices services) {
        clusterService = services.clusterService();
        return List.of();
    }

    @Override
    public Collection<RestHandler> getRestHandlers(
        Settings settings,
        NamedWriteableRegistry namedWriteableRegistry,
        RestController restController,
        ClusterSettings clusterSettings,
        IndexScopedSettings indexScopedSettings,
        SettingsFilter settingsFilter,
        IndexNameExpressionResolver indexNameExpressionResolver,
        Supplier<DiscoveryNodes> nodesInCluster,
        Predicate<NodeFeature> clusterSupportsFeature
    ) {
        return List.of(new BaseRestHandler() {
            @Override
            public String getName() {
                return "main_action";
            }

            @Override
            public List<Route> routes() {
                return List.of(new Route(RestRequest.Method.GET, "/"), new Route(RestRequest.Method.HEAD, "/"));
            }

            @Override
            protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
                request.param("pretty"); // consumed by the response builder
                return channel -> {
                    if (request.method() == RestRequest.Method.HEAD) {
                        channel.sendResponse(new RestResponse(RestStatus.OK, RestResponse.TEXT_CONTENT_TYPE, ""));
                        return;
                    }
                    ClusterState state = clusterService.state();
                    Build build = Build.current();
                    XContentBuilder body = channel.newBuilder();
                    body.startObject();
                    body.field("name", clusterService.getNodeName());
                    body.field("cluster_name", state.getClusterName().value());
                    body.field("cluster_uuid", state.metadata().clusterUUID());
                    body.startObject("version");
                    body.field("number", build.qualifiedVersion());
                    body.field("build_flavor", build.flavor());
                    body.field("build_type", build.type().displayName());
                    body.field("build_hash", build.hash());
                    body.field("build_date", build.date());
                    body.field("build_snapshot", build.isSnapshot());
                    body.field("lucene_version", Version.LATEST.toString());
                    body.field("minimum_wire_compatibility_version", build.minWireCompatVersion());
                    body.field("minimum_index_compatibility_version", build.minIndexCompatVersion());
                    body.endObject();
                    body.field("tagline", "You Know, for Search");
                    body.endObject();
                    channel.sendResponse(new RestResponse(RestStatus.OK, body));
                };
            }
        });
    }
}
