package io.hostplane.audit.stream;

/** One hash chain of the store: a Kafka partition of an audited topic. Streams keep a position per chain. */
record Chain(String topic, int partition) {}
