/**
 * Implementation details of mtasts-core. Not exported from the module and not API: anything here may
 * change in any release.
 */
@NullMarked
package dev.mtasts.internal;

import org.jspecify.annotations.NullMarked;
