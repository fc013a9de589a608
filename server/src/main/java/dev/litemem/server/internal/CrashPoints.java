package dev.litemem.server.internal;

/**
 * Named points between the steps of the tenant creation and deletion protocols, where a test can stop the server: with
 * the system property {@code litemem.test.pauseAt=POINT} the server prints {@code paused at POINT} and waits there
 * forever, for the test to kill it with SIGKILL at exactly that step. Without the property, each point costs one
 * property read.
 */
final class CrashPoints {
    static final String PROPERTY = "litemem.test.pauseAt";

    private CrashPoints() {
    }

    static void reached(String point) {
        if (!point.equals(System.getProperty(PROPERTY))) {
            return;
        }
        System.out.println("paused at " + point);
        System.out.flush();
        Object never = new Object();
        synchronized (never) {
            while (true) {
                try {
                    never.wait();
                } catch (InterruptedException e) {
                    // Still paused: only the kill ends this.
                }
            }
        }
    }
}
