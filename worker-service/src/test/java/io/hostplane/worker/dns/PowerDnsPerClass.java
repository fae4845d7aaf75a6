package io.hostplane.worker.dns;

import io.hostplane.embedded.PowerDnsServer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A PowerDNS of the test class's own ({@link ServedDnsBackendContract#newPowerDns}), started before its first
 * test and stopped after its last; register it as a static {@code @RegisterExtension} field.
 */
final class PowerDnsPerClass implements BeforeAllCallback, AfterAllCallback {

    private PowerDnsServer server;

    @Override
    public void beforeAll(ExtensionContext context) {
        server = ServedDnsBackendContract.newPowerDns();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (server != null) {
            server.close();
        }
    }

    PowerDnsServer server() {
        return server;
    }
}
