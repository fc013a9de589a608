/**
 * Backup with point-in-time restore of LiteMem files (docs/OPERATIONS.md, "Backup and restore"): a base snapshot per
 * tenant plus segments of the change log with the after-image of every change, written as immutable, checksummed
 * objects to a {@link dev.litemem.backup.BlobStore} (a directory or an S3 bucket), and a manifest per tenant written
 * last. {@link dev.litemem.backup.Backup} writes them; {@link dev.litemem.backup.Restore} rebuilds a file at any
 * sequence number or time they cover and verifies it before it puts it in place.
 */
package dev.litemem.backup;
