/**
 * The contract between Hostplane's services and with its users: event records, topic names, the JSON
 * envelope, job states, error and warning codes, scopes and the token format. Nothing here knows about
 * Spring web or persistence.
 */
package io.hostplane.common;
