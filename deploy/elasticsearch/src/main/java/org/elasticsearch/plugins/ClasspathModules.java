package org.elasticsearch.plugins;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Builds a {@link PluginsLoader} whose modules are plugin classes already on the JVM classpath.
 *
 * <p>The official distribution loads each module from {@code modules/NAME/} in its own class loader (and module layer).
 * Here the server, Netty and our analysis plugin all sit on one flat classpath, so every "module" uses the
 * application class loader. This class lives in {@code org.elasticsearch.plugins} only to reach the package-private
 * constructors of {@link PluginBundle} and {@link PluginsLoader}; on the classpath, packages are not sealed by JPMS.
 * {@link PluginsService} then instantiates each plugin class exactly as it does for a module of the distribution.
 */
public final class ClasspathModules {

    /** One module to load: its name (listed under "modules" by {@code GET _nodes/plugins}) and its {@link Plugin} class. */
    public record Module(String name, String description, Class<? extends Plugin> pluginClass) {}

    private ClasspathModules() {}

    /**
     * @param bundlesRoot an empty scratch directory; a plugin bundle needs a directory (it is scanned for jars: none here)
     * @param esVersion   the server version, recorded in each descriptor
     */
    public static PluginsLoader create(Path bundlesRoot, String esVersion, List<Module> modules) throws IOException {
        Set<PluginBundle> bundles = new LinkedHashSet<>();
        List<PluginsLoader.PluginLayer> layers = new ArrayList<>();
        for (Module module : modules) {
            ClassLoader loader = module.pluginClass().getClassLoader();
            PluginDescriptor descriptor = new PluginDescriptor(
                module.name(),
                module.description(),
                esVersion,
                esVersion,
                Integer.toString(Runtime.version().feature()),
                module.pluginClass().getName(),
                null,
                List.of(),
                false,
                false,
                false,
                false
            );
            Path dir = Files.createDirectories(bundlesRoot.resolve(module.name()));
            PluginBundle bundle = new PluginBundle(descriptor, dir);
            bundles.add(bundle);
            layers.add(new Layer(bundle, loader, ModuleLayer.boot()));
        }
        return new Loader(bundles, List.copyOf(layers));
    }

    private record Layer(PluginBundle pluginBundle, ClassLoader pluginClassLoader, ModuleLayer pluginModuleLayer)
        implements
            PluginsLoader.PluginLayer {}

    /** Reports the classpath modules as modules (as {@code GET _nodes/plugins} shows them) and hands out their layers. */
    private static final class Loader extends PluginsLoader {
        private final List<PluginsLoader.PluginLayer> layers;

        Loader(Set<PluginBundle> modules, List<PluginsLoader.PluginLayer> layers) {
            super(modules, Set.of(), Map.of());
            this.layers = layers;
        }

        @Override
        public Stream<PluginsLoader.PluginLayer> pluginLayers() {
            return layers.stream();
        }
    }
}
