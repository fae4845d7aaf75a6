/**
 * Spring infrastructure that the three services share and that is not part of the contract: how a
 * service finds its database (through Spring's own {@code spring.r2dbc.*} keys), how it migrates the schema
 * it owns, which Kafka topics exist, and the event codec bean.
 */
package io.hostplane.platform;
