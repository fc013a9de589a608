package dev.litemem.ledger;

import dev.litemem.LiteMem;
import java.util.List;
import java.util.function.Function;

/** Some of a folder's tenants, for the benchmark. */
class TenantFilesView implements TenantShipping.Tenants {
    private final TenantFiles all;
    private final List<String> names;

    TenantFilesView(TenantFiles all, List<String> names) {
        this.all = all;
        this.names = names;
    }

    @Override
    public List<String> names() {
        return names;
    }

    @Override
    public <T> T withStore(String tenant, Function<LiteMem, T> work) {
        return all.withStore(tenant, work);
    }
}
