/**
 * What the nginx backends share ({@code ssl} writes certificates, {@code website} writes server blocks): atomic
 * file writes that remember what each file held ({@link io.hostplane.worker.nginx.NginxChange}), the test and
 * reload commands with their timeout ({@link io.hostplane.worker.nginx.NginxCommands}), and the one lock under
 * which every nginx change of a worker process runs, since {@code nginx -t} checks all files at once.
 */
package io.hostplane.worker.nginx;
