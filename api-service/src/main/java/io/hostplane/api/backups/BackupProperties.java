package io.hostplane.api.backups;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param storeDir the worker's backup store, mounted here too (read access is enough): downloads are streamed
 *     from {@code {store-dir}/{tenant}/{domain}/{id}.tar.gz}
 */
@ConfigurationProperties("hostplane.backup")
record BackupProperties(
        @DefaultValue("/var/lib/hostplane/backups") Path storeDir) {}
