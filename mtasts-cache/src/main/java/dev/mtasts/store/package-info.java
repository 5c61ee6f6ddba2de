/**
 * Persistent {@link dev.mtasts.cache.PolicyStore}s: {@link dev.mtasts.store.FilePolicyStore} keeps
 * one MTA's policies in a directory, {@link dev.mtasts.store.JdbcPolicyStore} shares them across a
 * fleet through a database.
 */
@NullMarked
package dev.mtasts.store;

import org.jspecify.annotations.NullMarked;
