package dev.litemem.server.internal;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;

/** Prometheus metrics: requests and their latency by route, the tenant cache, the open files, the embedder
 * and search queues. */
final class Metrics {
    final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    Metrics(TenantCache cache, MeteredEmbedder embedder, MeteredPermits searches) {
        Gauge.builder("litemem_tenants_open", cache, TenantCache::openCount)
                .description("tenant files open in the cache").register(registry);
        Gauge.builder("litemem_tenants_quarantined", cache, TenantCache::quarantinedCount)
                .description("tenants refused because their file failed the check when opened").register(registry);
        Gauge.builder("litemem_tenant_cache_estimated_bytes", cache, TenantCache::estimatedBytes)
                .description("estimated SQLite page-cache memory of the open tenants").register(registry);
        Gauge.builder("litemem_tenant_cache_opens", cache, TenantCache::opens)
                .description("tenant files opened since start").register(registry);
        Gauge.builder("litemem_tenant_cache_evictions", cache, TenantCache::evictions)
                .description("tenant files closed by the cache since start").register(registry);
        Gauge.builder("litemem_open_tenant_file_bytes", cache, TenantCache::openFileBytes)
                .description("total size of the open tenants' database files (records, vectors, index)").register(registry);
        Gauge.builder("litemem_searches_waiting", searches, MeteredPermits::waiting)
                .description("searches and recalls waiting for a turn (at most litemem_searches_limit run at once)")
                .register(registry);
        Gauge.builder("litemem_searches_running", searches, MeteredPermits::running)
                .description("searches and recalls running").register(registry);
        Gauge.builder("litemem_searches_limit", searches, MeteredPermits::limit)
                .description("searches and recalls allowed to run at once").register(registry);
        if (embedder != null) {
            Gauge.builder("litemem_embedder_queue", embedder, MeteredEmbedder::waiting)
                    .description("embedding calls waiting for the embedder").register(registry);
            Gauge.builder("litemem_embedder_running", embedder, MeteredEmbedder::running)
                    .description("embedding calls running").register(registry);
        }
    }

    void request(String method, String route, int status, long nanos) {
        Timer.builder("litemem_http_requests")
                .description("HTTP requests by route and status")
                .tag("method", method).tag("route", route).tag("status", Integer.toString(status))
                .publishPercentileHistogram()
                .serviceLevelObjectives(Duration.ofMillis(5), Duration.ofMillis(25), Duration.ofMillis(100))
                .register(registry)
                .record(Duration.ofNanos(nanos));
    }

    String scrape() {
        return registry.scrape();
    }
}
