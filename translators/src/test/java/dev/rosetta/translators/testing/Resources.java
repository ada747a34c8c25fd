package dev.rosetta.translators.testing;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** Paths of test resource folders. */
public final class Resources {
    private Resources() {}

    public static Path path(String resource) {
        try {
            return Path.of(
                    Resources.class.getClassLoader().getResource(resource).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
