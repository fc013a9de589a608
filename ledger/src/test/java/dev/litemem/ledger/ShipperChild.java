package dev.litemem.ledger;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The shipper as a child JVM for {@link ShipperCrashTest}: the same loop `litemem ledger ship` runs, printing
 * "batch POSITION" after every committed batch, until it is killed. Args: JDBC URL, tenant file, tenant, batch size.
 */
public final class ShipperChild {
    private ShipperChild() {
    }

    public static void main(String[] args) {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        LedgerDatabase db = LedgerDatabase.of(args[0]);
        TenantShipping shipping = new TenantShipping(db, 1, Integer.parseInt(args[3]),
                (tenant, incarnation, position, events) -> out.println("batch " + position));
        out.println("started");
        new ShipLoop(shipping, TenantFiles.file(Path.of(args[1]), args[2]), Duration.ofMillis(20), null).run();
    }
}
