package io.hostplane.worker.ssl;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The default backend: records which certificate each domain has in {@code worker.local_certificates} and
 * writes nothing else anywhere; it never decrypts the key. For development and for platforms whose web
 * servers fetch certificates themselves.
 */
class LocalSslBackend implements SslBackend {

    private final JdbcTemplate jdbc;

    LocalSslBackend(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public String name() {
        return "local";
    }

    @Override
    public void install(
            String domain,
            String certificateId,
            String fingerprint,
            String fullChain,
            java.util.function.Supplier<String> privateKey) {
        jdbc.update(
                "insert into worker.local_certificates (domain, certificate_id, fingerprint_sha256) "
                        + "values (?, ?::uuid, ?) on conflict (domain) do update set "
                        + "certificate_id = excluded.certificate_id, fingerprint_sha256 = excluded.fingerprint_sha256, "
                        + "installed_at = now()",
                domain,
                certificateId,
                fingerprint);
    }

    @Override
    public boolean remove(String domain) {
        return jdbc.update("delete from worker.local_certificates where domain = ?", domain) > 0;
    }
}
