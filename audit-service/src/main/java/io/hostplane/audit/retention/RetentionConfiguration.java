package io.hostplane.audit.retention;

import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

/** Runs {@link PartitionMaintenance}'s periodic check. */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
class RetentionConfiguration {}
