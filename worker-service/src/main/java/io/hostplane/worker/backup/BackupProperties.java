package io.hostplane.worker.backup;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param sitesDir where the sites live: the document root of {@code example.com} is
 *     {@code {sites-dir}/example.com}
 * @param storeDir where archives are kept: {@code {store-dir}/{tenant}/{domain}/{backup id}.tar.gz}; the API
 *     reads the same directory to serve downloads
 * @param keepLast how many backups of one domain are kept; older ones are deleted after each new backup
 */
@ConfigurationProperties("hostplane.backup")
record BackupProperties(
        @DefaultValue("/srv/hostplane/sites") Path sitesDir,
        @DefaultValue("/var/lib/hostplane/backups") Path storeDir,
        @DefaultValue("7") int keepLast) {}
