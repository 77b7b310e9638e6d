package org.elasticsearch.node;

import java.util.Collection;

import org.elasticsearch.env.Environment;
import org.elasticsearch.plugins.MockPluginsService;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.plugins.PluginsLoader;
import org.elasticsearch.plugins.PluginsService;

/**
 * A node whose plugins are classes on the classpath instead of bundles in a modules/
 * directory. It lives in Elasticsearch's package because the hook it overrides,
 * NodeServiceProvider#newPluginService, is package-private. Unlike the test framework's
 * MockNode it does not require a randomized-testing context, so it can run as a server.
 */
public class ClasspathPluginsNode extends Node {

    public ClasspathPluginsNode(Environment environment, Collection<Class<? extends Plugin>> plugins) {
        super(NodeConstruction.prepareConstruction(
            environment,
            // Bundles are never loaded: the plugin service below ignores the loader.
            null,
            new NodeServiceProvider() {
                @Override
                PluginsService newPluginService(Environment env, PluginsLoader loader) {
                    return new MockPluginsService(env.settings(), env, plugins);
                }
            },
            true));
    }
}
