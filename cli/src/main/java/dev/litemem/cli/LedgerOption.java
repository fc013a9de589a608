package dev.litemem.cli;

import dev.litemem.LedgerPolicy;
import dev.litemem.LiteMem;
import picocli.CommandLine.Option;

/** {@code --ledger none|all}: the outbox policy of the collection a command writes (created or existing). */
final class LedgerOption {
    @Option(names = "--ledger", paramLabel = "POLICY", description = "The collection's outbox policy: none (its changes"
            + " stay in the file) or all (every change goes to the central ledger; see 'litemem ledger'). Sets it on a"
            + " new collection and changes it on an existing one; left as it is when not given.")
    String ledger;

    /** Sets the policy on the collection (creating it the way the command would) when the option was given. */
    void apply(LiteMem mem, String collection) {
        if (ledger != null) {
            LedgerPolicy policy = LedgerPolicy.fromId(ledger);
            mem.collection(collection).ledgerPolicy(policy);
        }
    }
}
