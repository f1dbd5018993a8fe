package org.secateur.datasets;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The places datasets are looked for, in order, and where downloads go. Each root (the explicit directory, then
 * {@code $SECATEUR_DATA}) is tried as a parent of {@code <id>/} and then as the directory holding the files itself;
 * then the user cache {@code ~/.cache/secateur/<id>}; then directories that system packages install to. Downloads go
 * to {@code <root>/<id>} of the first root given, else to the user cache.
 *
 * <p>Everything is injected, so lookups can be tested without touching the real environment.
 *
 * @param explicitDir a directory named by the caller (API argument, the CLI's {@code --data-dir}), or {@code null}
 * @param dataRoot the value of {@code $SECATEUR_DATA}, or {@code null}
 * @param home the user's home directory
 * @param systemRoot the file-system root under which system package directories are resolved (normally /)
 */
public record DataDirectories(Path explicitDir, Path dataRoot, Path home, Path systemRoot) {
    /** The environment variable naming a data root. */
    public static final String ENV_VAR = "SECATEUR_DATA";

    /** Checks that home and the system root are given. */
    public DataDirectories {
        if (home == null || systemRoot == null) {
            throw new IllegalArgumentException("home and systemRoot are required, got " + home + " and " + systemRoot);
        }
    }

    /** A place that was or will be searched, and why it is on the list. */
    public record Place(Path dir, String origin) {
        @Override
        public String toString() {
            return dir + " (" + origin + ")";
        }
    }

    /** The real environment: {@code $SECATEUR_DATA}, {@code user.home} and /, with an optional explicit directory. */
    public static DataDirectories standard(Path explicitDir) {
        return of(explicitDir, System.getenv(), Path.of(System.getProperty("user.home")), Path.of("/"));
    }

    /** Directories from an explicit directory (or {@code null}), an environment map, a home and a system root. */
    public static DataDirectories of(Path explicitDir, Map<String, String> env, Path home, Path systemRoot) {
        String root = env.get(ENV_VAR);
        return new DataDirectories(explicitDir, root == null || root.isBlank() ? null : Path.of(root), home,
                systemRoot);
    }

    /** Where {@code set} is looked for, in order. */
    public List<Place> candidates(ImageSet set) {
        List<Place> places = new ArrayList<>();
        if (explicitDir != null) {
            places.add(new Place(explicitDir.resolve(set.id()), "explicit data directory"));
            places.add(new Place(explicitDir, "explicit data directory"));
        }
        if (dataRoot != null) {
            places.add(new Place(dataRoot.resolve(set.id()), "$" + ENV_VAR));
            places.add(new Place(dataRoot, "$" + ENV_VAR));
        }
        places.add(new Place(cacheDir(set), "user cache"));
        for (Path p : set.systemDirs(systemRoot)) {
            places.add(new Place(p, set.debianPackage().map(pkg -> "Debian package " + pkg).orElse("system")));
        }
        return places;
    }

    /** Where a download of {@code set} goes. */
    public Path downloadDir(ImageSet set) {
        Path root = explicitDir != null ? explicitDir : dataRoot;
        return root != null ? root.resolve(set.id()) : cacheDir(set);
    }

    private Path cacheDir(ImageSet set) {
        return home.resolve(".cache").resolve("secateur").resolve(set.id());
    }
}
