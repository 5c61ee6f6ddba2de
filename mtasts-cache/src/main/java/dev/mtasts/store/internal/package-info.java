/**
 * Implementation details of the policy stores: the file format, name checks, in-process leases and
 * SQL text. Not exported; anything here may change in any release.
 */
@NullMarked
package dev.mtasts.store.internal;

import org.jspecify.annotations.NullMarked;
