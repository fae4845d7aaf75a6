package io.hostplane.api.backups;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param storeDir the worker's backup store, mounted here too (read access is enough): downloads are streamed
 *     from {@code {store-dir}/{tenant}/{domain}/{id}.tar.gz}
 * @param sitesDir the workers' document roots, if mounted here too (read access is enough): then a backup of a
 *     domain without a site directory is refused at once ({@code 409 SITE_NOT_FOUND}) instead of failing as a
 *     job; unset (the default), the API cannot see the sites and leaves the check to the worker
 */
@ConfigurationProperties("hostplane.backup")
record BackupProperties(
        @DefaultValue("/var/lib/hostplane/backups") Path storeDir, Path sitesDir) {}
